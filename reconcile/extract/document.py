"""Text documents with a small header, as the labelled fixtures are written (docs/formats.md)::

    published: 2022-01-05T10:05:00+09:00
    source: 防衛省
    style: JMOD press release (Japanese)
    ---
    北朝鮮のミサイル等関連情報 ...

Pure: a string in, the header's fields and the body out. A string without a header is all body. Offsets of
extracted values refer to the body.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"\A((?:[A-Za-z_]+[ \t]*:[^\n]*\n)+)---[ \t]*\n")


def split_header(raw: str) -> tuple[dict[str, str], str]:
    """(header fields, body). Keys are lower-cased; a text without a ``---`` line after ``key: value`` lines has
    no header."""
    raw = raw.lstrip("\ufeff")
    m = _HEADER.match(raw)
    if m is None:
        return {}, raw
    meta = {}
    for line in m.group(1).splitlines():
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta, raw[m.end():]
