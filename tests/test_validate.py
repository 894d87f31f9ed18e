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


def _problems_of(case_copy: Path, file: str) -> list:
    return [p for p in validate_case(case_copy) if p.file == file]


def test_empty_files_are_problems(case_copy: Path):
    for name in ("case.yaml", "periods.yaml", "scenarios.yaml"):
        (case_copy / name).write_text("# nothing here yet\n", encoding="utf-8")
    problems = validate_case(case_copy)
    for name in ("case.yaml", "periods.yaml", "scenarios.yaml"):
        assert any(p.file == name and p.line == 1 and p.message == "the file is empty" for p in problems), name


def test_duplicate_and_unhashable_yaml_keys(case_copy: Path):
    path = case_copy / "periods.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "  name: A second name\n")        # line 3 repeats line 2's key
    lines.insert(3, "  ? [a, b]\n  : x\n")             # line 4: a list as a key
    path.write_text("".join(lines), encoding="utf-8")
    problems = _problems_of(case_copy, "periods.yaml")
    duplicate = [p for p in problems if p.line == 3 and p.field == "name"]
    assert duplicate and duplicate[0].message == "duplicate key 'name' (first on line 2)"
    assert any(p.line == 4 and "is a list or a mapping" in p.message for p in problems)


def test_duplicate_leader_ids(case_copy: Path):
    path = case_copy / "leaders.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append(lines[3])                                           # the same row again
    lines.append(lines[4].replace(lines[4].split(",")[0] + ",", lines[2].split(",")[0] + ",", 1))  # another person
    path.write_text("".join(lines), encoding="utf-8")
    problems = [p for p in _problems_of(case_copy, "leaders.csv") if p.field == "id"]
    count = len(lines)
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [(count - 1, "duplicate"), (count, "leader")]
    assert "give each person their own id" in str(problems[1])


def test_symlinks_and_bib_file_paths_are_not_followed(case_copy: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("id: TOP SECRET first line\n", encoding="utf-8")
    (case_copy / "factors.yaml").unlink()
    (case_copy / "factors.yaml").symlink_to(secret)
    bib = case_copy / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("file   = {000_7f62de5ec775ad22.txt}",
                                                            f"file   = {{{secret}}}", 1), encoding="utf-8")
    problems = validate_case(case_copy, seeds=tmp_path)
    assert not any("TOP SECRET" in str(p) for p in problems)
    assert any(p.file == "factors.yaml" and "symbolic link" in p.message for p in problems)
    line = next(n for n, t in enumerate(bib.read_text(encoding="utf-8").splitlines(), 1) if "@misc{seed000" in t)
    assert any(p.file == "sources.bib" and p.line == line and p.field == "seed000.file" for p in problems)


def test_outside_knowledge_must_cite_a_known_work(case_copy):
    import csv

    from bilateral import validate_case

    path = case_copy / "events.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["outside_source"])
    row["outside_source"] = "nobody1999"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    problems = [p for p in validate_case(case_copy) if p.field == "outside_source"]
    assert len(problems) == 1 and "nobody1999" in problems[0].message and problems[0].file == "events.csv"
    assert problems[0].line == rows.index(row) + 2
