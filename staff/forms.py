from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils import timezone

from clients.visitors import request_ip

from .services import password_reset_send


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": "Please type the code."},
    )

    def __init__(self, *args, digits_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if digits_only:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
            self.fields["code"].help_text = "The 6 digits your app shows for Scales."


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form, for staff only, queued in the outbox instead of sent at once."""

    def get_users(self, email):
        return (
            user
            for user in super().get_users(email)
            if user.is_staff and isinstance(user, get_user_model())
        )

    def save(self, *, request: HttpRequest | None = None, **kwargs) -> None:  # type: ignore[override]
        ip_address = request_ip(request) if request is not None else None
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_send(user=user, ip_address=ip_address, now=timezone.now())
