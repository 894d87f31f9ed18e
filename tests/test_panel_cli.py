"""``bilateral panel`` and ``bilateral cite --panel`` through their Typer commands."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bilateral import BilateralError
from bilateral.cli import panel as panel_cli


@pytest.fixture
def app(shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    application = typer.Typer()
    application.command("panel")(panel_cli.panel)
    application.command("other")(lambda: None)  # keep "panel" a sub-command, as in the real app
    return application


def test_panel_as_csv(app):
    result = CliRunner().invoke(app, ["panel", "RUS", "JPN", "--add", "unga,trade", "--from", "1957",
                                      "--to", "1960", "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert frame["period"].tolist() == [1957, 1958, 1959, 1960]
    assert frame.loc[0, "unga.agreement"] == pytest.approx(12 / 34)
    assert frame.loc[3, "trade.total"] == 147.0
    assert "cite with: bilateral cite --panel unga,trade" in result.stderr


def test_panel_monthly_json_and_skipped_steps(app):
    result = CliRunner().invoke(app, ["panel", "RUS", "JPN", "--add", "opinion,trade", "--freq", "M",
                                      "--from", "2013-10", "--to", "2013-12", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["period"] for r in rows] == ["2013-10", "2013-11", "2013-12"]
    assert rows[1]["opinion.dislike_russia"] == 11.0
    assert "skipped trade: COW trade is annual" in result.stderr


def test_panel_parquet_keeps_column_metadata(app, tmp_path):
    out = tmp_path / "panel.parquet"
    result = CliRunner().invoke(app, ["panel", "RUS", "JPN", "--add", "mids", "--from", "1990", "--to",
                                      "1995", "-f", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert frame["mid.onsets"].sum() == 1
    assert frame.attrs["columns"]["mid.onsets"]["unit"] == "disputes"


def test_panel_table_and_errors(app):
    result = CliRunner().invoke(app, ["panel", "RUS", "JPN", "--add", "leaders", "--from", "2008",
                                      "--to", "2009"])
    assert result.exit_code == 0, result.output
    assert "Dmitry Medvedev" in result.stdout and "Taro Aso" in result.stdout
    bad = CliRunner().invoke(app, ["panel", "RUS", "JPN", "--add", "weather"])
    assert isinstance(bad.exception, BilateralError) and "unknown panel step" in str(bad.exception)


def test_cite_panel_prints_the_bibtex_of_the_steps():
    text = panel_cli.cite_text("unga,mids")
    keys = [line.split("{")[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert keys == ["bailey2017estimating", "miller2022peacesciencer", "palmer2022mid5", "robinson_unvotes",
                    "signorino1999tau", "voeten2009unvotes"]
    everything = panel_cli.cite_text("all")
    assert "@book{thompson2012rivalries," in everything and "@misc{jiji_poll," in everything
    with pytest.raises(BilateralError, match="unknown panel step"):
        panel_cli.cite_text("unga,weather")
