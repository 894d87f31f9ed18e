"""BibTeX with pybtex: entries with the line they start on, problems instead of exceptions, and
plain-text references in pybtex's ``plain`` style."""

from __future__ import annotations

from dataclasses import dataclass, field

from pybtex import errors as pybtex_errors
from pybtex.backends.plaintext import Backend
from pybtex.database import BibliographyDataError, Entry, Person
from pybtex.database.input.bibtex import DuplicateField, LowLevelParser, Parser
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.formatting.plain import Style
from pybtex.style.template import FieldIsMissing, sentence
from pybtex.style.template import field as template_field

from bilateral.errors import Problem

PLACEHOLDER_AUTHORS = {"unknown", "anonymous", "anon.", "anon", "n.n."}
"""Author names that stand for "no author" (``author = {{Unknown}}``): a reference leaves them out."""


@dataclass(frozen=True)
class BibEntry:
    """One entry: ``fields`` has lower-case names and plain values (persons as ``A and B``)."""

    type: str
    key: str
    fields: dict[str, str]
    line: int
    text: str = field(repr=False)
    entry: Entry = field(repr=False, compare=False)


def _fields(entry: Entry) -> dict[str, str]:
    values = {name.lower(): value for name, value in entry.fields.items()}
    for role, people in entry.persons.items():
        values[role.lower()] = " and ".join(str(p) for p in people)
    return values


def parse_bibtex(text: str, file: str = "sources.bib") -> tuple[dict[str, BibEntry], list[Problem]]:
    """Parse a bibliography with pybtex; malformed or duplicate entries become problems, not exceptions.

    A malformed entry (pybtex syntax error) and a repeated key are left out, each with a
    :class:`Problem` at the line where the entry starts; a repeated field keeps its first value.
    """
    parser = Parser()
    parser.unnamed_entry_counter = 1
    failed: dict[int, tuple[str | None, str]] = {}  # entry start → (key, message)

    def syntax_error(error: PybtexSyntaxError) -> None:
        failed.setdefault(error.error_context_info[0], (scanner.current_entry_key, str(error)))

    def line_of(position: int) -> int:
        return text.count("\n", 0, position) + 1

    scanner = LowLevelParser(text, handle_error=syntax_error, macros=parser.macros)
    entries: dict[str, BibEntry] = {}
    problems: list[Problem] = []
    for command, body in scanner:
        start, end = scanner.command_start, scanner.pos
        if start in failed or command.lower() in ("string", "preamble"):
            continue
        key, fields = body
        with pybtex_errors.capture() as captured:
            parser.process_entry(command, key, fields)
        line = line_of(start)
        for error in captured:
            if isinstance(error, DuplicateField):
                problems.append(Problem(file, line, key, f"malformed entry: {error}", "keep one of the two"))
            elif isinstance(error, BibliographyDataError):
                first = next(e.line for k, e in entries.items() if k.lower() == key.lower())
                problems.append(Problem(file, line, key, "duplicate key", f"rename it or merge with line {first}"))
        if any(isinstance(e, BibliographyDataError) and not isinstance(e, DuplicateField) for e in captured):
            continue
        entry = parser.data.entries[key]
        entries[key] = BibEntry(command.lower(), key, _fields(entry), line, text[start:end], entry)
    for start, (key, message) in failed.items():
        problems.append(Problem(file, line_of(start), key or "entry", f"malformed entry: {message}",
                                "write fields as name = {value}, separated by commas, and close the entry"))
    return entries, problems


class _PlainStyle(Style):
    """pybtex's ``plain`` style, with titles kept as written (plain lower-cases them)."""

    def format_title(self, e: Entry, which_field: str, as_sentence: bool = True):
        title = template_field(which_field)
        return sentence[title] if as_sentence else title


def _without_placeholders(entry: Entry) -> Entry:
    """A copy without its file field (and its note, unless it has no title: the note then says what
    the work is), placeholder authors removed; an entry with no author or editor takes its
    organization, institution or publisher as author."""
    dropped = {"file", "note"} if any(k.lower() == "title" for k in entry.fields) else {"file"}
    fields = {k: v for k, v in entry.fields.items() if k.lower() not in dropped}
    persons = {role: [p for p in people if str(p).strip("{}").lower() not in PLACEHOLDER_AUTHORS]
               for role, people in entry.persons.items()}
    persons = {role: people for role, people in persons.items() if people}
    if not persons:
        lower = {k.lower(): v for k, v in fields.items()}
        body = next((lower[k] for k in ("organization", "institution", "publisher") if k in lower), None)
        if body:
            persons["author"] = [Person("{" + body + "}")]
    return Entry(entry.type, fields=fields, persons=persons)


def reference(entry: BibEntry) -> str:
    """One entry as a plain-text reference in pybtex's ``plain`` style (authors, title, venue,
    year, doi/url), without its note unless it has no title. An entry without an author — or with a placeholder author
    such as ``{Unknown}`` — starts with its organization, institution or publisher, or else with
    its title; an entry lacking a field its type requires is formatted as ``misc``."""
    style, cleaned = _PlainStyle(), _without_placeholders(entry.entry)
    try:
        formatted = style.format_entry(entry.key, cleaned)
    except FieldIsMissing:
        formatted = style.format_entry(entry.key, Entry("misc", fields=cleaned.fields, persons=cleaned.persons))
    return formatted.text.render(Backend())


def label(entry: BibEntry) -> str:
    """A short in-text label, "Author (year)": the first author's last name ("A & B" for two,
    "A et al." for more); an entry without a real author uses its organization, publisher or the
    first words of its title."""
    people = _without_placeholders(entry.entry).persons.get("author") or \
        _without_placeholders(entry.entry).persons.get("editor") or []
    if people:
        names = [" ".join(p.last_names).strip("{}") or str(p).strip("{}") for p in people]
        who = names[0] if len(names) == 1 else f"{names[0]} & {names[1]}" if len(names) == 2 else f"{names[0]} et al."
    else:
        words = entry.fields.get("title", entry.key).replace("{", "").replace("}", "").split()
        who = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    year = entry.fields.get("year")
    return f"{who} ({year})" if year else who
