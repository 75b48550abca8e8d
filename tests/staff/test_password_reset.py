"""A forgotten password is reset by email: staff only, queued in the outbox, rate-limited."""

import re

import pytest
from django.core.cache import cache

from notifications.models import OutboundEmail
from notifications.rendering import render_email
from staff.emails import _load
from staff.models import SecurityEvent

from ..clock import NOW
from ..factories import UserFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)

RESET = "/admin/password-reset/"


def ask(client, email: str, ip: str = "198.51.100.20"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_it_links_to_the_reset_from_the_login_page(client, db):
    assert RESET in client.get("/admin/login/").content.decode()


def test_it_emails_a_working_link_through_the_outbox(client, maya):
    response = ask(client, maya.user.email)
    assert response["Location"] == "/admin/password-reset/sent/"
    email = OutboundEmail.objects.get(kind="password_reset")
    assert email.to_email == maya.user.email
    message = render_email(email, _load(email.subject_id))
    assert message.subject == "Reset your password"
    link = re.search(r"http\S+/admin/password-reset/\S+/\S+/", message.body).group(0)
    path = link.removeprefix("http://localhost:8000")

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-calm-new-passphrase", "new_password2": "a-calm-new-passphrase"},
    )
    maya.user.refresh_from_db()
    assert maya.user.check_password("a-calm-new-passphrase")
    # The link worked once: with the password changed, it no longer does.
    assert "invalid" in client.get(path, follow=True).content.decode().lower()


def test_it_sends_nothing_for_an_unknown_or_client_address_and_says_the_same(client, maya):
    UserFactory(username="someone", email="someone@example.com", is_staff=False)
    for address in ("nobody@example.com", "someone@example.com"):
        assert ask(client, address)["Location"] == "/admin/password-reset/sent/"
    assert not OutboundEmail.objects.filter(kind="password_reset").exists()


def test_it_sends_at_most_three_an_hour_to_one_account(client, maya, time_machine):
    for n in range(5):
        ask(client, maya.user.email, ip=f"192.0.2.{n}")
    assert OutboundEmail.objects.filter(kind="password_reset").count() == 3
    time_machine.shift(3601)
    ask(client, maya.user.email)
    assert OutboundEmail.objects.filter(kind="password_reset").count() == 4
    assert SecurityEvent.objects.filter(kind="password_reset").count() == 4


def test_it_limits_requests_from_one_visitor(client, maya, settings):
    settings.PUBLIC_LIMITS = True
    settings.PUBLIC_ATTEMPTS_PER_WINDOW = 2
    cache.clear()
    assert ask(client, "a@example.com").status_code == 302
    assert ask(client, "b@example.com").status_code == 302
    assert ask(client, "c@example.com").status_code == 429


def test_it_does_not_send_a_link_that_would_have_expired(maya):
    from staff.emails import password_reset_still_needed
    from staff.services import password_reset_send

    event = password_reset_send(user=maya.user, ip_address=None, now=NOW)
    email = OutboundEmail.objects.get(kind="password_reset")
    later = NOW.replace(hour=NOW.hour + 2)
    assert password_reset_still_needed(email, event, NOW) == ""
    assert password_reset_still_needed(email, event, later) == "the link would already have expired"
