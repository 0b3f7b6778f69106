"""The one error tree of the library.

    ReconcileError                 base: everything the library raises on purpose
    ├── ProfileError               a profile (TOML or gazetteer) is malformed
    ├── InputError                 a whole input cannot be read (not JSON, not CSV, empty header ...)
    └── ReportError                one report is malformed; carries every problem found in it
                                   (``problems``: FieldProblem(field, reason, value)), with the
                                   report's id, source and position (file, line)

A disagreement between sources is never an exception: it is a result (``Conflict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ReconcileError(Exception):
    """Base class for the errors the library raises on purpose."""


class ProfileError(ReconcileError):
    """A profile or its gazetteer is malformed; ``where`` names the offending entry."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class InputError(ReconcileError):
    """A whole input (file, stream) cannot be read at all."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        where = ":".join(str(p) for p in (file, line) if p is not None)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field of one report."""

    field: str
    reason: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "reason": self.reason}
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(slots=True)
class ReportError(ReconcileError):
    """A report that cannot be used; ``problems`` lists every problem found, not only the first."""

    problems: list[FieldProblem]
    report_id: str | None = None
    source: str | None = None
    file: str | None = None
    line: int | None = None
    record: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        Exception.__init__(self, str(self))

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        who = f"report {self.report_id!r}" if self.report_id is not None else "report"
        if self.source:
            who += f" from {self.source!r}"
        what = "; ".join(f"{p.field}: {p.reason}" for p in self.problems)
        return f"{where + ': ' if where else ''}{who}: {what}"
