"""The landing page: who she is, how she works, then what can be booked."""

import io
import itertools
import os
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from booking.demo_profile import DEMO_PROFILE
from booking.models import CONFIDENTIALITY_DEFAULT, Practitioner, SessionType
from booking.photos import PreparedPhoto, practitioner_photo_save

from ..clock import NOW
from ..factories import PractitionerFactory, SessionTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

PROFILE_FIELDS = ["bio", "approach", "works_with", "languages", "confidentiality_note"]


def with_profile(practitioner: Practitioner, **fields) -> Practitioner:
    for name, value in {**DEMO_PROFILE, **fields}.items():
        setattr(practitioner, name, value)
    practitioner.save()
    return practitioner


def a_photo(practitioner: Practitioner) -> None:
    output = io.BytesIO()
    Image.new("RGB", (600, 800), (90, 110, 100)).save(output, format="JPEG")
    photo = PreparedPhoto(output.getvalue(), "image/jpeg", 600, 800)
    practitioner_photo_save(practitioner_id=practitioner.pk, photo=photo)


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def test_it_keeps_the_demo_profile_to_her_fields():
    fields = {field.name for field in Practitioner._meta.get_fields()}
    assert set(DEMO_PROFILE) == {*PROFILE_FIELDS, "free_call_note"}
    assert set(DEMO_PROFILE) <= fields
    for name, value in DEMO_PROFILE.items():
        max_length = Practitioner._meta.get_field(name).max_length
        assert value.strip(), name
        assert len(value) <= max_length, name


def test_it_introduces_her_before_the_offers(client, maya, assessment, single_session):
    with_profile(maya)
    html = page(client)

    start = html.index("<main")
    places = [
        html.index("<h1"),
        html.index("Maya Lind", start),
        html.index(DEMO_PROFILE["bio"][:40]),
        html.index("Who I work with"),
        html.index(DEMO_PROFILE["works_with"][:30]),
        html.index("Languages"),
        html.index(DEMO_PROFILE["languages"]),
        html.index("How I work"),
        html.index(DEMO_PROFILE["approach"][:40]),
        html.index(DEMO_PROFILE["confidentiality_note"][:30].replace("'", "&#x27;")),
        html.index("What happens in the free call"),
        html.index(DEMO_PROFILE["free_call_note"][:40]),
        html.index("Book a time to talk"),
        html.index("Book a free assessment call"),
    ]
    assert places == sorted(places)


def test_it_shows_both_offers_with_length_and_price(client, maya, assessment, single_session):
    html = page(client)
    assert "50 minutes · €110 · online" in html
    assert f"{assessment.duration_minutes} minutes" in html
    assert 'href="/book/assessment-call/"' in html
    assert 'href="/book/single-session/"' in html


def test_it_keeps_headings_in_order(client, maya, assessment, single_session):
    with_profile(maya)
    levels = headings(page(client))
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))


def test_it_leaves_out_what_she_has_not_written(client, maya, assessment):
    with_profile(maya, **{name: "" for name in DEMO_PROFILE})
    html = page(client)
    for text in ("How I work", "Who I work with", "Languages", "What happens in the free call"):
        assert text not in html
    assert 'class="confidential"' not in html
    assert "<dl" not in html
    assert "Maya Lind" in html
    assert "Book a free assessment call" in html


def test_it_says_what_stays_private_until_she_writes_it_herself(client, maya, assessment):
    assert Practitioner.objects.get().confidentiality_note == CONFIDENTIALITY_DEFAULT
    assert "What you tell me stays between us" in page(client)


def test_it_shows_her_photo_with_words_and_size(client, maya, assessment):
    a_photo(maya)
    version = maya.__class__.objects.get().photo.version
    html = page(client)
    img = re.search(r"<img [^>]*>", html, re.DOTALL).group(0)
    assert f'src="/practitioner/photo.jpg?v={version}"' in img
    assert 'alt="Portrait of Maya Lind"' in img
    assert 'width="600"' in img
    assert 'height="800"' in img
    assert 'loading="lazy"' in img


def test_it_shows_no_picture_without_a_photo(client, maya, assessment):
    assert "<img" not in page(client)


def test_it_says_who_she_is_while_nothing_can_be_booked(client, maya):
    with_profile(maya)
    html = page(client)
    assert "Maya Lind" in html
    assert "How I work" in html
    assert "Online booking is closed at the moment" in html


def test_it_loads_the_page_in_one_query_however_many_offers(client, maya, assessment):
    with_profile(maya)
    a_photo(maya)
    with CaptureQueriesContext(connection) as one_offer:
        page(client)
    for number in range(5):
        SessionTypeFactory(practitioner=maya, slug=f"offer-{number}", name=f"Offer {number}")
    with CaptureQueriesContext(connection) as six_offers:
        html = page(client)
    assert SessionType.objects.filter(active=True).count() == 6
    assert "Offer 4" in html
    assert len(one_offer) == len(six_offers) == 1
    # The photo's bytes stay in the database; the page only links to them.
    assert '"image"' not in six_offers[0]["sql"]


def test_it_names_the_first_practitioner_when_there_are_two(client, maya, assessment):
    PractitionerFactory(display_name="Someone Else")
    assert "Someone Else" not in page(client)


@pytest.mark.django_db(transaction=True)
def test_it_finds_no_serious_problems_on_a_full_landing_page(
    live_server, maya, assessment, single_session, browser, axe
):
    """On a phone: the photo loads under the strict policy, and axe finds nothing serious."""
    with_profile(maya)
    a_photo(maya)
    connection.close()  # the set-up's own connection, opened under Playwright's event loop
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    portrait = page.get_by_role("img", name="Portrait of Maya Lind")
    portrait.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=portrait.element_handle())
    assert portrait.evaluate("img => img.naturalWidth") == 600
    assert page.get_by_role("heading", level=1).inner_text() == "Maya Lind"
    axe(page)
    if os.environ.get("SCALES_SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCALES_SCREENSHOT_DIR']}/landing.png", full_page=True)
