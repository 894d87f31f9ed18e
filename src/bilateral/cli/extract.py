"""``bilateral extract``: candidate events from documents, for review; accept a review into a case."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bilateral.case import builtin_cases, load_case, resolve_case
from bilateral.cli.output import Format, console, emit
from bilateral.data.store import Store
from bilateral.errors import BilateralError
from bilateral.extract import accept_review, extract, ingest_candidates, write_review

SHOWN = ["candidate_id", "date", "source_actor", "target_actor", "cameo", "plover", "trigger", "confidence",
         "locator"]


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BilateralError(f"--date {text!r} is not a date — write YYYY-MM-DD") from None


def extract_command(
    files: Annotated[list[Path] | None, typer.Argument(help="Text, Markdown or HTML documents.")] = None,
    case: Annotated[str | None, typer.Option(help="Case (name or folder) whose actors and leaders resolve names; "
                                             "with --accept, the case folder to add events to.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the review file (CSV) here.")] = None,
    source: Annotated[str, typer.Option("--source", help="Bibliography key written in every row (default: the "
                                        "--case entry whose file field names the document).")] = "",
    when: Annotated[str | None, typer.Option("--date", help="The documents' own date, YYYY-MM-DD.")] = None,
    accept: Annotated[Path | None, typer.Option("--accept", help="A reviewed file: append its accepted rows to "
                                                "the --case folder's events.csv.")] = None,
    dataset: Annotated[str | None, typer.Option("--ingest", help="Also ingest the candidates into the store "
                                                "as this dataset (e.g. extract:seeds).")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Store file for --ingest.")] = None,
) -> None:
    """Propose candidate events from documents (or, with --accept, add reviewed ones to a case)."""
    if accept is not None:
        if files:
            raise BilateralError("--accept takes a review file, not documents — run extract and --accept apart")
        folder = resolve_case(case) if case else None
        if folder is None or folder in builtin_cases().values():
            raise BilateralError("--accept needs --case FOLDER, a case folder of your own (built-in cases are "
                                 "read-only: copy the folder and pass the copy)")
        result = accept_review(accept, folder)
        console.print(f"{result} → {folder / 'events.csv'}", highlight=False)
        return
    if not files:
        raise BilateralError("no documents given — name one or more text, Markdown or HTML files")
    frame = extract(files, load_case(case) if case else None, citation=source, when=_day(when))
    if frame.empty:
        console.print(f"no candidate events found in {', '.join(str(f) for f in files)}", highlight=False)
    if output is not None:
        write_review(frame, output)
        console.print(f"wrote {len(frame)} candidates to {output}: mark each row accept or reject in 'decision'",
                      highlight=False)
    elif not frame.empty:
        emit(frame, Format.table, columns=SHOWN, title="candidate events")
    if dataset is not None:
        with Store(store) as opened:
            console.print(str(ingest_candidates(frame, opened, dataset, ",".join(str(f) for f in files))),
                          highlight=False)
