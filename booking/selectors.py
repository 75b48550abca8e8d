"""Reads for booking: free slots, the calendar, returning clients. Nothing here writes."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import Case, DateTimeField, Q, QuerySet, When
from django.utils import timezone

from clients.models import Client

from . import slots
from .models import AvailabilityOverride, AvailabilityRule, Booking, Practitioner, SessionType


def session_types_active() -> QuerySet[SessionType]:
    return SessionType.objects.filter(active=True).select_related("practitioner")


def session_type_get(slug: str) -> SessionType:
    """Return an active session type with its practitioner (one query), or raise DoesNotExist."""
    return session_types_active().get(slug=slug)


def slot_policy(session_type: SessionType) -> slots.SlotPolicy:
    return slots.SlotPolicy(
        duration=timedelta(minutes=session_type.duration_minutes),
        step=timedelta(minutes=session_type.slot_step_minutes),
        buffer_before=timedelta(minutes=session_type.buffer_before_minutes),
        buffer_after=timedelta(minutes=session_type.buffer_after_minutes),
        min_notice=timedelta(minutes=session_type.min_notice_minutes),
        horizon=timedelta(days=session_type.horizon_days),
        max_per_day=session_type.max_per_day,
    )


def live_bookings_q(now: datetime) -> Q:
    """Bookings that occupy the calendar: confirmed ones and holds not yet expired."""
    return Q(status=Booking.Status.CONFIRMED) | Q(status=Booking.Status.HELD, held_until__gt=now)


def slot_engine_inputs(
    *,
    session_type: SessionType,
    now: datetime,
    first_day: date | None = None,
    last_day: date | None = None,
    exclude_booking_id: int | None = None,
) -> dict:
    """Load everything the slot engine needs in three queries, whatever the calendar's size.

    Only bookings that can touch the searched range are read: the range is
    widened by a day on each side for buffers and zone differences.
    """
    practitioner: Practitioner = session_type.practitioner
    zone = practitioner.zone
    first_day = first_day or (now + session_type_min_notice(session_type)).astimezone(zone).date()
    last_day = last_day or (now + timedelta(days=session_type.horizon_days)).astimezone(zone).date()
    range_start = datetime.combine(first_day - timedelta(days=1), datetime.min.time(), tzinfo=zone)
    range_end = datetime.combine(last_day + timedelta(days=2), datetime.min.time(), tzinfo=zone)

    weekly = [
        slots.WeeklyWindow(weekday=weekday, start=start, end=end)
        for weekday, start, end in AvailabilityRule.objects.filter(
            practitioner=practitioner
        ).values_list("weekday", "start_time", "end_time")
    ]
    overrides = [
        slots.DateOverride(day=day, closed=kind == AvailabilityOverride.Kind.CLOSED, start=s, end=e)
        for day, kind, s, e in AvailabilityOverride.objects.filter(
            practitioner=practitioner, date__range=(first_day, last_day)
        ).values_list("date", "kind", "start_time", "end_time")
    ]
    # The start time only matters for this session type's daily limit. Reading it
    # for those rows alone spares a datetime conversion per other booking, which
    # is most of this function's time on a busy calendar.
    counted_start = Case(
        When(session_type=session_type.pk, then="start_at"), output_field=DateTimeField()
    )
    rows = (
        Booking.objects.filter(live_bookings_q(now), practitioner=practitioner)
        .filter(blocked_start__lt=range_end, blocked_end__gt=range_start)
        .exclude(pk=exclude_booking_id)
        .order_by()  # the engine sorts; the model's ordering would only make the database sort
        .values_list("blocked_start", "blocked_end", counted_start)
    )
    busy = []
    per_day: Counter[date] = Counter()
    for blocked_start, blocked_end, start_at in rows:
        busy.append(slots.Busy(blocked_start, blocked_end))
        if start_at is not None:
            per_day[start_at.astimezone(zone).date()] += 1
    return {
        "zone": zone,
        "weekly": weekly,
        "overrides": overrides,
        "busy": busy,
        "policy": slot_policy(session_type),
        "now": now,
        "bookings_per_day": per_day,
        "first_day": first_day,
        "last_day": last_day,
    }


def session_type_min_notice(session_type: SessionType) -> timedelta:
    return timedelta(minutes=session_type.min_notice_minutes)


def slots_for(
    *,
    session_type: SessionType,
    now: datetime | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    exclude_booking_id: int | None = None,
) -> list[datetime]:
    """Return the free start instants (UTC) of a session type, within its notice and horizon."""
    inputs = slot_engine_inputs(
        session_type=session_type,
        now=now or timezone.now(),
        first_day=first_day,
        last_day=last_day,
        exclude_booking_id=exclude_booking_id,
    )
    return slots.free_slots(**inputs)


def client_is_returning(email: str, now: datetime | None = None) -> bool:
    """Return whether this email belongs to someone who has had an assessment call.

    The practitioner can also mark a person as a client in admin, which counts too.
    """
    now = now or timezone.now()
    had_call = Q(status=Booking.Status.COMPLETED) | Q(
        status=Booking.Status.CONFIRMED, start_at__lte=now
    )
    return (
        Client.objects.filter(email__iexact=email.strip())
        .filter(
            Q(status__in=[Client.Status.CLIENT, Client.Status.FORMER])
            | Q(bookings__in=Booking.objects.filter(had_call, session_type__kind="assessment"))
        )
        .exists()
    )


def booking_by_public_id(public_id: UUID) -> Booking:
    """Return a booking with what its pages show (one query), or raise DoesNotExist."""
    return Booking.objects.select_related("session_type", "practitioner", "client").get(
        public_id=public_id
    )


def nearest_slots(found: list[datetime], target: datetime, count: int = 3) -> list[datetime]:
    """Return up to ``count`` free times closest to ``target``, for "this time was just taken"."""
    return slots.nearest(found, target, count)
