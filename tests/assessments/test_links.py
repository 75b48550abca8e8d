"""assessments.links: each email carries the link of the person it is written to."""

import pytest

from assessments.links import intake_path, intake_url_for_email
from assessments.tokens import intake_token_read
from booking.emails import booking_load

from ..clock import NOW, TUESDAY_9
from ..emails import email_row, rendered
from ..factories import BookingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def email(booking, kind, to):
    return email_row(booking, kind, to)


def link_in(email_):
    return intake_url_for_email(email_, booking_load(email_.subject_id))


def public_id_in(url):
    return intake_token_read(url.rstrip("/").rsplit("/", 1)[-1])


def test_it_puts_the_clients_own_link_in_the_confirmation_and_nudge(couple_intakes):
    ana_intake, _ = couple_intakes
    booking = ana_intake.booking

    for kind in ("confirmation", "intake_nudge"):
        url = link_in(email(booking, kind, "ana@example.com"))
        assert url.startswith("https://book.example.com/intake/")
        assert public_id_in(url) == ana_intake.public_id


def test_it_puts_the_partners_own_link_in_the_invitation(couple_intakes):
    _, sam_intake = couple_intakes

    url = link_in(email(sam_intake.booking, "intake_invitation", "sam@EXAMPLE.com"))

    assert public_id_in(url) == sam_intake.public_id


@pytest.mark.parametrize(
    ("kind", "to"),
    [
        ("intake_invitation", "ana@example.com"),  # the client never gets the partner's link
        ("confirmation", "sam@example.com"),  # nor the partner the client's
        ("reminder", "ana@example.com"),
        ("urgent_alert", "maya@example.com"),
        ("new_booking_alert", "maya@example.com"),
    ],
)
def test_it_puts_no_link_in_other_emails(couple_intakes, kind, to):
    booking = couple_intakes[0].booking

    assert link_in(email(booking, kind, to)) == ""


def test_it_puts_no_link_in_a_single_sessions_emails(single_session, ana):
    booking = BookingFactory(session_type=single_session, start_at=TUESDAY_9, client=ana)

    assert link_in(email(booking, "confirmation", "ana@example.com")) == ""


def test_it_links_each_person_to_their_own_questionnaire_in_the_rendered_emails(couple_intakes):
    ana_intake, sam_intake = couple_intakes
    booking = ana_intake.booking
    confirmation = rendered(email(booking, "confirmation", "ana@example.com"))
    invitation = rendered(email(booking, "intake_invitation", "sam@example.com"))

    assert intake_path(ana_intake) in confirmation.body
    assert intake_path(ana_intake) not in invitation.body
    assert intake_path(sam_intake) in invitation.body
    assert intake_path(sam_intake) in invitation.alternatives[0].content
    assert intake_path(sam_intake) not in confirmation.body
