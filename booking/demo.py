"""Demo practice for `make run`: the practitioner, her two offers, her hours and a day off.

The people and their bookings are the office's part (``office.demo``), because
their story runs through booking, the questionnaire and the outbox. Everything
here goes through booking's services where one exists, so the demo is a state
the app itself could reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .demo_profile import DEMO_PROFILE
from .models import Practitioner, SessionType
from .services import time_off_add, weekly_hours_replace

DEMO_USERNAME = "practitioner"

# Weekday (0 = Monday) -> windows: mornings and afternoons, one evening for the Americas.
WEEKLY_HOURS: dict[int, list[tuple[time, time]]] = {
    **{day: [(time(9, 0), time(12, 0)), (time(14, 0), time(17, 30))] for day in (0, 2, 3)},
    1: [(time(9, 0), time(12, 0)), (time(14, 0), time(17, 30)), (time(19, 0), time(21, 0))],
    4: [(time(9, 0), time(13, 0))],
}
TRAINING_DAY_AHEAD = timedelta(days=21)


@dataclass
class DemoResult:
    username: str
    password: str | None
    created: bool


@transaction.atomic
def demo_seed(*, password: str) -> DemoResult:
    """Create the demo practitioner, offers and hours once; running it again changes nothing."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_USERNAME,
        # Staff, not superuser: the office grants her the practice's pages (office.services).
        defaults={"is_staff": True, "is_superuser": False, "email": "maya@example.com"},
    )
    if created:
        user.set_password(password)
        user.save()
    practitioner, practitioner_created = Practitioner.objects.get_or_create(
        user=user,
        defaults={
            "display_name": "Maya Lind",
            "time_zone": "Europe/Amsterdam",
            "meeting_url": "https://meet.example.com/maya-lind",
            "contact_email": "maya@example.com",
        },
    )
    if practitioner_created:  # her own edits survive a re-run
        for field, value in DEMO_PROFILE.items():
            if hasattr(practitioner, field):
                setattr(practitioner, field, value)
        practitioner.save()
    _offers_seed(practitioner)
    if not practitioner.availability_rules.exists():
        weekly_hours_replace(practitioner=practitioner, windows=WEEKLY_HOURS)
    if not practitioner.availability_overrides.exists():
        training_day = timezone.now().astimezone(practitioner.zone).date() + TRAINING_DAY_AHEAD
        time_off_add(
            practitioner=practitioner,
            first_day=training_day,
            last_day=training_day,
            note="Training day",
        )
    return DemoResult(
        username=DEMO_USERNAME, password=password if created else None, created=created
    )


def _offers_seed(practitioner: Practitioner) -> None:
    SessionType.objects.get_or_create(
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
    SessionType.objects.get_or_create(
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
