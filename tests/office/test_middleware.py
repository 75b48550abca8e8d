"""office.middleware: the office's own Content-Security-Policy, relaxed only for styles."""

import pytest

from ..booking.test_headers import STRICT_POLICY, policy

pytestmark = pytest.mark.django_db

OFFICE_POLICY = {**STRICT_POLICY, "style-src": {"'self'", "'unsafe-inline'"}}


def test_it_allows_the_office_inline_styles_and_nothing_more(office):
    for url in ("/admin/", "/admin/booking/booking/", "/admin/notifications/outboundemail/"):
        response = office.get(url)
        assert response.status_code == 200, url
        assert policy(response) == OFFICE_POLICY, url


def test_it_keeps_the_login_page_under_the_office_policy(client):
    assert policy(client.get("/admin/login/")) == OFFICE_POLICY


def test_it_keeps_client_pages_strict_for_a_signed_in_practitioner(office, assessment):
    assert policy(office.get("/")) == STRICT_POLICY


def test_it_previews_emails_in_a_sandboxed_frame_under_the_policy(office):
    response = office.get("/admin/notifications/outboundemail/preview/confirmation/")
    assert response.status_code == 200
    assert policy(response) == OFFICE_POLICY
    # The email's HTML comes from its own URL, under its own policy (test_emails.py).
    assert (
        '<iframe title="HTML version" sandbox '
        'src="/admin/notifications/outboundemail/preview/confirmation/html/"'
        in response.content.decode()
    )
