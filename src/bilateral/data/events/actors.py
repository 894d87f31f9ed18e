"""Actor country fields of event files → ISO3.

Event files name countries either by CAMEO actor country code (GDELT, Phoenix, POLECAT) or by
English name (ICEWS):

- codes are checked in SQL (:func:`bilateral.data.events.sql.country`) against
  :func:`bilateral.codes.iso3_codes`, after :data:`bilateral.codes.SUCCESSORS` (SUN → RUS) and
  :data:`bilateral.codes.CAMEO_COUNTRIES` (ROM → ROU …): an ISO3 code stays; a CAMEO regional code
  (:data:`bilateral.codes.CAMEO_REGIONS`: ``AFR``, ``EUR``, ``SEA`` …) is stored with no country;
  anything else (``JPX``) is not a country and the row is quarantined;
- names go through ``bilateral_iso3_name(text)``, a vectorised DuckDB function that matches each
  distinct name of a batch once, exactly (:func:`bilateral.codes.name_to_iso3`): empty → NULL, not
  a country → ``'?'``.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from bilateral.codes import name_to_iso3

UNKNOWN = "?"


@cache
def _from_name(value: str) -> str:
    return name_to_iso3(value) or UNKNOWN


def _names_to_iso3(values: pa.Array) -> pa.Array:
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    distinct = encoded.dictionary.to_pylist()
    mapped = pa.array([_from_name(v.strip()) if v and v.strip() else None for v in distinct], pa.string())
    return pc.take(mapped, encoded.indices)


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``bilateral_iso3_name(text)`` available on a connection."""
    text = duckdb.sqltype("VARCHAR")
    con.create_function("bilateral_iso3_name", _names_to_iso3, [text], text, type="arrow",
                        null_handling="special", side_effects=False)

