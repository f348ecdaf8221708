"""Writers for the demo's files: camt.053 XML, OFX 1.02 SGML, invoice CSV, Stripe report CSV.

Each function returns the bytes a bank, the ERP or Stripe would deliver; the balances of a
statement always add up (closing = opening + lines). Text is XML- and SGML-escaped. Raises
nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

__all__ = ["BankLine", "camt053", "invoices_csv", "ofx", "stripe_report"]


@dataclass(frozen=True)
class BankLine:
    booked: dt.date
    amount: str
    payer: str
    remittance: str
    end_to_end: str = ""

    @property
    def value(self) -> Decimal:
        return Decimal(self.amount)

    def ref(self, n: int) -> str:
        """A stable bank reference for line ``n`` of the file."""
        digest = hashlib.sha1(f"{n}|{self.booked}|{self.amount}|{self.payer}".encode()).hexdigest()
        return f"{self.booked:%Y%m%d}{digest[:10].upper()}"


def _closing(opening: Decimal, lines: Sequence[BankLine]) -> Decimal:
    return opening + sum((ln.value for ln in lines), Decimal(0))


def _camt_entry(n: int, line: BankLine, currency: str) -> str:
    credit = line.value > 0
    party = "Dbtr" if credit else "Cdtr"
    e2e = escape(line.end_to_end or "NOTPROVIDED")
    name = (
        f"<RltdPties><{party}><Nm>{escape(line.payer)}</Nm></{party}></RltdPties>"
        if line.payer
        else ""
    )
    return f"""
   <Ntry>
    <Amt Ccy="{currency}">{abs(line.value):.2f}</Amt>
    <CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
    <Sts>BOOK</Sts>
    <BookgDt><Dt>{line.booked}</Dt></BookgDt>
    <ValDt><Dt>{line.booked}</Dt></ValDt>
    <AcctSvcrRef>{line.ref(n)}</AcctSvcrRef>
    <NtryDtls><TxDtls>
     <Refs><EndToEndId>{e2e}</EndToEndId></Refs>
     {name}
     <RmtInf><Ustrd>{escape(line.remittance)}</Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>"""


def camt053(
    iban: str, currency: str, opening: Decimal, lines: Sequence[BankLine], today: dt.date
) -> bytes:
    """A camt.053.001.02 statement of ``lines`` with opening and closing booked balances."""
    start = min(ln.booked for ln in lines)
    end = max(ln.booked for ln in lines)
    entries = "".join(_camt_entry(n, ln, currency) for n, ln in enumerate(lines))
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>DEMO-{today:%Y%m%d}</MsgId><CreDtTm>{today}T06:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>DEMO-STMT-{today:%Y%m%d}</Id>
   <ElctrncSeqNb>{today:%j}</ElctrncSeqNb>
   <CreDtTm>{today}T06:00:00</CreDtTm>
   <FrToDt><FrDtTm>{start}T00:00:00</FrDtTm><ToDtTm>{end}T23:59:59</ToDtTm></FrToDt>
   <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{currency}</Ccy></Acct>
   {_camt_balance("OPBD", opening, currency, start - dt.timedelta(days=1))}
   {_camt_balance("CLBD", _closing(opening, lines), currency, end)}{entries}
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""
    return text.encode("utf-8")


def _camt_balance(code: str, amount: Decimal, currency: str, day: dt.date) -> str:
    sign = "CRDT" if amount >= 0 else "DBIT"
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="{currency}">{abs(amount):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        f"<Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def _sgml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ofx(
    account: str, currency: str, opening: Decimal, lines: Sequence[BankLine], today: dt.date
) -> bytes:
    """An OFX 1.02 (SGML) bank statement with a ledger balance that adds up."""
    start = min(ln.booked for ln in lines)
    body = "".join(
        f"<STMTTRN><TRNTYPE>{'CREDIT' if ln.value > 0 else 'DEBIT'}"
        f"<DTPOSTED>{ln.booked:%Y%m%d}120000<TRNAMT>{ln.value:.2f}<FITID>{ln.ref(n)}"
        f"<NAME>{_sgml(ln.payer[:32] or 'BANK')}<MEMO>{_sgml(ln.remittance)}</STMTTRN>\n"
        for n, ln in enumerate(lines)
    )
    text = (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        f"<DTSERVER>{today:%Y%m%d}060000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>"
        f"<CURDEF>{currency}<BANKACCTFROM><BANKID>121000248<ACCTID>{account}"
        "<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        f"<BANKTRANLIST><DTSTART>{start:%Y%m%d}<DTEND>{today:%Y%m%d}\n{body}</BANKTRANLIST>"
        f"<LEDGERBAL><BALAMT>{_closing(opening, lines):.2f}<DTASOF>{today:%Y%m%d}</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )
    return text.encode("ascii", errors="replace")


def invoices_csv(rows: Sequence[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def stripe_report(
    payout: str, charges: Sequence[tuple[str, str, str, str]], when: dt.date
) -> bytes:
    """A Stripe payout reconciliation (itemised) CSV: the charges and the payout itself."""
    header = (
        "automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,"
        "created_utc,currency,gross,fee,net,reporting_category,source_id,charge_id,"
        "payment_metadata[invoice_no]"
    )
    rows, total = [header], Decimal(0)
    for n, (charge, invoice, gross, fee) in enumerate(charges, start=1):
        net = Decimal(gross) - Decimal(fee)
        total += net
        rows.append(
            f"{payout},{when} 00:00:00,txn_demo_c{n},{when} 10:0{n}:00,usd,{gross},{fee},"
            f"{net},charge,{charge},{charge},{invoice}"
        )
    rows.append(
        f"{payout},{when} 00:00:00,txn_demo_p1,{when} 23:00:00,usd,-{total},0.00,"
        f"-{total},payout,{payout},,"
    )
    return ("\n".join(rows) + "\n").encode("utf-8")
