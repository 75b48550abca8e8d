"""One person's answers, area by area: coverage, tilt, who holds and who carries, flags.

Balance answers run from -2 ("much more me") to 2 ("much more my partner").
Each balance item has a ``pole``: "say" when the question asks who has more
say or resources (an advantage), "load" when it asks who does or carries
more (a burden). The pole is what keeps "Ana carries more" from ever reading
as "Ana has the advantage".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from .. import scoring
from .instrument import (
    AREA_LABELS,
    AREAS,
    BALANCE_EDGE,
    PRACTICE_LABELS,
    PRACTICES,
    SCALE_MAX,
    Answers,
    Instrument,
    Item,
    is_asked,
    is_half_or_more,
    iter_items,
    number,
    relationship_context,
    round_half_up,
)

Direction = Literal["one_way", "both_ways", "balanced"]
Side = Literal["me", "partner"]
PracticeState = Literal["strength", "growth_area", "not_answered"]

NOT_ENOUGH = "not enough answers"
WORTH_CHECKING = "Worth checking gently"
# A practice whose answers average "often" or more is a strength.
_STRENGTH_FROM = 3
# For how-often measures, the end of the scale that deserves a second look.
_CONCERNING_END = {
    "contempt": SCALE_MAX,
    "fawning": SCALE_MAX,
    "noticed": 0,
    "secure": 0,
    "in_control": 0,
}
_CONCERNING_CHOICE = {"power_use": "own_way"}
_FREQUENCY = ("never", "rarely", "sometimes", "often", "almost always")


@dataclass(frozen=True, slots=True)
class Flag:
    """An answer at the far end of its scale, worth exploring in session."""

    key: str
    area: str
    question: str
    answer: str
    sentence: str
    impact: int | None


@dataclass(frozen=True, slots=True)
class AreaResult:
    """One area for one person. ``tilt`` and ``direction`` are None when not enough answers."""

    area: str
    label: str
    answered: int
    total: int
    enough: bool
    tilt: int | None
    direction: Direction | None
    advantage_with: Side | None
    impact: int | None
    impact_label: str | None
    say: str | None
    load: str | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def coverage(self) -> str:
        """Return "2 of 3 answered", or that and "not enough answers" below half."""
        text = f"{self.answered} of {self.total} answered"
        return text if self.enough else f"{text}: {NOT_ENOUGH}"


@dataclass(frozen=True, slots=True)
class PracticeResult:
    """One of the four care practices: a strength, a growth area, or not answered."""

    practice: str
    label: str
    state: PracticeState
    answered: int
    total: int


@dataclass(frozen=True, slots=True)
class PeaceCheck:
    """The "keeping the peace" indicator: a prompt for the practitioner, never a score."""

    worth_checking: bool
    label: str
    reasons: list[str]


def area_results(
    instrument: Instrument, answers: Answers, *, name: str, partner_name: str
) -> list[AreaResult]:
    """Return the six areas in order, each with coverage, tilt, direction and plain sentences."""
    context = relationship_context(instrument, answers)
    return [_area_result(area, instrument, answers, context, name, partner_name) for area in AREAS]


def far_end_flags(
    instrument: Instrument, answers: Answers, *, name: str, partner_name: str
) -> list[Flag]:
    """Return every far-end answer, the areas that weigh most first.

    A far-end answer is flagged on its own, whatever the impact answer says:
    people who minimise, or who keep the peace, often rate impact low. Impact
    only orders the list (highest first, then areas without an impact answer,
    then in the order asked), it never hides a flag.
    """
    flags = [
        flag
        for result in area_results(instrument, answers, name=name, partner_name=partner_name)
        for flag in result.flags
    ]
    order = {item["key"]: index for index, item in enumerate(iter_items(instrument))}
    return sorted(
        flags,
        key=lambda flag: (
            flag.impact is None,
            -(flag.impact or 0),
            order[flag.key],
        ),
    )


def care_practices(instrument: Instrument, answers: Answers) -> list[PracticeResult]:
    """Return the four care practices, each a strength, a growth area or not answered.

    A practice is a strength when its answered statements average "often" or
    more (3 of 4), and a growth area below that. With none of its statements
    answered it is "not answered", never a growth area.
    """
    results = []
    for practice in PRACTICES:
        items = [item for item in iter_items(instrument) if item.get("practice") == practice]
        values = [v for v in (number(item, answers) for item in items) if v is not None]
        if not values:
            state: PracticeState = "not_answered"
        elif Fraction(sum(values), len(values)) >= _STRENGTH_FROM:
            state = "strength"
        else:
            state = "growth_area"
        results.append(
            PracticeResult(practice, PRACTICE_LABELS[practice], state, len(values), len(items))
        )
    return results


def keeping_the_peace(instrument: Instrument, answers: Answers) -> PeaceCheck:
    """Return whether the answers look like someone keeping the peace, worth checking gently.

    All three must hold: every balance answer given is "about equal" (and at
    least half of them were answered), every care practice was answered and
    every care statement is at the top ("almost always"), and no area was
    rated as weighing on them at all (every impact "not at all" or skipped).
    Real relationships are rarely that even; this pattern can also come from
    someone who has learnt that naming things is unsafe. It is a prompt for
    the practitioner's curiosity, never a score and never shown to the client.
    """
    balances = [item for item in iter_items(instrument) if item["kind"] == "balance"]
    balance_values = [v for v in (number(item, answers) for item in balances) if v is not None]
    care = [item for item in iter_items(instrument) if item.get("practice")]
    care_values = [number(item, answers) for item in care]
    impacts = [number(item, answers) for item in iter_items(instrument) if item["kind"] == "impact"]

    all_equal = is_half_or_more(len(balance_values), len(balances)) and not any(balance_values)
    practices_answered = all(p.state != "not_answered" for p in care_practices(instrument, answers))
    care_at_top = practices_answered and all(v in (None, SCALE_MAX) for v in care_values)
    no_impact = not any(impacts)
    worth = all_equal and care_at_top and no_impact
    reasons = []
    if worth:
        reasons = [
            "Every balance question answered was “about equal”.",
            "Every care statement was “almost always”.",
            "No area was rated as weighing on them at all.",
        ]
    return PeaceCheck(worth, WORTH_CHECKING if worth else "", reasons)


def observations(
    instrument: Instrument, answers: Answers, *, name: str, partner_name: str
) -> list[str]:
    """Return the how-often answers as plain sentences, naming who each is about.

    Contempt and going along to keep the peace are asked in both directions
    (what I do, what my partner does), so each sentence says who does it,
    as the person answering sees it.
    """
    sentences = []
    context = relationship_context(instrument, answers)
    for item in iter_items(instrument):
        measure = item.get("measure")
        if not measure or not is_asked(item, context):
            continue
        if item["kind"] == "single":
            chosen = scoring.chosen_option(item, answers.get(item["key"]))
            if chosen is not None and answers.get(item["key"]) != scoring.PREFER_NOT:
                sentences.append(f"How power is used, as {name} sees it: {chosen.label}.")
            continue
        value = number(item, answers)
        if value is None:
            continue
        who = name if item.get("by") == "me" else partner_name
        sentences.append(_MEASURE_SENTENCES[measure].format(who=who, how=_FREQUENCY[value]))
    return sentences


_MEASURE_SENTENCES = {
    "contempt": "Scorn from {who} when things get tense: {how}.",
    "fawning": "{who} goes along to keep the peace: {how}.",
    "noticed": "Their work noticed and appreciated: {how}.",
    "secure": "Feels secure: {how}.",
    "in_control": "Feels in control of their own life: {how}.",
}


# --- One area -------------------------------------------------------------------


def _area_result(
    area: str,
    instrument: Instrument,
    answers: Answers,
    context: str,
    name: str,
    partner_name: str,
) -> AreaResult:
    items = [i for i in iter_items(instrument) if i["area"] == area and is_asked(i, context)]
    balances = [item for item in items if item["kind"] == "balance"]
    given = [(item, v) for item in balances if (v := number(item, answers)) is not None]
    enough = is_half_or_more(len(given), len(balances))
    impact_item = next((item for item in items if item["kind"] == "impact"), None)
    impact_value = number(impact_item, answers) if impact_item else None
    impact = None if impact_value is None else round_half_up(Fraction(100 * impact_value, 4))

    tilt = direction = advantage_with = None
    say = load = None
    if enough:
        tilt = round_half_up(Fraction(50 * sum(abs(v) for _, v in given), len(given)))
        direction, advantage_with = _direction(given)
        say = _holds_sentence(given, "say", name, partner_name)
        load = _holds_sentence(given, "load", name, partner_name)
    flags = [
        flag
        for item in items
        if (flag := _flag(item, answers, impact, name, partner_name)) is not None
    ]
    return AreaResult(
        area=area,
        label=AREA_LABELS[area],
        answered=len(given),
        total=len(balances),
        enough=enough,
        tilt=tilt,
        direction=direction,
        advantage_with=advantage_with,
        impact=impact,
        impact_label=None if impact_value is None else _impact_label(impact_value),
        say=say,
        load=load,
        flags=flags,
    )


def _advantage(item: Item, value: int) -> int:
    """Return the answer on one axis: negative means the advantage is with "me".

    "Much more me" on a say question is my advantage (-2); on a load question
    it is my burden, so the advantage is my partner's (+2).
    """
    return value if item["pole"] == "say" else -value


def _direction(given: Iterable[tuple[Item, int]]) -> tuple[Direction, Side | None]:
    signs = {_advantage(item, v) > 0 for item, v in given if v != 0}
    if not signs:
        return "balanced", None
    if len(signs) == 2:
        return "both_ways", None
    return "one_way", "partner" if signs == {True} else "me"


def _holds_sentence(
    given: list[tuple[Item, int]], pole: str, name: str, partner_name: str
) -> str | None:
    values = [v for item, v in given if item["pole"] == pole]
    if not values:
        return None
    mine = sum(v < 0 for v in values)
    theirs = sum(v > 0 for v in values)
    what = "say or resources" if pole == "say" else "of the work and load"
    verb = "holds" if pole == "say" else "carries"
    if not mine and not theirs:
        return f"{name} sees who {verb} more {what} as about equal."
    if mine and theirs:
        return (
            f"{name} sees this split: {name} {verb} more {what} on {mine} "
            f"and {partner_name} on {theirs} of {len(values)} questions."
        )
    who, count = (name, mine) if mine else (partner_name, theirs)
    return f"{name} says {who} {verb} more {what} ({count} of {len(values)} questions)."


def _flag(
    item: Item, answers: Answers, impact: int | None, name: str, partner_name: str
) -> Flag | None:
    kind, measure = item["kind"], item.get("measure")
    value = answers.get(item["key"])
    sentence = None
    if kind == "balance" and (v := number(item, answers)) is not None and abs(v) == BALANCE_EDGE:
        who = name if v < 0 else partner_name
        verb = "holds much more say or resources" if item["pole"] == "say" else "carries much more"
        sentence = f"{name} says {who} {verb} here."
    elif kind == "impact" and number(item, answers) == SCALE_MAX:
        sentence = f"{name} says this weighs on them very much."
    elif kind == "strength" and measure and number(item, answers) == _CONCERNING_END[measure]:
        who = name if item.get("by") == "me" else partner_name
        sentence = _FLAG_SENTENCES[measure].format(who=who)
    elif kind == "single" and measure and value == _CONCERNING_CHOICE.get(measure):
        sentence = f"{name} says power is mostly used to get one's own way."
    if sentence is None:
        return None
    chosen = scoring.chosen_option(item, value)
    return Flag(
        key=item["key"],
        area=item["area"],
        question=item["text"],
        answer=chosen.label if chosen else "",
        sentence=sentence,
        impact=impact,
    )


_FLAG_SENTENCES = {
    "contempt": "Scorn from {who} almost always when things get tense.",
    "fawning": "{who} almost always goes along to keep the peace.",
    "noticed": "Their work is never noticed or appreciated, they say.",
    "secure": "They never feel secure, they say.",
    "in_control": "They never feel in control of their own life, they say.",
}


def _impact_label(value: int) -> str:
    return scoring.IMPACT_SCALE[value][2]
