"""What extraction returns: per agency, an engine input record and the evidence behind each of its values."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

Span = tuple[int, int]


class FieldEvidence(BaseModel):
    """One extracted value: the text handed to the engine's normaliser, the character spans of the source text it
    was read from (several for a time put together from "8:07 a.m." and "Jan. 5"), and the sentence it stands in.
    Offsets index the text as given (Python string indices: code points)."""

    model_config = ConfigDict(frozen=True)

    value: str
    spans: list[Span]
    sentence: Span
    sentence_text: str


class ExtractedReport(BaseModel):
    """The report of one agency found in a text.

    ``record`` is an input record for the engine (``normalise_report``, ``reconcile batch``): id, source,
    issued_at, the fields, the sentences it came from as ``text``, and the evidence offsets as the extra fields
    ``spans`` ({field: [[start, end], ...]}) and ``sentences`` ({field: [start, end]}), which the engine keeps."""

    model_config = ConfigDict(frozen=True)

    source: str  # the profile's code (or the agency's own name when the profile does not know it)
    named_as: str  # how the text named it first
    fields: dict[str, FieldEvidence]
    record: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.record["id"])
