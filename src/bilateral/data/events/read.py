"""Reading an event file: verified decompression, physical lines, fields found by header name.

The store never lets DuckDB open an event file. This module reads it, so that every number the
store reports about a file is counted here, from the file itself:

- **Decompression** is chosen by the file's first bytes (gzip, bzip2, zip with one member), not its
  name, and verified: Python's readers check gzip's CRC-32 and length, bzip2's block CRCs and the
  zip member's CRC on a full read. A damaged or truncated archive raises :class:`BilateralError`
  before anything is committed.
- **Lines** are physical: the text between two ``\\n`` bytes, a trailing ``\\r`` removed (so CRLF,
  LF and a mix of them read alike; a lone ``\\r`` inside a field stays in the field). The count of
  lines is taken from the bytes (``\\n`` count, plus a last line without one), separately from the
  splitting into rows, and the store compares the two (:class:`Lines`).
- **Rows** are every line after the header, blank ones included (a blank line is quarantined, so it
  is counted and seen, never silently dropped). A UTF-8 byte-order mark before the first line is
  not part of it.
- **Fields** of tab-separated layouts are split on tabs with no quoting (as the datasets publish
  them); a ``csv`` layout's line is parsed with Python's :mod:`csv` (quotes allowed within a line).
  With a header, columns are found by name, so their order in the file does not matter.

Two ways through a file, with the same results:

- **The fast path** (:meth:`Reader.scan`): DuckDB's parallel CSV reader parses the file itself
  (plain or gzip), while :func:`survey` reads the same bytes in a thread, verifies them and counts
  the lines. It is kept only when the survey proves the file is one a tab split reads alike (UTF-8,
  no ``\r``, no BOM, no NUL or ``\x01`` byte) and the reader gave one row per physical line (it
  skips empty lines, and a line longer than it reads; with no ``\r`` nothing else ends a row, so
  equal counts mean row *k* is line *k*). A wrong number of fields shows as a NULL in the last
  column or a value in one past it (short rows are padded with NULL; an empty field is ``''``,
  never NULL). The raw text of the rows that go to quarantine is read back from the file by line
  number (:meth:`Reader.raw_lines`). Otherwise the file is read again by the exact path.
- **The exact path** (:meth:`Reader.batches`) for everything else: Python splits the lines, keeps
  each one's text, and DuckDB splits the fields.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import hashlib
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bilateral.data.events.formats import Layout
from bilateral.errors import BilateralError

CHUNK = 64 << 20
"""Decompressed bytes handed to the splitter at a time (extended to the next line break)."""
MAX_LINE = 16 << 20
"""A longer line is no event row (real ones are under 10 kB): the file is refused, not held in memory."""
SAMPLE = 64 << 10
"""Bytes read to recognise a layout: a few lines, never a whole huge first line."""
BOM = "\ufeff"
_DAMAGE = (OSError, EOFError, zlib.error, zipfile.BadZipFile, ValueError)


def compression(path: Path) -> str:
    """``gzip``, ``bz2``, ``zip`` or ``none``, from the file's magic bytes."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BZh":
        return "bz2"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    return "none"


def _damaged(path: Path, kind: str, err: BaseException) -> BilateralError:
    what = "file" if kind == "none" else f"{kind} archive"
    return BilateralError(f"{path}: damaged {what} ({type(err).__name__}: {err}) — nothing from it was stored; "
                          "download or copy the file again")


@contextmanager
def open_binary(path: Path) -> Iterator[BinaryIO]:
    """The decompressed bytes of ``path``; damage found while opening is a :class:`BilateralError`."""
    kind = compression(path)
    with ExitStack() as stack:
        try:
            if kind == "gzip":
                handle: BinaryIO = stack.enter_context(gzip.open(path, "rb"))
            elif kind == "bz2":
                handle = stack.enter_context(bz2.open(path, "rb"))
            elif kind == "zip":
                archive = stack.enter_context(zipfile.ZipFile(path))
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise BilateralError(f"{path}: a zip archive with {len(members)} files — event zips hold "
                                         "one file (as GDELT's do); unpack it and ingest the files")
                handle = stack.enter_context(archive.open(members[0]))
            else:
                handle = stack.enter_context(path.open("rb"))
        except _DAMAGE as err:
            raise _damaged(path, kind, err) from None
        yield handle


def blocks(path: Path, size: int = CHUNK) -> Iterator[bytes]:
    """Decompressed bytes in pieces that end just after a ``\\n`` (the last piece may not)."""
    kind = compression(path)
    with open_binary(path) as handle:
        pending: list[bytes] = []
        try:
            while block := handle.read(size):
                cut = block.rfind(b"\n") + 1
                if not cut:
                    pending.append(block)
                    if sum(map(len, pending)) > MAX_LINE:
                        raise BilateralError(f"{path}: a line longer than {MAX_LINE >> 20} MB — this is not "
                                             "event data (or not its text); check the file")
                    continue
                if cut == len(block) and not pending:
                    yield block
                else:
                    yield b"".join([*pending, block[:cut]])
                pending = [block[cut:]] if cut < len(block) else []
        except _DAMAGE as err:
            raise _damaged(path, kind, err) from None
        if pending:
            yield b"".join(pending)


@dataclass
class Survey:
    """What :func:`survey` found in a file's decompressed bytes.

    ``lines`` counts physical lines; ``clean`` says the fast path reads the file exactly (why not,
    when not, in ``why``); ``sha256`` is the file's digest when it was read uncompressed.
    """

    lines: Lines
    clean: bool
    why: str = ""
    sha256: str | None = None


def survey(path: Path, size: int = 16 << 20) -> Survey:
    """Read ``path`` once (decompressed and verified as :func:`open_binary`): count its physical
    lines and check whether DuckDB's reader would read every line as one row of tab-split fields."""
    kind = compression(path)
    lines, why = Lines(), ""
    digest = hashlib.sha256() if kind == "none" else None
    utf8 = codecs.getincrementaldecoder("utf-8")()
    buffer = bytearray(size)
    previous = b""  # the last byte before the block (none before the first)
    with open_binary(path) as handle:
        try:
            while n := handle.readinto(buffer):
                block = buffer if n == size else buffer[:n]
                if digest:
                    digest.update(block)
                lines.physical += block.count(b"\n")
                if not why:
                    why = _unclean(block, previous, utf8)
                previous = bytes(block[-1:])
        except _DAMAGE as err:
            raise _damaged(path, kind, err) from None
    lines.ends_with_newline = previous in (b"\n", b"")
    if not lines.ends_with_newline:
        lines.physical += 1
    if not why:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            why = "not UTF-8"
    return Survey(lines, not why, why, digest.hexdigest() if digest else None)


def _unclean(block: bytearray, previous: bytes, utf8: codecs.IncrementalDecoder) -> str:
    """Why the fast path cannot read ``block`` exactly (empty when it can); ``previous`` is the
    byte before it, ``b""`` for the file's first block."""
    if not previous and block.startswith(BOM.encode()):
        return "a byte-order mark"
    for byte, name in ((b"\r", "a carriage return"), (b"\x00", "a NUL byte"), (b"\x01", "a \\x01 byte")):
        if byte in block:
            return name
    if not block.isascii() or utf8.getstate()[0]:  # or a character begun in the block before
        try:
            utf8.decode(bytes(block))
        except UnicodeDecodeError:
            return "not UTF-8"
    return ""


def sample(path: Path, lines: int = 5) -> list[str]:
    """Up to ``lines`` lines from the start of the file (at most :data:`SAMPLE` bytes; the BOM removed)."""
    with open_binary(path) as handle:
        try:
            head = handle.read(SAMPLE)
        except _DAMAGE as err:
            raise _damaged(path, compression(path), err) from None
    text = head.decode("utf-8", errors="replace").removeprefix(BOM)
    found = [line.removesuffix("\r") for line in text.split("\n")[:lines]]
    return found[:-1] if len(found) > 1 and not found[-1] else found


@dataclass
class Lines:
    """Counts kept while reading: ``physical`` from the bytes, ``header`` lines before the rows."""

    physical: int = 0
    header: int = 0
    ends_with_newline: bool = True

    @property
    def rows(self) -> int:
        """Rows read: every physical line after the header."""
        return self.physical - self.header


@dataclass
class Batch:
    """One piece of a file: its lines as a table, and the lines that are not text.

    ``table`` has ``_line`` (1 = the file's first line) and ``_raw`` (the line exactly as in the
    file, without its line break) and, for a ``csv`` layout, the needed columns split in Python and
    ``_width``; :meth:`Reader.relation` reads it. ``rejected`` holds ``(line, reason, raw)`` for
    lines that are not UTF-8 (they are not in ``table``).
    """

    table: pa.Table
    rejected: list[tuple[int, str, str]] = field(default_factory=list)


def _decode(chunk: bytes) -> tuple[pa.Array, list[int]]:
    """The lines of ``chunk`` as text, and the positions of lines that are not UTF-8."""
    body = memoryview(chunk)[:-1] if chunk.endswith(b"\n") else memoryview(chunk)
    blob = pa.Array.from_buffers(pa.binary(), 1, [None, pa.array([0, len(body)], pa.int32()).buffers()[1],
                                                  pa.py_buffer(body)])
    try:
        return pc.split_pattern(blob.cast(pa.string()), "\n").flatten(), []
    except pa.ArrowInvalid:
        body = bytes(body)
        bad, lines = [], []
        for i, piece in enumerate(body.split(b"\n")):
            try:
                lines.append(piece.decode("utf-8"))
            except UnicodeDecodeError:
                bad.append(i)
                lines.append(piece.decode("utf-8", errors="backslashreplace"))
        return pa.array(lines, pa.string()), bad


def _strip_cr(lines: pa.Array) -> pa.Array:
    ends = pc.ends_with(lines, "\r")
    if not pc.any(ends).as_py():
        return lines
    return pc.if_else(ends, pc.utf8_slice_codeunits(lines, 0, -1), lines)


class Reader:
    """Reads one file as ``layout``: :meth:`batches` yields :class:`Batch` objects, ``lines`` counts."""

    def __init__(self, path: Path, layout: Layout):
        self.path, self.layout = path, layout
        self.lines = Lines()
        self.needed = [c for c in layout.columns if _used(c, layout)]
        self.positions: list[int] | None = None if layout.header else [layout.columns.index(c) for c in self.needed]
        self.width = None if layout.header else len(layout.columns)
        self.delimiter = "\t"

    # -- header
    def _read_header(self, line: str) -> None:
        layout = self.layout
        if layout.name == "csv":
            try:
                self.delimiter = csv.Sniffer().sniff(line, ",;\t|").delimiter
            except csv.Error:
                self.delimiter = ","
            names = [h.strip() for h in next(csv.reader([line], delimiter=self.delimiter))]
        else:
            names = [h.strip() for h in line.split("\t")]
        missing = [c for c in layout.columns if c not in names]
        if missing:
            shown = line[:60] + ("…" if len(line) > 60 else "")
            raise BilateralError(f"{self.path}:1: column(s) {', '.join(missing)} missing from the header — "
                                 f"is this a {layout.name} file? (header starts {shown!r})")
        twice = sorted({n for n in names if names.count(n) > 1 and n in layout.columns})
        if twice:
            raise BilateralError(f"{self.path}:1: column(s) {', '.join(twice)} appear twice in the header — "
                                 "keep one of each")
        self.positions = [names.index(c) for c in self.needed]
        self.width = len(names)

    # -- the fast path
    FIELD_COUNT = "(fields)"
    """The reject reason :meth:`scan` gives a row with the wrong number of fields; the count and the
    reason in words come from its raw text (:meth:`reject_sql`)."""

    def scan(self, compressed: str) -> str:
        """SQL reading the file with DuckDB's CSV reader: ``_line``, ``_raw`` (NULL), ``_reject`` and
        the needed columns, as :meth:`relation`. Only for a file :func:`survey` found clean."""
        if self.layout.header:
            self._read_header(sample(self.path, 1)[0])
        width = self.width or 0
        columns = ", ".join(f"'c{k}': 'VARCHAR'" for k in range(1, width + 2))
        first = 2 if self.layout.header else 1
        needed = ", ".join(f"{self._value(f'c{k + 1}')} AS {_quote(c)}"
                           for c, k in zip(self.needed, self.positions or [], strict=True))
        source = (f"read_csv({_literal(str(self.path))}, delim='\t', quote='', escape='', header=false, "
                  f"skip={first - 1}, auto_detect=false, null_padding=true, strict_mode=false, nullstr='\x01', "
                  f"new_line='\\n', compression={_literal(compressed)}, columns={{{columns}}})")
        return (f"(SELECT row_number() OVER () + {first - 1} AS _line, NULL::VARCHAR AS _raw, "
                f"CASE WHEN c{width} IS NULL OR c{width + 1} IS NOT NULL THEN {_literal(self.FIELD_COUNT)} END "
                f"AS _reject, {needed} FROM {source})")

    def _value(self, field: str) -> str:
        """SQL: the text of ``field``, NULL for the layout's missing markers."""
        for marker in self.layout.missing:
            field = f"nullif({field}, {_literal(marker)})"
        return field

    def reject_sql(self, width: str, raw: str) -> str:
        """SQL: why a line of ``width`` fields and text ``raw`` is no row of the layout (NULL if it is)."""
        if self.layout.header:
            wrong = _literal(f" fields, expected {self.width} — each row needs one value per header column")
        else:
            wrong = _literal(f" fields, expected {self.width} of the {self.layout.name} layout — check the row "
                             "is complete or name the file's layout")
        return (f"CASE WHEN {width} = {self.width} THEN NULL WHEN trim({raw}) = '' THEN 'blank line — delete it' "
                f"ELSE {width}::VARCHAR || {wrong} END")

    def raw_lines(self, numbers: np.ndarray) -> list[str]:
        """The text of the file's lines ``numbers`` (sorted, 1 = the first line), without line breaks."""
        found: list[str] = []
        start, k = 1, 0  # the file line of the block's first line; the next wanted number
        for chunk in blocks(self.path):
            count = chunk.count(b"\n") + (not chunk.endswith(b"\n"))
            if k < len(numbers) and numbers[k] < start + count:
                ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == 10)
                starts = np.concatenate([[0], ends + 1])
                ends = np.append(ends, len(chunk))
                while k < len(numbers) and numbers[k] < start + count:
                    i = numbers[k] - start
                    found.append(chunk[starts[i]:ends[i]].decode("utf-8"))
                    k += 1
            start += count
        return found

    # -- rows
    def batches(self) -> Iterator[Batch]:
        """The file's rows, in order, a piece at a time; ``self.lines`` is complete at the end."""
        number = 1  # the file line of the next line to split
        for chunk in blocks(self.path):
            self.lines.physical += chunk.count(b"\n")
            self.lines.ends_with_newline = chunk.endswith(b"\n")
            lines, bad = _decode(chunk)
            if number == 1 and len(lines) and lines[0].as_py().startswith(BOM):
                lines = pa.concat_arrays([pa.array([lines[0].as_py().removeprefix(BOM)]), lines[1:]])
            lines = _strip_cr(lines)
            start = number
            if number == 1 and self.layout.header and len(lines):
                self._read_header(lines[0].as_py())
                self.lines.header = 1
                lines, bad, start = lines[1:], [i - 1 for i in bad if i], 2
            number = start + len(lines)
            yield self._split(lines, start, bad)
        if not self.lines.ends_with_newline:
            self.lines.physical += 1
        if self.layout.header and not self.lines.header:
            raise BilateralError(f"{self.path}: empty file — a {self.layout.name} file starts with its header line")

    def _split(self, lines: pa.Array, start: int, bad: list[int]) -> Batch:
        numbers = np.arange(start, start + len(lines), dtype=np.int64)
        rejected = [(int(numbers[i]), "not UTF-8 text — save the file as UTF-8", lines[i].as_py()) for i in bad]
        if bad:
            keep = np.ones(len(lines), dtype=bool)
            keep[bad] = False
            lines, numbers = lines.filter(pa.array(keep)), numbers[keep]
        table = {"_line": pa.array(numbers), "_raw": lines}
        if self.layout.name == "csv":
            rows = []
            for line in lines.to_pylist():
                try:
                    rows.append(next(csv.reader([line], delimiter=self.delimiter, strict=True), []))
                except csv.Error:
                    rows.append([])
            width = self.width or 0
            missing = set(self.layout.missing)
            for name, position in zip(self.needed, self.positions or [], strict=True):
                table[name] = pa.array([row[position] if len(row) == width and row[position] not in missing
                                        else None for row in rows], pa.string())
            table["_width"] = pa.array([len(row) for row in rows], pa.int64())
        return Batch(pa.table(table), rejected)

    def relation(self, batch: str) -> str:
        """SQL over the registered :class:`Batch` table ``batch``: the needed columns (missing markers
        NULL), ``_line``, ``_raw`` and ``_reject`` (why the line is no row of the layout, else NULL)."""
        if self.layout.name == "csv":
            inner = batch
        else:
            columns = ", ".join(f"{self._value(f'_s[{k + 1}]')} AS {_quote(c)}"
                                for c, k in zip(self.needed, self.positions or [], strict=True))
            inner = (f"(SELECT _line, _raw, len(_s) AS _width, {columns} FROM "
                     f"(SELECT _line, _raw, string_split(_raw, chr(9)) AS _s FROM {batch}))")
        return f"(SELECT *, {self.reject_sql('_width', '_raw')} AS _reject FROM {inner})"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _used(column: str, layout: Layout) -> bool:
    """Whether any field expression of ``layout`` reads ``column`` (quoted, or as a bare name)."""
    quoted = _quote(column)
    return any(quoted in expression or column in re.findall(r"\w+", expression)
               for expression in layout.fields.values())
