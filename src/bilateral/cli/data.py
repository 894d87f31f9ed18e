"""``bilateral data …``: download the long-run datasets and list what is present."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from bilateral.cli.output import Format, console, emit
from bilateral.data import catalog
from bilateral.data import pull as puller
from bilateral.data.paths import ENV_VAR, data_dir

app = typer.Typer(help=f"Download the long-run datasets into the data directory (${ENV_VAR}) and "
                       "list what is there.", no_args_is_help=True)


@app.command()
def pull(
    names: Annotated[list[str] | None, typer.Argument(help="Datasets to get (all when none): "
                                                      + ", ".join(catalog.datasets()))] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="A mirror with the data directory's "
                                                 "layout, instead of the original URLs.")] = None,
) -> None:
    """Download datasets with progress, sha256 checks and resume of interrupted files."""
    results = puller.pull(names or None, base_url=base_url)
    counts = Counter(r.status for r in results)
    size = sum(r.bytes for r in results)
    console.print(f"{len(results)} files in {data_dir()}: {counts['downloaded']} downloaded, "
                  f"{counts['resumed']} resumed, {counts['present']} already present and verified "
                  f"({size / 1e6:.1f} MB fetched)")


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
