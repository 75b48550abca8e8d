"""Demo questionnaires for `make run`: one couple's answers, so the report has something to show."""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from booking.models import Booking, SessionType

from . import scoring
from .models import Intake
from .services import intakes_create_for_booking

# Leanings per area, as the booker sees it (negative: toward me). The partner's
# answers mirror them with a twist, so the couple report shows agreement in some
# areas and a real perception gap in others.
BOOKER_LEAN = {"financial": 1, "emotional": 2, "social": 0, "age_health": -1, "communication": 1}
PARTNER_LEAN = {"financial": -1, "emotional": 0, "social": 0, "age_health": 1, "communication": 2}


def _answers(definition: dict, lean: dict[str, int], rng: random.Random) -> dict:
    answers: dict = {}
    for item in scoring.iter_items(definition):
        kind, area = item["kind"], item.get("area")
        if kind == "balance":
            answers[item["key"]] = max(-2, min(2, lean.get(area, 0) + rng.choice((-1, 0, 0, 1))))
        elif kind == "impact":
            answers[item["key"]] = min(4, abs(lean.get(area, 0)) * 2 + rng.choice((0, 1)))
        elif kind == "strength":
            answers[item["key"]] = rng.choice((1, 2, 3))
        elif kind == "safety":
            answers[item["key"]] = "no"
        elif kind == "single":
            answers[item["key"]] = item["choices"][0][0]
    return answers


@transaction.atomic
def demo_intakes_seed() -> int:
    """Give the first upcoming demo assessment call a couple's completed questionnaires."""
    booking = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session_type__kind=SessionType.Kind.ASSESSMENT,
            start_at__gt=timezone.now(),
        )
        .select_related("client", "practitioner__user")
        .order_by("start_at")
        .first()
    )
    if booking is None or booking.intakes.exists():
        return 0
    booking.mode = Booking.Mode.COUPLE
    booking.partner_name = "Lena Becker"
    booking.partner_email = "lena@example.com"
    booking.save(update_fields=["mode", "partner_name", "partner_email"])
    intakes = intakes_create_for_booking(booking=booking)
    rng = random.Random(7)  # the same demo every time
    now = timezone.now()
    for intake in intakes:
        lean = BOOKER_LEAN if intake.role == Intake.Role.CLIENT else PARTNER_LEAN
        intake.answers = _answers(intake.instrument.definition, lean, rng)
        intake.status = Intake.Status.COMPLETED
        intake.consent_at = intake.started_at = intake.submitted_at = now
        intake.current_section = len(intake.instrument.sections) - 1
        intake.save()
    return len(intakes)
