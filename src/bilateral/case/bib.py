"""A small BibTeX reader: entries as ``@type{key, field = {value} | "value" | number, …}``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bilateral.errors import Problem

_HEAD = re.compile(r"@(?P<type>[A-Za-z]+)\s*\{\s*(?P<key>[^,\s]+)\s*,")
_FIELD = re.compile(r"\s*(?P<name>[A-Za-z][\w-]*)\s*=\s*")


@dataclass(frozen=True)
class BibEntry:
    type: str
    key: str
    fields: dict[str, str]
    line: int
    text: str = field(repr=False)


def _value(text: str, pos: int) -> tuple[str, int]:
    """Read one field value starting at ``pos``; return it and the position after it."""
    if text[pos] == "{":
        depth, start = 0, pos
        for i in range(pos, len(text)):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                return text[start + 1 : i], i + 1
        raise ValueError("unbalanced braces")
    if text[pos] == '"':
        end = text.index('"', pos + 1)
        return text[pos + 1 : end], end + 1
    match = re.match(r"[\w.-]+", text[pos:])
    if not match:
        raise ValueError(f"cannot read a value at {text[pos:pos + 20]!r}")
    return match.group(), pos + match.end()


def parse_bibtex(text: str, file: str = "sources.bib") -> tuple[dict[str, BibEntry], list[Problem]]:
    """Parse a bibliography; malformed or duplicate entries become problems, not exceptions."""
    entries: dict[str, BibEntry] = {}
    problems: list[Problem] = []
    for head in _HEAD.finditer(text):
        line = text.count("\n", 0, head.start()) + 1
        key, pos, fields = head["key"], head.end(), {}
        try:
            while True:
                match = _FIELD.match(text, pos)
                if not match:
                    break
                value, pos = _value(text, match.end())
                fields[match["name"].lower()] = " ".join(value.split())
                pos = re.match(r"\s*,?", text[pos:]).end() + pos
            if not re.match(r"\s*\}", text[pos:]):
                raise ValueError(f"unexpected text {text[pos:pos + 30].strip()!r}")
        except (ValueError, IndexError) as err:
            problems.append(Problem(file, line, key, f"malformed entry: {err}",
                                    "write fields as name = {value}, separated by commas"))
            continue
        if key in entries:
            problems.append(Problem(file, line, key, "duplicate key",
                                    f"rename it or merge with line {entries[key].line}"))
            continue
        end = pos + re.match(r"\s*\}", text[pos:]).end()
        entries[key] = BibEntry(head["type"].lower(), key, fields, line, text[head.start():end])
    return entries, problems
