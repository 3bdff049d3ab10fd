"""The words buyers type around the ones that matter, and which word to give up first.

"tỉnh Thanh Hóa", "đặc sản Ninh Bình", "hàng Thanh Hóa", "đồ ăn Ninh Bình": the buyer wants
that province's products, but no product's text has "tỉnh" next to its province's name, and
"đặc sản" (speciality), "hàng" (goods), "nông sản" (farm produce) are in only some products'
descriptions. Requiring every word finds only the few that say "đặc sản"; dropping words
from the end when nothing has them all (Meilisearch's "last" strategy) gives up the province
and shows another province's specialities. So:

- "tỉnh", "thành phố" or "tp" typed right before a province's name is left out at once;
- generic words ("đặc sản", "sản phẩm", "nông sản", "hàng", "đồ ăn", "quà", "ocop") typed with
  others are optional: the others decide what matches, and matches that also have the generic
  words rank first.

Generic words with diacritics ambiguous once folded ("hàng" and "hang", "đồ" and "đỏ", "đỗ")
count only when typed with their marks.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache

from marketplace.places import provinces
from marketplace.search.tokens import Word, exact_key, fold_text, has_marks, words

# Exact forms (lowercase, with marks) and, where folding leaves them unambiguous, folded forms.
_GENERIC_EXACT = ("đặc sản", "sản phẩm", "nông sản", "hàng", "đồ ăn", "đồ", "quà")
_GENERIC_FOLDED = ("dac san", "san pham", "nong san", "ocop")
_BEFORE_PROVINCE = ("tinh", "tp", "thanh pho")
MAX_WORDS = 10  # words a match must have; more are cut off, and reported
MAX_LOOKED_UP = 2 * MAX_WORDS  # words looked up: those no product has leave room for others


@lru_cache(maxsize=1)
def _province_names() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fold_text(p.name).split()) for p in provinces())


@lru_cache(maxsize=1)
def _generic_phrases() -> tuple[tuple[tuple[str, ...], bool], ...]:
    """(words, exact): exact phrases compare the words as written, others folded."""
    exact = tuple((tuple(w.text for w in words(p)), True) for p in _GENERIC_EXACT)
    folded = tuple((tuple(p.split()), False) for p in _GENERIC_FOLDED)
    return tuple(sorted(exact + folded, key=lambda phrase: -len(phrase[0])))


def _starts_at(typed: list[Word], start: int, phrase: tuple[str, ...], exact: bool) -> bool:
    if start + len(phrase) > len(typed):
        return False
    forms = [w.text if exact else w.folded for w in typed[start : start + len(phrase)]]
    return tuple(forms) == phrase


def without_fillers(typed: list[Word], open_ended: bool = False) -> list[Word]:
    """The words without a "tỉnh" / "thành phố" / "tp" typed right before a province's name
    (or, `open_ended`, before the start of one still being typed: "tỉnh thanh h")."""
    kept: list[Word] = []
    i = 0
    while i < len(typed):
        filler = next(
            (
                len(f.split())
                for f in _BEFORE_PROVINCE
                if _starts_at(typed, i, tuple(f.split()), exact=False)
            ),
            0,
        )
        if filler and _province_follows(typed, i + filler, open_ended):
            i += filler
            continue
        kept.append(typed[i])
        i += 1
    return kept


def _province_follows(typed: list[Word], start: int, open_ended: bool) -> bool:
    rest = [w.folded for w in typed[start:]]
    for name in _province_names():
        if tuple(rest[: len(name)]) == name:
            return True
        # the buyer is still typing the name: what follows is all of it so far
        if open_ended and rest and len(rest) <= len(name):
            whole, last = rest[:-1], rest[-1]
            if tuple(whole) == name[: len(whole)] and name[len(whole)].startswith(last):
                return True
    return False


def _generic_positions(typed: list[Word]) -> set[int]:
    """Indices of the words that belong to a generic phrase."""
    found: set[int] = set()
    for start in range(len(typed)):
        for phrase, exact in _generic_phrases():
            if _starts_at(typed, start, phrase, exact):
                found.update(range(start, start + len(phrase)))
                break
    return found


def optional_words(typed: list[Word]) -> list[Word]:
    """The generic words, when other words are typed: those decide what matches, and the
    generic ones only rank ("đặc sản ninh bình": Ninh Bình's products, those that say "đặc
    sản" first). Typed with nothing but other generic words, the last phrase decides, as
    Vietnamese puts the specific word after the general one ("sản phẩm ocop": the OCOP
    products); typed alone, generic words are ordinary words."""
    generic = _generic_positions(typed)
    if len(generic) == len(typed):
        generic -= _last_generic_phrase(typed)
    return [typed[i] for i in sorted(generic)]


def _last_generic_phrase(typed: list[Word]) -> set[int]:
    for start in reversed(range(len(typed))):
        for phrase, exact in _generic_phrases():
            if start + len(phrase) == len(typed) and _starts_at(typed, start, phrase, exact):
                return set(range(start, len(typed)))
    return set()


# -- conversation ---------------------------------------------------------------------------

# What buyers write around the product when they search as they would message a shop: "chào
# shop, mình cần mua mật ong", "shop ơi cho mình hỏi còn nem chua không". No product is named
# by these words, yet descriptions use some of them ("dùng cho", "không chất bảo quản"), so
# requiring them finds the wrong products and giving them up one by one gives up the product.
# Compared with their marks (unmarked "toi" may be "tỏi", "oi" "ổi", "cho" is kept as the
# commonest reading of itself), except the forms no other word folds to.
_CHATTER_EXACT = (
    "chào", "xin", "shop", "ơi", "mình", "cần", "mua", "hỏi", "có", "bán", "không", "còn",
    "cho", "ạ", "à", "nhé", "nha", "với", "em", "chị", "bạn", "muốn", "tôi", "tìm", "giúp",
    "được", "ở", "đâu", "của", "và", "để", "làm", "vậy", "thế", "nào", "gì", "nhỉ", "hả",
    "thì", "là", "mấy", "nhiêu", "ship", "ad", "admin", "ko", "k",
)  # fmt: skip
_CHATTER_FOLDED = ("shop", "ship", "admin", "khong", "ko")


@lru_cache(maxsize=1)
def _chatter() -> tuple[frozenset[str], frozenset[str]]:
    exact = frozenset(words(w)[0].exact for w in _CHATTER_EXACT)
    return exact, frozenset(_CHATTER_FOLDED)


def is_chatter(word: Word) -> bool:
    """Whether a typed word is conversation rather than what is looked for."""
    exact, folded = _chatter()
    return word.exact in exact or word.folded in folded


def without_chatter(typed: list[Word], open_ended: bool = False) -> list[Word]:
    """The words without the conversation around them ("chào shop mình cần mua mật ong" →
    "mật ong"), unless nothing else was typed. A short last word still being typed is kept:
    "chiếu có" is on its way to "chiếu cói", "mật ong k" to "mật ong khoái"."""
    last = len(typed) - 1

    def chatter(i: int, word: Word) -> bool:
        still_typing = open_ended and i == last and len(word.folded) < 4
        return is_chatter(word) and not still_typing

    kept = [w for i, w in enumerate(typed) if not chatter(i, w)]
    return kept or typed


def nothing_specific(typed: list[Word]) -> bool:
    """Whether every word is generic or conversation ("sản phẩm", "có gì không"): what is
    left of a query once its filters are taken out ("sản phẩm ocop 3 sao") asks for nothing."""
    generic = _generic_positions(typed)
    return all(i in generic or is_chatter(word) for i, word in enumerate(typed))


def within_limit(typed: list[Word], limit: int) -> tuple[list[Word], list[Word]]:
    """At most `limit` words, and those cut off (to report them): when there are too many,
    generic words ("đặc sản", "quà") go first, then the last words."""
    if len(typed) <= limit:
        return typed, []
    generic = _generic_positions(typed)
    kept = [w for i, w in enumerate(typed) if i not in generic] or typed
    return kept[:limit], kept[limit:]


def words_to_give_up(word_sets: dict[int, int], typed: list[Word]) -> list[int]:
    """The words to give up when no product has them all: those missing from the set of words
    the most products share that has the most of them (a province's name counting as one
    word), then the rarest (inverse document frequency): "nem chua ninh binh" keeps "nem chua"
    rather than "chua ninh binh" (Sữa ong chúa of Ninh Bình), "mật ong rừng nguyên chất Thọ
    Bình" gives up "nguyên chất", which the honey of Thọ Bình does not say, and the chatter
    of "shop oi minh hoi nem chua" goes, not the last word, which is usually the product.
    `word_sets` counts the products by the set of the words they have (bit i: typed[i]).
    Ties keep the later words."""
    count = len(typed)
    with_any = sum(word_sets.values())
    have = [sum(n for found, n in word_sets.items() if found >> i & 1) for i in range(count)]
    rarity = [math.log((with_any + 1) / n) if n else 0.0 for n in have]
    weight = _word_weights(typed)

    def worth(found: int) -> tuple[Fraction, float, int]:
        kept = [i for i in range(count) if found >> i & 1]
        return (sum((weight[i] for i in kept), Fraction(0)), sum(rarity[i] for i in kept), found)

    best = max(word_sets, key=worth, default=1 << (count - 1))
    return [i for i in range(count) if not best >> i & 1]


def _word_weights(typed: list[Word]) -> list[Fraction]:
    """1 for each word, shared among the words of a province's name ("ninh bình": ½ each)."""
    weights = [Fraction(1)] * len(typed)
    folded = [w.folded for w in typed]
    for name in _province_names():
        for start in range(len(typed) - len(name) + 1):
            if tuple(folded[start : start + len(name)]) == name:
                for i in range(start, start + len(name)):
                    weights[i] = Fraction(1, len(name))
    return weights


# -- words run together, or split -----------------------------------------------------------

_MAX_JOINED = 24  # longer "words" are not looked into
_MIN_PIECE = 2


def pieces_to_look_up(typed: list[Word]) -> set[str]:
    """Every term `respaced` may ask the frequency of: the words, their pieces, and adjacent
    words joined (for one query to the vocabulary)."""
    found: set[str] = set()
    for word in typed:
        found.add(word.folded)
        folded = word.folded
        if len(folded) <= _MAX_JOINED:
            for start in range(len(folded)):
                for end in range(start + _MIN_PIECE, len(folded) + 1):
                    found.add(folded[start:end])
    for left, right in itertools.pairwise(typed):
        found.add(left.folded + right.folded)
    return found


def respaced(
    typed: list[Word],
    frequency: Callable[[str], int],
    matches: Callable[[Word], bool],
    phrase: Callable[[list[str]], bool],
) -> list[Word]:
    """The words with spacing mistakes mended, as Meilisearch does ("split" and "concat"):
    a word that matches nothing is split into known words ("nuocmam" → "nuoc mam", fewest
    pieces, then the commonest); two neighbours that join into a known word, one of which
    matches nothing, are joined ("viet gap" → "vietgap"). `frequency` gives how many products
    have a term (0: none); `matches` whether a word finds anything as it is (typos and input
    methods included); `phrase` whether folded words stand side by side in some name or label
    (a split must: "socola" is not "so co la")."""
    result: list[Word] = []
    i = 0
    while i < len(typed):
        word = typed[i]
        following = typed[i + 1] if i + 1 < len(typed) else None
        joins = following is not None and bool(frequency(word.folded + following.folded))
        if joins and following is not None and not (matches(word) and matches(following)):
            result.append(_joined(word, following))
            i += 2
            continue
        if not matches(word):
            split = split_word(word, frequency)
            if split and phrase([w.folded for w in split]):
                result.extend(split)
                i += 1
                continue
        result.append(word)
        i += 1
    return result


def _joined(left: Word, right: Word) -> Word:
    return Word(left.text + right.text, left.folded + right.folded, left.exact + right.exact)


def split_word(word: Word, frequency: Callable[[str], int]) -> list[Word] | None:
    """The best split of a word typed without spaces into known words, if any."""
    folded = word.folded
    if len(folded) > _MAX_JOINED or len(folded) < 2 * _MIN_PIECE:
        return None
    # best[i]: (pieces, -frequency) of the best split of folded[:i], and where its last starts
    best: list[tuple[int, int, int] | None] = [None] * (len(folded) + 1)
    best[0] = (0, 0, 0)
    for end in range(_MIN_PIECE, len(folded) + 1):
        for start in range(0, end - _MIN_PIECE + 1):
            before = best[start]
            docs = frequency(folded[start:end]) if before is not None else 0
            if before is None or not docs:
                continue
            candidate = (before[0] + 1, before[1] - docs, start)
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    if best[-1] is None or best[-1][0] < 2:
        return None
    cuts: list[int] = []
    end = len(folded)
    while end:
        step = best[end]
        assert step is not None
        cuts.append(step[2])
        end = step[2]
    bounds = [*sorted(cuts), len(folded)]
    same_length = len(word.text) == len(folded)  # marks typed: cut the text at the same places
    found: list[Word] = []
    for start, end in itertools.pairwise(bounds):
        text = word.text[start:end] if same_length else folded[start:end]
        found.extend(words(text))
    return found


# -- regional words ---------------------------------------------------------------------------

# Northern and Southern words for the same produce: a buyer in Cần Thơ types "heo", a
# producer in Thanh Hóa writes "lợn". Typed either way, both are found; products with the
# word as typed rank first (the other word counts like a typo). Words that fold into common
# other words ("thơm" is also fragrant) are left out.
_SAME_THING: tuple[tuple[str, str], ...] = (
    ("trà", "chè"),
    ("heo", "lợn"),
    ("bắp", "ngô"),
    ("mè", "vừng"),
    ("khóm", "dứa"),
    ("trái", "quả"),
)


@lru_cache(maxsize=1)
def _synonyms() -> tuple[dict[str, tuple[Word, ...]], dict[str, tuple[Word, ...]]]:
    """The other words of each word, by its exact key and by its folded form."""
    by_exact: dict[str, list[Word]] = {}
    by_folded: dict[str, list[Word]] = {}
    for pair in _SAME_THING:
        one, other = (words(w)[0] for w in pair)
        for word, its_other in ((one, other), (other, one)):
            by_exact.setdefault(word.exact, []).append(its_other)
            by_folded.setdefault(word.folded, []).append(its_other)
    return (
        {key: tuple(found) for key, found in by_exact.items()},
        {key: tuple(found) for key, found in by_folded.items()},
    )


@lru_cache(maxsize=1)
def _marked_synonyms() -> re.Pattern[str]:
    forms = sorted({w for pair in _SAME_THING for w in pair if has_marks(w)}, key=len)
    return re.compile(r"(?<!\w)(" + "|".join(reversed(forms)) + r")(?!\w)")


def synonym_forms_in(text: str) -> frozenset[str]:
    """The exact keys of the regional words written with their marks in a long text (a
    description): "thịt lợn tươi" has "lợn", so "heo" finds it, where the folded "lon" would
    also find "lớn". Names and labels have every word's exact key; descriptions only these."""
    found = _marked_synonyms().findall(unicodedata.normalize("NFC", text).lower())
    return frozenset(exact_key(form) for form in found)


def synonyms_of(word: Word) -> tuple[Word, ...]:
    """The other region's words for `word`, typed with its marks or with none ("tra" is
    "trà" here, "trả" is not)."""
    by_exact, by_folded = _synonyms()
    if has_marks(word.text):
        return by_exact.get(word.exact, ())
    return by_folded.get(word.folded, ())
