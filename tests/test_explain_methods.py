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
    assert result.effect == pytest.approx(1.5, abs=0.35) and result.p < 0.01 and result.low > 0
    assert result.unit == "difference of means" and 0 < result.mde < 1.5
    assert verdict(result, HIGHER, result.p) == "supported"
    # the effect keeps its sign: the same shift read against "lower" contradicts, never flipped
    assert verdict(result, LOWER, result.p) == "contradicted"
    assert period_comparison(noise(1) - 1.5 * group, group).effect == pytest.approx(-result.effect, abs=0.35)
    null = period_comparison(noise(2), group)
    assert null.p > 0.05 and verdict(null, HIGHER, null.p) == "inconclusive"


GROUPS = {name: pd.Series((INDEX >= pd.Period(a, "M")) & (INDEX < pd.Period(b, "M")), index=INDEX)
          for name, a, b in [("a", "2000-01", "2004-01"), ("b", "2004-01", "2007-01"), ("c", "2007-01", "2010-01")]}


def test_ranking_names_the_best_group_with_simultaneous_intervals():
    clear = noise(3, 0.5) + 2.0 * GROUPS["c"]
    result = ranking(clear, GROUPS, "c")
    assert result.extra["order"][0] == "c" and result.effect > 1.5 and result.p < 0.05 and result.low > 0
    assert set(result.extra["intervals"]) == {"a", "b"}
    assert all(low > 0 for low, _ in result.extra["intervals"].values())
    assert METHODS["ranking"]().judge(result, "best", result.p) == "supported"
    tied = ranking(noise(4), GROUPS, "c")
    assert tied.p > 0.05 and tied.low < 0 < tied.high
    assert METHODS["ranking"]().judge(tied, "best", tied.p) == "inconclusive"
    behind = ranking(noise(3, 0.5) - 2.0 * GROUPS["c"], GROUPS, "c")
    assert behind.effect < -1.5 and behind.high < 0 and behind.p < 0.05
    assert METHODS["ranking"]().judge(behind, "best", behind.p) == "contradicted"


def test_event_study_is_judged_on_its_placebo_dates():
    event = pd.Period("2005-06", "M")
    shifted = noise(5, 0.5) + 2.0 * pd.Series(INDEX >= event, index=INDEX)
    result = event_study(shifted, [event], window=12)
    assert result.effect == pytest.approx(2.0, abs=0.6) and result.p < 0.05 and result.low > 0
    assert "placebo dates" in result.method and result.unit == "level shift"
    null = event_study(noise(6, 0.5), [event], window=12)
    assert null.p > 0.05 and null.low < 0 < null.high
    with pytest.raises(BilateralError, match="placebo dates fit outside the event windows"):
        event_study(noise(6, 0.5), [event], window=40)


def test_change_points_measure_the_shift_in_the_series_units():
    step = pd.Series(INDEX >= pd.Period("2003-01", "M"), index=INDEX)
    series = noise(7, 0.5) + 2.0 * step
    dated = change_points(series, [pd.Period("2003-01", "M")])
    assert dated.effect == pytest.approx(2.0, abs=0.4) and dated.low > 1 and dated.p < 0.01
    assert dated.unit == "shift at the named date" and dated.extra["at"] == "2003-01"
    anywhere = change_points(series)
    assert abs((pd.Period(anywhere.extra["breaks"][0], "M") - pd.Period("2003-01", "M")).n) <= 2
    assert anywhere.p < 0.01 and anywhere.effect == pytest.approx(2.0, abs=0.4)
    falling = change_points(noise(7, 0.5) - 2.0 * step, [pd.Period("2003-01", "M")])
    assert falling.effect < -1.5  # a fall is reported as a fall: no effect "1 [1, 1]"
    assert change_points(noise(8)).p > 0.05


def test_regression_and_trend_keep_units_and_sign():
    x = noise(9)
    y = 0.8 * x + noise(10, 0.5)
    result = regression(y, x.rename("x").to_frame())
    assert result.effect == pytest.approx(0.8, abs=0.15) and result.p < 0.001 and result.unit == "per unit of x"
    assert regression(noise(11), x.rename("x").to_frame()).p > 0.05
    rising = noise(12) + pd.Series(np.linspace(0, 4, len(INDEX)), index=INDEX)
    up = trend(rising)
    assert up.p < 0.001 and up.effect == pytest.approx(4 / 11.9, abs=0.1) and up.unit == "per 10 periods"
    assert trend(-rising).effect == pytest.approx(-up.effect)
    assert trend(noise(13)).p > 0.05


def test_granger_detects_a_leading_series():
    cause = noise(14)
    effect = 0.9 * cause.shift(1).fillna(0) + noise(15, 0.5)
    found = granger(effect, cause)
    assert found.p < 0.001 and found.effect == pytest.approx(0.9, abs=0.2) and found.low > 0
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


def test_the_bootstraps_and_the_placebos_follow_their_rng():
    series = noise(21)
    same = [ranking(series, GROUPS, "a", draws=200, rng=seed) for seed in (3, np.random.default_rng(3))]
    assert (same[0].low, same[0].high, same[0].p) == (same[1].low, same[1].high, same[1].p)
    other = ranking(series, GROUPS, "a", draws=200, rng=4)
    assert (other.low, other.high) != (same[0].low, same[0].high) and other.effect == same[0].effect
    events = [pd.Period("2003-06", "M"), pd.Period("2007-06", "M")]
    placebo = [event_study(series, events, 6, rng=seed).low for seed in (0, 0, 1)]
    assert placebo[0] == placebo[1] != placebo[2]
    assert trend(series, rng=5).p == trend(series, rng=5).p != trend(series, rng=6).p


def _result(effect: float, low: float, high: float, p: float, **extra) -> Result:
    return Result("hand-made", effect, low, high, p, 40, "", {"sd": 1.0, **extra})


CASES = [(name, e.name, e.direction) for name, cls in METHODS.items() for e in cls.spec.expectations.values()
         if e.name != "break_at"]


@pytest.mark.parametrize(("name", "expectation", "direction"), CASES)
def test_each_expectation_is_judged_as_its_registry_direction_says(name, expectation, direction):
    judge = METHODS[name]().judge
    up, down = _result(0.8, 0.4, 1.2, 0.001), _result(-0.8, -1.2, -0.4, 0.001)
    narrow_null, wide_null = _result(0.05, -0.2, 0.3, 0.6), _result(0.2, -0.9, 1.3, 0.6)
    if direction:  # effects keep their sign: the expected sign supports, the other contradicts
        toward, against = (up, down) if direction > 0 else (down, up)
        assert judge(toward, expectation, 0.001) == "supported"
        assert judge(against, expectation, 0.001) == "contradicted"
        assert judge(toward, expectation, 0.2) == "inconclusive"
        assert judge(narrow_null, expectation, 0.6) == "inconclusive"
    else:  # a null claim: refuted by a significant effect, supported only by a narrow interval
        assert judge(up, expectation, 0.001) == "contradicted"
        assert judge(down, expectation, 0.001) == "contradicted"
        assert judge(narrow_null, expectation, 0.6) == "supported"
        assert judge(wide_null, expectation, 0.6) == "inconclusive"
        # with a side, only a departure that way contradicts; the other way is what the claim allows
        assert judge(up, expectation, 0.001, "down") == "supported"
        assert judge(down, expectation, 0.001, "down") == "contradicted"
        assert judge(_result(0.5, -0.1, 1.1, 0.1), expectation, 0.1, "down") == "supported"
        assert judge(_result(-0.5, -1.1, 0.1, 0.1), expectation, 0.1, "down") == "inconclusive"
    assert judge(up, expectation, float("nan")) == "inconclusive"
    assert judge(down, expectation, 0.999) != "contradicted"


@pytest.mark.parametrize(("side", "effect", "p", "status"), [
    ("either", 2.0, 0.001, "supported"), ("either", -2.0, 0.001, "supported"), ("either", 2.0, 0.3, "inconclusive"),
    ("up", 2.0, 0.001, "supported"), ("up", -2.0, 0.001, "contradicted"), ("down", -2.0, 0.001, "supported"),
    ("up", 0.1, 0.9, "inconclusive"),
])
def test_a_break_at_a_date_is_judged_by_its_shift_and_side(side, effect, p, status):
    result = _result(effect, effect - 0.5, effect + 0.5, p)
    assert METHODS["change_points"]().judge(result, "break_at", p, side) == status


def test_a_verdict_reads_as_a_sentence_with_the_signed_effect():
    from bilateral.explain import sentence

    expectation = registered("trend").expectations["flat"]
    result = Result("trend", -10.8, -21.6, 0.1, 0.2, 28, "", {"sd": 12.0}, "per 10 periods", 14.0)
    text = sentence(result, expectation, "inconclusive", 0.2, "down")
    assert text.startswith("Expects the series has no trend over the span (a fall would contradict it).")
    assert "Data: -10.8 per 10 periods [-21.6, +0.1], adjusted p = 0.200." in text
    assert "neither support nor contradict" in text and "±14 per 10 periods with probability 0.8" in text


def test_an_expectation_of_another_method_is_refused_with_the_choices():
    with pytest.raises(BilateralError, match=r"expect 'higher' does not fit 'trend': use increase or decrease or flat"):
        METHODS["trend"]().judge(_result(1, 0.5, 1.5, 0.01), "higher", 0.01)


def test_a_supported_driver_shows_the_test_that_supports_it():
    """A factor supported by one claim shows that claim's test, not a more significant test of an
    inconclusive claim that names the same factor."""
    import pandas as pd

    from bilateral import load_case
    from bilateral.explain.drivers import drivers

    case = load_case("russia-japan")
    shared = next((f, a.id, b.id) for a in case.hypotheses for b in case.hypotheses if a.id < b.id
                  for f in set(a.factors) & set(b.factors))
    factor, first, second = shared
    tests = pd.DataFrame([
        {"hypothesis": first, "series": "unga.agreement", "status": "supported", "effect": 0.5, "low": 0.1,
         "high": 0.9, "mde": 0.4, "scale": 1.0, "directness": "direct", "p_adjusted": 0.04},
        {"hypothesis": second, "series": "opinion.like_russia", "status": "inconclusive", "effect": -2.0,
         "low": -4.0, "high": 0.1, "mde": 3.0, "scale": 1.0, "directness": "direct", "p_adjusted": 0.01},
    ])
    verdicts = pd.DataFrame({"hypothesis": [first, second], "status": ["supported", "inconclusive"]})
    row = drivers(tests, verdicts, case).set_index("factor").loc[factor]
    assert row["status"] == "supported" and row["series"] == f"unga.agreement ({first})"
    assert row["effect_sd"] == 0.5


def test_what_moves_names_factors_decided_by_one_test_together():
    import pandas as pd

    from bilateral.explain.drivers import what_moves

    table = pd.DataFrame({
        "name": ["Distrust", "Syndrome", "Sanctions"], "status": ["supported"] * 3, "tests": [1, 1, 1],
        "series": ["unga.agreement (H09)", "unga.agreement (H09)", "trade.exports (H30)"],
        "effect_sd": [-1.88, -1.88, 0.7], "mde_sd": [1.2, 1.2, 0.5]})
    text = what_moves(table)
    assert "Distrust and Syndrome (one test for all 2: -1.88 SD on unga.agreement (H09))" in text
    assert "Sanctions (+0.70 SD on trade.exports (H30))" in text and text.count("H09") == 1
