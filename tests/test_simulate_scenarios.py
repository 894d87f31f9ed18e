"""Scenarios from the case applied to the stakeholders; baseline against each scenario."""

import numpy as np
import pytest

from bilateral import BilateralError, load_case
from bilateral.case.schema import Change, Scenario
from bilateral.simulate import apply_scenario, load_stakeholders, scenario_table, select_scenarios
from bilateral.simulate.scenarios import apply_change


@pytest.fixture(scope="module")
def case():
    return load_case("russia-japan")


def test_set_add_scale_and_veto(case):
    sh = load_stakeholders(case)
    i = sh.actor.index("putin")
    out = apply_change(sh, Change(actor="putin", field="position", set=100))
    assert out.position[i] == out.position_low[i] == out.position_high[i] == 100
    out = apply_change(sh, Change(actor="putin", field="position", add=15))
    assert (out.position[i], out.position_low[i], out.position_high[i]) == (35, 20, 65)
    out = apply_change(sh, Change(actor="putin", field="capability", scale=0.5))
    assert out.capability[i] == pytest.approx(0.45) and out.capability_high[i] == pytest.approx(0.5)
    out = apply_change(sh, Change(actor="putin", field="salience", add=0.5))
    assert out.salience[i] == 1.0 and out.salience_high[i] == 1.0  # clipped to 0–1
    out = apply_change(sh, Change(actor="rus_duma", field="veto", set=False))
    assert not out.veto[sh.actor.index("rus_duma")] and sh.veto[sh.actor.index("rus_duma")]
    assert sh.position[i] == 20  # the original is untouched


def test_unknown_actor_in_a_scenario(case):
    sc = Scenario(id="bad", name="Bad", description="x", source="seed000", locator="x",
                  changes=[Change(actor="nobody", field="position", set=1)])
    with pytest.raises(BilateralError, match=r"scenarios\.yaml: bad: changes: unknown actor 'nobody'"):
        apply_scenario(load_stakeholders(case), sc)


def test_russia_yields_four_islands(case):
    sh = load_stakeholders(case)
    sc = select_scenarios(case, ["russia_yields_four_islands"])[0]
    out = apply_scenario(sh, sc)
    assert out.position[sh.actor.index("putin")] == 100 and out.position[sh.actor.index("rus_mfa")] == 100


def test_scenario_table(case):
    frame = scenario_table(case, ["russia_yields_four_islands", "sino_russian_rupture"],
                           ["compromise", "eum"], runs=40, seed=0)
    assert list(frame["scenario"].unique()) == ["baseline", "russia_yields_four_islands",
                                                 "sino_russian_rupture"]
    rows = frame.set_index(["scenario", "model"])
    base = rows.loc[("baseline", "compromise")]
    yields = rows.loc[("russia_yields_four_islands", "compromise")]
    assert yields["bargained"] > base["bargained"] + 10  # the Kremlin moving pulls the mean up
    # … but the Duma and the public still cap the ratifiable deal at 10
    assert yields["ratifiable"] == base["ratifiable"] == 10 and yields["delta_ratifiable"] == 0
    assert yields["changed"] == "putin, rus_mfa"
    assert (frame["p_breakthrough"] == 0).all() and (frame["ci_high"] > 0).all()
    everything = scenario_table(case, ["all"], ["compromise"])
    assert len(everything) == 1 + len(case.scenarios)


def test_unknown_scenario_id(case):
    with pytest.raises(BilateralError, match="unknown scenario\\(s\\) utopia"):
        select_scenarios(case, ["utopia"])
    assert len(select_scenarios(case, None)) == len(case.scenarios)
    assert np.isfinite(len(select_scenarios(case, ["all"])))
