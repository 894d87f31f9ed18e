"""The CAMEO event-code table shipped with the package (``cameo.tsv``).

Columns: ``code`` (string, leading zero kept), ``root`` (two-digit root), ``name`` (from the CAMEO
codebook, Schrodt et al.), ``goldstein`` (Goldstein 1992 weight, −10…+10, as in GDELT's
``CAMEO.goldsteinscale.txt``; code 1213, missing there, takes the codebook's value), ``quad_class``
(1 verbal cooperation, roots 01–05; 2 material cooperation, 06–08; 3 verbal conflict, 09–13;
4 material conflict, 14–20) and ``plover`` (the PLOVER event type of the 2021 CAMEO→PLOVER table,
looked up by code, then 3-digit code, then root; empty where PLOVER has no equivalent).

The other way, :func:`plover_to_cameo` gives each PLOVER type the CAMEO code at the top of that
type (the shortest code, the lowest among equals): an approximation, PLOVER being coarser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pandas as pd

from bilateral.errors import BilateralError


@dataclass(frozen=True)
class CameoCode:
    code: str
    root: str
    name: str
    goldstein: float
    quad_class: int
    plover: str


@cache
def cameo_table() -> pd.DataFrame:
    """The whole CAMEO table, indexed by code."""
    path = files("bilateral.codes").joinpath("cameo.tsv")
    with path.open(encoding="utf-8") as handle:
        table = pd.read_csv(handle, sep="\t", dtype={"code": str, "root": str, "plover": str})
    table["plover"] = table["plover"].fillna("")
    return table.set_index("code", drop=False)


@cache
def plover_to_cameo() -> dict[str, str]:
    """PLOVER event type → the CAMEO code at the top of that type (e.g. ``CONSULT`` → ``04``)."""
    table = cameo_table().reset_index(drop=True)
    typed = table[table["plover"] != ""].assign(width=table["code"].str.len())
    top = typed.sort_values(["width", "code"]).drop_duplicates("plover")
    return dict(zip(top["plover"], top["code"], strict=True))


def cameo(code: str) -> CameoCode:
    """Look up one CAMEO code; raises :class:`BilateralError` for an unknown code."""
    table = cameo_table()
    if code not in table.index:
        raise BilateralError(
            f"unknown CAMEO code {code!r} — use a code of the CAMEO codebook, written as text "
            "with its leading zero (e.g. '036', '0311')"
        )
    row = table.loc[code]
    return CameoCode(
        code=code,
        root=row["root"],
        name=row["name"],
        goldstein=float(row["goldstein"]),
        quad_class=int(row["quad_class"]),
        plover=row["plover"],
    )


def goldstein(code: str) -> float:
    """Goldstein (1992) weight of a CAMEO code."""
    return cameo(code).goldstein


def quad_class(code: str) -> int:
    """QuadClass (1–4) of a CAMEO code, from its root."""
    return cameo(code).quad_class
