"""Marking matched words in names and description snippets."""

from marketplace.search.highlight import MatchedTerms, highlight, snippet


def test_whole_words_and_typed_prefixes_are_marked():
    terms = MatchedTerms(frozenset({"mat"}), ("o",))
    assert highlight("Mật ong rừng", terms) == "<mark>Mật</mark> <mark>o</mark>ng rừng"


def test_text_is_escaped_around_the_marks():
    terms = MatchedTerms(frozenset({"nem"}))
    assert highlight("Nem <b>&</b>", terms) == "<mark>Nem</mark> &lt;b&gt;&amp;&lt;/b&gt;"


def test_snippet_is_cut_around_the_first_match():
    text = (
        " ".join(f"từ{i}" for i in range(60))
        + " nước mắm "
        + " ".join(f"chữ{i}" for i in range(60))
    )
    cut = snippet(text, MatchedTerms(frozenset({"nuoc", "mam"})))
    assert cut.startswith("…") and cut.endswith("…")
    assert "<mark>nước</mark> <mark>mắm</mark>" in cut
    assert len(cut.split()) < 35


def test_snippet_without_match_is_the_beginning():
    assert snippet("Gạo thơm dẻo.", MatchedTerms()) == "Gạo thơm dẻo."
