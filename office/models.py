"""The practitioner's own notes: about a client, or about one session with them.

Hers alone: never in an email, a log line or the admin's history (a note's name
there is its date, not its words). Each says whether it may be released when
the client asks for their own data; by default it is not.
"""

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
