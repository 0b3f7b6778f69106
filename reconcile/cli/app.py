"""Typer commands. Each one: read inputs, call the core, write results, print a readable summary."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import InputError, ProfileError, ReconcileError
from ..models import BatchResult, Reject
from ..pipeline import explain_pair, plan_events, reconcile_reports
from ..profile import Profile, load_profile
from .io import count_lines, iter_inputs
from .parallel import ProcessMap
from .sharded import gather, write_sharded
from .stream import write_stream

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Reconcile agency reports of one incident kind into events with conflict flags.")
err = Console(stderr=True, soft_wrap=True)  # long lines are not cut at 80 columns when the output is no terminal

PROGRESS_FROM = 20_000  # show a progress bar from this many input lines
PARALLEL_FROM = 20_000  # normalise in worker processes from this many input lines


class OutFormat(StrEnum):
    json = "json"
    csv = "csv"
    geojson = "geojson"


ProfileOpt = Annotated[str, typer.Option("--profile", "-p", help="Built-in profile name or a profile TOML file.")]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A batch builds millions of long-lived, acyclic objects; the cyclic collector would rescan them all again
    and again (measured: half of the normalisation time). Reference counting still frees everything."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _profile(name: str) -> Profile:
    try:
        return load_profile(name)
    except ProfileError as exc:
        err.print(f"[red]profile error:[/] {exc}")
        raise typer.Exit(2) from exc


def _progress(total: int | None, quiet: bool) -> tuple[Any, Any]:
    """A progress bar for large inputs (a no-op context otherwise) and the callback that advances it."""
    show = not quiet and total is not None and total >= PROGRESS_FROM
    progress = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=not show, transient=True)
    tasks: dict[str, Any] = {}

    def advance(stage: str, n: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.advance(tasks[stage], n)

    return (progress if show else nullcontext()), (advance if show else None)


@contextmanager
def _input_errors() -> Iterator[None]:
    """An input that cannot be read at all (missing file, not UTF-8, CSV without id/source): one line, exit 2."""
    try:
        yield
    except InputError as exc:
        err.print(f"[red]input error:[/] {exc}")
        raise typer.Exit(2) from exc


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _print_summary(s: dict[str, Any], rejects: list[Reject], out: str | None) -> None:
    err.print(f"[bold]{_count(s['reports'], 'report')}[/]: [bold]{s['reported_in_events']:,}[/] in "
              f"[bold]{_count(s['events'], 'event')}[/], [bold]{s['rejects']:,}[/] rejected; "
              f"{_count(s['events_with_conflicts'], 'event')} with conflicts" + (f" -> {out}" if out else ""))
    if s["conflicts"]:
        table = Table(title="Conflicts by field", title_justify="left")
        table.add_column("field")
        table.add_column("major", justify="right", style="red")
        table.add_column("minor", justify="right", style="yellow")
        for field, c in s["conflicts"].items():
            table.add_row(field, str(c["major"]), str(c["minor"]))
        err.print(table)
    if rejects:
        table = Table(title=f"Rejects ({len(rejects)})", title_justify="left")
        for col in ("where", "report", "field", "reason"):
            table.add_column(col, overflow="fold")
        for r in rejects[:20]:
            where = ":".join(str(p) for p in (r.file, r.line) if p is not None)
            who = f"{r.source or '?'}:{r.id or '?'}"
            for e in r.errors:
                table.add_row(where, who, str(e.get("field")), str(e.get("reason")))
        err.print(table)
        if len(rejects) > 20:
            err.print(f"... and {len(rejects) - 20} more rejects (all are in the output file)")


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(
        help="Archives: .jsonl, .json (object or array), .csv, ISF/QuakeML bulletins; - for stdin.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file (default: stdout).")] = None,
    fmt: Annotated[OutFormat, typer.Option("--format", "-f", help="Output format.")] = OutFormat.json,
    profile: ProfileOpt = "missile_launch",
    links: Annotated[bool, typer.Option(help="Add to each event the pairwise links that hold it together.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary, no progress bar.")] = False,
    strict: Annotated[bool, typer.Option(help="Exit with status 1 when any report was rejected.")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Processes for normalising and writing large batches.")]
    = os.cpu_count() or 1,
) -> None:
    """Reconcile archives of reports into events; every report lands in one event or in the rejects."""
    prof = _profile(profile)
    lines = count_lines(inputs)
    bar, advance = _progress(lines, quiet)
    parallel = workers > 1 and (lines is None or lines >= PARALLEL_FROM)
    with bar:
        if parallel:  # normalised in a pool, then clustered and written block by block (cli/sharded.py)
            with _input_errors(), ProcessMap(prof, profile, workers, packed=True) as pool, _no_cycle_collection():
                sharded = gather(iter_inputs(inputs, defer=True), prof, pool, progress=advance)
            rejects = sharded.rejects
        else:
            with _input_errors(), _no_cycle_collection():
                groups, rejects = plan_events(iter_inputs(inputs), prof, progress=advance)
        target = output.open("wb") if output else None
        try:
            with _no_cycle_collection():
                if parallel:
                    tally = write_sharded(sharded, target or sys.stdout.buffer, fmt=fmt.value, links=links,
                                          workers=workers, progress=advance)
                else:
                    tally = write_stream(groups, rejects, prof, target or sys.stdout.buffer, fmt=fmt.value,
                                         links=links, workers=workers)
        finally:
            if target is not None:
                target.close()
    if not quiet:
        _print_summary(tally.as_dict(), rejects, str(output) if output else None)
    if strict and rejects:
        raise typer.Exit(1)


def _find(result: BatchResult, ref: str) -> tuple[Any, str]:
    """A report by ``SOURCE:ID`` or by a bare id when it is unique."""
    hits = []
    for e in result.events:
        for r in e.reports:
            if ref in (r.id, f"{r.source}:{r.id}"):
                hits.append((r, e.id))
    if len(hits) == 1:
        return hits[0]
    rejected = [r for r in result.rejects if ref in (r.id, f"{r.source}:{r.id}")]
    if rejected:
        reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in rejected[0].errors)
        raise typer.BadParameter(f"report {ref!r} was rejected ({reasons})")
    if not hits:
        raise typer.BadParameter(f"no report {ref!r} in the input")
    raise typer.BadParameter(f"{ref!r} names {len(hits)} reports; write it as SOURCE:ID "
                             f"({', '.join(f'{r.source}:{r.id}' for r, _ in hits)})")


@app.command()
def explain(
    inputs: Annotated[list[str], typer.Argument(help="Archive(s), then the two report ids (ID or SOURCE:ID).")],
    profile: ProfileOpt = "missile_launch",
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """The per-field evidence behind joining or splitting two reports."""
    if len(inputs) < 3:
        raise typer.BadParameter("give the archive(s) and then two report ids")
    *files, id1, id2 = inputs
    prof = _profile(profile)
    with _input_errors(), _no_cycle_collection():
        result = reconcile_reports(iter_inputs(files), prof)
    (a, ea), (b, eb) = _find(result, id1), _find(result, id2)
    x = explain_pair(a, b, prof, same_event=ea == eb)
    if as_json:
        sys.stdout.write(orjson.dumps({
            "a": list(x.a), "b": list(x.b), "score": x.score, "decision": x.decision, "reason": x.reason,
            "same_event": x.same_event, "events": [ea, eb],
            "evidence": [{"field": e.field, "weight": e.weight, "reason": e.reason} for e in x.evidence],
        }, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    out = Console()
    verdict = "same event" if ea == eb else "different events"
    out.print(f"[bold]{a.source}:{a.id}[/] vs [bold]{b.source}:{b.id}[/]: pair score {x.score:+.2f} -> "
              f"[bold]{x.decision}[/]; final result: {verdict} ({ea}, {eb})")
    out.print(f"  {x.reason}")
    table = Table()
    table.add_column("field")
    table.add_column("weight", justify="right")
    table.add_column("evidence")
    for e in x.evidence:
        style = "green" if e.weight > 0 else "red" if e.weight < 0 else "dim"
        table.add_row(e.field, f"[{style}]{e.weight:+.2f}[/]", e.reason)
    out.print(table)


@app.command()
def evaluate(
    output: Annotated[Path | None, typer.Argument(help="A `reconcile batch` JSON output.")] = None,
    truth: Annotated[Path | None, typer.Option("--truth", "-t", help="The truth file (see docs/formats.md).")]
    = None,
    extraction: Annotated[Path | None, typer.Option(
        "--extraction", help="Score `reconcile extract` instead: a directory of labelled texts (NAME.txt with "
                             "NAME.expected.json; each subdirectory scored apart, then all).")] = None,
    misses: Annotated[bool, typer.Option("--misses", help="With --extraction: list every wrong or missing "
                                                          "value.")] = False,
    profile: ProfileOpt = "missile_launch",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Pairwise precision/recall/F1 of the clustering and recall / false alarms of major conflicts; with
    --extraction, field-level precision/recall/F1 of text extraction."""
    if extraction is not None:
        from .extract import run_extraction_evaluation

        run_extraction_evaluation(extraction, _profile(profile), as_json=as_json, misses=misses)
        return
    if output is None or truth is None:
        raise typer.BadParameter("give a batch output and --truth (or --extraction DIR)")
    from ..evaluate import evaluate_clusters, render_text

    docs = []
    for path in (output, truth):
        try:
            docs.append(orjson.loads(path.read_bytes()))
        except (OSError, orjson.JSONDecodeError) as exc:
            err.print(f"[red]cannot read {path}:[/] {exc}")
            raise typer.Exit(2) from exc
    report = evaluate_clusters(docs[0], docs[1])
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        print(render_text(report))  # plain text, never wrapped: it is read by scripts as well as people


@app.command("bulletin-truth")
def bulletin_truth(
    bulletin: Annotated[Path, typer.Argument(help="A seismological bulletin: ISF (IMS1.0) or QuakeML.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Truth file (default: stdout).")] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help="The profile whose source codes name the "
                                         "reports (as `reconcile batch` with it does).")] = "earthquake",
) -> None:
    """A truth file from the bulletin's own grouping of origins into events (no conflicts), to score
    `reconcile batch` against it with `reconcile evaluate OUT.json --truth T.json`. Needs the extra `seismic`."""
    from ..formats import DOCUMENT_FORMATS, detect_format
    from ..seismic import truth_from_document

    runtime = _profile(profile).runtime()
    with _input_errors():
        try:
            data = bulletin.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=str(bulletin)) from exc
        fmt = detect_format(bulletin.name, data[:4096].decode("utf-8-sig", "replace"))
        if fmt not in DOCUMENT_FORMATS:
            raise InputError(f"not an ISF or QuakeML bulletin (looks like {fmt})", file=str(bulletin))
        truth = truth_from_document(data, fmt, str(bulletin), source=lambda s: runtime.source(s)[0])
    blob = orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        sys.stdout.buffer.write(blob)
    else:
        output.write_bytes(blob)
    reports = sum(len(e["reports"]) for e in truth["events"])
    err.print(f"[bold]{_count(len(truth['events']), 'bulletin event')}[/], [bold]{_count(reports, 'origin')}[/]"
              + (f" -> {output}" if output else ""))


def main() -> None:
    try:
        app()
    except ReconcileError as exc:  # anything the core raises on purpose: a clear line, not a traceback
        err.print(f"[red]error:[/] {exc}")
        raise SystemExit(2) from exc
