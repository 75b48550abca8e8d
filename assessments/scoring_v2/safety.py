"""The safety screen and the danger questions it can open.

A skipped safety question is never read as "no": someone who is not safe
may not be able to say so on a form, so "skipped" is a state of its own
that the practitioner sees and can follow up gently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .instrument import PREFER_NOT, Answers, Instrument, section_shown

SafetyState = Literal["yes", "no", "skipped"]

_ORDER = {"yes": 0, "skipped": 1, "no": 2}


@dataclass(frozen=True, slots=True)
class SafetyLine:
    """One safety or danger question and what the person answered."""

    key: str
    section: str
    text: str
    state: SafetyState


@dataclass(frozen=True, slots=True)
class SafetyResult:
    """The whole screen: its overall state, and every line with the danger set first."""

    state: SafetyState
    danger_opened: bool
    danger_yes: int
    danger_asked: int
    lines: list[SafetyLine]
    summary: str

    @property
    def urgent(self) -> bool:
        return self.state == "yes"


def safety_state(value: object) -> SafetyState:
    """Return "yes", "no" or "skipped" for one answer ("I'd rather not say" is skipped)."""
    if value == "yes":
        return "yes"
    if value == "no":
        return "no"
    if value in (None, "", PREFER_NOT):
        return "skipped"
    raise ValueError(f"{value!r} is not an answer to a safety question.")


def safety_result(instrument: Instrument, answers: Answers) -> SafetyResult:
    """Return the safety screen's state and lines, danger questions first.

    Overall state: "yes" if any safety or danger question was answered yes;
    otherwise "skipped" if any screening question was skipped; "no" only when
    every screening question was answered no. Within each set, "yes" lines
    come first, then skipped, then "no", each in the order asked. Danger
    answers are always reported if given, even if the question that opened
    them was changed later: a "yes" about danger is never hidden.
    """
    screen: list[SafetyLine] = []
    danger: list[SafetyLine] = []
    danger_opened = False
    for section in instrument["sections"]:
        if not any(item["kind"] == "safety" for item in section["items"]):
            continue
        is_danger = "shown_if" in section
        opened = section_shown(section, answers, couple=True)
        if is_danger:
            danger_opened = opened
        for item in section["items"]:
            value = answers.get(item["key"])
            if is_danger and not opened and value is None:
                continue
            line = SafetyLine(item["key"], section["key"], item["text"], safety_state(value))
            (danger if is_danger else screen).append(line)

    every = danger + screen
    if any(line.state == "yes" for line in every):
        state: SafetyState = "yes"
    elif any(line.state == "skipped" for line in screen):
        state = "skipped"
    else:
        state = "no"
    danger_yes = sum(line.state == "yes" for line in danger)
    return SafetyResult(
        state=state,
        danger_opened=danger_opened,
        danger_yes=danger_yes,
        danger_asked=len(danger),
        lines=sorted(danger, key=_rank) + sorted(screen, key=_rank),
        summary=_summary(state, danger_opened, danger_yes, len(danger), screen),
    )


def _rank(line: SafetyLine) -> int:
    # sorted() is stable, so lines of one state keep the order they were asked in.
    return _ORDER[line.state]


def _summary(
    state: SafetyState, danger_opened: bool, danger_yes: int, danger_asked: int, screen: list
) -> str:
    skipped = sum(line.state == "skipped" for line in screen)
    if state == "yes":
        text = "Safety: at least one question was answered yes. Please read these answers first."
        if danger_opened or danger_yes:
            text += (
                f" The follow-up danger questions were opened: {danger_yes} of "
                f"{danger_asked} answered yes."
            )
        return text
    if state == "skipped":
        return (
            f"Safety questions skipped: {skipped} of {len(screen)} were left unanswered or "
            "answered “I'd rather not say”. This is not the same as no."
        )
    return "Safety: every screening question was answered no."
