import csv

import pytest

from bilateral import BilateralError, cameo, goldstein, quad_class, to_iso3
from bilateral.codes import SUCCESSORS, cameo_table, iso3_codes, plover_to_cameo


def test_goldstein_weights_match_gdelt_table(shared):
    path = shared / "data/codes/cameo_goldstein.tsv"
    published = {r["CAMEOEVENTCODE"]: float(r["GOLDSTEINSCALE"])
                 for r in csv.DictReader(path.open(), delimiter="\t")}
    table = cameo_table()
    assert len(published) == 311
    for code, weight in published.items():
        assert table.loc[code, "goldstein"] == pytest.approx(weight), code


def test_codes_and_names_match_cameo_codebook(shared):
    path = shared / "data/codes/cameo-codes.csv"
    codebook = {r["code"]: r for r in csv.DictReader(path.open(encoding="latin-1"))}
    table = cameo_table()
    assert set(table.index) == set(codebook)
    for code, row in codebook.items():
        assert table.loc[code, "name"] == row["name"].strip()
        assert table.loc[code, "root"] == row["root_code"]


def test_code_lookups():
    assert goldstein("036") == 4.0
    assert goldstein("190") == -10.0
    assert goldstein("1213") == cameo("1213").goldstein
    assert [quad_class(c) for c in ("042", "057", "061", "111", "138", "163", "190")] == \
        [1, 1, 2, 3, 3, 4, 4]
    assert cameo("057").plover == "SUPPORT"
    assert cameo("036").plover == "AGREE"
    assert cameo("190").plover == "ASSAULT"
    with pytest.raises(BilateralError, match="unknown CAMEO code '999'"):
        cameo("999")


def test_countries_to_iso3():
    assert to_iso3("Japan") == "JPN"
    assert to_iso3("RU") == "RUS"
    assert to_iso3("USSR") == "RUS"
    assert to_iso3(740) == "JPN"
    assert to_iso3("South Korea") == "KOR"
    with pytest.raises(BilateralError, match="unknown country 'Atlantis'"):
        to_iso3("Atlantis")


def test_code_rules_live_in_codes():
    top = plover_to_cameo()
    assert top["CONSULT"] == "04" and top["AGREE"] == "03" and top["CONCEDE"] == "080"
    table = cameo_table()
    for plover, code in top.items():  # the code at the top of its type: no shorter code has that type
        assert table.loc[code, "plover"] == plover
        assert not any(len(c) < len(code) for c in table.index[table["plover"] == plover])
    assert SUCCESSORS["SUN"] == "RUS" and to_iso3("sun") == "RUS"
    codes = iso3_codes()
    assert {"RUS", "JPN", "CHN", "USA", "KOR", "PRK"} <= set(codes) and "SUN" not in codes
    assert list(codes) == sorted(codes)
