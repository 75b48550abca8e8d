"""Later rounds of a person's questionnaire (``services.intake_round_send``) and the
places that pick the latest round where a booking holds more than one."""

from datetime import timedelta

import pytest

from assessments import links, selectors, services
from assessments.models import Intake
from booking.models import Booking
from notifications.models import OutboundEmail

from ..clock import NOW, TUESDAY_9
from ..emails import rendered
from ..factories import BookingFactory
from .helpers import stored_answers

# Two days after Ana's assessment call, with her next session ahead.
AFTER_CALL = TUESDAY_9 + timedelta(days=2)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def sent(intake, **overrides):
    """Mark an intake sent with a full set of answers."""
    intake.answers = stored_answers(intake.instrument.definition, **overrides)
    intake.consent_at = intake.consent_at or NOW
    intake.status = Intake.Status.COMPLETED
    intake.submitted_at = NOW
    intake.save()
    return intake


@pytest.fixture
def later_session(single_session, ana):
    return BookingFactory(
        session_type=single_session, start_at=TUESDAY_9 + timedelta(days=14), client=ana
    )


def test_it_files_the_next_round_under_the_next_session(ana, ana_intake, later_session):
    sent(ana_intake)
    intake = services.intake_round_send(client=ana, now=AFTER_CALL)
    assert (intake.booking, intake.round, intake.role) == (later_session, 2, Intake.Role.CLIENT)
    assert intake.instrument == ana_intake.instrument
    assert intake.status == Intake.Status.NOT_STARTED
    assert intake.consent_at == ana_intake.consent_at
    assert intake.expires_at == AFTER_CALL + timedelta(days=120)


def test_it_files_it_under_the_most_recent_session_when_none_is_coming(
    ana, ana_intake, solo_booking, time_machine
):
    sent(ana_intake)
    time_machine.move_to(TUESDAY_9 + timedelta(days=30))
    Booking.objects.filter(pk=solo_booking.pk).update(status=Booking.Status.COMPLETED)
    intake = services.intake_round_send(client=ana)
    assert (intake.booking_id, intake.round) == (solo_booking.pk, 2)


def test_it_emails_the_rounds_own_link_and_no_answers(ana, ana_intake, later_session):
    sent(ana_intake, **{})
    intake = services.intake_round_send(client=ana, now=NOW)
    email = OutboundEmail.objects.get(kind="intake_round")
    assert (email.to_email, email.recipient_client_id) == (ana.email, ana.pk)
    message = rendered(email)
    assert links.intake_url(intake) in message.body
    assert links.intake_url(ana_intake) not in message.body
    assert "once more" in message.body


def test_it_refuses_while_a_questionnaire_is_unsent(ana, ana_intake, later_session):
    with pytest.raises(services.IntakeRoundError, match="not sent yet"):
        services.intake_round_send(client=ana, now=NOW)
    assert Intake.objects.count() == 1
    assert not OutboundEmail.objects.filter(kind="intake_round").exists()


def test_it_refuses_someone_who_never_had_a_questionnaire(ana, later_session):
    with pytest.raises(services.IntakeRoundError, match="not had a questionnaire"):
        services.intake_round_send(client=ana, now=NOW)


def test_it_numbers_each_round_on(ana, ana_intake, later_session):
    sent(ana_intake)
    second = sent(services.intake_round_send(client=ana, now=AFTER_CALL))
    third = services.intake_round_send(client=ana, now=AFTER_CALL)
    assert (second.round, third.round) == (2, 3)
    assert second.booking == third.booking == later_session


def test_it_sends_a_partner_their_own_round_on_the_couples_booking(couple_intakes):
    _ana_intake, sam_intake = couple_intakes
    sent(sam_intake)
    intake = services.intake_round_send(client=sam_intake.client, now=NOW)
    assert (intake.booking_id, intake.role, intake.round) == (
        sam_intake.booking_id,
        Intake.Role.PARTNER,
        2,
    )
    email = OutboundEmail.objects.get(kind="intake_round")
    assert email.to_email == sam_intake.client.email
    assert links.intake_url(intake) in rendered(email).body


# --- The latest round where one is needed ---------------------------------------------


@pytest.fixture
def two_rounds_on_one_booking(ana, ana_intake, solo_booking):
    """Ana's first round sent; a second, unsent, on the same booking (her next session)."""
    sent(ana_intake)
    return ana_intake, services.intake_round_send(client=ana, now=NOW)


def test_the_manage_page_shows_the_latest_round(two_rounds_on_one_booking, solo_booking):
    _first, second = two_rounds_on_one_booking
    assert second.booking_id == solo_booking.pk
    assert selectors.intake_for_client(solo_booking, now=NOW) == second


def test_the_booking_emails_link_the_latest_round(two_rounds_on_one_booking, solo_booking):
    _first, second = two_rounds_on_one_booking
    email = OutboundEmail(kind="intake_nudge", to_email="ana@example.com")
    assert links.intake_url_for_email(email, solo_booking) == links.intake_url(second)


def test_the_report_reads_the_latest_round(two_rounds_on_one_booking, solo_booking):
    _first, second = two_rounds_on_one_booking
    _booking, intakes = selectors.intakes_for_report(solo_booking.pk)
    assert intakes == [second]


def test_a_later_rounds_link_keeps_its_own_date(client, two_rounds_on_one_booking, time_machine):
    first, second = two_rounds_on_one_booking
    time_machine.move_to(TUESDAY_9 + timedelta(days=30))  # the booking's links have closed
    assert client.get(links.intake_path(first)).status_code == 404
    assert client.get(links.intake_path(second)).status_code == 302
    time_machine.move_to(NOW + timedelta(days=121))
    assert client.get(links.intake_path(second)).status_code == 404
