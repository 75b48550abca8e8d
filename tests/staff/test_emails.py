"""Sign-in alerts and reset links: each event renders its own words, with no secret in them."""

import pytest

from notifications.models import OutboundEmail
from notifications.rendering import render_email
from staff import emails
from staff.models import SecurityEvent

from ..clock import NOW

pytestmark = pytest.mark.time_machine(NOW, tick=False)

ALERTS = {
    SecurityEvent.Kind.LOCKED_OUT: "Sign-in paused after 5 wrong passwords",
    SecurityEvent.Kind.SECOND_FACTOR_ADDED: "An authenticator app was set up for your office",
    SecurityEvent.Kind.RECOVERY_CODE_USED: "A recovery code was used to sign in",
    SecurityEvent.Kind.SECOND_FACTOR_RESET: "A second factor was removed",
}


def event_of(kind, user) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind=kind, user=user, username="maya", ip_address="198.51.100.20", created_at=NOW
    )


@pytest.mark.parametrize(("kind", "subject"), ALERTS.items())
def test_it_explains_each_alert_in_the_practitioners_time(maya, kind, subject):
    event = event_of(kind, maya.user)
    emails.security_alert_queue(event, now=NOW)
    message = render_email(OutboundEmail.objects.get(), emails._load(event.pk))
    assert message.subject == subject
    html = message.alternatives[0].content
    for text in (message.body, html):
        assert "Monday 2 March 2026 at 09:00 (Amsterdam time)" in text
        assert "/admin/" in text
        assert "{{" not in text


def test_it_tells_the_account_holder_too_when_it_is_not_the_practitioner(maya):
    from ..factories import UserFactory

    colleague = UserFactory(username="sam", email="sam@example.com")
    recipients = emails.alert_recipients(event_of(SecurityEvent.Kind.LOCKED_OUT, colleague))
    assert [(r.email, r.role) for r in recipients] == [
        (maya.alert_email, "practitioner"),
        ("sam@example.com", "account"),
    ]
    maya.contact_email = ""  # alerts then go to her login's address: one email, not two
    maya.save()
    own = emails.alert_recipients(event_of(SecurityEvent.Kind.LOCKED_OUT, maya.user))
    assert [r.email for r in own] == [maya.user.email]


def test_it_never_puts_a_reset_token_in_the_outbox(maya):
    event = event_of(SecurityEvent.Kind.PASSWORD_RESET, maya.user)
    emails.password_reset_queue(event, now=NOW)
    row = OutboundEmail.objects.get()
    message = render_email(row, emails._load(event.pk))
    token = message.body.split("/admin/password-reset/")[1].split("/")[1]
    assert len(token) > 20
    stored = " ".join(str(value) for value in OutboundEmail.objects.values().get().values())
    assert token not in stored
