"""Actors in a sentence: countries, international organisations, leaders, the case's actors, sectors.

The dictionary is built from country_converter's names, the TABARI/PETRARCH ``CountryInfo``
file (country names, adjectives, capitals and leaders; read from the data directory,
``codes/CountryInfo.120116.txt``, when present) and a case's ``actors.yaml`` and ``leaders.csv``.
Words for sectors (``officials``, ``troops``, ``rebels``…) carry CAMEO sector codes. An actor
*phrase* is a run of such words joined by glue (``Japan's new Prime Minister Shinzo Abe``): its
country is the first country named in it, its sector the first sector word. A bare office
(``the prime minister``) resolves to the case leader in that office on the sentence's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import country_converter as coco

from bilateral.case import Case
from bilateral.codes import SUCCESSORS, iso3_codes, to_iso3
from bilateral.data.paths import data_dir
from bilateral.errors import BilateralError


def _words(text: str) -> list[str]:
    return text.split()

COUNTRY_INFO = "codes/CountryInfo.120116.txt"
"""Path of the PETRARCH country dictionary inside the data directory."""

IGO = "IGO"
"""Code of an international organisation (CAMEO's ``IGO``)."""

SECTORS: dict[str, str] = {
    **dict.fromkeys(_words("government officials official minister ministers ministry authorities authority cabinet "
                   "administration president presidents premier chancellor leader leaders king emir prince "
                   "diplomat diplomats embassy ambassador envoy negotiator negotiators spokesman spokesperson "
                   "spokeswoman secretary kremlin delegation regime mayor governor side sides"), "GOV"),
    **dict.fromkeys(_words("army military troops forces soldiers navy warships aircraft tanks helicopters gunships "
                   "marines artillery jets servicemen peacekeepers"), "MIL"),
    **dict.fromkeys(["police"], "COP"),
    **dict.fromkeys(_words("rebels rebel guerrillas guerillas militants insurgents militia militias militiamen "
                   "separatists hackers terrorists"), "REB"),
    **dict.fromkeys(["opposition", "dissidents"], "OPP"),
    **dict.fromkeys(_words("people public citizens demonstrators protesters students workers refugees civilians "
                   "activists prisoners youths farmers residents landowners nationalists settlers immigrants"), "CVL"),
    **dict.fromkeys(_words("company companies firms firm businessman businessmen business industry"), "BUS"),
    **dict.fromkeys(["newspaper", "media", "press"], "MED"),
    **dict.fromkeys(_words("parliament congress diet duma assembly deputies legislature lawmakers senate"), "LEG"),
    **dict.fromkeys(["court", "judge", "judges"], "JUD"),
}
"""Sector words (lower case) → CAMEO sector code."""

OFFICES: dict[str, str] = {"prime minister": "prime_minister", "premier": "prime_minister",
                           "president": "president", "general secretary": "general_secretary",
                           "secretary general": "general_secretary", "party leader": "general_secretary"}
"""Office words → the ``office`` of ``leaders.csv`` they name."""

ORGANISATIONS = ("United Nations", "U.N.", "UN", "Security Council", "European Community", "European Union",
                 "EU", "EC", "NATO", "Red Cross", "Red Crescent", "Arab League", "IAEA", "APEC", "ASEAN", "OPEC",
                 "OSCE", "UNHCR", "World Bank", "IMF", "International Monetary Fund", "World Food Program",
                 "Amnesty International", "Human Rights Watch", "G7", "G8", "G20", "WTO", "African Union",
                 "Warsaw Pact", "Shanghai Cooperation Organisation", "SCO", "BRICS", "UNIFIL", "Interpol")
"""International organisations, coded :data:`IGO`."""

EXTRA_NAMES: dict[str, str] = {
    "Russian": "RUS", "Russians": "RUS", "Japanese": "JPN", "Chinese": "CHN", "American": "USA",
    "Mongolian": "MNG", "Soviet": "RUS", "Soviets": "RUS", "Soviet Union": "RUS", "USSR": "RUS",
    "Russo": "RUS", "Kremlin": "RUS", "U.S.": "USA", "US": "USA", "America": "USA", "Americans": "USA",
    "Washington": "USA", "White House": "USA", "Pentagon": "USA", "Britain": "GBR", "British": "GBR",
    "UK": "GBR", "Palestinians": "PSE", "Palestinian": "PSE", "Hamas": "PSE", "PLO": "PSE",
    "Fatah": "PSE", "Taliban": "AFG", "Hezbollah": "LBN", "Hizbollah": "LBN", "PRC": "CHN",
    "DPRK": "PRK", "North Korea": "PRK", "South Korea": "KOR", "Seoul": "KOR", "Pyongyang": "PRK",
    "Beijing": "CHN", "Peking": "CHN", "Tokyo": "JPN", "Moscow": "RUS", "Kurds": "IRQ",
    "Czechoslovak": "CZE", "Yugoslav": "SRB", "Serb": "SRB", "Serbs": "SRB", "Kampuchean": "KHM",
    "Vietnamese": "VNM",
}
"""Names that neither dictionary has in this form (metonyms, old names, plural demonyms), and the
adjectives of the built-in case's states so that it reads without the CountryInfo file."""

GLUE = frozenset(_words("the a an and of 's ’s senior top chief deputy vice former new interim acting its their his "
                   "her two both foreign defence defense state interior national federal central local high "
                   "supreme prime general secretary japanese"))
"""Words that may sit inside an actor phrase without ending it."""

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z][A-Za-z]*(?:['’][a-z]+)?|\d+")


@dataclass(frozen=True)
class Entry:
    """What a dictionary phrase names: a country code, a case actor, a sector or an office."""

    code: str = ""
    actor: str = ""
    sector: str = ""
    office: str = ""
    kind: str = "country"
    proper: bool = True


@dataclass(frozen=True)
class ActorMention:
    """An actor phrase in a sentence (offsets into :attr:`Sentence.text`)."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    actor: str
    sector: str
    rule: str


@dataclass
class Lexicon:
    """Phrases (lower case, words joined by spaces) → :class:`Entry`, looked up as word n-grams."""

    entries: dict[str, Entry] = field(default_factory=dict)
    leaders: list[tuple[str, str, str, date, date]] = field(default_factory=list)
    dyad: tuple[str, ...] = ()
    spans: dict[str, int] = field(default_factory=dict)
    """First word of a phrase → the most words of a phrase starting with it."""

    def add(self, phrase: str, entry: Entry, *, replace: bool = False) -> None:
        key = " ".join(_base(t).lower() for t in _TOKEN.findall(phrase.replace("-", " ")))
        if key and (replace or key not in self.entries):
            self.entries[key] = entry
            first = key.split(" ", 1)[0]
            self.spans[first] = max(self.spans.get(first, 0), key.count(" ") + 1)

    def mentions(self, text: str, when: date | None = None) -> list[ActorMention]:
        """Actor phrases of ``text``, left to right."""
        tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
        keys = [_base(w).lower() for _, _, w in tokens]
        hits: list[tuple[int, int, Entry]] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.spans.get(keys[i], 0), len(tokens) - i), 0, -1):
                entry = self.entries.get(" ".join(keys[i:i + n]))
                if entry is not None and (not entry.proper or tokens[i][2][0].isupper()) and (
                        i == 0 or keys[i - 1] not in ("pro", "anti")):  # pro-Iranian Hizbollah is not Iran
                    hits.append((i, i + n, entry))
                    i += n
                    break
            else:
                i += 1
        phrases: list[list[tuple[int, int, Entry]]] = []
        for hit in hits:
            if phrases and _joined(tokens, phrases[-1][-1][1], hit[0]):
                phrases[-1].append(hit)
            else:
                phrases.append([hit])
        return [m for m in (self._resolve(tokens, p, text, when) for p in phrases) if m is not None]

    def _resolve(self, tokens: list[tuple[int, int, str]], hits: list[tuple[int, int, Entry]], text: str,
                 when: date | None) -> ActorMention | None:
        codes = tuple(dict.fromkeys(e.code for _, _, e in hits if e.code))
        actor = next((e.actor for _, _, e in hits if e.actor), "")
        sector = next((e.sector for _, _, e in hits if e.sector), "")
        office = next((e.office for _, _, e in hits if e.office), "")
        rule = "+".join(dict.fromkeys(e.kind for _, _, e in hits))
        if office and not actor:
            held = self.in_office(office, when, codes)
            if held is not None:
                actor, code = held
                codes = codes or (code,)
                rule += "+tenure"
        if not codes:
            return None
        start, end = tokens[hits[0][0]][0], tokens[hits[-1][1] - 1][1]
        return ActorMention(start, end, text[start:end], codes, actor, sector or "GOV" * (office != ""), rule)

    def in_office(self, office: str, when: date | None, codes: tuple[str, ...]) -> tuple[str, str] | None:
        """The (actor id, country) of the one case leader holding ``office`` on ``when``, if one does."""
        if when is None:
            return None
        held = [(a, c) for a, c, o, s, e in self.leaders if o == office and s <= when <= e
                and (not codes or c in codes)]
        if len(held) > 1:
            held = [h for h in held if h[1] in self.dyad]
        return held[0] if len(held) == 1 else None


def _base(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _joined(tokens: list[tuple[int, int, str]], left: int, right: int) -> bool:
    """Whether tokens ``left``…``right`` (exclusive) are all glue or capitalised names."""
    gap = tokens[left:right]
    if len(gap) > 4:
        return False
    return all(w.lower() in GLUE or (w[0].isupper() and w.lower() not in _STOP) for _, _, w in gap) and (
        not gap or tokens[right][0] - gap[-1][1] <= 2)


_STOP = frozenset(_words("the a an in on at to for by with from as but if while after before since when on"))


def _likeliest(phrase: str, claimants: list[tuple[str, str]]) -> str:
    """The country a phrase names when several claim it: the one whose name starts like the phrase
    (``Serbian`` → Serbia, not Serbia and Montenegro's successor listed first), else the first."""
    stem = phrase.lower()[:5]
    return next((code for code, name in claimants if name.lower().startswith(stem)),
                claimants[0][0])


def _iso3(code: str, known: set[str]) -> str:
    """CountryInfo's code as ISO3 (``TMP`` → ``TLS``, ``ROM`` → ``ROU``; the USSR → ``RUS``); empty if none."""
    if code in SUCCESSORS:
        return SUCCESSORS[code]
    if code in known:
        return code
    try:
        return to_iso3(code)
    except BilateralError:
        return ""


def _title(name: str) -> str:
    return " ".join(w.capitalize() for w in name.strip("_").replace("_", " ").split())


@cache
def _country_info(path: Path) -> tuple[tuple[str, str, str], ...]:
    """(phrase, code, kind) rows of a CountryInfo file; kind is name, adjective, capital or leader."""
    rows: list[tuple[str, str, str]] = []
    code, section = "", ""
    for line in path.read_text(encoding="latin-1").splitlines():
        stripped = line.strip()
        if tagged := re.match(r"<(CountryCode|CountryName)>([^<]+)<", stripped):
            if tagged.group(1) == "CountryCode":
                code = tagged.group(2).strip()
            else:
                rows.append((_title(tagged.group(2)), code, "name"))
        elif stripped in ("<Nationality>", "<Capital>", "<Leaders>"):
            section = stripped[1:-1]
        elif stripped in ("</Nationality>", "</Capital>", "</Leaders>"):
            section = ""
        elif section and stripped and not stripped.startswith("<") and code:
            name = stripped.split()[0]
            if "_" in name and name.upper() == name:
                rows.append((_title(name), code, {"Leaders": "leader", "Nationality": "adjective"}.get(section,
                                                                                                        "capital")))
    return tuple(rows)


@cache
def _converter_names() -> tuple[tuple[str, str], ...]:
    data = coco.CountryConverter().data
    return tuple((str(name), str(iso3)) for column in ("name_short", "name_official")
                 for name, iso3 in zip(data[column], data["ISO3"], strict=True) if isinstance(iso3, str))


def build_lexicon(case: Case | None = None, *, country_info: Path | None = None) -> Lexicon:
    """The actor dictionary: countries, organisations, sectors, offices and the case's actors.

    Parameters
    ----------
    case
        Its actors (names; a leader's surname too) and ``leaders.csv`` tenures are added, and win
        over the general dictionaries.
    country_info
        A CountryInfo file; by default ``codes/CountryInfo.120116.txt`` in the data directory, used
        when present.
    """
    lexicon = Lexicon()
    path = country_info if country_info is not None else data_dir() / COUNTRY_INFO
    if path.is_file():
        rows = _country_info(path)
        known = set(iso3_codes())
        names: dict[str, str] = {}
        for name, iso3 in _converter_names():
            names.setdefault(iso3, name)
        claims: dict[str, list[tuple[str, str]]] = {}
        surnames: dict[str, set[str]] = {}
        for phrase, code, kind in rows:
            iso3 = _iso3(code, known)
            if not iso3:
                continue
            forms = [phrase] + [phrase + "s"] * (kind == "adjective" and phrase.endswith(("an", "i")))
            for form in forms:
                claims.setdefault(form, []).append((iso3, names.get(iso3, "")))
            if kind == "leader" and " " in phrase:
                surnames.setdefault(phrase.split()[-1], set()).add(iso3)
        for phrase, claimants in claims.items():
            lexicon.add(phrase, Entry(code=_likeliest(phrase, claimants), kind="country"))
        for phrase, code, kind in rows:
            if kind == "leader" and (iso3 := _iso3(code, known)):
                lexicon.add(phrase, Entry(code=iso3, sector="GOV", kind="leader"), replace=True)
        for surname, codes in surnames.items():
            if len(codes) == 1 and len(surname) >= 4:
                lexicon.add(surname, Entry(code=next(iter(codes)), sector="GOV", kind="leader"))
    for name, code in _converter_names():
        lexicon.add(name, Entry(code=code))
    for name, code in EXTRA_NAMES.items():
        lexicon.add(name, Entry(code=code), replace=True)
    for name in ORGANISATIONS:
        lexicon.add(name, Entry(code=IGO, kind="organisation"), replace=True)
    for word, sector in SECTORS.items():
        lexicon.add(word, Entry(sector=sector, kind="sector", proper=False), replace=True)
    for words, office in OFFICES.items():
        lexicon.add(words, Entry(office=office, kind="office", proper=False), replace=True)
    if case is not None:
        _add_case(lexicon, case)
    return lexicon


def _add_case(lexicon: Lexicon, case: Case) -> None:
    lexicon.dyad = tuple(case.dyad)
    for actor in case.actors:
        if actor.kind == "state":
            continue
        entry = Entry(code=actor.country, actor=actor.id, sector="GOV" if actor.kind == "leader" else "",
                      kind="case_" + actor.kind)
        for name in _names(actor.name, actor.kind):
            lexicon.add(name, entry, replace=True)
    for leader in case.leaders:
        entry = Entry(code=leader.country, actor=leader.id, sector="GOV", kind="case_leader")
        for name in _names(leader.name, "leader"):
            lexicon.add(name, entry)
        lexicon.leaders.append((leader.id, leader.country, leader.office, leader.start,
                                leader.end or date.max))


def _names(name: str, kind: str) -> Iterable[str]:
    main = re.split(r"\s*[(/,]", name)[0].strip()
    yield main
    if kind == "leader" and " " in main:
        yield main.split()[-1]
