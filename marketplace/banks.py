"""Vietnamese banks keyed by their VietQR BIN.

Banks are keyed by BIN, not by code: codes differ between public lists (VietinBank is `CTG` in
one and `ICB` in another) and BINs were reused after mergers (970406 DongA Bank → Vikki Bank),
so the vendored list keeps former names and marks which bank holds each BIN today.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from marketplace.errors import invalid_field


@dataclass(frozen=True)
class Bank:
    """A bank or wallet that receives VietQR transfers; `can_send` if it also pays by VietQR."""

    bin: str
    short_name: str
    code: str
    name: str
    can_send: bool


@functools.cache
def _current_banks_by_bin() -> dict[str, Bank]:
    text = resources.files("marketplace").joinpath("data", "banks.csv").read_text(encoding="utf-8")
    banks: dict[str, Bank] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["current"] != "1":
            continue
        banks[row["bin"]] = Bank(
            bin=row["bin"],
            short_name=row["short_name"],
            code=row["code"],
            name=row["name"],
            can_send=row["vietqr_status"] == "1",
        )
    return banks


def bank_by_bin(bin: str) -> Bank:
    """The bank that holds `bin` today; raises InvalidInput `bank_unknown` for unknown BINs."""
    bank = _current_banks_by_bin().get(bin)
    if bank is None:
        raise invalid_field(
            "bank_bin",
            "bank_unknown",
            f"Không có ngân hàng nào mang mã BIN “{bin}”. Vui lòng chọn ngân hàng trong danh sách.",
            f"No bank has the BIN “{bin}”. Please choose a bank from the list.",
        )
    return bank


def all_banks() -> list[Bank]:
    """Every bank that holds a BIN today, sorted by short name for pickers."""
    return sorted(_current_banks_by_bin().values(), key=lambda bank: bank.short_name.casefold())
