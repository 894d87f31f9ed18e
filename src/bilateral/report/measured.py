"""The report's "Measured relations" section: the dyad's monthly index from the event store."""

from __future__ import annotations

from pathlib import Path

from bilateral.case import Case
from bilateral.data.events.citations import BIBTEX
from bilateral.data.store import Store, default_path
from bilateral.errors import BilateralError
from bilateral.measure.index import dyad_index
from bilateral.report.figures import measured_figure


def measured_section(case: Case, store: str | Path | None = None) -> dict:
    """Figure and summary of the measured index, or the reason there is none."""
    path = Path(store) if store else default_path()
    a, b = case.dyad
    if not path.exists():
        return {"available": False, "reason": f"no event store at {path} — ingest event data with "
                                              f"`bilateral events ingest FILE…` to add this section"}
    try:
        with Store(path, read_only=True) as db:
            table = dyad_index(db.table(), a, b, freq="month")
    except BilateralError as err:
        return {"available": False, "reason": str(err)}
    active = table[~table["no_events"]]
    peak = active["count"].idxmax()
    return {
        "available": True,
        "figure": measured_figure(table, case).to_html(full_html=False, include_plotlyjs=False,
                                                      div_id="measured", config={"responsive": True}),
        "events": int(table["count"].sum()),
        "first": str(table.index[0]), "last": str(table.index[-1]),
        "months": len(table), "empty_months": int(table["no_events"].sum()),
        "peak": str(peak), "peak_count": int(active.loc[peak, "count"]),
        "mean_norm": float(active["net_cooperation_norm"].mean()),
        "sources": table.attrs["sources"],
        "bibtex": [BIBTEX[key] for key in table.attrs["sources"] if key in BIBTEX],
    }
