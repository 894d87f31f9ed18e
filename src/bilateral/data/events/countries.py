"""Country fields of event files → ISO3, as a vectorised DuckDB function.

Event files name countries either by CAMEO actor country code (GDELT, Phoenix, POLECAT) or by
English name (ICEWS). Each distinct value of a batch is converted once (cached across batches):

- ``bilateral_iso3_name(text)``: country_converter's name matching; empty → NULL; a name that is
  not a country → ``'?'`` (the row is quarantined).
- ``bilateral_iso3_code(text)``: an ISO3 code stays; any other three-letter code is a CAMEO
  regional or non-state actor (``AFR``, ``EUR``, ``SEA`` …) → NULL, stored as a non-state actor;
  anything that is not three letters → ``'?'``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from bilateral.codes import to_iso3
from bilateral.errors import BilateralError

UNKNOWN = "?"


@cache
def _from_name(value: str) -> str | None:
    try:
        return to_iso3(value)
    except BilateralError:
        return UNKNOWN


@cache
def _from_code(value: str) -> str | None:
    if len(value) != 3 or not value.isalpha():
        return UNKNOWN
    try:
        return to_iso3(value.upper(), "ISO3")
    except BilateralError:
        return None


def _vectorised(convert: Callable[[str], str | None]) -> Callable[[pa.Array], pa.Array]:
    def apply(values: pa.Array) -> pa.Array:
        encoded = pc.dictionary_encode(values)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        distinct = encoded.dictionary.to_pylist()
        mapped = pa.array([convert(v.strip()) if v and v.strip() else None for v in distinct], pa.string())
        return pc.take(mapped, encoded.indices)

    return apply


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``bilateral_iso3_name`` and ``bilateral_iso3_code`` available on a connection."""
    text = duckdb.sqltype("VARCHAR")
    for name, convert in (("bilateral_iso3_name", _from_name), ("bilateral_iso3_code", _from_code)):
        con.create_function(name, _vectorised(convert), [text], text, type="arrow",
                            null_handling="special", side_effects=False)
