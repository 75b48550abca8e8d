"""Wrong passwords lock a username from one address, not from everywhere (django-axes)."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from notifications.models import OutboundEmail
from notifications.rendering import render_email
from staff.emails import _load
from staff.models import SecurityEvent

from ..clock import NOW

pytestmark = pytest.mark.time_machine(NOW, tick=False)

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "not-a-real-password"
HOME = "198.51.100.20"
ELSEWHERE = "203.0.113.9"


def log_in(client, password: str, ip: str = HOME, **headers):
    return client.post(LOGIN, {"username": "maya", "password": password}, REMOTE_ADDR=ip, **headers)


def test_it_locks_the_username_from_that_address_at_the_fifth_wrong_password(client, maya):
    for _ in range(4):
        assert log_in(client, "guess").status_code == 200  # the form again, with its error
    assert not SecurityEvent.objects.exists()

    fifth = log_in(client, "guess")
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "Sign-in paused" in page
    assert "After 5 wrong passwords" in page
    assert "15 minutes" in page
    # Even the right password is refused from there now.
    assert log_in(client, PASSWORD).status_code == 429


def test_it_alerts_the_practitioner_once_per_lockout(client, maya):
    for _ in range(8):
        log_in(client, "guess")
    event = SecurityEvent.objects.get()
    assert (event.kind, event.username, event.ip_address) == ("locked_out", "maya", HOME)
    alert = OutboundEmail.objects.get(kind="security_alert")
    assert alert.to_email == maya.alert_email
    message = render_email(alert, _load(alert.subject_id))
    assert message.subject == "Sign-in paused after 5 wrong passwords"
    assert HOME in message.body
    assert "from anywhere else it still works" in message.body
    assert PASSWORD not in message.body
    assert "guess" not in message.body


def test_it_still_lets_the_same_username_in_from_another_address(client, maya):
    for _ in range(5):
        log_in(client, "guess")
    response = log_in(client, PASSWORD, ip=ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_it_lets_her_in_again_after_fifteen_minutes(client, maya, time_machine):
    for _ in range(5):
        log_in(client, "guess")
    time_machine.shift(timedelta(minutes=14))
    assert log_in(client, PASSWORD).status_code == 429
    time_machine.shift(timedelta(minutes=2))
    assert log_in(client, PASSWORD).status_code == 302


def test_it_locks_a_username_that_does_not_exist_too(client, maya):
    for _ in range(5):
        client.post(LOGIN, {"username": "admin", "password": "admin"}, REMOTE_ADDR=HOME)
    event = SecurityEvent.objects.get()
    assert event.user is None
    assert event.username == "admin"
    assert OutboundEmail.objects.get(kind="security_alert").to_email == maya.alert_email


def test_it_ignores_a_forwarded_address_from_an_untrusted_peer(client, maya, settings):
    settings.TRUSTED_PROXIES = []
    for n in range(5):
        log_in(client, "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    # Spoofing the header changes nothing: the socket's address is the one locked.
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_it_counts_by_the_forwarded_address_behind_a_trusted_proxy(client, maya, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(5):
        log_in(client, "guess", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=HOME)
    assert log_in(client, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR=HOME).status_code == 429
    other = log_in(client, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert other.status_code == 302
    assert SecurityEvent.objects.get().ip_address == HOME


def test_it_clears_a_lockout_from_the_command_line(client, maya):
    for _ in range(5):
        log_in(client, "guess")
    call_command("axes_reset_username", "maya")
    assert log_in(client, PASSWORD).status_code == 302
