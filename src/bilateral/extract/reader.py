"""Documents → sentences, every character traceable to its file, line and offset.

Plain text and Markdown are read as they are; HTML has its tags, scripts, styles and entities
blanked to spaces of the same length, so an offset in the cleaned text is an offset in the file.
Inside a paragraph, line breaks become spaces and a word hyphenated across a line end
(``signifi-\\ncant``) is joined; :class:`Sentence` keeps a map back to the file's offsets.
"""

from __future__ import annotations

import hashlib
import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bilateral.errors import BilateralError


def _words(text: str) -> list[str]:
    return text.split()

MAX_BYTES = 20_000_000
"""Largest document read (20 MB, about 4,000 pages of text); larger files are refused."""

SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html",
            ".htm": "html"}

_HTML_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)
_MD_MARKUP = re.compile(r"^[ \t]{0,3}(#{1,6}|>|[-*+]|\d+\.)[ \t]+|\]\([^)\s]*\)|[*_`\[]", re.M)
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_GAP = re.compile(r"-[ \t]*\n[ \t]*(?=[a-z])|\s+")
_DATE_LINE = re.compile(r"^\s*(?:date|published|dated)\s*:\s*(\d{4}-\d{2}-\d{2})\s*$", re.I | re.M)
_ABBREVIATIONS = frozenset(
    _words("mr mrs ms dr prof gen col lt sgt st no vol pp ed eds fig jan feb mar apr jun jul aug sep "
                   "sept oct nov dec inc ltd co corp dept univ approx vs etc al cf e.g i.e u.s u.k u.n e.u"))
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\d{0,3}(?=\s+[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Document:
    """One file read for extraction: its text (offsets are the file's characters) and checksum."""

    path: Path
    text: str
    sha256: str
    kind: str
    date: date | None = None
    line_starts: tuple[int, ...] = field(default=(), repr=False)

    def line_of(self, offset: int) -> int:
        """The 1-based line holding character ``offset``."""
        return bisect_right(self.line_starts, offset)


@dataclass(frozen=True)
class Sentence:
    """A sentence: ``text`` has line breaks and hyphenation undone; :meth:`offset` maps back."""

    document: Document
    index: int
    text: str
    start: int
    end: int
    _norm: tuple[int, ...] = field(repr=False)
    _orig: tuple[int, ...] = field(repr=False)

    def offset(self, position: int) -> int:
        """File offset of character ``position`` of :attr:`text`."""
        return _map(self._norm, self._orig, position)

    def part(self, start: int, end: int) -> Sentence:
        """Characters ``start``…``end`` of :attr:`text` as a sentence of their own (a clause)."""
        k = bisect_right(self._norm, start) - 1
        later = range(k + 1, bisect_left(self._norm, end))
        norm = (0, *(self._norm[j] - start for j in later))
        orig = (self._orig[k] + start - self._norm[k], *(self._orig[j] for j in later))
        return Sentence(self.document, self.index, self.text[start:end], orig[0], _map(norm, orig, end - start - 1) + 1,
                        norm, orig)

    @property
    def lines(self) -> tuple[int, int]:
        """First and last line (1-based) of the sentence in its file."""
        return self.document.line_of(self.start), self.document.line_of(max(self.start, self.end - 1))


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _unescape(match: re.Match[str]) -> str:
    return html.unescape(match.group(0)).ljust(len(match.group(0)))


def _clean(raw: str, kind: str) -> str:
    if kind == "html":
        return _ENTITY.sub(_unescape, _HTML_DROP.sub(_blank, raw))
    if kind == "markdown":
        return _MD_MARKUP.sub(_blank, raw)
    return raw


def read_document(path: str | Path, *, when: date | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Read a text, Markdown or HTML file as UTF-8.

    Parameters
    ----------
    path
        The file; its suffix picks the reader (``.md``/``.markdown``, ``.html``/``.htm``, else text).
    when
        The document's own date (used for relative dates); by default a ``Date: YYYY-MM-DD`` line
        near the top, else none.
    max_bytes
        Larger files are refused.

    Raises
    ------
    BilateralError
        A missing, empty, binary, PDF, non-UTF-8 or too large file, naming the file and the fix.
    """
    path = Path(path)
    if not path.is_file():
        raise BilateralError(f"{path}: no such file — give the path of a text, Markdown or HTML document")
    size = path.stat().st_size
    if size > max_bytes:
        raise BilateralError(f"{path}: {size:,} bytes is more than the {max_bytes:,} read at once — split the "
                             "document into smaller files")
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        raise BilateralError(f"{path}: a PDF is not read — convert it to text first (e.g. `pdftotext -layout "
                             f"{path.name}`) and extract from the .txt")
    if b"\x00" in data[:8192]:
        raise BilateralError(f"{path}: binary file (NUL bytes) — give a plain text, Markdown or HTML document")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BilateralError(f"{path}:{line}: not UTF-8 (byte {data[error.start]:#04x} at offset {error.start}) "
                             "— re-encode the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`") from None
    if not raw.strip():
        raise BilateralError(f"{path}: the file is empty — give a document with text in it")
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    kind = SUFFIXES.get(path.suffix.lower(), "text")
    if when is None and (found := _DATE_LINE.search(raw[:2000])):
        try:
            when = date.fromisoformat(found.group(1))
        except ValueError:
            line = raw[: found.start(1)].count("\n") + 1
            raise BilateralError(f"{path}:{line}: Date {found.group(1)!r} is not a calendar date — write it as "
                                 "YYYY-MM-DD") from None
    starts = (0, *(m.end() for m in re.finditer("\n", raw)))
    return Document(path, _clean(raw, kind), hashlib.sha256(data).hexdigest(), kind, when, starts)


def _is_abbreviation(text: str, end: int) -> bool:
    word = re.search(r"(\S+)\.$", text[max(0, end - 12): end + 1])
    if word is None:
        return False
    token = word.group(1).lower().strip("(\"'“‘")
    return token in _ABBREVIATIONS or len(token) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))


def sentences(document: Document) -> list[Sentence]:
    """Split a document into sentences: at blank lines, then after ``.``/``!``/``?`` before a capital.

    A full stop after a known abbreviation (``Mr.``, ``Jan.``, ``U.S.``) or an initial does not end
    a sentence; footnote numbers stuck to the stop (``treaty.4``) stay with the sentence they end.
    """
    text, found = document.text, []
    for paragraph in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        if not paragraph.group(0).strip():
            continue
        base, pieces, norm, orig, cursor, length = paragraph.start(), [], [], [], 0, 0
        body = paragraph.group(0)
        for gap in _GAP.finditer(body):
            if gap.start() > cursor:
                norm.append(length)
                orig.append(base + cursor)
                pieces.append(body[cursor: gap.start()])
                length += gap.start() - cursor
            if not gap.group(0).startswith("-"):
                norm.append(length)
                orig.append(base + gap.start())
                pieces.append(" ")
                length += 1
            cursor = gap.end()
        if cursor < len(body):
            norm.append(length)
            orig.append(base + cursor)
            pieces.append(body[cursor:])
        flat = "".join(pieces)
        cuts = [m.end() for m in _BOUNDARY.finditer(flat) if not _is_abbreviation(flat, m.start() - 1)]
        start = 0
        for cut in [*cuts, len(flat)]:
            piece = flat[start:cut]
            s0 = start + len(piece) - len(piece.lstrip())
            piece = piece.strip()
            start = cut
            if len(re.findall(r"[A-Za-z]", piece)) < 3:
                continue
            k = bisect_right(norm, s0) - 1
            later = range(k + 1, bisect_left(norm, s0 + len(piece)))
            local_norm = (0, *(norm[j] - s0 for j in later))
            local_orig = (orig[k] + s0 - norm[k], *(orig[j] for j in later))
            end = _map(local_norm, local_orig, len(piece) - 1) + 1
            found.append(Sentence(document, len(found), piece, local_orig[0], end, local_norm, local_orig))
    return found


def _map(norm: tuple[int, ...], orig: tuple[int, ...], position: int) -> int:
    k = bisect_right(norm, position) - 1
    return orig[k] + position - norm[k]
