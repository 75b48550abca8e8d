"""Make the age key pair that backups are encrypted to (docs/operations.md, "Backups")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from office.backups import BackupError, backup_key_new


class Command(BaseCommand):
    help = "Write a new age secret key to a file (mode 0600) and print its public key."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="Where to write the secret key; never overwritten."
        )

    def handle(self, *args, **options):
        try:
            public_key = backup_key_new(path=options["path"], now=timezone.now())
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Public key: {public_key}")
        self.stdout.write(
            f"Set BACKUP_AGE_RECIPIENTS={public_key} on the server. Keep {options['path']} "
            "off the server (a password manager, an offline drive): whoever holds it can "
            "open every backup, and without it no backup can be restored."
        )
