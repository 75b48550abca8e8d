"""Staff accounts' emails: sign-in alerts to the practitioner and password reset links.

Registered with the outbox at start-up (``StaffConfig.ready``) about a
``SecurityEvent``, so each lockout or reset is its own email, recorded before
it is sent. A reset link is made when the email is built, never stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from booking.formatting import when
from booking.models import Practitioner
from notifications.kinds import EmailKind, Recipient, SubjectType, kind_register
from notifications.kinds import subject_type_register as _subject_type_register
from notifications.models import OutboundEmail
from notifications.services import emails_queue

from .models import SecurityEvent

SUBJECT = "security_event"

HEADLINES = {
    SecurityEvent.Kind.LOCKED_OUT: "Sign-in paused after {limit} wrong passwords",
    SecurityEvent.Kind.SECOND_FACTOR_ADDED: "An authenticator app was set up for your office",
    SecurityEvent.Kind.RECOVERY_CODE_USED: "A recovery code was used to sign in",
    SecurityEvent.Kind.SECOND_FACTOR_RESET: "A second factor was removed",
}


def _load(pk: int) -> SecurityEvent | None:
    return SecurityEvent.objects.select_related("user").filter(pk=pk).first()


def _demo(user: Any) -> SecurityEvent:
    return SecurityEvent(
        kind=SecurityEvent.Kind.LOCKED_OUT,
        user=user,
        username=user.get_username(),
        ip_address="203.0.113.7",
        created_at=timezone.now(),
    )


def _practitioner() -> Practitioner | None:
    return Practitioner.objects.select_related("user").order_by("pk").first()


def alert_recipients(event: SecurityEvent) -> list[Recipient]:
    """The practitioner's alert address, and the account's own if it is someone else's."""
    addresses: list[Recipient] = []
    practitioner = _practitioner()
    if practitioner is not None and practitioner.alert_email:
        addresses.append(Recipient(email=practitioner.alert_email, role="practitioner"))
    own = event.user.email if event.user else ""
    if own and own.lower() not in {r.email.lower() for r in addresses}:
        addresses.append(Recipient(email=own, role="account"))
    return addresses


def account_holder(event: SecurityEvent) -> list[Recipient]:
    return [Recipient(email=event.user.email, role="account")] if event.user else []


def once(event: SecurityEvent) -> str:
    """Each event is its own email: a new lockout is a new event."""
    return ""


def security_alert_context(email: OutboundEmail, event: SecurityEvent) -> dict[str, Any]:
    limit = settings.AXES_FAILURE_LIMIT
    practitioner = _practitioner()
    zone = practitioner.time_zone if practitioner else settings.TIME_ZONE
    return {
        "event": event,
        "practitioner": practitioner,
        "headline": HEADLINES.get(event.kind, event.get_kind_display()).format(limit=limit),
        "limit": limit,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "when": when(event.created_at, zone),
        "office_url": settings.SITE_URL + reverse("admin:index"),
    }


def password_reset_context(email: OutboundEmail, event: SecurityEvent) -> dict[str, Any]:
    user = event.user
    # A preview (an unsaved example) shows where the link goes, never a working one.
    token = default_token_generator.make_token(user) if user and event.pk else "preview"
    uid = urlsafe_base64_encode(force_bytes(user.pk if user else 0))
    return {
        "event": event,
        "practitioner": _practitioner(),
        "username": user.get_username() if user else "",
        "reset_url": settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token]),
        "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }


def password_reset_still_needed(email: OutboundEmail, event: SecurityEvent, now: datetime) -> str:
    if event.user is None or not event.user.is_active:
        return "account no longer active"
    if (now - event.created_at).total_seconds() > settings.PASSWORD_RESET_TIMEOUT:
        return "the link would already have expired"
    return ""


def staff_emails_register() -> None:
    _subject_type_register(SubjectType(name=SUBJECT, load=_load, demo=_demo))
    for kind in (
        EmailKind(
            name="security_alert",
            label=_("To you: sign-in alert"),
            subject_type=SUBJECT,
            subject_line="{headline}",
            recipients=alert_recipients,
            version=once,
            context=security_alert_context,
            to_practitioner=True,
        ),
        EmailKind(
            name="password_reset",
            label=_("Password reset link"),
            subject_type=SUBJECT,
            subject_line="Reset your password",
            recipients=account_holder,
            version=once,
            context=password_reset_context,
            still_needed=password_reset_still_needed,
            to_practitioner=True,
            keep_copy=False,  # the link sets a password: no copy outlives it
        ),
    ):
        kind_register(kind)


def security_alert_queue(event: SecurityEvent, *, now: datetime) -> None:
    emails_queue("security_alert", event, due_at=now)


def password_reset_queue(event: SecurityEvent, *, now: datetime) -> None:
    emails_queue("password_reset", event, due_at=now)
