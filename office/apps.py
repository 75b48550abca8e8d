from django.apps import AppConfig


class OfficeConfig(AppConfig):
    """The practitioner's workspace: every admin page, composed from the apps below.

    It sits on top of clients, booking, assessments and notifications, so it is
    the one place allowed to show a booking beside its questionnaires and emails.
    """

    name = "office"
    verbose_name = "Office"

    def ready(self) -> None:
        from .audit import audit_register

        audit_register()
