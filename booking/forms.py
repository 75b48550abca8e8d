"""Forms for the public booking pages: clear messages for every bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .models import Booking
from .picker import week_start, within_reach
from .services import ClientDetails
from .timezones import canonical, zone_options

BAD_SLOT = _("We could not read that time. Please pick one from the list.")
BAD_ZONE = _("Please choose your time zone from the list.")


class SlotChoiceForm(forms.Form):
    """A chosen start time (UTC ISO 8601, as the picker renders it) and the visitor's zone."""

    error_messages = {"bad_slot": BAD_SLOT, "bad_zone": BAD_ZONE}

    # A missing, oversized or NUL-laden value is as unreadable as any other.
    slot = forms.CharField(
        max_length=40,
        error_messages=dict.fromkeys(
            ("required", "max_length", "null_characters_not_allowed"), BAD_SLOT
        ),
    )
    tz = forms.CharField(
        max_length=64,
        required=False,
        error_messages=dict.fromkeys(("max_length", "null_characters_not_allowed"), BAD_ZONE),
    )

    def clean_slot(self) -> datetime:
        """Return the time in UTC; refuse one without an offset or too far from now to book.

        Times near the calendar's ends (year 1, year 9999) are valid ISO 8601 but
        overflow as soon as they are converted or searched around.
        """
        try:
            value = datetime.fromisoformat(self.cleaned_data["slot"])
            if value.tzinfo is None:
                raise ValueError("a time without its UTC offset")
            value = value.astimezone(UTC)
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["bad_slot"], code="bad_slot") from None
        if not within_reach(value, timezone.now()):
            raise forms.ValidationError(self.error_messages["bad_slot"], code="bad_slot")
        return value

    def clean_tz(self) -> str:
        value = canonical(self.cleaned_data["tz"] or "UTC")
        if value is None:
            raise forms.ValidationError(self.error_messages["bad_zone"], code="bad_zone")
        return value


class WeekForm(forms.Form):
    """The ?week= and ?tz= of the slot picker; bad values fall back to defaults."""

    week = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    tz = forms.CharField(required=False, max_length=64)

    def week_or(self, today: date) -> date:
        """Return the asked week's first day, or ``today`` for an unreadable, past or far one."""
        self.is_valid()  # a bad ?tz= leaves a good ?week= in cleaned_data
        return week_start(self.cleaned_data.get("week"), today)


class ZoneSelect(forms.Select):
    """The time zone list, rendered from the <option>s built once a minute (``zone_options``).

    Its labels show each zone's time now; a template loop over ~440 options
    cost each page more than everything else on it.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            zone_options(value, timezone.now()),
        )


class ClientDetailsForm(forms.Form):
    error_messages = {
        "partner_needed": _("For a couple's booking, please give your partner's name."),
        "same_email": _("Your partner's email must be different from yours."),
        "bad_zone": BAD_ZONE,
    }

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("The name you would like to be called."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("We send your confirmation and calendar invitation here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    time_zone = forms.CharField(
        label=_("Your time zone"),
        widget=ZoneSelect,
        error_messages=dict.fromkeys(("required", "null_characters_not_allowed"), BAD_ZONE),
    )
    mode = forms.ChoiceField(
        label=_("Who is this for?"),
        choices=Booking.Mode.choices,
        initial=Booking.Mode.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    partner_name = forms.CharField(
        label=_("Your partner's name"),
        max_length=120,
        required=False,
        help_text=_("Only for couples."),
    )
    partner_email = forms.EmailField(
        label=_("Your partner's email (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "Only for couples. We will invite them to answer a few questions separately once "
            "you confirm your email with the link we send you."
        ),
    )
    note = forms.CharField(
        label=_("Anything you would like me to know beforehand? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two is plenty. Up to 1,000 characters."),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to my details being kept for my care."),
        error_messages={"required": _("Please agree to the privacy notice to book.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_time_zone(self) -> str:
        """Return the listed zone; an old spelling (Asia/Calcutta) is read as today's name."""
        value = canonical(self.cleaned_data["time_zone"])
        if value is None:
            raise forms.ValidationError(self.error_messages["bad_zone"], code="bad_zone")
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("mode") == Booking.Mode.COUPLE:
            if not cleaned.get("partner_name", "").strip():
                self.add_error(
                    "partner_name",
                    forms.ValidationError(
                        self.error_messages["partner_needed"], code="partner_needed"
                    ),
                )
            partner_email = cleaned.get("partner_email", "")
            if partner_email and partner_email.lower() == cleaned.get("email", "").lower():
                self.add_error(
                    "partner_email",
                    forms.ValidationError(self.error_messages["same_email"], code="same_email"),
                )
        return cleaned

    def details(self) -> ClientDetails:
        data = self.cleaned_data
        return ClientDetails(
            name=data["name"],
            email=data["email"],
            time_zone=data["time_zone"],
            mode=data["mode"],
            partner_name=data["partner_name"].strip(),
            partner_email=data["partner_email"],
            note=data["note"].strip(),
        )
