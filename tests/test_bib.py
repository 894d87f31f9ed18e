from bilateral.case import parse_bibtex

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
    assert entry.text.startswith("@article{kydd2000,") and entry.text.endswith("}")
    assert [(p.line, p.field) for p in problems] == [(10, "broken")]


def test_duplicate_key_is_a_problem():
    entries, problems = parse_bibtex("@misc{a, title={x}}\n@misc{a, title={y}}\n")
    assert entries["a"].fields["title"] == "x"
    assert problems[0].line == 2 and "duplicate key" in problems[0].message
