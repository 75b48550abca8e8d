"""Reads for booking: free slots, the calendar, returning clients. Nothing here writes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, Case, Q, QuerySet, When
from django.utils import timezone

from clients.models import Client
from clients.selectors import clients_by_email

from . import slots
from .db import EpochSeconds
from .models import (
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    Practitioner,
    SessionType,
    Weekday,
)


def practice_name() -> str:
    """Return the practitioner's display name, which names the practice to its visitors."""
    names = Practitioner.objects.order_by("pk").values_list("display_name", flat=True)
    return names.first() or ""


def session_types_active() -> QuerySet[SessionType]:
    return SessionType.objects.filter(active=True).select_related("practitioner")


def session_type_get(slug: str) -> SessionType:
    """Return an active session type with its practitioner (one query), or raise DoesNotExist."""
    return session_types_active().get(slug=slug)


@dataclass(frozen=True)
class SlotPageStamp:
    session_type_id: int
    calendar_version: int
    practitioner_time_zone: str
    bookings_paused: bool


def slot_page_stamp(slug: str) -> SlotPageStamp | None:
    """Return an offer's calendar version and settings in one cheap query; None if no such offer.

    With a cache each process keeps for itself, this runs on every view of the
    busiest page (``slot_page_cache``), so it is one plain SQL statement: building
    the same query through the ORM costs more than running it.
    """
    session_table = SessionType._meta.db_table
    practitioner_table = Practitioner._meta.db_table
    sql = (
        f"SELECT s.id, p.calendar_version, p.time_zone, p.bookings_paused "  # noqa: S608
        f"FROM {session_table} s "
        f"JOIN {practitioner_table} p ON p.id = s.practitioner_id "
        "WHERE s.slug = %s AND s.active"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    session_type_id, calendar_version, time_zone, paused = row
    # SQLite answers 0 or 1 for a boolean column read through plain SQL.
    return SlotPageStamp(session_type_id, calendar_version, time_zone, bool(paused))


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
    # The start time only matters for this session type's daily limit. Times are
    # read as epoch seconds: converting ~2,000 datetimes through Django's field
    # converters was most of this function's time on a busy calendar.
    counted_start = Case(
        When(session_type=session_type.pk, then=EpochSeconds("start_at")),
        output_field=BigIntegerField(),
    )
    live = Booking.objects.filter(live_bookings_q(now), practitioner=practitioner)
    if exclude_booking_id is not None:
        live = live.exclude(pk=exclude_booking_id)
    rows = (
        # Bounded on both sides so the (practitioner, blocked_start) index scan stops
        # at the range; a booking blocks less than a day (see MAX_DURATION).
        live.filter(
            blocked_start__gte=range_start - timedelta(days=1),
            blocked_start__lt=range_end,
            blocked_end__gt=range_start,
        )
        .order_by()  # the engine sorts; the model's ordering would only make the database sort
        .values_list(EpochSeconds("blocked_start"), EpochSeconds("blocked_end"), counted_start)
    )
    from_epoch = datetime.fromtimestamp
    busy = []
    per_day: Counter[date] = Counter()
    for blocked_start, blocked_end, start_at in rows:
        busy.append(slots.Busy(from_epoch(blocked_start, UTC), from_epoch(blocked_end, UTC)))
        if start_at is not None:
            per_day[from_epoch(start_at, zone).date()] += 1
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
        clients_by_email(email)
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


def session_type_for_returning_clients(practitioner_id: int) -> SessionType | None:
    """Return the offer a client books after an assessment call (the first active session).

    Follow-up emails link to it by its slug, whatever the practitioner named it.
    """
    return (
        SessionType.objects.filter(
            practitioner_id=practitioner_id, kind=SessionType.Kind.SESSION, active=True
        )
        .order_by("position", "name")
        .first()
    )


def session_type_for_new_clients(practitioner_id: int) -> SessionType | None:
    """Return the offer a new person books first (the first active assessment call)."""
    return (
        SessionType.objects.filter(
            practitioner_id=practitioner_id, kind=SessionType.Kind.ASSESSMENT, active=True
        )
        .order_by("position", "name")
        .first()
    )


def booking_manage_link_expires(booking: Booking) -> datetime:
    """Return when a booking's manage link stops working."""
    return booking.end_at + timedelta(days=settings.BOOKING_MANAGE_LINK_DAYS)


def booking_change_cutoff(booking: Booking) -> datetime:
    """Return the last moment a client may move or cancel this booking online."""
    return booking.start_at - timedelta(hours=booking.session_type.change_cutoff_hours)


def booking_can_change(booking: Booking, now: datetime) -> bool:
    """Return whether a client may still move or cancel this booking online."""
    return booking.status == Booking.Status.CONFIRMED and now <= booking_change_cutoff(booking)


# Her calendar feed reaches this far back, and holds at most this many bookings.
CALENDAR_FEED_PAST = timedelta(days=30)
CALENDAR_FEED_LIMIT = 2000
# How far ahead the feed reaches when she has no offers to take a horizon from.
# Booked, and past ones however they went; never held or cancelled times.
CALENDAR_FEED_STATUSES = (
    Booking.Status.CONFIRMED,
    Booking.Status.COMPLETED,
    Booking.Status.NO_SHOW,
    Booking.Status.NOT_A_FIT,
)


def practitioner_by_calendar_feed_token(token: str) -> Practitioner | None:
    """Return the practitioner whose calendar feed has this address, or None (never for "").

    The token is found by equality in the database, which leaks nothing about
    near misses; it is a random 43 characters, so nobody guesses one.
    """
    if not token:
        return None
    return (
        Practitioner.objects.exclude(calendar_feed_token="")
        .filter(calendar_feed_token=token)
        .first()
    )


def bookings_for_calendar_feed(*, practitioner: Practitioner, now: datetime) -> QuerySet[Booking]:
    """Return her booked and past bookings for the feed, oldest first, in one query.

    From CALENDAR_FEED_PAST ago onwards, however far ahead: a booking she made
    herself beyond the public horizon belongs in her diary too. CALENDAR_FEED_LIMIT
    keeps the file a calendar app can read. Held and cancelled times are not in it.
    """
    return (
        Booking.objects.filter(
            practitioner=practitioner,
            status__in=CALENDAR_FEED_STATUSES,
            start_at__gte=now - CALENDAR_FEED_PAST,
        )
        .select_related("client", "session_type")
        .order_by("start_at", "pk")[:CALENDAR_FEED_LIMIT]
    )


@dataclass(frozen=True)
class DayHours:
    """One weekday of her weekly pattern: its windows, earliest first; none when closed."""

    weekday: int  # 0 = Monday, as Python and the slot engine count
    name: str
    windows: tuple[tuple[time, time], ...]

    @property
    def short_name(self) -> str:
        return self.name[:3]

    @property
    def hours_text(self) -> str:
        """Return the day's hours as people write them ("09:00–12:00, 14:00–17:00"), or "Closed"."""
        if not self.windows:
            return "Closed"
        return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in self.windows)


def weekly_hours(practitioner: Practitioner) -> list[DayHours]:
    """Return her seven days, Monday to Sunday, with their weekly windows (one query).

    Every day is there, closed ones with no windows, so a page can show a whole week.
    """
    found: dict[int, list[tuple[time, time]]] = {weekday: [] for weekday in Weekday.values}
    rows = AvailabilityRule.objects.filter(practitioner=practitioner).values_list(
        "weekday", "start_time", "end_time"
    )
    for weekday, start, end in rows:
        found[weekday].append((start, end))
    return [
        DayHours(weekday=weekday, name=str(Weekday(weekday).label), windows=tuple(sorted(windows)))
        for weekday, windows in found.items()
    ]
