"""Reading the v2 instrument: which items, in which words and order, on which pages.

Everything here is pure and deterministic, so the form that asks a question
and the report that reads the answer back always agree on what was shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any, Literal

from .. import scoring

Instrument = Mapping[str, Any]
Section = Mapping[str, Any]
Item = Mapping[str, Any]
Answers = Mapping[str, Any]
Option = scoring.Option

AREAS = ("financial", "emotional", "social", "age_health", "communication", "choice")
AREA_LABELS = {
    "financial": "Money",
    "emotional": "Care and the invisible work",
    "social": "Friends, family and background",
    "age_health": "Age and health",
    "communication": "Talking and listening",
    "choice": "Power of choice",
}
PRACTICES = ("honest_conversations", "shared_decisions", "fair_share", "respect_support")
PRACTICE_LABELS = {
    "honest_conversations": "Honest conversations",
    "shared_decisions": "Shared decisions",
    "fair_share": "A fair share of the work",
    "respect_support": "Respect and support",
}
PREFER_NOT = scoring.PREFER_NOT
BALANCE_EDGE = 2
SCALE_MAX = 4
DEFAULT_CONTEXT = "current"

Pole = Literal["say", "load"]


def iter_items(instrument: Instrument) -> Iterator[Item]:
    """Yield every item in the order the file lists it (not the order a person sees)."""
    return scoring.iter_items(instrument)


def items_by_key(instrument: Instrument) -> dict[str, Item]:
    """Return the instrument's items keyed by item key."""
    return scoring.items_by_key(instrument)


def number(item: Item, answers: Answers) -> int | None:
    """Return a scale answer as a number, or None when skipped or "I'd rather not say".

    Raise ValueError for a value the item never offered: scoring a tampered or
    mismatched answer silently would put a wrong figure in front of the practitioner.
    """
    value = answers.get(item["key"])
    if value is None or value == PREFER_NOT:
        return None
    low = -BALANCE_EDGE if item["kind"] == "balance" else 0
    high = BALANCE_EDGE if item["kind"] == "balance" else SCALE_MAX
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"{value!r} is not a valid answer to {item['key']!r}.")
    return value


def is_half_or_more(answered: int, total: int) -> bool:
    """Return whether at least half the questions were answered, the bar for showing a figure."""
    return total > 0 and Fraction(answered, total) >= Fraction(1, 2)


def round_half_up(value: Fraction) -> int:
    """Round to a whole number, halves away from zero, as v1 does (12.5 -> 13)."""
    return scoring._round(value)


# --- Relationship context and wording -----------------------------------------


def relationship_context(instrument: Instrument, answers: Answers) -> str:
    """Return the wording context chosen by the person's first answer ("current" or "past").

    Someone not in a relationship now answers about their most recent one, so
    the questions switch to the past tense and "my former partner". A skipped
    or "I'd rather not say" answer keeps the default, present-tense wording.
    """
    config = instrument.get("relationship_context")
    if not config:
        return DEFAULT_CONTEXT
    answer = answers.get(config["item"])
    return config["by_answer"].get(answer, config["default"])


def wording_for(entry: Mapping[str, Any], context: str) -> dict[str, Any]:
    """Return a section or item with the words that fit the context swapped in.

    Only words change ("text", "help", "title", "intro"); keys, kinds and
    choices never do, so an answer stays valid whichever wording was shown.
    """
    worded = dict(entry)
    override = entry.get("wording", {}).get(context, {})
    for field in ("text", "help", "title", "intro"):
        if field in override:
            worded[field] = override[field]
    return worded


def answer_options(item: Item, instrument: Instrument, context: str) -> list[Option]:
    """Return the options a form offers for an item, labels worded for the context."""
    labels = instrument.get("relationship_context", {}).get("labels", {}).get(context, {})
    return [
        Option(option.value, labels.get(option.value, option.label))
        for option in scoring.answer_options(item)
    ]


def is_asked(item: Item, context: str) -> bool:
    """Return whether an item is asked in this context (most are asked in every one)."""
    return context in item.get("asked_in", (context,))


# --- Which pages, in which order -----------------------------------------------


def section_shown(section: Section, answers: Answers, *, couple: bool) -> bool:
    """Return whether a person is shown this section.

    The joint-session page is only for couples, and the danger questions open
    only after a "yes" to one of the questions named in ``shown_if``, in the
    same sitting (the page after the safety questions).
    """
    if section.get("couples_only") and not couple:
        return False
    shown_if = section.get("shown_if")
    if shown_if:
        return any(answers.get(key) == "yes" for key in shown_if["yes_to_any"])
    return True


def question_order(section: Section, seed: str, *, reverse: bool = False) -> list[str]:
    """Return the item keys of a section in the order one person sees them.

    In a section marked ``"shuffle": true`` the rated statements (balance and
    how-often items) swap places among themselves, so two partners answering
    side by side do not read the same question in the same place and the first
    question does not colour the rest the same way for everyone. Everything
    else keeps its place: the impact question still comes after the questions
    it sums up, and the notes box stays last. The order depends only on the
    seed and the section, so it is the same every time the page opens.

    Give both partners of a couple the same seed (say, the booking's public
    id) and one of them ``reverse=True``: their orders are then always
    different (opposite), rather than different only by chance.
    """
    keys = [item["key"] for item in section["items"]]
    if not section.get("shuffle"):
        return keys
    movable = [i for i, item in enumerate(section["items"]) if item["kind"] in _SHUFFLED_KINDS]
    shuffled = sorted(
        (keys[i] for i in movable),
        key=lambda key: hashlib.sha256(f"{seed}:{section['key']}:{key}".encode()).hexdigest(),
    )
    if reverse:
        shuffled.reverse()
    for position, key in zip(movable, shuffled, strict=True):
        keys[position] = key
    return keys


_SHUFFLED_KINDS = frozenset({"balance", "strength"})
