from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The email outbox: every email a row, swept and sent at most once.

    It knows nothing of bookings or questionnaires: the apps above register
    their kinds of email (see ``kinds.py``) and queue them in their own
    transactions.
    """

    name = "notifications"
    verbose_name = "Emails"
