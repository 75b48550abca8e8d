"""clients.views: stopping follow-up emails from the link in one, without logging in."""

import pytest
from django.core import signing

from clients.links import follow_ups_stop_url, opt_out_token_make

from ..factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya():
    return ClientFactory(name="Priya", email="priya@example.com")


def test_it_lets_a_client_stop_follow_ups_from_the_link(client, priya):
    url = f"/follow-ups/stop/{opt_out_token_make(priya.pk)}/"
    assert "Stop follow-up emails?" in client.get(url).content.decode()
    response = client.post(url)
    assert "no more follow-up emails" in response.content.decode()
    priya.refresh_from_db()
    assert priya.follow_ups_opt_out_at is not None


def test_it_builds_the_link_on_the_public_address(priya, settings):
    settings.SITE_URL = "https://book.example.com"
    url = follow_ups_stop_url(priya.pk)
    assert url.startswith("https://book.example.com/follow-ups/stop/")


def test_it_changes_nothing_for_a_forged_link(client, priya):
    forged = signing.dumps(priya.pk, salt="something-else")
    assert client.post(f"/follow-ups/stop/{forged}/").status_code == 404
    priya.refresh_from_db()
    assert priya.follow_ups_opt_out_at is None


def test_it_refuses_a_link_to_a_client_who_no_longer_exists(client, priya):
    token = opt_out_token_make(priya.pk)
    priya.delete()
    assert client.post(f"/follow-ups/stop/{token}/").status_code == 404


def test_it_never_lets_a_browser_store_the_page(client, priya):
    url = f"/follow-ups/stop/{opt_out_token_make(priya.pk)}/"
    for response in (client.get(url), client.post(url)):
        assert "no-store" in response["Cache-Control"]
