import re
import unicodedata
from datetime import date

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import segno
import zxingcpp
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm

from marketplace.codes import check_character
from marketplace.errors import InvalidInput
from traceability.codes import new_batch_code
from traceability.labels import LAYOUTS, LabelData, label_sheet_pdf, plaque_pdf

DPI = 300
PRODUCT = "Bưởi Ngọc Lũ — loại 1"
PRODUCER = "HTX Đồng Du"


def rendered_pages(pdf):
    """Each page as (greyscale image, extracted text with whitespace collapsed, page)."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=DPI / 72).to_pil().convert("L")
        text = re.sub(r"\s+", " ", page.get_textpage().get_text_range())
        pages.append((image, text, page))
    return pages


def label(code=None, **fields):
    code = code or new_batch_code()
    values = {
        "url": f"https://langso.vn/t/{code}",
        "product_name": PRODUCT,
        "batch_code": code,
        "producer_name": PRODUCER,
        "harvested_on": date(2026, 3, 1),
        "packed_on": date(2026, 3, 3),
        "best_before": date(2026, 4, 1),
    }
    return LabelData(**(values | fields))


def qr_texts(image):
    return sorted(
        barcode.text
        for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    )


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_label_of_every_layout_reads_back_with_its_own_url(layout):
    per_page = LAYOUTS[layout].per_page
    labels = [label() for _ in range(per_page + 2)]
    pages = rendered_pages(label_sheet_pdf(labels, layout))
    assert len(pages) == 2
    (first, first_text, first_page), (second, second_text, _) = pages
    assert_text_inside_labels(first_page, layout, per_page)
    assert qr_texts(first) == sorted(item.url for item in labels[:per_page])
    assert qr_texts(second) == sorted(item.url for item in labels[per_page:])
    assert first_text.count(PRODUCT) == per_page
    assert second_text.count(PRODUCER) == 2
    for item in labels:
        assert item.batch_code in (first_text + second_text)


@pytest.mark.parametrize("layout", ["a4-3x8", "a4-2x7"])
def test_vietnamese_names_and_dates_come_out_exactly(layout):
    code = new_batch_code()
    [(_, text, _)] = rendered_pages(
        label_sheet_pdf([label(code, product_name="Bưởi Ngọc Lũ")], layout)
    )
    assert "Bưởi Ngọc Lũ HTX Đồng Du" in text
    assert f"Lô: {code}" in text
    assert "Thu hoạch: 01/03/2026" in text
    assert "Đóng gói: 03/03/2026" in text
    assert "HSD: 01/04/2026" in text


def test_names_typed_in_decomposed_unicode_are_printed_composed():
    decomposed = unicodedata.normalize("NFD", "Bưởi Ngọc Lũ")
    assert decomposed != "Bưởi Ngọc Lũ"
    [(_, text, _)] = rendered_pages(label_sheet_pdf([label(product_name=decomposed)]))
    assert "Bưởi Ngọc Lũ" in text


def test_dates_that_are_unknown_are_left_out():
    [(_, text, _)] = rendered_pages(
        label_sheet_pdf([label(harvested_on=None, packed_on=None, best_before=None)])
    )
    assert "Thu hoạch" not in text
    assert "HSD" not in text


def test_qr_codes_are_vector_paths_not_images():
    pdf = label_sheet_pdf([label()])
    page = pdfium.PdfDocument(pdf)[0]
    kinds = {obj.type for obj in page.get_objects()}
    assert pdfium_raw.FPDF_PAGEOBJ_IMAGE not in kinds
    assert pdfium_raw.FPDF_PAGEOBJ_PATH in kinds


def _label_box_in_points(layout, slot):
    sheet = LAYOUTS[layout]
    row, column = divmod(slot, sheet.columns)
    left = (sheet.left_margin + column * sheet.column_pitch) * mm
    top = A4[1] - (sheet.top_margin + row * sheet.row_pitch) * mm
    return left, top - sheet.label_height * mm, left + sheet.label_width * mm, top


def assert_text_inside_labels(page, layout, count):
    boxes = [_label_box_in_points(layout, slot) for slot in range(count)]
    textpage = page.get_textpage()
    for index in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(index)
        if right - left == 0:
            continue  # a line break
        assert any(
            box[0] <= left and right <= box[2] and box[1] <= bottom and top <= box[3]
            for box in boxes
        ), (index, textpage.get_text_range(index, 1))


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_long_names_are_shortened_but_the_batch_code_and_qr_stay_whole(layout):
    long_name = "Mật ong hoa nhãn rừng Như Xuân nguyên chất thượng hạng đóng chai thủy tinh 500 ml"
    producer = "Hợp tác xã Nông nghiệp và Dịch vụ Tổng hợp Xuân Thành, Như Xuân, Thanh Hóa"
    labels = [label(product_name=long_name, producer_name=producer) for _ in range(2)]
    [(image, text, page)] = rendered_pages(label_sheet_pdf(labels, layout))
    assert qr_texts(image) == sorted(item.url for item in labels)
    assert_text_inside_labels(page, layout, 2)
    assert text.count("Mật ong hoa") == 2
    for item in labels:
        assert item.batch_code in text
    assert not re.search(r"\d…", text), "a date or code was cut short"


def test_even_the_widest_batch_code_is_printed_whole_on_the_smallest_label():
    widest = "W" * 10 + check_character("W" * 10)
    [(image, text, _)] = rendered_pages(label_sheet_pdf([label(widest)], "a4-5x13"))
    assert widest in text
    assert qr_texts(image) == [f"https://langso.vn/t/{widest}"]


def test_quiet_zone_around_each_qr_is_blank():
    [(image, _, _)] = rendered_pages(label_sheet_pdf([label()], "a4-5x13"))
    _assert_quiet_zone(image)


def _assert_quiet_zone(image):
    """Four modules of white on every side of the (only) QR symbol in `image`."""
    [barcode] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    modules = segno.make(barcode.text, error="m").symbol_size(scale=1, border=0)[0]
    corners = barcode.position
    left, right = corners.top_left.x, corners.top_right.x
    top, bottom = corners.top_left.y, corners.bottom_left.y
    module = (right - left) / modules
    near = int(module) + 2  # the corners zxing reports may be a module off
    far = near + int(4 * module) - 2
    rows = range(top - far, bottom + far)
    columns = range(left - far, right + far)
    band = [
        (x, y)
        for x in columns
        for y in [*range(top - far, top - near), *range(bottom + near, bottom + far)]
    ]
    band += [
        (x, y)
        for y in rows
        for x in [*range(left - far, left - near), *range(right + near, right + far)]
    ]
    pixels = image.load()
    dark = [(x, y) for x, y in band if pixels[x, y] < 200]
    assert not dark, f"{len(dark)} dark pixels in the quiet zone, e.g. {dark[:3]}"


def test_unknown_layout_is_refused():
    with pytest.raises(InvalidInput) as caught:
        label_sheet_pdf([label()], "a4-9x9")
    assert caught.value.code == "label_layout_unknown"


def test_an_empty_sheet_is_a_programming_error():
    with pytest.raises(ValueError):
        label_sheet_pdf([])


# --- heritage plaques ---

SITE_URL = "https://langso.vn/h/dinh-trieu-hoi"
TITLE = "Đình Triều Hội"
LINE_VI = "Di tích lịch sử cấp quốc gia, thờ Cao Mang tôn thần và tiến sĩ Trần Xuân Vinh."
LINE_EN = "National historic relic honouring general Cao Mang and doctor laureate Trần Xuân Vinh."


@pytest.mark.parametrize(("size", "page_size"), [("A4", A4), ("A5", A5)])
def test_plaque_is_portrait_with_a_large_readable_qr_and_both_languages(size, page_size):
    pdf = plaque_pdf(SITE_URL, TITLE, LINE_VI, LINE_EN, size)
    [(image, text, page)] = rendered_pages(pdf)
    width, height = page.get_size()
    assert (round(width), round(height)) == (round(page_size[0]), round(page_size[1]))
    assert width < height
    [barcode] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert barcode.text == SITE_URL
    assert barcode.position.top_right.x - barcode.position.top_left.x > 0.5 * image.width
    for expected in (TITLE, LINE_VI, LINE_EN, SITE_URL):
        assert expected in text
    _assert_quiet_zone(image)


def test_plaque_with_a_long_name_still_fits_and_reads():
    title = (
        "Đền thờ Tiến sĩ Trần Xuân Vinh và khu di tích đình, chùa, miếu "
        + "làng Triều Hội, xã Bình Giang"
    )
    [(image, text, _)] = rendered_pages(plaque_pdf(SITE_URL, title, LINE_VI, LINE_EN, "A5"))
    assert [
        barcode.text
        for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ] == [SITE_URL]
    assert title in text


def test_unknown_plaque_size_is_refused():
    with pytest.raises(InvalidInput) as caught:
        plaque_pdf(SITE_URL, TITLE, LINE_VI, LINE_EN, "A3")
    assert caught.value.code == "plaque_size_unknown"
