"""Lay out the practitioner's report for version 2 answers. Pure Python, no Django.

Version 1 keeps ``report.py``. Here every figure comes from ``scoring_v2``,
in the order she reads it: safety first (the danger follow-up before the
screen), then flagged answers, the six areas with their coverage, the care
practices and the keeping-the-peace prompt. A couple's comparison covers only
the areas both partners agreed may be raised together. The report decides
nothing about anyone: it is a conversation aid for the practitioner alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import scoring, scoring_v2
from .radar import radar_svg
from .scoring_v2 import EXPLANATIONS, CoupleArea, Flag, PeaceCheck, SafetyResult

NO_ANSWER = "—"
SAFETY_STATES = {
    "yes": "Yes",
    "no": "No",
    "skipped": "Safety questions skipped",
}
SAFETY_LINE_STATES = {"yes": "Yes", "no": "No", "skipped": "Skipped"}
DIRECTIONS = {
    "both_ways": "Both ways: some answers favour one of them, some the other",
    "balanced": "Balanced: every answer “about equal”",
}
PRACTICE_STATES = {
    "strength": "A strength",
    "growth_area": "A growth area",
    "not_answered": "Not answered",
}
SHARING = {
    "yes": "Yes",
    "ask_first": "Ask first",
    "no": "No, keep for their own sessions",
}
SHARING_NOT_ANSWERED = "Not answered (kept private)"
# The figures explained on this page, in the order the page shows them (rounds come later).
EXPLAINED = {
    "safety": "Safety",
    "flags": "Flagged answers",
    "coverage": "Answered",
    "tilt": "Tilt",
    "direction": "Which way",
    "say_and_load": "Say and load",
    "impact": "Weighs on them",
    "care_practices": "Care practices",
    "keeping_the_peace": "Keeping the peace",
    "couple": "Comparing a couple",
}


@dataclass(frozen=True)
class Respondent:
    """One person's answers, as the report needs them; names are as the practitioner knows them."""

    name: str
    partner_name: str
    role: str
    status: str
    sent: bool
    couple: bool
    definition: Mapping[str, Any]
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Line:
    """A question and its answer, in the words the person saw."""

    question: str
    answer: str


@dataclass(frozen=True)
class SafetyRow:
    question: str
    answer: str
    state: str


@dataclass(frozen=True)
class FlagRow:
    """A far-end answer, with the area it belongs to and how much that area weighs."""

    area: str
    question: str
    answer: str
    sentence: str
    weighs: str


@dataclass(frozen=True)
class AreaRow:
    """One area for one person, every figure already in words."""

    area: str
    label: str
    coverage: str
    enough: bool
    tilt: int | None
    direction: str
    say: str | None
    load: str | None
    impact: str
    flags: int
    sharing: str | None


@dataclass(frozen=True)
class PracticeRow:
    label: str
    state: str
    answered: str


@dataclass(frozen=True)
class PersonReport:
    name: str
    partner_name: str
    role: str
    status: str
    sent: bool
    started: bool
    readable: bool
    safety_state: str
    safety_summary: str
    danger: list[SafetyRow]
    screen: list[SafetyRow]
    flags: list[FlagRow]
    areas: list[AreaRow]
    practices: list[PracticeRow]
    peace: PeaceCheck | None
    observations: list[str]
    free_text: list[Line]
    all_answers: list[tuple[str, list[Line]]]

    @property
    def safety_yes(self) -> bool:
        return self.safety_state == SAFETY_STATES["yes"]


@dataclass(frozen=True)
class Report:
    people: list[PersonReport]
    comparison: list[CoupleArea] = field(default_factory=list)
    compared: bool = False
    is_couple: bool = False
    explanations: list[tuple[str, str]] = field(default_factory=list)

    @property
    def safety_yes_people(self) -> list[PersonReport]:
        return [person for person in self.people if person.safety_yes]

    @property
    def recommend_individual(self) -> bool:
        """For a couple, any safety yes means individual sessions first."""
        return self.is_couple and bool(self.safety_yes_people)


def is_v2(definition: Mapping[str, Any]) -> bool:
    """Return whether answers to this instrument are read by this report (version 2 on)."""
    return int(definition.get("version", 1)) >= 2


def person_report(respondent: Respondent) -> PersonReport:
    """Score one person's v2 answers and put them in the order the practitioner reads them."""
    definition, answers = respondent.definition, respondent.answers
    started = bool(answers)
    readable = is_v2(definition)
    if not started or not readable:
        return _unscored(respondent, started=started, readable=readable)
    names = {"name": respondent.name, "partner_name": respondent.partner_name}
    safety = scoring_v2.safety_result(definition, answers)
    context = scoring_v2.relationship_context(definition, answers)
    items = scoring.items_by_key(definition)
    areas = {r.area: r for r in scoring_v2.area_results(definition, answers, **names)}

    def line(key: str) -> Line:
        item = scoring_v2.wording_for(items[key], context)
        return Line(item["text"], answer_words(items[key], answers.get(key), definition, context))

    return PersonReport(
        name=respondent.name,
        partner_name=respondent.partner_name,
        role=respondent.role,
        status=respondent.status,
        sent=respondent.sent,
        started=True,
        readable=True,
        safety_state=SAFETY_STATES[safety.state],
        safety_summary=safety.summary,
        danger=_safety_rows(safety, line, danger=True),
        screen=_safety_rows(safety, line, danger=False),
        flags=[
            _flag_row(flag, areas[flag.area], line(flag.key))
            for flag in scoring_v2.far_end_flags(definition, answers, **names)
        ],
        areas=[_area_row(result, respondent) for result in areas.values()],
        practices=[
            PracticeRow(p.label, PRACTICE_STATES[p.state], f"{p.answered} of {p.total} answered")
            for p in scoring_v2.care_practices(definition, answers)
        ],
        peace=scoring_v2.keeping_the_peace(definition, answers),
        observations=scoring_v2.observations(definition, answers, **names),
        free_text=[
            line(item["key"])
            for item in scoring.iter_items(definition)
            if item["kind"] == "text" and answers.get(item["key"])
        ],
        all_answers=[
            (
                scoring_v2.wording_for(section, context)["title"],
                [
                    line(item["key"])
                    for item in section["items"]
                    if scoring_v2.is_asked(item, context)
                ],
            )
            for section in definition["sections"]
            if _was_shown(section, answers, respondent.couple)
        ],
    )


def booking_report(respondents: list[Respondent], *, is_couple: bool) -> Report:
    """Build the v2 report for one booking: each person, then for a couple what they share.

    Give the person who booked first. The comparison is made only when both
    have begun answering v2, and lists only the areas both agreed to share.
    """
    people = [person_report(respondent) for respondent in respondents]
    comparison: list[CoupleArea] = []
    compared = False
    if is_couple and len(people) == 2 and all(p.started and p.readable for p in people):
        first, second = respondents
        comparison = scoring_v2.couple_comparison(
            first.definition,
            first.answers,
            second.answers,
            name_a=first.name,
            name_b=second.name,
        )
        compared = True
    return Report(
        people=people,
        comparison=comparison,
        compared=compared,
        is_couple=is_couple,
        explanations=[(title, EXPLANATIONS[key]) for key, title in EXPLAINED.items()],
    )


def answer_words(
    item: Mapping[str, Any], stored: Any, definition: Mapping[str, Any], context: str
) -> str:
    """Return a stored answer in the words the person chose, worded for their context."""
    if stored is None or stored == "":
        return NO_ANSWER
    if item["kind"] in ("text", "number"):
        return str(stored)
    chosen = scoring.chosen_option(item, stored)
    if chosen is None:
        return NO_ANSWER
    worded = scoring_v2.answer_options(item, definition, context)
    return next((o.label for o in worded if o.value == chosen.value), chosen.label)


# --- Pieces -------------------------------------------------------------------------


def _unscored(respondent: Respondent, *, started: bool, readable: bool) -> PersonReport:
    return PersonReport(
        name=respondent.name,
        partner_name=respondent.partner_name,
        role=respondent.role,
        status=respondent.status,
        sent=respondent.sent,
        started=started,
        readable=readable,
        safety_state="",
        safety_summary="",
        danger=[],
        screen=[],
        flags=[],
        areas=[],
        practices=[],
        peace=None,
        observations=[],
        free_text=[],
        all_answers=[],
    )


def _safety_rows(
    safety: SafetyResult, line: Callable[[str], Line], *, danger: bool
) -> list[SafetyRow]:
    return [
        SafetyRow(
            question=line(safety_line.key).question,
            answer=line(safety_line.key).answer,
            state=SAFETY_LINE_STATES[safety_line.state],
        )
        for safety_line in safety.lines
        if (safety_line.section == "danger") == danger
    ]


def _flag_row(flag: Flag, area: scoring_v2.AreaResult, worded: Line) -> FlagRow:
    return FlagRow(
        area=area.label,
        question=worded.question,
        answer=worded.answer,
        sentence=flag.sentence,
        weighs=area.impact_label or NO_ANSWER,
    )


def _area_row(result: scoring_v2.AreaResult, respondent: Respondent) -> AreaRow:
    return AreaRow(
        area=result.area,
        label=result.label,
        coverage=f"{result.answered} of {result.total}",
        enough=result.enough,
        tilt=result.tilt,
        direction=_direction_words(result, respondent),
        say=result.say,
        load=result.load,
        impact=result.impact_label or NO_ANSWER,
        flags=len(result.flags),
        sharing=(
            _sharing(result.area, respondent.definition, respondent.answers)
            if respondent.couple
            else None
        ),
    )


def _direction_words(result: scoring_v2.AreaResult, respondent: Respondent) -> str:
    if not result.enough or result.direction is None:
        return scoring_v2.NOT_ENOUGH
    if result.direction == "one_way":
        who = respondent.name if result.advantage_with == "me" else respondent.partner_name
        return f"One way: the advantage is with {who}"
    return DIRECTIONS[result.direction]


def _sharing(area: str, definition: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    for item in scoring.iter_items(definition):
        if item.get("shares_area") == area:
            return SHARING.get(str(answers.get(item["key"])), SHARING_NOT_ANSWERED)
    return SHARING_NOT_ANSWERED


def _was_shown(section: Mapping[str, Any], answers: Mapping[str, Any], couple: bool) -> bool:
    # The danger questions are listed whenever any was answered, even if the opening
    # answer changed later: a "yes" about danger is never hidden.
    if scoring_v2.section_shown(section, answers, couple=couple):
        return True
    return any(item["key"] in answers for item in section["items"])


# --- Movement over time ---------------------------------------------------------------


@dataclass(frozen=True)
class RoundAnswers:
    """One sent round of a person's questionnaire, for the movement table."""

    number: int
    sent_at: Any  # a datetime; the template writes it in the practitioner's words
    definition: Mapping[str, Any]
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class MovementCell:
    tilt: int | None
    coverage: str
    enough: bool


@dataclass(frozen=True)
class MovementRow:
    label: str
    cells: list[MovementCell]
    overall: int | None
    sentence: str


@dataclass(frozen=True)
class Movement:
    """A person's areas across their sent rounds of one questionnaire version, oldest first.

    ``radar`` is an SVG overlaying the first and latest round's tilt per area,
    escaped by ``radar.radar_svg``; the table stays the accessible source of the figures.
    """

    name: str
    rounds: list[RoundAnswers]
    areas: list[MovementRow]
    radar: str = ""


def movement(
    respondent: Respondent, rounds: list[RoundAnswers], *, chart_id: str | None = None
) -> Movement | None:
    """Return the person's areas round by round, or None for fewer than two v2 rounds.

    Each round's tilt and coverage per area and the change from ``scoring_v2.area_changes``;
    a round without enough answers in an area shows that instead of a figure. The radar
    overlays the first and latest round; ``chart_id`` defaults to one made from the
    person's role and name, so each person on a page gets their own.
    """
    rounds = [r for r in rounds if is_v2(r.definition) and r.answers]
    if len(rounds) < 2:
        return None
    names = {"name": respondent.name, "partner_name": respondent.partner_name}
    results = [scoring_v2.area_results(r.definition, r.answers, **names) for r in rounds]
    changes = scoring_v2.area_changes(results)
    areas = [
        MovementRow(
            label=change.label,
            cells=[
                MovementCell(
                    tilt=per_round[position].tilt if per_round[position].enough else None,
                    coverage=f"{per_round[position].answered} of {per_round[position].total}",
                    enough=per_round[position].enough,
                )
                for per_round in results
            ],
            overall=change.overall,
            sentence=change.sentence,
        )
        for position, change in enumerate(changes)
    ]
    return Movement(
        name=respondent.name,
        rounds=rounds,
        areas=areas,
        radar=_movement_radar(respondent, rounds, areas, chart_id),
    )


def _movement_radar(
    respondent: Respondent,
    rounds: list[RoundAnswers],
    areas: list[MovementRow],
    chart_id: str | None,
) -> str:
    """Overlay the first and latest round's tilt per area; None where too few were answered."""
    if len(areas) < 3:  # a radar needs three axes; the table still shows every figure
        return ""
    if chart_id is None:
        person = f"{respondent.role}\0{respondent.name}".encode()
        chart_id = f"movement-radar-{hashlib.sha256(person).hexdigest()[:10]}"
    first, latest = 0, len(rounds) - 1
    return radar_svg(
        [
            (f"Round {rounds[index].number}", [row.cells[index].tilt for row in areas])
            for index in (first, latest)
        ],
        [row.label for row in areas],
        title=f"{respondent.name}: first and latest round",
        chart_id=chart_id,
    )
