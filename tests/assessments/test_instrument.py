"""Sanity checks on the power-balance instrument (assessments/instruments/power_balance_v1.json).

The Django loader is written against this shape, and the wording is read by
people in a hard place, so both are checked here rather than by eye.
"""

import json
import re
from pathlib import Path

import pytest

from assessments.scoring import AREAS, ITEM_AREAS, KINDS, answer_options, clean_answer, iter_items

INSTRUMENT = json.loads(
    (
        Path(__file__).resolve().parents[2] / "assessments/instruments/power_balance_v1.json"
    ).read_text(encoding="utf-8")
)
SECTIONS = {section["key"]: section for section in INSTRUMENT["sections"]}
ITEMS = list(iter_items(INSTRUMENT))
EVERYDAY_AREAS = ("financial", "emotional", "social", "age_health", "communication")
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*\Z")
BLAMING = re.compile(r"\b(fault|faults|blame\w*|abuser\w*|victim\w*)\b", re.IGNORECASE)


def section_items(key, kind=None):
    return [item for item in SECTIONS[key]["items"] if kind is None or item["kind"] == kind]


def participant_text():
    """Yield every string a respondent reads: titles, intros, questions, help and choices."""
    yield INSTRUMENT["title"]
    yield INSTRUMENT["intro"]
    for section in INSTRUMENT["sections"]:
        yield section["title"]
        yield section["intro"]
    for item in ITEMS:
        yield item["text"]
        yield item.get("help", "")
        for _, label in item.get("choices", []):
            yield label


def test_it_has_the_top_level_shape_the_loader_expects():
    assert list(INSTRUMENT) == ["slug", "version", "title", "intro", "minutes", "sections"]
    assert (INSTRUMENT["slug"], INSTRUMENT["version"], INSTRUMENT["minutes"]) == (
        "power-balance",
        1,
        12,
    )
    for section in INSTRUMENT["sections"]:
        assert set(section) == {"key", "title", "intro", "items"}
        assert section["title"]
        assert section["intro"]


def test_it_asks_the_sections_in_order():
    assert list(SECTIONS) == ["context", *EVERYDAY_AREAS, "choice", "care", "safety"]


def test_it_has_unique_snake_case_item_keys():
    keys = [item["key"] for item in ITEMS]

    assert len(keys) == len(set(keys))
    assert all(SNAKE_CASE.match(key) for key in keys), keys


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["key"])
def test_it_describes_each_item_fully(item):
    assert {"key", "kind", "text", "required", "area", "sensitive"} <= set(item)
    assert set(item) <= {
        "key",
        "kind",
        "text",
        "help",
        "required",
        "area",
        "choices",
        "sensitive",
        "reverse",
    }
    assert item["kind"] in KINDS
    assert item["area"] is None or item["area"] in ITEM_AREAS
    assert isinstance(item["required"], bool)
    assert isinstance(item["sensitive"], bool)
    assert item["text"].strip()
    assert ("choices" in item) == (item["kind"] == "single")


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["key"])
def test_it_can_clean_every_answer_it_offers(item):
    for form_value, label in answer_options(item):
        assert label
        clean_answer(item, form_value)


def test_it_gives_single_choices_unique_snake_case_values():
    for item in ITEMS:
        if item["kind"] != "single":
            continue
        values = [value for value, _ in item["choices"]]
        assert len(values) >= 2
        assert len(values) == len(set(values)), item["key"]
        assert all(SNAKE_CASE.match(value) for value in values), item["key"]


def test_it_asks_the_context_questions():
    kinds = {item["key"]: item["kind"] for item in section_items("context")}

    assert kinds == {
        "ctx_status": "single",
        "ctx_length": "single",
        "ctx_living": "single",
        "ctx_children": "single",
        "ctx_initiated": "single",
        "ctx_hopes": "text",
    }
    assert all(item["area"] is None for item in section_items("context"))


@pytest.mark.parametrize("area", EVERYDAY_AREAS)
def test_it_asks_enough_but_not_too_much_about_each_area(area):
    items = section_items(area)
    scored = [item for item in items if item["kind"] != "text"]
    notes = section_items(area, "text")

    assert 3 <= len(scored) <= 6
    assert len(section_items(area, "balance")) >= 2
    assert len(section_items(area, "impact")) >= 1
    assert len(notes) == 1
    assert notes[0]["required"] is False
    assert all(item["area"] == area for item in items)


def test_it_asks_about_the_power_of_choice():
    balance_keys = {item["key"] for item in section_items("choice", "balance")}

    assert {"choice_less_sure", "choice_leave_easily", "choice_consequences"} <= balance_keys
    assert len(section_items("choice", "impact")) >= 1
    assert all(item["area"] == "choice" for item in section_items("choice"))


def test_it_asks_about_care_as_strengths():
    items = section_items("care")
    reversed_keys = [item["key"] for item in items if item.get("reverse")]

    assert 4 <= len(items) <= 8
    assert all(item["kind"] == "strength" and item["area"] == "care" for item in items)
    assert reversed_keys == ["care_contempt"]


def test_it_reverses_only_strength_items():
    assert all(item["kind"] == "strength" for item in ITEMS if "reverse" in item)


def test_it_screens_safety_with_required_questions_that_can_be_declined():
    items = section_items("safety")

    assert len(items) == 5
    for item in items:
        assert (item["kind"], item["required"], item["sensitive"], item["area"]) == (
            "safety",
            True,
            True,
            None,
        )
        assert ("prefer_not", "I'd rather not say") in answer_options(item)


def test_it_requires_only_what_scoring_needs():
    required = {item["key"] for item in ITEMS if item["required"]}
    needed = {
        item["key"]
        for item in ITEMS
        if item["kind"] == "safety" or (item["kind"] == "balance" and item["area"] in AREAS)
    }

    assert required == needed


def test_it_offers_rather_not_say_on_money_health_and_choice():
    for key in ("financial", "age_health", "choice", "safety"):
        for item in SECTIONS[key]["items"]:
            if item["kind"] != "text":
                assert item["sensitive"], item["key"]


def test_it_marks_every_question_about_mental_health_sensitive():
    for item in ITEMS:
        if re.search(r"mental health|neurodiver", item["text"], re.IGNORECASE):
            assert item["sensitive"], item["key"]


def test_it_uses_no_blaming_words():
    for text in participant_text():
        assert not BLAMING.search(text), text


def test_it_ends_every_question_with_a_question_mark():
    # Care items are statements rated by how often they are true.
    for item in ITEMS:
        if item["kind"] != "strength":
            assert item["text"].endswith("?"), item["key"]
