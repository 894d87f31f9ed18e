"""bilateral.extract: reading with offsets, actors, triggers, dates, candidates, review and the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bilateral.case import load_case, validate_case
from bilateral.cli.extract import extract_command
from bilateral.data.store import Store
from bilateral.errors import BilateralError
from bilateral.extract import (
    COLUMNS,
    DateTracker,
    accept_review,
    build_lexicon,
    extract,
    ingest_candidates,
    read_document,
    read_review,
    sentences,
    write_review,
)
from bilateral.extract.rules import find_trigger

NEWS = """Date: 1993-10-11

Russian President Boris Yeltsin arrived in Tokyo on 11 October 1993 and signed the Tokyo
Declaration with the prime minister. Three years later, Japan refused to lift its econ-
omic restrictions on Russia.

Moscow threatened to deploy troops on the islands.
Japanese officials praised the Russian decision.
"""


@pytest.fixture(scope="module")
def case():
    return load_case()


@pytest.fixture(scope="module")
def lexicon(case):
    return build_lexicon(case, country_info=Path("/nonexistent"))


@pytest.fixture
def news(tmp_path: Path) -> Path:
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    return path


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("extract")(extract_command)
    app.command("other")(lambda: None)
    return app


def test_sentences_keep_lines_and_offsets_and_join_hyphenated_words(news):
    document = read_document(news)
    found = sentences(document)
    assert [s.lines for s in found] == [(1, 1), (3, 4), (4, 5), (7, 7), (8, 8)]
    assert document.date == date(1993, 10, 11)
    second = found[2]
    assert "economic restrictions" in second.text
    where = second.text.index("economic")
    assert document.text[second.offset(where): second.offset(where) + 4] == "econ"
    assert document.text[second.offset(where + 4)] == "o" and document.line_of(second.offset(where + 4)) == 5
    assert document.text[found[1].start: found[1].end].startswith("Russian President")


def test_html_and_markdown_keep_offsets(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><head><style>p{}</style></head>\n<body><p>Japan &amp; Russia signed a "
                    "treaty.</p></body></html>", encoding="utf-8")
    document = read_document(page)
    (sentence,) = sentences(document)
    assert sentence.text == "Japan & Russia signed a treaty."
    assert document.text[sentence.start: sentence.end].startswith("Japan &")
    assert sentence.lines == (2, 2)
    note = tmp_path / "n.md"
    note.write_text("# Talks\n\n**Japan** met *Russia* in [Moscow](http://x.org).\n", encoding="utf-8")
    texts = [s.text for s in sentences(read_document(note))]
    assert texts == ["Talks", "Japan met Russia in Moscow ."]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"), (b"  \n\n", "the file is empty"), (b"\x00\x01binary", "binary file"),
    (b"%PDF-1.4 ...", "a PDF is not read"), (b"Japan\nRussia caf\xe9\n", r":2: not UTF-8 \(byte 0xe9"),
])
def test_bad_documents_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(BilateralError, match=message) as error:
        read_document(path)
    assert str(path) in str(error.value)


def test_enormous_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Japan met Russia. " * 100, encoding="utf-8")
    with pytest.raises(BilateralError, match=r"1,800 bytes is more than the 1,000 read at once"):
        read_document(path, max_bytes=1000)


def test_actors_resolve_offices_by_tenure_and_countries_by_adjective(lexicon):
    october_1993 = lexicon.mentions("The prime minister met Russian officials.", date(1993, 10, 1))
    assert [(m.text, m.codes, m.actor, m.sector) for m in october_1993] == [
        ("prime minister", ("JPN",), "hosokawa", "GOV"), ("Russian officials", ("RUS",), "", "GOV")]
    assert lexicon.mentions("The prime minister spoke.", date(2015, 1, 1))[0].actor == "abe"
    assert lexicon.mentions("The prime minister spoke.", None) == []
    (yeltsin,) = lexicon.mentions("Yeltsin arrived.", None)
    assert (yeltsin.actor, yeltsin.codes) == ("yeltsin", ("RUS",))
    assert lexicon.mentions("the islands of japan", None) == []  # country names are proper nouns
    assert lexicon.mentions("the pro-Russian and anti-Japanese press", None) == []


def test_country_info_adds_leaders_and_capitals(shared, case):
    lexicon = build_lexicon(case, country_info=shared / "data/codes/CountryInfo.120116.txt")
    found = lexicon.mentions("Ryutaro Hashimoto flew from Kabul to see Hamid Karzai.", None)
    assert [(m.text, m.codes[0]) for m in found] == [("Ryutaro Hashimoto", "JPN"), ("Kabul", "AFG"),
                                                      ("Hamid Karzai", "AFG")]


@pytest.mark.parametrize(("text", "code", "modality"), [
    ("japan refused to sign the treaty", "120", ""),
    ("japan will provide aid to russia", "033", "promise"),
    ("russia will attack japan", "138", "threat"),
    ("the president will extend the night-time curfew", "1313", "threat"),
    ("russia threatened to cut gas to japan", "130", ""),
    ("japan would not meet russia", "125", "negated"),
    ("russia did not attack japan", None, None),
    ("the two leaders signed a peace treaty", "057", ""),
])
def test_triggers_with_negation_and_modality(text, code, modality):
    trigger = find_trigger(text)
    assert (trigger.code if trigger else None, trigger.modality if trigger else None) == (code, modality)


def test_every_rule_and_modal_code_is_in_the_cameo_table():
    from bilateral.codes import cameo_table
    from bilateral.extract.rules import _INTENT, _REJECT, _THREAT, RULES

    codes = {c for _, c, _ in RULES} | set(_INTENT.values()) | set(_THREAT.values()) | set(_REJECT.values())
    assert codes - set(cameo_table().index) == set()
    assert find_trigger("students will demonstrate in the capital").code == "131"


def test_dates_explicit_relative_and_carried():
    tracker = DateTracker(date(2020, 5, 1))
    assert tracker.date("No date yet.").date == "2020-05-01"
    assert (tracker.date("Talks began in April 1991.").date, tracker.anchor) == ("1991-04", (1991, 4, None))
    assert tracker.date("Three years later they met.").date == "1994"
    assert tracker.date("The following year, nothing.").date == "1995"
    assert (tracker.date("They spoke again.").date, tracker.date("x").precision) == ("1995", "approx")
    assert tracker.date("On 9 September 1992 it was cancelled.").precision == "day"
    assert tracker.date("Two years ago Japan voted.").date == "2018"


def test_candidates_carry_provenance(news, case, lexicon):
    frame = extract([news], case, citation="seed000", lexicon=lexicon)
    assert list(frame.columns) == list(COLUMNS) and len(frame) == 4
    rows = frame.set_index("trigger")
    arrived = rows.loc["arrived"]
    assert (arrived["source_actor"], arrived["target_actor"], arrived["cameo"], arrived["date"],
            arrived["precision"], arrived["locator"]) == ("yeltsin", "JPN", "042", "1993-10-11", "day",
                                                          "news.txt:L3-4")
    text = read_document(news).text
    for _, row in frame.iterrows():
        assert text[row["trigger_start"]: row["trigger_end"]] == row["trigger"]
        assert text[row["source_start"]: row["source_end"]].replace("\n", " ") == row["source_text"]
    refused = rows.loc["refused"]
    assert (refused["source_actor"], refused["target_actor"], refused["cameo"], refused["date"],
            refused["plover"]) == ("JPN", "RUS", "120", "1996", "REJECT")
    threat = rows.loc["threatened"]
    assert (threat["source_actor"], threat["quad_class"], threat["goldstein"], threat["category"]) == (
        "RUS", 3, -4.4, "territorial")
    assert frame["sha256"].nunique() == 1 and len(frame["sha256"].iloc[0]) == 64


def test_later_clauses_give_their_own_candidates(tmp_path, case, lexicon):
    path = tmp_path / "c.txt"
    path.write_text("In May 2001 Japan condemned Russia, and it recalled its ambassador from Moscow; Chinese\n"
                    "officials praised Russia.\n", encoding="utf-8")
    frame = extract([path], case, lexicon=lexicon)
    assert list(zip(frame["trigger"], frame["cameo"], frame["source_iso3"], frame["target_iso3"],
                    frame["date"], strict=True)) == [
        ("condemned", "111", "JPN", "RUS", "2001-05"), ("recalled its ambassador", "161", "JPN", "RUS", "2001-05"),
        ("praised", "051", "CHN", "RUS", "2001-05")]
    text = read_document(path).text
    assert [text[a:b].replace("\n", " ") for a, b in zip(frame["source_start"], frame["source_end"], strict=True)] == [
        "Japan", "Japan", "Chinese officials"]
    assert set(frame["line_start"]) == {1} and set(frame["line_end"]) == {2}


def test_several_dates_the_one_nearest_the_trigger_wins(tmp_path, case, lexicon):
    path = tmp_path / "d.txt"
    path.write_text("Before the war of 1904, Japan signed a treaty with Russia in 1855.\n", encoding="utf-8")
    (row,) = extract([path], case, lexicon=lexicon).itertuples()
    assert (row.trigger, row.date, row.precision) == ("signed", "1855", "year")


def test_review_accepts_into_a_case_that_still_validates(news, case, lexicon, case_copy, tmp_path):
    frame = extract([news], case, citation="bbc1997", lexicon=lexicon)
    frame["decision"] = ["accept", "reject", "accept", ""]
    frame.loc[0, "cameo"] = "036"  # an edit: goldstein and quad_class follow the code
    review = write_review(frame, tmp_path / "review.csv")
    last = max(int(e.id[1:]) for e in load_case(case_copy).events)
    first, second = f"E{last + 1:03d}", f"E{last + 2:03d}"
    result = accept_review(review, case_copy)
    assert (result.added, result.rejected, result.undecided) == ((first, second), 1, 1)
    assert validate_case(case_copy) == []
    events = load_case(case_copy).table("events").set_index("id")
    assert (events.loc[first, "cameo"], events.loc[first, "goldstein"]) == ("036", 4.0)
    assert events.loc[second, "locator"] == frame.loc[2, "locator"]


def test_review_problems_are_listed_and_nothing_is_written(news, case, lexicon, case_copy, tmp_path):
    frame = extract([news], case, citation="bbc1997", lexicon=lexicon)
    frame["decision"] = "accept"
    frame.loc[1, "source_actor"] = "nobody"
    frame.loc[2, ["date", "precision"]] = ["1996-02", "day"]
    frame.loc[3, "source"] = "seed000"
    review = write_review(frame, tmp_path / "review.csv")
    before = (case_copy / "events.csv").read_text()
    with pytest.raises(BilateralError) as error:
        accept_review(review, case_copy)
    assert "review.csv:3: source_actor: actor 'nobody' is not defined" in str(error.value)
    assert "review.csv:4: date" in str(error.value)
    assert "review.csv:5: locator: 'news.txt:L8' does not point into 000_7f62de5ec775ad22.txt" in str(error.value)
    assert (case_copy / "events.csv").read_text() == before
    frame.loc[0, "decision"] = "maybe"
    write_review(frame, review)
    with pytest.raises(BilateralError, match=r"review.csv:2: decision 'maybe' — write accept, reject"):
        read_review(review)


def test_candidates_go_into_the_store_as_their_own_dataset(news, case, lexicon, tmp_path):
    frame = extract([news], case, lexicon=lexicon)
    frame.loc[0, "decision"] = "reject"
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_candidates(frame, store, "extract:news", str(news))
        assert (result.read, result.stored, result.quarantined) == (len(frame) - 1, len(frame) - 1, 0)
        stored = store.table().filter(store.table().dataset == "extract:news").to_pandas()
    assert sorted(stored["cameo"]) == sorted(frame["cameo"].iloc[1:])
    assert set(stored["source_iso3"]) <= {"RUS", "JPN"}


def test_cli_writes_an_empty_review_file_for_a_document_without_events(tmp_path):
    quiet = tmp_path / "quiet.txt"
    quiet.write_text("The weather was mild and the rivers were full.\n", encoding="utf-8")
    out = tmp_path / "c.csv"
    result = CliRunner().invoke(_app(), ["extract", str(quiet), "-o", str(out)])
    assert result.exit_code == 0
    assert "no candidate events found" in result.output
    assert pd.read_csv(out).empty and list(pd.read_csv(out).columns) == list(COLUMNS)


def test_cli_bad_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9")
    out = tmp_path / "c.csv"
    result = CliRunner().invoke(_app(), ["extract", str(bad), "-o", str(out)])
    assert result.exit_code != 0 and isinstance(result.exception, BilateralError)
    assert "not UTF-8" in str(result.exception) and not out.exists()


def test_cli_accept_refuses_the_built_in_case(tmp_path):
    review = tmp_path / "r.csv"
    review.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["extract", "--accept", str(review), "--case", "russia-japan"])
    assert "built-in cases are read-only" in str(result.exception)


def test_cli_ingests_candidates_into_the_store(news, tmp_path):
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(_app(), ["extract", str(news), "--case", "russia-japan", "--ingest", "extract:news",
                                         "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "4 rows read = 4 stored + 0 quarantined" in " ".join(result.output.split())
    with Store(store, read_only=True) as opened:
        stored = opened.table().filter(opened.table().dataset == "extract:news").to_pandas()
    assert sorted(stored["cameo"]) == ["042", "051", "120", "130"]
