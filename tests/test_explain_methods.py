"""Each method finds a planted effect and finds none in noise (fixed seeds); each verdict rule does
what the registry says on hand-made results."""

import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError
from bilateral.explain import METHODS
from bilateral.explain import TestResult as Result
from bilateral.explain.methods import (
    change_points,
    decoupling,
    event_study,
    granger,
    period_comparison,
    ranking,
    regression,
    trend,
)
from bilateral.explain.result import verdict
from bilateral.registry.methods import method as registered

HIGHER = registered("period_comparison").expectations["higher"]
LOWER = registered("period_comparison").expectations["lower"]
DECOUPLED = registered("decoupling").expectations["decoupled"]

INDEX = pd.period_range("2000-01", periods=120, freq="M")


def noise(seed: int, scale: float = 1.0) -> pd.Series:
    return pd.Series(np.random.default_rng(seed).normal(0, scale, len(INDEX)), index=INDEX)


def test_period_comparison_finds_a_higher_group_and_not_a_null_one():
    group = pd.Series(INDEX >= pd.Period("2005-01", "M"), index=INDEX)
    shifted = noise(1) + 1.5 * group
    result = period_comparison(shifted, group)
    assert result.effect == pytest.approx(1.5, abs=0.35) and result.p < 0.01
    assert verdict(result, HIGHER, result.p) == "supported"
    assert verdict(period_comparison(shifted, group, direction=-1), LOWER, result.p) == "contradicted"
    null = period_comparison(noise(2), group)
    assert null.p > 0.05 and verdict(null, HIGHER, null.p) == "inconclusive"


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
    assert result.effect > 0.8 and verdict(result, DECOUPLED, result.p) == "contradicted"
    apart = decoupling(noise(19).cumsum(), economic)
    assert abs(apart.effect) < 0.2 and verdict(apart, DECOUPLED, apart.p) == "supported"


def test_too_short_series_is_a_clear_error():
    with pytest.raises(BilateralError, match="at least 8 are needed"):
        trend(noise(20).iloc[:5])


def test_the_bootstrap_and_the_placebos_follow_their_rng():
    groups = {name: pd.Series((INDEX >= pd.Period(a, "M")) & (INDEX < pd.Period(b, "M")), index=INDEX)
              for name, a, b in [("a", "2000-01", "2005-01"), ("b", "2005-01", "2010-01")]}
    series = noise(21)
    same = [ranking(series, groups, "a", draws=200, rng=seed) for seed in (3, np.random.default_rng(3))]
    assert (same[0].low, same[0].high, same[0].p) == (same[1].low, same[1].high, same[1].p)
    other = ranking(series, groups, "a", draws=200, rng=4)
    assert (other.low, other.high) != (same[0].low, same[0].high) and other.effect == same[0].effect
    event = [pd.Period("2005-06", "M")]
    placebo = [event_study(series, event, 6, rng=seed).extra["placebo_p"] for seed in (0, 0, 1)]
    assert placebo[0] == placebo[1] != placebo[2]


def _result(effect: float, low: float, high: float, p: float, **extra) -> Result:
    return Result("hand-made", effect, low, high, p, 40, "", {"sd": 1.0, **extra})


CASES = [(name, e.name, e.direction) for name, cls in METHODS.items() if name != "change_points"
         for e in cls.spec.expectations.values()]


@pytest.mark.parametrize(("name", "expectation", "direction"), CASES)
def test_each_expectation_is_judged_as_its_registry_direction_says(name, expectation, direction):
    judge = METHODS[name]().judge
    toward, against = _result(0.8, 0.4, 1.2, 0.001), _result(-0.8, -1.2, -0.4, 0.001)
    narrow_null, wide_null = _result(0.05, -0.2, 0.3, 0.6), _result(0.2, -0.9, 1.3, 0.6)
    if direction:  # effects are oriented: positive goes the way the claim expects
        assert judge(toward, expectation, 0.001) == "supported"
        assert judge(against, expectation, 0.001) == "contradicted"
        assert judge(toward, expectation, 0.2) == "inconclusive"
        assert judge(narrow_null, expectation, 0.6) == "inconclusive"
    else:  # a null claim: refuted by a significant effect, supported only by a narrow interval
        assert judge(toward, expectation, 0.001) == "contradicted"
        assert judge(against, expectation, 0.001) == "contradicted"
        assert judge(narrow_null, expectation, 0.6) == "supported"
        assert judge(wide_null, expectation, 0.6) == "inconclusive"
    assert judge(toward, expectation, float("nan")) == "inconclusive"


def test_a_ranking_is_contradicted_when_another_group_is_surely_ahead():
    behind = _result(-0.3, -0.5, -0.1, 1.0)
    assert METHODS["ranking"]().judge(behind, "best", 1.0) == "contradicted"
    assert METHODS["ranking"]().judge(_result(-0.1, -0.5, 0.2, 0.7), "best", 0.7) == "inconclusive"


@pytest.mark.parametrize(("expectation", "share", "breaks", "status"), [
    ("break_at", 1.0, ["2003-01"], "supported"),
    ("break_at", 0.5, ["2003-01"], "supported"),
    ("break_at", 0.25, ["2003-01"], "inconclusive"),
    ("break_at", 0.0, ["1999-01"], "contradicted"),
    ("break_at", 0.0, [], "inconclusive"),
    ("no_break", 0.0, [], "supported"),
    ("no_break", 1.0, ["2003-01"], "contradicted"),
    ("no_break", 0.25, ["2003-01"], "inconclusive"),
])
def test_change_points_are_judged_by_the_share_of_dates_with_a_break(expectation, share, breaks, status):
    result = _result(share, share, share, float("nan"), breaks=breaks)
    assert METHODS["change_points"]().judge(result, expectation, float("nan")) == status


def test_an_expectation_of_another_method_is_refused_with_the_choices():
    with pytest.raises(BilateralError, match=r"expect 'higher' does not fit 'trend': use increase or decrease or flat"):
        METHODS["trend"]().judge(_result(1, 0.5, 1.5, 0.01), "higher", 0.01)
