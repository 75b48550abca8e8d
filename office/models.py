"""The practitioner's own notes: about a client, or about one session with them.

Hers alone: never in an email, a log line or the admin's history (a note's name
there is its date, not its words). Each says whether it may be released when
the client asks for their own data; by default it is not.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Note(models.Model):
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="notes"
    )
    booking = models.ForeignKey(
        "booking.Booking",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notes",
        help_text=_("Leave empty for a note about the client rather than one session."),
    )
    text = models.TextField(_("note"), max_length=20000)
    releasable = models.BooleanField(
        _("may be given to the client"),
        default=False,
        help_text=_("Include this note when the client asks for a copy of their data."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "-created_at"], name="note_by_client")]

    def __str__(self) -> str:
        # Shown in the admin's history and messages: the date, never the words.
        return f"Note of {timezone.localtime(self.created_at):%-d %b %Y}"


class AuditTrailIsAppendOnly(Exception):
    """An audit entry cannot be changed or deleted: the trail is evidence."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):  # type: ignore[misc]
    """Every way django-auditlog writes an entry passes here: keep names of fields only."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        from .audit import audit_client_of

        changes = kwargs.get("changes")
        if changes is not None:
            kwargs["changes"] = sorted(changes)  # which fields changed, never to what
        kwargs["object_repr"] = ""  # a record's str() is often a person's name
        kwargs["serialized_data"] = None
        kwargs.setdefault("client_id", audit_client_of(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    """One line of the audit trail (settings.AUDITLOG_LOGENTRY_MODEL).

    Holds who (a staff user, or nobody for a client's own action), when, what
    (action, kind of record, its id, the names of changed fields) and from which
    address; never a value or a name, so an erasure leaves it as it is.
    ``client_id`` is a plain number, not a foreign key: the line outlives the client.
    """

    client_id = models.BigIntegerField(_("client number"), null=True, blank=True, db_index=True)
    # Who, kept: a staff account with entries is deactivated, not deleted (the admin
    # says so), since a deleted actor would mean changing the entries.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of record"),
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["client_id", "-timestamp"], name="audit_by_client")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")

    @property
    def what(self) -> str:
        """The entry in a sentence's words: "Opened the questionnaire report"."""
        named = (
            (self.additional_data or {}).get("what", "")
            if isinstance(self.additional_data, dict)
            else ""
        )
        if named:
            return named
        from .audit import record_kind

        kind = record_kind(self.content_type.model) if self.content_type_id else "record"
        verb = {
            self.Action.CREATE: "Created",
            self.Action.UPDATE: "Changed",
            self.Action.DELETE: "Deleted",
            self.Action.ACCESS: "Opened",
        }.get(self.action, "Logged")
        return f"{verb} {kind}"

    @property
    def field_names(self) -> str:
        return ", ".join(self.changes) if isinstance(self.changes, list) else ""
