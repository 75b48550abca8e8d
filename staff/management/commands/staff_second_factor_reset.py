"""Remove a staff member's lost second factor, so they set one up at their next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from staff.services import second_factor_reset


class Command(BaseCommand):
    help = (
        "Remove the authenticator app and recovery codes of a staff account (a lost phone). "
        "The practitioner is emailed that this was done."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account with the username {username!r}.")
        event = second_factor_reset(user=user, now=timezone.now())
        self.stdout.write(
            self.style.SUCCESS(f"The second factor of {username!r} is removed.")
            + "\nAt the next sign-in they set up an authenticator app again."
            + f"\nAn alert is on its way to the practitioner (sign-in event {event.pk})."
        )
