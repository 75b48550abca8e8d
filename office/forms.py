"""The office's forms: booking a client in, moving a booking, cancelling one."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError

from booking.models import Booking, Practitioner, SessionType
from booking.slots import to_utc
from clients.models import Client
from clients.selectors import clients_by_email


class WhenForm(forms.Form):
    """A day and a time on her own clock; ``start`` is the UTC instant."""

    # ISO formats: a browser's date and time inputs read nothing else.
    day = forms.DateField(
        label="Day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    outside_hours_ok = forms.BooleanField(
        label="Book it even though it is outside my hours", required=False
    )

    def __init__(self, *args, practitioner: Practitioner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.practitioner = practitioner
        self.fields["time"].help_text = f"Your time ({practitioner.time_zone})."

    def clean(self) -> dict:
        data = super().clean()
        if data.get("day") and data.get("time"):
            start = to_utc(self.practitioner.zone, data["day"], data["time"])
            if start is None:
                raise ValidationError(
                    "That time does not exist on that day: the clocks go forward then.",
                    code="gap",
                )
            data["start"] = start
        return data

    @property
    def start(self) -> datetime:
        return self.cleaned_data["start"]


class BookClientForm(WhenForm):
    email = forms.EmailField(label="Client's email")
    session_type = forms.ModelChoiceField(
        label="Offer", queryset=SessionType.objects.none(), empty_label=None
    )
    mode = forms.ChoiceField(label="For", choices=Booking.Mode.choices)
    partner_name = forms.CharField(label="Partner's name", required=False, max_length=120)
    partner_email = forms.EmailField(label="Partner's email", required=False)

    field_order = ["email", "session_type", "day", "time", "mode", "partner_name", "partner_email"]

    def __init__(self, *args, practitioner: Practitioner, **kwargs) -> None:
        super().__init__(*args, practitioner=practitioner, **kwargs)
        self.fields["session_type"].queryset = SessionType.objects.filter(
            practitioner=practitioner, active=True
        ).order_by("position", "name")

    def clean_email(self) -> Client:
        client = clients_by_email(self.cleaned_data["email"]).first()
        if client is None:
            raise ValidationError(
                "No client has this email. Clients are added when they book a free call.",
                code="no_client",
            )
        return client

    def clean(self) -> dict:
        data = super().clean()
        if data.get("mode") == Booking.Mode.COUPLE and not data.get("partner_name"):
            self.add_error("partner_name", "Please give the partner's name for a couple.")
        return data


class CancelForm(forms.Form):
    tell_client = forms.BooleanField(
        label="Email the client that it is cancelled", required=False, initial=True
    )


class TimeOffForm(forms.Form):
    first_day = forms.DateField(
        label="First day off", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last_day = forms.DateField(
        label="Last day off", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label="Reason (only you see it)", max_length=120, required=False)
