"""The office lists sign-in events, and never second-factor secrets."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import SecurityEvent

from ..clock import NOW

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def test_it_lists_sign_in_events_read_only(office):
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOCKED_OUT, username="maya", ip_address="198.51.100.20"
    )
    page = office.get("/admin/staff/securityevent/").content.decode()
    assert "Sign-in paused after wrong passwords" in page
    assert "198.51.100.20" in page
    assert office.get("/admin/staff/securityevent/add/").status_code == 403


def test_it_shows_no_page_with_an_authenticator_key(office, maya):
    key = TOTPDevice.objects.get(user=maya.user).key
    assert office.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert key not in office.get("/admin/").content.decode()
