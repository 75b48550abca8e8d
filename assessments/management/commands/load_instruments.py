"""Load the questionnaire files into the database. Safe to run again.

``migrate`` does this too, after every run; this command is for loading a new
version without migrating, and for seeing what would change.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.services import INSTRUMENTS_DIR, InstrumentInUse, instruments_sync


class Command(BaseCommand):
    help = "Load assessments/instruments/*.json as questionnaire versions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, default=INSTRUMENTS_DIR, help="Where the files are."
        )

    def handle(self, *args, directory: Path, **options):
        try:
            lines = instruments_sync(directory=directory)
        except (InstrumentInUse, ValueError) as error:
            raise CommandError(str(error)) from error
        for line in lines:
            self.stdout.write(line)
