"""A lost phone: the second factor is removed from the command line, and she is told."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.models import OutboundEmail
from notifications.rendering import render_email
from staff.emails import _load
from staff.models import SecurityEvent
from staff.services import recovery_codes_replace

from ..clock import NOW
from .helpers import authenticator

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def test_it_removes_the_second_factor_and_emails_the_practitioner(maya, capsys):
    authenticator(maya.user)
    recovery_codes_replace(user=maya.user)

    call_command("staff_second_factor_reset", "maya")

    assert not TOTPDevice.objects.filter(user=maya.user).exists()
    assert not StaticDevice.objects.filter(user=maya.user).exists()
    assert "The second factor of 'maya' is removed." in capsys.readouterr().out
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_RESET)
    alert = OutboundEmail.objects.get(kind="security_alert", subject_id=event.pk)
    assert alert.to_email == maya.alert_email
    message = render_email(alert, _load(alert.subject_id))
    assert message.subject == "A second factor was removed"


def test_it_names_an_unknown_username(db):
    with pytest.raises(CommandError, match="No account with the username 'nobody'"):
        call_command("staff_second_factor_reset", "nobody")
