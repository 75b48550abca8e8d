"""The outbox: one row per email, written in the transaction of the event that causes it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One email. The table is the schedule: a sweep sends what is due.

    ``subject_type``/``subject_id`` say what the email is about (a booking, say)
    in terms the registering app resolves; ``recipient_client_id`` is the
    client it was sent to, if any, for their email log. ``dedupe_key`` makes
    queueing the same email twice impossible and holds everything that makes an
    email a new one (see ``services.email_key``). The status moves scheduled ->
    sending -> sent (or failed / cancelled), and a send is attempted only after
    ``attempt_started_at`` is recorded, so no email is ever sent twice.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # The registered kind's name; its label and behaviour live in the registry.
    kind = models.CharField(_("kind"), max_length=32)
    subject_type = models.CharField(_("about"), max_length=32)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    recipient_client_id = models.PositiveBigIntegerField(null=True, blank=True)
    to_email = models.EmailField(_("to"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempt_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The message exactly as it left, for the office's log; empty for kinds that
    # carry a one-time secret (EmailKind.keep_copy), and for emails not yet sent.
    sent_subject = models.CharField(_("subject as sent"), max_length=300, blank=True)
    sent_text = models.TextField(_("text as sent"), blank=True)
    sent_html = models.TextField(_("HTML as sent"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        db_table = "booking_outboundemail"  # kept from before the outbox had an app of its own
        verbose_name = _("email")
        verbose_name_plural = _("email log")
        ordering = ["-due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="scheduled"),
                name="outbox_due_idx",
            ),
            models.Index(
                fields=["queued_at"],
                condition=Q(status="sending"),
                name="outbox_sending_idx",
            ),
            # Today counts the failed ones on every visit; they are few, the log is not.
            models.Index(fields=["due_at"], condition=Q(status="failed"), name="outbox_failed_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="outbox_subject_idx"),
            # The email log in the office: newest first (ties by id, as the list orders them).
            models.Index(fields=["-due_at", "-id"], name="outbox_log_idx"),
            models.Index(fields=["recipient_client_id"], name="outbox_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} to {self.to_email}"

    @property
    def kind_label(self) -> str:
        from .kinds import kind_label

        return kind_label(self.kind)


class Heartbeat(models.Model):
    """When a periodic job last finished, for the health check and the office."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M} UTC"
