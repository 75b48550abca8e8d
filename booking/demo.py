"""Demo data for `make run`: a practitioner, two offers, a week of hours, some bookings."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clients.models import Client

from .emails import booking_emails_confirmed
from .models import AvailabilityOverride, AvailabilityRule, Booking, Practitioner, SessionType

DEMO_USERNAME = "practitioner"

WEEKLY_HOURS = [
    # (weekday, start, end): mornings and afternoons, one evening for the Americas.
    *[(day, time(9, 0), time(12, 0)) for day in range(4)],
    *[(day, time(14, 0), time(17, 30)) for day in range(4)],
    (1, time(19, 0), time(21, 0)),
    (4, time(9, 0), time(13, 0)),
]

DEMO_CLIENTS = [
    ("Ana Souza", "ana@example.com", "America/Sao_Paulo"),
    ("Priya Raman", "priya@example.com", "Asia/Kolkata"),
    ("Tom Becker", "tom@example.com", "Europe/Berlin"),
    ("Grace Liu", "grace@example.com", "Australia/Sydney"),
]


@dataclass
class DemoResult:
    username: str
    password: str | None
    created: bool


@transaction.atomic
def demo_seed(*, password: str) -> DemoResult:
    """Create the demo practice once; running it again changes nothing."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_USERNAME,
        # Staff, not superuser: the office grants her the practice's pages (office.services).
        defaults={"is_staff": True, "is_superuser": False, "email": "maya@example.com"},
    )
    if created:
        user.set_password(password)
        user.save()
    practitioner, _ = Practitioner.objects.get_or_create(
        user=user,
        defaults={
            "display_name": "Maya Lind",
            "time_zone": "Europe/Amsterdam",
            "meeting_url": "https://meet.example.com/maya-lind",
            "contact_email": "maya@example.com",
            "bio": "I work with individuals and couples on the balance of power in relationships.",
        },
    )
    assessment, _ = SessionType.objects.get_or_create(
        slug="assessment-call",
        defaults={
            "practitioner": practitioner,
            "name": "Free assessment call",
            "kind": SessionType.Kind.ASSESSMENT,
            "description": "A free 20-minute call to get to know each other and see whether "
            "working together feels right.",
            "price_label": "Free",
            "duration_minutes": 20,
            "buffer_after_minutes": 10,
            "min_notice_minutes": 12 * 60,
            "max_per_day": 4,
            "slot_step_minutes": 30,
            "change_cutoff_hours": 12,
            "position": 1,
        },
    )
    session, _ = SessionType.objects.get_or_create(
        slug="single-session",
        defaults={
            "practitioner": practitioner,
            "name": "Single session",
            "kind": SessionType.Kind.SESSION,
            "description": "A 50-minute session, for people who have already had an "
            "assessment call.",
            "price_label": "€110",
            "duration_minutes": 50,
            "buffer_after_minutes": 10,
            "min_notice_minutes": 24 * 60,
            "slot_step_minutes": 60,
            "change_cutoff_hours": 24,
            "position": 2,
        },
    )
    if not practitioner.availability_rules.exists():
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(practitioner=practitioner, weekday=d, start_time=s, end_time=e)
            for d, s, e in WEEKLY_HOURS
        )
    zone = zoneinfo.ZoneInfo(practitioner.time_zone)
    today = timezone.now().astimezone(zone).date()
    if not practitioner.availability_overrides.exists():
        AvailabilityOverride.objects.create(
            practitioner=practitioner,
            date=today + timedelta(days=21),
            kind=AvailabilityOverride.Kind.CLOSED,
            note="Training day",
        )
    if not Booking.objects.filter(practitioner=practitioner).exists():
        _demo_bookings(practitioner, assessment, session, zone, today)
    return DemoResult(
        username=DEMO_USERNAME, password=password if created else None, created=created
    )


def _demo_bookings(practitioner, assessment, session, zone, today) -> None:
    now = timezone.now()
    plan = [
        # (client index, session type, days from today, local hour, status)
        (0, assessment, -9, 10, Booking.Status.COMPLETED),
        (0, session, -2, 15, Booking.Status.COMPLETED),
        (1, assessment, -5, 9, Booking.Status.NO_SHOW),
        (2, assessment, 2, 10, Booking.Status.CONFIRMED),
        (3, assessment, 3, 9, Booking.Status.CONFIRMED),
        (0, session, 6, 14, Booking.Status.CONFIRMED),
    ]
    clients = []
    for name, email, zone_name in DEMO_CLIENTS:
        client, _ = Client.objects.get_or_create(
            email=email,
            defaults={"name": name, "time_zone": zone_name, "privacy_consent_at": now},
        )
        clients.append(client)
    for client_index, session_type, days, hour, status in plan:
        day = today + timedelta(days=days)
        while day.weekday() > 3:  # keep demo bookings inside the weekly hours
            day += timedelta(days=1)
        start = datetime.combine(day, time(hour, 0), tzinfo=zone).astimezone(UTC)
        end = start + timedelta(minutes=session_type.duration_minutes)
        client = clients[client_index]
        booking = Booking.objects.create(
            practitioner=practitioner,
            session_type=session_type,
            client=client,
            start_at=start,
            end_at=end,
            blocked_start=start - timedelta(minutes=session_type.buffer_before_minutes),
            blocked_end=end + timedelta(minutes=session_type.buffer_after_minutes),
            client_time_zone=client.time_zone,
            status=status,
            confirmed_at=now,
        )
        if status == Booking.Status.CONFIRMED:
            booking_emails_confirmed(booking, now=now)
