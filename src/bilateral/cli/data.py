"""``bilateral data …``: download the long-run datasets and the event archives; list what is present."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from bilateral.cli.output import Format, console, emit
from bilateral.data import catalog
from bilateral.data import pull as puller
from bilateral.data.archives import ARCHIVES, period, pull_archive
from bilateral.data.paths import ENV_VAR, data_dir
from bilateral.data.store import Store
from bilateral.errors import BilateralError

app = typer.Typer(help=f"Download the long-run datasets and the event archives into the data directory "
                       f"(${ENV_VAR}) and list what is there.", no_args_is_help=True)


@app.command()
def pull(
    names: Annotated[list[str] | None, typer.Argument(help="Datasets to get (all long-run datasets when none): "
                                                      + ", ".join(catalog.datasets()) + "; or event archives: "
                                                      + ", ".join(ARCHIVES))] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="A mirror with the data directory's layout "
                                                 "(long-run datasets), or the archive's address (a Dataverse, "
                                                 "GDELT's host), instead of the original.")] = None,
    years: Annotated[str | None, typer.Option("--years", help="Event archives: years to pull, FIRST:LAST or "
                                              "one year.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Event archives: first day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Event archives: last day (default --from).")] = None,
    into_store: Annotated[bool, typer.Option("--into-store", help="Event archives: ingest each verified file "
                                             "into the event store.")] = False,
    delete_raw: Annotated[bool, typer.Option("--delete-raw", help="With --into-store: delete each raw file "
                                             "once it is in the store.")] = False,
    store: Annotated[Path | None, typer.Option("--store", help="Store file for --into-store (default "
                                               "$BILATERAL_HOME/store.duckdb).")] = None,
) -> None:
    """Download datasets or event archives with progress, checksums and resume of interrupted files.

    Event archives (icews, icews-daily, gdelt1, gdelt2, polecat) take a period: --years 2018:2019
    or --from 2018-10-01 --to 2018-10-31.
    """
    names = names or []
    unknown = [n for n in names if n not in ARCHIVES and n not in catalog.datasets()]
    if unknown:
        raise BilateralError(f"unknown dataset {unknown[0]!r} — known datasets: {', '.join(catalog.datasets())}; "
                             f"event archives: {', '.join(ARCHIVES)}")
    events = [n for n in names if n in ARCHIVES]
    if events and len(events) < len(names):
        raise BilateralError("pull event archives and long-run datasets in separate commands, e.g. "
                             f"`bilateral data pull {events[0]} --years 2018:2019`")
    if not events:
        if years or start or end or into_store or delete_raw or store:
            raise BilateralError("--years, --from, --to, --into-store, --delete-raw and --store are for the event "
                                 f"archives ({', '.join(ARCHIVES)}), not the long-run datasets")
        results = puller.pull(names or None, base_url=base_url)
        counts = Counter(r.status for r in results)
        size = sum(r.bytes for r in results)
        console.print(f"{len(results)} files in {data_dir()}: {counts['downloaded']} downloaded, "
                      f"{counts['resumed']} resumed, {counts['present']} already present and verified "
                      f"({size / 1e6:.1f} MB fetched)")
        return
    if store and not into_store:
        raise BilateralError("--store names the store for --into-store — add --into-store")
    when = period(years, start, end)
    with Store(store) if into_store else nullcontext() as db:
        for name in events:
            console.print(str(pull_archive(name, when, base=base_url, store=db, delete_raw=delete_raw)))
        if db is not None:
            console.print(f"store: {db.path}", style="dim")


@app.command()
def status(
    verify: Annotated[bool, typer.Option("--verify", help="Recompute every file's sha256.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """List each dataset: files present, size, state, version and licence."""
    frame = catalog.status(verify=verify)
    emit(frame, fmt, output, title=f"datasets in {frame.attrs['root']}")
    missing = frame.loc[frame["state"] != "complete", "dataset"].tolist()
    if missing and fmt is Format.table:
        console.print(f"get the rest with: bilateral data pull {' '.join(missing)}", style="dim")
