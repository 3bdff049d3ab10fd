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

from functools import lru_cache

from marketplace.places import provinces
from marketplace.search.tokens import Word, fold_text, words

# Exact forms (lowercase, with marks) and, where folding leaves them unambiguous, folded forms.
_GENERIC_EXACT = ("đặc sản", "sản phẩm", "nông sản", "hàng", "đồ ăn", "đồ", "quà")
_GENERIC_FOLDED = ("dac san", "san pham", "nong san", "ocop")
_BEFORE_PROVINCE = ("tinh", "tp", "thanh pho")


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


def without_fillers(typed: list[Word]) -> list[Word]:
    """The words without a "tỉnh" / "thành phố" / "tp" typed right before a province's name."""
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
        if filler and any(
            _starts_at(typed, i + filler, name, exact=False) for name in _province_names()
        ):
            i += filler
            continue
        kept.append(typed[i])
        i += 1
    return kept


def generic_positions(typed: list[Word]) -> set[int]:
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
    sản" first). Typed alone, generic words are ordinary words."""
    generic = generic_positions(typed)
    if len(generic) == len(typed):
        return []
    return [typed[i] for i in sorted(generic)]
