from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from .emails import staff_emails_register
        from .receivers import receivers_connect

        staff_emails_register()
        receivers_connect()
