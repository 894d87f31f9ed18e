"""Sentences → candidate events with provenance: who did what to whom, when, and where it says so.

One candidate per sentence that has a trigger (:mod:`bilateral.extract.rules`) and an actor
(:mod:`bilateral.extract.actors`). The source is the actor phrase nearest before the trigger (in
the passive, ``… was attacked by X``, the phrase after ``by``); the target is the first actor
phrase after the trigger that is neither the source nor the speaker of a reporting clause
(``…, a Jordanian official said``), else the actor before the source; with none, the event is
domestic (target = source). Confidence is a product of documented factors (:func:`confidence`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from bilateral.case import Case
from bilateral.codes import cameo
from bilateral.errors import BilateralError
from bilateral.extract.actors import ActorMention, Lexicon, build_lexicon
from bilateral.extract.dates import Dated, DateTracker
from bilateral.extract.reader import Document, Sentence, read_document, sentences
from bilateral.extract.rules import REPORTING, RULES, Trigger, find_trigger

COLUMNS = ("candidate_id", "decision", "date", "precision", "source_actor", "target_actor", "cameo", "goldstein",
           "quad_class", "category", "summary", "source", "locator", "flag", "plover", "source_iso3",
           "target_iso3", "source_sector", "target_sector", "modality", "confidence", "rule", "date_rule",
           "trigger", "trigger_start", "trigger_end", "source_text", "source_start", "source_end", "target_text",
           "target_start", "target_end", "sentence", "file", "line_start", "line_end", "sha256")
"""Columns of a candidate (review) table; the first block is a case event row, the rest provenance."""

DECISIONS = ("accept", "reject", "")
"""Values of ``decision`` in a review file: accept (possibly after editing the row), reject, undecided."""

_CATEGORY_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("territorial", re.compile(r"\bisland|\bterritor|\bkuril|\bshikotan|\bhabomai|\betorofu|\bkunashir|\biturup"
                               r"|\bsovereignty|\bnorthern territories", re.I)),
    ("energy", re.compile(r"\bgas\b|\boil\b|\blng\b|\bpipeline|\benergy|\bsakhalin-[12i]", re.I)),
    ("disaster", re.compile(r"\bearthquake|\btsunami|\bdisaster|\bfukushima|\bflood", re.I)),
    ("sanctions", re.compile(r"\bsanction", re.I)),
    ("economic", re.compile(r"\btrade\b|\binvest|\beconom|\bcapital\b|\bloan|\bbusiness|\bcredit", re.I)),
)
_ROOT_CATEGORY = {"04": "summit", "05": "agreement", "03": "agreement", "06": "economic", "07": "economic",
                  "15": "military", "18": "military", "19": "military", "20": "military", "16": "sanctions",
                  "14": "domestic", "17": "incident"}


@dataclass(frozen=True)
class Parsed:
    """One sentence's reading: its actor phrases, trigger and date (``None`` where absent)."""

    sentence: Sentence
    mentions: tuple[ActorMention, ...]
    trigger: Trigger | None
    dated: Dated | None
    source: ActorMention | None
    target: ActorMention | None


_INTRO = re.compile(r"(?:In|On|At|After|Following|Despite|Under|With|During|Since|While|Amid|Before)\b[^,]{0,80},")
_MUST = next(f"R{n:03d}" for n, (pattern, _, _) in enumerate(RULES) if pattern == r"\bmust\b")


def _speaker(text: str, mention: ActorMention) -> bool:
    """Whether ``mention`` is the subject of a reporting clause (``…, Israeli officials said``)."""
    after = text[mention.end: mention.end + 25].lower()
    return bool(re.match(r"\W*(?:\w+\W+){0,2}?(?:said|says|told|reported|confirmed|announced|added|stated)\b", after))


def parse(sentence: Sentence, lexicon: Lexicon, dated: Dated | None) -> Parsed:
    """Actors, trigger, source and target of one sentence."""
    text = sentence.text
    when = dated.day if dated is not None else None
    mentions = tuple(lexicon.mentions(text, when))
    lower = text.lower()
    spans = tuple((m.start, m.end) for m in mentions) + tuple(
        (m.start(), m.end()) for m in REPORTING.finditer(lower))
    intro = _INTRO.match(text)
    if intro and not any(intro.end() <= m.start <= intro.end() + 6 for m in mentions):
        intro = None  # an introductory clause is one followed by the subject ("In …, Iraq said")
    trigger = (find_trigger(lower, (*spans, intro.span())) if intro else None) or find_trigger(lower, spans)
    if trigger is None or not mentions:
        return Parsed(sentence, mentions, trigger, dated, None, None)
    before = [m for m in mentions if m.end <= trigger.start and (intro is None or m.start >= intro.end())]
    after = [m for m in mentions if m.start >= trigger.end]
    passive = re.search(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+)?$", lower[max(0, trigger.start - 20):
                                                                            trigger.start])
    if passive and after and re.search(r"\bby\b", lower[trigger.end: after[0].start]):
        source, target = after[0], (before[0] if before else None)
    elif passive and before and not after:
        source, target = None, before[0]
    elif trigger.rule.startswith(_MUST) and len(before) > 1:
        source, target = before[0], before[-1]
    else:
        talkers = [m for m in before if not _speaker(text, m)] or before
        source = talkers[0] if talkers else None
        others = [m for m in after if not _speaker(text, m) and (source is None or m.codes != source.codes)]
        target = others[0] if others else next((m for m in before[1:] if m.codes != before[0].codes), None)
    if source is None and target is None:
        source = after[0]
    return Parsed(sentence, mentions, trigger, dated, source, target)


def confidence(parsed: Parsed) -> float:
    """Heuristic confidence in 0–1: 0.9, times 0.8 without a distinct target, 0.8 for an inferred source,
    0.85 for a promise/threat/negation, 0.8 for a date carried from an earlier sentence (0.6 for none)."""
    value = 0.9
    if parsed.target is None or parsed.source is None:
        value *= 0.8
    if parsed.trigger is not None and parsed.trigger.modality:
        value *= 0.85
    if parsed.dated is None:
        value *= 0.6
    elif parsed.dated.rule in ("anchor", "relative"):
        value *= 0.8
    return round(value, 2)


def _category(code: str, text: str, source: str, target: str, dyad: Sequence[str]) -> str:
    for category, pattern in _CATEGORY_WORDS:
        if pattern.search(text):
            return category
    if dyad and not {source, target} <= set(dyad):
        return "third_party"
    if source == target:
        return "domestic"
    if code[:3] in ("042", "043"):
        return "visit"
    if code == "057":
        return "agreement"
    return _ROOT_CATEGORY.get(code[:2], "statement")


def _actor_id(mention: ActorMention, known: set[str]) -> str:
    if mention.actor and (not known or mention.actor in known):
        return mention.actor
    return mention.codes[0]


def _row(parsed: Parsed, number: int, *, known: set[str], dyad: Sequence[str], citation: str) -> dict[str, object]:
    sentence, trigger, source = parsed.sentence, parsed.trigger, parsed.source
    assert trigger is not None
    target = parsed.target
    src = source or target
    tgt = target or source
    assert src is not None and tgt is not None
    code = cameo(trigger.code)
    document = sentence.document
    first, last = sentence.lines
    source_id, target_id = _actor_id(src, known), _actor_id(tgt, known)
    locator = f"{document.path.name}:L{first}" + (f"-{last}" if last != first else "")
    dated = parsed.dated
    return {
        "candidate_id": f"C{number:04d}", "decision": "",
        "date": dated.date if dated else "", "precision": dated.precision if dated else "",
        "source_actor": source_id, "target_actor": target_id, "cameo": code.code, "goldstein": code.goldstein,
        "quad_class": code.quad_class,
        "category": _category(code.code, sentence.text, src.codes[0], tgt.codes[0], dyad),
        "summary": f"{source_id} → {target_id}: {code.name[0].upper()}{code.name[1:].lower()}"
                   + (f" ({trigger.modality})" if trigger.modality else ""),
        "source": citation, "locator": locator, "flag": "",
        "plover": code.plover, "source_iso3": src.codes[0], "target_iso3": tgt.codes[0],
        "source_sector": src.sector, "target_sector": tgt.sector, "modality": trigger.modality,
        "confidence": confidence(parsed), "rule": trigger.rule, "date_rule": dated.rule if dated else "",
        "trigger": sentence.text[trigger.start: trigger.end],
        "trigger_start": sentence.offset(trigger.start), "trigger_end": sentence.offset(trigger.end - 1) + 1,
        "source_text": src.text, "source_start": sentence.offset(src.start),
        "source_end": sentence.offset(src.end - 1) + 1, "target_text": tgt.text,
        "target_start": sentence.offset(tgt.start), "target_end": sentence.offset(tgt.end - 1) + 1,
        "sentence": sentence.text, "file": str(document.path), "line_start": first, "line_end": last,
        "sha256": document.sha256,
    }


def parse_document(document: Document, lexicon: Lexicon) -> list[Parsed]:
    """Every sentence of ``document``, dated in reading order and parsed; a sentence with several
    explicit dates takes the one nearest its trigger."""
    tracker = DateTracker(document.date)
    parsed = []
    for sentence in sentences(document):
        dated = tracker.date(sentence.text)
        reading = parse(sentence, lexicon, dated)
        if reading.trigger is not None and (near := tracker.nearest(sentence.text, reading.trigger.start)):
            reading = replace(reading, dated=near)
        parsed.append(reading)
        parsed.extend(_clauses(sentence, reading, lexicon))
    return parsed


_CLAUSE = re.compile(r";\s+|,\s+(?=(?:and|but|while|whereas|and then)\s)|\s+and then\s+")


def _clauses(sentence: Sentence, first: Parsed, lexicon: Lexicon) -> list[Parsed]:
    """Further events of a sentence: each later clause (after ``;`` or ``, and``/``, but``…) with a
    trigger of its own, read as a sentence of its own; without an actor before its trigger it takes
    the sentence's source (``Japan protested, and recalled its ambassador``). Offsets stay the
    sentence's."""
    if first.trigger is None:
        return []
    cuts = [m.end() for m in _CLAUSE.finditer(sentence.text) if m.start() > first.trigger.end]
    found = []
    for start, end in zip(cuts, [*cuts[1:], len(sentence.text)][: len(cuts)], strict=True):
        reading = parse(sentence.part(start, end), lexicon, first.dated)
        trigger = reading.trigger
        if trigger is None or trigger.code == first.trigger.code:
            continue
        mentions = tuple(_shift(m, start) for m in reading.mentions)
        source, target = _shift(reading.source, start), _shift(reading.target, start)
        if not any(m.end <= trigger.start + start for m in mentions):
            source, target = first.source, target or first.target
        if source or target:
            found.append(Parsed(sentence, mentions, replace(trigger, start=trigger.start + start,
                                                              end=trigger.end + start), first.dated, source, target))
    return found


def _shift(mention: ActorMention | None, by: int) -> ActorMention | None:
    return None if mention is None else replace(mention, start=mention.start + by, end=mention.end + by)


def extract(paths: Iterable[str | Path], case: Case | None = None, *, citation: str = "",
            when: date | None = None, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Candidate events of documents, one row per event sentence, with provenance (:data:`COLUMNS`).

    Parameters
    ----------
    paths
        Text, Markdown or HTML files; all are read (and checked) before any is parsed.
    case
        Its actors, leaders and dyad resolve names, offices and categories.
    citation
        The ``source`` (bibliography key) written in every row; by default, for each document, the
        key of the case's ``sources.bib`` entry whose ``file`` field is the document's name (the
        seeds), else empty. A row's ``locator`` is ``<file name>:L<first>-<last>``.
    when
        The documents' own date, for sentences with no date of their own.
    lexicon
        A prebuilt actor dictionary (default: :func:`build_lexicon` of ``case``).
    """
    documents = [read_document(p, when=when) for p in paths]
    if not documents:
        raise BilateralError("no documents given — name one or more text, Markdown or HTML files")
    if case is not None and citation and citation not in case.sources:
        raise BilateralError(f"citation {citation!r} is not in case {case.name}'s sources.bib — use one of "
                             f"{', '.join(case.sources)} or add an entry for the document there")
    lexicon = lexicon or build_lexicon(case)
    known = {a.id for a in case.actors} if case is not None else set()
    dyad = tuple(case.dyad) if case is not None else ()
    by_file = {entry.fields["file"]: key for key, entry in case.sources.items()
               if entry.fields.get("file")} if case is not None else {}
    rows = []
    for document in documents:
        cited = citation or by_file.get(document.path.name, "")
        for parsed in parse_document(document, lexicon):
            if parsed.trigger is not None and (parsed.source or parsed.target):
                rows.append(_row(parsed, len(rows) + 1, known=known, dyad=dyad, citation=cited))
    return pd.DataFrame(rows, columns=list(COLUMNS))
