"""The Case: every record of a case folder, typed and cited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bilateral.case.bib import BibEntry
from bilateral.case.schema import (
    Actor,
    CaseInfo,
    Event,
    Factor,
    Hypothesis,
    Leader,
    Period,
    Scale,
    Scenario,
    Stakeholder,
)


@dataclass(frozen=True)
class Case:
    path: Path
    info: CaseInfo
    sources: dict[str, BibEntry]
    actors: list[Actor]
    leaders: list[Leader]
    periods: list[Period]
    events: list[Event]
    factors: list[Factor]
    hypotheses: list[Hypothesis]
    scale: Scale
    stakeholders: list[Stakeholder]
    scenarios: list[Scenario]

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def dyad(self) -> tuple[str, str]:
        return self.info.dyad

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def cite(self, *keys: str) -> str:
        """BibTeX of the given keys (all sources when none given), in the bibliography's order."""
        wanted = keys or tuple(self.sources)
        return "\n\n".join(self.sources[k].text for k in wanted)

    def table(self, kind: str) -> pd.DataFrame:
        """One kind of record as a DataFrame, citation columns last.

        Events also get ``day`` (the first day their date covers) and the ISO3 country of each
        actor (``source_iso3``, ``target_iso3``).
        """
        records = getattr(self, kind)
        frame = pd.DataFrame([r.model_dump() for r in records])
        if frame.empty:
            return frame
        if kind == "events":
            countries = {a.id: a.country for a in self.actors}
            frame["day"] = pd.to_datetime([e.day for e in records])
            frame["source_iso3"] = frame["source_actor"].map(countries)
            frame["target_iso3"] = frame["target_actor"].map(countries)
            first = ["id", "day", "date", "precision", "source_actor", "source_iso3",
                     "target_actor", "target_iso3"]
            frame = frame[first + [c for c in frame if c not in first]]
        cited = ["source", "locator"] + (["flag"] if kind == "events" else [])
        return frame[[c for c in frame if c not in cited] + [c for c in cited if c in frame]]
