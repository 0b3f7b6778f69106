"""Text geometry for extraction: the folded form of a text with a map back to the original characters, phrase
indexes over folded keys, and the paragraphs and sentences of a text as character spans.

``Folded`` applies the engine's ``text_key`` one character at a time, so that a match found in the folded text
(where aliases are compared) maps back to the exact characters of the original: every extracted value keeps the
span it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..normalise.text import text_key
from ..normalise.times import ZONE_WORDS

Span = tuple[int, int]

_JOIN = re.compile(r"['’ʼʻ`´‘\-‐‑–]")
_PUNCT = re.compile(r"[^\w\s]|_")


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """``text_key`` for one character, without the trimming: '' (joined), ' ' (punctuation, space) or its key."""
    if c.isascii():
        if c.isalnum():
            return c.lower()
        return "" if c in "'`-" else " "
    decomposed = unicodedata.normalize("NFKD", c)
    stripped = "".join(x for x in decomposed if not unicodedata.combining(x))
    folded = unicodedata.normalize("NFKC", stripped).casefold()
    if _JOIN.fullmatch(c):
        return ""
    return _PUNCT.sub(" ", folded)


class Folded:
    """A text folded like ``text_key`` (runs of spaces kept as one), with the original index of each character."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        index: list[int] = []
        self.possessive: set[int] = set()  # folded positions of the "s" of "'s" ("Hokkaido's" folds to "hokkaidos")
        for i, c in enumerate(text):
            if c in "s" and i and text[i - 1] in "'’" and (i + 1 == len(text) or not text[i + 1].isalnum()):
                self.possessive.add(len(chars))
            for k in _fold_char(c):
                if k.isspace():
                    if not chars or chars[-1] == " ":
                        continue
                    k = " "
                chars.append(k)
                index.append(i)
        self.key = "".join(chars)
        self._index = index
        self._n = len(text)

    def span(self, start: int, end: int) -> Span:
        """The original span of the folded characters ``[start, end)``."""
        return self._index[start], self._index[end - 1] + 1


def _is_latin(key: str) -> bool:
    return all(ord(c) < 0x250 for c in key)


class PhraseIndex:
    """Finds known phrases (aliases) in a folded text: leftmost, longest first, Latin phrases on word boundaries.

    Phrases are looked up by their first two characters (Latin ones only where a word starts) instead of one
    alternation of a thousand aliases (the gazetteer's), which Python's regex engine would try one by one at
    every position."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self.by_key: dict[str, str] = {}
        for code, phrase in phrases:
            key = text_key(phrase)
            if key:
                self.by_key.setdefault(key, code)
        self._latin: dict[str, list[str]] = {}
        self._other: dict[str, list[str]] = {}
        for key in sorted(self.by_key, key=len, reverse=True):
            table = self._latin if _is_latin(key) else self._other
            table.setdefault(key[:2], []).append(key)

    def find(self, folded: Folded) -> list[tuple[str, int, int]]:
        """(code, start, end) of each phrase occurrence, as original spans, non-overlapping."""
        key = folded.key
        out: list[tuple[str, int, int]] = []
        i, n = 0, len(key)
        while i < n:
            hit = None
            word_start = i == 0 or not key[i - 1].isalnum() or not key[i - 1].isascii()
            if word_start:
                for k in (*self._latin.get(key[i:i + 2], ()), *self._latin.get(key[i], ())):
                    end = i + len(k)
                    if key.startswith(k, i) and (end >= n or not (key[end].isascii() and key[end].isalnum())
                                                 or end in folded.possessive):
                        hit = k
                        break
            if hit is None and not key[i].isascii():
                hit = next((k for k in (*self._other.get(key[i:i + 2], ()), *self._other.get(key[i], ()))
                            if key.startswith(k, i)), None)
            if hit is None:
                i += 1
                continue
            end = i + len(hit)
            s, e = folded.span(i, end)
            out.append((self.by_key[hit], s, e))
            i = end
        return out


# ---------------------------------------------------------------------------------------------------------------
# Paragraphs and sentences

_ABBREVIATIONS = frozenset(
    "a.m p.m am pm jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n u.k mr mrs ms dr no st gen lt col "
    "sgt adm vs e.g i.e approx est inc corp co jr sr rep sen gov n s".split()
)
_CALENDAR = frozenset("mon tue wed thu fri sat sun jan feb mar apr may jun jul aug sep oct nov dec".split())
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|(?<=[。！？])[」』”）]*\s*")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    index: int  # position of the sentence in the paragraph


def paragraphs(text: str) -> list[Span]:
    """Paragraphs: blocks of text separated by blank lines."""
    out = []
    for m in re.finditer(r"\S(?:.|\n(?![ \t\u3000]*\n))*", text):
        out.append(_trim(text, m.start(), m.end()))
    return out


def _lines(text: str, start: int, end: int) -> list[Span]:
    """The lines of a paragraph, hard-wrapped prose lines (a long line broken mid-sentence before a lowercase
    word) joined back together."""
    out: list[Span] = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        if out:
            prev = text[out[-1][0]:out[-1][1]].rstrip()
            if len(prev) >= 50 and prev[-1:].isalnum() and text[s:e].lstrip()[:1].islower():
                out[-1] = (out[-1][0], e)
                continue
        out.append((s, e))
    return out


def sentences(text: str) -> list[Sentence]:
    """Sentences with their paragraph number. A line break ends a sentence (headlines, list items, message
    lines); abbreviations (a.m., Jan., U.S.) do not."""
    out: list[Sentence] = []
    for p, (ps, pe) in enumerate(paragraphs(text)):
        k = 0
        for ls, le in _lines(text, ps, pe):
            start = ls
            for m in _SENTENCE_END.finditer(text, ls, le):
                cut = m.start()
                if text[cut - 1] == "." and _abbreviation_before(text, cut - 1):
                    continue
                if text[start:m.end()].strip():
                    out.append(Sentence(*_trim(text, start, m.end()), p, k))
                    k += 1
                start = m.end()
            if text[start:le].strip():
                out.append(Sentence(*_trim(text, start, le), p, k))
                k += 1
    return out


def _abbreviation_before(text: str, dot: int) -> bool:
    m = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 12):dot])
    if m is None:
        return False
    word = m.group(1).lower().strip(".")
    if word in _ABBREVIATIONS:
        # "... 8 a.m. The missile" ends a sentence; "8 a.m. (2310 GMT)" or "a.m. on" does not
        if word in ("a.m", "p.m", "am", "pm"):  # "8 a.m. The missile" ends one; "8 a.m. HST", "a.m. on" do not
            m = re.match(r"\s+([A-Z][A-Za-z]*)(?:\s+([A-Za-z]+))?", text[dot + 1:dot + 30])
            if m is None or m.group(1).isupper() or m.group(1).lower()[:3] in _CALENDAR:
                return True
            return f"{m.group(1)} {m.group(2) or ''}".strip().lower() in ZONE_WORDS
        return True
    return re.fullmatch(r"(?:[a-z]\.)*[a-z]", word) is not None  # initials: "N. Korea", "H.M. Smith"


def _trim(text: str, s: int, e: int) -> Span:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
