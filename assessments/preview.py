"""A read-through of a questionnaire version, for the practitioner before she publishes it.

Pure Python, no Django: it turns an instrument's definition into the pages a
client would see, in order, with the words for another situation (someone
answering about a past relationship) beside the usual ones wherever they
differ, and says who sees each page. It also builds the examples she reads
with it: what the report says after a safety "yes", and a client's reflection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import scoring, scoring_v2
from .scoring_v2.instrument import DEFAULT_CONTEXT

Definition = Mapping[str, Any]

# How each wording context is named for her; "current" is the usual wording.
CONTEXT_LABELS = {"past": "For someone answering about a past relationship"}
ASKED_ONLY = {
    "current": "Asked only of someone in a relationship now.",
    "past": "Asked only of someone answering about a past relationship.",
}
# Versions from 2 on are scored by scoring_v2 (safety lines, danger set, reflection).
SCORED_BY_V2_FROM = 2


@dataclass(frozen=True, slots=True)
class Alternative:
    """Other words for one situation: only the parts that differ are filled in."""

    label: str
    title: str = ""
    intro: str = ""
    text: str = ""
    help: str = ""
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PreviewQuestion:
    number: int
    text: str
    help: str
    options: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    note: str


@dataclass(frozen=True, slots=True)
class PreviewPage:
    number: int
    key: str
    title: str
    intro: str
    alternatives: tuple[Alternative, ...]
    notes: tuple[str, ...]
    questions: tuple[PreviewQuestion, ...]


@dataclass(frozen=True, slots=True)
class ReflectionExample:
    """A client's reflection on example answers, and the answers it was made from."""

    answers_described: tuple[str, ...]
    reflection: scoring_v2.Reflection


def _contexts(definition: Definition) -> tuple[str, list[str]]:
    """Return the usual wording context and the others, in a stable order."""
    config = definition.get("relationship_context") or {}
    default = config.get("default", DEFAULT_CONTEXT)
    others = sorted(set(config.get("by_answer", {}).values()) - {default})
    return default, others


def _labels(item: Mapping[str, Any], definition: Definition, context: str) -> tuple[str, ...]:
    return tuple(option.label for option in scoring_v2.answer_options(item, definition, context))


def _question(
    number: int, item: Mapping[str, Any], definition: Definition, default: str, others: list[str]
) -> PreviewQuestion:
    usual = scoring_v2.wording_for(item, default)
    options = _labels(item, definition, default)
    alternatives = []
    for context in others:
        other = scoring_v2.wording_for(item, context)
        other_options = _labels(item, definition, context)
        alternative = Alternative(
            label=CONTEXT_LABELS.get(context, context),
            text=other["text"] if other["text"] != usual["text"] else "",
            help=other.get("help", "") if other.get("help") != usual.get("help") else "",
            options=other_options if other_options != options else (),
        )
        if alternative.text or alternative.help or alternative.options:
            alternatives.append(alternative)
    asked_in = item.get("asked_in") or []
    if item["key"] == (definition.get("relationship_context") or {}).get("item"):
        note = "This answer picks the wording of the questions that follow."
    elif len(asked_in) == 1:
        note = ASKED_ONLY.get(asked_in[0], "")
    elif item["kind"] == "text":
        note = "A box to write in; it can be left empty."
    else:
        note = ""
    return PreviewQuestion(
        number=number,
        text=usual["text"],
        help=usual.get("help", ""),
        options=options,
        alternatives=tuple(alternatives),
        note=note,
    )


def _page_notes(section: Mapping[str, Any], items: Mapping[str, Mapping[str, Any]]) -> list[str]:
    notes = []
    if section.get("couples_only"):
        notes.append(
            "Only for partners who come as a couple. Someone coming alone skips this page."
        )
    shown_if = section.get("shown_if")
    if shown_if:
        asked = " or ".join(f"“{items[key]['text']}”" for key in shown_if["yes_to_any"])
        notes.append(f"Opens only after a yes to {asked}, straight after that page.")
    if section.get("private"):
        notes.append("When someone comes back to this page, their earlier answers are not shown.")
    if section.get("shuffle"):
        notes.append(
            "The rated statements come in a different order for each person, "
            "and in the opposite order for their partner."
        )
    return notes


def instrument_preview(definition: Definition) -> list[PreviewPage]:
    """Return every page of the questionnaire in order, as a client would read it."""
    default, others = _contexts(definition)
    items = scoring.items_by_key(definition)
    pages = []
    number = 0
    for index, section in enumerate(definition["sections"], start=1):
        usual = scoring_v2.wording_for(section, default)
        alternatives = []
        for context in others:
            other = scoring_v2.wording_for(section, context)
            alternative = Alternative(
                label=CONTEXT_LABELS.get(context, context),
                title=other["title"] if other["title"] != usual["title"] else "",
                intro=other.get("intro", "") if other.get("intro") != usual.get("intro") else "",
            )
            if alternative.title or alternative.intro:
                alternatives.append(alternative)
        questions = []
        for item in section["items"]:
            number += 1
            questions.append(_question(number, item, definition, default, others))
        pages.append(
            PreviewPage(
                number=index,
                key=section["key"],
                title=usual["title"],
                intro=usual.get("intro", ""),
                alternatives=tuple(alternatives),
                notes=tuple(_page_notes(section, items)),
                questions=tuple(questions),
            )
        )
    return pages


def is_scored_by_v2(definition: Definition) -> bool:
    return definition["version"] >= SCORED_BY_V2_FROM


def safety_example(definition: Definition) -> scoring_v2.SafetyResult:
    """Return what the report says when someone answers yes to the question that opens the
    danger page (or to the first safety question), and yes to its first question."""
    answers: dict[str, Any] = {}
    for item in scoring.iter_items(definition):
        if item["kind"] == "safety":
            answers[item["key"]] = "no"
    opening = next(
        (s["shown_if"]["yes_to_any"][0] for s in definition["sections"] if "shown_if" in s),
        None,
    )
    first_safety = next(k for k, v in answers.items() if v == "no")
    answers[opening or first_safety] = "yes"
    for section in definition["sections"]:
        if "shown_if" in section and section["items"]:
            answers[section["items"][0]["key"]] = "yes"
    return scoring_v2.safety_result(definition, answers)


def reflection_example(definition: Definition) -> ReflectionExample | None:
    """Return a reflection for example answers: the first area weighs "quite a lot",
    the next "somewhat", the rest "a little"; None when the version has no reflection."""
    if "reflection" not in definition:
        return None
    weights = [3, 2]
    answers: dict[str, Any] = {}
    described = []
    for section in definition["sections"]:
        if "reflection" not in section:
            continue
        for item in section["items"]:
            if item["kind"] != "impact":
                continue
            value = weights.pop(0) if weights else 1
            answers[item["key"]] = value
            label = dict(scoring.answer_options(item))[str(value)]
            described.append(f"{section['title']}: “{label}”")
    reflection = scoring_v2.reflection_for(answers, definition)
    if reflection is None:  # no safety answers were given, so this cannot happen
        return None
    return ReflectionExample(answers_described=tuple(described), reflection=reflection)
