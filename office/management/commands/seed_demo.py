"""Seed a demo practice for trying Scales locally. Safe to run again."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessments.demo import demo_intakes_seed
from booking.demo import demo_seed
from office.demo import DEMO_RECOVERY_CODES, demo_second_factor_seed
from office.services import practitioner_access_grant


class Command(BaseCommand):
    help = "Create a demo practitioner, session types, weekly hours and some bookings (idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo makes a practitioner with a known password; "
                "it only runs with DEBUG=true (never in production)."
            )
        password = os.environ.get("DEMO_PASSWORD", "calm-scales-demo")
        result = demo_seed(password=password)
        demo_intakes_seed()
        user = get_user_model().objects.get(username=result.username)
        practitioner_access_grant(user=user)
        second_factor_created = demo_second_factor_seed(user=user)
        if result.created or second_factor_created:
            self.stdout.write(self.style.SUCCESS("Demo practice created."))
        else:
            self.stdout.write("Demo practice already there; nothing changed.")
        self.stdout.write(
            f"  Practitioner's office: http://localhost:8000/admin/  "
            f"user '{result.username}'"
            + f", password '{password}'"
            + ("" if result.created else " (unless you changed it)")
        )
        self.stdout.write(
            "  Second factor:         run `make otp` in another terminal for the current code"
        )
        self.stdout.write(
            f"                         or a recovery code, {DEMO_RECOVERY_CODES[0]} to "
            f"{DEMO_RECOVERY_CODES[-1]} (each works once)"
        )
        self.stdout.write("  Booking pages:         http://localhost:8000/")
