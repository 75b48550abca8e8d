"""Writes for booking: hold a time, confirm it, move it, cancel it.

Every service runs in one transaction that first locks the practitioner's row,
so booking writes for one calendar happen one at a time and the check "is this
time still free?" cannot race with another write. On PostgreSQL the exclusion
constraint ``booking_no_overlap`` backs this up; on SQLite the transaction
itself is serialised (IMMEDIATE mode, see settings).
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from clients.selectors import client_id_by_email
from clients.services import client_get_or_create_for_booking
from lib.errors import DomainError

from . import emails, events, slot_page_cache, slots
from .models import (
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    Practitioner,
    SessionType,
    Weekday,
)
from .selectors import (
    booking_can_change,
    client_is_returning,
    live_bookings_q,
    slot_engine_inputs,
)

logger = logging.getLogger(__name__)


class BookingError(DomainError):
    """A booking request that cannot be carried out; ``message`` is for the client."""


class SlotUnavailable(BookingError):
    code = "taken"


class NotReturningClient(BookingError):
    code = "not_returning"


class ChangeTooLate(BookingError):
    code = "too_late"


class TooManyHolds(BookingError):
    code = "too_many_holds"


class HoldLapsed(SlotUnavailable):
    """The link that confirms a single session came after its hold released the time."""

    code = "lapsed"


class EmailNotProven(BookingError):
    """A single session is confirmed only from the link sent to the email given."""

    code = "not_proven"


class VerifyLinkReplaced(BookingError):
    code = "replaced"


class TooManyVerifyLinks(BookingError):
    code = "too_many_links"


class BookingsPaused(BookingError):
    """She paused new bookings: the message is hers (or the default), for the visitor."""

    code = "paused"


# Confirm links one held time may send: enough to fix a mistyped address, too few
# to keep a time held for long or to flood someone's inbox.
VERIFY_REQUESTS_PER_HOLD = 3


@dataclass(frozen=True)
class ClientDetails:
    name: str
    email: str
    time_zone: str
    mode: str = Booking.Mode.INDIVIDUAL
    partner_name: str = ""
    partner_email: str = ""
    note: str = ""


def _lock_practitioner(practitioner_id: int) -> Practitioner:
    return Practitioner.objects.select_for_update().get(pk=practitioner_id)


def _lock_by_public_id(public_id: UUID) -> Booking:
    """Lock the calendar, then the booking; SlotUnavailable if the booking no longer exists."""
    found = Booking.objects.filter(public_id=public_id).values_list("practitioner_id", flat=True)
    if not found:
        raise SlotUnavailable(_("Sorry, this time was just taken."))
    _lock_practitioner(found[0])
    try:
        return (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session_type__practitioner", "practitioner__user", "client")
            .get(public_id=public_id)
        )
    except Booking.DoesNotExist:
        # A lapsed hold, released by someone who took its time while we waited for the lock.
        raise SlotUnavailable(_("Sorry, this time was just taken.")) from None


def _lock_booking(booking: Booking) -> Booking:
    """Lock the calendar, then return the booking fresh from the database, locked too."""
    _lock_practitioner(booking.practitioner_id)
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("session_type__practitioner", "practitioner__user", "client")
        .get(pk=booking.pk)
    )


def practitioner_calendar_touch(*, practitioner_id: int) -> None:
    """Record that the free times changed, so no cached slot page shows the old ones.

    Called by every write that frees or takes time, and by the admin when hours,
    overrides, her settings or session types change. The database's version
    rises with the write; the cached pages' version is replaced once it commits
    (``slot_page_cache``).
    """
    Practitioner.objects.filter(pk=practitioner_id).update(
        calendar_version=F("calendar_version") + 1
    )
    slot_page_cache.slot_pages_expire_on_commit()


def _check_open(practitioner: Practitioner) -> None:
    """Refuse a new booking while she has paused them, whatever page or script asked."""
    if practitioner.bookings_paused:
        raise BookingsPaused(practitioner.paused_notice)


def _check_slot(
    *,
    session_type: SessionType,
    slot_start: datetime,
    now: datetime,
    exclude_booking_id: int | None = None,
) -> None:
    """Raise SlotUnavailable, with the reason a person would want, unless the slot is free."""
    zone = session_type.practitioner.zone
    local_day = slot_start.astimezone(zone).date()
    inputs = slot_engine_inputs(
        session_type=session_type,
        now=now,
        first_day=local_day,
        last_day=local_day,
        exclude_booking_id=exclude_booking_id,
    )
    if slot_start in slots.free_slots(**inputs):
        return
    if slot_start <= now:
        raise SlotUnavailable(_("That time has already passed."), code="past")
    if slot_start < now + timedelta(minutes=session_type.min_notice_minutes):
        raise SlotUnavailable(
            _("That time is too soon to book online. Please choose a later time."), code="too_soon"
        )
    if slot_start > now + timedelta(days=session_type.horizon_days):
        raise SlotUnavailable(
            _("That time is further ahead than bookings are open."), code="too_far"
        )
    if slot_start not in slots.free_slots(**{**inputs, "busy": [], "bookings_per_day": {}}):
        raise SlotUnavailable(_("That time is not one of the open times."), code="not_offered")
    if slot_start in slots.free_slots(**{**inputs, "bookings_per_day": {}}):
        raise SlotUnavailable(_("That day is now fully booked."), code="day_full")
    raise SlotUnavailable(_("Sorry, this time was just taken."), code="taken")


def _blocked_range(session_type: SessionType, start: datetime) -> dict:
    end = start + timedelta(minutes=session_type.duration_minutes)
    return {
        "start_at": start,
        "end_at": end,
        "blocked_start": start - timedelta(minutes=session_type.buffer_before_minutes),
        "blocked_end": end + timedelta(minutes=session_type.buffer_after_minutes),
    }


def _release_expired_holds(*, practitioner: Practitioner, now: datetime, blocked: dict) -> None:
    """Delete lapsed holds that would still block this range in the exclusion constraint."""
    Booking.objects.filter(
        practitioner=practitioner,
        status=Booking.Status.HELD,
        held_until__lte=now,
        blocked_start__lt=blocked["blocked_end"],
        blocked_end__gt=blocked["blocked_start"],
    ).delete()


@transaction.atomic
def booking_hold(
    *,
    session_type: SessionType,
    slot_start: datetime,
    client_time_zone: str,
    held_by: str = "",
    replacing: UUID | None = None,
) -> Booking:
    """Hold a free time for a few minutes while the visitor enters their details.

    ``held_by`` names the visitor (an anonymous hash): one visitor may hold at
    most BOOKING_HOLDS_PER_VISITOR live times, counted here under the calendar
    lock so a script cannot hold the whole calendar. ``replacing`` is the
    browser's previous hold, released first: choosing another time is not a
    second hold. While she has paused new bookings nothing is held, so a page
    left open or a script cannot book.
    """
    now = timezone.now()
    _check_open(_lock_practitioner(session_type.practitioner_id))
    if replacing is not None:
        Booking.objects.filter(
            public_id=replacing, status=Booking.Status.HELD, held_by=held_by
        ).delete()
    _check_slot(session_type=session_type, slot_start=slot_start, now=now)
    _check_holds_per_visitor(held_by=held_by, now=now)
    blocked = _blocked_range(session_type, slot_start)
    _release_expired_holds(practitioner=session_type.practitioner, now=now, blocked=blocked)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                practitioner=session_type.practitioner,
                session_type=session_type,
                client_time_zone=client_time_zone,
                status=Booking.Status.HELD,
                held_until=now + timedelta(minutes=settings.BOOKING_HOLD_MINUTES),
                held_by=held_by,
                **blocked,
            )
    except IntegrityError as error:  # the exclusion constraint: someone got there first
        raise SlotUnavailable(_("Sorry, this time was just taken.")) from error
    practitioner_calendar_touch(practitioner_id=session_type.practitioner_id)
    return booking


def _check_holds_per_visitor(*, held_by: str, now: datetime) -> None:
    if not held_by or not settings.PUBLIC_LIMITS:
        return
    live = Booking.objects.filter(
        status=Booking.Status.HELD, held_by=held_by, held_until__gt=now
    ).count()
    if live >= settings.BOOKING_HOLDS_PER_VISITOR:
        raise TooManyHolds(
            _(
                "You are already holding %(count)d times. Please finish booking one of them, "
                "or wait a few minutes until they are released, then choose again."
            )
            % {"count": live}
        )


@transaction.atomic
def booking_verify_request(*, public_id: UUID, details: ClientDetails) -> Booking:
    """Keep a single session's details on its hold and email a link to the address given.

    Whether the address is a returning client's is not asked here, so the answer
    is the same for anyone's email; it is asked when the link's owner confirms
    (``booking_verify_confirm``). Each request holds the time for
    BOOKING_VERIFY_MINUTES from now and makes the earlier links stop working.
    """
    now = timezone.now()
    booking = _lock_by_public_id(public_id)
    if booking.status != Booking.Status.HELD:
        raise SlotUnavailable(_("Sorry, this time was just taken."))
    if booking.held_until is None or booking.held_until <= now:
        _check_open(booking.practitioner)
        _check_slot(
            session_type=booking.session_type,
            slot_start=booking.start_at,
            now=now,
            exclude_booking_id=booking.pk,
        )
    request = int(booking.pending_details.get("request", 0)) + 1
    if request > VERIFY_REQUESTS_PER_HOLD:
        raise TooManyVerifyLinks(
            _(
                "We have already sent several links for this time. Please use the newest "
                "one, or choose a time again."
            )
        )
    booking.pending_details = {**asdict(details), "request": request}
    booking.client_time_zone = details.time_zone
    booking.held_until = now + timedelta(minutes=settings.BOOKING_VERIFY_MINUTES)
    booking.save(update_fields=["pending_details", "client_time_zone", "held_until"])
    practitioner_calendar_touch(practitioner_id=booking.practitioner_id)
    emails.booking_emails_verify(booking, now=now)
    return booking


def verify_link_problem(booking: Booking, *, request: int, now: datetime) -> BookingError | None:
    """Return why a single session's confirm link cannot confirm now, or None if it can."""
    if booking.pending_details.get("request") != request:
        return VerifyLinkReplaced(
            _("This link was replaced by a newer one. Please use the most recent email we sent.")
        )
    if booking.status != Booking.Status.HELD or booking.held_until is None:
        return HoldLapsed(_("Sorry, this time was just taken."))
    if booking.held_until <= now:
        return HoldLapsed(
            _(
                "We held this time for %(minutes)d minutes, and it has now been released. "
                "Please choose a time again."
            )
            % {"minutes": settings.BOOKING_VERIFY_MINUTES}
        )
    return None


@transaction.atomic
def booking_verify_confirm(*, public_id: UUID, request: int) -> Booking:
    """Confirm a single session from the link emailed to the address given.

    Only the newest link works, and only while the time is held: a hold that
    lapsed has released its time, as holds do. Opening the link proved the
    email, so ``booking_confirm`` now asks whether it is a returning client's,
    and only the email's owner ever sees the answer. A second press returns
    the same booking.
    """
    now = timezone.now()
    booking = _lock_by_public_id(public_id)
    if (
        booking.email_verified_at is not None
        and booking.status != Booking.Status.HELD
        and booking.pending_details.get("request") == request
    ):
        return booking
    problem = verify_link_problem(booking, request=request, now=now)
    if problem is not None:
        raise problem
    typed = {field.name: booking.pending_details[field.name] for field in fields(ClientDetails)}
    return booking_confirm(public_id=public_id, details=ClientDetails(**typed), email_verified=True)


@transaction.atomic
def booking_confirm(
    *, public_id: UUID, details: ClientDetails, email_verified: bool = False
) -> Booking:
    """Turn a hold into a confirmed booking for this client.

    Submitting twice (a double click, a reload) returns the same booking. A
    hold that has lapsed is still honoured if nobody has taken the time since
    and new bookings are not paused (a live hold made before the pause may finish).
    A single session needs ``email_verified`` (see ``booking_verify_confirm``).
    An existing client's record is changed only by someone who proved the
    email is theirs; otherwise the booking asks the practitioner to check.
    """
    now = timezone.now()
    booking = _lock_by_public_id(public_id)
    if (
        booking.status == Booking.Status.CONFIRMED
        and booking.client is not None
        and booking.client.email.lower() == details.email.strip().lower()
    ):
        return booking
    if booking.status != Booking.Status.HELD:
        raise SlotUnavailable(_("Sorry, this time was just taken."))
    session_type = booking.session_type
    if booking.held_until is None or booking.held_until <= now:
        _check_open(booking.practitioner)
        _check_slot(
            session_type=session_type,
            slot_start=booking.start_at,
            now=now,
            exclude_booking_id=booking.pk,
        )
    if session_type.requires_assessment and not email_verified:
        raise EmailNotProven(_("Please confirm this booking from the link we emailed you."))
    if session_type.requires_assessment and not client_is_returning(details.email, now):
        raise NotReturningClient(
            _(
                "Single sessions are for people who have already had an assessment call. "
                "If you are new, please start with a free assessment call."
            )
        )
    existing = client_id_by_email(details.email) is not None
    booking.client = client_get_or_create_for_booking(
        name=details.name,
        email=details.email,
        time_zone=details.time_zone,
        consent_at=now,
        email_proven=email_verified,
    )
    booking.email_of_existing_client = existing and not email_verified
    booking.client_time_zone = details.time_zone
    booking.mode = details.mode
    booking.partner_name = details.partner_name if details.mode == Booking.Mode.COUPLE else ""
    booking.partner_email = details.partner_email if details.mode == Booking.Mode.COUPLE else ""
    booking.partner_is_existing_client = bool(
        booking.partner_email and client_id_by_email(booking.partner_email) is not None
    )
    booking.note = details.note
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = now
    booking.held_until = None
    if email_verified:
        booking.email_verified_at = now
        # The details now live on the booking and the client; keep only the link's number.
        booking.pending_details = {"request": booking.pending_details.get("request", 0)}
    booking.save()
    emails.booking_emails_confirmed(booking, now=now)
    events.booking_confirmed.send(events.BookingConfirmed(booking=booking, now=now))
    if existing:  # someone new has attended nothing: a lead, as they were created
        client_statuses_refresh(now=now, client_ids=[booking.client.pk])
    if email_verified:
        events.booking_email_verified.send(events.BookingEmailVerified(booking=booking, now=now))
    return booking


@transaction.atomic
def booking_email_verify(*, booking: Booking) -> Booking:
    """Record, once, that the person who booked opened the link in their confirmation.

    That proves the email is theirs, so booking tells the apps above
    (``booking_email_verified``): the questionnaire app then invites the
    partner. A booking no longer confirmed records nothing, so nobody is
    invited to a call that will not happen.
    """
    now = timezone.now()
    booking = _lock_booking(booking)
    if booking.email_verified_at is not None or booking.status != Booking.Status.CONFIRMED:
        return booking
    booking.email_verified_at = now
    booking.save(update_fields=["email_verified_at"])
    events.booking_email_verified.send(events.BookingEmailVerified(booking=booking, now=now))
    return booking


def _check_change_allowed(booking: Booking, now: datetime) -> None:
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError(_("This booking can no longer be changed."), code="not_confirmed")
    if not booking_can_change(booking, now):
        raise ChangeTooLate(
            _("It is too close to the appointment to change it online."), code="too_late"
        )


@transaction.atomic
def booking_reschedule(*, booking: Booking, new_start: datetime) -> Booking:
    """Move a confirmed booking to another free time, until the cut-off."""
    now = timezone.now()
    booking = _lock_booking(booking)
    _check_change_allowed(booking, now)
    if new_start == booking.start_at:
        return booking
    session_type = booking.session_type
    _check_slot(
        session_type=session_type, slot_start=new_start, now=now, exclude_booking_id=booking.pk
    )
    blocked = _blocked_range(session_type, new_start)
    _release_expired_holds(practitioner=booking.practitioner, now=now, blocked=blocked)
    return _booking_move_to(booking, blocked=blocked, now=now, by_practitioner=False)


def _booking_move_to(
    booking: Booking, *, blocked: dict, now: datetime, by_practitioner: bool
) -> Booking:
    """Write a checked new time, make it a new version, and tell everyone (both moves)."""
    previous_start = booking.start_at
    for field, value in blocked.items():
        setattr(booking, field, value)
    booking.sequence += 1
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        raise SlotUnavailable(_("Sorry, this time was just taken.")) from error
    practitioner_calendar_touch(practitioner_id=booking.practitioner_id)
    emails.booking_emails_rescheduled(booking, now=now, by_practitioner=by_practitioner)
    events.booking_rescheduled.send(
        events.BookingRescheduled(booking=booking, previous_start=previous_start, now=now)
    )
    return booking


@transaction.atomic
def booking_cancel(
    *, booking: Booking, by_practitioner: bool = False, tell_client: bool = True
) -> Booking:
    """Cancel a booking; clients may do so until the cut-off, the practitioner any time.

    She may choose not to email the client (she told them herself).
    """
    now = timezone.now()
    booking = _lock_booking(booking)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if not by_practitioner:
        _check_change_allowed(booking, now)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    practitioner_calendar_touch(practitioner_id=booking.practitioner_id)
    emails.booking_emails_cancelled(
        booking,
        now=now,
        by_practitioner=by_practitioner,
        tell_client=tell_client or not by_practitioner,
    )
    events.booking_cancelled.send(
        events.BookingCancelled(booking=booking, by_practitioner=by_practitioner, now=now)
    )
    if booking.client_id:
        client_statuses_refresh(now=now, client_ids=[booking.client_id])
    return booking


OUTCOMES = (Booking.Status.COMPLETED, Booking.Status.NO_SHOW, Booking.Status.NOT_A_FIT)


@transaction.atomic
def booking_outcome_mark(*, booking: Booking, outcome: str) -> Booking:
    """Record how a past booking went (attended, no-show, not a fit) and adjust follow-ups."""
    now = timezone.now()
    if outcome not in OUTCOMES:
        raise BookingError(_("Choose attended, no-show or not a fit."), code="bad_outcome")
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("session_type", "practitioner__user", "client")
        .get(pk=booking.pk)
    )
    if booking.status == outcome:
        return booking
    if booking.status not in (Booking.Status.CONFIRMED, *OUTCOMES):
        raise BookingError(_("Only confirmed bookings can be marked."), code="not_confirmed")
    if booking.start_at > now:
        raise BookingError(_("This booking has not happened yet."), code="not_yet")
    booking.status = outcome
    booking.save(update_fields=["status"])
    emails.booking_emails_outcome(booking, now=now)
    if booking.client_id:
        client_statuses_refresh(now=now, client_ids=[booking.client_id])
    return booking


def booking_holds_purge(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete holds that lapsed long ago and were never confirmed; return how many.

    A lapsed hold is still honoured if its visitor comes back soon and the time
    is free, so only holds well past their expiry are removed.
    """
    cutoff = timezone.now() - older_than
    deleted, _ = Booking.objects.filter(status=Booking.Status.HELD, held_until__lt=cutoff).delete()
    return deleted


# --- The practitioner's own bookings (the office) ------------------------------------


def booking_outside_hours(*, session_type: SessionType, start: datetime) -> bool:
    """Return whether ``start`` is outside her open times (ignoring other bookings and notice).

    The office warns and asks her to confirm; it never refuses her own choice.
    """
    zone = session_type.practitioner.zone
    day = start.astimezone(zone).date()
    inputs = slot_engine_inputs(
        session_type=session_type, now=start - timedelta(days=1), first_day=day, last_day=day
    )
    policy = inputs["policy"]
    open_times = slots.free_slots(
        **{
            **inputs,
            "busy": [],
            "bookings_per_day": {},
            "policy": dataclasses.replace(
                # Every minute: she may book 10:07, which a coarser grid would call outside.
                policy,
                min_notice=timedelta(0),
                step=timedelta(minutes=1),
            ),
        }
    )
    return start.replace(second=0, microsecond=0) not in open_times


def _check_no_overlap(
    *, practitioner: Practitioner, blocked: dict, now: datetime, exclude_booking_id: int | None
) -> None:
    """Refuse a time that overlaps another live booking, buffers included: never twice booked."""
    overlapping = Booking.objects.filter(
        live_bookings_q(now),
        practitioner=practitioner,
        blocked_start__lt=blocked["blocked_end"],
        blocked_end__gt=blocked["blocked_start"],
    )
    if exclude_booking_id is not None:
        overlapping = overlapping.exclude(pk=exclude_booking_id)
    clash = overlapping.select_related("client").first()
    if clash is not None:
        local = clash.start_at.astimezone(practitioner.zone)
        who = clash.client.name if clash.client else _("a held time")
        raise SlotUnavailable(
            _("That time overlaps %(who)s at %(time)s (with its buffer). Choose another time.")
            % {"who": who, "time": f"{local:%H:%M}"},
            code="taken",
        )


@transaction.atomic
def booking_create_by_practitioner(
    *,
    session_type: SessionType,
    client: Client,
    start: datetime,
    mode: str = Booking.Mode.INDIVIDUAL,
    partner_name: str = "",
    partner_email: str = "",
) -> Booking:
    """Book a client in from the office: any free time, outside her hours too.

    The same calendar lock and the same no-overlap rule as the public pages, and
    the same emails (confirmation, reminders, questionnaires), except her own alert.
    """
    now = timezone.now()
    practitioner = _lock_practitioner(session_type.practitioner_id)
    if start <= now:
        raise SlotUnavailable(_("That time has already passed."), code="past")
    blocked = _blocked_range(session_type, start)
    _release_expired_holds(practitioner=practitioner, now=now, blocked=blocked)
    _check_no_overlap(practitioner=practitioner, blocked=blocked, now=now, exclude_booking_id=None)
    couple = mode == Booking.Mode.COUPLE
    booking = Booking(
        practitioner=practitioner,
        session_type=session_type,
        client=client,
        client_time_zone=client.time_zone,
        status=Booking.Status.CONFIRMED,
        mode=mode,
        partner_name=partner_name if couple else "",
        partner_email=partner_email if couple else "",
        confirmed_at=now,
        **blocked,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        raise SlotUnavailable(_("Sorry, this time was just taken.")) from error
    practitioner_calendar_touch(practitioner_id=practitioner.pk)
    emails.booking_emails_confirmed(booking, now=now, by_practitioner=True)
    events.booking_confirmed.send(events.BookingConfirmed(booking=booking, now=now))
    client_statuses_refresh(now=now, client_ids=[client.pk])
    return booking


@transaction.atomic
def booking_move_by_practitioner(*, booking: Booking, new_start: datetime) -> Booking:
    """Move a booking from the office: no cut-off, outside her hours too, never overlapping."""
    now = timezone.now()
    booking = _lock_booking(booking)
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError(_("Only confirmed bookings can be moved."), code="not_confirmed")
    if new_start == booking.start_at:
        return booking
    if new_start <= now:
        raise SlotUnavailable(_("That time has already passed."), code="past")
    blocked = _blocked_range(booking.session_type, new_start)
    _release_expired_holds(practitioner=booking.practitioner, now=now, blocked=blocked)
    _check_no_overlap(
        practitioner=booking.practitioner, blocked=blocked, now=now, exclude_booking_id=booking.pk
    )
    return _booking_move_to(booking, blocked=blocked, now=now, by_practitioner=True)


# --- Her private calendar feed ------------------------------------------------------


@transaction.atomic
def calendar_feed_enable(*, practitioner: Practitioner) -> Practitioner:
    """Give her calendar feed a new secret address; the previous address stops working.

    The address is the only key to the feed (calendar apps cannot sign in), so a
    new one is how she shuts out anyone who saw the old one.
    """
    practitioner.calendar_feed_token = secrets.token_urlsafe(32)
    practitioner.save(update_fields=["calendar_feed_token"])
    return practitioner


@transaction.atomic
def calendar_feed_disable(*, practitioner: Practitioner) -> Practitioner:
    """Turn her calendar feed off: its address finds nothing any more."""
    practitioner.calendar_feed_token = ""
    practitioner.save(update_fields=["calendar_feed_token"])
    return practitioner


# --- Client status, kept true by the bookings ------------------------------------------


def client_statuses_refresh(*, now: datetime, client_ids: list[int] | None = None) -> int:
    """Set each client's status from their bookings; return how many changed.

    A client is someone who attended a single session; a former client is one
    whose last booking ended CLIENT_FORMER_AFTER_DAYS ago with nothing booked
    since; everyone else (booked a call, asked) is a lead. Three UPDATEs whatever
    the number of clients; called after an outcome or a cancellation, and daily.
    """
    attended_session = Booking.objects.filter(
        client=OuterRef("pk"),
        status=Booking.Status.COMPLETED,
        session_type__kind=SessionType.Kind.SESSION,
    )
    recent_or_upcoming = Booking.objects.filter(
        client=OuterRef("pk"),
        status__in=(Booking.Status.CONFIRMED, Booking.Status.COMPLETED),
        end_at__gt=now - timedelta(days=settings.CLIENT_FORMER_AFTER_DAYS),
    )
    clients = Client.objects.all()
    if client_ids is not None:
        clients = clients.filter(pk__in=client_ids)
    changed = (
        clients.exclude(status=Client.Status.LEAD)
        .filter(~Exists(attended_session))
        .update(status=Client.Status.LEAD)
    )
    with_session = clients.filter(Exists(attended_session))
    changed += (
        with_session.filter(Exists(recent_or_upcoming))
        .exclude(status=Client.Status.CLIENT)
        .update(status=Client.Status.CLIENT)
    )
    changed += (
        with_session.filter(~Exists(recent_or_upcoming))
        .exclude(status=Client.Status.FORMER)
        .update(status=Client.Status.FORMER)
    )
    return changed


# --- Time off ---------------------------------------------------------------------------

TIME_OFF_MAX_DAYS = 366


@transaction.atomic
def time_off_add(*, practitioner: Practitioner, first_day: date, last_day: date, note: str) -> int:
    """Close every day from ``first_day`` to ``last_day`` with one reason; return days added.

    Stored as one closed date per day (what the slot engine reads); days already
    closed keep theirs. Bookings already made on those days stay: she sees them on
    the calendar and moves or cancels them herself.
    """
    if last_day < first_day:
        raise BookingError(_("The last day comes before the first."), code="order")
    if (last_day - first_day).days >= TIME_OFF_MAX_DAYS:
        raise BookingError(_("Please add at most a year at a time."), code="too_long")
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    closed = set(
        AvailabilityOverride.objects.filter(
            practitioner=practitioner,
            date__in=days,
            kind=AvailabilityOverride.Kind.CLOSED,
            start_time__isnull=True,
        ).values_list("date", flat=True)
    )
    AvailabilityOverride.objects.bulk_create(
        AvailabilityOverride(
            practitioner=practitioner,
            date=day,
            kind=AvailabilityOverride.Kind.CLOSED,
            note=note[:120],
        )
        for day in days
        if day not in closed
    )
    practitioner_calendar_touch(practitioner_id=practitioner.pk)
    return len(days) - len(closed)


# --- Weekly hours -------------------------------------------------------------------------


def _check_weekly_windows(weekday: int, windows: list[tuple[time, time]]) -> None:
    """Refuse a day whose windows end before they start or run into each other."""
    if weekday not in Weekday.values:
        raise BookingError(_("A week has seven days, Monday to Sunday."), code="weekday")
    day = Weekday(weekday).label
    ordered = sorted(windows)
    for start, end in ordered:
        if end <= start:
            raise BookingError(
                _("On %(day)s, %(start)s–%(end)s ends before it starts. Please check the times.")
                % {"day": day, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
                code="order",
            )
    for (first_start, first_end), (next_start, next_end) in pairwise(ordered):
        if next_start < first_end:
            raise BookingError(
                _(
                    "On %(day)s, %(first)s and %(next)s overlap. Please make them one window, "
                    "or let one end before the other starts."
                )
                % {
                    "day": day,
                    "first": f"{first_start:%H:%M}–{first_end:%H:%M}",
                    "next": f"{next_start:%H:%M}–{next_end:%H:%M}",
                },
                code="overlap",
            )


@transaction.atomic
def weekly_hours_replace(
    *, practitioner: Practitioner, windows: dict[int, list[tuple[time, time]]]
) -> None:
    """Make ``windows`` (weekday 0 = Monday to 6 = Sunday) her whole weekly pattern.

    All or nothing: one wrong window refuses the lot, so the slot engine never
    reads half a week. A day left out is closed. Windows may touch (12:00–14:00
    then 14:00–17:00) but not overlap. Bookings already made stay where they
    are, as with time off: she moves or cancels them herself.
    """
    for weekday, day_windows in windows.items():
        _check_weekly_windows(weekday, day_windows)
    # The calendar lock: a booking checked against the old hours cannot slip in between.
    _lock_practitioner(practitioner.pk)
    AvailabilityRule.objects.filter(practitioner=practitioner).delete()
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(practitioner=practitioner, weekday=weekday, start_time=start, end_time=end)
        for weekday, day_windows in sorted(windows.items())
        for start, end in sorted(day_windows)
    )
    practitioner_calendar_touch(practitioner_id=practitioner.pk)
