"""Signing staff in for tests that are about something else than the sign-in."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user) -> TOTPDevice:
    """Return the user's confirmed authenticator, setting one up if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """Return the 6 digits the person's phone shows now (the clock time-machine froze)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user) -> None:
    """Log ``user`` in with a session that has already proved its second factor."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def session_cookie(client, user) -> dict:
    """Return a verified session as a Playwright cookie, for browser tests of other things."""
    from django.conf import settings

    sign_in(client, user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
