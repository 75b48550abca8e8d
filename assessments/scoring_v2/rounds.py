"""Movement over time: the same person's areas across rounds of the questionnaire."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .areas import AreaResult, Direction


@dataclass(frozen=True, slots=True)
class AreaChange:
    """One area across rounds. ``tilts`` has None for a round without enough answers."""

    area: str
    label: str
    tilts: list[int | None]
    directions: list[Direction | None]
    steps: list[int | None]
    overall: int | None
    sentence: str


def area_changes(rounds: Sequence[Sequence[AreaResult]]) -> list[AreaChange]:
    """Return how each area's tilt moved, round by round and overall.

    ``rounds`` is oldest first, each the ``area_results`` of one round. A round
    with not enough answers in an area has no tilt there, so no change is
    worked out across it: ``steps[i]`` (round i+1 to i+2) is None when either
    side lacks enough answers. ``overall`` runs from the first round with
    enough answers to the last one, and is None unless there are two such
    rounds; the sentence says which rounds it compares.
    """
    if not rounds:
        return []
    changes = []
    for position, first in enumerate(rounds[0]):
        per_round = [results[position] for results in rounds]
        if any(result.area != first.area for result in per_round):
            raise ValueError("Every round must list the same areas in the same order.")
        tilts = [result.tilt if result.enough else None for result in per_round]
        steps = [
            None if before is None or after is None else after - before
            for before, after in pairwise(tilts)
        ]
        usable = [index for index, tilt in enumerate(tilts) if tilt is not None]
        overall = None
        if len(usable) >= 2:
            overall = _tilt(tilts, usable[-1]) - _tilt(tilts, usable[0])
        changes.append(
            AreaChange(
                area=first.area,
                label=first.label,
                tilts=tilts,
                directions=[result.direction for result in per_round],
                steps=steps,
                overall=overall,
                sentence=_sentence(first.label, tilts, usable, overall),
            )
        )
    return changes


def _tilt(tilts: list[int | None], index: int) -> int:
    tilt = tilts[index]
    assert tilt is not None
    return tilt


def _sentence(label: str, tilts: list[int | None], usable: list[int], overall: int | None) -> str:
    missing = [str(index + 1) for index, tilt in enumerate(tilts) if tilt is None]
    rounds = "round" if len(missing) == 1 else "rounds"
    note = f" Not enough answers in {rounds} {', '.join(missing)}." if missing else ""
    if overall is None:
        return f"{label}: not enough rounds with enough answers to show a change.{note}"
    first, last = usable[0] + 1, usable[-1] + 1
    direction = "up" if overall > 0 else "down"
    movement = "no change" if overall == 0 else f"{direction} {abs(overall)}"
    return (
        f"{label}: tilt {tilts[usable[0]]} in round {first}, {tilts[usable[-1]]} in round "
        f"{last} ({movement}).{note}"
    )
