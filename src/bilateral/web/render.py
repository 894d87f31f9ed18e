"""Results → what the templates show: figures as CSP-safe JSON, tables as rows, files to download.

Nothing here computes a number: figures and tables come from :mod:`bilateral.analysis` results;
this module only serialises them.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    import pandas as pd

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028",
                 0x2029: "\\u2029"}


def safe_json(text: str) -> Markup:
    """JSON text that may sit inside ``<script type="application/json">`` (no ``</script>`` break-out)."""
    return Markup(text.translate(_JSON_ESCAPES))


def figure_json(fig: Any) -> str:
    """A plotly figure as JSON (plotly's own encoder: numpy arrays, dates)."""
    return fig.to_json()


def figures_json(figures: dict[str, Any]) -> dict[str, Markup]:
    """Each figure by id as script-safe JSON."""
    return {name: safe_json(figure_json(fig)) for name, fig in figures.items()}


def cell(value: Any) -> Any:
    """A table cell for a template: missing → "", floats rounded for reading, the rest as is."""
    import pandas as pd

    if value is None or (not isinstance(value, str | list | tuple | dict) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, pd.Period | pd.Timestamp):
        return str(value)[:10]
    return value


def rows(frame: pd.DataFrame, limit: int | None = None) -> tuple[list[str], list[list[Any]]]:
    """(columns, rows of cells) of a table, the index kept as a column when it is named or periodic."""
    frame = _flat(frame)
    if limit is not None:
        frame = frame.head(limit)
    columns = [str(c) for c in frame.columns]
    return columns, [[cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    if isinstance(frame.index, pd.PeriodIndex | pd.DatetimeIndex) or frame.index.name:
        frame = frame.reset_index()
    return frame


def download(frame: pd.DataFrame, fmt: str) -> tuple[bytes, str]:
    """A table as CSV, JSON or Parquet bytes, and its media type; JSON and Parquet (pandas'
    metadata, ``attrs``) carry the citations."""
    frame = _flat(frame)
    if fmt == "parquet":
        buffer = io.BytesIO()
        _parquet_safe(frame).to_parquet(buffer, index=False)
        return buffer.getvalue(), "application/vnd.apache.parquet"
    if fmt == "csv":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        return buffer.getvalue().encode(), "text/csv; charset=utf-8"
    records = json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))
    body = {"sources": list(frame.attrs.get("sources", [])), "columns": [str(c) for c in frame.columns],
            "rows": records}
    return json.dumps(body, ensure_ascii=False).encode(), "application/json"


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with object columns of mixed types (which Arrow cannot type) as text; periods as text."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.PeriodDtype):
            out[column] = values.astype(str)
        elif values.dtype == object and len({type(v) for v in values.dropna()}) > 1:
            out[column] = values.map(lambda v: v if v is None or (isinstance(v, float) and v != v) else str(v))
    out.columns = [str(c) for c in out.columns]
    out.attrs = {**frame.attrs, "sources": list(frame.attrs.get("sources", []))}
    return out


def mark_events(fig: Any, events: pd.DataFrame) -> Any:
    """``fig`` with the case's ``events`` (``day``, ``goldstein``, ``id``, ``summary``, ``source``,
    ``locator``) as markers along its top and dotted lines: green cooperative, red conflictual."""
    if events.empty:
        return fig
    fig.update_layout(shapes=[*fig.layout.shapes, *({"type": "line", "xref": "x", "yref": "y domain", "x0": day,
                                                     "x1": day, "y0": 0, "y1": 1, "layer": "below",
                                                     "line": {"dash": "dot", "width": 1, "color": "#b0b0b0"}}
                                                    for day in events["day"])])
    fig.add_scatter(x=events["day"], y=[1.02] * len(events), yaxis="y2", mode="markers", name="key events",
                    marker={"symbol": "triangle-down", "size": 9,
                            "color": ["#2ca02c" if g > 0 else "#d62728" for g in events["goldstein"]]},
                    customdata=events[["id", "summary", "source", "locator"]].to_numpy(),
                    hovertemplate="<b>%{customdata[0]}</b> %{x|%Y-%m-%d}<br>%{customdata[1]}<br>"
                                  "%{customdata[2]} %{customdata[3]}<extra></extra>")
    return fig.update_layout(yaxis2={"overlaying": "y", "range": [0, 1.05], "visible": False})
