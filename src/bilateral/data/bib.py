"""One bibliography: a case's ``sources.bib`` and the catalogue's references (``catalog.yaml``).

Every work a case or the data layer cites is found here by its BibTeX key. A key defined in both
places must describe the same work: the same entry type, and the same value for every field and
person list both give (notes and the seed ``file`` field, which annotate how a source is used,
aside); one may add fields the other lacks. The case's entry is the one used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from bilateral.case import Case
from bilateral.case.bib import BibEntry, label, parse_bibtex, reference
from bilateral.data import catalog
from bilateral.errors import BilateralError

ANNOTATIONS = ("note", "file")
CATALOGUE = f"{files('bilateral.data').joinpath('catalog.yaml')} (references)"


@dataclass(frozen=True)
class Bibliography:
    """BibTeX entries by key, with where each is defined (``file:line``)."""

    entries: dict[str, BibEntry]
    places: dict[str, tuple[str, ...]]

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def keys(self) -> list[str]:
        """Every key: the case's in the order of its file, then the catalogue's."""
        return list(self.entries)

    def entry(self, key: str) -> BibEntry:
        """The entry of ``key``; an unknown key is a :class:`BilateralError` naming it."""
        if key not in self.entries:
            raise BilateralError(f"unknown citation key {key!r} — add it to the case's sources.bib, or use "
                                 f"one of: {', '.join(self.entries)}")
        return self.entries[key]

    def bibtex(self, keys: Iterable[str] | None = None) -> str:
        """The BibTeX of ``keys`` as written where they are defined (all when ``None``), in the
        given order, duplicates dropped; unknown keys are a :class:`BilateralError` naming them."""
        wanted = list(dict.fromkeys(self.entries if keys is None else keys))
        unknown = [k for k in wanted if k not in self.entries]
        if unknown:
            raise BilateralError(f"unknown citation key(s) {', '.join(unknown)} — known: {', '.join(self.entries)}")
        return "\n\n".join(self.entries[k].text for k in wanted)

    def label(self, key: str) -> str:
        """A short in-text label of ``key``, "Author (year)" (:func:`bilateral.case.bib.label`)."""
        return label(self.entry(key))

    def reference(self, key: str) -> str:
        """A plain-text reference of ``key`` in pybtex's plain style (:func:`bilateral.case.bib.reference`)."""
        return reference(self.entry(key))


def _content(entry: BibEntry) -> dict[str, str]:
    return {name: " ".join(value.split()) for name, value in entry.fields.items() if name not in ANNOTATIONS}


def _conflict(a: BibEntry, b: BibEntry) -> str | None:
    """What differs between two definitions of one key (None when they agree)."""
    if a.type != b.type:
        return f"@{a.type} against @{b.type}"
    left, right = _content(a), _content(b)
    differ = [name for name in left.keys() & right.keys() if left[name] != right[name]]
    return f"{', '.join(sorted(differ))} differ" if differ else None


@cache
def _catalogue() -> tuple[dict[str, BibEntry], dict[str, tuple[str, ...]]]:
    entries: dict[str, BibEntry] = {}
    for key, text in catalog.references().items():
        parsed, problems = parse_bibtex(text, f"{CATALOGUE} {key}")
        if problems or list(parsed) != [key]:
            found = "; ".join(map(str, problems)) or f"defines {', '.join(parsed) or 'nothing'}"
            raise BilateralError(f"{CATALOGUE}: the reference under {key!r} {found} — write one BibTeX entry "
                                 "with that key")
        entries[key] = parsed[key]
    return entries, {key: (CATALOGUE,) for key in entries}


def bibliography(case: Case | None = None) -> Bibliography:
    """The catalogue's references, merged with ``case``'s sources when a case is given.

    A key defined in both with different content is a :class:`BilateralError` naming both places.
    """
    known, places = _catalogue()
    if case is None:
        return Bibliography(dict(known), dict(places))
    file = case.path / "sources.bib"
    entries, where = dict(case.sources), {k: (f"{file}:{e.line}",) for k, e in case.sources.items()}
    clashes = []
    for key, entry in known.items():
        if key not in entries:
            entries[key], where[key] = entry, places[key]
        elif (problem := _conflict(entries[key], entry)) is not None:
            clashes.append(f"{key!r} ({problem}) in {where[key][0]} and in {CATALOGUE}")
        else:
            where[key] += places[key]
    if clashes:
        raise BilateralError("citation key(s) defined twice with different content: " + "; ".join(clashes)
                             + " — make the entries agree, or rename the case's key")
    return Bibliography(entries, where)
