"""Forms for the questionnaire pages.

A section page is built from the instrument, not from Django form fields:
the questions are data, and which answers are valid is decided in one place,
``scoring.clean_answer``, called by the service. ``SectionForm`` only shapes
the questions for the template and reads the post back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import scoring
from .access import FORM_FIELD

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
                        for index, (option, label) in enumerate(scoring.answer_options(item))
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
