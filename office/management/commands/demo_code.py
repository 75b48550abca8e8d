"""Print the demo practitioner's current second-factor code (`make otp`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from office.demo import demo_authenticator, demo_code_now


class Command(BaseCommand):
    help = "Print the demo practitioner's current authenticator code and how long it is valid."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_code prints the demo practitioner's second factor; "
                "it only runs with DEBUG=true (never in production)."
            )
        device = demo_authenticator()
        if device is None:
            raise CommandError(
                "There is no demo practitioner yet: run `make run` (or `manage.py seed_demo`)."
            )
        code, seconds_left = demo_code_now(device)
        unit = "second" if seconds_left == 1 else "seconds"
        self.stdout.write(f"Code for '{device.user}': {code} (valid {seconds_left} more {unit})")
