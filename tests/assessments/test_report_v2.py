"""assessments.report_v2: the practitioner's report for v2 answers, laid out from hand-picked answers.

Ana answers about herself and her partner Sam. Balance answers run from -2
("much more me") to 2 ("much more my partner").
"""

import json
import re
from datetime import datetime
from pathlib import Path

from assessments.report_v2 import (
    Respondent,
    RoundAnswers,
    booking_report,
    movement,
    person_report,
)
from assessments.scoring_v2 import AREAS, EXPLANATIONS

V2 = json.loads(
    (
        Path(__file__).resolve().parents[2] / "assessments/instruments/power_balance_v2.json"
    ).read_text(encoding="utf-8")
)
SAFETY_NO = {
    "safety_afraid": "no",
    "safety_control": "no",
    "safety_threats": "no",
    "safety_physical": "no",
    "safety_choking": "no",
    "safety_sexual": "no",
}
SHARE_ALL = {f"share_{area}": "yes" for area in AREAS}


def respondent(name="Ana", partner_name="Sam", *, couple=False, **answers):
    return Respondent(
        name=name,
        partner_name=partner_name,
        role="Person who booked" if name == "Ana" else "Partner",
        status="Completed",
        sent=True,
        couple=couple,
        definition=V2,
        answers={**SAFETY_NO, **answers},
    )


def areas(person):
    return {row.area: row for row in person.areas}


def test_it_shows_opposite_answers_as_both_ways_not_balanced():
    person = person_report(respondent(fin_decisions=-2, fin_own_money=2, fin_overview=0))

    money = areas(person)["financial"]
    assert money.coverage == "3 of 4"
    assert money.enough
    assert money.tilt == 67  # 50 x (2 + 2 + 0) / 3: opposite answers add up, never cancel
    assert money.direction.startswith("Both ways")
    assert "Balanced" not in money.direction
    assert money.say == (
        "Ana sees this split: Ana holds more say or resources on 1 and Sam on 1 of 3 questions."
    )
    assert money.load is None  # the load question was not answered


def test_it_shows_not_enough_answers_instead_of_a_figure_below_half():
    person = person_report(respondent(com_topics=2))

    talk = areas(person)["communication"]
    assert (talk.coverage, talk.enough, talk.tilt) == ("1 of 3", False, None)
    assert talk.direction == "not enough answers"
    assert (talk.say, talk.load) == (None, None)


def test_it_names_who_holds_more_say_and_who_carries_more_separately():
    person = person_report(
        respondent(fin_decisions=2, fin_own_money=1, fin_overview=2, fin_admin=-1)
    )

    money = areas(person)["financial"]
    assert money.direction == "One way: the advantage is with Sam"
    assert money.say == "Ana says Sam holds more say or resources (3 of 3 questions)."
    assert money.load == "Ana says Ana carries more of the work and load (1 of 1 questions)."


def test_it_flags_a_far_end_answer_without_an_impact_answer():
    person = person_report(respondent(fin_decisions=-2, emo_household=-2, emo_impact=3))

    assert [(flag.area, flag.answer, flag.weighs) for flag in person.flags] == [
        ("Care and the invisible work", "Much more me", "Quite a lot"),
        ("Money", "Much more me", "—"),  # no impact answer: still flagged, listed last
    ]
    assert person.flags[1].sentence == "Ana says Ana holds much more say or resources here."
    assert areas(person)["financial"].flags == 1


def test_it_shows_skipped_safety_questions_as_their_own_state_never_no():
    answers = {**SAFETY_NO, "safety_control": None, "safety_threats": "prefer_not"}
    person = person_report(
        Respondent("Ana", "Sam", "Person who booked", "Completed", True, False, V2, answers)
    )

    assert person.safety_state == "Safety questions skipped"
    assert not person.safety_yes
    assert [row.state for row in person.screen] == ["Skipped", "Skipped", "No", "No", "No", "No"]
    assert person.screen[1].answer == "I'd rather not say"
    assert person.danger == []


def test_it_puts_the_danger_answers_first_with_yes_first():
    person = person_report(respondent(safety_choking="yes", danger_weapon="yes", danger_worse="no"))

    assert person.safety_state == "Yes"
    assert person.danger[0].state == "Yes"
    assert person.danger[0].question.startswith("Does your partner have a gun")
    assert [row.state for row in person.danger[1:]] == ["Skipped"] * 4 + ["No"]
    assert person.screen[0].state == "Yes"


def test_it_reads_each_care_practice_as_a_strength_or_a_growth_area():
    person = person_report(
        respondent(care_honest=4, care_name_patterns=3, care_decide_together=1, care_fair_share=2)
    )

    assert [(p.label, p.state, p.answered) for p in person.practices] == [
        ("Honest conversations", "A strength", "2 of 2 answered"),
        ("Shared decisions", "A growth area", "1 of 2 answered"),
        ("A fair share of the work", "A growth area", "1 of 2 answered"),
        ("Respect and support", "Not answered", "0 of 2 answered"),
    ]


def test_it_marks_keeping_the_peace_worth_checking_gently_without_a_number():
    calm = {}
    for section in V2["sections"]:
        for item in section["items"]:
            if item["kind"] == "balance":
                calm[item["key"]] = 0
            elif item.get("practice"):
                calm[item["key"]] = 4
            elif item["kind"] == "impact":
                calm[item["key"]] = 0

    person = person_report(respondent(**calm))

    assert person.peace.worth_checking
    assert person.peace.label == "Worth checking gently"
    assert all(not any(ch.isdigit() for ch in reason) for reason in person.peace.reasons)
    assert not person_report(respondent(**{**calm, "fin_impact": 2})).peace.worth_checking


def test_it_shows_each_partners_joint_session_permission_beside_each_area():
    person = person_report(
        respondent(
            couple=True, share_financial="yes", share_emotional="ask_first", share_social="no"
        )
    )

    assert [row.sharing for row in person.areas] == [
        "Yes",
        "Ask first",
        "No, keep for their own sessions",
        "Not answered (kept private)",
        "Not answered (kept private)",
        "Not answered (kept private)",
    ]
    assert all(row.sharing is None for row in person_report(respondent()).areas)


def test_it_leaves_an_area_one_partner_kept_private_out_of_the_comparison():
    ana = respondent(couple=True, **SHARE_ALL, fin_decisions=-2, fin_own_money=-2)
    sam = respondent(
        "Sam",
        "Ana",
        couple=True,
        **{**SHARE_ALL, "share_emotional": "no", "share_social": "ask_first"},
        fin_decisions=-2,
        fin_own_money=-2,
    )

    report = booking_report([ana, sam], is_couple=True)

    assert report.compared
    assert [area.area for area in report.comparison] == [
        "financial",
        "age_health",
        "communication",
        "choice",
    ]
    money = report.comparison[0]
    # Each says "much more me" twice: they point at different people on both questions.
    assert (money.gap, len(money.disagreements)) == (100, 2)


def test_it_compares_nothing_until_both_have_begun():
    ana = respondent(couple=True, **SHARE_ALL)
    sam = Respondent("Sam", "Ana", "Partner", "Not started", False, True, V2, {})

    report = booking_report([ana, sam], is_couple=True)

    assert not report.compared
    assert report.comparison == []
    assert not report.people[1].started


def test_it_explains_every_figure_in_plain_sentences():
    report = booking_report([respondent()], is_couple=False)

    titles = [title for title, _ in report.explanations]
    assert titles[:3] == ["Safety", "Flagged answers", "Answered"]
    assert dict(report.explanations)["Tilt"] == EXPLANATIONS["tilt"]
    assert "rounds" not in " ".join(titles).lower()


def test_it_recommends_individual_sessions_to_a_couple_after_any_safety_yes():
    ana = respondent(couple=True)
    sam = respondent("Sam", "Ana", couple=True, safety_afraid="yes")

    report = booking_report([ana, sam], is_couple=True)

    assert report.recommend_individual
    assert [person.name for person in report.safety_yes_people] == ["Sam"]


def test_it_words_answers_for_someone_answering_about_a_past_relationship():
    person = person_report(respondent(ctx_relationship="ended", fin_decisions=2))

    [money] = [lines for title, lines in person.all_answers if title == "Money"]
    decisions = next(line for line in money if line.answer != "—")
    assert decisions.answer == "Much more my former partner"


def test_it_does_not_score_an_earlier_version():
    v1ish = {**V2, "version": 1}
    person = person_report(
        Respondent("Ana", "Sam", "Person who booked", "Completed", True, False, v1ish, SAFETY_NO)
    )

    assert (person.started, person.readable, person.areas) == (True, False, [])


def sent_round(number, **answers):
    return RoundAnswers(
        number=number,
        sent_at=datetime(2025, 1, number),
        definition=V2,
        answers={**SAFETY_NO, **answers},
    )


def svg_of(found):
    (svg,) = re.findall(r"<svg.*?</svg>", found.radar, flags=re.DOTALL)
    return svg


def test_it_overlays_the_first_and_latest_round_on_a_radar_not_the_middle_one():
    found = movement(
        respondent(),
        [
            sent_round(1, fin_decisions=-2, fin_own_money=2, fin_overview=0),
            sent_round(2, fin_decisions=1, fin_own_money=1, fin_overview=1),
            sent_round(3, fin_decisions=0, fin_own_money=0, fin_overview=1),
        ],
    )

    svg = svg_of(found)
    assert "Ana: first and latest round" in svg
    assert "Round 1" in svg
    assert "Round 3" in svg
    assert "Round 2" not in svg
    assert "Round 1: Money 67, Care and the invisible work not answered" in svg
    assert "Round 3: Money 17, Care and the invisible work not answered" in svg
    assert len(found.areas[0].cells) == 3  # the table still shows every round


def test_it_gives_each_persons_radar_its_own_chart_id():
    rounds = [sent_round(1, fin_decisions=-2), sent_round(2, fin_decisions=2)]
    ana = movement(respondent("Ana", "Sam"), rounds)
    sam = movement(respondent("Sam", "Ana"), rounds)

    def chart_id(found):
        return re.search(r'<title id="([^"]+)-title"', found.radar).group(1)

    assert chart_id(ana) != chart_id(sam)
    assert "Sam: first and latest round" in sam.radar


def test_it_draws_no_movement_radar_for_one_round():
    assert movement(respondent(), [sent_round(1, fin_decisions=-2)]) is None
