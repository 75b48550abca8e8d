"""Make an encrypted backup of the database, then prune old ones (run daily; docs/operations.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from office.backups import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Back up the database encrypted to BACKUP_AGE_RECIPIENTS into BACKUP_DIR, "
        "then remove backups older than BACKUP_KEEP_DAYS."
    )

    def handle(self, *args, **options):
        if not settings.BACKUP_AGE_RECIPIENTS:
            raise CommandError(
                "BACKUP_AGE_RECIPIENTS is empty: set it to the public key printed by "
                "`manage.py backup_key_new` (age1...)."
            )
        now = timezone.now()
        try:
            path = backup_create(
                recipients=settings.BACKUP_AGE_RECIPIENTS, folder=settings.BACKUP_DIR, now=now
            )
            # Only after a backup succeeded: a failing backup never eats the older ones.
            removed = backups_prune(
                folder=settings.BACKUP_DIR, keep_days=settings.BACKUP_KEEP_DAYS, now=now
            )
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes)")
        for old in removed:
            self.stdout.write(f"Removed (older than {settings.BACKUP_KEEP_DAYS} days): {old}")
