"""The office's forms: booking a client in, moving a booking, cancelling one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django import forms
from django.core.exceptions import ValidationError

from booking.models import Booking, Practitioner, SessionType, Weekday
from booking.selectors import DayHours
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


@dataclass(frozen=True)
class HoursRow:
    """One weekday's row of the grid: its pairs of time fields and what is wrong in them."""

    day: DayHours
    windows: list[tuple[forms.BoundField, forms.BoundField]]
    invalid: list[forms.BoundField]
    padding: range  # empty cells, so every row has as many cells as the widest

    @property
    def errors(self) -> list[str]:
        return [error for field in self.invalid for error in field.errors]


class WeeklyHoursForm(forms.Form):
    """Her week as a grid: each day up to three windows, from and until, on her own clock.

    A day with more windows stored gets a pair of fields for each of them,
    so saving never drops hours she cannot see. ``cleaned_data["windows"]`` is the
    whole week for ``weekly_hours_replace``; whether windows overlap is the
    service's to judge.
    """

    WINDOWS_PER_DAY = 3

    error_messages = {
        "no_until": "From %(time)s until when? Please add the end, or clear the start.",
        "no_from": "Until %(time)s from when? Please add the start, or clear the end.",
    }

    def __init__(self, *args, days: list[DayHours], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.days = days
        self.columns = max([self.WINDOWS_PER_DAY, *(len(day.windows) for day in days)])
        for day in days:
            for number in range(1, self._count(day) + 1):
                stored = day.windows[number - 1] if number <= len(day.windows) else (None, None)
                for end, value in zip(("from", "until"), stored, strict=True):
                    # type="time" gives phones their time picker; typed "9:00" is read too.
                    self.fields[self.field_name(day, number, end)] = forms.TimeField(
                        label=f"{day.name}, {end} ({number})",
                        required=False,
                        initial=value,
                        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
                    )

    def _count(self, day: DayHours) -> int:
        return max(self.WINDOWS_PER_DAY, len(day.windows))

    @staticmethod
    def field_name(day: DayHours, number: int, end: str) -> str:
        return f"{Weekday(day.weekday).name.lower()}_{number}_{end}"

    def clean(self) -> dict:
        data = super().clean()
        windows: dict[int, list[tuple[time, time]]] = {}
        for day in self.days:
            windows[day.weekday] = []
            for number in range(1, self._count(day) + 1):
                from_name = self.field_name(day, number, "from")
                until_name = self.field_name(day, number, "until")
                if from_name in self.errors or until_name in self.errors:
                    continue  # a time that could not be read already says so
                start, end = data.get(from_name), data.get(until_name)
                if start is not None and end is None:
                    self.add_error(until_name, self._error("no_until", start))
                elif end is not None and start is None:
                    self.add_error(from_name, self._error("no_from", end))
                elif start is not None and end is not None:
                    windows[day.weekday].append((start, end))
        data["windows"] = windows
        return data

    def _error(self, code: str, typed: time) -> ValidationError:
        return ValidationError(
            self.error_messages[code], code=code, params={"time": f"{typed:%H:%M}"}
        )

    @property
    def column_range(self) -> range:
        return range(self.columns)

    @property
    def rows(self) -> list[HoursRow]:
        """Return the grid's seven rows, Monday first, for the template."""
        rows = []
        for day in self.days:
            pairs = [
                (self[self.field_name(day, n, "from")], self[self.field_name(day, n, "until")])
                for n in range(1, self._count(day) + 1)
            ]
            invalid = [field for pair in pairs for field in pair if field.errors]
            rows.append(HoursRow(day, pairs, invalid, range(self.columns - len(pairs))))
        return rows


class EraseForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand this removes the person for good and cannot be undone",
        error_messages={"required": "Please tick the box to confirm."},
    )


class PublishForm(forms.Form):
    read_every_page = forms.BooleanField(
        label="I have read every page",
        help_text="New questionnaires use this version from now on. Questionnaires already "
        "started keep the version they began with.",
        error_messages={"required": "Please tick the box once you have read every page."},
    )
