"""The demo practitioner's second factor, for `make run`: an authenticator and recovery codes.

The key and the codes are fixed and public (they are in this file). That is safe
only because seed_demo and demo_code refuse to run with DEBUG off; `make otp`
prints the authenticator's current code, so trying the office needs no phone.
"""

from __future__ import annotations

import time

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from booking.demo import DEMO_USERNAME

DEMO_AUTHENTICATOR_NAME = "Demo authenticator"
# 20 bytes, hex: the size RFC 4226 recommends and django-otp generates.
DEMO_TOTP_KEY = "5363616c65732064656d6f206f6e6c7920326661"
DEMO_RECOVERY_CODES_NAME = "Recovery codes"
DEMO_RECOVERY_CODES = tuple(f"demo{number:04d}" for number in range(1, 11))


@transaction.atomic
def demo_second_factor_seed(*, user: AbstractBaseUser) -> bool:
    """Give the demo user a confirmed authenticator and recovery codes once; return if created."""
    _, authenticator_created = TOTPDevice.objects.get_or_create(
        user=user,
        name=DEMO_AUTHENTICATOR_NAME,
        defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
    )
    codes, codes_created = StaticDevice.objects.get_or_create(
        user=user, name=DEMO_RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    if codes_created:
        StaticToken.objects.bulk_create(
            StaticToken(device=codes, token=token) for token in DEMO_RECOVERY_CODES
        )
    return authenticator_created or codes_created


def demo_authenticator() -> TOTPDevice | None:
    """Return the demo practitioner's authenticator, or None before seed_demo ran."""
    return TOTPDevice.objects.filter(
        user__username=DEMO_USERNAME, name=DEMO_AUTHENTICATOR_NAME
    ).first()


def demo_code_now(device: TOTPDevice) -> tuple[str, int]:
    """Return the code the device accepts now, and the seconds until it changes."""
    seconds_into_step = int(time.time() - device.t0) % device.step
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return str(code).zfill(device.digits), device.step - seconds_into_step
