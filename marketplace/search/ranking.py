"""Ranking as a bucket sort, like Meilisearch's: the matches are split by the first rule, each
part by the next rule, and so on; only the parts the requested page needs are ever split
further, so ranking costs the same whether ten or fifty thousand products match. The rules:

1. words: every word must match; words no product has are left out, then, if nothing
   matches all the rest, words are dropped from the end (done before ranking); generic words
   ("đặc sản", "hàng": `wording`) typed with others need not match, and matches with them
   come first;
2. typos: matches without typos first;
3. diacritics: when the buyer typed marks, words written exactly so ("mật", not "mặt") first,
   and for the word being typed, words beginning so ("bư": "bưởi", not "bún");
4. proximity: query words side by side in the name (or in a label) first;
5. attribute: all words in the name, then the first words of the query in the name, the
   more the better (they name the product: "chè xanh thanh hoá" is Chè xanh of Thanh Hóa,
   before Chè lam Thanh Hóa); then all in name or labels (producer, place, keywords), then
   more words in the name before fewer;
6. exactness: whole words before completions of the last word, names starting with the
   first word before the rest;
7. OCOP stars, more first; then the most recently changed product.
"""

from __future__ import annotations

import itertools

from marketplace.search import bitmaps
from marketplace.search.index import LABELS, NAME, PAIRS, STARTS, MemoryIndex
from marketplace.search.index import prefix_key as _prefix_key
from marketplace.search.matching import PRECOMPUTED_PREFIX, WordMatch


def rank(
    index: MemoryIndex,
    matches: list[WordMatch],
    candidates: int,
    skip: int,
    count: int,
    optional: list[WordMatch] | None = None,
) -> list[int]:
    """The page of `candidates` in rule order; `optional` words (generic ones a match need not
    have, `wording`) come first, as Meilisearch's "words" rule: matches having them first."""
    rules = [levels for levels in _rules(index, matches) if levels]
    if optional:
        rules.insert(0, [_all([m.any for m in optional])])
    found: list[int] = []
    remaining = [skip, count]  # still to skip, still to take

    def collect(bucket: int, depth: int) -> None:
        size = bucket.bit_count()
        if size <= remaining[0]:
            remaining[0] -= size
            return
        if depth == len(rules):
            taken = bitmaps.highest(bucket, remaining[1], remaining[0])
            remaining[0] = 0
            remaining[1] -= len(taken)
            found.extend(taken)
            return
        rest = bucket
        for level in rules[depth]:
            part = rest & level
            if part:
                collect(part, depth + 1)
                rest ^= part
                if remaining[1] <= 0 or not rest:
                    return
        collect(rest, depth + 1)

    if candidates and count:
        collect(candidates, 0)
    return found


def _rules(index: MemoryIndex, matches: list[WordMatch]) -> list[list[int]]:
    stars = index.facets["ocop_stars"]
    star_levels = [stars[s] for s in ("5", "4", "3") if s in stars]
    if not matches:
        return [star_levels]
    return [
        _typo_levels(matches),
        _diacritic_levels(matches),
        _proximity_levels(index, matches),
        _leading_levels(matches),
        _attribute_levels(matches),
        _exactness_levels(index, matches),
        star_levels,
    ]


def _all(bitmaps_to_join: list[int]) -> int:
    result = -1
    for bitmap in bitmaps_to_join:
        result &= bitmap
    return result


def _typo_levels(matches: list[WordMatch]) -> list[int]:
    if not any(m.typo_terms for m in matches):
        return []
    return [_all([m.without_typos for m in matches])]


def _diacritic_levels(matches: list[WordMatch]) -> list[int]:
    marked = [m.diacritics for m in matches if m.diacritics is not None]
    return [_all(marked)] if marked else []


def _proximity_levels(index: MemoryIndex, matches: list[WordMatch]) -> list[int]:
    pairs: list[int] = []
    for left, right in itertools.pairwise(matches):
        keys = [f"{a} {b}" for a in left.exact_terms[:4] for b in right.exact_terms[:4]]
        pairs.append(index.union(PAIRS, keys) if keys else 0)
    if not pairs:
        return []
    together = _all(pairs)
    if len(pairs) == 1:
        return [together]
    some = 0
    for bitmap in pairs:
        some |= bitmap
    return [together, some]


def _leading_levels(matches: list[WordMatch]) -> list[int]:
    """All words in the name, then the first n-1, …, the first one: the first words name the
    product, the later ones say which ("chè xanh thanh hoá": Chè xanh before Chè lam)."""
    levels: list[int] = []
    found = -1
    for match in matches:
        found &= match.fields[NAME]
        levels.append(found)
    return levels[::-1]


def _attribute_levels(matches: list[WordMatch]) -> list[int]:
    """All words in name or labels; then more words in the name first."""
    in_name = _at_least([m.fields[NAME] for m in matches])
    in_name_or_labels = _all([m.fields[NAME] | m.fields[LABELS] for m in matches])
    return [in_name_or_labels, *in_name[1:]]


def _at_least(sets: list[int]) -> list[int]:
    """[in all n sets, in at least n-1, …, in at least 1]."""
    at_least = [0] * (len(sets) + 1)  # at_least[k]: in at least k of the sets seen so far
    at_least[0] = -1
    for bitmap in sets:
        for k in range(len(sets), 0, -1):
            at_least[k] |= at_least[k - 1] & bitmap
    return at_least[:0:-1]


def _exactness_levels(index: MemoryIndex, matches: list[WordMatch]) -> list[int]:
    # a one-letter word ("b" in "B'Lao") is no better a match for "b" than "bưởi" is
    whole = _all([m.whole for m in matches if len(m.word.folded) > 1])
    first = matches[0]
    start_keys = ["^" + t for t in first.exact_terms]
    if first.completing and len(first.word.folded) <= PRECOMPUTED_PREFIX:
        start_keys.append("^" + _prefix_key(first.word.folded))
    starts = index.union(STARTS, start_keys)
    return [whole & starts, whole, starts]
