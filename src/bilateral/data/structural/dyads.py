"""Pick one pair of states out of a dyadic table, oriented so that side 1 is the first state."""

from __future__ import annotations

import pandas as pd


def orient(frame: pd.DataFrame, a: str, b: str, keys: list[str], sided: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of ``frame`` for the pair (a, b) in either order, with side 1 = ``a``.

    ``frame`` has ``iso3_1``/``iso3_2`` and ``ccode1``/``ccode2``; ``sided`` names the stems of
    other per-side column pairs (``"flow"`` for ``flow1``/``flow2``). Rows stored as (b, a) get
    each pair swapped. Directed files hold both orders: then the (a, b) row wins over the swapped
    (b, a) row for the same ``keys`` (e.g. year, dispute number).
    """
    stems = ("iso3_", "ccode", *sided)
    pairs = {s + "1": s + "2" for s in stems if s + "1" in frame.columns}
    swap = {**pairs, **{v: k for k, v in pairs.items()}}
    forward = frame[(frame["iso3_1"] == a) & (frame["iso3_2"] == b)]
    backward = frame[(frame["iso3_1"] == b) & (frame["iso3_2"] == a)].rename(columns=swap)
    both = pd.concat([forward, backward[forward.columns]], ignore_index=True)
    return both.drop_duplicates(keys, keep="first").sort_values(keys).reset_index(drop=True)


def with_iso3(frame: pd.DataFrame, to_iso3, left: str = "ccode1", right: str = "ccode2") -> pd.DataFrame:
    """Add ``iso3_1``/``iso3_2`` (categoricals, fast to filter) from two code columns with
    ``to_iso3`` (a list → list mapper)."""
    codes = pd.unique(pd.concat([frame[left], frame[right]]).dropna())
    table = dict(zip(codes, to_iso3(codes), strict=True))
    categories = sorted({v for v in table.values() if v})
    for position, (name, source) in enumerate((("iso3_1", left), ("iso3_2", right))):
        frame.insert(position, name, pd.Categorical(frame[source].map(table), categories=categories))
    return frame
