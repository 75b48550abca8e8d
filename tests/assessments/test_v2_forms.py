"""Shaping a v2 page for one person: words, order, which pages, progress, choices."""

import json
from pathlib import Path

import pytest

from assessments import scoring_v2
from assessments.forms import (
    Person,
    SectionForm,
    opened_by,
    person_pages,
    person_progress,
    person_section,
)

DEFINITION = json.loads(
    (
        Path(__file__).resolve().parents[2] / "assessments/instruments/power_balance_v2.json"
    ).read_text(encoding="utf-8")
)
SECTIONS = DEFINITION["sections"]
KEYS = [section["key"] for section in SECTIONS]
SEED = "3f1c2a9e-5b7d-4e0f-9a61-2d8c4b5e7f10"


def person(context="current", *, reverse=False, couple=False):
    return Person(DEFINITION, context, SEED, reverse, couple)


def section(key):
    return SECTIONS[KEYS.index(key)]


def keys(items):
    return [item["key"] for item in items]


def test_it_words_a_section_for_a_past_relationship():
    current = person_section(section("financial"), person())
    past = person_section(section("financial"), person("past"))

    assert any("has more say" in item["text"] for item in current["items"])
    assert past["intro"] != current["intro"]
    assert all(" has more say" not in item["text"] for item in past["items"])
    assert any("had more say" in item["text"] for item in past["items"])


def test_it_asks_only_the_items_of_the_context():
    current = keys(person_section(section("choice"), person())["items"])
    past = keys(person_section(section("choice"), person("past"))["items"])

    assert "choice_stance" in current
    assert "choice_ended_by" not in current
    assert "choice_ended_by" in past
    assert "choice_stance" not in past


def test_it_orders_the_statements_by_the_seed_and_reverses_them_for_the_partner():
    care = section("care")
    ana = keys(person_section(care, person())["items"])
    sam = keys(person_section(care, person(reverse=True))["items"])

    assert ana == scoring_v2.question_order(care, SEED)
    assert sam == list(reversed(ana))  # every care item is a rated statement
    assert keys(person_section(care, person())["items"]) == ana


def test_it_keeps_the_impact_and_notes_in_place():
    money = keys(person_section(section("financial"), person())["items"])

    assert money[-2:] == ["fin_impact", "fin_notes"]


def test_it_labels_the_choices_for_the_context():
    item = section("financial")["items"][0]
    past = dict(person("past").options(item))
    current = dict(person().options(item))

    assert past["much_partner"] == "Much more my former partner"
    assert current["much_partner"] == "Much more my partner"
    assert past["prefer_not"] == "I'd rather not say"


def test_it_builds_the_form_with_the_persons_choices():
    form = SectionForm(
        person_section(section("financial"), person("past")),
        {"fin_decisions": 2},
        options=person("past").options,
    )

    first = next(q for q in form.questions if q.key == "fin_decisions")
    assert [c.label for c in first.choices if c.checked] == ["Much more my former partner"]


def test_it_shows_the_joint_session_page_to_couples_only():
    alone = [KEYS[i] for i in person_pages(SECTIONS, person())]
    couple = [KEYS[i] for i in person_pages(SECTIONS, person(couple=True))]

    assert "sharing" not in alone
    assert "sharing" in couple
    assert "danger" not in alone
    assert "danger" not in couple


def test_it_shows_the_danger_page_only_once_opened():
    opened = [KEYS[i] for i in person_pages(SECTIONS, person(), {"danger"})]

    assert opened[-2:] == ["safety", "danger"]


@pytest.mark.parametrize(
    ("posted", "opens"),
    [
        ({"safety_choking": ["yes"]}, True),
        ({"safety_physical": ["yes"]}, True),
        ({"safety_afraid": ["yes"], "safety_choking": ["no"]}, False),
        ({"safety_choking": ["prefer_not"]}, False),
        ({}, False),
    ],
)
def test_it_opens_the_danger_page_from_what_was_posted(posted, opens):
    assert opened_by(SECTIONS, section("safety"), posted, person()) == {"danger": opens}


def test_it_opens_nothing_from_other_pages():
    assert opened_by(SECTIONS, section("financial"), {"fin_decisions": ["equal"]}, person()) == {}


def test_it_counts_progress_by_page():
    pages = person_pages(SECTIONS, person())
    first = person_progress(DEFINITION, pages, pages[0])
    last = person_progress(DEFINITION, pages, pages[-1])

    assert (first.section_number, first.section_count, first.percent) == (1, 9, 0)
    assert first.minutes_left == DEFINITION["minutes"]
    assert (last.section_number, last.section_count) == (9, 9)
    assert 0 < last.percent < 100
