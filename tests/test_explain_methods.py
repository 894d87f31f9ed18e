"""Each method finds a planted effect and finds none in noise (fixed seeds)."""

import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError
from bilateral.explain.result import verdict
from bilateral.explain.tests import (
    change_points,
    decoupling,
    event_study,
    granger,
    period_comparison,
    ranking,
    regression,
    trend,
)

INDEX = pd.period_range("2000-01", periods=120, freq="M")


def noise(seed: int, scale: float = 1.0) -> pd.Series:
    return pd.Series(np.random.default_rng(seed).normal(0, scale, len(INDEX)), index=INDEX)


def test_period_comparison_finds_a_higher_group_and_not_a_null_one():
    group = pd.Series(INDEX >= pd.Period("2005-01", "M"), index=INDEX)
    shifted = noise(1) + 1.5 * group
    result = period_comparison(shifted, group)
    assert result.effect == pytest.approx(1.5, abs=0.35) and result.p < 0.01
    assert verdict(result, "higher", result.p) == "supported"
    assert verdict(period_comparison(shifted, group, direction=-1), "lower", result.p) == "contradicted"
    null = period_comparison(noise(2), group)
    assert null.p > 0.05 and verdict(null, "higher", null.p) == "inconclusive"


def test_ranking_names_the_best_group_with_uncertainty():
    groups = {name: pd.Series((INDEX >= pd.Period(a, "M")) & (INDEX < pd.Period(b, "M")), index=INDEX)
              for name, a, b in [("a", "2000-01", "2004-01"), ("b", "2004-01", "2007-01"),
                                 ("c", "2007-01", "2010-01")]}
    clear = noise(3, 0.5) + 2.0 * groups["c"]
    result = ranking(clear, groups, "c")
    assert result.extra["order"][0] == "c" and result.effect > 1.5 and result.p < 0.05
    assert result.low > 0
    tied = ranking(noise(4), groups, "c")
    assert tied.p > 0.05 and tied.low < 0 < tied.high


def test_event_study_finds_a_level_shift_at_the_event_and_none_elsewhere():
    event = pd.Period("2005-06", "M")
    shifted = noise(5, 0.5) + 2.0 * pd.Series(INDEX >= event, index=INDEX)
    result = event_study(shifted, [event], window=12)
    assert result.effect == pytest.approx(2.0, abs=0.6) and result.p < 0.01
    assert result.extra["placebo_p"] < 0.05
    null = event_study(noise(6, 0.5), [event], window=12)
    assert null.p > 0.05


def test_change_points_found_at_the_break_and_not_in_noise():
    series = noise(7, 0.5) + 2.0 * pd.Series(INDEX >= pd.Period("2003-01", "M"), index=INDEX)
    result = change_points(series, [pd.Period("2003-01", "M")])
    assert result.effect == 1.0 and len(result.extra["breaks"]) == 1
    assert abs((pd.Period(result.extra["breaks"][0], "M") - pd.Period("2003-01", "M")).n) <= 1
    assert change_points(noise(8), []).extra["breaks"] == []


def test_regression_and_trend():
    x = noise(9)
    y = 0.8 * x + noise(10, 0.5)
    result = regression(y, x.rename("x").to_frame())
    assert result.effect > 0.7 and result.p < 0.001
    assert regression(noise(11), x.rename("x").to_frame()).p > 0.05
    rising = noise(12) + pd.Series(np.linspace(0, 4, len(INDEX)), index=INDEX)
    assert trend(rising).p < 0.001 and trend(rising, direction=-1).effect < 0
    assert trend(noise(13)).p > 0.05


def test_granger_detects_a_leading_series():
    cause = noise(14)
    effect = 0.9 * cause.shift(1).fillna(0) + noise(15, 0.5)
    assert granger(effect, cause).p < 0.001
    assert granger(noise(16), cause).p > 0.05


def test_decoupling_and_the_null_verdicts():
    economic = noise(17).cumsum()
    coupled = economic + noise(18, 0.3)
    result = decoupling(coupled, economic)
    assert result.effect > 0.8 and verdict(result, "decoupled", result.p) == "contradicted"
    apart = decoupling(noise(19).cumsum(), economic)
    assert abs(apart.effect) < 0.2 and verdict(apart, "decoupled", apart.p) == "supported"


def test_too_short_series_is_a_clear_error():
    with pytest.raises(BilateralError, match="at least 8 are needed"):
        trend(noise(20).iloc[:5])
