"""The demo practice for `make run`: its people and their story, and the second factor.

The people (``demo_practice_seed``) are written through the same services as real
bookings, questionnaires and emails, so whatever the day and hour of seeding the
demo is a state the app itself could reach.

The second factor's key and codes are fixed and public (they are in this file). That
is safe only because seed_demo and demo_code refuse to run with DEBUG off; `make otp`
prints the authenticator's current code, so trying the office needs no phone.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import scoring
from assessments.models import Intake
from assessments.services import (
    intake_consent_give,
    intake_report_review,
    intake_section_save,
    intake_submit,
    intakes_create_for_booking,
)
from booking.demo import DEMO_USERNAME
from booking.models import Booking, Practitioner, SessionType
from booking.selectors import slots_for
from booking.services import (
    ClientDetails,
    booking_cancel,
    booking_confirm,
    booking_create_by_practitioner,
    booking_email_verify,
    booking_hold,
    booking_outcome_mark,
    client_statuses_refresh,
)
from clients.models import Client
from clients.services import client_get_or_create_for_booking
from notifications.kinds import kind_get, subject_type_get
from notifications.models import OutboundEmail

from .models import Note

DEMO_AUTHENTICATOR_NAME = "Demo authenticator"
# 20 bytes, hex: the size RFC 4226 recommends and django-otp generates.
DEMO_TOTP_KEY = "5363616c65732064656d6f206f6e6c7920326661"
DEMO_RECOVERY_CODES_NAME = "Recovery codes"
DEMO_RECOVERY_CODES = tuple(f"demo{number:04d}" for number in range(1, 11))


@transaction.atomic
def demo_second_factor_seed(*, user: AbstractBaseUser) -> bool:
    """Give the demo user a confirmed authenticator and recovery codes once; return if created."""
    _, authenticator_created = TOTPDevice.objects.get_or_create(
        user=user,
        name=DEMO_AUTHENTICATOR_NAME,
        defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
    )
    codes, codes_created = StaticDevice.objects.get_or_create(
        user=user, name=DEMO_RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    if codes_created:
        StaticToken.objects.bulk_create(
            StaticToken(device=codes, token=token) for token in DEMO_RECOVERY_CODES
        )
    return authenticator_created or codes_created


def demo_authenticator() -> TOTPDevice | None:
    """Return the demo practitioner's authenticator, or None before seed_demo ran."""
    return TOTPDevice.objects.filter(
        user__username=DEMO_USERNAME, name=DEMO_AUTHENTICATOR_NAME
    ).first()


def demo_code_now(device: TOTPDevice) -> tuple[str, int]:
    """Return the code the device accepts now, and the seconds until it changes."""
    seconds_into_step = int(time.time() - device.t0) % device.step
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return str(code).zfill(device.digits), device.step - seconds_into_step


# --- The demo's password -------------------------------------------------------------

# Public on purpose, like the second factor above: the demo only runs with DEBUG on.
DEMO_PASSWORD_DEFAULT = "calm-scales-demo"  # noqa: S105


def demo_password() -> str:
    """Return the password seed_demo gives a new demo practitioner (DEMO_PASSWORD, or the default)."""
    return os.environ.get("DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)


# --- The demo's people ---------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    time_zone: str


RETURNING = DemoPerson("Ana Souza", "ana@example.com", "America/Sao_Paulo")
COUPLE_BOOKER = DemoPerson("Tom Becker", "tom@example.com", "Europe/Berlin")
COUPLE_PARTNER = DemoPerson("Lena Becker", "lena@example.com", "Europe/Berlin")
NO_SHOW = DemoPerson("Priya Raman", "priya@example.com", "Asia/Kolkata")
URGENT = DemoPerson("Sofia Marin", "sofia@example.com", "Europe/Madrid")
NOT_STARTED = DemoPerson("Grace Liu", "grace@example.com", "Australia/Sydney")
CANCELLED = DemoPerson("Daniel Okafor", "daniel@example.com", "Europe/London")

# Leanings per area (negative: "more me"). The partner's differ, so the couple
# report shows agreement in some areas and a real perception gap in others.
BOOKER_LEAN = {"financial": 1, "emotional": 2, "social": 0, "age_health": -1, "communication": 1}
PARTNER_LEAN = {"financial": -1, "emotional": 0, "social": 0, "age_health": 1, "communication": 2}
BOOKER_WORDS = {
    "ctx_status": "married",
    "ctx_initiated": "me",
    "ctx_hopes": "To make decisions about money together again, without it becoming a fight.",
    "emo_notes": "I often keep things to myself so as not to start an argument.",
}
PARTNER_WORDS = {
    "ctx_status": "married",
    "ctx_initiated": "partner",
    "ctx_hopes": "That we both feel heard when we plan the next few years.",
    "com_notes": "When we disagree I tend to go quiet, and then it is decided.",
}
URGENT_WORDS = {
    "ctx_status": "together",
    "ctx_hopes": "I want to understand whether what happens at home is normal.",
}
RETURNING_WORDS = {
    "ctx_status": "separating",
    "ctx_hopes": "To find my footing again after the separation.",
}
URGENT_SAFETY_ITEM = "safety_control"
NOTE_TEXT = (
    "Second session. Ana feels steadier at work; we worked on saying no without explaining "
    "herself at length. Next time: the conversation with her sister."
)


@dataclass(frozen=True)
class DemoPractice:
    clients: int
    bookings: int
    created: bool


@transaction.atomic
def demo_practice_seed(*, user: AbstractBaseUser) -> DemoPractice:
    """Give the demo practitioner clients, a history and upcoming calls once, through the services.

    The future is booked on her real free times, whatever the day and hour of seeding.
    The past cannot be booked (every service refuses a past time), so past bookings are
    written as the confirmed rows they once were and then marked attended or no-show by
    the office's own service. Nothing runs if she already has bookings.
    """
    practitioner = Practitioner.objects.select_related("user").get(user=user)
    created = not practitioner.bookings.exists()
    if created:
        now = timezone.now()
        call = SessionType.objects.get(practitioner=practitioner, slug="assessment-call")
        session = SessionType.objects.get(practitioner=practitioner, slug="single-session")
        _history_seed(user, call=call, session=session, now=now)
        _upcoming_seed(call=call, session=session, now=now)
        _outbox_settle(now=timezone.now())
        client_statuses_refresh(now=timezone.now())
    return DemoPractice(
        clients=Client.objects.count(), bookings=practitioner.bookings.count(), created=created
    )


def _history_seed(
    user: AbstractBaseUser, *, call: SessionType, session: SessionType, now: datetime
) -> None:
    """A returning client's free call and sessions, and a call missed in the last few days."""
    taken: list[tuple[datetime, datetime]] = []
    first_call = _past_start(call, not_before=now - timedelta(days=56), now=now, taken=taken)
    ana = client_get_or_create_for_booking(
        name=RETURNING.name,
        email=RETURNING.email,
        time_zone=RETURNING.time_zone,
        consent_at=_booked_at(first_call),
    )
    booking = _past_booking(call, ana, first_call)
    for intake in intakes_create_for_booking(booking=booking):
        _answer(intake, lean=BOOKER_LEAN, words=RETURNING_WORDS, seed=1)
    intake_report_review(booking_id=booking.pk, now=now)
    # Answered two days before the call and read before it, not now.
    Intake.objects.filter(booking=booking).update(
        created_at=booking.confirmed_at,
        started_at=first_call - timedelta(days=2),
        submitted_at=first_call - timedelta(days=2),
        reviewed_at=first_call - timedelta(hours=2),
    )
    booking_outcome_mark(booking=booking, outcome=Booking.Status.COMPLETED)
    for weeks_ago in (5, 2):
        start = _past_start(
            session, not_before=now - timedelta(weeks=weeks_ago), now=now, taken=taken
        )
        last_session = booking_outcome_mark(
            booking=_past_booking(session, ana, start), outcome=Booking.Status.COMPLETED
        )
    Note.objects.create(  # written in the office after the second session
        client=ana,
        booking=last_session,
        text=NOTE_TEXT,
        author=user,
        created_at=last_session.end_at + timedelta(minutes=15),
    )

    missed_call = _past_start(call, not_before=now - timedelta(days=3), now=now, taken=taken)
    priya = client_get_or_create_for_booking(
        name=NO_SHOW.name,
        email=NO_SHOW.email,
        time_zone=NO_SHOW.time_zone,
        consent_at=_booked_at(missed_call),
    )
    booking = _past_booking(call, priya, missed_call)
    intakes = intakes_create_for_booking(booking=booking)  # never started
    Intake.objects.filter(pk__in=[intake.pk for intake in intakes]).update(
        created_at=booking.confirmed_at
    )
    booking_outcome_mark(booking=booking, outcome=Booking.Status.NO_SHOW)


def _upcoming_seed(*, call: SessionType, session: SessionType, now: datetime) -> None:
    """Calls booked online on her free times, and the returning client's next session."""
    sofia = _book_online(call, URGENT, _next_free(call, after=now + timedelta(days=1)))
    for intake in sofia.intakes.all():
        _answer(intake, lean=BOOKER_LEAN, words=URGENT_WORDS, seed=2, yes=URGENT_SAFETY_ITEM)

    couple = _book_online(
        call,
        COUPLE_BOOKER,
        _next_free(call, after=now + timedelta(days=2, hours=3)),
        mode=Booking.Mode.COUPLE,
        partner_name=COUPLE_PARTNER.name,
        partner_email=COUPLE_PARTNER.email,
        note="We would both like to join from home.",
    )
    couple = booking_email_verify(booking=couple)  # Tom opened his link: Lena is invited
    for intake in couple.intakes.all():
        client_intake = intake.role == Intake.Role.CLIENT
        _answer(
            intake,
            lean=BOOKER_LEAN if client_intake else PARTNER_LEAN,
            words=BOOKER_WORDS if client_intake else PARTNER_WORDS,
            seed=3 if client_intake else 4,
        )

    # A day past the nudge's lead time, so the nudge is still to come.
    after_nudge = now + timedelta(hours=settings.INTAKE_NUDGE_HOURS) + timedelta(days=1, hours=5)
    _book_online(call, NOT_STARTED, _next_free(call, after=after_nudge))

    daniel = _book_online(call, CANCELLED, _next_free(call, after=now + timedelta(days=4)))
    booking_cancel(booking=daniel)

    ana = Client.objects.get(email=RETURNING.email)
    booking_create_by_practitioner(
        session_type=session,
        client=ana,
        start=_next_free(session, after=now + timedelta(days=5, hours=2)),
    )


# --- Helpers -------------------------------------------------------------------------


def _next_free(session_type: SessionType, *, after: datetime) -> datetime:
    """Return the first time the booking page offers for this offer at or after ``after``."""
    first_day = after.astimezone(session_type.practitioner.zone).date()
    for start in slots_for(session_type=session_type, first_day=first_day):
        if start >= after:
            return start
    raise LookupError(f"No free time for {session_type.slug} after {after:%Y-%m-%d %H:%M}.")


def _past_start(
    session_type: SessionType,
    *,
    not_before: datetime,
    now: datetime,
    taken: list[tuple[datetime, datetime]],
) -> datetime:
    """Return the first time her hours offered from ``not_before`` that was over by ``now``.

    Asks the slot engine as it answered then; ``taken`` holds the demo's earlier past
    bookings (marked bookings no longer block the calendar), so none overlap.
    """
    zone = session_type.practitioner.zone
    candidates = slots_for(
        session_type=session_type,
        now=not_before - timedelta(minutes=session_type.min_notice_minutes),
        first_day=not_before.astimezone(zone).date(),
        last_day=now.astimezone(zone).date(),
    )
    for start in candidates:
        blocked_start, blocked_end = _blocked(session_type, start)
        if blocked_end > now:
            break
        if all(
            blocked_end <= other_start or other_end <= blocked_start
            for other_start, other_end in taken
        ):
            taken.append((blocked_start, blocked_end))
            return start
    raise LookupError(f"No past time for {session_type.slug} after {not_before:%Y-%m-%d %H:%M}.")


def _booked_at(start: datetime) -> datetime:
    """Return when a past demo booking was made: a few days before it."""
    return start - timedelta(days=4)


def _blocked(session_type: SessionType, start: datetime) -> tuple[datetime, datetime]:
    end = start + timedelta(minutes=session_type.duration_minutes)
    return (
        start - timedelta(minutes=session_type.buffer_before_minutes),
        end + timedelta(minutes=session_type.buffer_after_minutes),
    )


def _past_booking(session_type: SessionType, client: Client, start: datetime) -> Booking:
    """Write a past booking as it stood before the call: confirmed, booked days earlier."""
    booked_at = _booked_at(start)
    blocked_start, blocked_end = _blocked(session_type, start)
    booking = Booking.objects.create(
        practitioner=session_type.practitioner,
        session_type=session_type,
        client=client,
        client_time_zone=client.time_zone,
        status=Booking.Status.CONFIRMED,
        start_at=start,
        end_at=start + timedelta(minutes=session_type.duration_minutes),
        blocked_start=blocked_start,
        blocked_end=blocked_end,
        confirmed_at=booked_at,
        email_verified_at=booked_at,
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=booked_at)
    return booking


def _book_online(
    session_type: SessionType, person: DemoPerson, start: datetime, **details: str
) -> Booking:
    """Book as a visitor does: hold the time, then confirm it with their details."""
    hold = booking_hold(
        session_type=session_type, slot_start=start, client_time_zone=person.time_zone
    )
    return booking_confirm(
        public_id=hold.public_id,
        details=ClientDetails(
            name=person.name, email=person.email, time_zone=person.time_zone, **details
        ),
    )


def _answer(
    intake: Intake, *, lean: dict[str, int], words: dict[str, str], seed: int, yes: str = ""
) -> Intake:
    """Answer a questionnaire page by page and send it, as the person would in the browser.

    ``yes`` names the one safety question answered yes (none by default).
    """
    rng = random.Random(seed)  # the same demo every time
    if intake.consent_at is None:
        intake_consent_give(intake_id=intake.pk)
    for index, section in enumerate(intake.instrument.sections):
        submitted = {
            item["key"]: [_form_value(item, lean=lean, words=words, rng=rng, yes=yes)]
            for item in section["items"]
        }
        intake_section_save(intake_id=intake.pk, section_index=index, submitted=submitted)
    return intake_submit(intake_id=intake.pk)


def _form_value(
    item: dict, *, lean: dict[str, int], words: dict[str, str], rng: random.Random, yes: str
) -> str:
    """Return what the browser would post for one question."""
    kind, area_lean = item["kind"], lean.get(item.get("area", ""), 0)
    if kind == "balance":
        position = max(-2, min(2, area_lean + rng.choice((-1, 0, 0, 1))))
        return scoring.BALANCE_SCALE[position + 2][0]
    if kind == "impact":
        return str(min(4, abs(area_lean) * 2 + rng.choice((0, 1))))
    if kind == "strength":
        return str(rng.choice((1, 2, 3)))
    if kind == "safety":
        return "yes" if item["key"] == yes else "no"
    if kind == "single":
        return words.get(item["key"], item["choices"][0][0])
    return words.get(item["key"], "")


def _outbox_settle(*, now: datetime) -> None:
    """Cancel queued emails the outbox would find no longer needed when their time came.

    In real life most of them would have gone out before things changed (the
    alert for a booking later cancelled, the nudge before the answers came).
    """
    for email in OutboundEmail.objects.filter(status=OutboundEmail.Status.SCHEDULED):
        subject = subject_type_get(email.subject_type).load(email.subject_id)
        reason = kind_get(email.kind).still_needed(email, subject, now)
        if reason:
            # As the sender closes a row it finds moot (notifications.delivery).
            OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SCHEDULED).update(
                status=OutboundEmail.Status.CANCELLED, last_error=reason
            )
