"""Build the practitioner's report from answers. Pure Python, no Django.

The report is a conversation aid: it puts each person's answers in order,
scores them with ``scoring`` and, for a couple, shows where their views
differ. It decides nothing about anyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import scoring
from .radar import radar_svg

AREA_LABELS = {
    "financial": "Money",
    "emotional": "Emotional load",
    "social": "Social & cultural",
    "age_health": "Age & health",
    "communication": "Communication",
    "choice": "Power of choice",
}
# A perception gap this wide (half the scale) is highlighted in a couple's table.
GAP_HIGHLIGHT = 50
NO_ANSWER = "—"


@dataclass(frozen=True)
class Respondent:
    """One person's answers, as the report needs them; names are as the practitioner knows them."""

    name: str
    partner_name: str
    role: str
    status: str
    sent: bool
    urgent: bool
    definition: Mapping[str, Any]
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Line:
    """A question and its answer, in the words the person saw."""

    section: str
    question: str
    answer: str


@dataclass(frozen=True)
class AreaRow:
    area: str
    label: str
    imbalance: int | None
    direction: str | None
    toward: str
    mark: str
    impact: int | None
    flagged: int


@dataclass(frozen=True)
class PersonReport:
    name: str
    partner_name: str
    role: str
    status: str
    sent: bool
    urgent: bool
    started: bool
    areas: list[AreaRow]
    care_strength: int | None
    safety: list[Line]
    flagged: list[Line]
    free_text: list[Line]
    context: list[Line]
    care: list[Line]
    all_answers: list[tuple[str, list[Line]]]


@dataclass(frozen=True)
class GapRow:
    label: str
    first: AreaRow
    second: AreaRow
    perception_gap: int | None
    disagree_direction: bool
    unseen_burden: bool
    burden_on: str
    highlight: bool


@dataclass(frozen=True)
class Report:
    people: list[PersonReport]
    gaps: list[GapRow] = field(default_factory=list)
    is_couple: bool = False
    imbalance_svg: str = ""
    impact_svg: str = ""

    @property
    def safety_people(self) -> list[PersonReport]:
        return [person for person in self.people if person.safety]

    @property
    def recommend_individual(self) -> bool:
        """For a couple, any safety answer means individual sessions first."""
        return self.is_couple and bool(self.safety_people)


def answer_label(item: Mapping[str, Any], stored: Any) -> str:
    """Return the words of a stored answer as the person chose it."""
    if stored is None or stored == "":
        return NO_ANSWER
    if item["kind"] in ("text", "number"):
        return str(stored)
    chosen = scoring.chosen_option(item, stored)
    return chosen.label if chosen else NO_ANSWER


def person_report(respondent: Respondent) -> PersonReport:
    """Score one person's answers and gather what the practitioner reads first."""
    definition, answers = respondent.definition, respondent.answers
    items = scoring.items_by_key(definition)
    section_of = {
        item["key"]: section["title"]
        for section in definition["sections"]
        for item in section["items"]
    }

    def line(key: str) -> Line:
        return Line(section_of[key], items[key]["text"], answer_label(items[key], answers.get(key)))

    scores = scoring.area_scores(definition, answers)
    flagged_keys = [key for score in scores for key in score.flagged_items]
    return PersonReport(
        name=respondent.name,
        partner_name=respondent.partner_name,
        role=respondent.role,
        status=respondent.status,
        sent=respondent.sent,
        urgent=respondent.urgent,
        started=bool(answers),
        areas=[_area_row(score, respondent) for score in scores],
        care_strength=scoring.care_strength(definition, answers),
        safety=[line(key) for key in scoring.safety_flags(definition, answers)],
        flagged=[line(key) for key in flagged_keys],
        free_text=[
            line(item["key"])
            for item in scoring.iter_items(definition)
            if item["kind"] == "text" and answers.get(item["key"])
        ],
        context=[
            line(item["key"])
            for section in definition["sections"]
            if section["key"] == "context"
            for item in section["items"]
            if item["kind"] != "text"
        ]
        + [
            line(item["key"])
            for item in scoring.iter_items(definition)
            if item["area"] == "choice" and item["kind"] == "single"
        ],
        care=[
            line(item["key"])
            for item in scoring.iter_items(definition)
            if item["kind"] == "strength"
        ],
        all_answers=[
            (section["title"], [line(item["key"]) for item in section["items"]])
            for section in definition["sections"]
        ],
    )


def _area_row(score: scoring.AreaScore, respondent: Respondent) -> AreaRow:
    toward, mark = {
        "toward_me": (f"toward {respondent.name}", "←"),
        "toward_partner": (f"toward {respondent.partner_name}", "→"),
        "balanced": ("balanced", "="),
        None: (NO_ANSWER, ""),
    }[score.direction]
    return AreaRow(
        area=score.area,
        label=AREA_LABELS.get(score.area, score.area),
        imbalance=score.imbalance,
        direction=score.direction,
        toward=toward,
        mark=mark,
        impact=score.impact,
        flagged=len(score.flagged_items),
    )


def booking_report(respondents: list[Respondent], *, is_couple: bool) -> Report:
    """Build the report for one booking: each person, and for two people their gaps.

    Give the person who booked first. Charts draw everyone who has begun.
    """
    people = [person_report(respondent) for respondent in respondents]
    started = [(r, p) for r, p in zip(respondents, people, strict=True) if p.started]
    gaps = []
    if len(started) == 2:
        (first_in, first), (second_in, second) = started
        compared = scoring.couple_gaps(
            scoring.area_scores(first_in.definition, first_in.answers),
            scoring.area_scores(second_in.definition, second_in.answers),
        )
        rows_first = {row.area: row for row in first.areas}
        rows_second = {row.area: row for row in second.areas}
        for gap in compared:
            gaps.append(
                GapRow(
                    label=AREA_LABELS.get(gap.area, gap.area),
                    first=rows_first[gap.area],
                    second=rows_second[gap.area],
                    perception_gap=gap.perception_gap,
                    disagree_direction=gap.disagree_direction,
                    unseen_burden=gap.unseen_burden,
                    burden_on={"a": first.name, "b": second.name}.get(gap.burden_on or "", ""),
                    highlight=gap.disagree_direction
                    or gap.unseen_burden
                    or (gap.perception_gap or 0) >= GAP_HIGHLIGHT,
                )
            )
    imbalance_svg = impact_svg = ""
    if started:
        labels = [row.label for row in started[0][1].areas]
        imbalance_svg = radar_svg(
            [(p.name, [row.imbalance for row in p.areas]) for _, p in started],
            labels,
            title="Imbalance by area (0 even, 100 all at one end)",
            chart_id="radar-imbalance",
        )
        impact_svg = radar_svg(
            [(p.name, [row.impact for row in p.areas]) for _, p in started],
            labels,
            title="How much each area weighs (0 not at all, 100 very much)",
            chart_id="radar-impact",
        )
    return Report(
        people=people,
        gaps=gaps,
        is_couple=is_couple,
        imbalance_svg=imbalance_svg,
        impact_svg=impact_svg,
    )


def formulas() -> str:
    """Return how the scores are worked out, in the words of the scoring module."""
    return (scoring.__doc__ or "").strip()
