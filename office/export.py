"""Everything the practice holds about one person, for their right of access (GDPR Art. 15/20).

One selector, ``client_export``, reads a client's record, bookings, their own
questionnaires, the emails sent to them and the notes the practitioner marked as
releasable, in five queries whatever the history. It gives only what is theirs:
a couple's booking says "as a couple" but never names the partner, a booking they
joined as the partner shows only its time, kind and status (the rest is the
booker's), and their questionnaire is scored on its own, never compared with the
partner's answers. The same dict is the JSON download and the printable page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Q
from django.utils import dateformat, timezone

from assessments import report, scoring
from assessments.models import Instrument, Intake
from booking.models import Booking
from clients.models import Client
from notifications.models import OutboundEmail

from .models import Note

NOT_ANSWERED = "Not answered"
DIRECTION_WORDS = {
    "toward_me": "Leans toward you",
    "toward_partner": "Leans toward your partner",
    "balanced": "Balanced",
    None: NOT_ANSWERED,
}

Stamp = Callable[[datetime | None], str | None]


def client_export(client: Client, *, readable_times: bool = False) -> dict[str, Any]:
    """Return everything held about ``client`` as a JSON-ready dict, in five queries.

    Times are ISO 8601 in UTC (the person's zone is named in ``person``), or, with
    ``readable_times``, written out in the person's own zone for the printable page:
    the same content either way, so the two exports cannot disagree.
    """
    zone = _zone(client.time_zone)
    stamp = _readable(zone) if readable_times else _iso
    # Their own answers only: a partner's questionnaire has the partner as its client.
    intakes = list(Intake.objects.filter(client=client).order_by("created_at", "pk"))
    joined_as_partner = {i.booking_id for i in intakes if i.role == Intake.Role.PARTNER}
    bookings = list(
        Booking.objects.filter(Q(client=client) | Q(pk__in=sorted(joined_as_partner)))
        .exclude(status=Booking.Status.HELD)
        .select_related("session_type")
        .order_by("start_at", "pk")
    )
    instruments = Instrument.objects.in_bulk({intake.instrument_id for intake in intakes})
    emails = (
        OutboundEmail.objects.filter(recipient_client_id=client.pk)
        .defer("sent_html")  # the text copy says the same; the HTML is most of a row
        .order_by("due_at", "pk")
    )
    notes = (
        Note.objects.filter(client=client, releasable=True)
        .select_related("booking__session_type")
        .order_by("created_at", "pk")
    )
    sessions = {booking.pk: booking for booking in bookings}
    return {
        "person": _person(client, stamp),
        "bookings": [_booking(booking, client, stamp) for booking in bookings],
        "questionnaires": [
            _questionnaire(intake, instruments[intake.instrument_id], sessions, stamp)
            for intake in intakes
        ],
        "emails": [_email(email, stamp) for email in emails],
        "notes": [_note(note, stamp) for note in notes],
        "generated_at": stamp(timezone.now()),
    }


def _person(client: Client, stamp: Stamp) -> dict[str, Any]:
    return {
        "name": client.name,
        "email": client.email,
        "time_zone": client.time_zone,
        "status": client.get_status_display(),
        "record_created_at": stamp(client.created_at),
        "agreed_to_privacy_notice_at": stamp(client.privacy_consent_at),
        "opted_out_of_follow_ups_at": stamp(client.follow_ups_opt_out_at),
    }


def _booking(booking: Booking, client: Client, stamp: Stamp) -> dict[str, Any]:
    """A booking they made in full, less the partner's name and address; one they joined, bare."""
    shown = {
        "kind": booking.session_type.name,
        "starts_at": stamp(booking.start_at),
        "ends_at": stamp(booking.end_at),
        "status": booking.get_status_display(),
    }
    if booking.client_id != client.pk:
        # Who booked, their address and their note are the booker's data, not this person's.
        return {**shown, "booked_by": "Your partner", "for": "As a couple"}
    return {
        **shown,
        "booked_by": "You",
        "for": "As a couple" if booking.is_couple else "Just you",
        "booked_at": stamp(booking.created_at),
        "cancelled_at": stamp(booking.cancelled_at),
        "your_note": booking.note,
    }


def _questionnaire(
    intake: Intake,
    instrument: Instrument,
    sessions: dict[int, Booking],
    stamp: Stamp,
) -> dict[str, Any]:
    """Their answers in the words they saw, and their own scores: never compared with anyone's."""
    definition, answers = instrument.definition, intake.answers or {}
    answered = []
    for section in definition["sections"]:
        for item in section["items"]:
            stored = answers.get(item["key"])
            if stored is None or stored == "":
                continue
            answered.append(
                {
                    "section": section["title"],
                    "question": item["text"],
                    "answer": report.answer_label(item, stored),
                }
            )
    # Scored on their own, as the report scores each person: no couple comparison.
    areas = scoring.area_scores(definition, answers) if answered else []
    care = scoring.care_strength(definition, answers) if answered else None
    return {
        "questionnaire": instrument.title,
        "session": _session(sessions.get(intake.booking_id), stamp),
        "status": intake.get_status_display(),
        "agreed_to_privacy_notice_at": stamp(intake.consent_at),
        "started_at": stamp(intake.started_at),
        "sent_at": stamp(intake.submitted_at),
        "answers": answered,
        "areas": [_area(score) for score in areas],
        "care_strength": _out_of_100(care),
    }


def _area(score: scoring.AreaScore) -> dict[str, str]:
    return {
        "area": report.AREA_LABELS.get(score.area, score.area),
        "who_has_more_say": DIRECTION_WORDS[score.direction],
        "imbalance": _out_of_100(score.imbalance),
        "how_much_it_weighs_on_you": _out_of_100(score.impact),
    }


def _email(email: OutboundEmail, stamp: Stamp) -> dict[str, str | None]:
    return {
        "date": stamp(email.sent_at or email.due_at),
        "kind": email.kind_label,
        "status": email.get_status_display(),
        "to": email.to_email,
        "subject": email.sent_subject,
        # Empty when no copy is kept: not sent yet, or a one-time code or link.
        "text_as_sent": email.sent_text,
    }


def _note(note: Note, stamp: Stamp) -> dict[str, Any]:
    return {
        "written_at": stamp(note.created_at),
        "session": _session(note.booking, stamp),
        "text": note.text,
    }


def _session(booking: Booking | None, stamp: Stamp) -> dict[str, str | None] | None:
    """Which session something was about: its kind and time, nothing of who else was there."""
    if booking is None:
        return None
    return {"kind": booking.session_type.name, "starts_at": stamp(booking.start_at)}


def _out_of_100(value: int | None) -> str:
    return NOT_ANSWERED if value is None else f"{value} out of 100"


def _zone(name: str) -> ZoneInfo:
    """The person's zone; UTC for a name this system cannot read (the field is free text)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second, e.g. 2026-03-04T08:00:00Z; null when it never happened."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _readable(zone: ZoneInfo) -> Stamp:
    """Times as people write them, in the person's zone: "Wednesday 4 March 2026, 08:00"."""

    def stamp(moment: datetime | None) -> str:
        if moment is None:
            return ""
        return dateformat.format(moment.astimezone(zone), "l j F Y, H:i")

    return stamp
