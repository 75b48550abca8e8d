from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from .emails import assessment_emails_register
        from .receivers import receivers_connect

        assessment_emails_register()
        receivers_connect()
        # Load the questionnaire files after every migrate (and after the test
        # runner's flushes), so every database has them without a manual step.
        post_migrate.connect(instruments_sync_after_migrate, sender=self)


def instruments_sync_after_migrate(sender, *, using, apps=None, verbosity=1, **kwargs) -> None:
    """Sync assessments/instruments/*.json into the database once its tables exist.

    ``apps`` is the migrated state after ``migrate``; ``flush`` sends none.
    """
    if apps is None:
        from django.apps import apps
    try:
        apps.get_model("assessments", "Instrument")
    except LookupError:  # migrated back past this app's first migration
        return
    from .services import instruments_sync

    for line in instruments_sync(using=using):
        if verbosity >= 1 and not line.endswith("unchanged"):
            print(f"  {line}")
