"""QR images read back by a real decoder give exactly the payload, in PNG and in SVG."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from marketplace.payments.qrimage import qr_png, qr_svg
from marketplace.payments.vietqr import encode

SVG_NS = "{http://www.w3.org/2000/svg}"
PAYLOADS = [
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F",
    encode("970415", "113366668888", amount=79000, purpose="DH4K7P2QX"),
    encode("970454", "99ZP24009M07248267", amount=10**13 - 1, purpose="X" * 25),
]


def read_qr_codes(image):
    return [
        barcode.text
        for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if barcode.format == zxingcpp.BarcodeFormat.QRCode
    ]


def png_image(data):
    return Image.open(io.BytesIO(data))


def rasterise_svg(svg, pixels_per_unit=6):
    """Draw segno's SVG (one white rectangle, one path of horizontal strokes) onto an image."""
    root = ET.fromstring(svg)
    _, _, width, height = (int(float(part)) for part in root.attrib["viewBox"].split())
    image = Image.new("L", (width * pixels_per_unit, height * pixels_per_unit), 255)
    draw = ImageDraw.Draw(image)
    dark = next(path for path in root.iter(f"{SVG_NS}path") if path.get("stroke"))
    x = y = 0.0
    for command, first, second in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", dark.get("d")):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            end = x + float(first) if command == "h" else float(first)
            top = int(y) * pixels_per_unit
            box = (x * pixels_per_unit, top, end * pixels_per_unit - 1, top + pixels_per_unit - 1)
            draw.rectangle(box, fill=0)
            x = end
    return image


@pytest.mark.parametrize("payload", PAYLOADS)
def test_png_reads_back_as_the_exact_payload(payload):
    assert read_qr_codes(png_image(qr_png(payload))) == [payload]


@pytest.mark.parametrize("scale", [1, 3, 8])
def test_png_reads_back_at_every_scale(scale):
    assert read_qr_codes(png_image(qr_png(PAYLOADS[1], scale=scale))) == [PAYLOADS[1]]


def test_png_has_scale_pixels_per_module_and_a_four_module_quiet_zone():
    small, large = png_image(qr_png(PAYLOADS[1], scale=2)), png_image(qr_png(PAYLOADS[1], scale=8))
    modules = small.width // 2

    assert large.size == (modules * 8, modules * 8)
    assert (modules - 8 - 17) % 4 == 0  # a QR symbol is 17 + 4·version modules wide


@pytest.mark.parametrize("scale", [0, -1, 41, True])
def test_unreasonable_png_scale_is_refused(scale):
    with pytest.raises(ValueError):
        qr_png(PAYLOADS[0], scale=scale)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_svg_drawn_as_written_reads_back_as_the_exact_payload(payload):
    assert read_qr_codes(rasterise_svg(qr_svg(payload))) == [payload]


def test_svg_is_well_formed_and_embeddable_in_html():
    svg = qr_svg(PAYLOADS[1])
    root = ET.fromstring(svg)

    assert not svg.startswith("<?xml")
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Mã VietQR"
    assert root.find(f"{SVG_NS}title").text == "Mã VietQR"
    assert "width" not in root.attrib
    assert "height" not in root.attrib


def test_svg_viewbox_matches_the_symbol_and_quiet_zone():
    root = ET.fromstring(qr_svg(PAYLOADS[1]))
    modules = png_image(qr_png(PAYLOADS[1], scale=1)).width

    assert root.get("viewBox") == f"0 0 {modules} {modules}"


def test_svg_title_is_escaped_and_used_as_the_accessible_name():
    title = 'Quét để trả <DH4K7P2QX> & "cảm ơn"'
    root = ET.fromstring(qr_svg(PAYLOADS[0], title=title))

    assert root.get("aria-label") == title
    assert root.find(f"{SVG_NS}title").text == title


def test_the_same_payload_always_gives_the_same_images():
    assert qr_svg(PAYLOADS[2]) == qr_svg(PAYLOADS[2])
    assert qr_png(PAYLOADS[2], 4) == qr_png(PAYLOADS[2], 4)


@settings(max_examples=40, deadline=None, database=None)
@given(
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]{1,19}", fullmatch=True),
    st.none() | st.integers(min_value=1, max_value=10**13 - 1),
    st.none() | st.from_regex(r"[A-Za-z0-9 ]{1,25}", fullmatch=True),
)
def test_every_vietqr_payload_still_decodes_with_the_fixed_mask(bank_bin, account, amount, purpose):
    payload = encode(bank_bin, account, amount, purpose)

    assert read_qr_codes(png_image(qr_png(payload, scale=2))) == [payload]
