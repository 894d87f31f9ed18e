"""The latent relation index: recovery on simulated data, an exact oracle, errors, and RUS–JPN."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError, Store
from bilateral.measure import latent
from bilateral.measure.index import dyad_index
from bilateral.measure.latent import LatentIndex, fit_series, relation_index
from bilateral.measure.panel import panel

# -- simulated data ----------------------------------------------------------------------------


def simulate(rng: np.random.Generator, months: int = 240, phi: float = 0.95) -> tuple[pd.DataFrame, dict, np.ndarray]:
    """Four series of a monthly AR(1) latent with unit variance: ``a`` with counts (noise ∝ 1/count),
    ``b`` with a 6-year hole, ``c`` annual (the year's mean, in December), ``d`` negative and
    40 % missing at random — the shapes of the real series (votes, polls, COW, GDELT)."""
    x = np.empty(months)
    x[0] = rng.normal()
    for t in range(1, months):
        x[t] = phi * x[t - 1] + rng.normal(scale=np.sqrt(1 - phi ** 2))
    index = pd.period_range("1990-01", periods=months, freq="M")
    counts = rng.integers(1, 30, size=months).astype(float)
    a = 0.5 + 0.2 * x + rng.normal(size=months) * 0.1 * np.sqrt(10 / counts)
    b = 30 - 8 * x + rng.normal(size=months) * 4
    b[60:132] = np.nan
    yearly = pd.Series(x, index=index).groupby(index.year).transform("mean").to_numpy()
    c = np.where(index.month == 12, 2.0 + 0.6 * yearly + rng.normal(size=months) * 0.2, np.nan)
    d = -3.0 * x + rng.normal(size=months) * 2
    d[rng.random(months) < 0.4] = np.nan
    frame = pd.DataFrame({"a": a, "b": b, "c": c, "d": d}, index=index)
    return frame, {"a": pd.Series(counts, index=index)}, x


def test_recovers_the_simulated_latent_path_with_calibrated_bands():
    rng = np.random.default_rng(20261201)
    inside, errors, loadings = [], [], []
    for _ in range(12):
        frame, weights, x = simulate(rng)
        fit = fit_series(frame, "M", annual=["c"], weights=weights)
        # the index is the latent standardised over the sample; loadings are per sample sd
        z = (x - x.mean()) / x.std()
        inside.append((fit.low.to_numpy() <= z) & (z <= fit.high.to_numpy()))
        errors.append(fit.mean.to_numpy() - z)
        truth = pd.Series({"a": 0.2, "b": -8.0, "c": 0.6, "d": -3.0}) * x.std()
        loadings.append(fit.loadings.set_index("series")["loading"] / truth)
    coverage = np.concatenate(inside).mean()
    assert 0.85 <= coverage <= 0.95, coverage  # 0.896 with this seed (2,880 months)
    assert np.sqrt(np.mean(np.concatenate(errors) ** 2)) < 0.3  # the bands' sd is 0.25 on average
    ratio = pd.concat(loadings, axis=1).mean(axis=1)  # estimated / true loading, every sign right
    assert ratio.between(0.85, 1.15).all(), ratio


def _dense_posterior(params: np.ndarray, y: np.ndarray, annual: np.ndarray, weights: np.ndarray):
    """The exact Gaussian posterior of x given y by dense linear algebra (no Kalman filter)."""
    k = y.shape[1]
    phi, c, lam, sd = params[0], params[1:1 + k], params[1 + k:1 + 2 * k], np.exp(params[1 + 2 * k:])
    n = len(y)
    lags = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    prior = phi ** lags  # stationary AR(1), unit variance
    rows, obs, noise = [], [], []
    for t in range(n):
        for i in range(k):
            if np.isnan(y[t, i]):
                continue
            h = np.zeros(n)
            if annual[i]:
                h[t - 11:t + 1] = lam[i] / 12
            else:
                h[t] = lam[i]
            rows.append(h)
            obs.append(y[t, i] - c[i])
            noise.append(sd[i] ** 2 / weights[t, i])
    h = np.array(rows)
    gain = prior @ h.T @ np.linalg.inv(h @ prior @ h.T + np.diag(noise))
    mean = gain @ np.array(obs)
    cov = prior - gain @ h @ prior
    return mean, np.sqrt(np.diag(cov))


def test_smoother_with_annual_means_matches_the_dense_posterior():
    rng = np.random.default_rng(3)
    n = 36
    y = rng.normal(size=(n, 3))
    y[5:14, 0] = np.nan
    y[:, 2] = np.where(np.arange(n) % 12 == 11, y[:, 2], np.nan)
    weights = np.ones_like(y)
    weights[:, 1] = rng.uniform(0.3, 3, n)
    annual = np.array([False, False, True])
    model = latent._FactorModel(y, annual=annual, weights=weights, january=np.arange(n) % 12 == 0)
    params = np.r_[0.8, 0.1, -0.2, 0.3, 0.7, -0.5, 0.9, np.log([0.6, 0.8, 0.4])]
    fit = model.smooth(params, cov_type="none")
    mean, sd = _dense_posterior(params, y, annual, weights)
    np.testing.assert_allclose(fit.smoothed_state[0], mean, atol=1e-9)
    np.testing.assert_allclose(np.sqrt(fit.smoothed_state_cov[0, 0]), sd, atol=1e-9)
    # the score is the gradient of the log-likelihood (central differences)
    llf, grad = model.score_at(params)
    step = 1e-6
    numeric = [(model.loglike(params + e) - model.loglike(params - e)) / (2 * step)
               for e in np.eye(len(params)) * step]
    assert llf == pytest.approx(model.loglike(params))
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-5)


def test_sign_follows_the_anchor_series_and_the_scale_is_the_models():
    frame, weights, x = simulate(np.random.default_rng(5))
    up = fit_series(frame.rename(columns={"a": "unga.agreement"}), "M", annual=["c"],
                    weights={"unga.agreement": weights["a"]})
    flipped = frame.assign(a=-frame["a"]).rename(columns={"a": "unga.agreement"})
    down = fit_series(flipped, "M", annual=["c"], weights={"unga.agreement": weights["a"]})
    assert np.corrcoef(up.mean, x)[0, 1] > 0.9
    np.testing.assert_allclose(down.mean, -up.mean, atol=1e-3)  # the anchor's direction is "better"
    assert down.loadings.set_index("series").loc["unga.agreement", "loading"] > 0
    assert up.fit.params[0] == pytest.approx(0.95, abs=0.04)  # simulated φ
    assert abs(up.mean.mean()) < 1 and 0.5 < up.mean.std() < 1.3  # unit-variance latent


def test_draws_and_best_periods_come_from_the_simulation_smoother(tmp_path):
    frame, weights, _ = simulate(np.random.default_rng(11), months=120)
    fit = fit_series(frame, "M", annual=["c"], weights=weights)
    draws = fit.draws(400, rng=1)
    assert draws.shape == (120, 400)
    assert ((draws.mean(axis=1) - fit.mean) / fit.sd).abs().max() < 0.3
    assert (draws.std(axis=1) / fit.sd).between(0.8, 1.2).all()
    np.testing.assert_array_equal(fit.draws(5, rng=7), fit.draws(5, rng=7))
    with pytest.raises(BilateralError, match="positive whole number"):
        fit.draws(0)
    with pytest.raises(BilateralError, match="best_periods needs a case"):
        fit.best_periods()


# -- inputs and errors -------------------------------------------------------------------------


def test_mistakes_name_the_argument_and_the_fix():
    frame, _, _ = simulate(np.random.default_rng(1), months=48)
    with pytest.raises(BilateralError, match="PeriodIndex"):
        fit_series(frame.reset_index(drop=True), "M")
    with pytest.raises(BilateralError, match="annual/weights/directions name zz"):
        fit_series(frame, "M", annual=["zz"])
    with pytest.raises(BilateralError, match="freq"):
        fit_series(frame, "W")
    with pytest.raises(BilateralError, match="end 1989-12 is before start"):
        fit_series(frame, "M", start="1995-01", end="1989-12")


def _event_table(dataset: str, months: int, rng: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range("2018-01-01", periods=months * 30, freq="D")
    rows = pd.DataFrame({"date": days.date, "source_iso3": "RUS", "target_iso3": "JPN",
                         "cameo": "036", "goldstein": rng.choice([-5.0, 4.0], size=len(days)),
                         "quad_class": 1, "mentions": 1, "dataset": dataset})
    return dyad_index(ibis.memtable(rows), "RUS", "JPN", freq="M")


def _small_panels(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Yearly and monthly RUS–JPN panels of 2018–2019 with made-up UN votes and polls."""
    y = panel("RUS", "JPN", freq="Y", start=2015, end=2019, case=None)
    y["unga.agreement"] = [0.5, 0.55, 0.6, 0.5, 0.45]
    y["unga.votes"] = 80.0
    m = panel("RUS", "JPN", freq="M", start="2018-01", end="2019-12", case=None)
    m["unga.agreement"] = np.where(m.index.month == 12, rng.uniform(0.4, 0.7, len(m)), np.nan)
    m["unga.votes"] = 60.0
    m["opinion.dislike_russia"] = 20 + rng.normal(size=len(m))
    return y, m


def test_each_event_dataset_gets_its_own_intercept_and_loading():
    rng = np.random.default_rng(2)
    y, m = _small_panels(rng)
    tables = {"icews": _event_table("icews", 24, rng), "gdelt": _event_table("gdelt", 24, rng)}
    fit = relation_index("RUS", "JPN", freq="M", panel_y=y, panel_m=m, events=tables)
    names = list(fit.loadings["series"])
    assert "events.net_cooperation_norm[icews]" in names and "events.net_cooperation_norm[gdelt]" in names
    assert fit.mean.index[0] == pd.Period("2018-01", "M") and len(fit.mean) == 24
    with pytest.raises(BilateralError, match=r"events\['icews'\] has freq 'Y'.*freq='month'"):
        yearly = dyad_index(ibis.memtable(pd.DataFrame({
            "date": pd.date_range("2018-01-01", periods=3, freq="D").date, "source_iso3": "RUS",
            "target_iso3": "JPN", "cameo": "036", "goldstein": 4.0, "quad_class": 1, "mentions": 1,
            "dataset": "icews"})), "RUS", "JPN", freq="Y")
        relation_index("RUS", "JPN", freq="M", panel_y=y, panel_m=m, events={"icews": yearly})
    with pytest.raises(BilateralError, match="panel_m must be a panel on a M PeriodIndex"):
        relation_index("RUS", "JPN", freq="M", panel_y=y, panel_m=y, events={})
    with pytest.raises(BilateralError, match=r"exclude names trade\.total"):
        relation_index("RUS", "JPN", freq="M", panel_y=y, panel_m=m, events={}, exclude=["trade.total"])


def test_without_events_the_store_gives_one_series_per_dataset():
    rng = np.random.default_rng(8)
    y, m = _small_panels(rng)
    with pytest.raises(BilateralError, match=r"at least two relation series, found opinion\.dislike_russia — get"):
        relation_index("RUS", "JPN", freq="M", panel_y=y, panel_m=m)  # no store yet
    days = pd.date_range("2018-01-01", "2019-12-31", freq="3D")
    frame = pd.DataFrame({"date": days.date, "source_iso3": "RUS", "target_iso3": "JPN",
                          "cameo": rng.choice(["036", "112", "057"], size=len(days))})
    with Store() as store:  # $BILATERAL_HOME, a fresh folder for each test
        store.ingest_frame(frame.iloc[::2], "coder_a", "test:a")
        store.ingest_frame(frame.iloc[1::2], "coder_b", "test:b")
    fit = relation_index("RUS", "JPN", freq="M", panel_y=y, panel_m=m)
    loadings = fit.loadings.set_index("series")
    assert {"events.net_cooperation_norm[coder_a]", "events.net_cooperation_norm[coder_b]"} <= set(loadings.index)
    assert (loadings.filter(like="events.", axis=0)["loading"] >= 0).all()  # direction +
    assert loadings.loc["events.net_cooperation_norm[coder_a]", "observed"] == 24


# -- Russia–Japan ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panels(shared):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        steps = latent.panel_steps("RUS", "JPN")
        return (panel("RUS", "JPN", freq="Y", start=1946).add(*steps),
                panel("RUS", "JPN", freq="M", start=1946).add(*steps))


@pytest.fixture(scope="module")
def yearly(panels) -> LatentIndex:
    return relation_index("RUS", "JPN", freq="Y", panel_y=panels[0], events={})


def test_russia_japan_yearly_index_reaches_back_to_the_data(yearly):
    table = yearly.table()
    assert table["period"].iloc[0] == "1954"  # COW trade growth from 1954, UN votes from 1956
    assert table["period"].iloc[-1] == "2024"
    assert (table["low"] < table["mean"]).all() and (table["mean"] < table["high"]).all()
    assert np.allclose(table["high"] - table["low"], 2 * 1.6448536 * table["sd"])
    assert {"voeten2009unvotes", "bailey2017estimating", "barbieri2009trading", "jiji_poll"} <= set(
        table.attrs["sources"])
    loadings = yearly.loadings.set_index("series")
    assert loadings.loc["unga.agreement", "loading"] > 0  # the anchor
    assert loadings.loc["unga.ideal_distance", "loading"] < 0  # distance means worse relations
    assert loadings.loc["case_events.summits", "sources"] == "seed000 seed003"  # the case's summits
    assert loadings.loc["trade.total", "transform"] == "log change over a year"
    assert (loadings["noise_sd"] > 0).all() and len(loadings) == 7
    # the Cold War below the post-Soviet years, by more than the bands
    assert yearly.high["1960":"1980"].max() < yearly.low["1992":"2000"].min()


def test_russia_japan_best_period_is_post_soviet_with_probabilities(yearly):
    best = yearly.best_periods(draws=300, rng=4)
    assert best.groupby("kind")["p_best"].sum().tolist() == pytest.approx([1.0, 1.0])
    periods = best[best["kind"] == "period"].set_index("id")
    assert periods.loc["soviet_era", "p_best"] == 0
    assert periods["p_best"].idxmax() == "yeltsin_era"
    assert periods.loc["soviet_era", "mean"] == periods["mean"].min()
    assert best.attrs["sources"] == list(yearly.sources)


def test_russia_japan_monthly_index_with_annual_series(panels):
    fit = relation_index("RUS", "JPN", freq="M", panel_y=panels[0], panel_m=panels[1], events={})
    loadings = fit.loadings.set_index("series")
    assert loadings.loc["unga.ideal_distance", "frequency"] == "annual (mean of the months)"
    assert loadings.loc["unga.agreement", "frequency"] == "M"
    assert str(fit.mean.index[0]) == "1954-01" and str(fit.mean.index[-1]) == "2024-02"
    assert fit.fit.mle_retvals["converged"]
    # months with polls are known better than the Cold War months with only a few votes
    assert fit.sd["1990":"2014"].mean() < fit.sd["1960":"1980"].mean()
    summary = fit.summary()
    assert summary["freq"] == "M" and summary["periods"] == len(fit.mean)


@pytest.mark.parametrize("name, ratio", [("unga.agreement", 0.84), ("trade.total", 0.73)])
def test_leaving_a_series_out_the_index_predicts_it_better_than_persistence(panels, name, ratio):
    left_out = relation_index("RUS", "JPN", freq="Y", panel_y=panels[0], events={}, exclude=[name])
    indicator = next(i for i in latent.PANEL_INDICATORS if i.name == name)
    series = latent._panel_series(panels[0], indicator, monthly=False).values.dropna()
    series = series[series.index.isin(left_out.mean.index)]
    by_index, by_persistence = latent.block_rmse(series, left_out.mean, block=5)
    assert by_index / by_persistence == pytest.approx(ratio, abs=0.03)
    assert by_index < by_persistence
