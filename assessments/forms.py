"""Forms for the questionnaire pages.

A section page is built from the instrument, not from Django form fields:
the questions are data, and which answers are valid is decided in one place,
``scoring.clean_answer``, called by the service. ``SectionForm`` only shapes
the questions for the template and reads the post back.

Version 2 pages are shaped first by ``person_section``: the words that fit the
person's relationship context, only the questions asked in it, in the person's
own order (docs/questionnaire-v2.md, "Wiring"). Keys and answer values never
change with the wording, so the service judges a v2 post as it judges v1's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import scoring, scoring_v2
from .access import FORM_FIELD
from .scoring_v2.instrument import round_half_up

# Posted fields that are not answers.
CONTROL_FIELDS = frozenset({"csrfmiddlewaretoken", "action", FORM_FIELD})
ACTIONS = ("next", "back", "send")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    input_id: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: str
    help: str
    required: bool
    choices: list[Choice]
    value: str
    errors: list[str] = field(default_factory=list)

    @property
    def input_id(self) -> str:
        return f"q-{self.key}"

    @property
    def is_open(self) -> bool:
        """Return whether the answer is typed (free text or a number) rather than chosen."""
        return self.kind in ("text", "number")

    @property
    def described_by(self) -> str:
        ids = [f"{self.input_id}-help"] if self.help else []
        ids += [f"{self.input_id}-error"] if self.errors else []
        return " ".join(ids)


def form_value(item: Mapping[str, Any], stored: scoring.Answer | None) -> str:
    """Return the form value that stands for a stored answer ("" when unanswered)."""
    if stored is None:
        return ""
    if item["kind"] in ("text", "number"):
        return str(stored)
    chosen = scoring.chosen_option(item, stored)
    return chosen.value if chosen else ""


class SectionForm:
    """One section's questions with their current answers and any messages."""

    def __init__(
        self,
        section: Mapping[str, Any],
        answers: Mapping[str, Any],
        *,
        posted: Mapping[str, Sequence[str]] | None = None,
        errors: Mapping[str, list[str]] | None = None,
        options: Callable[[Mapping[str, Any]], list[scoring.Option]] = scoring.answer_options,
    ) -> None:
        errors = errors or {}
        self.questions: list[Question] = []
        for item in section["items"]:
            key = item["key"]
            if posted is not None:
                value = (posted.get(key) or [""])[0]
            else:
                value = form_value(item, answers.get(key))
            self.questions.append(
                Question(
                    key=key,
                    kind=item["kind"],
                    text=item["text"],
                    help=item.get("help", ""),
                    required=item["required"],
                    choices=[
                        Choice(option, label, option == value, f"q-{key}-{index}")
                        for index, (option, label) in enumerate(options(item))
                    ],
                    value=value,
                    errors=errors.get(key, []),
                )
            )

    @staticmethod
    def submitted(post: QueryDict) -> dict[str, list[str]]:
        """Return the posted answers, every value of every field, for the service to judge."""
        return {key: post.getlist(key) for key in post if key not in CONTROL_FIELDS}

    @staticmethod
    def action(post: QueryDict) -> str | None:
        action = post.get("action", "next")
        return action if action in ACTIONS else None


@dataclass(frozen=True)
class Person:
    """What shapes a v2 page for one person: their words, their order, their pages."""

    definition: Mapping[str, Any]
    context: str  # "current" or "past", from their first answer
    seed: str  # the booking's public id: both partners share it
    reverse: bool  # the partner sees the reverse order, so theirs always differs
    couple: bool

    def options(self, item: Mapping[str, Any]) -> list[scoring.Option]:
        """Return an item's answers, labelled for the person's context."""
        return scoring_v2.answer_options(item, self.definition, self.context)


def person_section(section: Mapping[str, Any], person: Person) -> dict[str, Any]:
    """Return a v2 section as this person sees it: worded, asked items only, in their order.

    The order is worked out again each time from the seed, so nothing is
    stored and a page opened later shows the questions where they were.
    """
    worded = scoring_v2.wording_for(section, person.context)
    items = {item["key"]: item for item in section["items"]}
    order = scoring_v2.question_order(section, person.seed, reverse=person.reverse)
    worded["items"] = [
        scoring_v2.wording_for(items[key], person.context)
        for key in order
        if scoring_v2.is_asked(items[key], person.context)
    ]
    return worded


def person_pages(
    sections: Sequence[Mapping[str, Any]], person: Person, opened: Collection[str] = ()
) -> list[int]:
    """Return the indexes of the v2 sections this person is shown, in order.

    The joint-session page is for couples only. A follow-up page (``shown_if``:
    the danger questions) is shown only when a "yes" posted in this sitting
    opened it (``opened`` holds its key), never because of a saved answer: a
    page that opened on its own later would tell whoever holds the phone what
    was answered before.
    """
    return [
        index
        for index, section in enumerate(sections)
        if section["key"] in opened or not section.get("shown_if")
        # Whether opened or not, a follow-up is still only for whom the page is for.
        if scoring_v2.section_shown({**section, "shown_if": None}, {}, couple=person.couple)
    ]


def opened_by(
    sections: Sequence[Mapping[str, Any]],
    section: Mapping[str, Any],
    posted: Mapping[str, Sequence[str]],
    person: Person,
) -> dict[str, bool]:
    """Return, for each follow-up page this page's questions can open, whether the post opens it.

    Read from what was posted, not from the saved answers: a blank on a
    private page keeps an earlier "yes", but does not open its follow-up again.
    """
    here = {item["key"] for item in section["items"]}
    answers = {key: values[0] for key, values in posted.items() if key in here and values}
    return {
        other["key"]: scoring_v2.section_shown(other, answers, couple=person.couple)
        for other in sections
        if other.get("shown_if") and here.intersection(other["shown_if"]["yes_to_any"])
    }


def person_progress(
    definition: Mapping[str, Any], pages: Sequence[int], index: int
) -> scoring.Progress:
    """Return where the person is among their pages, for the progress bar.

    Counted by page, never from saved answers: a private page's answers must
    not show, even as a fuller bar.
    """
    sizes = {page: len(definition["sections"][page]["items"]) for page in pages}
    total = sum(sizes.values()) or 1
    done = sum(size for page, size in sizes.items() if page < index)
    return scoring.Progress(
        section_number=list(pages).index(index) + 1,
        section_count=len(pages),
        percent=round_half_up(Fraction(100 * done, total)),
        minutes_left=math.ceil(Fraction(definition["minutes"] * (total - done), total)),
    )


class ConsentForm(forms.Form):
    """A partner's agreement to the privacy notice, before their first answer."""

    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to my answers being kept for my care."),
        error_messages={"required": _("Please agree to the privacy notice to begin.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CodeForm(forms.Form):
    """The one-time code from the email, asked in a browser new to a half-answered questionnaire."""

    code = forms.CharField(
        label=_("The 6-digit code from the email"),
        max_length=12,
        error_messages={"required": _("Please type the code from the email.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
