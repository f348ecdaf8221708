"""Synthetic statement files for ``bench_import.py`` (one account, N distinct lines)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

START = date(2024, 1, 1)


def _day(i: int) -> date:
    return START + timedelta(days=i // 400)


def _amount(i: int) -> tuple[int, int]:
    """(cents, sign): distinct amounts, mostly credits."""
    return 100 + (i * 7919) % 900_000, (-1 if i % 5 == 0 else 1)


def camt(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:'
                  '20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>B</MsgId>'
                  '</GrpHdr><Stmt><Id>BENCH</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN>'
                  '</Id><Ccy>EUR</Ccy></Acct>\n')
        total = 0
        for i in range(lines):
            cents, sign = _amount(i)
            total += sign * cents
            out.write(
                f'<Ntry><Amt Ccy="EUR">{cents // 100}.{cents % 100:02d}</Amt><CdtDbtInd>'
                f'{"DBIT" if sign < 0 else "CRDT"}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>'
                f'{_day(i)}</Dt></BookgDt><ValDt><Dt>{_day(i)}</Dt></ValDt><AcctSvcrRef>R{i}'
                f'</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E2E{i}</EndToEndId></Refs>'
                f'<RltdPties><Dbtr><Nm>Customer {i % 5000}</Nm></Dbtr></RltdPties><RmtInf>'
                f'<Ustrd>Invoice INV-{i:07d}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n')
        out.write(_camt_balances(total) + "</Stmt></BkToCstmrStmt></Document>\n")


def _camt_balances(total: int) -> str:
    def bal(code: str, cents: int) -> str:
        ind = "DBIT" if cents < 0 else "CRDT"
        return (f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">'
                f'{abs(cents) // 100}.{abs(cents) % 100:02d}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
                f'<Dt><Dt>2024-01-01</Dt></Dt></Bal>')
    return bal("OPBD", 0) + bal("CLBD", total)


def mt940(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(":20:BENCH\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C240101EUR0,00\n")
        total = 0
        for i in range(lines):
            cents, sign = _amount(i)
            total += sign * cents
            day = _day(i)
            out.write(f":61:{day:%y%m%d}{day:%m%d}{'D' if sign < 0 else 'C'}"
                      f"{cents // 100},{cents % 100:02d}NTRFNONREF//B{i}\n"
                      f":86:/EREF/E2E{i}//NAME/Customer {i % 5000}//REMI/USTD//INV-{i:07d}/\n")
        mark = "D" if total < 0 else "C"
        out.write(f":62F:{mark}{_day(lines):%y%m%d}EUR{abs(total) // 100},"
                  f"{abs(total) % 100:02d}\n-\n")


def csv_file(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("Date,Label,Amount,Reference,Partner Name,Currency\n")
        for i in range(lines):
            cents, sign = _amount(i)
            out.write(f"{_day(i)},Invoice INV-{i:07d},{'-' if sign < 0 else ''}{cents // 100}."
                      f"{cents % 100:02d},R{i},Customer {i % 5000},EUR\n")


def ofx_text(lines: int) -> str:
    """OFX 1.02 SGML with unclosed leaf tags, as banks write it."""
    head = ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
            "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
            "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
            "<DTSERVER>20240101<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n<BANKMSGSRSV1>"
            "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR\n"
            "<BANKACCTFROM><BANKID>37040044<ACCTID>0532013000<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
            "<BANKTRANLIST><DTSTART>20240101<DTEND>20241231\n")
    parts = [head]
    total = 0
    for i in range(lines):
        cents, sign = _amount(i)
        total += sign * cents
        parts.append(f"<STMTTRN>\n<TRNTYPE>{'DEBIT' if sign < 0 else 'CREDIT'}\n"
                     f"<DTPOSTED>{_day(i):%Y%m%d}120000[+1:CET]\n<TRNAMT>"
                     f"{'-' if sign < 0 else ''}{cents // 100}.{cents % 100:02d}\n<FITID>F{i}\n"
                     f"<NAME>Customer {i % 5000}\n<MEMO>Invoice INV-{i:07d}\n</STMTTRN>\n")
    parts.append(f"</BANKTRANLIST>\n<LEDGERBAL><BALAMT>{total / 100:.2f}<DTASOF>20241231"
                 "</LEDGERBAL>\n</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")
    return "".join(parts)


def ofx(path: Path, lines: int) -> None:
    path.write_text(ofx_text(lines), encoding="utf-8")


GENERATORS = {"camt": camt, "mt940": mt940, "csv": csv_file, "ofx": ofx}
