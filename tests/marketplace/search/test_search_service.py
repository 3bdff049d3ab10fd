"""The search service on every database backend of the running engine (`search_backend`)."""

import time
from dataclasses import replace

import pytest

from marketplace import search
from marketplace.db import write_transaction
from marketplace.errors import InvalidInput
from marketplace.search import SearchQuery
from tests.search_fixtures import BY_NAME, CATALOGUE, product_id

pytestmark = pytest.mark.usefixtures("search_backend")


async def load_catalogue(product_ids):
    if product_ids is None:
        return list(CATALOGUE)
    return [d for d in CATALOGUE if d.product_id in product_ids]


async def names(text="", **filters):
    result = await search.search(SearchQuery(text=text, **filters))
    return [hit.name for hit in result.hits]


@pytest.fixture
async def catalogue(db):
    await search.reindex(load_catalogue)


async def test_a_changed_product_is_searchable_as_soon_as_it_is_committed(db):
    document = BY_NAME["Bưởi Ngọc Lũ"]
    async with write_transaction():
        await search.product_changed(document, document.product_id)
    assert await names("buoi ngoc lu") == ["Bưởi Ngọc Lũ"]


async def test_a_product_no_longer_visible_is_no_longer_found(catalogue):
    async with write_transaction():
        await search.product_changed(None, product_id("Nem chua Thanh Hóa"))
    assert "Nem chua Thanh Hóa" not in await names("nem chua")


async def test_a_renamed_product_is_found_by_its_new_name_only(catalogue):
    renamed = replace(BY_NAME["Nho Đồng Du"], name="Nho hạ đen Đồng Du")
    async with write_transaction():
        await search.product_changed(renamed, renamed.product_id)
    assert await names("nho ha den") == ["Nho hạ đen Đồng Du"]
    assert await names("nho dong du") == ["Nho hạ đen Đồng Du"]
    assert (await search.search(SearchQuery(text="Nho Đồng Du"))).total == 1


async def test_a_rolled_back_change_is_neither_searchable_nor_queued(catalogue):
    before = (await search.health()).outbox_backlog
    new = replace(BY_NAME["Tỏi Lý Sơn"], product_id=99, name="Tỏi đen Lý Sơn")
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await search.product_changed(new, 99)
            raise RuntimeError("the catalogue change failed")
    assert "Tỏi đen Lý Sơn" not in await names("toi den")
    assert (await search.health()).outbox_backlog == before


async def test_every_change_leaves_one_outbox_row_per_product(db, search_backend):
    document = BY_NAME["Mật ong hoa nhãn"]
    for price in (220_000, 230_000, 240_000):
        async with write_transaction():
            await search.product_changed(replace(document, price_vnd=price), document.product_id)
    health = await search.health()
    assert health.outbox_backlog == 1
    assert health.backend == search_backend
    assert health.status == "ok"


async def test_a_document_for_another_product_is_refused(db):
    with pytest.raises(ValueError):
        await search.product_changed(BY_NAME["Bưởi Diễn"], 1)


async def test_reindex_replaces_the_whole_index(catalogue):
    only_rice = [d for d in CATALOGUE if d.name.startswith("Gạo")]

    async def load(product_ids):
        return only_rice

    report = await search.reindex(load)
    assert report.documents == 2
    assert sorted(await names()) == sorted(d.name for d in only_rice)


async def test_the_empty_query_lists_everything_the_filters_let_through(catalogue):
    result = await search.search(SearchQuery(province_codes=("38",), page_size=100))
    assert result.total == len([d for d in CATALOGUE if d.province_code == "38"])
    stars = [hit.ocop_stars or 0 for hit in result.hits]
    assert stars == sorted(stars, reverse=True)


async def test_facets_count_matches_and_ignore_their_own_filter(catalogue):
    result = await search.search(SearchQuery(text="dac san", province_codes=("38",)))
    provinces = {f.value: f.count for f in result.facets["province"]}
    everywhere = await search.search(SearchQuery(text="dac san"))
    assert provinces == {f.value: f.count for f in everywhere.facets["province"]}
    assert result.total == provinces["38"]
    stars = {f.value: f.count for f in result.facets["ocop_stars"]}
    assert sum(stars.values()) == len([h for h in result.hits if h.ocop_stars])


async def test_filters_combine_stars_certification_price_and_producer(catalogue):
    assert set(await names(min_stars=5)) == {
        "Gạo hữu cơ Kim Sơn",
        "Bưởi Diễn",
        "Nước mắm cốt cá cơm thượng hạng",
    }
    assert set(await names(certifications=("organic",))) == {
        "Mật ong rừng Cúc Phương",
        "Gạo hữu cơ Kim Sơn",
    }
    cheap = await search.search(SearchQuery(price_min=30_000, price_max=45_000, page_size=100))
    assert cheap.hits and all(30_000 <= h.price_vnd <= 45_000 for h in cheap.hits)
    assert cheap.total == len([d for d in CATALOGUE if 30_000 <= d.price_vnd <= 45_000])
    from_kim_son = await names("gao", producer_id=6)
    assert set(from_kim_son[:2]) == {"Gạo nếp cái hoa vàng Kim Sơn", "Gạo hữu cơ Kim Sơn"}
    assert from_kim_son[2:] == ["Rượu nếp Kim Sơn"]  # "gạo nếp" is in its description


async def test_groups_filter_as_alternatives(catalogue):
    found = await search.search(SearchQuery(ocop_groups=(2, 4), page_size=100))
    assert {h.name for h in found.hits} == {d.name for d in CATALOGUE if d.ocop_group in (2, 4)}


async def test_price_sorts_order_every_match(catalogue):
    up = await search.search(SearchQuery(text="mat", sort="price_asc"))
    prices = [h.price_vnd for h in up.hits]
    assert prices == sorted(prices) and len(prices) >= 2
    down = await search.search(SearchQuery(text="mat", sort="price_desc"))
    assert [h.price_vnd for h in down.hits] == sorted(prices, reverse=True)


async def test_newest_first(catalogue):
    result = await search.search(SearchQuery(sort="newest", page_size=3))
    newest = sorted(CATALOGUE, key=lambda d: d.updated_at, reverse=True)[:3]
    assert [h.name for h in result.hits] == [d.name for d in newest]


async def test_pages_split_the_matches_without_overlap(catalogue):
    seen = []
    for page in (1, 2, 3):
        result = await search.search(SearchQuery(text="dac san", page=page, page_size=2))
        seen += [h.product_id for h in result.hits]
    assert len(seen) == len(set(seen)) == min(6, result.total)


async def test_matches_are_marked_in_escaped_html(db):
    document = replace(
        BY_NAME["Nem chua Thanh Hóa"], name='Nem chua <script>alert("x")</script> "ngon"'
    )
    async with write_transaction():
        await search.product_changed(document, document.product_id)
    hit = (await search.search(SearchQuery(text="nem chua"))).hits[0]
    assert "<script>" not in hit.name_html
    assert hit.name_html.startswith("<mark>Nem</mark> <mark>chua</mark> &lt;script&gt;")
    assert "<mark>Nem</mark> <mark>chua</mark>" in hit.snippet_html


async def test_a_prefix_is_marked_on_the_letters_typed(catalogue):
    hit = (await search.search(SearchQuery(text="mật o"))).hits[0]
    assert "<mark>Mật</mark> <mark>o</mark>ng" in hit.name_html


async def test_nonsense_answers_nothing_quickly(catalogue):
    started = time.perf_counter()
    result = await search.search(SearchQuery(text="xqzw vvvv"))
    assert result.total == 0 and result.hits == []
    assert result.ignored_words == ["xqzw", "vvvv"]
    assert time.perf_counter() - started < 1


async def test_a_word_no_product_has_is_left_out(catalogue):
    result = await search.search(SearchQuery(text="nem chua xqzw"))
    assert result.ignored_words == ["xqzw"]
    assert result.hits[0].name == "Nem chua Thanh Hóa"


async def test_suggestions_complete_the_last_word(catalogue):
    result = await search.search(SearchQuery(text="mật o"))
    assert result.suggestions[0] == "mật ong"
    assert (await search.search(SearchQuery(text="nuoc m"))).suggestions[0] == "nước mắm"


async def test_another_worker_sees_changes_at_its_next_search(catalogue):
    from marketplace.search.embedded import EmbeddedSearch

    other_worker = EmbeddedSearch()
    before = await other_worker.search(SearchQuery(text="dua hau"))
    assert [h.name for h in before.hits] == ["Dưa hấu Ngọc Lũ"]
    async with write_transaction():
        await search.product_changed(None, product_id("Dưa hấu Ngọc Lũ"))
    after = await other_worker.search(SearchQuery(text="dua hau"))
    assert "Dưa hấu Ngọc Lũ" not in [h.name for h in after.hits]


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(page_size=101),
        SearchQuery(page_size=0),
        SearchQuery(page=0),
        SearchQuery(min_stars=6),
        SearchQuery(price_min=-1),
        SearchQuery(price_min=10**23),  # beyond every engine's integers: refused alike
        SearchQuery(price_max=10**12 + 1),
        SearchQuery(text="a" * 201),
        SearchQuery(sort="cheapest"),  # type: ignore[arg-type]
    ],
)
async def test_out_of_range_requests_are_refused(query):
    with pytest.raises(InvalidInput) as refused:
        await search.search(query)
    assert refused.value.code == "search_query_invalid"
    assert refused.value.fields


def _in_province(code):
    return {d.name for d in CATALOGUE if d.province_code == code}


PROVINCE_QUERIES = [
    ("đặc sản ninh bình", "37", []),
    ("dac san ninh binh", "37", []),
    ("tỉnh thanh hóa", "38", []),
    ("tinh ninh binh", "37", []),
    ("hàng ninh bình", "37", []),
]


async def test_a_province_typed_with_generic_words_finds_its_products(catalogue):
    # "đặc sản", "hàng" need not match: the buyer wants the province's products, those that
    # say "đặc sản" first; "tỉnh" before a province's name is left out.
    for text, province, left_out in PROVINCE_QUERIES:  # one index for every row (PostgreSQL)
        result = await search.search(SearchQuery(text=text, page_size=100))
        assert {hit.name for hit in result.hits} == _in_province(province), text
        assert result.ignored_words == left_out, text


async def test_matches_that_also_have_the_generic_words_come_first(catalogue):
    result = await search.search(SearchQuery(text="đặc sản ninh bình", page_size=100))
    says_it = [h.name for h in result.hits if "đặc sản" in BY_NAME[h.name].description_vi.lower()]
    assert says_it
    assert [h.name for h in result.hits][: len(says_it)] == says_it


async def test_words_given_up_from_the_end_are_reported(catalogue):
    result = await search.search(SearchQuery(text="nem chua ninh binh"))
    assert [hit.name for hit in result.hits][:1] == ["Nem chua Thanh Hóa"]
    assert result.ignored_words == ["ninh", "binh"]


async def test_suggestions_are_written_as_in_the_names_found(catalogue):
    for text, expected in [
        ("mật ong h", "mật ong hoa"),
        ("nem ch", "nem chua"),
        ("gao n", "gạo nếp"),
        ("mat ong hoa n", "mật ong hoa nhãn"),  # "hoa" as the honey's name writes it
    ]:
        result = await search.search(SearchQuery(text=text))
        assert result.suggestions[:1] == [expected], text
        # every suggestion completes the last word with a word of some product's name
        for suggestion in result.suggestions:
            last = suggestion.split()[-1]
            assert any(last in n.lower().split() for n in BY_NAME), suggestion


async def test_among_equals_the_most_recently_changed_comes_first_after_a_restart(db):
    from datetime import timedelta

    base = BY_NAME["Bưởi Ngọc Lũ"]
    older = replace(base, product_id=901, slug="a", name="Mứt gừng Lục Ngạn")
    newer = replace(
        base,
        product_id=900,  # a smaller id: the order is not the id's
        slug="b",
        name="Mứt gừng Lục Ngạn",
        updated_at=base.updated_at + timedelta(days=1),
    )

    async def load(product_ids):
        return [older, newer]

    await search.reindex(load)  # every process compiles afresh, as after a restart
    result = await search.search(SearchQuery(text="mut gung luc ngan"))
    assert [h.product_id for h in result.hits] == [900, 901]


RUN_TOGETHER = [
    ("nuocmam", 2, ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"]),
    ("matong", 2, ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"]),
    ("buoingoclu", 1, ["Bưởi Ngọc Lũ"]),
    ("nemchua thanh hoa", 1, ["Nem chua Thanh Hóa"]),
    ("nuocm", 2, ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"]),
]


async def test_words_typed_without_spaces_are_split(catalogue):
    for text, top, expected in RUN_TOGETHER:
        result = await search.search(SearchQuery(text=text))
        assert set(expected) <= {h.name for h in result.hits[:top]}, text
        assert result.ignored_words == [], text


async def test_a_word_typed_in_two_is_joined(catalogue):
    vietgap = {d.name for d in CATALOGUE if "vietgap" in d.certifications}
    assert vietgap
    result = await search.search(SearchQuery(text="viet gap", page_size=100))
    assert {h.name for h in result.hits} == vietgap


async def test_the_other_regions_word_finds_the_same_produce(catalogue):
    # "trà" (tea, as the South says) finds the North's "chè"; "trả" (to pay) does not.
    result = await search.search(SearchQuery(text="trà xanh"))
    assert [h.name for h in result.hits][:1] == ["Chè xanh Như Xuân"]
    assert "<mark>Chè</mark>" in result.hits[0].name_html
    assert [h.name for h in (await search.search(SearchQuery(text="tra xanh"))).hits][:1] == [
        "Chè xanh Như Xuân"
    ]
    paid = await search.search(SearchQuery(text="trả"))
    assert "Chè xanh Như Xuân" not in [h.name for h in paid.hits]
    # still typing "trà": the tea comes before words that merely start with "tra" (Tiên Trang)
    typing = await search.search(SearchQuery(text="trà"))
    assert typing.hits[0].name.startswith("Chè"), [h.name for h in typing.hits]


async def test_symbols_alone_find_nothing_and_say_so(catalogue):
    for text in ["🐟", "!!!", " ... "]:
        result = await search.search(SearchQuery(text=text))
        assert (result.total, result.hits) == (0, []), text
        assert result.ignored_words == [text.strip()], text
    assert (await search.search(SearchQuery(text="  "))).total == len(CATALOGUE)


CHATTY = [
    # typed with their marks, "tìm" and "bán" are conversation, left out at once
    ("tìm mật ong", ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"], []),
    ("giá nước mắm", ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"], []),
    ("bán chè xanh", ["Chè xanh Như Xuân"], []),
    # without them, "tim" may be "tím" and "ban" "bản": given up as nothing has every word
    ("tim mat ong", ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"], ["tim"]),
    ("ban che xanh", ["Chè xanh Như Xuân"], ["ban"]),
]


async def test_a_chatty_word_is_given_up_before_the_product_words(catalogue):
    # Nothing has every word: the word given up is the one the products having the most of
    # the words lack, not the last one ("tim mat ong" is about honey, not about "tím").
    for text, expected, left_out in CHATTY:
        result = await search.search(SearchQuery(text=text))
        assert set(expected) <= {h.name for h in result.hits[: len(expected)]}, text
        assert result.ignored_words == left_out, text


async def test_words_are_given_up_within_the_filters(catalogue):
    honey = BY_NAME["Mật ong hoa nhãn"]
    result = await search.search(
        SearchQuery(text="tìm mật ong", province_codes=(honey.province_code,))
    )
    assert honey.name in {h.name for h in result.hits}


async def test_unknown_words_are_not_split_into_syllables_that_are_no_phrase(catalogue):
    for text in ["socola", "chocolate", "kimchi"]:
        result = await search.search(SearchQuery(text=text))
        assert (result.total, result.ignored_words) == (0, [text]), text


async def test_a_province_being_typed_after_tinh_is_not_read_as_tinh_dau(catalogue):
    # "tỉnh" is left out as soon as what follows can only be the start of a province's name
    for text, province in [("tỉnh thanh", "38"), ("tỉnh thanh h", "38"), ("tinh ninh b", "37")]:
        result = await search.search(SearchQuery(text=text))
        assert result.total > 0 and result.ignored_words == [], text
        assert BY_NAME[result.hits[0].name].province_code == province, text


async def test_a_suggestion_keeps_the_marks_typed_and_repeats_no_word(catalogue):
    typed_marks = await search.search(SearchQuery(text="mật ong hoa nh"))
    assert typed_marks.suggestions[:1] == ["mật ong hoa nhãn"]
    marked = await search.search(SearchQuery(text="chè x"))
    assert all(s.startswith("chè ") for s in marked.suggestions)
    again = await search.search(SearchQuery(text="nước mắm n"))
    assert "nước mắm nước" not in again.suggestions


CONVERSATION = [
    ("chào shop mình cần mua mật ong", {"Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"}),
    # Chả tôm is by "Cơ sở Nem chua Hạc Thành"
    ("shop ơi cho mình hỏi còn nem chua không", {"Nem chua Thanh Hóa", "Chả tôm Thanh Hóa"}),
    ("xin chào shop ơi cho mình hỏi có bán mật ong rừng không", {"Mật ong rừng Cúc Phương"}),
]


async def test_the_conversation_around_the_product_is_left_out(catalogue):
    # Every product word is kept and nothing is reported: "chào", "shop", "mình" are no
    # product's words, and giving words up one by one used to give up the product itself.
    for text, expected in CONVERSATION:
        result = await search.search(SearchQuery(text=text))
        assert {h.name for h in result.hits} == expected, text
        assert result.ignored_words == [], text


async def test_chatter_typed_without_marks_is_given_up_before_the_product(catalogue):
    result = await search.search(SearchQuery(text="shop oi cho minh hoi con nem chua khong"))
    assert [h.name for h in result.hits][:1] == ["Nem chua Thanh Hóa"]
    assert "nem" not in result.ignored_words and "chua" not in result.ignored_words


async def test_words_past_the_tenth_are_still_looked_at_or_reported(catalogue):
    nonsense = "qqa qqb qqc qqd qqe qqf qqg qqh qqi qqj"
    result = await search.search(SearchQuery(text=f"{nonsense} nem chua"))
    assert [h.name for h in result.hits][:1] == ["Nem chua Thanh Hóa"]
    assert result.ignored_words == nonsense.split()
    long = (
        "tôi muốn mua mật ong rừng nguyên chất Cúc Phương Ninh Bình để làm quà biếu Tết cho bố mẹ"
    )
    result = await search.search(SearchQuery(text=long))
    assert [h.name for h in result.hits][:1] == ["Mật ong rừng Cúc Phương"]
    # at most ten words must match: the ones past them are reported, not silently dropped
    assert {"bố", "mẹ"} <= set(result.ignored_words)
    assert not {"mật", "ong", "rừng", "cúc", "phương"} & set(result.ignored_words)


async def test_the_word_typed_ranks_before_the_other_regions_word(catalogue):
    tea = BY_NAME["Chè xanh Như Xuân"]
    herbal = replace(
        tea,
        product_id=950,
        slug="tra-la-voi",
        name="Trà lá vối",
        description_vi="Lá vối ủ, phơi khô, pha trà thảo mộc.",
        producer_name="HTX Chè xanh Như Xuân",  # its producer's name says "chè"
        updated_at=tea.updated_at.replace(year=2027),  # the most recent change
    )
    async with write_transaction():
        await search.product_changed(herbal, herbal.product_id)
    marked = await names("chè")
    assert marked.index("Chè xanh Như Xuân") < marked.index("Trà lá vối"), marked
    assert (await names("tra"))[:1] == ["Trà lá vối"]
    assert (await names("trà"))[:1] == ["Trà lá vối"]


async def test_the_other_regions_word_is_found_in_descriptions_with_its_marks(catalogue):
    # "heo" finds the "thịt lợn" of a description; "lớn" (big) is not "lợn"
    big = replace(
        BY_NAME["Bưởi Diễn"], product_id=951, slug="buoi-lon", description_vi="Quả lớn, ngọt."
    )
    async with write_transaction():
        await search.product_changed(big, big.product_id)
    result = await search.search(SearchQuery(text="heo"))
    assert [h.name for h in result.hits] == ["Nem chua Thanh Hóa"]
    assert result.ignored_words == []
    nothing = await search.search(SearchQuery(text="bắp"))  # nothing says "ngô" either
    assert (nothing.total, nothing.ignored_words) == (0, ["bắp"])


async def test_generic_words_alone_find_what_the_last_of_them_finds(catalogue):
    ocop = set(await names("ocop", page_size=100))  # the keyword of every rated product
    assert ocop == {d.name for d in CATALOGUE if d.ocop_stars}
    for text in ["sản phẩm ocop", "san pham ocop"]:
        result = await search.search(SearchQuery(text=text, page_size=100))
        assert {h.name for h in result.hits} == ocop, text
        assert result.ignored_words == [], text


async def test_a_word_left_out_is_reported_once(catalogue):
    result = await search.search(SearchQuery(text="<script>alert(1)</script>"))
    assert result.ignored_words == ["script", "alert", "1"]


async def test_the_first_words_side_by_side_in_the_name_come_first(catalogue):
    # "Chè lam Thanh Hóa" has more of the words in its name, and more stars, but "chè xanh"
    # is what was asked for: Chè xanh first, whatever labels say "chè xanh" too
    tea = BY_NAME["Chè xanh Như Xuân"]
    sweet = replace(
        tea,
        product_id=952,
        slug="che-lam-thanh-hoa",
        name="Chè lam Thanh Hóa",
        description_vi="Bánh chè lam gạo nếp, mạch nha, gừng.",
        producer_name="HTX Chè xanh Như Xuân",
        ocop_stars=5,
    )
    async with write_transaction():
        await search.product_changed(sweet, sweet.product_id)
    for text in ["chè xanh thanh hoá", "che xanh thanh hoa", "che xanh thanh"]:
        assert (await names(text))[:2] == ["Chè xanh Như Xuân", "Chè lam Thanh Hóa"], text


def test_a_short_word_still_being_typed_is_not_taken_for_conversation():
    from marketplace.search.tokens import words
    from marketplace.search.wording import without_chatter

    # "chiếu có" is on its way to "chiếu cói": the "có" being typed is kept as a prefix
    assert [w.exact for w in without_chatter(words("chiếu có"), open_ended=True)] == [
        w.exact for w in words("chiếu có")
    ]
    assert [w.folded for w in without_chatter(words("chiếu có "), open_ended=False)] == ["chieu"]
    # a whole conversation word at the end is conversation even while the query is open
    assert [w.folded for w in without_chatter(words("nem chua không"), open_ended=True)] == [
        "nem",
        "chua",
    ]


def _rated(at_least):
    return {d.name for d in CATALOGUE if (d.ocop_stars or 0) >= at_least}


async def test_stars_typed_as_words_are_at_least_that_many(catalogue):
    # "3 sao" used to match the keyword "OCOP 3 sao": only the 3-star Chả tôm, whose maker is
    # "Cơ sở Nem chua", and not the 4-star Nem chua
    for text in ["nem chua thanh hoa 3 sao", "nem chua thanh hoá 3 sao", "nem chua OCOP 3 sao"]:
        result = await search.search(SearchQuery(text=text))
        assert [h.name for h in result.hits] == ["Nem chua Thanh Hóa", "Chả tôm Thanh Hóa"], text
        assert result.ignored_words == [], text
    for text, stars in [("ocop 4 sao", 4), ("4 sao", 4), ("sản phẩm ocop 5 sao", 5)]:
        result = await search.search(SearchQuery(text=text, page_size=100))
        assert {h.name for h in result.hits} == _rated(stars), text
        assert result.ignored_words == [], text
    # with the stars filter chosen too, the stricter applies
    assert set(await names("ocop 4 sao", min_stars=5, page_size=100)) == _rated(5)
    assert set(await names("ocop 5 sao", min_stars=3, page_size=100)) == _rated(5)


def _priced(low=0, high=10**9):
    return {d.name for d in CATALOGUE if low <= d.price_vnd <= high}


async def test_prices_typed_as_words_are_a_price_filter(catalogue):
    for text in ["duoi 100k", "dưới 100k", "dưới 100 nghìn", "dưới 100.000đ", "100k"]:
        result = await search.search(SearchQuery(text=text, page_size=100))
        assert {h.name for h in result.hits} == _priced(high=100_000), text
        assert result.ignored_words == [], text
    above = await search.search(SearchQuery(text="trên 200k", page_size=100))
    assert ({h.name for h in above.hits}, above.ignored_words) == (_priced(low=200_000), [])
    between = await names("từ 50k đến 100k", page_size=100)
    assert set(between) == _priced(50_000, 100_000)
    fish = await search.search(SearchQuery(text="nước mắm dưới 100k"))
    assert ([h.name for h in fish.hits], fish.ignored_words) == (["Nước mắm Ba Làng"], [])
    assert await names("mật ong 250k") == ["Mật ong hoa nhãn"]  # a budget: at most
    # with a price filter chosen too, the stricter applies
    assert set(await names("dưới 100k", price_max=50_000, page_size=100)) == _priced(high=50_000)


async def test_numbers_are_found_as_typed_not_within_typos(catalogue):
    # Bún khô says "gói 500 gam": "500g" is not "500" with a typo, on any backend
    result = await search.search(SearchQuery(text="bún khô 500g"))
    assert [h.name for h in result.hits] == ["Bún khô Thiệu Hóa"]
    assert result.ignored_words == ["500g"]


async def test_marks_on_the_word_being_typed_bring_words_starting_so_first(catalogue):
    # "bư" is on its way to "bưởi", not "bún" (Bún khô has as many stars and is more recent)
    found = await names("bư")
    assert set(found[:2]) == {"Bưởi Diễn", "Bưởi Ngọc Lũ"}, found
    assert {"Bún khô Thiệu Hóa", "Bún chả cá Hải Phòng"} <= set(found[2:]), found
    # "sâ" is on its way to "sấy", not "sàn" (Thảm cói has more stars)
    assert (await names("sâ"))[:2] == ["Chuối ngự sấy dẻo", "Thảm cói trải sàn"]
    assert (await names("sấ"))[:1] == ["Chuối ngự sấy dẻo"]
