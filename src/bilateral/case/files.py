"""Read YAML and CSV files keeping the line of every record and field."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bilateral.errors import Problem


class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    """A safe loader that records duplicate and unhashable keys instead of losing or crashing on them."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.key_problems: list[tuple[int, str, str, str]] = []


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    data = LineDict()
    data.line, data.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            loader.key_problems.append((line, "key", f"the key {key!r} is a list or a mapping",
                                        "write keys as plain words, e.g. 'name: …'"))
            continue
        if key in data:
            loader.key_problems.append((line, str(key), f"duplicate key {key!r} (first on line {data.key_lines[key]})",
                                        "keep one of them: YAML would silently use the last"))
            continue
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line
    return data


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass
class Raw:
    """One record as read: its fields (a :class:`LineDict` for YAML), file and first line."""

    data: dict[str, Any]
    file: str
    line: int

    def line_of(self, loc: tuple[Any, ...]) -> int:
        """Line of a field path such as ``("test", "event")``; the record's line if unknown."""
        line, node = self.line, self.data
        for part in loc:
            if isinstance(node, LineDict) and part in node.key_lines:
                line = node.key_lines[part]
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, LineDict):
                line = max(line, node.line)
        return line


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """Parse a YAML file; a syntax error becomes a problem with its line."""
    text = read_text(path, problems)
    if text is None:
        return None
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = f"invalid YAML: {err.problem}"
        if err.context and err.context_mark:
            message += f" ({err.context} on line {err.context_mark.line + 1})"
        problems.append(Problem(path.name, mark.line + 1 if mark else 0, "syntax", message,
                                "fix the indentation or quoting"))
        return None
    finally:
        loader.dispose()
    problems.extend(Problem(path.name, line, field, message, fix) for line, field, message, fix in loader.key_problems)
    if data is None:
        problems.append(Problem(path.name, 1, "file", "the file is empty",
                                "write its content (docs/case-format.md), or remove the file if it is optional"))
    return data


def yaml_records(path: Path, problems: list[Problem]) -> list[Raw]:
    """The items of a YAML file that holds a list of mappings."""
    data = read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(path.name, 1, "file", "expected a list of records",
                                "start each record with '- id: …'"))
        return []
    records = []
    for index, item in enumerate(data):
        if not isinstance(item, LineDict):
            problems.append(Problem(path.name, 0, f"item {index + 1}", "not a mapping",
                                    "write each record as 'key: value' lines"))
            continue
        records.append(Raw(item, path.name, item.line))
    return records


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """A file's text as UTF-8; an undecodable byte becomes a problem with its line.

    A symbolic link is not followed (a case folder holds its own files; a link could expose any
    file on the machine through the error messages): it is a problem, and nothing is read.
    """
    if path.is_symlink():
        problems.append(Problem(path.name, 0, "file", "is a symbolic link, not read",
                                "copy the file itself into the case folder"))
        return None
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(Problem(path.name, line, "encoding", f"byte {data[err.start]:#x} is not UTF-8",
                                "save the file as UTF-8"))
        return None


def csv_records(path: Path, columns: list[str], problems: list[Problem]) -> list[Raw]:
    """The rows of a CSV file with a header; empty cells are left out so defaults apply."""
    records: list[Raw] = []
    text = read_text(path, problems)
    if text is None:
        return records
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            problems.append(Problem(path.name, 1, "header", "the file is empty",
                                    f"start with the header {','.join(columns)}"))
            return []
        header = [h.strip() for h in header]
        missing = [c for c in columns if c not in header]
        unknown = [c for c in header if c not in columns]
        if missing or unknown:
            what = "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                           unknown and f"unknown {', '.join(unknown)}"]))
            problems.append(Problem(path.name, 1, "header", what,
                                    f"use the header {','.join(columns)}"))
            return []
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(Problem(path.name, line, "row",
                                        f"{len(row)} fields, the header has {len(header)}",
                                        "quote fields that contain commas"))
                continue
            data = {k: v.strip() for k, v in zip(header, row, strict=True) if v.strip()}
            records.append(Raw(data, path.name, line))
    return records
