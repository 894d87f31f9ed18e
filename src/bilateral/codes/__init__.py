"""Event and country codes: CAMEO with Goldstein weights, QuadClass and PLOVER; ISO3 countries."""

from bilateral.codes.cameo import CameoCode, cameo, cameo_table, goldstein, quad_class
from bilateral.codes.countries import to_iso3

__all__ = ["CameoCode", "cameo", "cameo_table", "goldstein", "quad_class", "to_iso3"]
