"""Restore an encrypted backup into an empty database (docs/operations.md, "Backups")."""

from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from office.backups import BackupError, backup_restore, identity_read


class Command(BaseCommand):
    help = (
        "Decrypt a backup with its secret key and restore it into an empty database: "
        "DATABASE_URL, or the one given with --database-url."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup, scales-....age")
        parser.add_argument(
            "--identity-file",
            type=Path,
            required=True,
            help="The secret key file from `manage.py backup_key_new` (or age-keygen).",
        )
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of DATABASE_URL, e.g. postgres://.../scales_restored",
        )

    def handle(self, *args, **options):
        if options["database_url"]:
            database = environ.Env.db_url_config(options["database_url"])
        else:
            database = settings.DATABASES["default"]
        try:
            backup_restore(
                path=options["file"],
                identity=identity_read(Path(options["identity_file"])),
                database=database,
            )
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Restored {options['file'].name} into {database['NAME']}.")
