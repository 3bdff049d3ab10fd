from hypothesis import given, settings
from hypothesis import strategies as st

from traceability.pdf_drawing import (
    FONT_BOLD,
    LEADING,
    TextLine,
    block_height,
    fit_block,
    text_width,
)

VIETNAMESE_WORDS = st.sampled_from(
    ["Bưởi", "Ngọc", "Lũ", "HTX", "Đồng", "Du", "mật", "ong", "nguyên", "chất", "Thanh", "Hóa",
     "Nông", "nghiệp", "WWWWWWWWWWWW", "—", "500", "ml", "loại", "1"]
)  # fmt: skip
TEXTS = st.lists(VIETNAMESE_WORDS, min_size=1, max_size=14).map(" ".join)


def test_lower_priority_lines_give_way_when_the_box_is_short():
    wishes = [
        TextLine("Bưởi Ngọc Lũ", FONT_BOLD),
        TextLine("HTX Đồng Du", priority=1),
        TextLine("Lô: 7K3M9QX2A8T", FONT_BOLD),
        TextLine("Thu hoạch: 01/03/2026", priority=2),
    ]
    roomy = fit_block(wishes, 200, 200, (10, 10))
    short = fit_block(wishes, 200, 3 * 10 * LEADING, (10, 10))
    assert [line.text for line in roomy] == [wish.text for wish in wishes]
    assert [line.text for line in short] == ["Bưởi Ngọc Lũ", "HTX Đồng Du", "Lô: 7K3M9QX2A8T"]
    assert {line.size for line in short} == {10}


def test_text_shrinks_before_anything_gives_way():
    placed = fit_block(
        [TextLine("Bưởi Ngọc Lũ"), TextLine("HTX Đồng Du", priority=1)], 40, 100, (12, 4)
    )
    assert [line.text for line in placed] == ["Bưởi Ngọc Lũ", "HTX Đồng Du"]
    assert all(text_width(line.text, line.font, line.size) <= 40 for line in placed)
    assert placed[0].size < 12


@settings(max_examples=150, deadline=None)
@given(
    name=TEXTS,
    producer=TEXTS,
    width=st.floats(20, 300),
    height=st.floats(8 * LEADING, 200),
)
def test_the_block_never_leaves_its_box_and_the_code_is_never_cut(name, producer, width, height):
    code = "Lô: WWWWWWWWWWW"
    wishes = [
        TextLine(name, FONT_BOLD, 1.2, max_lines=2, shortenable=True),
        TextLine(producer, priority=1, shortenable=True),
        TextLine(code, FONT_BOLD, max_lines=2, shrinkable=True),
    ]
    placed = fit_block(wishes, width, height, (9, 5))
    assert block_height(placed) <= height
    assert all(text_width(line.text, line.font, line.size) <= width + 1e-6 for line in placed)
    texts = [line.text for line in placed]
    if block_height(fit_block(wishes[2:], width, height, (9, 5))) <= height and len(placed) > 1:
        assert " ".join(texts).endswith("WWWWWWWWWWW")
