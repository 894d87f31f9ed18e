"""Event and country codes: CAMEO with Goldstein weights, QuadClass and PLOVER; ISO3 countries."""

from bilateral.codes.cameo import CameoCode, cameo, cameo_table, goldstein, plover_to_cameo, quad_class
from bilateral.codes.countries import SUCCESSORS, iso3_codes, to_iso3

__all__ = ["SUCCESSORS", "CameoCode", "cameo", "cameo_table", "goldstein", "iso3_codes", "plover_to_cameo",
           "quad_class", "to_iso3"]
