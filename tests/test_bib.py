"""BibTeX through pybtex: entries with their lines, problems, plain-text references; the one
bibliography merging a case's sources.bib and the catalogue's references."""

import re
from pathlib import Path

import pytest

from bilateral import BilateralError, load_case
from bilateral.case import parse_bibtex
from bilateral.case.bib import reference
from bilateral.data import bibliography
from bilateral.data.catalog import DATASET_KEYS

TEXT = """% comment
@article{kydd2000,
  author = {Kydd, Andrew},
  title = {Trust, Reassurance, and Cooperation},
  journal = "International Organization",
  year = 2000,
  volume = {54}, pages = {325--357}
}

@book{broken,
  title = {Unclosed {brace}
"""


def test_parses_fields_and_keeps_text():
    entries, problems = parse_bibtex(TEXT)
    entry = entries["kydd2000"]
    assert entry.type == "article"
    assert entry.line == 2
    assert entry.fields["journal"] == "International Organization"
    assert entry.fields["year"] == "2000"
    assert entry.fields["pages"] == "325--357"
    assert entry.fields["author"] == "Kydd, Andrew"
    assert entry.text.startswith("@article{kydd2000,") and entry.text.endswith("}")
    assert [(p.file, p.line, p.field) for p in problems] == [("sources.bib", 10, "broken")]
    assert problems[0].message.startswith("malformed entry: ") and "broken" not in entries


def test_duplicate_key_and_field_are_problems():
    entries, problems = parse_bibtex("@misc{a, title={x}}\n\n@misc{a, title={y}}\n@misc{b, year={1}, year={2}}\n",
                                     "refs.bib")
    assert entries["a"].fields["title"] == "x" and entries["b"].fields["year"] == "1"
    assert [(p.file, p.line, p.field) for p in problems] == [("refs.bib", 3, "a"), ("refs.bib", 4, "b")]
    assert problems[0].message == "duplicate key" and problems[0].fix == "rename it or merge with line 1"
    assert "year" in problems[1].message


def test_builtin_case_parses_cleanly_with_lines():
    case = load_case("russia-japan")
    text = (case.path / "sources.bib").read_text(encoding="utf-8").splitlines()
    heads = [line for line in text if re.match(r"\s*@[A-Za-z]+\s*\{", line)]
    assert len(case.sources) == len(heads) > 85  # every entry of the file, counted from its text
    for key, entry in case.sources.items():
        assert text[entry.line - 1].lstrip().startswith("@") and key in text[entry.line - 1]
    assert case.sources["seed000"].fields["file"] == "000_7f62de5ec775ad22.txt"


def test_plain_references_never_print_unknown_or_nd():
    sources = load_case("russia-japan").sources
    assert reference(sources["seed000"]) == ("Russo-Japanese Relations from Gorbachev to Putin and Abe: Mutual "
                                             "Distrust, the Kuril Dispute and the China Factor.")
    assert reference(sources["seed003"]) == ("Sergey Sevastyanov. Hopes and Realities in Relations Between Russia "
                                             "and Japan: Is a Breakthrough Possible? East Asia, 34:39–62, 2017.")
    assert reference(sources["kantei_pms"]).startswith("Prime Minister's Office of Japan. Successive Prime")
    for entry in sources.values():
        text = reference(entry)
        assert text and "Unknown" not in text and "n.d." not in text, entry.key


def test_an_entry_without_author_uses_its_organization():
    entries, _ = parse_bibtex("@techreport{mofa, title = {Diplomatic Bluebook}, institution = {MOFA Japan},"
                              " year = {2019}}\n@article{x, title = {No Author}, journal = {J}, year = {2001}}")
    assert reference(entries["mofa"]).startswith("MOFA Japan. Diplomatic Bluebook. Technical Report")
    assert reference(entries["x"]) == "No Author. 2001."


def test_one_bibliography_of_case_and_catalogue():
    case = load_case("russia-japan")
    merged = bibliography(case)
    assert {"seed000", "voeten2009unvotes", "goldstein1992", *DATASET_KEYS.values()} <= set(merged.keys())
    assert len(merged) == len(set(case.sources) | set(bibliography().keys()))
    assert "seed003" in merged and "seed003" not in bibliography() and "nobody" not in merged
    assert merged.places["archigos"][0].endswith("sources.bib:29") and len(merged.places["archigos"]) == 2
    assert merged.bibtex(["archigos"]) == case.sources["archigos"].text  # the case's own entry is used
    assert merged.bibtex(["goldstein1992", "seed003", "goldstein1992"]).count("@") == 2
    assert merged.reference("boschee2015icews").startswith("Elizabeth Boschee, Jennifer Lautenschlager")
    assert merged.reference("boschee2015icews").endswith("2015. doi:10.7910/DVN/28075.")
    with pytest.raises(BilateralError, match=r"unknown citation key\(s\) nobody2020, ghost"):
        merged.bibtex(["seed000", "nobody2020", "ghost"])
    with pytest.raises(BilateralError, match="unknown citation key 'ghost'"):
        merged.reference("ghost")
    assert bibliography().bibtex(["halterman2023polecat"]).startswith("@misc{halterman2023polecat,")


def test_a_key_in_both_with_other_content_names_both_places(case_copy: Path):
    bib = case_copy / "sources.bib"
    lines = bib.read_text(encoding="utf-8").count("\n")
    bib.write_text(bib.read_text(encoding="utf-8")
                   + "\n@article{goldstein1992,\n  author = {Goldstein, Joshua S.},\n  title = {Another Title},\n"
                   "  journal = {Journal of Conflict Resolution},\n  year = {1993}\n}\n", encoding="utf-8")
    with pytest.raises(BilateralError) as err:
        bibliography(load_case(case_copy))
    message = str(err.value)
    assert f"'goldstein1992' (title, year differ) in {bib}:{lines + 2}" in message
    assert "catalog.yaml (references)" in message
