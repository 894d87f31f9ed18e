"""A deliberately broken copy of the case: every planted error is reported with file and line."""

import csv
import io
from pathlib import Path

from bilateral import validate_case


def _edit_csv_row(path: Path, row_index: int, **changes: str) -> int:
    """Change fields of data row ``row_index`` (0-based); return its line number."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    header = rows[0]
    for field, value in changes.items():
        rows[row_index + 1][header.index(field)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return row_index + 2  # header is line 1; rows in the built-in case are one line each


def _replace_in(path: Path, old: str, new: str) -> int:
    """Replace the first line containing ``old``; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return number + 1


def test_every_planted_error_is_reported(case_copy: Path):
    events, leaders = case_copy / "events.csv", case_copy / "leaders.csv"
    stakeholders = case_copy / "stakeholders.csv"
    planted = {
        ("events.csv", _edit_csv_row(events, 1, goldstein="9.9"), "goldstein"),
        ("events.csv", _edit_csv_row(events, 2, cameo="999"), "cameo"),
        ("events.csv", _edit_csv_row(events, 3, source_actor="nobody"), "source_actor"),
        ("events.csv", _edit_csv_row(events, 4, date="2016-05", precision="day"), "date"),
        ("events.csv", _edit_csv_row(events, 5, source="nokey2020"), "source"),
        ("events.csv", _edit_csv_row(events, 6, quad_class="4"), "quad_class"),
        ("leaders.csv", _edit_csv_row(leaders, 1, end="1900-01-01"), "end"),
        ("stakeholders.csv", _edit_csv_row(stakeholders, 0, salience="1.5"), "salience"),
        ("stakeholders.csv", _edit_csv_row(stakeholders, 1, state="XXX"), "state"),
        ("actors.yaml", _replace_in(case_copy / "actors.yaml", "country: JPN", "country: ZZZ"),
         "country"),
        ("hypotheses.yaml", _replace_in(case_copy / "hypotheses.yaml", "method: ", "method: astrology # "),
         "test.method"),
        ("scenarios.yaml", _replace_in(case_copy / "scenarios.yaml", "actor: putin", "actor: rasputin"),
         None),
    }
    problems = validate_case(case_copy)
    found = {(p.file, p.line, p.field) for p in problems}
    for file, line, field in planted:
        if field is None:
            assert any(p.file == file and p.line == line for p in problems), (file, line)
        else:
            assert (file, line, field) in found, (file, line, field, sorted(found))
    assert all(str(p).count(" — ") == 1 for p in problems)


def test_tenure_overlap_and_locator_errors(case_copy: Path, shared: Path):
    leaders = case_copy / "leaders.csv"
    rows = list(csv.DictReader(leaders.open(encoding="utf-8")))
    medvedev = next(i for i, r in enumerate(rows) if r["id"] == "medvedev")
    overlap_line = _edit_csv_row(leaders, medvedev, start="2007-01-01")
    events = case_copy / "events.csv"
    seed_row = next(i for i, r in enumerate(csv.DictReader(events.open(encoding="utf-8")))
                    if r["source"] == "seed000")
    locator_line = _edit_csv_row(events, seed_row, locator="000_7f62de5ec775ad22.txt:L5000-5001")
    problems = validate_case(case_copy, seeds=shared / "seeds")
    overlap = [p for p in problems if p.file == "leaders.csv" and p.line == overlap_line]
    assert overlap and "overlaps" in overlap[0].message
    past_end = [p for p in problems if p.file == "events.csv" and p.line == locator_line]
    assert past_end and "past the end" in past_end[0].message


def test_non_utf8_file_is_a_problem_not_a_crash(case_copy: Path):
    path = case_copy / "leaders.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",", b",\xe9", 1)
    path.write_bytes(b"\n".join(lines))
    problems = validate_case(case_copy)
    encoding = [p for p in problems if p.field == "encoding"]
    assert [(p.file, p.line) for p in encoding] == [("leaders.csv", 4)]
    assert "byte 0xe9 is not UTF-8 — save the file as UTF-8" in str(encoding[0])
