"""Questionnaire v2: the instrument file and its scoring (assessments/scoring_v2/), worked by hand.

Ana answers about herself and her partner Sam. Balance answers run from -2
("much more me") to 2 ("much more my partner").
"""

import json
import re
from pathlib import Path

import pytest

from assessments import scoring, scoring_v2
from assessments.scoring_v2 import (
    area_changes,
    area_results,
    care_practices,
    couple_comparison,
    far_end_flags,
    keeping_the_peace,
    observations,
    question_order,
    reflection_for,
    relationship_context,
    safety_result,
    section_shown,
    shared_areas,
    wording_for,
)

V2_PATH = Path(__file__).resolve().parents[2] / "assessments/instruments/power_balance_v2.json"
V2 = json.loads(V2_PATH.read_text(encoding="utf-8"))
SECTIONS = {section["key"]: section for section in V2["sections"]}
ITEMS = list(scoring.iter_items(V2))
NAMES = {"name": "Ana", "partner_name": "Sam"}
BLAMING = re.compile(r"\b(fault|faults|blame\w*|abuser\w*|victim\w*)\b", re.IGNORECASE)


def areas(answers):
    return {result.area: result for result in area_results(V2, answers, **NAMES)}


def calm(**overrides):
    """Every balance "about equal", every care statement "almost always", no impact."""
    answers = {}
    for item in ITEMS:
        if item["kind"] == "balance":
            answers[item["key"]] = 0
        elif item.get("practice"):
            answers[item["key"]] = 4
        elif item["kind"] == "impact":
            answers[item["key"]] = 0
    answers.update(overrides)
    return answers


# --- The instrument ---------------------------------------------------------------


def test_it_keeps_v1s_shape_and_adds_keys():
    assert list(V2)[:6] == ["slug", "version", "title", "intro", "minutes", "relationship_context"]
    assert (V2["slug"], V2["version"]) == ("power-balance", 2)
    assert list(SECTIONS) == [
        "context",
        "financial",
        "emotional",
        "social",
        "age_health",
        "communication",
        "choice",
        "care",
        "sharing",
        "safety",
        "danger",
    ]
    keys = [item["key"] for item in ITEMS]
    assert len(keys) == len(set(keys))
    for item in ITEMS:
        assert item["kind"] in scoring.KINDS
        assert {"key", "kind", "text", "required", "area", "sensitive"} <= set(item)
        scoring.answer_options(item)  # v1's form machinery can offer every answer


def test_it_lets_every_question_be_skipped_and_offers_rather_not_say_on_personal_ones():
    assert not any(item["required"] for item in ITEMS)
    assert scoring.validate_answers(V2, {}) == {}
    for item in ITEMS:
        if item["kind"] == "text" or item.get("shares_area"):
            continue
        assert ("prefer_not", "I'd rather not say") in scoring.answer_options(item), item["key"]


def test_it_gives_every_balance_question_a_pole_and_every_practice_two_statements():
    for item in ITEMS:
        assert (item["kind"] == "balance") == ("pole" in item), item["key"]
        assert item.get("pole") in (None, "say", "load")
    practices = [item["practice"] for item in ITEMS if "practice" in item]
    assert sorted(practices) == sorted(scoring_v2.PRACTICES * 2)
    both_ways = {(item["measure"], item["by"]) for item in ITEMS if "by" in item}
    assert {("contempt", "me"), ("contempt", "partner"), ("fawning", "me")} <= both_ways
    assert ("fawning", "partner") in both_ways


def test_it_uses_no_blaming_words():
    texts = [V2["intro"], *(s["intro"] for s in V2["sections"])]
    for item in ITEMS:
        texts += [
            item["text"],
            item.get("help", ""),
            *(label for _, label in item.get("choices", [])),
        ]
        texts += [w.get("text", "") for w in item.get("wording", {}).values()]
    for text in texts:
        assert not BLAMING.search(text), text


# --- Cancelling answers: tilt and direction --------------------------------------------


def test_it_shows_opposite_answers_as_a_strong_tilt_both_ways():
    money = areas({"fin_decisions": -2, "fin_own_money": 2})["financial"]

    # v1 read this as imbalance 0, "balanced". Tilt: 50 x mean(|-2|, |2|) = 100.
    assert (money.answered, money.total, money.enough) == (2, 4, True)
    assert money.tilt == 100
    assert money.direction == "both_ways"
    assert money.advantage_with is None
    assert (
        money.say
        == "Ana sees this split: Ana holds more say or resources on 1 and Sam on 1 of 2 questions."
    )


def test_it_shows_answers_that_agree_as_one_way():
    money = areas({"fin_decisions": -2, "fin_own_money": -1})["financial"]

    # 50 x mean(2, 1) = 75.
    assert (money.tilt, money.direction, money.advantage_with) == (75, "one_way", "me")
    assert money.say == "Ana says Ana holds more say or resources (2 of 2 questions)."


def test_it_never_reads_carrying_more_as_an_advantage():
    # Ana carries the money admin (load, "much more me"); Sam has more say ("much more my partner").
    money = areas({"fin_admin": -2, "fin_decisions": 2})["financial"]

    assert (money.direction, money.advantage_with) == ("one_way", "partner")
    assert money.say == "Ana says Sam holds more say or resources (1 of 1 questions)."
    assert money.load == "Ana says Ana carries more of the work and load (1 of 1 questions)."


def test_it_calls_all_about_equal_balanced():
    money = areas({"fin_decisions": 0, "fin_own_money": 0, "fin_admin": 0})["financial"]

    assert (money.tilt, money.direction) == (0, "balanced")
    assert money.say == "Ana sees who holds more say or resources as about equal."


# --- Coverage ---------------------------------------------------------------------------


def test_it_shows_one_answer_of_three_as_not_enough_answers():
    # The power of choice has three balance questions; "I'd rather not say" is unanswered.
    choice = areas({"choice_less_sure": -2, "choice_leave_easily": "prefer_not"})["choice"]

    assert (choice.answered, choice.total, choice.enough) == (1, 3, False)
    assert (choice.tilt, choice.direction, choice.say) == (None, None, None)
    assert choice.coverage == "1 of 3 answered: not enough answers"


def test_it_shows_two_of_three_with_its_coverage():
    choice = areas({"choice_less_sure": -2, "choice_leave_easily": -2})["choice"]

    assert choice.enough
    assert choice.coverage == "2 of 3 answered"
    assert choice.tilt == 100


# --- Far-end flags ----------------------------------------------------------------------


def test_it_flags_a_far_end_answer_even_when_nothing_weighs():
    answers = {"fin_decisions": 2, "fin_own_money": 0, "fin_impact": 0}

    [flag] = far_end_flags(V2, answers, **NAMES)

    assert flag.key == "fin_decisions"
    assert flag.impact == 0
    assert flag.answer == "Much more my partner"
    assert flag.sentence == "Ana says Sam holds much more say or resources here."


def test_it_orders_flags_by_impact_without_hiding_any():
    answers = {
        "fin_decisions": -2,  # money: no impact answer
        "soc_circle": 2,  # social weighs "not at all"
        "soc_impact": 0,
        "com_heard": 2,  # talk weighs "quite a lot"
        "com_impact": 3,
        "com_fawn_me": 4,  # almost always goes along to keep the peace
    }

    flags = far_end_flags(V2, answers, **NAMES)

    # Money is asked first, but an area without an impact answer comes after one rated 0.
    assert [flag.key for flag in flags] == [
        "com_heard",
        "com_fawn_me",
        "soc_circle",
        "fin_decisions",
    ]
    assert [flag.impact for flag in flags] == [75, 75, 0, None]
    assert flags[1].sentence == "Ana almost always goes along to keep the peace."


# --- The four care practices -------------------------------------------------------------


def test_it_reads_each_care_practice_on_its_own():
    answers = {
        "care_honest": 4,
        "care_name_patterns": 2,  # mean 3: "often" -> strength
        "care_decide_together": 2,
        "care_capacity": 3,  # mean 2.5 -> growth area
        "care_fair_share": 3,
        "care_rebalance": "prefer_not",  # 1 of 2 answered, 3 -> strength
    }

    practices = {p.practice: p for p in care_practices(V2, answers)}

    assert [(p.label, p.state) for p in practices.values()] == [
        ("Honest conversations", "strength"),
        ("Shared decisions", "growth_area"),
        ("A fair share of the work", "strength"),
        ("Respect and support", "not_answered"),
    ]
    assert (practices["fair_share"].answered, practices["fair_share"].total) == (1, 2)


# --- Keeping the peace ------------------------------------------------------------------


def test_it_marks_all_equal_all_top_no_impact_as_worth_checking_gently():
    check = keeping_the_peace(V2, calm())

    assert check.worth_checking
    assert check.label == "Worth checking gently"
    assert not any(char.isdigit() for char in check.label + "".join(check.reasons))


@pytest.mark.parametrize(
    "overrides",
    [
        {"fin_decisions": -1},  # one answer not "about equal"
        {"care_support": 3},  # one care statement below the top
        {"emo_impact": 1},  # something weighs a little
        {"care_respect": None, "care_support": None},  # a practice not answered
    ],
)
def test_it_does_not_mark_answers_that_are_not_all_even(overrides):
    answers = {k: v for k, v in calm(**overrides).items() if v is not None}

    assert not keeping_the_peace(V2, answers).worth_checking


def test_it_does_not_mark_an_empty_questionnaire():
    assert not keeping_the_peace(V2, {}).worth_checking


# --- Safety -----------------------------------------------------------------------------

SCREEN = [item["key"] for item in SECTIONS["safety"]["items"]]


def test_it_never_reads_a_skipped_safety_question_as_no():
    all_no = safety_result(V2, dict.fromkeys(SCREEN, "no"))
    one_skipped = safety_result(V2, {**dict.fromkeys(SCREEN, "no"), "safety_sexual": None})
    rather_not = safety_result(V2, {**dict.fromkeys(SCREEN, "no"), "safety_afraid": "prefer_not"})

    assert all_no.state == "no"
    assert one_skipped.state == "skipped"
    assert rather_not.state == "skipped"
    assert rather_not.lines[0].key == "safety_afraid"  # skipped before the "no" lines
    assert "not the same as no" in one_skipped.summary
    assert safety_result(V2, {}).state == "skipped"


def test_it_opens_the_danger_questions_after_choking_and_puts_them_first():
    answers = {
        **dict.fromkeys(SCREEN, "no"),
        "safety_choking": "yes",
        "danger_threat_to_kill": "yes",
        "danger_weapon": "no",
    }

    result = safety_result(V2, answers)

    assert section_shown(SECTIONS["danger"], answers, couple=False)
    assert (result.state, result.urgent, result.danger_opened) == ("yes", True, True)
    assert [line.key for line in result.lines[:7]] == [
        "danger_threat_to_kill",
        "danger_worse",
        "danger_choked_again",
        "danger_fear_for_life",
        "danger_separation",
        "danger_weapon",
        "safety_choking",
    ]
    assert (result.danger_yes, result.danger_asked) == (1, 6)
    assert scoring.is_urgent(V2, answers)  # v1's urgent alert works on v2 answers too


def test_it_keeps_the_danger_questions_closed_without_a_yes():
    answers = dict.fromkeys(SCREEN, "no")

    result = safety_result(V2, answers)

    assert not section_shown(SECTIONS["danger"], answers, couple=False)
    assert not result.danger_opened
    assert all(line.section == "safety" for line in result.lines)


# --- Couples ----------------------------------------------------------------------------


def test_it_compares_only_areas_both_partners_agreed_to_raise():
    ana = {
        "share_financial": "yes",
        "share_emotional": "yes",
        "share_social": "ask_first",
        "fin_decisions": -2,  # Ana: much more me (Ana)
        "fin_own_money": -2,  # Ana: much more me (Ana)
        "emo_household": -2,
        "emo_care": -2,
        "emo_planning": -2,
    }
    sam = {
        "share_financial": "yes",
        "share_social": "yes",
        "fin_decisions": 2,  # Sam: much more my partner (Ana): the same view
        "fin_own_money": -2,  # Sam: much more me (Sam): opposite far ends
        "emo_household": -2,
        "emo_care": -2,
        "emo_planning": -2,
    }

    compared = couple_comparison(V2, ana, sam, name_a="Ana", name_b="Sam")

    assert shared_areas(V2, ana) == {"financial", "emotional"}
    assert [area.area for area in compared] == ["financial"]
    [money] = compared
    # Distances on the "toward Ana" axis: |2 - 2| = 0 and |2 - (-2)| = 4; 100 x 4 / (4 x 2) = 50.
    assert (money.compared, money.gap) == (2, 50)
    assert len(money.disagreements) == 1
    assert "Ana says Ana holds more say; Sam says Sam does." in money.disagreements[0]
    text = " ".join(area.sentence + " ".join(area.disagreements) for area in compared)
    assert "emotional" not in text.lower()
    assert "invisible work" not in text.lower()


def test_it_compares_nothing_when_a_partner_skipped_the_permissions():
    ana = {"share_financial": "yes", "fin_decisions": -2, "fin_own_money": -2}
    sam = {"fin_decisions": 2, "fin_own_money": 2}

    assert couple_comparison(V2, ana, sam, name_a="Ana", name_b="Sam") == []


def test_it_shows_the_joint_session_page_only_to_couples():
    assert section_shown(SECTIONS["sharing"], {}, couple=True)
    assert not section_shown(SECTIONS["sharing"], {}, couple=False)


# --- Question order ---------------------------------------------------------------------


def test_it_orders_questions_stably_and_differently_for_each_partner():
    money = SECTIONS["financial"]
    file_order = [item["key"] for item in money["items"]]

    ana = question_order(money, "booking-7f3a")
    again = question_order(money, "booking-7f3a")
    sam = question_order(money, "booking-7f3a", reverse=True)

    assert ana == again
    assert sam != ana
    assert sam[:4] == ana[:4][::-1]
    assert sorted(ana) == sorted(file_order)
    assert ana[4:] == ["fin_impact", "fin_notes"]  # impact and notes keep their place
    assert sam[4:] == ["fin_impact", "fin_notes"]
    assert question_order(money, "booking-7f3a") != question_order(money, "booking-0001")


def test_it_keeps_unshuffled_sections_in_file_order():
    for key in ("context", "sharing", "safety", "danger"):
        section = SECTIONS[key]
        assert question_order(section, "any") == [item["key"] for item in section["items"]]


# --- Wording ----------------------------------------------------------------------------


def test_it_words_questions_for_a_past_relationship():
    item = scoring.items_by_key(V2)["fin_decisions"]
    answers = {"ctx_relationship": "ended"}

    context = relationship_context(V2, answers)
    worded = wording_for(item, context)
    labels = [option.label for option in scoring_v2.answer_options(item, V2, context)]

    assert context == "past"
    assert worded["text"].startswith("Who had more say")
    assert worded["key"] == item["key"]
    assert worded["kind"] == "balance"
    assert "Much more my former partner" in labels
    assert item["text"].startswith("Who has more say")  # the instrument is not changed


@pytest.mark.parametrize("answer", ["together", "separating", "other", "prefer_not", None], ids=str)
def test_it_keeps_the_present_wording_otherwise(answer):
    item = scoring.items_by_key(V2)["fin_decisions"]
    context = relationship_context(V2, {"ctx_relationship": answer})

    assert context == "current"
    assert wording_for(item, context)["text"] == item["text"]
    assert "Much more my partner" in [o.label for o in scoring_v2.answer_options(item, V2, context)]


def test_it_asks_who_ended_it_only_about_a_past_relationship():
    items = scoring.items_by_key(V2)

    assert scoring_v2.is_asked(items["choice_ended_by"], "past")
    assert not scoring_v2.is_asked(items["choice_ended_by"], "current")
    assert scoring_v2.is_asked(items["choice_stance"], "current")
    assert not scoring_v2.is_asked(items["choice_stance"], "past")


# --- Reflection -------------------------------------------------------------------------


def test_it_reflects_what_weighs_most_from_the_persons_own_answers():
    answers = {"fin_impact": 2, "com_impact": 4, "soc_impact": 1, "emo_impact": 3}

    reflection = reflection_for(answers, V2)

    assert reflection.weighs_most == [
        "how you talk and listen",
        "the everyday work of home, care and feelings",
    ]
    assert reflection.questions == [
        "When is it hardest for you to say what you need?",
        "Which part of the everyday load would you most like to put down, or share?",
        "What would you most like to feel differently about, a few months from now?",
    ]


def test_it_leaves_the_partner_and_all_numbers_out_of_the_reflection():
    own = {"fin_impact": 3, "choice_impact": 4}
    about_partner = {
        **own,
        "com_contempt_partner": 4,
        "com_fawn_partner": 0,
        "fin_decisions": 2,
        "emo_noticed": 0,
        "fin_notes": "Sam decides everything",
    }

    reflection = reflection_for(about_partner, V2)
    words = " ".join(
        [
            reflection.heading,
            reflection.opening,
            reflection.weighs_intro,
            reflection.closing,
            *reflection.weighs_most,
            *reflection.questions,
        ]
    )

    assert reflection == reflection_for(own, V2)
    assert "partner" not in words.lower()
    assert "Sam" not in words
    assert not re.search(r"\d", words)


def test_it_gives_no_reflection_after_any_safety_yes():
    assert reflection_for({"fin_impact": 3, "safety_control": "yes"}, V2) is None
    assert reflection_for({"fin_impact": 3, "danger_separation": "yes"}, V2) is None
    assert reflection_for({"fin_impact": 3, "safety_control": "prefer_not"}, V2) is not None


def test_it_says_kindly_when_nothing_weighs_heavily():
    reflection = reflection_for({"fin_impact": 1}, V2)

    assert reflection.weighs_most == []
    assert reflection.weighs_intro == V2["reflection"]["nothing_heavy"]
    assert reflection.questions == V2["reflection"]["questions"]


# --- Rounds -----------------------------------------------------------------------------


def test_it_shows_change_across_rounds_skipping_none_silently():
    first = area_results(V2, {"fin_decisions": -2, "fin_own_money": -2}, **NAMES)
    thin = area_results(V2, {"fin_decisions": -2}, **NAMES)  # 1 of 4: not enough
    latest = area_results(V2, {"fin_decisions": -1, "fin_own_money": -1}, **NAMES)

    changes = {change.area: change for change in area_changes([first, thin, latest])}
    money = changes["financial"]

    assert money.tilts == [100, None, 50]
    assert money.steps == [None, None]
    assert money.overall == -50
    assert money.sentence == (
        "Money: tilt 100 in round 1, 50 in round 3 (down 50). Not enough answers in round 2."
    )
    assert changes["social"].overall is None
    assert area_changes([]) == []


def test_it_shows_a_step_between_two_rounds_with_enough_answers():
    before = area_results(V2, {"soc_circle": 1, "soc_norms": 1}, **NAMES)
    after = area_results(V2, {"soc_circle": 2, "soc_norms": 2, "soc_adapting": -2}, **NAMES)

    [social] = [c for c in area_changes([before, after]) if c.area == "social"]

    # 50 x mean(1, 1) = 50, then 50 x mean(2, 2, 2) = 100.
    assert (social.tilts, social.steps, social.overall) == ([50, 100], [50], 50)
    assert social.directions == ["one_way", "one_way"]


# --- Both directions, and the practitioner's words ---------------------------------------


def test_it_names_who_does_what_in_both_directions():
    answers = {"com_contempt_me": 1, "com_contempt_partner": 3, "com_fawn_me": 4}

    assert observations(V2, answers, **NAMES) == [
        "Scorn from Ana when things get tense: rarely.",
        "Scorn from Sam when things get tense: often.",
        "Ana goes along to keep the peace: almost always.",
    ]


def test_it_explains_every_figure_in_plain_words():
    for key in ("coverage", "tilt", "direction", "say_and_load", "flags", "care_practices"):
        assert scoring_v2.EXPLANATIONS[key]
    for key in ("keeping_the_peace", "safety", "couple", "rounds"):
        assert scoring_v2.EXPLANATIONS[key]
    assert "never as no" in scoring_v2.EXPLANATIONS["safety"]
