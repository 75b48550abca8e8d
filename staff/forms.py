from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils import timezone

from clients.visitors import request_ip

from .services import password_reset_send


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a recovery code.

    Its input is written out in templates/staff/_code_field.html (one-time-code
    autocomplete, numeric keyboard at set-up, the error tied to the field).
    """

    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        error_messages={"required": "Please type the code."},
    )


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form, for staff only, queued in the outbox instead of sent at once."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def save(self, *, request: HttpRequest | None = None, **kwargs) -> None:  # type: ignore[override]
        ip_address = request_ip(request) if request is not None else None
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_send(user=user, ip_address=ip_address, now=timezone.now())
