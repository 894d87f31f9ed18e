"""The Case: every record of a case folder, typed and cited."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from bilateral.errors import BilateralError

TABLES = ("actors", "leaders", "periods", "events", "factors", "hypotheses", "stakeholders", "scenarios")
"""The kinds of record :meth:`Case.table` turns into a DataFrame."""


@dataclass(frozen=True)
class Case:
    """A loaded case: every record of its folder, typed (pydantic) and cited (docs/case-format.md).

    Made by `bilateral.load_case`, which validates the folder first; each record carries its
    ``source`` (a key of ``sources``) and ``locator``.

    Attributes
    ----------
    path
        The case folder.
    info
        ``case.yaml``: name, title, dyad (two ISO3 codes), summary and the breakthrough
        threshold.
    sources
        The case bibliography (``sources.bib``) by citation key.
    actors, leaders, periods, events, factors, hypotheses, stakeholders, scenarios
        The records of each file, in file order.
    scale
        The negotiation's issue scale: its unit, ends, status quo and cited anchors.

    Examples
    --------
    >>> case = bilateral.load_case("russia-japan")
    >>> case.name, case.dyad
    ('russia-japan', ('RUS', 'JPN'))
    >>> case.table("periods")[["id", "start", "end", "tone"]]
    >>> print(case.cite("seed000"))        # BibTeX
    """

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
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The case's name (``case.yaml``), e.g. ``russia-japan``."""
        return self.info.name

    @property
    def dyad(self) -> tuple[str, str]:
        """The two states, as ISO3 codes."""
        return self.info.dyad

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id; an unknown id is a `BilateralError` listing the case's actors."""
        found = next((a for a in self.actors if a.id == actor_id), None)
        if found is None:
            raise BilateralError(f"no actor {actor_id!r} in case {self.name} (actors.yaml) — use one of: "
                                 f"{', '.join(a.id for a in self.actors)}")
        return found

    def cite(self, *keys: str) -> str:
        """BibTeX of the given keys (all sources when none given), in the given order.

        A key not in the case's ``sources.bib`` is a `BilateralError` naming it and the keys.
        """
        unknown = [k for k in keys if k not in self.sources]
        if unknown:
            raise BilateralError(f"unknown citation key(s) {', '.join(map(repr, unknown))} in case {self.name} "
                                 f"(sources.bib) — known keys: {', '.join(self.sources)}")
        return "\n\n".join(self.sources[k].text for k in keys or self.sources)

    def table(self, kind: str) -> pd.DataFrame:
        """One kind of record as a DataFrame, citation columns last.

        Events also get ``day`` (the first day their date covers) and the ISO3 country of each
        actor (``source_iso3``, ``target_iso3``). Each table is built once per case; every call
        returns a copy, free to change.

        Parameters
        ----------
        kind
            One of `TABLES`: ``actors``, ``leaders``, ``periods``, ``events``, ``factors``,
            ``hypotheses``, ``stakeholders``, ``scenarios``.

        Returns
        -------
        pandas.DataFrame
            One row per record.
        """
        if kind not in TABLES:
            raise BilateralError(f"no table {kind!r} in a case — use one of: {', '.join(TABLES)}")
        if kind not in self._tables:
            self._tables[kind] = self._build(kind)
        return self._tables[kind].copy()

    def _build(self, kind: str) -> pd.DataFrame:
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
