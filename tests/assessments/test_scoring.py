"""Unit tests for the questionnaire scoring (assessments/scoring.py), worked by hand."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    AREAS,
    AreaScore,
    Progress,
    answer_options,
    area_scores,
    care_strength,
    chosen_option,
    clean_answer,
    couple_gaps,
    is_urgent,
    items_by_key,
    iter_items,
    progress,
    safety_flags,
    validate_answers,
)

INSTRUMENT_PATH = (
    Path(__file__).resolve().parents[2] / "assessments/instruments/power_balance_v1.json"
)


def item(key, kind, area=None, *, required=False, sensitive=False, **extra):
    return {
        "key": key,
        "kind": kind,
        "text": key,
        "required": required,
        "area": area,
        "sensitive": sensitive,
        **extra,
    }


# A small instrument whose numbers are easy to follow: money has four
# balance items and one impact item, talk has two and one.
TINY = {
    "slug": "tiny",
    "version": 1,
    "title": "Tiny",
    "intro": "",
    "minutes": 10,
    "sections": [
        {
            "key": "context",
            "title": "Context",
            "intro": "",
            "items": [
                item("status", "single", choices=[["married", "Married"], ["other", "Other"]]),
                item("hopes", "text"),
            ],
        },
        {
            "key": "financial",
            "title": "Money",
            "intro": "",
            "items": [
                item("m1", "balance", "financial", required=True, sensitive=True),
                item("m2", "balance", "financial", required=True, sensitive=True),
                item("m3", "balance", "financial", required=True, sensitive=True),
                item("m4", "balance", "financial", required=True, sensitive=True),
                item("m_impact", "impact", "financial", sensitive=True),
            ],
        },
        {
            "key": "communication",
            "title": "Talk",
            "intro": "",
            "items": [
                item("t1", "balance", "communication", required=True),
                item("t2", "balance", "communication", required=True),
                item("t_impact", "impact", "communication"),
                item("t_notes", "text", "communication"),
            ],
        },
        {
            "key": "care",
            "title": "Care",
            "intro": "",
            "items": [
                item("c_honest", "strength", "care"),
                item("c_respect", "strength", "care"),
                item("c_contempt", "strength", "care", sensitive=True, reverse=True),
            ],
        },
        {
            "key": "safety",
            "title": "Safety",
            "intro": "",
            "items": [
                item("s_afraid", "safety", required=True, sensitive=True),
                item("s_control", "safety", required=True, sensitive=True),
                item("s_harm", "safety", required=True, sensitive=True),
            ],
        },
    ],
}


def scores_by_area(answers):
    return {score.area: score for score in area_scores(TINY, answers)}


def area(name, *, lean, direction, impact=None):
    return AreaScore(
        area=name,
        imbalance=None if lean is None else abs(lean),
        direction=direction,
        impact=impact,
        answered=1,
        flagged_items=[],
        lean=lean,
    )


def test_it_scores_every_area_in_a_fixed_order():
    scores = area_scores(TINY, {})

    assert [score.area for score in scores] == list(AREAS)


def test_it_scores_an_area_leaning_toward_me():
    # Balance -2, -1, -1, 0: mean -4/4 = -1; lean 50 x -1 = -50; imbalance 50.
    # |mean| 1 >= 0.5 and negative: toward me. Impact 2: 25 x 2 = 50.
    money = scores_by_area({"m1": -2, "m2": -1, "m3": -1, "m4": 0, "m_impact": 2})["financial"]

    assert money == AreaScore(
        area="financial",
        imbalance=50,
        direction="toward_me",
        impact=50,
        answered=5,
        flagged_items=[],
        lean=-50,
    )


def test_it_scores_an_area_leaning_toward_the_partner():
    # Balance 2, 1: mean 3/2 = 1.5; 50 x 1.5 = 75. Impact 1: 25 x 1 = 25.
    talk = scores_by_area({"t1": 2, "t2": 1, "t_impact": 1})["communication"]

    assert (talk.imbalance, talk.direction, talk.impact, talk.lean) == (
        75,
        "toward_partner",
        25,
        75,
    )


def test_it_calls_a_lean_under_half_a_step_balanced():
    # Balance 1, 0, 0: mean 1/3, under 0.5: balanced; 50 x 1/3 = 16.67 -> 17.
    money = scores_by_area({"m1": 1, "m2": 0, "m3": 0})["financial"]

    assert (money.direction, money.imbalance, money.lean) == ("balanced", 17, 17)


def test_it_counts_exactly_half_a_step_as_a_lean():
    # Balance -1, 0: mean -1/2; |mean| is not under 0.5: toward me; 50 x 0.5 = 25.
    talk = scores_by_area({"t1": -1, "t2": 0})["communication"]

    assert (talk.direction, talk.imbalance, talk.lean) == ("toward_me", 25, -25)


def test_it_rounds_halves_away_from_zero():
    # Balance -1, 0, 0, 0: mean -1/4; 50 x -0.25 = -12.5 -> -13 (Python's round gives -12).
    money = scores_by_area({"m1": -1, "m2": 0, "m3": 0, "m4": 0})["financial"]

    assert (money.lean, money.imbalance, money.direction) == (-13, 13, "balanced")


def test_it_leaves_prefer_not_out_of_the_mean():
    # Balance "prefer_not", 2, "prefer_not", "prefer_not": mean 2/1 = 2 -> 100.
    money = scores_by_area(
        {"m1": "prefer_not", "m2": 2, "m3": "prefer_not", "m4": "prefer_not", "m_impact": 3}
    )["financial"]

    assert (money.imbalance, money.direction, money.impact, money.answered) == (
        100,
        "toward_partner",
        75,
        2,
    )


def test_it_scores_nothing_answered_as_none_not_zero():
    money = scores_by_area({"m1": "prefer_not", "m_impact": "prefer_not"})["financial"]

    assert money == AreaScore("financial", None, None, None, 0, [], None)


def test_it_flags_extreme_balance_answers_when_the_area_weighs_heavily():
    # Impact 3: 25 x 3 = 75, at the threshold; m1 and m3 sit at the far ends (-2, 2),
    # m2 (-1) does not. The impact answer 3 is not "very much", so it is not flagged.
    money = scores_by_area({"m1": -2, "m2": -1, "m3": 2, "m_impact": 3})["financial"]

    assert money.flagged_items == ["m1", "m3"]


def test_it_does_not_flag_extreme_balance_answers_that_weigh_lightly():
    # Impact 2: 25 x 2 = 50, under 75; an uneven split that suits the couple is no flag.
    money = scores_by_area({"m1": -2, "m2": -2, "m_impact": 2})["financial"]

    assert money.flagged_items == []


def test_it_flags_an_impact_answer_of_very_much():
    # Impact 4 is flagged on its own; balance 1, 0 are not at the far ends.
    talk = scores_by_area({"t1": 1, "t2": 0, "t_impact": 4})["communication"]

    assert talk.flagged_items == ["t_impact"]


def test_it_lists_flags_in_the_order_the_items_are_asked():
    money = scores_by_area({"m4": 2, "m1": -2, "m_impact": 4})["financial"]

    assert money.flagged_items == ["m1", "m4", "m_impact"]


def test_it_refuses_to_score_a_value_outside_the_scale():
    with pytest.raises(ValueError, match="m1"):
        area_scores(TINY, {"m1": 3})


def test_it_refuses_to_score_a_boolean():
    # True == 1 in Python, but a checkbox value is no answer to a scale.
    with pytest.raises(ValueError, match="t1"):
        area_scores(TINY, {"t1": True})


@given(st.lists(st.sampled_from([-2, -1, 0, 1, 2, "prefer_not"]), min_size=4, max_size=4))
def test_it_keeps_every_lean_on_the_scale_and_in_line_with_its_direction(values):
    answers = dict(zip(["m1", "m2", "m3", "m4"], values, strict=True))

    money = scores_by_area(answers)["financial"]

    if money.lean is None:
        assert money.direction is None
        return
    assert 0 <= money.imbalance <= 100
    assert money.imbalance == abs(money.lean)
    expected = "balanced" if money.imbalance < 25 else None
    expected = expected or ("toward_me" if money.lean < 0 else "toward_partner")
    assert money.direction == expected


def test_it_scores_care_with_contempt_reversed():
    # Honest 4, respect 3, contempt 1 flipped to 4 - 1 = 3: mean 10/3;
    # 25 x 10/3 = 83.33 -> 83.
    answers = {"c_honest": 4, "c_respect": 3, "c_contempt": 1}

    assert care_strength(TINY, answers) == 83


def test_it_scores_care_with_contempt_never_as_full_strength():
    # Contempt 0 ("never") flips to 4: mean 4; 25 x 4 = 100.
    assert care_strength(TINY, {"c_contempt": 0}) == 100


def test_it_leaves_care_unscored_when_nothing_is_answered():
    assert care_strength(TINY, {"c_honest": "prefer_not"}) is None


def test_it_lists_safety_items_answered_yes():
    answers = {"s_afraid": "yes", "s_control": "prefer_not", "s_harm": "yes"}

    assert safety_flags(TINY, answers) == ["s_afraid", "s_harm"]
    assert is_urgent(TINY, answers) is True


def test_it_is_not_urgent_when_no_safety_item_is_answered_yes():
    answers = {"s_afraid": "no", "s_control": "prefer_not", "s_harm": "no"}

    assert safety_flags(TINY, answers) == []
    assert is_urgent(TINY, answers) is False


def test_it_finds_no_gap_when_both_partners_see_power_with_the_same_person():
    # A: lean -100 ("much more me", so toward A); on the A axis: +100.
    # B: lean +50 ("toward my partner", also A); on the A axis: +50.
    # Gap |100 - 50| / 2 = 25; both point at A, so no disagreement about direction.
    a = [area("financial", lean=-100, direction="toward_me")]
    b = [area("financial", lean=50, direction="toward_partner")]

    (gap,) = couple_gaps(a, b)

    assert (gap.perception_gap, gap.disagree_direction) == (25, False)


def test_it_sees_a_disagreement_when_each_partner_says_toward_me():
    # A: lean -50, toward A; on the A axis +50. B: lean -50, toward B; on the A axis -50.
    # Gap |50 - (-50)| / 2 = 50, and they point at different people.
    a = [area("communication", lean=-50, direction="toward_me")]
    b = [area("communication", lean=-50, direction="toward_me")]

    (gap,) = couple_gaps(a, b)

    assert (gap.perception_gap, gap.disagree_direction) == (50, True)


def test_it_measures_the_widest_gap_as_100():
    # A: +100 on the A axis (lean -100); B: -100 (lean -100, "much more me" from B).
    a = [area("choice", lean=-100, direction="toward_me")]
    b = [area("choice", lean=-100, direction="toward_me")]

    assert couple_gaps(a, b)[0].perception_gap == 100


def test_it_rounds_an_odd_gap_up():
    # A: lean -25, +25 on the A axis; B: lean 0. Gap |25 - 0| / 2 = 12.5 -> 13.
    a = [area("social", lean=-25, direction="toward_me")]
    b = [area("social", lean=0, direction="balanced")]

    (gap,) = couple_gaps(a, b)

    assert (gap.perception_gap, gap.disagree_direction) == (13, False)


def test_it_ignores_balanced_views_for_direction():
    a = [area("social", lean=10, direction="balanced")]
    b = [area("social", lean=10, direction="balanced")]

    assert couple_gaps(a, b)[0].disagree_direction is False


def test_it_leaves_the_gap_open_when_one_partner_gave_no_balance_answers():
    a = [area("financial", lean=-50, direction="toward_me")]
    b = [area("financial", lean=None, direction=None)]

    (gap,) = couple_gaps(a, b)

    assert (gap.perception_gap, gap.disagree_direction) == (None, False)


@pytest.mark.parametrize(
    ("impact_a", "impact_b", "burden_on"),
    [
        (50, 25, "a"),  # both exactly at the thresholds
        (25, 75, "b"),
        (100, 0, "a"),
        (50, 50, None),
        (75, 26, None),
        (None, 100, None),
    ],
)
def test_it_spots_a_burden_only_one_partner_feels(impact_a, impact_b, burden_on):
    a = [area("emotional", lean=0, direction="balanced", impact=impact_a)]
    b = [area("emotional", lean=0, direction="balanced", impact=impact_b)]

    (gap,) = couple_gaps(a, b)

    assert (gap.unseen_burden, gap.burden_on) == (burden_on is not None, burden_on)


def test_it_compares_a_couple_from_their_answers():
    # A: money -2, -2 ("much more me"), impact 0 -> lean -100, impact 0.
    # B: money 2, 1 ("my partner", that is A), impact 3 -> lean 75, impact 75.
    # A axis: A +100, B +75; gap 25 / 2 = 12.5 -> 13. Same person; B carries the weight.
    a = area_scores(TINY, {"m1": -2, "m2": -2, "m_impact": 0})
    b = area_scores(TINY, {"m1": 2, "m2": 1, "m_impact": 3})

    money = next(gap for gap in couple_gaps(a, b) if gap.area == "financial")

    assert (money.perception_gap, money.disagree_direction, money.burden_on) == (13, False, "b")


def test_it_refuses_to_compare_scores_of_different_instruments():
    a = [area("financial", lean=0, direction="balanced")]
    b = [area("social", lean=0, direction="balanced")]

    with pytest.raises(ValueError, match="areas differ"):
        couple_gaps(a, b)


@pytest.mark.parametrize(
    ("key", "raw", "stored"),
    [
        ("m1", "much_me", -2),
        ("m1", "bit_me", -1),
        ("m1", "equal", 0),
        ("m1", "bit_partner", 1),
        ("m1", " much_partner ", 2),
        ("m1", "prefer_not", "prefer_not"),
        ("m_impact", "4", 4),
        ("c_honest", "0", 0),
        ("s_afraid", "no", "no"),
        ("s_afraid", "prefer_not", "prefer_not"),
        ("status", "married", "married"),
        ("hopes", "  Less shouting.  ", "Less shouting."),
        ("m1", "", None),
        ("hopes", "   ", None),
    ],
)
def test_it_cleans_a_submitted_answer(key, raw, stored):
    assert clean_answer(items_by_key(TINY)[key], raw) == stored


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("m1", "-2"),  # the stored value, not the form value
        ("m1", "much_more"),
        ("t1", "prefer_not"),  # not sensitive: no "rather not say" on offer
        ("m_impact", "5"),
        ("c_honest", "prefer_not"),
        ("s_afraid", "maybe"),
        ("status", "divorced"),
        ("status", "Married"),
    ],
)
def test_it_rejects_an_answer_that_was_not_offered(key, raw):
    with pytest.raises(ValueError, match="not one of the answers offered"):
        clean_answer(items_by_key(TINY)[key], raw)


def test_it_rejects_text_that_is_too_long():
    with pytest.raises(ValueError, match="under 2,000 characters"):
        clean_answer(items_by_key(TINY)["hopes"], "x" * 2001)


def test_it_rejects_text_with_a_null_character():
    with pytest.raises(ValueError, match="cannot be saved"):
        clean_answer(items_by_key(TINY)["hopes"], "hello\x00")


@pytest.mark.parametrize(("raw", "stored"), [("0", 0), ("42", 42), ("999", 999)])
def test_it_cleans_a_whole_number(raw, stored):
    assert clean_answer(item("age_gap", "number"), raw) == stored


@pytest.mark.parametrize("raw", ["-1", "1000", "4.5", "½", "١٢", "twelve"])
def test_it_rejects_anything_but_a_small_whole_number(raw):
    with pytest.raises(ValueError, match="whole number"):
        clean_answer(item("age_gap", "number"), raw)


def test_it_rejects_a_kind_without_an_answer_format():
    with pytest.raises(ValueError, match="no answer format"):
        clean_answer(item("odd", "choice"), "anything")


def test_it_offers_rather_not_say_only_on_sensitive_and_safety_items():
    items = items_by_key(TINY)

    assert answer_options(items["m1"])[-1] == ("prefer_not", "I'd rather not say")
    assert answer_options(items["s_afraid"])[-1] == ("prefer_not", "I'd rather not say")
    assert "prefer_not" not in dict(answer_options(items["t1"]))
    assert answer_options(items["hopes"]) == []


@pytest.mark.parametrize(
    ("key", "stored", "option"),
    [
        ("m1", -2, ("much_me", "Much more me")),
        ("m1", 2, ("much_partner", "Much more my partner")),
        ("m1", "prefer_not", ("prefer_not", "I'd rather not say")),
        ("m_impact", 0, ("0", "Not at all")),
        ("c_honest", 4, ("4", "Almost always")),
        ("s_afraid", "yes", ("yes", "Yes")),
        ("status", "married", ("married", "Married")),
    ],
)
def test_it_finds_the_option_a_stored_answer_stands_for(key, stored, option):
    assert chosen_option(items_by_key(TINY)[key], stored) == option


@pytest.mark.parametrize(
    ("key", "stored"),
    [
        ("m_impact", True),  # True == 1, but a bool is no answer to a scale
        ("m_impact", "1"),  # the form value, not the stored one
        ("m1", 3),  # off the scale
        ("t1", "prefer_not"),  # not offered here
        ("status", "divorced"),
        ("hopes", "Calmer evenings."),  # free text is shown as it is, not as an option
    ],
)
def test_it_finds_no_option_for_an_answer_that_stands_for_none(key, stored):
    assert chosen_option(items_by_key(TINY)[key], stored) is None


def test_it_finds_every_offered_option_of_the_real_instrument_from_its_stored_answer():
    instrument = json.loads(INSTRUMENT_PATH.read_text(encoding="utf-8"))

    for item in iter_items(instrument):
        for value, label in answer_options(item):
            assert chosen_option(item, clean_answer(item, value)) == (value, label), item["key"]


def test_it_accepts_a_complete_set_of_answers():
    answers = {
        "m1": -2,
        "m2": "prefer_not",
        "m3": 0,
        "m4": 1,
        "t1": 2,
        "t2": 0,
        "s_afraid": "no",
        "s_control": "prefer_not",
        "s_harm": "no",
        "hopes": "Calmer evenings.",
        "status": "other",
        "c_contempt": 0,
    }

    assert validate_answers(TINY, answers) == {}


def test_it_reports_missing_unknown_and_invalid_answers():
    answers = {"m1": -2, "m2": 5, "m3": True, "m4": "2", "t1": 0, "t2": 0, "s_afraid": "no"}
    answers |= {"s_control": "no", "unknown": 1, "status": "divorced", "hopes": None}

    errors = validate_answers(TINY, answers)

    assert errors == {
        "m2": ["5 is not a valid answer here."],
        "m3": ["True is not a valid answer here."],
        "m4": ["'2' is not a valid answer here."],
        "unknown": ["This question is not part of the questionnaire."],
        "status": ["'divorced' is not a valid answer here."],
        "s_harm": ["Please answer this question."],
    }


def test_it_shows_progress_at_the_start():
    # Nothing done: 0 of 17 items; all 10 minutes to go.
    assert progress(TINY, {}, 0) == Progress(1, 5, 0, 10)


def test_it_counts_earlier_sections_as_done_even_when_skipped():
    # Section 3 of 5: context (2) and money (5) are behind, 7 of 17 done -> 41.18 -> 41%.
    # Minutes left: 10 x 10/17 = 5.88, rounded up to 6.
    assert progress(TINY, {}, 2) == Progress(3, 5, 41, 6)


def test_it_counts_answers_given_ahead_of_the_current_section():
    # On section 1, with t1, t2 and s_afraid answered: 3 of 17 -> 17.65 -> 18%.
    # Minutes left: 10 x 14/17 = 8.24, rounded up to 9.
    answers = {"t1": 0, "t2": "prefer_not", "s_afraid": "no", "hopes": ""}

    assert progress(TINY, answers, 0) == Progress(1, 5, 18, 9)


def test_it_shows_no_time_left_when_everything_is_done():
    answers = {item["key"]: "prefer_not" for item in TINY["sections"][-1]["items"]}

    assert progress(TINY, answers, 4) == Progress(5, 5, 100, 0)


def test_it_rejects_a_section_that_does_not_exist():
    with pytest.raises(ValueError, match=r"outside 0\.\.4"):
        progress(TINY, {}, 5)


def test_it_scores_the_real_instrument_answered_evenly():
    # Every balance "about equal", every impact "not at all", every care item at its
    # best (4, or 0 for the reverse-worded one), every safety item "no".
    instrument = json.loads(INSTRUMENT_PATH.read_text(encoding="utf-8"))
    answers = {}
    for question in iter_items(instrument):
        kind = question["kind"]
        if kind in ("balance", "impact"):
            answers[question["key"]] = 0
        elif kind == "strength":
            answers[question["key"]] = 0 if question.get("reverse") else 4
        elif kind == "safety":
            answers[question["key"]] = "no"

    scores = area_scores(instrument, answers)

    assert validate_answers(instrument, answers) == {}
    assert [(s.imbalance, s.direction, s.impact, s.flagged_items) for s in scores] == [
        (0, "balanced", 0, [])
    ] * len(AREAS)
    assert care_strength(instrument, answers) == 100
    assert not is_urgent(instrument, answers)
