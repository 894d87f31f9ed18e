"""Every event's locator points at seed lines that exist and name the event: a mis-typed locator fails.

A locator ``<seed>:L<first>-<last>`` must lie inside the seed, and those lines (hyphenation across line
ends undone) must contain one of the event's key terms: a distinctive word of an actor's name, a
proper name from the summary (a place, a person, a ship), or the event's year (for an approximate date
also its decade, "the 1970s"). The dyad's own names (Russia, Japan, Soviet …) and other words found on
almost every page are not key terms, so a locator shifted to a neighbouring passage is caught.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from bilateral.case import load_case

LOCATOR = re.compile(r"^(?P<file>[0-9a-f_]+\.txt):L(?P<first>\d+)(?:-L?(?P<last>\d+))?$")
#: Words too common in the seeds to tell one passage from another.
COMMON = {
    "russia", "russian", "russians", "japan", "japanese", "soviet", "soviets", "ussr", "union", "federation",
    "moscow", "tokyo", "kremlin", "government", "ministry", "foreign", "affairs", "public", "opinion", "state",
    "states", "relations", "islands", "island", "kuril", "kurils", "territorial", "the", "and", "with", "after",
    "before", "from", "into", "over", "their", "group", "groups", "party", "national", "republic", "people",
    "prime", "minister", "president", "leaders", "leader", "military", "security", "services", "business",
    "energy", "companies", "private", "regional", "economy", "elites", "east", "far", "north", "northern",
    "peace", "treaty", "talks", "visit", "visits", "paper", "seed", "cameo", "neutral", "says",
}
SEEDS = ("seed000", "seed003")


@pytest.fixture(scope="module")
def case():
    return load_case()


@cache
def seed_lines(folder: Path, name: str) -> tuple[str, ...]:
    return tuple((folder / name).read_text(encoding="utf-8").splitlines())


def words(text: str, shortest: int = 4) -> set[str]:
    """Lower-case words of ``shortest`` or more letters that are not in :data:`COMMON`."""
    found = re.findall(rf"[A-Za-zÀ-ÿ]{{{shortest},}}|\b[A-Z]\d\b", text)  # G7, G8 count too
    return {w.lower() for w in found} - COMMON


@cache
def rare_words(folder: Path, name: str) -> frozenset[str]:
    """Stems of words on at most 0.5 % of the seed's lines (two at least): a summary word among them
    marks its passage."""
    lines = seed_lines(folder, name)
    counts: dict[str, int] = {}
    for line in lines:
        for w in {stem(w) for w in words(line)}:
            counts[w] = counts.get(w, 0) + 1
    return frozenset(w for w, k in counts.items() if k <= max(2, 0.005 * len(lines)))


def stem(word: str) -> str:
    """Enough of a word to match its other forms (pledges ~ pledging, exchanges ~ exchange)."""
    return word if word.isdigit() else word[:5]


def key_terms(event, names: dict[str, str], rare: frozenset[str]) -> set[str]:
    """The event's actors (name words and id), the summary's proper names (places, people), rare
    words and figures (3,500; 17.6), and the event's year — for an approximate date also its decade."""
    terms: set[str] = set()
    for actor in (event.source_actor, event.target_actor):
        terms |= words(re.sub(r"\(.*?\)", "", names[actor]))
        if actor.islower():  # a leader's id is the surname (abe, kan); an ISO3 code says nothing
            terms |= words(actor.replace("_", " "), 3) - {"rus", "jpn"}
    proper = re.findall(r"\b[A-Z][a-zà-ÿ]{3,}|\b[A-Z]\d\b", event.summary)
    terms |= {p.lower() for p in proper} - COMMON
    terms |= {w for w in words(event.summary) if stem(w) in rare}
    numbers = {n for n in re.findall(r"\d[\d,.]*\d", event.summary) if not re.fullmatch(r"1[89]\d\d|20\d\d", n)}
    terms.add(event.date[:4])
    if event.precision == "approx":
        terms.add(f"{event.date[:3]}0s")
    return {stem(t) for t in terms} | numbers


def named(event, names: dict[str, str], folder: Path) -> bool:
    """Whether the event's locator lines contain one of its key terms."""
    text = passage(folder, event.locator)
    rare = rare_words(folder, event.locator.split(":")[0])
    return any(re.search(rf"\b{re.escape(t)}", text) for t in key_terms(event, names, rare))


def passage(folder: Path, locator: str) -> str:
    match = LOCATOR.match(locator)
    assert match, f"locator {locator!r} is not <seed>:L<first>-<last>"
    lines = seed_lines(folder, match["file"])
    first, last = int(match["first"]), int(match["last"] or match["first"])
    assert 1 <= first <= last <= len(lines), f"{locator}: lines {first}-{last} outside 1-{len(lines)}"
    text = re.sub(r"-\s*\n\s*", "", "\n".join(lines[first - 1:last])).lower()
    return re.sub(r"\b([a-z])-(\d)\b", r"\1\2", text.replace("u.s.", "united states"))  # G-8 ~ G8


def test_every_event_is_located_in_a_seed(case):
    assert {e.source for e in case.events} <= set(SEEDS)
    assert len(case.events) >= 165


def test_every_locator_names_its_event(case, shared):
    folder = shared / "seeds"
    names = {a.id: a.name for a in case.actors}
    missing = [f"{e.id} {e.locator}: none of {sorted(key_terms(e, names, rare_words(folder, e.locator[:24])))}"
               for e in case.events if not named(e, names, folder)]
    assert not missing, "\n".join(missing)


def test_a_shifted_locator_is_caught(case, shared):
    """The check has teeth: E056 (Gorbachev's April 1991 visit) moved to the Yeltsin section fails."""
    folder = shared / "seeds"
    names = {a.id: a.name for a in case.actors}
    event = next(e for e in case.events if e.id == "E056")
    assert named(event, names, folder)
    assert not named(event.model_copy(update={"locator": "000_7f62de5ec775ad22.txt:L433-439"}), names, folder)
    with pytest.raises(AssertionError, match=r"lines 1060-1070 outside 1-\d+"):
        passage(folder, "000_7f62de5ec775ad22.txt:L1060-1070")


def test_outside_knowledge_has_its_own_citation(case):
    """A record that adds outside knowledge cites it apart from the seed locator; corrected dates keep
    the seed's date beside them."""
    outside = [e for e in case.events if e.outside]
    assert {e.id for e in outside} >= {"E082", "E117", "E009", "E091"}
    for event in outside:
        assert event.outside_source in case.sources and event.outside_source not in SEEDS
        assert event.outside_locator
    corrected = {e.id: (e.seed_date, e.date) for e in case.events if e.date_corrected}
    assert corrected["E009"] == ("1917", "1918-07-17")
    assert corrected["E091"] == ("1995-05-29", "1995-05-28")
    assert corrected["E044"] == ("1980s", "1978-10")
    assert all(e.flag for e in case.events if e.date_corrected)


def test_the_gap_between_1982_and_1990_is_coded(case):
    """Seed 000 discusses Gorbachev's new thinking and the 1989 polls: the case has events there."""
    between = sorted(e.id for e in case.events if "1983" <= e.date[:4] <= "1989")
    assert between == ["E157", "E158", "E159", "E160", "E161", "E162"]
