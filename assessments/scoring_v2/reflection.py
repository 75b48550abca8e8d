"""The short reflection a person reads after sending their answers.

It is built only from how much each area weighs on the person themselves
(their impact answers), never from what they said about their partner, and
it holds no scores. After any "yes" to a safety question there is no
reflection: the person sees the practitioner's support resources instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .instrument import Answers, Instrument, iter_items, number

# "Somewhat" or more counts as weighing on someone.
_WEIGHS_FROM = 2
_MOST_TOPICS = 2
_MOST_QUESTIONS = 3


@dataclass(frozen=True, slots=True)
class Reflection:
    """Words for the client's thank-you page, in the practice's voice."""

    heading: str
    opening: str
    weighs_intro: str
    weighs_most: list[str]
    questions_intro: str
    questions: list[str]
    closing: str


def reflection_for(answers: Answers, instrument: Instrument) -> Reflection | None:
    """Return the reflection for someone who just sent their answers, or None after a safety yes.

    The areas rated "somewhat" or more are named, heaviest first (ties in the
    order asked), at most two; each brings its first question to bring to the
    call, then the general questions fill up to three. When nothing weighs
    "somewhat" or more, it says so kindly and offers the general questions.
    """
    if any(
        item["kind"] == "safety" and answers.get(item["key"]) == "yes"
        for item in iter_items(instrument)
    ):
        return None
    config = instrument["reflection"]
    weighing = []
    for index, section in enumerate(instrument["sections"]):
        if "reflection" not in section:
            continue
        impacts = [number(item, answers) for item in section["items"] if item["kind"] == "impact"]
        heaviest = max((value for value in impacts if value is not None), default=None)
        if heaviest is not None and heaviest >= _WEIGHS_FROM:
            weighing.append((-heaviest, index, section["reflection"]))
    weighing.sort(key=lambda entry: entry[:2])
    chosen = [reflection for _, _, reflection in weighing[:_MOST_TOPICS]]

    questions = [reflection["questions"][0] for reflection in chosen]
    questions += [q for q in config["questions"] if q not in questions]
    return Reflection(
        heading=config["heading"],
        opening=config["opening"],
        weighs_intro=config["weighs_intro"] if chosen else config["nothing_heavy"],
        weighs_most=[reflection["topic"] for reflection in chosen],
        questions_intro=config["questions_intro"],
        questions=questions[:_MOST_QUESTIONS],
        closing=config["closing"],
    )
