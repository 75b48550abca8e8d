"""assessments.report: the practitioner's report, built from answers, worked by hand."""

import json
from pathlib import Path

import pytest

from assessments.report import (
    GAP_HIGHLIGHT,
    Respondent,
    answer_label,
    booking_report,
    formulas,
    person_report,
)
from assessments.scoring import items_by_key

from .helpers import stored_answers

DEFINITION = json.loads(
    (
        Path(__file__).resolve().parents[2] / "assessments/instruments/power_balance_v1.json"
    ).read_text(encoding="utf-8")
)
ITEMS = items_by_key(DEFINITION)


def respondent(name, partner_name, *, role="Person who booked", sent=True, **answers):
    return Respondent(
        name=name,
        partner_name=partner_name,
        role=role,
        status="Completed" if sent else "In progress",
        sent=sent,
        urgent=answers.get("safety_afraid") == "yes",
        definition=DEFINITION,
        answers=stored_answers(DEFINITION, **answers),
    )


def ana(**answers):
    return respondent("Ana", "Sam", **answers)


def sam(**answers):
    return respondent("Sam", "Ana", role="Partner", **answers)


def rows(person):
    return {row.area: row for row in person.areas}


def test_it_names_who_the_say_leans_toward():
    # Money: -2, -2, -1 -> mean -5/3, lean -83 toward Ana. Talk: 2, 1, 0 -> 1, lean 50 toward Sam.
    person = person_report(
        ana(
            fin_decisions=-2,
            fin_own_money=-2,
            fin_overview=-1,
            com_topics=2,
            com_disagree=1,
            com_heard=0,
        )
    )

    money, talk, social = (
        rows(person)["financial"],
        rows(person)["communication"],
        rows(person)["social"],
    )
    assert (money.imbalance, money.toward, money.mark) == (83, "toward Ana", "←")
    assert (talk.imbalance, talk.toward, talk.mark) == (50, "toward Sam", "→")
    assert (social.imbalance, social.toward, social.mark) == (0, "balanced", "=")
    assert money.label == "Money"


def test_it_lists_flagged_items_in_the_words_the_person_chose():
    # Impact "very much" (4 -> 100) flags itself and the far-end balance answer beside it.
    person = person_report(ana(fin_decisions=-2, fin_impact=4))

    assert [(line.question, line.answer) for line in person.flagged] == [
        (ITEMS["fin_decisions"]["text"], "Much more me"),
        (ITEMS["fin_impact"]["text"], "Very much"),
    ]
    assert rows(person)["financial"].flagged == 2


def test_it_gathers_free_text_context_care_and_safety():
    person = person_report(
        ana(ctx_hopes="Less shouting", com_notes="We talk past each other", safety_control="yes")
    )

    assert [line.answer for line in person.free_text] == [
        "Less shouting",
        "We talk past each other",
    ]
    assert person.context[0].answer == "Married or in a civil partnership"
    assert person.context[-1].question == ITEMS["choice_stance"]["text"]
    assert [line.answer for line in person.care] == ["Often"] * 7
    # Care 3 everywhere; contempt (reverse-worded) 3 flips to 1: mean 19/7, 25 x 19/7 = 68.
    assert person.care_strength == 68
    assert [line.question for line in person.safety] == [ITEMS["safety_control"]["text"]]
    assert len(person.all_answers) == 9


def test_it_reads_every_kind_of_answer_back_in_words():
    assert answer_label(ITEMS["fin_decisions"], "prefer_not") == "I'd rather not say"
    assert answer_label(ITEMS["emo_needs"], 1) == "A bit more my partner"
    assert answer_label(ITEMS["care_honest"], 0) == "Never"
    assert answer_label(ITEMS["safety_afraid"], "no") == "No"
    assert answer_label(ITEMS["ctx_living"], "sometimes") == "Some of the time"
    assert answer_label(ITEMS["ctx_hopes"], "<b>bold</b>") == "<b>bold</b>"  # escaped by templates
    assert answer_label(ITEMS["emo_needs"], None) == "—"


def test_it_leaves_someone_who_has_not_begun_unscored():
    person = person_report(
        Respondent("Sam", "Ana", "Partner", "Not started", False, False, DEFINITION, {})
    )

    assert person.started is False
    assert {row.imbalance for row in person.areas} == {None}
    assert person.care_strength is None


def test_it_compares_a_couples_views_and_highlights_the_gaps():
    # Money: each says "much more me" three times: both lean -100, each toward themselves.
    # On one axis Ana sits at +100 and Sam at -100: gap 100, and they disagree.
    # Care work: Ana's impact 4 (100) against Sam's 0: a burden only Ana feels.
    money_me = {"fin_decisions": -2, "fin_own_money": -2, "fin_overview": -2}
    report = booking_report(
        [ana(**money_me, emo_impact=4), sam(**money_me, emo_impact=0)], is_couple=True
    )

    gaps = {gap.label: gap for gap in report.gaps}
    money, care, social = gaps["Money"], gaps["Emotional load"], gaps["Social & cultural"]
    assert (money.perception_gap, money.disagree_direction, money.highlight) == (100, True, True)
    assert (money.first.toward, money.second.toward) == ("toward Ana", "toward Sam")
    assert (care.unseen_burden, care.burden_on, care.highlight) == (True, "Ana", True)
    assert (social.perception_gap, social.highlight) == (0, False)
    assert GAP_HIGHLIGHT == 50


def test_it_draws_both_people_of_a_couple_on_each_chart():
    report = booking_report([ana(), sam()], is_couple=True)

    # Every balance "about equal" (imbalance 0) and every impact "a little" (25 x 1 = 25).
    for svg, value in ((report.imbalance_svg, 0), (report.impact_svg, 25)):
        assert svg.count('class="series"') == 2
        assert f"Ana: Money {value}," in svg
        assert f"Sam: Money {value}," in svg


def test_it_leaves_a_partner_who_has_not_begun_off_the_charts_and_the_comparison():
    report = booking_report(
        [ana(), Respondent("Sam", "Ana", "Partner", "Not started", False, False, DEFINITION, {})],
        is_couple=True,
    )

    assert report.gaps == []
    assert report.imbalance_svg.count('class="series"') == 1


@pytest.mark.parametrize(
    ("is_couple", "ana_safety", "sam_safety", "recommend"),
    [
        (True, "no", "no", False),
        (True, "yes", "no", True),
        (True, "no", "yes", True),
        (False, "yes", "no", False),  # one person: individual sessions already
    ],
)
def test_it_recommends_individual_sessions_when_either_partner_may_not_be_safe(
    is_couple, ana_safety, sam_safety, recommend
):
    people = [ana(safety_afraid=ana_safety), sam(safety_threats=sam_safety)]

    report = booking_report(people if is_couple else people[:1], is_couple=is_couple)

    assert report.recommend_individual is recommend


def test_it_shows_safety_answers_even_before_they_are_sent():
    report = booking_report([ana(sent=False, safety_physical="yes")], is_couple=False)

    [person] = report.safety_people
    assert person.sent is False
    assert person.safety[0].question == ITEMS["safety_physical"]["text"]


def test_it_explains_the_formulas_in_the_scoring_modules_words():
    text = formulas()

    assert text.startswith("Score the power-balance questionnaire.")
    assert "perception gap = half the distance" in text
    assert "unseen burden" in text
