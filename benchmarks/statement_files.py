"""The files of the whole-path benchmark: an invoice CSV and a statement laid out as banks do.

camt.053 (payer names and accounts in RltdPties); OFX 2.2 (``ofx``: NAME cut at its 32
characters, the remittance in MEMO cut at 255, the payer account in BANKACCTTO); MT940 in the
German DK layout (``mt940``: one sub-field per line, the text in ?20-?29 and the name in
?32/?33, 27 characters each, the payer's IBAN in ?31; UTF-8 as some banks write it); a Chinese
corporate CSV export (``csv``: GB18030, account preamble,
交易日期/收入金额/支出金额/对方户名/对方账号/摘要). tests/importers/test_statement_round_trip.py
reads each back.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.gen_matching import Dataset


def write_invoices(ds: Dataset, path: Path) -> None:
    names = {c.id: c.name for c in ds.customers}
    with path.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["invoice_no", "customer_id", "customer_name", "amount", "currency",
                    "issue_date", "due_date"])  # fmt: skip
        for inv in ds.invoices:
            w.writerow([inv.number, inv.customer_id, names[inv.customer_id], inv.open_amount,
                        inv.currency, inv.issue_date, inv.due_date or ""])  # fmt: skip


def _entry(rec) -> str:
    ind = "CRDT" if rec.amount > 0 else "DBIT"
    party = "Dbtr" if rec.amount > 0 else "Cdtr"
    acct = rec.payer_account
    acct_xml = ""
    if acct:
        inner = f"<IBAN>{acct}</IBAN>" if acct[:2].isalpha() else f"<Othr><Id>{acct}</Id></Othr>"
        acct_xml = f"<{party}Acct><Id>{inner}</Id></{party}Acct>"
    name = f"<{party}><Nm>{escape(rec.payer_name)}</Nm></{party}>" if rec.payer_name else ""
    parties = f"<RltdPties>{name}{acct_xml}</RltdPties>" if name or acct_xml else ""
    return (
        f'<Ntry><Amt Ccy="{rec.currency}">{abs(rec.amount):.2f}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{rec.booking_date}</Dt></BookgDt><AcctSvcrRef>{rec.id}"
        f"</AcctSvcrRef><NtryDtls><TxDtls><Refs><AcctSvcrRef>{rec.id}</AcctSvcrRef></Refs>"
        f"{parties}<RmtInf><Ustrd>{escape(rec.remittance or '-')}</Ustrd>"
        "</RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )


def write_camt(ds: Dataset, path: Path) -> None:
    total = sum((r.amount for r in ds.receipts), Decimal(0))
    first = min(r.booking_date for r in ds.receipts)
    cur = ds.currency

    def bal(code: str, amount: Decimal) -> str:
        ind = "CRDT" if amount >= 0 else "DBIT"
        return (f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{cur}">'
                f"{abs(amount):.2f}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>{first}</Dt></Dt>"
                "</Bal>")  # fmt: skip

    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022'
                  ':tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId>'
                  "</GrpHdr><Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN>"
                  f"</Id><Ccy>{cur}</Ccy></Acct>")  # fmt: skip
        out.write(bal("OPBD", Decimal(0)) + bal("CLBD", total) + "\n")
        for rec in ds.receipts:
            out.write(_entry(rec))
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _ofx_entry(rec) -> str:
    kind = "CREDIT" if rec.amount > 0 else "DEBIT"
    acct = (f"<BANKACCTTO><BANKID>0</BANKID><ACCTID>{escape(rec.payer_account)}</ACCTID>"
            "<ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTTO>") if rec.payer_account else ""  # fmt: skip
    name = f"<NAME>{escape(rec.payer_name[:32])}</NAME>" if rec.payer_name else ""
    memo = f"<MEMO>{escape(rec.remittance[:255])}</MEMO>" if rec.remittance else ""
    return (f"<STMTTRN><TRNTYPE>{kind}</TRNTYPE><DTPOSTED>{rec.booking_date:%Y%m%d}</DTPOSTED>"
            f"<TRNAMT>{rec.amount:.2f}</TRNAMT><FITID>{rec.id}</FITID>{name}{acct}{memo}"
            "</STMTTRN>\n")  # fmt: skip


def write_ofx(ds: Dataset, path: Path) -> None:
    total = sum((r.amount for r in ds.receipts), Decimal(0))
    first = min(r.booking_date for r in ds.receipts)
    last = max(r.booking_date for r in ds.receipts)
    ok = "<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<?OFX OFXHEADER="200" '
                  'VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
                  f"<OFX><SIGNONMSGSRSV1><SONRS>{ok}<DTSERVER>{last:%Y%m%d}</DTSERVER><LANGUAGE>"
                  f"ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1"
                  f"</TRNUID>{ok}<STMTRS><CURDEF>{ds.currency}</CURDEF><BANKACCTFROM><BANKID>"
                  "37040044</BANKID><ACCTID>0532013000</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE>"
                  f"</BANKACCTFROM><BANKTRANLIST><DTSTART>{first:%Y%m%d}</DTSTART><DTEND>"
                  f"{last:%Y%m%d}</DTEND>\n")  # fmt: skip
        for rec in ds.receipts:
            out.write(_ofx_entry(rec))
        out.write(f"</BANKTRANLIST><LEDGERBAL><BALAMT>{total:.2f}</BALAMT><DTASOF>{last:%Y%m%d}"
                  "</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")  # fmt: skip


def _sub(code: int, text: str, width: int = 27, most: int = 10) -> list[str]:
    parts = [text[i : i + width] for i in range(0, len(text), width)][:most]
    return [f"?{code + k:02d}{part}" for k, part in enumerate(parts)]


def _mt940_entry(rec) -> str:
    """One :61: and its :86:, one sub-field per line as German banks write them."""
    mark = "C" if rec.amount > 0 else "D"
    amount = f"{abs(rec.amount):.2f}".replace(".", ",")
    info = [f"{'166' if rec.amount > 0 else '116'}?00GUTSCHRIFT",
            *_sub(20, "SVWZ+" + rec.remittance, most=8),
            *([f"?31{rec.payer_account}"] if rec.payer_account else []),
            *_sub(32, rec.payer_name, most=2)]  # fmt: skip
    return (f":61:{rec.booking_date:%y%m%d%m%d}{mark}{amount}NTRFNONREF//{rec.id[-16:]}\n"
            f":86:{chr(10).join(info)}\n")  # fmt: skip


def write_mt940(ds: Dataset, path: Path) -> None:
    total = sum((r.amount for r in ds.receipts), Decimal(0))
    first = min(r.booking_date for r in ds.receipts)
    last = max(r.booking_date for r in ds.receipts)

    def bal(tag: str, when, amount: Decimal) -> str:
        mark = "C" if amount >= 0 else "D"
        return f":{tag}:{mark}{when:%y%m%d}{ds.currency}{abs(amount):.2f}\n".replace(".", ",")

    with path.open("w", encoding="utf-8") as out:
        out.write(":20:BENCH\n:25:37040044/0532013000\n:28C:1/1\n" + bal("60F", first, Decimal(0)))
        for rec in ds.receipts:
            out.write(_mt940_entry(rec))
        out.write(bal("62F", last, total))


def write_cn_csv(ds: Dataset, path: Path) -> None:
    with path.open("w", encoding="gb18030", newline="") as out:
        out.write("账户明细查询\r\n账号：6222020200112233445\r\n")
        w = csv.writer(out)
        w.writerow(["交易日期", "交易流水号", "收入金额", "支出金额", "对方户名", "对方账号",
                    "摘要"])  # fmt: skip
        for rec in ds.receipts:
            money = f"{abs(rec.amount):.2f}"
            w.writerow([rec.booking_date.isoformat(), rec.id, money if rec.amount > 0 else "",
                        "" if rec.amount > 0 else money, rec.payer_name, rec.payer_account,
                        rec.remittance])  # fmt: skip


WRITERS = {"camt": ("statement.xml", write_camt), "ofx": ("statement.ofx", write_ofx),
           "mt940": ("statement.sta", write_mt940), "csv": ("statement.csv", write_cn_csv)}
