"""What happened at the office's front door: lockouts, second factors, password resets.

Each row is something the practitioner is told about (an alert, a reset link)
or may need to look back on. Rows hold a username and an address, never a
password or a code.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOCKED_OUT = "locked_out", _("Sign-in paused after wrong passwords")
        SECOND_FACTOR_ADDED = "second_factor_added", _("Authenticator app set up")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used to sign in")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor removed by an administrator")
        PASSWORD_RESET = "password_reset", _("Password reset link sent")

    kind = models.CharField(_("what happened"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # As typed at the login form: a lockout may name an account that does not exist.
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "username", "created_at"], name="staff_event_lookup"),
            models.Index(fields=["kind", "user", "created_at"], name="staff_event_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username}"
