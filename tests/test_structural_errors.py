"""Missing and malformed dataset files give a BilateralError that names the file and the fix."""

from __future__ import annotations

import io
import shutil
import zipfile

import numpy as np
import pandas as pd
import pyreadr
import pytest

from bilateral import BilateralError
from bilateral.data import structural as s
from bilateral.data.paths import MissingDataError
from bilateral.data.structural.gdelt_graph import read_matrix
from bilateral.measure.panel import STEPS, panel


def test_missing_dataset_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    with pytest.raises(MissingDataError) as err:
        s.read_un_votes()
    message = str(err.value)
    assert "unvotes/un_votes.rda" in message and str(tmp_path) in message
    assert "bilateral data pull unvotes" in message and "BILATERAL_DATA" in message
    with pytest.raises(MissingDataError, match="bilateral data pull opinion"):
        s.read_jiji_polls()
    with pytest.raises(MissingDataError, match="bilateral data pull gdelt-graph"):
        s.read_gdelt_graph([("RUS", "JPN")])


def test_panel_skips_missing_data_but_explicit_steps_raise(tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    built = panel("RUS", "JPN", start=1990, end=1995, case=None).add(all)
    skipped = built.attrs["skipped"]
    assert {"leaders", "unga", "trade", "trade_monthly", "mids", "alliances", "rivalry", "igo", "capabilities",
            "opinion", "gdelt_graph", "triads"} <= set(skipped) == set(STEPS)  # every step, none built
    assert all("bilateral data pull" in reason or "describes" in reason for reason in skipped.values())
    assert "bilateral data pull unvotes" in built.attrs["skipped"]["unga"]
    assert list(built.columns) == []
    with pytest.raises(MissingDataError, match="bilateral data pull peacesciencer"):
        panel("RUS", "JPN", start=1990, end=1995).add_trade()


def test_unga_without_the_ideal_point_file(shared, tmp_path, monkeypatch):
    (tmp_path / "unvotes").symlink_to(shared / "data/unvotes")
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    built = panel("RUS", "JPN", start=1957, end=1958, case=None).add_unga()
    assert built.loc["1957", "unga.agreement"] == pytest.approx(12 / 34)
    assert "unga.ideal_distance" not in built.columns
    assert "bilateral data pull unga" in built.attrs["skipped"]["unga.ideal_distance"]


def test_rda_with_wrong_columns_names_file_and_columns(tmp_path):
    path = tmp_path / "cow_trade_ndy.rda"
    pyreadr.write_rdata(str(path), pd.DataFrame({"ccode1": [2.0], "ccode2": [20.0], "year": [1990.0]}),
                        df_name="cow_trade_ndy")
    with pytest.raises(BilateralError) as err:
        s.read_cow_trade(path)
    assert str(path) in str(err.value) and "flow1" in str(err.value) and "lacks column" in str(err.value)


def test_rda_with_wrong_object_and_garbage(tmp_path):
    path = tmp_path / "archigos.rda"
    pyreadr.write_rdata(str(path), pd.DataFrame({"x": [1]}), df_name="leaders")
    with pytest.raises(BilateralError, match=r"no object 'archigos' in this R data file \(found: leaders\)"):
        s.read_archigos(path)
    garbage = tmp_path / "un_votes.rda"
    garbage.write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(BilateralError, match="not a readable R data file"):
        s.read_un_votes(garbage)


def test_csv_with_bad_values_points_at_the_line(shared, tmp_path):
    source = shared / "data/opinion/jijidata_simple_8711to1503.csv"
    lines = source.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("dislikestate_ussr_rus")] = "lots"
    bad = tmp_path / "jiji.csv"
    bad.write_text("\n".join([lines[0], lines[1], lines[2], ",".join(cells)]) + "\n")
    with pytest.raises(BilateralError, match=r"jiji\.csv:4: dislikestate_ussr_rus: 'lots' is not a number"):
        s.read_jiji_country_opinion(bad)
    no_column = tmp_path / "trade.csv"
    no_column.write_text("ymonth,us_export\n198711,1\n")
    with pytest.raises(BilateralError, match=r"trade\.csv: the header lacks column\(s\) us_import"):
        s.read_japan_monthly_trade(no_column)


def test_gdelt_matrix_problems(shared, tmp_path):
    good = next((shared / "data/gdelt-graph/networks").glob("*.zip"))
    assert read_matrix(good, 249).shape == (249, 249)
    with pytest.raises(BilateralError, match=r"matrix is \(249, 249\), expected \(250, 250\)"):
        read_matrix(good, 250)
    small = tmp_path / "20190101_network.zip"
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((3, 3)))
    with zipfile.ZipFile(small, "w") as archive:
        archive.writestr("20190101_network.npy", buffer.getvalue())
    with pytest.raises(BilateralError, match="expected \\(249, 249\\)"):
        read_matrix(small, 249)
    broken = tmp_path / "20190102_network.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(BilateralError, match="not a zipped numpy matrix"):
        read_matrix(broken, 249)


def test_gdelt_unknown_country(shared, tmp_path, monkeypatch):
    root = tmp_path / "data"
    (root / "gdelt-graph/networks").mkdir(parents=True)
    shutil.copy(shared / "data/gdelt-graph/country_codes_clean.csv", root / "gdelt-graph")
    monkeypatch.setenv("BILATERAL_DATA", str(root))
    with pytest.raises(BilateralError, match="no GDELT network row for XXX"):
        s.read_gdelt_graph([("RUS", "XXX")])
    assert s.read_gdelt_graph([("RUS", "JPN")]).empty  # no daily files: no rows, not zeros
