"""Text keys and alias matching shared by sources, vocabularies and the gazetteer.

``text_key`` folds a name to the form aliases are compared in: compatibility forms unified (full-width digits,
``㎞``), Latin diacritics and apostrophes dropped (Tongch'ang-ni = Tongchang-ni, Bōeishō = Boeisho), hyphens
joined, other punctuation turned to spaces, case folded. Hangul and Kanji are kept as they are.

``AliasMatcher`` finds the aliases that occur in a phrase (one compiled alternation, longest first, on word
boundaries for Latin aliases), and falls back to rapidfuzz for misspelt romanisations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

_JOIN = re.compile(r"['’ʼʻ`´‘\-‐‑–]")
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=200_000)
def text_key(text: str) -> str:
    """The folded form of ``text`` used for every name comparison."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFKC", stripped).casefold()
    folded = _JOIN.sub("", folded)
    folded = _PUNCT.sub(" ", folded)
    return _SPACE.sub(" ", folded).strip()


def _is_latin(key: str) -> bool:
    return all(ord(c) < 0x250 for c in key)


class AliasMatcher:
    """Finds which codes' aliases occur in a phrase.

    ``find(text)`` returns ``(code, start)`` for each alias occurrence, leftmost first, longest alias preferred;
    ``fuzzy(text)`` returns the code of the closest alias when no alias occurs (score at least ``cutoff``)."""

    def __init__(self, aliases: Iterable[tuple[str, str]], *, cutoff: float = 88.0) -> None:
        self._by_key: dict[str, str] = {}
        for code, alias in aliases:
            key = text_key(alias)
            if key:
                self._by_key.setdefault(key, code)
        keys = sorted(self._by_key, key=len, reverse=True)
        parts = [
            rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])" if _is_latin(k) else re.escape(k) for k in keys
        ]
        self._pattern = re.compile("|".join(parts)) if parts else None
        self._keys = list(self._by_key)
        self._cutoff = cutoff

    def exact(self, text: str) -> str | None:
        return self._by_key.get(text_key(text))

    def find(self, text: str) -> list[tuple[str, int]]:
        if self._pattern is None:
            return []
        key = text_key(text)
        return [(self._by_key[m.group(0)], m.start()) for m in self._pattern.finditer(key)]

    def fuzzy(self, text: str) -> tuple[str, float] | None:
        key = text_key(text)
        if not key or not self._keys:
            return None
        best = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=self._cutoff)
        if best is None:
            return None
        return self._by_key[best[0]], float(best[1])
