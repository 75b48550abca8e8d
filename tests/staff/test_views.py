"""The sign-in's second step: set up an authenticator, enter codes, recovery codes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.models import OutboundEmail
from staff.models import SecurityEvent

from ..clock import NOW
from .helpers import authenticator, code_now

pytestmark = pytest.mark.time_machine(NOW, tick=False)

SETUP = "/admin/sign-in/set-up/"
VERIFY = "/admin/sign-in/code/"
CODES = "/admin/sign-in/recovery-codes/"


@pytest.fixture
def password_only(client, maya):
    """Maya after the password step: signed in, second factor not yet proved."""
    client.force_login(maya.user)
    return client


def test_it_shows_a_qr_code_and_a_key_to_type_on_first_sign_in(password_only, maya):
    page = password_only.get(SETUP + "?next=/admin/booking/booking/").content.decode()
    assert 'src="data:image/svg+xml;charset=utf-8,%3Csvg%20xmlns' in page
    assert 'alt="QR code to add Scales to your authenticator app"' in page
    device = TOTPDevice.objects.get(user=maya.user, confirmed=False)
    assert 'inputmode="numeric"' in page
    assert device.config_url.startswith("otpauth://totp/Scales%3Amaya?")
    # Reloading the page keeps the same key: a half-finished set-up still matches the phone.
    password_only.get(SETUP)
    assert TOTPDevice.objects.filter(user=maya.user).count() == 1


def test_it_refuses_a_wrong_code_at_set_up(password_only, maya):
    password_only.get(SETUP)
    response = password_only.post(SETUP, {"code": "000000"})
    assert "That code did not match" in response.content.decode()
    assert not TOTPDevice.objects.get(user=maya.user).confirmed
    assert password_only.get("/admin/").status_code == 302


def test_it_sets_up_the_authenticator_and_shows_recovery_codes(password_only, maya):
    password_only.get(SETUP)
    device = TOTPDevice.objects.get(user=maya.user)
    response = password_only.post(
        SETUP, {"code": code_now(device), "next": "/admin/booking/booking/"}
    )
    assert response["Location"] == f"{CODES}?next=/admin/booking/booking/"
    device.refresh_from_db()
    assert device.confirmed
    page = password_only.get(response["Location"]).content.decode()
    codes = StaticToken.objects.filter(device__user=maya.user)
    assert codes.count() == 10
    for token in codes:
        assert f"{token.token[:4]}-{token.token[4:]}" in page
    assert password_only.get("/admin/booking/booking/").status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_ADDED)
    assert OutboundEmail.objects.filter(kind="security_alert", subject_id=event.pk).exists()


def test_it_never_lets_a_password_alone_add_a_second_authenticator(password_only, maya):
    authenticator(maya.user)
    response = password_only.get(SETUP + "?next=/admin/")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert TOTPDevice.objects.filter(user=maya.user).count() == 1


def test_it_signs_in_with_the_code_from_the_app(password_only, maya):
    device = authenticator(maya.user)
    response = password_only.post(VERIFY, {"code": code_now(device), "next": "/admin/booking/"})
    assert response["Location"] == "/admin/booking/"
    assert password_only.get("/admin/").status_code == 200


def test_it_accepts_the_code_typed_with_a_space(password_only, maya):
    code = code_now(authenticator(maya.user))
    response = password_only.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})
    assert response["Location"] == "/admin/"


def test_it_refuses_a_replayed_code(client, maya, time_machine):
    device = authenticator(maya.user)
    code = code_now(device)
    client.force_login(maya.user)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("admin:logout"))
    time_machine.shift(timedelta(seconds=5))  # same 30-second step: the phone shows the same code
    client.force_login(maya.user)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "That code did not work" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_it_ignores_an_outside_next_address(password_only, maya):
    code = code_now(authenticator(maya.user))
    response = password_only.post(VERIFY, {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_it_slows_down_guessing(password_only, maya, time_machine):
    device = authenticator(maya.user)
    for _ in range(3):
        password_only.post(VERIFY, {"code": "123456"})
        time_machine.shift(timedelta(milliseconds=100))
    response = password_only.post(VERIFY, {"code": code_now(device)})
    assert "Too many wrong codes. Please wait" in response.content.decode()
    time_machine.shift(timedelta(seconds=30))
    assert password_only.post(VERIFY, {"code": code_now(device)}).status_code == 302


def test_it_accepts_a_recovery_code_once(client, maya, time_machine):
    authenticator(maya.user)
    client.force_login(maya.user)
    from staff.services import recovery_codes_replace

    code = recovery_codes_replace(user=maya.user)[0]
    typed = f"{code[:4]}-{code[4:]}".upper()
    response = client.post(VERIFY, {"code": typed})
    assert response["Location"] == "/admin/"
    assert "9 left" in client.get("/admin/").content.decode()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.RECOVERY_CODE_USED)
    assert event.user == maya.user
    assert OutboundEmail.objects.filter(kind="security_alert", subject_id=event.pk).count() == 1

    client.post(reverse("admin:logout"))
    client.force_login(maya.user)
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 400
    assert "That code did not work" in response.content.decode()


def test_it_makes_new_recovery_codes_and_retires_the_old(office, maya):
    from staff.services import recovery_codes_replace

    old = recovery_codes_replace(user=maya.user)
    response = office.post(CODES, {"next": "/admin/"})
    assert response.status_code == 302
    new = set(StaticToken.objects.filter(device__user=maya.user).values_list("token", flat=True))
    assert len(new) == 10
    assert not new & set(old)


def test_it_sends_the_signed_out_to_the_login_page(client, db):
    for path in (SETUP, VERIFY):
        assert client.get(path)["Location"] == reverse("admin:login")
