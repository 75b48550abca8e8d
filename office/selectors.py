"""What the office's Today and Calendar pages show, in a fixed number of queries at any size.

Urgent things first (safety answers not yet read, emails that failed, a stalled
email sweep, missing support resources), then the sessions of today and the next
seven days, the questionnaires waiting to be read, and the last 90 days' funnel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from assessments.models import Intake
from assessments.selectors import (
    bookings_with_intake_summary,
    intake_summary,
    intakes_awaiting_review,
    intakes_urgent_unreviewed,
)
from booking.models import (
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    Practitioner,
    SessionType,
)
from clients.models import Client
from notifications.health import SWEEP_STALE_AFTER
from notifications.models import OutboundEmail
from notifications.selectors import outbox_last_sweep

from .calendar import CalendarDay, Change, week_days

# How many rows each list shows; the page says how many more there are.
LIST_LIMIT = 20
UPCOMING_DAYS = 7
# Sessions listed for the coming days: more than a week of a full practice. Beyond
# it the page points to the calendar, so a crowded calendar never slows her first page.
UPCOMING_LIMIT = 50
FUNNEL_DAYS = 90
LIVE = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW,
        Booking.Status.NOT_A_FIT)  # fmt: skip


@dataclass(frozen=True)
class SessionRow:
    booking: Booking
    questionnaire: str  # intake_summary: none, not_started, in_progress, completed, urgent


@dataclass(frozen=True)
class Day:
    day: date
    sessions: list[SessionRow]


@dataclass(frozen=True)
class Funnel:
    calls_booked: int
    calls_attended: int
    not_a_fit: int
    no_show: int
    sessions_after: int

    @property
    def steps(self) -> list[tuple[str, int]]:
        return [
            ("Free calls booked", self.calls_booked),
            ("Attended", self.calls_attended),
            ("Not a fit", self.not_a_fit),
            ("No-show", self.no_show),
            ("Booked a session afterwards", self.sessions_after),
        ]


@dataclass(frozen=True)
class Today:
    now: datetime
    urgent: list[Intake]
    failed_emails: int
    emails_stalled_since: datetime | None
    emails_never_sent: bool
    support_resources_missing: bool
    days: list[Day]
    # The first day not listed because of UPCOMING_LIMIT (its sessions are on the calendar).
    days_continue_on: date | None
    reports_waiting: list[Intake]
    reports_waiting_total: int
    funnel: Funnel

    @property
    def nothing_urgent(self) -> bool:
        return not (
            self.urgent
            or self.failed_emails
            or self.emails_stalled_since
            or self.emails_never_sent
            or self.support_resources_missing
        )


def today_for(practitioner: Practitioner | None, *, now: datetime) -> Today:
    """Return everything the Today page shows, in the practitioner's own days."""
    zone = ZoneInfo(practitioner.time_zone if practitioner else "UTC")
    last_sweep = outbox_last_sweep()
    stalled = last_sweep is not None and now - last_sweep > SWEEP_STALE_AFTER
    waiting = intakes_awaiting_review()
    return Today(
        now=now,
        urgent=list(intakes_urgent_unreviewed()[:LIST_LIMIT]),
        failed_emails=OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count(),
        emails_stalled_since=last_sweep if stalled else None,
        emails_never_sent=last_sweep is None and _emails_due(now),
        support_resources_missing=practitioner is not None
        and not practitioner.support_resources.strip(),
        **_upcoming_days(now, zone),
        reports_waiting=list(waiting[:LIST_LIMIT]),
        reports_waiting_total=waiting.count(),
        funnel=_funnel(now),
    )


def _emails_due(now: datetime) -> bool:
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SCHEDULED, due_at__lte=now
    ).exists()


def _upcoming_days(now: datetime, zone: ZoneInfo) -> dict:
    """Today and the next UPCOMING_DAYS days in the practitioner's zone, one query.

    At most UPCOMING_LIMIT sessions, whole days only: when there are more, the days
    from the first one cut short are left to the calendar (``days_continue_on``).
    """
    first = now.astimezone(zone).date()
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(first + timedelta(days=UPCOMING_DAYS + 1), datetime.min.time(), zone)
    bookings = list(
        bookings_with_intake_summary(
            Booking.objects.filter(start_at__gte=start, start_at__lt=end, status__in=LIVE)
            .select_related("client", "session_type")
            .order_by("start_at")
        )[: UPCOMING_LIMIT + 1]
    )
    days: dict[date, list[SessionRow]] = {
        first + timedelta(days=n): [] for n in range(UPCOMING_DAYS + 1)
    }
    for booking in bookings:
        days[booking.start_at.astimezone(zone).date()].append(
            SessionRow(booking=booking, questionnaire=intake_summary(booking))
        )
    continue_on = None
    if len(bookings) > UPCOMING_LIMIT:
        continue_on = bookings[-1].start_at.astimezone(zone).date()
        days = {day: rows for day, rows in days.items() if day < continue_on}
    return {
        "days": [Day(day=day, sessions=rows) for day, rows in days.items()],
        "days_continue_on": continue_on,
    }


def _funnel(now: datetime) -> Funnel:
    """Free calls of the last FUNNEL_DAYS days, what became of them, and who booked on."""
    since = now - timedelta(days=FUNNEL_DAYS)
    later_session = Booking.objects.filter(
        client=OuterRef("client"),
        session_type__kind=SessionType.Kind.SESSION,
        start_at__gt=OuterRef("start_at"),
        status__in=LIVE,
    )
    calls = Booking.objects.filter(
        session_type__kind=SessionType.Kind.ASSESSMENT,
        start_at__gte=since,
        start_at__lt=now,
        status__in=LIVE,
    )
    counts = calls.aggregate(
        booked=Count("pk"),
        attended=Count(
            "pk", filter=Q(status__in=(Booking.Status.COMPLETED, Booking.Status.NOT_A_FIT))
        ),
        not_a_fit=Count("pk", filter=Q(status=Booking.Status.NOT_A_FIT)),
        no_show=Count("pk", filter=Q(status=Booking.Status.NO_SHOW)),
        booked_on=Count("pk", filter=Exists(later_session)),
    )
    return Funnel(
        calls_booked=counts["booked"],
        calls_attended=counts["attended"],
        not_a_fit=counts["not_a_fit"],
        no_show=counts["no_show"],
        sessions_after=counts["booked_on"],
    )


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[CalendarDay]

    @property
    def earlier(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def later(self) -> date:
        return self.monday + timedelta(days=7)


def calendar_week(practitioner: Practitioner, *, monday: date) -> Week:
    """Return one week of her calendar, in her zone, in three queries."""
    zone = ZoneInfo(practitioner.time_zone)
    sunday = monday + timedelta(days=6)
    weekly = AvailabilityRule.objects.filter(practitioner=practitioner).values_list(
        "weekday", "start_time", "end_time"
    )
    changes = [
        Change(day=day, closed=kind == AvailabilityOverride.Kind.CLOSED, start=s, end=e, note=note)
        for day, kind, s, e, note in AvailabilityOverride.objects.filter(
            practitioner=practitioner, date__range=(monday, sunday)
        ).values_list("date", "kind", "start_time", "end_time", "note")
    ]
    start = datetime.combine(monday, datetime.min.time(), zone)
    end = datetime.combine(sunday + timedelta(days=1), datetime.min.time(), zone)
    bookings = bookings_with_intake_summary(
        Booking.objects.filter(
            practitioner=practitioner, start_at__gte=start, start_at__lt=end, status__in=LIVE
        )
        .select_related("client", "session_type")
        .order_by("start_at")
    )
    rows = [
        (booking.start_at.astimezone(zone).date(), SessionRow(booking, intake_summary(booking)))
        for booking in bookings
    ]
    return Week(monday=monday, days=week_days(monday, weekly, changes, rows))


# --- A client's timeline ----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One thing on a client's timeline, newest first on the page."""

    at: datetime
    kind: str  # "booking", "questionnaire", "email", "note"
    title: str
    detail: str = ""
    url: str = ""
    link_label: str = ""


# The newest entries a client's page shows; older ones are in the lists it links to.
TIMELINE_LIMIT = 50


@dataclass(frozen=True)
class Timeline:
    entries: list[Entry]
    partners: list[Client]  # people this client came as a couple with
    more: bool = False  # older entries exist beyond TIMELINE_LIMIT


def client_timeline(client: Client, *, limit: int = TIMELINE_LIMIT) -> Timeline:
    """The newest ``limit`` things about one client, in five queries whatever their history.

    Their bookings (and those they came to as a partner), their own questionnaires
    with a link to the report, every email to them with a link to it as sent, and
    the practitioner's notes. A partner's answers stay on the partner's record.
    Each kind is read newest first and at most ``limit + 1`` rows, so a long
    history costs no more to show than a short one.
    """
    # A list, not a subquery: "client = x OR id IN (subquery)" makes PostgreSQL read
    # every booking, while "client = x OR id IN (1, 2)" uses both indexes.
    as_partner = list(
        Intake.objects.filter(client=client, role=Intake.Role.PARTNER)
        .order_by()
        .values_list("booking_id", flat=True)
    )
    bookings = list(
        Booking.objects.filter(Q(client=client) | Q(pk__in=as_partner))
        .exclude(status=Booking.Status.HELD)
        .select_related("client", "session_type")
        .order_by("-start_at")[: limit + 1]
    )
    intakes = list(
        Intake.objects.filter(Q(client=client) | Q(booking__in=[b.pk for b in bookings]))
        .select_related("client")
        .defer("answers")  # the timeline needs no answers; they are the bulk of a row
        .order_by("-created_at")[: 2 * (limit + 1)]
    )
    emails = list(
        OutboundEmail.objects.filter(recipient_client_id=client.pk)
        .only("kind", "due_at", "sent_at", "status", "sent_subject")
        .order_by("-due_at")[: limit + 1]
    )
    notes = list(client.notes.select_related("booking").order_by("-created_at")[: limit + 1])
    # Each label translated once: get_FOO_display() translates every choice on every call.
    booking_status = _labels(Booking.Status.choices)
    intake_status = _labels(Intake.Status.choices)
    email_status = _labels(OutboundEmail.Status.choices)
    booking_url = _url_for("admin:booking_booking_change")
    report_url = _url_for("admin:assessments_intake_report")
    email_url = _url_for("admin:notifications_outboundemail_change")
    entries: list[Entry] = []
    partners: dict[int, Client] = {}
    for booking in bookings:
        came_as_partner = booking.client_id != client.pk
        with_whom = ""
        if came_as_partner and booking.client:
            partners[booking.client.pk] = booking.client
            with_whom = f" (as {booking.client.name}'s partner)"
        entries.append(
            Entry(
                at=booking.start_at,
                kind="booking",
                title=f"{booking.session_type.name}{with_whom}",
                detail=booking_status.get(booking.status, booking.status),
                url=booking_url(booking.pk),
                link_label="Open the booking",
            )
        )
    for intake in intakes:
        if intake.client_id != client.pk:
            if intake.role == Intake.Role.PARTNER:
                partners[intake.client.pk] = intake.client
            continue  # the partner's questionnaire belongs on the partner's record
        entries.append(
            Entry(
                at=intake.submitted_at or intake.created_at,
                kind="questionnaire",
                title="Questionnaire " + intake_status.get(intake.status, intake.status).lower(),
                detail="Safety answer" if intake.urgent else "",
                url=report_url(intake.booking_id),
                link_label="Read the report",
            )
        )
    for email in emails:
        entries.append(
            Entry(
                at=email.sent_at or email.due_at,
                kind="email",
                title=f"Email: {email.kind_label}",
                detail=email_status.get(email.status, email.status),
                url=email_url(email.pk),
                link_label="See it as sent" if email.sent_at else "Open",
            )
        )
    for note in notes:
        session = (
            f" about {timezone.localtime(note.booking.start_at):%-d %b %Y}"
            if note.booking_id and note.booking
            else ""
        )
        entries.append(
            Entry(at=note.created_at, kind="note", title=f"Your note{session}", detail=note.text)
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    partners.pop(client.pk, None)
    return Timeline(
        entries=entries[:limit], partners=list(partners.values()), more=len(entries) > limit
    )


def _labels(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _url_for(name: str) -> Callable[[int], str]:
    """One reverse() per kind of link: a timeline has a hundred links of three kinds."""
    marker = 987654321987  # no real id is this large
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"
