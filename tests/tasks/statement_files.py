"""Small generated MT940 statements for the import-job tests (one account, N distinct lines)."""

from __future__ import annotations

import datetime as dt

ACCOUNT = "DE89370400440532013000"


def mt940(lines: int, *, account: str = ACCOUNT, closing_off_cents: int = 0,
          ref: str = "JOB") -> bytes:
    """An MT940 file of ``lines`` credits whose closing balance is off by ``closing_off_cents``
    (0: it adds up)."""
    out = [f":20:{ref}", f":25:{account}", ":28C:1/1", ":60F:C240101EUR0,00"]
    total = 0
    for i in range(lines):
        cents = 100 + (i * 7919) % 900_000
        total += cents
        day = dt.date(2024, 1, 1) + dt.timedelta(days=i // 400)
        out.append(f":61:{day:%y%m%d}{day:%m%d}C{cents // 100},{cents % 100:02d}"
                   f"NTRFNONREF//B{ref}{i}")
        out.append(f":86:/EREF/E2E{ref}{i}//NAME/Customer {i % 500}//REMI/USTD//INV-{i:07d}/")
    total += closing_off_cents
    out.append(f":62F:C{dt.date(2024, 1, 1) + dt.timedelta(days=lines // 400):%y%m%d}"
               f"EUR{total // 100},{total % 100:02d}")
    return ("\n".join(out) + "\n-\n").encode()
