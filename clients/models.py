"""The people the practice works with."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class ClientManager(models.Manager["Client"]):
    def get_by_email(self, email: str) -> "Client":
        """Return the client with this email, ignoring case."""
        return self.get(email__iexact=email.strip())


class Client(models.Model):
    class Status(models.TextChoices):
        LEAD = "lead", _("Lead")
        CLIENT = "client", _("Client")
        FORMER = "former", _("Former client")

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LEAD
    )
    privacy_consent_at = models.DateTimeField(
        _("agreed to the privacy notice at"),
        null=True,
        blank=True,
        help_text=_("When the client agreed to the privacy notice, from the booking form."),
    )
    follow_ups_opt_out_at = models.DateTimeField(
        _("opted out of follow-ups at"),
        null=True,
        blank=True,
        help_text=_("Set when the client asks for no follow-up emails. Reminders still go out."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ClientManager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        constraints = [
            # Two spellings of one address are one person.
            models.UniqueConstraint(Lower("email"), name="client_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
