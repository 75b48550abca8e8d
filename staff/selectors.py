"""Staff accounts' reads: which second factors a person has."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityEvent


def authenticator_for(user: User) -> TOTPDevice | None:
    """Return the person's confirmed authenticator app, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_for(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> list[str]:
    device = recovery_codes_for(user)
    if device is None:
        return []
    return list(device.token_set.order_by("pk").values_list("token", flat=True))


def security_events_recent(limit: int = 50) -> QuerySet[SecurityEvent]:
    return SecurityEvent.objects.select_related("user")[:limit]
