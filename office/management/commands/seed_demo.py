"""Seed a demo practice for trying Scales locally. Safe to run again."""

import os

from django.core.management.base import BaseCommand

from assessments.demo import demo_intakes_seed
from booking.demo import demo_seed


class Command(BaseCommand):
    help = "Create a demo practitioner, session types, weekly hours and some bookings (idempotent)."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "calm-scales-demo")
        result = demo_seed(password=password)
        demo_intakes_seed()
        if result.created:
            self.stdout.write(self.style.SUCCESS("Demo practice created."))
        else:
            self.stdout.write("Demo practice already there; nothing changed.")
        self.stdout.write(
            f"  Practitioner's office: http://localhost:8000/admin/  "
            f"user '{result.username}'"
            + f", password '{password}'"
            + ("" if result.created else " (unless you changed it)")
        )
        self.stdout.write("  Booking pages:         http://localhost:8000/")
