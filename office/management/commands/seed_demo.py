"""Seed a demo practice for trying Scales locally. Safe to run again.

The sign-in details are printed by `demo_banner` (the password is
``office.demo.demo_password``), so this says only what it did.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from booking.demo import demo_seed
from office.demo import demo_password, demo_practice_seed, demo_second_factor_seed
from office.services import practitioner_access_grant


class Command(BaseCommand):
    help = "Create a demo practitioner, her offers and hours, clients and bookings (idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo makes a practitioner with a known password; "
                "it only runs with DEBUG=true (never in production)."
            )
        # The services log every step at INFO; the demo's fifty would bury its one line.
        logging.disable(logging.INFO)
        try:
            result = demo_seed(password=demo_password())
            user = get_user_model().objects.get(username=result.username)
            practitioner_access_grant(user=user)
            second_factor_created = demo_second_factor_seed(user=user)
            practice = demo_practice_seed(user=user)
        finally:
            logging.disable(logging.NOTSET)
        counts = f"{practice.clients} clients, {practice.bookings} bookings"
        if result.created or second_factor_created or practice.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data ready: {counts}."))
        else:
            self.stdout.write(f"Demo data already there ({counts}); nothing changed.")
