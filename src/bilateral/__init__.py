"""bilateral — measure, explain and simulate the relations between two states.

Notebook use::

    import bilateral
    case = bilateral.load_case("russia-japan")
    case.table("events")
    a = bilateral.Analysis(case, rng=1)              # every part computed once, on first use
    a.evidence.table()                               # one verdict per claim
    bilateral.write_report(a, "report/")

    store = bilateral.Store()                        # $BILATERAL_HOME/store.duckdb
    store.ingest("20190122-icews-events.tab.gz")     # any supported event file
    bilateral.index("RUS", "JPN", freq="month")      # pandas DataFrame, citations in .attrs

    a.negotiation.plot("distribution")               # the report's figures, as plotly figures
    bilateral.plot_index(bilateral.index("RUS", "JPN"))
    bilateral.export(a.evidence.table(), "evidence.dta")  # csv, json, parquet, dta, rds, feather
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name → (module, attribute; None for the module itself). Imported on first use (PEP 562),
#: so that the command line starts without loading every library the notebook API can reach.
_EXPORTS: dict[str, tuple[str, str | None]] = {
    "Analysis": ("bilateral.analysis", "Analysis"),
    "analysis": ("bilateral.analysis", None),
    "explain": ("bilateral.explain", None),
    "simulate": ("bilateral.simulate", None),
    "Case": ("bilateral.case", "Case"),
    "builtin_cases": ("bilateral.case", "builtin_cases"),
    "load_case": ("bilateral.case", "load_case"),
    "validate_case": ("bilateral.case", "validate_case"),
    "cameo": ("bilateral.codes", "cameo"),
    "goldstein": ("bilateral.codes", "goldstein"),
    "quad_class": ("bilateral.codes", "quad_class"),
    "to_iso3": ("bilateral.codes", "to_iso3"),
    "Store": ("bilateral.data.store", "Store"),
    "ingest_found": ("bilateral.data.events.found", "ingest_found"),
    "pull_archive": ("bilateral.data.archives", "pull_archive"),
    "BilateralError": ("bilateral.errors", "BilateralError"),
    "CaseError": ("bilateral.errors", "CaseError"),
    "Problem": ("bilateral.errors", "Problem"),
    "dyad_index": ("bilateral.measure.index", "dyad_index"),
    "index": ("bilateral.measure.index", "relations_index"),
    "LatentIndex": ("bilateral.measure.latent", "LatentIndex"),
    "dyadyears": ("bilateral.measure.dyadyears", "dyadyears"),
    "stateyears": ("bilateral.measure.dyadyears", "stateyears"),
    "leaderyears": ("bilateral.measure.dyadyears", "leaderyears"),
    "panels": ("bilateral.measure.panel", "panels"),
    "relation_index": ("bilateral.measure.latent", "relation_index"),
    "Panel": ("bilateral.measure.panel", "Panel"),
    "panel": ("bilateral.measure.panel", "panel"),
    "write_report": ("bilateral.report", "write_report"),
    "export": ("bilateral.exports", "export"),
    "plot_index": ("bilateral.plot", "plot_index"),
    "plot_latent": ("bilateral.plot", "plot_latent"),
    "plot_series": ("bilateral.plot", "plot_series"),
    "plot_simulation": ("bilateral.plot", "plot_simulation"),
    "plot_timeline": ("bilateral.plot", "plot_timeline"),
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bilateral' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = importlib.import_module(module)
    value = value if attribute is None else getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Analysis",
    "BilateralError",
    "Case",
    "CaseError",
    "LatentIndex",
    "Panel",
    "Problem",
    "Store",
    "analysis",
    "builtin_cases",
    "cameo",
    "dyad_index",
    "dyadyears",
    "explain",
    "export",
    "goldstein",
    "index",
    "ingest_found",
    "leaderyears",
    "load_case",
    "panel",
    "panels",
    "plot_index",
    "plot_latent",
    "plot_series",
    "plot_simulation",
    "plot_timeline",
    "pull_archive",
    "quad_class",
    "relation_index",
    "simulate",
    "stateyears",
    "to_iso3",
    "validate_case",
    "write_report",
]
