"""Banks are looked up by VietQR BIN, and a reused BIN means the bank that holds it today."""

import pytest

from marketplace.banks import Bank, all_banks, bank_by_bin
from marketplace.errors import InvalidInput


def test_bank_is_found_by_its_bin():
    assert bank_by_bin("970436") == Bank(
        bin="970436",
        short_name="Vietcombank",
        code="VCB",
        name="Ngân hàng TMCP Ngoại Thương Việt Nam",
        can_send=True,
    )


def test_vietinbank_is_found_by_bin_whatever_code_another_list_gives_it():
    assert bank_by_bin("970415").short_name == "VietinBank"


@pytest.mark.parametrize(
    ("bank_bin", "today", "former"),
    [
        ("970406", "Vikki Bank", "DongA Bank"),
        ("970414", "MBV", "Ocean Bank"),
        ("970449", "LPBank", "LienVietPostBank"),
    ],
)
def test_bin_reused_after_a_merger_means_the_bank_that_holds_it_today(bank_bin, today, former):
    assert bank_by_bin(bank_bin).short_name == today
    assert former not in {bank.short_name for bank in all_banks()}


def test_receive_only_bank_cannot_send():
    assert bank_by_bin("422589").can_send is False


@pytest.mark.parametrize("bank_bin", ["970416", "970407", "970422", "971025", "970454"])
def test_banks_and_wallets_of_real_vietqr_codes_are_known(bank_bin):
    assert bank_by_bin(bank_bin).bin == bank_bin


@pytest.mark.parametrize("bank_bin", ["999999", "", "97043", "VCB"])
def test_unknown_bin_is_invalid_input_in_vietnamese_and_english(bank_bin):
    with pytest.raises(InvalidInput) as raised:
        bank_by_bin(bank_bin)

    error = raised.value
    assert error.code == "bank_unknown"
    assert f"“{bank_bin}”" in error.message_vi
    assert "ngân hàng" in error.message_vi
    assert f"“{bank_bin}”" in error.message_en
    assert [field.field for field in error.fields] == ["bank_bin"]


def test_all_banks_are_sorted_by_short_name():
    names = [bank.short_name for bank in all_banks()]

    assert names == sorted(names, key=str.casefold)


def test_all_banks_have_distinct_six_digit_bins():
    bins = [bank.bin for bank in all_banks()]

    assert len(bins) == len(set(bins))
    assert all(len(bank_bin) == 6 and bank_bin.isdigit() for bank_bin in bins)


def test_every_listed_bank_is_the_one_found_by_its_bin():
    for bank in all_banks():
        assert bank_by_bin(bank.bin) == bank


def test_the_list_returned_can_be_changed_without_changing_the_banks():
    banks = all_banks()
    banks.clear()

    assert all_banks()
