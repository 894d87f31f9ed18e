"""The explain-method registry: one vocabulary for the case validator and the engine's classes."""

from pathlib import Path

import pytest

from bilateral import BilateralError, validate_case
from bilateral.case import schema
from bilateral.explain import METHODS, Method
from bilateral.registry import methods as registry
from test_validate import _replace_in  # the planted-error helper of the validator's tests


def test_the_engine_has_one_class_per_registered_method_declaring_its_expectations():
    assert set(METHODS) == set(registry.METHODS)
    for name, cls in METHODS.items():
        assert issubclass(cls, Method) and cls.spec is registry.method(name) and cls.spec.name == name
        assert set(cls.expectations) == set(registry.METHODS[name].expectations), name


def test_registry_entries_name_real_test_keys_and_directions():
    keys = set(schema.TestSpec.model_fields) - {"method", "series", "expect", "supports", "contradicts"}
    nulls = set()
    for spec in registry.METHODS.values():
        assert set(spec.required) <= keys, spec.name
        for name, expectation in spec.expectations.items():
            assert expectation.name == name and expectation.direction in (-1, 0, 1) and expectation.meaning
            if expectation.null:
                nulls.add(name)
    assert nulls == {"no_change", "no_break", "none", "no_cause", "decoupled", "flat"}
    assert registry.method("ranking").required == ("groups", "target")
    assert registry.method("period_comparison").expectations["lower"].direction == -1


def test_unknown_method_lists_the_choices():
    with pytest.raises(BilateralError, match=r"unknown method 'astrology': use one of period_comparison, ranking, "):
        registry.method("astrology")


@pytest.mark.parametrize(("text", "message"), [
    ("- trend", "expected a mapping of method names"),
    ("trend: {required: []}", "method 'trend': give exactly the keys required and expectations"),
    ("trend: {required: x, expectations: {flat: {direction: 0, meaning: m}}}", "required must be a list"),
    ("trend: {required: [], expectations: {flat: {direction: 2, meaning: m}}}",
     "expectation 'flat' needs direction \\(-1, 0 or 1\\) and a meaning"),
    ("trend: {required: [], expectations: {}}", "expectations must map each expectation"),
])
def test_a_malformed_registry_names_the_method_and_the_fix(text, message):
    with pytest.raises(BilateralError, match=rf"methods.yaml: .*{message}"):
        registry.load(text)


def test_the_case_validator_checks_method_expect_and_keys_against_the_registry(case_copy: Path):
    path = case_copy / "hypotheses.yaml"
    method_line = _replace_in(path, "method: ranking", "method: astrology")
    expect_line = _replace_in(path, "expect: higher", "expect: best")
    window_line = _replace_in(path, "window: ", "# window: ")
    problems = [p for p in validate_case(case_copy) if p.file == "hypotheses.yaml"]
    assert len(problems) == 3
    wrong_method, wrong_expect, missing_key = sorted(problems, key=lambda p: p.line)
    assert (wrong_method.line, wrong_method.field) == (method_line, "test.method")
    assert wrong_method.message.startswith("unknown method 'astrology': use one of period_comparison, ranking, ")
    assert wrong_expect.field == "test" and wrong_expect.line < expect_line  # the line of its test: key
    assert wrong_expect.message.startswith("expect 'best' does not fit 'period_comparison': use higher or lower")
    assert missing_key.field == "test" and missing_key.line < window_line
    assert missing_key.message.startswith("method 'event_study' needs window")
