"""Typo tolerance for Vietnamese, in the spirit of Meilisearch's, adapted to short syllables.

Meilisearch allows one typo from 5 letters and two from 9, and counts a typo on the first
letter as two. Vietnamese syllables are short (folded, most have 2–5 letters) and a changed
letter in a short syllable usually spells another real syllable ("gao" rice, "cao" tall), so:

- words of 1–3 letters get no typo;
- from 4 letters, one typo of the kinds that rarely make another syllable: an extra letter
  ("gaoo", "bưởii") or two swapped letters ("boui");
- from 5 letters, any single typo (missing, extra, changed or swapped letter);
- from 9 letters, two typos;
- the first letter is never wrong (it counts as two typos, as in Meilisearch).

A word typed with a Vietnamese input method that did not convert ("nuwowcs" for "nước" in
Telex, "d9a65c" for "đặc" in VNI) is decoded first; that is a faithful spelling, not a typo.
Input methods take the tone and vowel keys anywhere after the vowel, final consonant
included ("nuocws", "mamsw", "ddacwj", "tiene" for "tiên"; "nuoc71" in VNI). Keys trailing a
final consonant are only read as keys when what comes before them is one Vietnamese syllable
ending in a consonant that those keys can modify, so that "mango" or "cameo" stay words. A
decoded word is only looked for when the word as typed matches nothing (`matching`,
`native`), so a decoding can never outrank a word found as typed.
Typos are only tried for a word that is not itself in the vocabulary, so that a known word
never drags in its neighbours ("bưởi" does not also match "bơi").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_VOWELS = frozenset("aeiouy")
_TONE_KEYS = frozenset("sfrxjz")
_TRAILING_KEYS = re.compile(r"[sfrxjzwaeo]+$")  # tone keys, w, and the circumflex keys
# One folded syllable closed by a final consonant: initial, vowel nucleus, final.
_CLOSED_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|tr|th|kh|ph|gh|gi|qu|[bcdghklmnpqrstvx])?"
    r"(?P<nucleus>uye|ie|ye|uo|oa|oe|ua|ue|uy|oo|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])"
)
_DOUBLE_VOWEL = re.compile(r"([aeo])\1")
_VNI_DIGITS = re.compile(r"[1-9]")


def allowed_typos(word: str) -> int:
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 4 else 0


def decode_input_method(word: str) -> str | None:
    """The word a Telex or VNI keystroke sequence stands for, folded; None if it is not one."""
    if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
        decoded = _VNI_DIGITS.sub("", word)
        return decoded if decoded and decoded != word else None
    decoded = _decode_telex(word)
    return decoded if decoded != word else None


def _decode_telex(word: str) -> str:
    """The folded word, keys left out: those trailing a final consonant ("mamws"), if they fit
    the syllable before them, then those typed in place ("mawms", "nhwng")."""
    trailing = _TRAILING_KEYS.search(word)
    if trailing is not None:
        syllable = _decode_in_place(word[: trailing.start()])
        if _keys_fit(syllable, trailing.group()):
            return syllable
    return _decode_in_place(word)


def _keys_fit(syllable: str, keys: str) -> bool:
    """Whether Telex `keys` typed after `syllable` (folded) can all apply to its vowels: tone
    keys to any closed syllable, w to a, o or u, aa/ee/oo's second letter to its own vowel."""
    closed = _CLOSED_SYLLABLE.fullmatch(syllable)
    if closed is None:
        return False
    nucleus = closed["nucleus"]
    hooked = any(vowel in nucleus for vowel in "aou")
    return all(k in _TONE_KEYS or k in nucleus or (k == "w" and hooked) for k in keys)


def _decode_in_place(word: str) -> str:
    text = word.replace("dd", "d")
    out: list[str] = []
    seen_vowel = False
    for char in text:
        if char == "w":
            if out and out[-1] in _VOWELS:
                continue  # aw, ow, uw: the breve or horn
            out.append("u")  # w alone is ư
            seen_vowel = True
            continue
        if char in _TONE_KEYS and seen_vowel:
            continue  # no Vietnamese final consonant is s, f, r, x, j or z
        seen_vowel = seen_vowel or char in _VOWELS
        out.append(char)
    return _DOUBLE_VOWEL.sub(r"\1", "".join(out))


def distance(typed: str, term: str) -> int:
    """Typos between what was typed and a term (optimal string alignment, first letter x2)."""
    rows = len(typed) + 1
    cols = len(term) + 1
    previous2: list[int] = []
    previous = list(range(cols))
    for i in range(1, rows):
        current = [i] + [0] * (cols - 1)
        for j in range(1, cols):
            cost = 0 if typed[i - 1] == term[j - 1] else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and typed[i - 1] == term[j - 2] and typed[i - 2] == term[j - 1]:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        previous2, previous = previous, current
    first_letter_penalty = 1 if typed[:1] != term[:1] else 0
    return previous[-1] + first_letter_penalty


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _is_cheap_typo(typed: str, term: str) -> bool:
    """An extra letter or two swapped letters: the only typos allowed on 4-letter words."""
    if len(term) == len(typed) - 1:
        return True
    return len(term) == len(typed) and sorted(term) == sorted(typed)


def indexable(term: str) -> bool:
    """Whether typos may lead to `term` (short words and numbers are only found as typed)."""
    return len(term) >= 3 and not term.isdigit()


def variants_of(term: str) -> set[str]:
    """The deletions a vocabulary term is filed under: one letter, and two from 8 letters."""
    variants = _deletions(term)
    if len(term) >= 8:
        variants |= {d2 for d in variants for d2 in _deletions(d)}
    return variants


def lookups(typed: str) -> tuple[set[str], set[str]]:
    """Where the terms within `typed`'s typo budget are: (keys to look up among the terms'
    deletions, strings that may be terms themselves). Both empty when no typo is allowed."""
    budget = allowed_typos(typed)
    if budget == 0 or typed.isdigit():
        return set(), set()
    deletions = _deletions(typed)
    if budget >= 2:
        deletions |= {d2 for d in deletions for d2 in _deletions(d)}
    return {typed, *deletions}, deletions


def accepted_typos(typed: str, term: str) -> int | None:
    """How many typos separate `typed` from `term` if they are allowed, else None."""
    typos = distance(typed, term)
    if typos == 0 or typos > allowed_typos(typed):
        return None
    if len(typed) < 5 and not _is_cheap_typo(typed, term):
        return None
    return typos


class TypoIndex:
    """A deletion index over the vocabulary (SymSpell), to find terms within a typo or two."""

    def __init__(self) -> None:
        self._by_deletion: dict[str, set[str]] = {}
        self._terms: set[str] = set()

    def add(self, term: str) -> None:
        if term in self._terms or not indexable(term):
            return
        self._terms.add(term)
        for variant in variants_of(term):
            self._by_deletion.setdefault(variant, set()).add(term)

    def add_all(self, terms: Iterable[str]) -> None:
        for term in terms:
            self.add(term)

    def corrections(self, typed: str) -> dict[str, int]:
        """Known terms within the typos `typed` is allowed, with their number of typos."""
        keys, maybe_terms = lookups(typed)
        candidates: set[str] = set()
        for key in keys:
            candidates |= self._by_deletion.get(key, set())
        candidates |= maybe_terms & self._terms
        found: dict[str, int] = {}
        for term in candidates:
            typos = accepted_typos(typed, term)
            if typos is not None:
                found[term] = typos
        return found
