"""What every client page tells the browser, and what no page will read.

The strict Content-Security-Policy (django-csp, configured in practice/settings.py),
the Permissions-Policy and the cap on request bodies (booking/headers.py).
"""

import io

import pytest

from assessments import services as intake_services
from assessments.links import intake_path
from booking.links import manage_path
from clients.links import opt_out_token_make

from ..clock import NOW, THURSDAY_9
from ..factories import BookingFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

STRICT_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'none'"},
    "object-src": {"'none'"},
}
FIVE_MB = 5 * 1024 * 1024
BOUNDARY = "----scales-test-boundary"


def policy(response) -> dict[str, set[str]]:
    """Return a Content-Security-Policy header as {directive: sources}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


@pytest.fixture
def client_pages(client, assessment):
    """Every kind of page a client sees, reached the way they reach it."""
    priya = ClientFactory(name="Priya", email="priya@example.com")
    booking = BookingFactory(session_type=assessment, start_at=THURSDAY_9, client=priya)
    [intake] = intake_services.intakes_create_for_booking(booking=booking)
    held = client.post(
        f"/book/{assessment.slug}/hold/",
        {"slot": THURSDAY_9.replace(hour=10).isoformat(), "tz": "Europe/Amsterdam"},
    )
    manage = manage_path(booking)
    return [
        "/",
        "/privacy/",
        f"/book/{assessment.slug}/",
        held["Location"],
        manage,  # opens the booking in this session for the next three
        "/b/",
        "/b/cancel/",
        "/b/reschedule/",
        f"/follow-ups/stop/{opt_out_token_make(priya.pk)}/",
        intake_path(intake),  # opens the questionnaire in this session for the next two
        "/intake/",
        "/intake/1/",
        "/no-such-page/",
    ]


def test_it_sends_the_strict_policy_on_every_client_page(client, client_pages):
    for url in client_pages:
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        assert policy(response) == STRICT_POLICY, url


def test_it_sends_the_strict_policy_with_a_cached_slot_page(client, assessment):
    client.get(f"/book/{assessment.slug}/")
    cached = client.get(f"/book/{assessment.slug}/")
    assert policy(cached) == STRICT_POLICY


def test_it_turns_off_browser_features_no_page_uses(client, client_pages):
    for url in [*client_pages, "/admin/login/", "/static/css/scales.css"]:
        features = client.get(url)["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in features, url


def multipart_body(size: int) -> bytes:
    """Return a multipart body with one file part of `size` bytes."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="upload"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + b"x" * size + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_big(client, url: str, body: bytes):
    """POST `body` and return (response, bytes the server read of it)."""
    stream = io.BytesIO(body)
    response = client.generic(
        "POST",
        url,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": stream},
    )
    return response, stream.tell()


def test_it_refuses_a_large_upload_to_the_hold_url_unread(client, assessment, maya):
    response, read = post_big(client, f"/book/{assessment.slug}/hold/", multipart_body(FIVE_MB))
    assert response.status_code == 400
    assert read == 0
    page = response.content.decode()
    assert "Nothing was changed" in page
    assert "Maya Lind" in page


def test_it_refuses_a_large_upload_to_the_details_url_unread(client, assessment):
    held = client.post(
        f"/book/{assessment.slug}/hold/", {"slot": THURSDAY_9.isoformat(), "tz": "Europe/Amsterdam"}
    )
    response, read = post_big(client, held["Location"], multipart_body(FIVE_MB))
    assert response.status_code == 400
    assert read == 0
    assert "Nothing was changed" in response.content.decode()


def test_it_refuses_any_file_even_a_small_one(client, assessment):
    held = client.post(
        f"/book/{assessment.slug}/hold/", {"slot": THURSDAY_9.isoformat(), "tz": "Europe/Amsterdam"}
    )
    response, _read = post_big(client, held["Location"], multipart_body(100))
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()


def test_it_still_takes_an_ordinary_form(client, assessment):
    response = client.post(
        f"/book/{assessment.slug}/hold/", {"slot": THURSDAY_9.isoformat(), "tz": "Europe/Amsterdam"}
    )
    assert response.status_code == 302
