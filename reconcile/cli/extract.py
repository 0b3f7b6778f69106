"""``reconcile extract FILE|-``: the reports found in a text, as JSON lines (engine input records with the spans of
their values); and the extraction side of ``reconcile evaluate --extraction DIR``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

from ..errors import InputError
from ..extract import extract_reports
from ..extract.document import split_header
from ..extract.score import ExtractionCase, ExtractionScores, render_scores, score_extraction
from ..profile import Profile
from .app import ProfileOpt, _profile, app

err = Console(stderr=True, soft_wrap=True)


def _read_text(path: str) -> tuple[dict[str, str], str]:
    """A text file (or standard input): plain text, text with a ``key: value ... ---`` header, or a JSON object
    with ``text`` (and ``published``, ``source``)."""
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read it as UTF-8 text: {exc}", file=path) from exc
    if raw.lstrip().startswith("{"):
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("text"), str):
            meta = {k: str(doc[k]) for k in ("published", "source") if doc.get(k) is not None}
            return meta, doc["text"]
    return split_header(raw)


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="A text file (plain, with a header, or JSON {text, published, "
                                             "source}); - for standard input.")],
    published: Annotated[str | None, typer.Option(help="When the text was published (supplies missing dates "
                                                       "and years; the reports' issued_at).")] = None,
    source: Annotated[str | None, typer.Option(help="The agency whose text it is (a press release): what the text "
                                                    "attributes to nobody is its.")] = None,
    profile: ProfileOpt = "missile_launch",
    evidence: Annotated[bool, typer.Option("--evidence", help="Print each report with its evidence (value, "
                                                              "spans, sentence per field) instead of the bare "
                                                              "record.")] = False,
) -> None:
    """Print the reports found in a text, one JSON line per agency it quotes (input for `reconcile batch`)."""
    prof = _profile(profile)
    try:
        meta, text = _read_text(path)
        reports = extract_reports(text, prof, published=published or meta.get("published"),
                                  source=source or meta.get("source"))
    except InputError as exc:
        err.print(f"[red]input error:[/] {exc}")
        raise typer.Exit(2) from exc
    for r in reports:
        doc = r.model_dump(mode="json") if evidence else r.record
        sys.stdout.write(orjson.dumps(doc).decode() + "\n")
    err.print(f"{len(reports)} report(s): " + ", ".join(f"{r.source} ({len(r.fields)} fields)" for r in reports),
              highlight=False)


def fixture_cases(directory: Path, profile: Profile) -> list[ExtractionCase]:
    """Every ``NAME.txt`` of a directory with its ``NAME.expected.json``, extracted."""
    cases = []
    for txt in sorted(directory.glob("*.txt")):
        expected_path = txt.with_name(txt.stem + ".expected.json")
        if not expected_path.is_file():
            continue
        meta, text = split_header(txt.read_text(encoding="utf-8"))
        expected = json.loads(expected_path.read_text(encoding="utf-8"))["reports"]
        got = extract_reports(text, profile, published=meta.get("published"), source=meta.get("source"))
        cases.append(ExtractionCase(name=txt.stem, published=meta.get("published"), expected=expected,
                                    extracted=[r.record for r in got]))
    return cases


def run_extraction_evaluation(directory: Path, profile: Profile, *, as_json: bool, misses: bool) -> None:
    """Score extraction on a directory of labelled texts, or on each of its subdirectories and all together."""
    if not directory.is_dir():
        err.print(f"[red]input error:[/] {directory}: not a directory")
        raise typer.Exit(2)
    parts = [d for d in sorted(directory.iterdir()) if d.is_dir() and any(d.glob("*.txt"))]
    sets: dict[str, list[ExtractionCase]] = {}
    if any(directory.glob("*.txt")) or not parts:
        sets[directory.name] = fixture_cases(directory, profile)
    for d in parts:
        sets[d.name] = fixture_cases(d, profile)
    if not any(sets.values()):
        err.print(f"[red]input error:[/] {directory}: no NAME.txt with a NAME.expected.json")
        raise typer.Exit(2)
    scored: dict[str, ExtractionScores] = {name: score_extraction(cases, profile) for name, cases in sets.items()}
    if len(sets) > 1:
        scored["all"] = score_extraction([c for cases in sets.values() for c in cases], profile)
    if as_json:
        doc: dict[str, Any] = {name: s.as_dict() if misses else {k: v for k, v in s.as_dict().items()
                                                                  if k != "misses"} for name, s in scored.items()}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    out = Console(highlight=False)
    for name, s in scored.items():
        out.print(render_scores(s, title=f"[{name}]"), markup=False)
        out.print()
    if misses:
        for name, s in scored.items():
            if name == "all":
                continue
            for m in s.misses:
                sys.stdout.write(f"{m.text}  {m.source}.{m.field}: expected {m.expected!r}, got {m.extracted!r}\n")
