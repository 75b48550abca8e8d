"""Comparing two partners' answers, only in the areas both agreed to raise together.

Each partner answers from their own side, so "much more me" from Ana and
"much more my partner" from Sam point at the same person. Answers are put on
one axis, "toward the first partner", before they are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .areas import AreaResult, area_results
from .instrument import (
    AREA_LABELS,
    AREAS,
    Answers,
    Instrument,
    iter_items,
    number,
    round_half_up,
)

# An impact of "quite a lot" or more against "a little" or less is a burden one
# partner may not see.
_HEAVY = 75
_LIGHT = 25


@dataclass(frozen=True, slots=True)
class CoupleArea:
    """How two partners' views of one shared area differ."""

    area: str
    label: str
    enough: bool
    compared: int
    gap: int | None
    disagreements: list[str]
    unseen_burden: str | None
    sentence: str


def shared_areas(instrument: Instrument, answers: Answers) -> frozenset[str]:
    """Return the areas this person agreed may be raised in a joint session.

    Only a clear "yes" shares an area. "Please ask me first", "no" and a
    skipped question all keep it private: when in doubt, the safer reading.
    """
    return frozenset(
        item["shares_area"]
        for item in iter_items(instrument)
        if item.get("shares_area") and answers.get(item["key"]) == "yes"
    )


def couple_comparison(
    instrument: Instrument,
    answers_a: Answers,
    answers_b: Answers,
    *,
    name_a: str,
    name_b: str,
) -> list[CoupleArea]:
    """Compare two partners area by area, leaving out every area either kept private.

    An area one partner kept private is not listed at all, not even as
    "private": its absence in a joint session must not become a topic.

    For each shared area: the gap is the mean distance between their answers
    to the same balance question, on a 0-100 scale (0 they see it the same,
    100 they put it at opposite far ends), over the questions both answered.
    A disagreement is a question where both see a tilt and point at different
    people. It compares question by question, so opposite answers to two
    different questions never cancel out.
    """
    shared = shared_areas(instrument, answers_a) & shared_areas(instrument, answers_b)
    results_a = {
        r.area: r for r in area_results(instrument, answers_a, name=name_a, partner_name=name_b)
    }
    results_b = {
        r.area: r for r in area_results(instrument, answers_b, name=name_b, partner_name=name_a)
    }
    return [
        _compare(
            area, instrument, answers_a, answers_b, results_a[area], results_b[area], name_a, name_b
        )
        for area in AREAS
        if area in shared
    ]


def _compare(
    area: str,
    instrument: Instrument,
    answers_a: Answers,
    answers_b: Answers,
    result_a: AreaResult,
    result_b: AreaResult,
    name_a: str,
    name_b: str,
) -> CoupleArea:
    label = AREA_LABELS[area]
    enough = result_a.enough and result_b.enough
    if not enough:
        short = [n for n, r in ((name_a, result_a), (name_b, result_b)) if not r.enough]
        sentence = f"{label}: {' and '.join(short)} answered too few questions to compare."
        return CoupleArea(area, label, False, 0, None, [], None, sentence)

    distances = []
    disagreements = []
    for item in iter_items(instrument):
        if item["area"] != area or item["kind"] != "balance":
            continue
        value_a, value_b = number(item, answers_a), number(item, answers_b)
        if value_a is None or value_b is None:
            continue
        # On the "toward A" axis: A's "me" (negative) is A, B's "my partner" (positive) is A.
        toward_a_by_a, toward_a_by_b = -value_a, value_b
        distances.append(abs(toward_a_by_a - toward_a_by_b))
        if toward_a_by_a * toward_a_by_b < 0:
            what = "holds more say" if item["pole"] == "say" else "carries more"
            disagreements.append(
                f"“{item['text']}” {name_a} says {_who(toward_a_by_a, name_a, name_b)} "
                f"{what}; {name_b} says {_who(toward_a_by_b, name_a, name_b)} does."
            )
    gap = round_half_up(Fraction(100 * sum(distances), 4 * len(distances))) if distances else None
    burden = _unseen_burden(result_a, result_b, name_a, name_b)
    if gap is None:
        sentence = f"{label}: no question answered by both to compare."
    else:
        sentence = (
            f"{label}: gap {gap} of 100 over {len(distances)} questions both answered; "
            f"they point at different people on {len(disagreements)}."
        )
    return CoupleArea(area, label, True, len(distances), gap, disagreements, burden, sentence)


def _who(toward_a: int, name_a: str, name_b: str) -> str:
    return name_a if toward_a > 0 else name_b


def _unseen_burden(a: AreaResult, b: AreaResult, name_a: str, name_b: str) -> str | None:
    if a.impact is None or b.impact is None:
        return None
    if a.impact >= _HEAVY and b.impact <= _LIGHT:
        return f"This weighs on {name_a} much more than on {name_b}."
    if b.impact >= _HEAVY and a.impact <= _LIGHT:
        return f"This weighs on {name_b} much more than on {name_a}."
    return None
