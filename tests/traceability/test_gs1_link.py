from datetime import date
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.errors import InvalidInput, NotFound
from traceability.codes import new_batch_code
from traceability.gs1_link import GS1_CHARSET_82, digital_link, is_valid_lot, parse_digital_link

GTIN = "09521234543213"


def test_gs1_charset_has_82_characters():
    assert len(GS1_CHARSET_82) == 82
    assert " " not in GS1_CHARSET_82
    assert "#" not in GS1_CHARSET_82


def test_gtin_13_is_padded_to_14_digits_in_the_path():
    assert (
        digital_link("https://langso.vn", "9521234543213") == "https://langso.vn/01/09521234543213"
    )


def test_qualifiers_follow_the_order_cpv_lot_serial():
    link = digital_link("https://langso.vn/", GTIN, "LOT7", serial="S1", cpv="RED")
    assert link == "https://langso.vn/01/09521234543213/22/RED/10/LOT7/21/S1"


def test_base_url_may_carry_a_path_prefix():
    link = digital_link("https://example.com/truy-xuat", GTIN, "A1")
    assert link == "https://example.com/truy-xuat/01/09521234543213/10/A1"
    assert parse_digital_link(link).lot == "A1"


def test_reserved_characters_in_a_lot_are_percent_encoded():
    link = digital_link("https://langso.vn", GTIN, "A/B+C%1 ".strip())
    assert link.endswith("/10/A%2FB%2BC%251")
    assert parse_digital_link(link).lot == "A/B+C%1"


def test_dates_and_country_go_in_the_query_string():
    link = digital_link(
        "https://langso.vn",
        GTIN,
        "7K3M9QX2A8T",
        packaging_date=date(2026, 3, 14),
        expiry=date(2026, 9, 30),
        harvest_date=(date(2026, 3, 1), date(2026, 3, 12)),
        country_of_origin="704",
    )
    assert urlsplit(link).query == "13=260314&17=260930&7007=260301260312&422=704"
    parsed = parse_digital_link(link)
    assert parsed.attributes == {
        "13": "260314",
        "17": "260930",
        "7007": "260301260312",
        "422": "704",
    }


def test_single_harvest_day_is_six_digits():
    link = digital_link("https://langso.vn", GTIN, harvest_date=date(2026, 3, 1))
    assert link.endswith("?7007=260301")


@pytest.mark.parametrize("lot", ["", "x" * 21, "LÔ-1", "A B", "A#B"])
def test_lots_outside_gs1_rules_are_refused(lot):
    assert not is_valid_lot(lot)
    with pytest.raises(InvalidInput) as caught:
        digital_link("https://langso.vn", GTIN, lot)
    assert caught.value.code == "lot_invalid"


def test_gtin_with_wrong_check_digit_is_refused_when_building():
    with pytest.raises(InvalidInput):
        digital_link("https://langso.vn", "09521234543214", "A1")


def test_parse_reads_path_with_prefix_and_ignores_link_type():
    parsed = parse_digital_link("/p/01/9521234543213/10/ABC/21/0042?linkType=gs1:pip&17=261200")
    assert (parsed.gtin14, parsed.lot, parsed.serial) == (GTIN, "ABC", "0042")
    assert parsed.attributes == {"17": "261200"}


def test_parse_accepts_a_whole_url_and_a_trailing_slash():
    parsed = parse_digital_link("https://id.gs1.org/01/09521234543213/10/ABC/")
    assert (parsed.gtin14, parsed.lot, parsed.serial) == (GTIN, "ABC", None)


@pytest.mark.parametrize(
    "path",
    [
        "/t/7K3M9QX2A8T",  # no GTIN at all
        "/01/09521234543214/10/A",  # wrong check digit
        "/01/09521234543213/21/S/10/A",  # serial before lot
        "/01/09521234543213/10/A/10/B",  # lot twice
        "/01/09521234543213/10",  # qualifier without value
        "/01/09521234543213/99/A",  # unknown qualifier
        "/01/09521234543213/10/A%20B",  # space in lot
        "/01/09521234543213/10/A?17=261301",  # month 13
        "/01/09521234543213/10/A?7007=260200",  # harvest day 00 is not allowed
        "/01/09521234543213/10/A?422=VN",
    ],
)
def test_malformed_links_name_nothing(path):
    with pytest.raises(NotFound) as caught:
        parse_digital_link(path)
    assert caught.value.code == "digital_link_invalid"


def test_batch_codes_are_valid_gs1_lots():
    for _ in range(200):
        assert is_valid_lot(new_batch_code())


@given(
    st.text(alphabet=sorted(GS1_CHARSET_82), min_size=1, max_size=20),
    st.text(alphabet=sorted(GS1_CHARSET_82), min_size=1, max_size=20),
)
def test_any_gs1_lot_and_serial_round_trip(lot, serial):
    parsed = parse_digital_link(digital_link("https://langso.vn", GTIN, lot, serial=serial))
    assert (parsed.lot, parsed.serial) == (lot, serial)
