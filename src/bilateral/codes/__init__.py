"""Event and country codes: CAMEO with Goldstein weights, QuadClass and PLOVER; ISO3 countries."""

from bilateral.codes.cameo import CameoCode, cameo, cameo_table, goldstein, plover_to_cameo, quad_class
from bilateral.codes.countries import (
    CAMEO_COUNTRIES,
    CAMEO_REGIONS,
    SUCCESSORS,
    iso3_codes,
    name_to_iso3,
    to_iso3,
)

__all__ = ["CAMEO_COUNTRIES", "CAMEO_REGIONS", "SUCCESSORS", "CameoCode", "cameo", "cameo_table", "goldstein",
           "iso3_codes", "name_to_iso3", "plover_to_cameo", "quad_class", "to_iso3"]
