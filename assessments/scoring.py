"""Score the power-balance questionnaire. Pure Python, no Django.

The instrument is the dict loaded from ``instruments/<slug>_v<version>.json``;
answers map item keys to stored values. Balance answers run from -2 to 2:
negative leans toward the person answering ("me"), positive toward their
partner. Impact and strength answers run from 0 to 4; safety answers are
"yes", "no" or "prefer_not". Unanswered items and "prefer_not" are left out
of every mean, and a score with nothing to average is left empty ("not answered"), never 0.

Every balance question asks who has *more* of something that gives say
(money, time, an easier exit), so a lean toward a person means the power in
that area sits with them.

Scores per area (money, emotional load, social, age and health,
communication, and the power of choice), each on a 0-100 scale:

* lean = 50 x the mean balance answer, from -100 (all "much more me") to
  100 (all "much more my partner").
* imbalance = the size of the lean, ignoring its direction: 0 is even,
  100 is every answer at the far end.
* direction = "balanced" when the mean balance answer is less than half a
  step ("a bit more") from even, which is an imbalance under 25; otherwise
  "toward_me" or "toward_partner".
* impact = 25 x the mean impact answer, so "not at all" is 0 and
  "very much" is 100.
* flagged items: a balance question answered at either far end ("much more
  me" or "much more my partner") when the area's impact is 75 or more, and
  an impact question answered "very much". A far-end answer alone is not
  flagged: an uneven split that does not weigh on anyone may suit the
  couple. Flags point to what to explore in session; they are not a finding.

Care strength = 25 x the mean care answer (0 "never" to 4 "almost
always"), with reverse-worded items (moments of contempt) counted as
4 minus the answer, so 100 always means more care.

Comparing a couple: each partner answers from their own side, so "toward
me" from partner A and "toward my partner" from partner B both point at A.
Both leans are first put on one axis where positive means "toward partner
A": A's lean changes sign, B's stays as it is. Then:

* perception gap = half the distance between the two positions on that
  axis: 0 when they see the same balance, 100 when they place it at
  opposite far ends (for example, both answer "much more me").
* disagree about direction = both see an imbalance (neither "balanced")
  and they point at different partners. In their own words, that is when
  both answered "toward me" or both answered "toward partner".
* unseen burden = one partner's impact is 50 or more while the other's is
  25 or less in the same area.

All scores are rounded to whole numbers, halves away from zero (12.5 is
13, -12.5 is -13).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, NamedTuple

Instrument = Mapping[str, Any]
Item = Mapping[str, Any]
Answer = int | str
Answers = Mapping[str, Answer | None]
Direction = Literal["toward_me", "toward_partner", "balanced"]

KINDS = frozenset({"balance", "impact", "strength", "safety", "choice", "text", "single", "number"})
AREAS = ("financial", "emotional", "social", "age_health", "communication", "choice")
ITEM_AREAS = frozenset({*AREAS, "care"})

PREFER_NOT = "prefer_not"
PREFER_NOT_LABEL = "I'd rather not say"
TEXT_MAX_LENGTH = 2000
NUMBER_MAX = 999

# (form value, stored value, label). The form value is what the browser sends back.
BALANCE_SCALE: tuple[tuple[str, Answer, str], ...] = (
    ("much_me", -2, "Much more me"),
    ("bit_me", -1, "A bit more me"),
    ("equal", 0, "About equal"),
    ("bit_partner", 1, "A bit more my partner"),
    ("much_partner", 2, "Much more my partner"),
)
IMPACT_SCALE: tuple[tuple[str, Answer, str], ...] = (
    ("0", 0, "Not at all"),
    ("1", 1, "A little"),
    ("2", 2, "Somewhat"),
    ("3", 3, "Quite a lot"),
    ("4", 4, "Very much"),
)
STRENGTH_SCALE: tuple[tuple[str, Answer, str], ...] = (
    ("0", 0, "Never"),
    ("1", 1, "Rarely"),
    ("2", 2, "Sometimes"),
    ("3", 3, "Often"),
    ("4", 4, "Almost always"),
)
SAFETY_SCALE: tuple[tuple[str, Answer, str], ...] = (
    ("yes", "yes", "Yes"),
    ("no", "no", "No"),
)
_FIXED_SCALES = {
    "balance": BALANCE_SCALE,
    "impact": IMPACT_SCALE,
    "strength": STRENGTH_SCALE,
    "safety": SAFETY_SCALE,
}

_BALANCE_EDGE = 2
_IMPACT_MAX = 4
_STRENGTH_MAX = 4
_FLAG_IMPACT = 75
_DEAD_ZONE = Fraction(1, 2)
_BURDEN_HIGH = 50
_BURDEN_LOW = 25

# Sections whose saved answers no page ever shows again: the safety questions and
# the power of choice ("I have decided to leave"). Whoever opens the link later,
# on a shared phone or from a forwarded email, may be the partner the answers are
# about; so a page says these were answered, never how, and a blank resubmission
# keeps what was saved (see ``services.intake_section_save``).
PRIVATE_SECTIONS = frozenset({"safety", "choice"})


@dataclass(frozen=True, slots=True)
class AreaScore:
    """One area's scores for one respondent; see the module docstring for formulas."""

    area: str
    imbalance: int | None
    direction: Direction | None
    impact: int | None
    answered: int
    flagged_items: list[str]
    lean: int | None


@dataclass(frozen=True, slots=True)
class CoupleGap:
    """How two partners' views of one area differ; ``burden_on`` is "a", "b" or None."""

    area: str
    perception_gap: int | None
    disagree_direction: bool
    unseen_burden: bool
    burden_on: Literal["a", "b"] | None


class Option(NamedTuple):
    """One answer a form offers: the value the browser sends back, and the words shown."""

    value: str
    label: str


class Progress(NamedTuple):
    """Where a respondent is in the questionnaire, for the progress bar."""

    section_number: int
    section_count: int
    percent: int
    minutes_left: int


def iter_items(instrument: Instrument) -> Iterator[Item]:
    """Yield every item of the instrument in the order it is asked."""
    for section in instrument["sections"]:
        yield from section["items"]


def items_by_key(instrument: Instrument) -> dict[str, Item]:
    """Return the instrument's items keyed by item key."""
    return {item["key"]: item for item in iter_items(instrument)}


def offers_prefer_not(item: Item) -> bool:
    """Return whether the item offers "I'd rather not say" (sensitive and safety items)."""
    return item["kind"] == "safety" or (item["sensitive"] and _is_scale(item))


def answer_options(item: Item) -> list[Option]:
    """Return the (form value, label) pairs a form offers; empty for free text and numbers."""
    return [Option(form_value, label) for form_value, _, label in _scale(item)]


def clean_answer(item: Item, raw: str) -> Answer | None:
    """Return the stored value for a submitted form string, or None when left blank.

    Raise ValueError for anything the form did not offer, so a tampered
    request never reaches the database. Whether a blank answer is allowed
    is for ``validate_answers`` to decide, once the whole questionnaire is in.
    """
    kind = item["kind"]
    if kind == "text":
        text = raw.strip()
        if "\x00" in text:
            raise ValueError("The answer contains a character that cannot be saved.")
        if len(text) > TEXT_MAX_LENGTH:
            raise ValueError(f"Please keep this answer under {TEXT_MAX_LENGTH:,} characters.")
        return text or None
    value = raw.strip()
    if not value:
        return None
    if kind == "number":
        if not (value.isascii() and value.isdigit()) or int(value) > NUMBER_MAX:
            raise ValueError(f"Please enter a whole number from 0 to {NUMBER_MAX}.")
        return int(value)
    for form_value, stored, _ in _scale(item):
        if value == form_value:
            return stored
    raise ValueError(f"{value!r} is not one of the answers offered for {item['key']!r}.")


def chosen_option(item: Item, stored: object) -> Option | None:
    """Return the offered option a stored answer stands for, or None if it stands for none.

    The inverse of ``clean_answer``, read from the same scale, so the form that
    ticks a saved answer again and the report that reads it back in the person's
    words cannot disagree about what they chose. None for free text and numbers,
    which are shown as they are.
    """
    for form_value, value, label in _scale(item):
        # type() as well as ==, because True == 1 and a bool is no answer to a scale.
        if type(stored) is type(value) and stored == value:
            return Option(form_value, label)
    return None


def validate_answers(instrument: Instrument, answers: Answers) -> dict[str, list[str]]:
    """Return error messages keyed by item key; an empty dict means the answers can be scored.

    Checks stored values, not form strings: unknown items, values the item
    does not offer and required items left unanswered.
    """
    items = items_by_key(instrument)
    errors: dict[str, list[str]] = {}
    for key, value in answers.items():
        item = items.get(key)
        if item is None:
            errors.setdefault(key, []).append("This question is not part of the questionnaire.")
        elif value is not None and not _is_valid_stored(item, value):
            errors.setdefault(key, []).append(f"{value!r} is not a valid answer here.")
    for key, item in items.items():
        if item["required"] and answers.get(key) in (None, ""):
            errors.setdefault(key, []).append("Please answer this question.")
    return errors


def area_scores(instrument: Instrument, answers: Answers) -> list[AreaScore]:
    """Return the scores of the five everyday areas and the power of choice, in that order."""
    return [_area_score(area, instrument, answers) for area in AREAS]


def care_strength(instrument: Instrument, answers: Answers) -> int | None:
    """Return care strength from 0 to 100, reverse items flipped, or None if none answered."""
    values = []
    for item in iter_items(instrument):
        if item["kind"] != "strength":
            continue
        value = _scored_value(item, answers, 0, _STRENGTH_MAX)
        if value is not None:
            values.append(_STRENGTH_MAX - value if item.get("reverse") else value)
    if not values:
        return None
    return _round(Fraction(100 * sum(values), _STRENGTH_MAX * len(values)))


def safety_flags(instrument: Instrument, answers: Answers) -> list[str]:
    """Return the keys of safety items answered "yes", in the order they are asked."""
    return [
        item["key"]
        for item in iter_items(instrument)
        if item["kind"] == "safety" and answers.get(item["key"]) == "yes"
    ]


def is_urgent(instrument: Instrument, answers: Answers) -> bool:
    """Return whether any safety item was answered "yes": the practitioner looks first."""
    return bool(safety_flags(instrument, answers))


def couple_gaps(score_a: list[AreaScore], score_b: list[AreaScore]) -> list[CoupleGap]:
    """Compare two partners' area scores, area by area, in partner A's order.

    Both lists must come from the same instrument; see the module docstring
    for how the two viewpoints are put on one axis.
    """
    by_area_b = {score.area: score for score in score_b}
    if set(by_area_b) != {score.area for score in score_a}:
        raise ValueError("Compare scores of the same instrument: the areas differ.")
    return [_couple_gap(a, by_area_b[a.area]) for a in score_a]


def progress(instrument: Instrument, answers: Answers, section_index: int) -> Progress:
    """Return where the respondent is: section number, section count, percent done, minutes left.

    Items in earlier sections count as done, answered or skipped; items in
    this and later sections count once answered. Minutes left is the
    instrument's estimate for the items still to do, rounded up.
    """
    sections = instrument["sections"]
    if not 0 <= section_index < len(sections):
        raise ValueError(f"Section index {section_index} is outside 0..{len(sections) - 1}.")
    total = done = 0
    for index, section in enumerate(sections):
        for item in section["items"]:
            total += 1
            if index < section_index or answers.get(item["key"]) not in (None, ""):
                done += 1
    percent = _round(Fraction(100 * done, total)) if total else 100
    minutes_left = math.ceil(Fraction(instrument["minutes"] * (total - done), total or 1))
    return Progress(section_index + 1, len(sections), percent, minutes_left)


def _area_score(area: str, instrument: Instrument, answers: Answers) -> AreaScore:
    balances: list[tuple[str, int]] = []
    impacts: list[tuple[str, int]] = []
    for item in iter_items(instrument):
        if item["area"] != area:
            continue
        if item["kind"] == "balance":
            value = _scored_value(item, answers, -_BALANCE_EDGE, _BALANCE_EDGE)
            if value is not None:
                balances.append((item["key"], value))
        elif item["kind"] == "impact":
            value = _scored_value(item, answers, 0, _IMPACT_MAX)
            if value is not None:
                impacts.append((item["key"], value))

    lean: int | None = None
    direction: Direction | None = None
    if balances:
        mean = Fraction(sum(value for _, value in balances), len(balances))
        lean = _round(50 * mean)
        if abs(mean) < _DEAD_ZONE:
            direction = "balanced"
        else:
            direction = "toward_me" if mean < 0 else "toward_partner"
    impact = None
    if impacts:
        impact = _round(
            Fraction(100 * sum(value for _, value in impacts), _IMPACT_MAX * len(impacts))
        )

    high_impact = impact is not None and impact >= _FLAG_IMPACT
    flagged = {key for key, value in balances if high_impact and abs(value) == _BALANCE_EDGE}
    flagged |= {key for key, value in impacts if value == _IMPACT_MAX}
    return AreaScore(
        area=area,
        imbalance=None if lean is None else abs(lean),
        direction=direction,
        impact=impact,
        answered=len(balances) + len(impacts),
        flagged_items=[item["key"] for item in iter_items(instrument) if item["key"] in flagged],
        lean=lean,
    )


def _couple_gap(a: AreaScore, b: AreaScore) -> CoupleGap:
    gap = None
    if a.lean is not None and b.lean is not None:
        # On the "toward partner A" axis A sits at -a.lean and B at b.lean.
        gap = _round(Fraction(abs(-a.lean - b.lean), 2))
    # Same words from both sides ("toward me" twice) point at different people.
    disagree = a.direction == b.direction and a.direction in ("toward_me", "toward_partner")
    burden_on: Literal["a", "b"] | None = None
    if a.impact is not None and b.impact is not None:
        if a.impact >= _BURDEN_HIGH and b.impact <= _BURDEN_LOW:
            burden_on = "a"
        elif b.impact >= _BURDEN_HIGH and a.impact <= _BURDEN_LOW:
            burden_on = "b"
    return CoupleGap(
        area=a.area,
        perception_gap=gap,
        disagree_direction=disagree,
        unseen_burden=burden_on is not None,
        burden_on=burden_on,
    )


def _scored_value(item: Item, answers: Answers, low: int, high: int) -> int | None:
    """Return the answer as a number to average, None if skipped or "prefer_not"."""
    value = answers.get(item["key"])
    if value is None or value == PREFER_NOT:
        return None
    if type(value) is not int or not low <= value <= high:
        raise ValueError(
            f"{value!r} is not a valid answer to {item['key']!r}; "
            "check the answers with validate_answers() before scoring."
        )
    return value


def _round(value: Fraction) -> int:
    """Round to the nearest whole number, halves away from zero (12.5 -> 13, -12.5 -> -13)."""
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return -magnitude if value < 0 else magnitude


def _is_scale(item: Item) -> bool:
    return item["kind"] in _FIXED_SCALES or item["kind"] == "single"


def _scale(item: Item) -> tuple[tuple[str, Answer, str], ...]:
    kind = item["kind"]
    if kind in _FIXED_SCALES:
        scale = _FIXED_SCALES[kind]
    elif kind == "single":
        scale = tuple((value, value, label) for value, label in item["choices"])
    elif kind in ("text", "number"):
        return ()
    else:
        raise ValueError(f"Item {item['key']!r} has kind {kind!r}, which has no answer format.")
    if offers_prefer_not(item):
        scale += ((PREFER_NOT, PREFER_NOT, PREFER_NOT_LABEL),)
    return scale


def _is_valid_stored(item: Item, value: object) -> bool:
    kind = item["kind"]
    if kind == "text":
        return isinstance(value, str) and len(value) <= TEXT_MAX_LENGTH and "\x00" not in value
    if kind == "number":
        return type(value) is int and 0 <= value <= NUMBER_MAX
    return chosen_option(item, value) is not None
