"""``bilateral serve``: the dashboard on 127.0.0.1 (another host only when asked, with a warning)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

LOOPBACK = "127.0.0.1"
#: Its own stderr console: ``cli.output``'s would load pandas before the server listens.
err_console = Console(stderr=True)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    case: Annotated[str, typer.Argument(help="Built-in case name or a case folder.")] = "russia-japan",
    host: Annotated[str, typer.Option(help="Address to bind; anything but loopback exposes the dashboard.")] = LOOPBACK,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    store: Annotated[Path | None, typer.Option(help="Event store (default $BILATERAL_HOME/store.duckdb).")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Default random seed.")] = 0,
    workers: Annotated[int, typer.Option(min=1, max=16, help="Threads for live simulations.")] = 2,
    queue: Annotated[int, typer.Option(min=0, max=256, help="Requests that may wait for a worker (then 429).")] = 8,
    timeout: Annotated[float, typer.Option(min=1, max=600, help="Per-request time limit in seconds.")] = 30.0,
) -> None:
    """Serve the dashboard: overview, relations, evidence, live negotiation, dynamics, case and data pages."""
    import uvicorn

    from bilateral.web import create_app

    if not is_loopback(host):
        err_console.print(f"[yellow]warning:[/yellow] binding {host}: the dashboard is reachable from other "
                          "machines; it has no authentication", highlight=False)
    app = create_app(case, store=store, seed=seed, workers=workers, queue=queue, timeout=timeout)
    err_console.print(f"bilateral dashboard on http://{host}:{port}/ (Ctrl-C stops it)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
