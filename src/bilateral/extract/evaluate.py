"""How well extraction does: the PLOVER gold-standard sentences and the case's own seed events.

PLOVER: ``codes/PLOVER_GSR_CAMEO.txt`` in the data directory (322 coded sentences, a JSON list).
Its event types are mapped onto the 16 PLOVER types of the package's CAMEO table (``DEMAND`` →
``REQUEST``; ``DISAPPROVE`` and ``INVESTIGATE`` → ``ACCUSE``; ``FIGHT`` → ``ASSAULT``) and each
type's QuadClass is that of its top CAMEO code (:func:`bilateral.codes.plover_to_cameo`). A third
of the sentences (those whose id's SHA-1 is divisible by 3) are held out: the rules were tuned
on the other two thirds only. Actor accuracy: a predicted source (target) is right when its
country is one of the gold source (target) codes, over the sentences that have gold codes.

Seeds: a case event is *recalled* when a candidate comes from the same seed passage (its line
range overlaps the event's locator) and its date is within the event's precision (same day,
month or year; ±2 years for ``approx``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bilateral.case import Case
from bilateral.codes import cameo, plover_to_cameo
from bilateral.data.paths import data_dir, locate
from bilateral.errors import BilateralError
from bilateral.extract.actors import Lexicon
from bilateral.extract.candidates import parse
from bilateral.extract.reader import Document, Sentence

GOLD = "codes/PLOVER_GSR_CAMEO.txt"
"""Path of the PLOVER gold-standard sentences inside the data directory."""

TO_PACKAGE = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
"""PLOVER 2021 event types → the 16 types of the package's CAMEO table."""

_GOLD_CODES = {"JAP": "JPN", "VTN": "VNM", "ITL": "ITA"}


@dataclass(frozen=True)
class GoldSentence:
    """One PLOVER gold sentence: its type (package vocabulary), QuadClass and actor codes."""

    id: str
    text: str
    plover: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]

    @property
    def held_out(self) -> bool:
        return int(hashlib.sha1(self.id.encode()).hexdigest(), 16) % 3 == 0


def _codes(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    codes = [item.get("code", "") if isinstance(item, dict) else item for item in items]
    return tuple(_GOLD_CODES.get(c, c) for c in codes if isinstance(c, str) and re.fullmatch(r"[A-Z]{3}", c))


def load_gold(path: Path | None = None) -> list[GoldSentence]:
    """The PLOVER gold sentences (the documentation record is left out)."""
    path = path or locate("codes", GOLD, data_dir())
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BilateralError(f"{path}:{error.lineno}: not JSON ({error.msg}) — give the PLOVER_GSR_CAMEO.txt "
                             "file as distributed") from None
    return [GoldSentence(r["id"], r["text"], TO_PACKAGE.get(r["event"], r["event"]), _codes(r.get("source", [])),
                         _codes(r.get("target", []))) for r in records if r.get("event") != "DOCUMENT"]


def _quad(plover: str) -> int:
    return cameo(plover_to_cameo()[plover]).quad_class if plover in plover_to_cameo() else 0


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean over the true classes of F1 = 2·TP / (2·TP + FP + FN)."""
    scores = []
    for label in sorted(set(truth)):
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def predict_gold(gold: Sequence[GoldSentence], lexicon: Lexicon) -> pd.DataFrame:
    """One row per gold sentence: gold and predicted type, QuadClass, source and target."""
    document = Document(Path("PLOVER_GSR_CAMEO.txt"), "", "", "text")
    rows = []
    for item in gold:
        parsed = parse(Sentence(document, 0, item.text, 0, len(item.text), (0,), (0,)), lexicon, None)
        trigger = parsed.trigger
        code = cameo(trigger.code) if trigger is not None else None
        source = parsed.source or parsed.target
        target = parsed.target or parsed.source
        rows.append({"id": item.id, "held_out": item.held_out, "gold": item.plover,
                     "predicted": code.plover if code and code.plover else "none",
                     "gold_quad": _quad(item.plover), "quad": code.quad_class if code else 0,
                     "gold_source": " ".join(item.sources), "source": source.codes[0] if source else "",
                     "gold_target": " ".join(item.targets), "target": target.codes[0] if target else "",
                     "cameo": code.code if code else "", "rule": trigger.rule if trigger else ""})
    return pd.DataFrame(rows)


def plover_scores(predictions: pd.DataFrame) -> dict[str, float]:
    """Accuracy and macro-F1 of the 16 types, QuadClass accuracy, cooperation-vs-conflict macro-F1,
    source and target accuracy (percent; F1 × 100), and the number of sentences."""
    p = predictions
    binary_truth = ["coop" if q <= 2 else "conflict" for q in p["gold_quad"]]
    binary = ["coop" if 1 <= q <= 2 else "conflict" if q else "none" for q in p["quad"]]
    with_source = p[p["gold_source"] != ""]
    with_target = p[p["gold_target"] != ""]

    def hit(frame: pd.DataFrame, gold: str, predicted: str) -> float:
        right = [pr in g.split() for g, pr in zip(frame[gold], frame[predicted], strict=True)]
        return 100 * sum(right) / len(right) if right else float("nan")

    return {"sentences": float(len(p)), "accuracy": 100 * float((p["gold"] == p["predicted"]).mean()),
            "macro_f1": 100 * macro_f1(list(p["gold"]), list(p["predicted"])),
            "quad_accuracy": 100 * float((p["gold_quad"] == p["quad"]).mean()),
            "binary_macro_f1": 100 * macro_f1(binary_truth, binary),
            "source_accuracy": hit(with_source, "gold_source", "source"),
            "target_accuracy": hit(with_target, "gold_target", "target")}


def evaluate_plover(lexicon: Lexicon, path: Path | None = None) -> pd.DataFrame:
    """:func:`plover_scores` for the tuning part, the held-out part and all sentences (one column each)."""
    predictions = predict_gold(load_gold(path), lexicon)
    parts = {"tuning": predictions[~predictions["held_out"]], "held_out": predictions[predictions["held_out"]],
             "all": predictions}
    return pd.DataFrame({name: plover_scores(frame) for name, frame in parts.items()})


def _lines(locator: str) -> tuple[str, int, int] | None:
    found = re.fullmatch(r"(?P<file>[^:]+):L(?P<a>\d+)(?:-(?P<b>\d+))?", locator.strip())
    if found is None:
        return None
    first = int(found.group("a"))
    return found.group("file"), first, int(found.group("b") or first)


def _same_time(event_date: str, precision: str, candidate_date: str) -> bool:
    if not candidate_date:
        return False
    if precision == "approx":
        return abs(int(event_date[:4]) - int(candidate_date[:4])) <= 2
    width = {"day": 10, "month": 7, "year": 4}[precision]
    return (len(candidate_date) >= width and candidate_date[:width] == event_date[:width]) or (
        precision == "year" and candidate_date[:4] == event_date[:4])


def seed_recall(case: Case, candidates: pd.DataFrame) -> dict[str, float]:
    """Recall of the case's seed events among ``candidates`` and false candidates per true one.

    Returns ``events`` (case events with a seed locator), ``recalled``, ``recall`` (percent),
    ``candidates``, ``true_candidates`` (matching at least one event) and ``false_per_true``.
    """
    events = [(e, _lines(e.locator)) for e in case.events]
    events = [(e, where) for e, where in events if where is not None]
    names = candidates["file"].map(lambda f: Path(f).name)
    matched_events, true_candidates = set(), set()
    for index, (name, first, last, when) in enumerate(zip(names, candidates["line_start"], candidates["line_end"],
                                                          candidates["date"], strict=True)):
        for event, (file, a, b) in events:
            if file == name and first <= b and a <= last and _same_time(event.date, event.precision, when):
                matched_events.add(event.id)
                true_candidates.add(index)
    true = len(true_candidates)
    return {"events": float(len(events)), "recalled": float(len(matched_events)),
            "recall": 100 * len(matched_events) / len(events) if events else float("nan"),
            "candidates": float(len(candidates)), "true_candidates": float(true),
            "false_per_true": (len(candidates) - true) / true if true else float("inf")}
