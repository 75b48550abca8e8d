"""seed_demo and demo_code: a demo practitioner with a working second factor, never in production."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from booking.demo import DEMO_USERNAME, demo_seed
from office.demo import DEMO_RECOVERY_CODES, demo_password

from ..clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def debug_on(settings):
    """Switch DEBUG on: pytest-django runs every test with it off, as in production."""
    settings.DEBUG = True


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_it_refuses_to_seed_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"only runs with DEBUG=true \(never in production\)"):
        run("seed_demo")
    assert not get_user_model().objects.filter(username=DEMO_USERNAME).exists()


def test_it_seeds_the_demo_practice_with_debug_on(debug_on):
    output = run("seed_demo")
    assert output == "Demo data ready: 7 clients, 9 bookings.\n"
    assert get_user_model().objects.get(username=DEMO_USERNAME).check_password("calm-scales-demo")


def test_it_takes_the_demo_password_from_the_environment(debug_on, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "my-own-demo-password")
    assert demo_password() == "my-own-demo-password"
    output = run("seed_demo")
    assert "my-own-demo-password" not in output  # the banner (demo_banner) shows it
    assert (
        get_user_model().objects.get(username=DEMO_USERNAME).check_password("my-own-demo-password")
    )


def test_it_gives_the_demo_practitioner_a_confirmed_authenticator(debug_on):
    run("seed_demo")
    device = TOTPDevice.objects.get(user__username=DEMO_USERNAME)
    assert device.confirmed
    assert device.name == "Demo authenticator"


def test_it_gives_the_demo_practitioner_ten_recovery_codes(debug_on):
    run("seed_demo")
    device = StaticDevice.objects.get(user__username=DEMO_USERNAME)
    assert device.confirmed
    assert sorted(device.token_set.values_list("token", flat=True)) == list(DEMO_RECOVERY_CODES)
    assert len(DEMO_RECOVERY_CODES) == 10


def test_it_makes_one_of_each_device_when_run_twice(debug_on):
    run("seed_demo")
    output = run("seed_demo")
    assert "nothing changed" in output
    assert TOTPDevice.objects.filter(user__username=DEMO_USERNAME).count() == 1
    assert StaticDevice.objects.filter(user__username=DEMO_USERNAME).count() == 1
    assert StaticDevice.objects.get().token_set.count() == 10


def test_it_adds_the_second_factor_to_a_demo_practice_seeded_before_it(debug_on):
    demo_seed(password="calm-scales-demo")
    output = run("seed_demo")
    assert "Demo data ready" in output
    assert TOTPDevice.objects.filter(user__username=DEMO_USERNAME, confirmed=True).exists()


def test_it_prints_the_code_the_authenticator_accepts(debug_on):
    run("seed_demo")
    code = re.search(r"\b\d{6}\b", run("demo_code")).group()
    assert TOTPDevice.objects.get().verify_token(code)


def test_it_does_not_accept_a_code_it_did_not_print(debug_on):
    run("seed_demo")
    code = re.search(r"\b\d{6}\b", run("demo_code")).group()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert not TOTPDevice.objects.get().verify_token(wrong)


def test_it_says_how_long_the_code_stays_valid(debug_on, time_machine):
    run("seed_demo")
    # NOW is on a 30-second step; ten seconds in, the code has twenty to go.
    time_machine.move_to(NOW + timedelta(seconds=10), tick=False)
    assert "valid 20 more seconds" in run("demo_code")


def test_it_refuses_to_print_a_code_with_debug_off(debug_on, settings):
    run("seed_demo")
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"only runs with DEBUG=true \(never in production\)"):
        run("demo_code")


def test_it_asks_to_seed_the_demo_before_printing_a_code(debug_on):
    with pytest.raises(CommandError, match="seed_demo"):
        run("demo_code")
