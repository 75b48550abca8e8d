"""Staff accounts' writes: second factors, recovery codes, lockout alerts, password resets.

The login itself is Django's and the lockout count is django-axes'; these
functions hold what is ours: which devices a person has, when the practitioner
is told, and how often a reset email may go out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.errors import DomainError

from . import emails
from .codes import recovery_code_normalize
from .models import SecurityEvent
from .selectors import authenticator_for, recovery_codes_for

logger = logging.getLogger(__name__)

RECOVERY_CODES = 10


class StaffError(DomainError):
    """A second-factor step that cannot be done; the message is for the person signing in."""


def security_event_record(
    *,
    kind: SecurityEvent.Kind,
    user: User | None,
    username: str = "",
    ip_address: str | None = None,
    now: datetime,
) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip_address=ip_address or None,
        created_at=now,
    )


@transaction.atomic
def authenticator_setup_begin(*, user: User) -> TOTPDevice:
    """Return the person's authenticator not yet confirmed, making one if needed.

    Refused once a confirmed one exists: with only a password, nobody may add a
    second factor of their own choosing to someone else's account.
    """
    if authenticator_for(user) is not None:
        raise StaffError("This account already has an authenticator app.", code="exists")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def authenticator_setup_confirm(
    *, user: User, code: str, ip_address: str | None, now: datetime
) -> tuple[TOTPDevice, list[str]]:
    """Confirm the new authenticator with a code from it; return it and fresh recovery codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or authenticator_for(user) is not None:
        raise StaffError("Start the set-up again: this page was out of date.", code="stale")
    if not device.verify_token(code.replace(" ", "")):
        raise StaffError(
            "That code did not match. Check the app shows “Scales” and type the "
            "6 digits it shows now.",
            code="wrong",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_replace(user=user)
    event = security_event_record(
        kind=SecurityEvent.Kind.SECOND_FACTOR_ADDED, user=user, ip_address=ip_address, now=now
    )
    # Setting up needs only the password: if it was not her, she hears of it at once.
    emails.security_alert_queue(event, now=now)
    return device, codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODES new ones; return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user: User, code: str, ip_address: str | None, now: datetime) -> Device:
    """Return the device that accepts ``code``: the authenticator, else a recovery code.

    django-otp refuses a code already used (the authenticator remembers its last
    time step; a recovery code is deleted) and slows down repeated failures. A
    recovery code used to sign in is recorded and the practitioner told.
    """
    normalized = recovery_code_normalize(code)
    authenticator = authenticator_for(user)
    looks_like_app_code = normalized.isdigit() and len(normalized) in (6, 8)
    device: Device | None = (
        authenticator if authenticator is not None and looks_like_app_code else None
    ) or recovery_codes_for(user)
    if device is not None:
        _refuse_while_throttled(device, now)
        verified = verify_token(user, device.persistent_id, normalized)
        if isinstance(verified, StaticDevice):
            event = security_event_record(
                kind=SecurityEvent.Kind.RECOVERY_CODE_USED,
                user=user,
                ip_address=ip_address,
                now=now,
            )
            emails.security_alert_queue(event, now=now)
        if verified is not None:
            return verified
    raise StaffError(
        "That code did not work. Type the 6 digits your app shows now, or one of your "
        "recovery codes. Each code works once.",
        code="wrong",
    )


def _refuse_while_throttled(device: Device, now: datetime) -> None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return
    locked_until = (details or {}).get("locked_until")
    seconds = max(1, int((locked_until - now).total_seconds())) if locked_until else 60
    wait = "1 second" if seconds == 1 else f"{seconds} seconds"
    raise StaffError(
        f"Too many wrong codes. Please wait {wait} and try again.",
        code="throttled",
    )


@transaction.atomic
def second_factor_reset(*, user: User, now: datetime) -> SecurityEvent:
    """Remove every second factor of ``user`` (a lost phone) and tell the practitioner.

    Sessions verified with a removed device stop counting as verified at their next
    request (django-otp checks the device still exists), so the person sets one up again.
    """
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    event = security_event_record(kind=SecurityEvent.Kind.SECOND_FACTOR_RESET, user=user, now=now)
    emails.security_alert_queue(event, now=now)
    return event


@transaction.atomic
def lockout_record(*, username: str, ip_address: str | None, now: datetime) -> SecurityEvent | None:
    """Record that ``username`` from ``ip_address`` is locked out and alert, once per lockout.

    django-axes announces every refused attempt during a lockout; only the first
    of them within the lockout time makes an event and an email.
    """
    since = now - settings.AXES_COOLOFF_TIME
    already = SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.LOCKED_OUT,
        username=username,
        ip_address=ip_address or None,
        created_at__gt=since,
    ).exists()
    if already:
        return None
    user = get_user_model()._default_manager.filter(username=username).first()
    event = security_event_record(
        kind=SecurityEvent.Kind.LOCKED_OUT,
        user=user,
        username=username,
        ip_address=ip_address,
        now=now,
    )
    emails.security_alert_queue(event, now=now)
    return event


@transaction.atomic
def password_reset_send(
    *, user: User, ip_address: str | None, now: datetime
) -> SecurityEvent | None:
    """Queue a password reset email to ``user``, at most PASSWORD_RESETS_PER_HOUR an hour.

    Counted in the database, so the limit holds with the cache down. Over it,
    nothing is sent and the page says the same as always: nobody learns from it
    whether an address has an account.
    """
    recent = SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.PASSWORD_RESET, user=user, created_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= settings.PASSWORD_RESETS_PER_HOUR:
        logger.info("password reset: account %s over the hourly limit", user.pk)
        return None
    event = security_event_record(
        kind=SecurityEvent.Kind.PASSWORD_RESET, user=user, ip_address=ip_address, now=now
    )
    emails.password_reset_queue(event, now=now)
    return event
