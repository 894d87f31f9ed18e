"""Honest bounds, couplings and the coupled scenarios; the case's dynamics.yaml and its errors."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from bilateral import load_case, simulate
from bilateral.case.dynamics import load_dynamics
from bilateral.errors import BilateralError, CaseError
from bilateral.simulate.base import Batch
from bilateral.simulate.bounds import bound, upward_reach, what_it_would_take
from bilateral.simulate.breakthrough import breakthrough_scenarios, compile_scenario, input_effects
from bilateral.simulate.coupling import couple, driver_values, year_end
from bilateral.simulate.dynamics import fit_relations
from bilateral.simulate.montecarlo import draw
from bilateral.simulate.ratification import agreement_bounds, ratify
from bilateral.simulate.scenarios import factor_impulses
from bilateral.simulate.shocks import Shock


@pytest.fixture(scope="module")
def case():
    return load_case("russia-japan")


@pytest.fixture(scope="module")
def dyn(case):
    return load_dynamics(case)


@pytest.fixture(scope="module")
def fit():
    """The model fitted to a simulated yearly index (AR(1), ρ 0.5, σ 0.1) with one persistent shock."""
    g = np.random.default_rng(0)
    idx = pd.period_range("1960", periods=60, freq="Y")
    u = np.zeros(60)
    for k in range(1, 60):
        u[k] = 0.5 * u[k - 1] + g.normal(0, 0.1)
    step = (idx >= pd.Period("1991", "Y")).astype(float)
    return fit_relations(pd.Series(0.4 + 0.2 * step + u, index=idx),
                         [Shock("end_of_cold_war", pd.Period("1991", "Y"), "persistent")])


def test_the_case_today_is_fixed_at_zero_with_the_rule_from_the_win_sets():
    sh = simulate.load_stakeholders("russia-japan")
    b = bound(sh)
    assert b.fixed and b.needed == 25 and b.ceiling == 40
    assert b.binding == ["rus_duma", "rus_public"]
    assert b.describe().startswith("no ratifiable agreement above 40 is possible while rus_duma's and "
                                   "rus_public's positions stay ≤ 20")
    # oracle: 20,000 draws anywhere in the ranges never give an agreement set reaching 50
    batch = draw(sh, 20_000, np.random.default_rng(1), distribution="uniform")
    _, high = agreement_bounds(sh, batch.position)
    assert high.max() < 50 and high.max() == pytest.approx(40, abs=0.5)


def test_the_rule_is_exact_on_both_sides_of_r_star():
    """Raise the two binding ranges' tops to r* = 25: the draws can now reach 50 (not fixed); just
    below it they cannot."""
    sh = simulate.load_stakeholders("russia-japan")
    i, j = sh.actor.index("rus_duma"), sh.actor.index("rus_public")
    for top, fixed in ((24.9, True), (25.0, False)):
        high_ = sh.position_high.copy()
        high_[[i, j]] = top
        moved = sh.with_values(position_high=high_)
        assert bound(moved).fixed is fixed
        pos = np.tile(np.maximum(sh.position_high, 0), (1, 1))
        pos[0, [i, j]] = top
        _, high = agreement_bounds(moved, pos)
        assert bool(high[0] >= 50) is (not fixed)


def test_what_it_would_take_is_the_smallest_position_that_ratifies_50():
    sh = simulate.load_stakeholders("russia-japan")
    table = what_it_would_take(sh, ["eum", "smp", "compromise"]).set_index("model")
    assert table.loc["eum", "actors"] == "putin, rus_duma, rus_public"
    for model, x in table["needed_position"].items():
        idx = [sh.actor.index(a) for a in ("putin", "rus_duma", "rus_public")]
        rows = []
        for value in (x, x - 1):
            pos = sh.position.astype(float).copy()
            pos[idx] = np.maximum(pos[idx], value)
            rows.append(pos)
        pos = np.array(rows)
        batch = Batch(pos, np.tile(sh.salience, (2, 1)), np.tile(sh.capability, (2, 1)), sh.scale, sh.status_quo)
        low, high = agreement_bounds(sh, pos)
        out = ratify(simulate.get_model(model).solve_batch(batch).position, low, high)
        assert out[0] >= 50, model
        assert not out[1] >= 50 or x - 1 < 25, model
    assert table.loc["eum", "needed_position"] == 25 and table.loc["eum", "shift"] == "+5, +20, +20"


def test_coupling_shift_is_slope_times_departure_capped():
    c = SimpleNamespace(actor="b", field="position", driver="relation", reference=0.0, cap=10.0, slope=(2, 8))
    s = SimpleNamespace(actor="a", field="salience", driver="rapport", reference=0.3, cap=0.2, slope=(0.1, 0.5))
    batch = Batch(np.array([[10.0, 5.0], [10.0, 5.0], [10.0, 95.0]]), np.full((3, 2), 0.5), np.full((3, 2), 0.5),
                  (0.0, 100.0), 0.0)
    slopes = np.array([[4.0, 0.5], [4.0, 0.5], [4.0, 0.5]])
    out = couple(batch, ["a", "b"], [c, s], slopes, {"relation": np.array([1.0, 5.0, 5.0]),
                                                     "rapport": np.array([0.5, 1.0, 0.3])})
    assert out.position[:, 1].tolist() == [9.0, 15.0, 100.0]          # +4, capped +10, cut at the scale
    assert out.salience[:, 0].tolist() == pytest.approx([0.6, 0.7, 0.5])  # +0.1, capped +0.2, none
    assert upward_reach([c, s], "b") == 10 and upward_reach([s], "a", "salience") == pytest.approx(0.2)
    state = {"z": np.array([0.0, 1.0]), "impulse.rapport": np.array([0.9, -0.5])}
    drivers = driver_values(state, {"rapport": 0.3, "rus_popularity": 0.6})
    assert drivers["rapport"].tolist() == [1.0, 0.0] and drivers["rus_popularity"].tolist() == [0.6, 0.6]
    assert year_end(pd.Period("2020-12", "M")) and not year_end(pd.Period("2020-11", "M"))


def test_factor_switches_become_impulses_from_the_case(case, dyn):
    rapport = next(s for s in case.scenarios if s.id == "putin_abe_rapport_peak")
    imps = factor_impulses(rapport, dyn.factor_effects, pd.Period("2026", "Y"))
    got = {(i.driver, float(i.size), i.half_life) for i in imps}
    assert got == {("rapport", 0.5, 6.0), ("relation", 0.5, 4.0)}
    lifted = next(s for s in case.scenarios if s.id == "sanctions_lifted")
    got = {(i.driver, float(i.size), i.half_life) for i in factor_impulses(lifted, dyn.factor_effects,
                                                                          pd.Period("2026", "Y"))}
    assert got == {("relation", 1.0, None), ("relation", 0.5, 10.0)}
    war = compile_scenario(dyn.scenario("war"), case, dyn, "Y-DEC")
    assert [sc.id for _, sc in war.changes] == ["sanctions_tightened", "kuril_militarisation"]
    assert ("relation", -2.0) in {(i.driver, i.size) for i in war.impulses}


def test_input_effects_finds_the_input_that_drives_the_outcome():
    g = np.random.default_rng(0)
    x, noise = g.random(3000), g.random(3000)
    table = input_effects({"noise": noise, "x": x}, (x > 0.5).astype(float))
    assert table["input"].tolist() == ["x", "noise"]
    assert table.loc[0, "effect"] == pytest.approx(1.0) and abs(table.loc[1, "effect"]) < 0.06


def test_breakthrough_differs_across_scenarios_through_the_couplings(fit, case, dyn):
    runs = breakthrough_scenarios(fit, case, dyn, scenarios=["baseline", "thaw", "war"],
                                  models=["smp", "compromise"], paths=400, rng=2)
    table = runs.table(2035).set_index(["scenario", "model"])
    assert set(table["basis"]) == {"Monte Carlo"}
    thaw, base, war = (table.loc[(s, "smp")] for s in ("thaw", "baseline", "war"))
    assert thaw.low > base.high              # Wilson intervals apart
    assert war.p <= base.p
    assert 0 <= table["low"].min() and table["high"].max() <= 1
    # P(by year) never falls
    probs = runs.outcomes[1].probabilities.query("model == 'smp'")["p"].to_numpy()
    assert (np.diff(probs) >= 0).all() and len(probs) == dyn.horizon


def test_without_couplings_every_scenario_is_zero_by_construction(fit, case, dyn):
    frozen = dyn.model_copy(update={"couplings": []})
    runs = breakthrough_scenarios(fit, case, frozen, scenarios=["baseline", "rapport"], paths=50, rng=1)
    table = runs.table()
    assert set(table["basis"]) == {"0 by construction"} and (table["p"] == 0).all()
    assert all(o.probabilities.empty for o in runs.outcomes)     # nothing was simulated


def test_dynamics_file_errors_name_file_line_and_fix(case_copy):
    path = case_copy / "dynamics.yaml"
    text = path.read_text()
    text = text.replace("  actor: rus_public\n  field: position\n  driver: relation\n",
                        "  actor: rus_publik\n  field: position\n  driver: relation\n", 1)
    text = text.replace("  kind: decaying\n  half_life: [0.5, 30]\n", "  kind: decaying\n", 1)
    path.write_text(text)
    with pytest.raises(CaseError) as err:
        load_dynamics(load_case(case_copy))
    message = str(err.value)
    assert "dynamics.yaml:" in message and "a decaying shock needs half_life" in message
    # now the schema passes and the cross-check names the unknown actor with its line
    path.write_text(text.replace("  kind: decaying\n  factor: leadership_turnover",
                                 "  kind: decaying\n  half_life: [0.5, 30]\n  factor: leadership_turnover"))
    with pytest.raises(CaseError) as err:
        load_dynamics(load_case(case_copy))
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "rus_publik" in t)
    assert f"dynamics.yaml:{line}: couplings.rus_public_with_relation.actor: unknown stakeholder 'rus_publik'" \
        in str(err.value)
    (case_copy / "dynamics.yaml").unlink()
    with pytest.raises(CaseError, match=r"dynamics\.yaml: file: missing"):
        load_dynamics(load_case(case_copy))


def test_folder_problems_for_the_case_validator(case_copy):
    from bilateral.case.dynamics import folder_problems
    from bilateral.case.load import _read

    path = case_copy / "dynamics.yaml"
    path.write_text(path.read_text().replace("  factor: sanctions\n", "  factor: sanctionz\n", 1))
    problems = folder_problems(case_copy, _read(case_copy, []))
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "sanctionz" in t)
    assert [str(p) for p in problems] == [
        f"dynamics.yaml:{line}: shocks.crimea_sanctions.factor: unknown factor 'sanctionz' — use an id of factors.yaml"]
    path.unlink()
    assert folder_problems(case_copy, _read(case_copy, [])) == []


def test_a_year_outside_the_simulation_is_refused(fit, case, dyn):
    runs = breakthrough_scenarios(fit, case, dyn, scenarios=["baseline"], models=["compromise"], paths=20, rng=0)
    assert runs.table(2025)["year"].tolist() == [2025]
    with pytest.raises(BilateralError, match="year 2050 was not simulated — choose one of 2020–2039"):
        runs.table(2050)
