"""booking.services: hold, confirm, reschedule and cancel keep every rule."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from booking import events, services
from booking.models import Booking
from booking.selectors import slots_for
from clients.models import Client
from notifications.models import OutboundEmail
from notifications.services import outbox_kick

from ..clock import NOW, TUESDAY_9
from ..factories import BookingFactory, ClientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def details(**overrides) -> services.ClientDetails:
    values = {"name": "Ana Souza", "email": "ana@example.com", "time_zone": "America/Sao_Paulo"}
    return services.ClientDetails(**{**values, **overrides})


def hold_and_confirm(session_type, start=TUESDAY_9, **detail_overrides) -> Booking:
    held = services.booking_hold(
        session_type=session_type, slot_start=start, client_time_zone="America/Sao_Paulo"
    )
    return services.booking_confirm(public_id=held.public_id, details=details(**detail_overrides))


WEDNESDAY_9 = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


def hold_and_request(session_type, start=WEDNESDAY_9, **detail_overrides) -> Booking:
    """Hold a single session and give details: the link goes out, nothing is confirmed."""
    held = services.booking_hold(
        session_type=session_type, slot_start=start, client_time_zone="America/Sao_Paulo"
    )
    return services.booking_verify_request(
        public_id=held.public_id, details=details(**detail_overrides)
    )


def hold_and_verify(session_type, start=WEDNESDAY_9, **detail_overrides) -> Booking:
    """Book a single session as a person does: details, then the emailed link's button."""
    requested = hold_and_request(session_type, start, **detail_overrides)
    return services.booking_verify_confirm(
        public_id=requested.public_id, request=requested.pending_details["request"]
    )


def test_it_holds_a_free_slot_for_ten_minutes(assessment):
    booking = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="Asia/Kolkata"
    )
    assert booking.status == Booking.Status.HELD
    assert booking.held_until == NOW + timedelta(minutes=10)
    assert booking.end_at == TUESDAY_9 + timedelta(minutes=20)
    assert booking.blocked_end == TUESDAY_9 + timedelta(minutes=30)
    assert TUESDAY_9 not in slots_for(session_type=assessment)


@pytest.mark.parametrize(
    ("slot_start", "code"),
    [
        (NOW - timedelta(days=1), "past"),
        (NOW + timedelta(hours=1), "too_soon"),
        (datetime(2026, 6, 2, 7, 0, tzinfo=UTC), "too_far"),
        (TUESDAY_9 + timedelta(minutes=7), "not_offered"),
        (datetime(2026, 3, 7, 9, 0, tzinfo=UTC), "not_offered"),  # a Saturday
    ],
)
def test_it_refuses_times_never_offered_with_the_reason(assessment, slot_start, code):
    with pytest.raises(services.SlotUnavailable) as raised:
        services.booking_hold(
            session_type=assessment, slot_start=slot_start, client_time_zone="UTC"
        )
    assert raised.value.code == code
    assert not Booking.objects.exists()


def test_it_refuses_a_slot_already_held(assessment):
    services.booking_hold(session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC")
    with pytest.raises(services.SlotUnavailable) as raised:
        services.booking_hold(session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC")
    assert raised.value.code == "taken"
    assert Booking.objects.count() == 1


def test_it_refuses_a_slot_inside_another_bookings_buffer(assessment):
    assessment.slot_step_minutes = 5
    assessment.save()
    BookingFactory(session_type=assessment, start_at=TUESDAY_9)  # 09:00-09:20, buffer to 09:30
    with pytest.raises(services.SlotUnavailable) as raised:
        services.booking_hold(
            session_type=assessment,
            slot_start=TUESDAY_9 + timedelta(minutes=25),
            client_time_zone="UTC",
        )
    assert raised.value.code == "taken"
    services.booking_hold(
        session_type=assessment,
        slot_start=TUESDAY_9 + timedelta(minutes=30),
        client_time_zone="UTC",
    )


def test_it_releases_a_lapsed_hold_to_the_next_visitor(assessment, time_machine):
    services.booking_hold(session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC")
    time_machine.shift(timedelta(minutes=11))
    second = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    assert list(Booking.objects.values_list("pk", flat=True)) == [second.pk]


def test_it_enforces_the_daily_limit(assessment):
    assessment.max_per_day = 1
    assessment.save()
    hold_and_confirm(assessment)
    with pytest.raises(services.SlotUnavailable) as raised:
        services.booking_hold(
            session_type=assessment,
            slot_start=TUESDAY_9 + timedelta(hours=2),
            client_time_zone="UTC",
        )
    assert raised.value.code == "day_full"


def test_it_confirms_a_hold_and_creates_the_client(assessment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking = hold_and_confirm(assessment, mode="couple", partner_name="Jo")
    # The confirmation task is queued once, after commit (its delivery is tested in test_tasks).
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.client.email == "ana@example.com"
    assert booking.client.privacy_consent_at == NOW
    assert booking.partner_name == "Jo"
    assert [c for c in callbacks if c is outbox_kick] == [outbox_kick]


def test_it_finds_a_returning_client_by_email_in_any_case(assessment):
    existing = ClientFactory(email="Ana@Example.com", name="Ana S.")
    booking = hold_and_confirm(assessment, email="ana@EXAMPLE.com")
    assert booking.client == existing
    assert Client.objects.count() == 1
    assert booking.client.name == "Ana S."  # the practitioner's spelling is kept


def test_it_makes_one_booking_from_a_double_submit(assessment):
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    first = services.booking_confirm(public_id=held.public_id, details=details())
    second = services.booking_confirm(public_id=held.public_id, details=details())
    assert first.pk == second.pk
    assert Booking.objects.filter(status="confirmed").count() == 1


def test_it_honours_a_lapsed_hold_nobody_took(assessment, time_machine):
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    time_machine.shift(timedelta(minutes=30))
    booking = services.booking_confirm(public_id=held.public_id, details=details())
    assert booking.status == Booking.Status.CONFIRMED


def test_it_refuses_a_lapsed_hold_someone_else_took(assessment, time_machine):
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    time_machine.shift(timedelta(minutes=11))
    hold_and_confirm(assessment, email="other@example.com")
    with pytest.raises(services.SlotUnavailable):
        services.booking_confirm(public_id=held.public_id, details=details())
    assert not Booking.objects.filter(client__email="ana@example.com").exists()


def test_it_sends_new_people_to_an_assessment_call_first(single_session):
    with pytest.raises(services.NotReturningClient):
        hold_and_verify(single_session)
    assert not Client.objects.exists()
    assert Booking.objects.get().status == Booking.Status.HELD


def test_it_books_a_single_session_for_someone_who_had_a_call(assessment, single_session):
    client = ClientFactory(email="ana@example.com")
    BookingFactory(
        session_type=assessment,
        client=client,
        start_at=NOW - timedelta(days=7),
        status=Booking.Status.COMPLETED,
    )
    booking = hold_and_verify(single_session)
    assert booking.client == client
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.email_verified_at == NOW
    client.refresh_from_db()
    assert (client.time_zone, client.privacy_consent_at) == ("America/Sao_Paulo", NOW)  # proven
    assert not booking.email_of_existing_client


def test_it_does_not_count_a_future_or_missed_call_as_had(assessment, single_session):
    client = ClientFactory(email="ana@example.com")
    BookingFactory(session_type=assessment, client=client, start_at=TUESDAY_9)
    BookingFactory(
        session_type=assessment,
        client=client,
        start_at=NOW - timedelta(days=7),
        status=Booking.Status.NO_SHOW,
    )
    with pytest.raises(services.NotReturningClient):
        hold_and_verify(single_session)


def test_it_confirms_a_single_session_only_from_the_emailed_link(single_session):
    ClientFactory(email="ana@example.com", status="client")
    with pytest.raises(services.EmailNotProven):
        hold_and_confirm(single_session, start=WEDNESDAY_9)
    assert Booking.objects.get().status == Booking.Status.HELD


@pytest.mark.parametrize("returning", [True, False])
def test_it_asks_nothing_about_the_email_when_a_single_session_is_requested(
    single_session, returning
):
    ana = ClientFactory(email="ana@example.com", status="client") if returning else None
    booking = hold_and_request(single_session, name="Someone", time_zone="Asia/Tokyo")

    assert booking.status == Booking.Status.HELD
    assert booking.held_until == NOW + timedelta(minutes=30)
    assert booking.pending_details["email"] == "ana@example.com"
    assert booking.pending_details["request"] == 1
    [link] = OutboundEmail.objects.filter(kind="booking_verify")
    assert link.to_email == "ana@example.com"
    assert link.recipient_client_id == (ana.pk if ana else None)
    assert link.due_at == NOW
    assert Client.objects.count() == (1 if returning else 0)
    if ana is not None:
        fresh = Client.objects.get(pk=ana.pk)
        assert (fresh.name, fresh.time_zone, fresh.privacy_consent_at, fresh.updated_at) == (
            ana.name,
            ana.time_zone,
            ana.privacy_consent_at,
            ana.updated_at,
        )


def test_it_confirms_from_the_link_only_within_the_hold(single_session, time_machine):
    ClientFactory(email="ana@example.com", status="client")
    requested = hold_and_request(single_session)
    time_machine.shift(timedelta(minutes=30))
    with pytest.raises(services.HoldLapsed):
        services.booking_verify_confirm(public_id=requested.public_id, request=1)
    assert Booking.objects.get().status == Booking.Status.HELD


def test_it_lets_a_time_held_for_its_link_go_once_the_hold_lapses(single_session, time_machine):
    hold_and_request(single_session)
    time_machine.shift(timedelta(minutes=31))
    again = services.booking_hold(
        session_type=single_session, slot_start=WEDNESDAY_9, client_time_zone="UTC"
    )
    assert list(Booking.objects.values_list("pk", flat=True)) == [again.pk]


def test_it_accepts_only_the_newest_link(single_session):
    ClientFactory(email="ana@example.com", status="client")
    first = hold_and_request(single_session, email="ana@exmaple.com")
    second = services.booking_verify_request(public_id=first.public_id, details=details())

    assert second.pending_details["request"] == 2
    with pytest.raises(services.VerifyLinkReplaced):
        services.booking_verify_confirm(public_id=first.public_id, request=1)
    links = OutboundEmail.objects.filter(kind="booking_verify").order_by("pk")
    assert [(e.to_email, e.status) for e in links] == [
        ("ana@exmaple.com", OutboundEmail.Status.CANCELLED),
        ("ana@example.com", OutboundEmail.Status.SCHEDULED),
    ]
    booking = services.booking_verify_confirm(public_id=first.public_id, request=2)
    assert booking.client.email == "ana@example.com"
    again = services.booking_verify_confirm(public_id=first.public_id, request=2)
    assert again.pk == booking.pk  # a second press
    assert booking.pending_details == {"request": 2}  # the typed copy is not kept


def test_it_sends_only_a_few_links_for_one_held_time(single_session):
    booking = hold_and_request(single_session)
    for _ in range(services.VERIFY_REQUESTS_PER_HOLD - 1):
        services.booking_verify_request(public_id=booking.public_id, details=details())
    with pytest.raises(services.TooManyVerifyLinks):
        services.booking_verify_request(public_id=booking.public_id, details=details())
    assert OutboundEmail.objects.filter(kind="booking_verify").count() == 3


def test_it_leaves_an_existing_clients_record_alone_when_their_email_books_a_call(assessment):
    earlier = NOW - timedelta(days=90)
    ana = ClientFactory(
        email="ana@example.com", time_zone="Europe/Berlin", privacy_consent_at=earlier
    )
    booking = hold_and_confirm(assessment, time_zone="Pacific/Auckland")

    ana.refresh_from_db()
    assert (ana.time_zone, ana.privacy_consent_at) == ("Europe/Berlin", earlier)
    assert booking.client == ana
    assert booking.client_time_zone == "Pacific/Auckland"
    assert booking.email_of_existing_client
    assert booking.checks == ["Booked with the email of an existing client: check with them."]


def test_it_flags_nothing_for_a_new_persons_call(assessment):
    booking = hold_and_confirm(assessment, mode="couple", partner_name="Sam")
    assert booking.checks == []
    assert booking.email_verified_at is None


def test_it_flags_a_partner_email_that_is_an_existing_clients(assessment):
    sam = ClientFactory(name="Samuel Okafor", email="sam@example.com", time_zone="Europe/Oslo")
    booking = hold_and_confirm(
        assessment, mode="couple", partner_name="Sam", partner_email="SAM@example.com"
    )
    assert booking.partner_is_existing_client
    assert booking.checks == ["The partner's email is an existing client's: check with them."]
    sam.refresh_from_db()
    assert (sam.name, sam.time_zone) == ("Samuel Okafor", "Europe/Oslo")


def test_it_records_the_proof_of_a_bookers_email_once(assessment, time_machine):
    heard = []
    events.booking_email_verified.connect(heard.append)
    try:
        booking = hold_and_confirm(assessment)
        time_machine.shift(timedelta(hours=1))
        services.booking_email_verify(booking=booking)
        time_machine.shift(timedelta(hours=1))
        proven = services.booking_email_verify(booking=booking)
    finally:
        events.booking_email_verified.disconnect(heard.append)
    assert proven.email_verified_at == NOW + timedelta(hours=1)
    assert [event.booking.pk for event in heard] == [booking.pk]


def test_it_records_no_proof_for_a_cancelled_booking(assessment):
    booking = services.booking_cancel(booking=hold_and_confirm(assessment))
    assert services.booking_email_verify(booking=booking).email_verified_at is None


def test_it_reschedules_to_a_free_time_and_frees_the_old_one(assessment):
    booking = hold_and_confirm(assessment)
    new_start = TUESDAY_9 + timedelta(hours=1)
    moved = services.booking_reschedule(booking=booking, new_start=new_start)
    assert moved.start_at == new_start
    assert moved.sequence == 1
    free = slots_for(session_type=assessment)
    assert TUESDAY_9 in free
    assert new_start not in free


def test_it_refuses_to_reschedule_onto_a_taken_time(assessment):
    booking = hold_and_confirm(assessment)
    other = TUESDAY_9 + timedelta(hours=2)
    BookingFactory(session_type=assessment, start_at=other)
    with pytest.raises(services.SlotUnavailable):
        services.booking_reschedule(booking=booking, new_start=other)
    booking.refresh_from_db()
    assert booking.start_at == TUESDAY_9


def test_it_refuses_changes_after_the_cutoff(assessment, time_machine):
    booking = hold_and_confirm(assessment)
    time_machine.move_to(TUESDAY_9 - timedelta(hours=11))
    with pytest.raises(services.ChangeTooLate):
        services.booking_cancel(booking=booking)
    with pytest.raises(services.ChangeTooLate):
        services.booking_reschedule(booking=booking, new_start=TUESDAY_9 + timedelta(days=1))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_it_lets_the_practitioner_cancel_at_any_time(assessment, time_machine):
    booking = hold_and_confirm(assessment)
    time_machine.move_to(TUESDAY_9 - timedelta(hours=1))
    cancelled = services.booking_cancel(booking=booking, by_practitioner=True)
    assert cancelled.status == Booking.Status.CANCELLED
    assert cancelled.cancelled_at == TUESDAY_9 - timedelta(hours=1)


def test_it_frees_a_cancelled_time(assessment):
    booking = hold_and_confirm(assessment)
    services.booking_cancel(booking=booking)
    assert TUESDAY_9 in slots_for(session_type=assessment)


def test_it_rolls_back_everything_when_a_later_step_fails(assessment, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "client_get_or_create_for_booking", broken)
    held = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    with pytest.raises(RuntimeError):
        services.booking_confirm(public_id=held.public_id, details=details())
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD
    assert not Client.objects.exists()
    assert mail.outbox == []


def test_it_purges_only_long_lapsed_holds(assessment, time_machine):
    old = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9, client_time_zone="UTC"
    )
    time_machine.shift(timedelta(minutes=55))
    recent = services.booking_hold(
        session_type=assessment, slot_start=TUESDAY_9 + timedelta(hours=1), client_time_zone="UTC"
    )
    confirmed = hold_and_confirm(assessment, start=TUESDAY_9 + timedelta(hours=2))
    time_machine.shift(timedelta(minutes=30))
    assert services.booking_holds_purge() == 1
    remaining = set(Booking.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, confirmed.pk}
    assert old.pk not in remaining


def test_it_counts_only_this_session_types_bookings_for_the_daily_limit(assessment, single_session):
    assessment.max_per_day = 1
    assessment.save()
    BookingFactory(session_type=single_session, start_at=TUESDAY_9 + timedelta(hours=5))
    booking = hold_and_confirm(assessment)
    assert booking.status == Booking.Status.CONFIRMED


def test_it_raises_the_calendar_version_on_every_change_of_free_times(assessment, maya):
    def version() -> int:
        maya.refresh_from_db()
        return maya.calendar_version

    start = version()
    booking = hold_and_confirm(assessment)
    after_hold = version()
    services.booking_reschedule(booking=booking, new_start=TUESDAY_9 + timedelta(hours=1))
    after_move = version()
    services.booking_cancel(booking=booking)
    assert start < after_hold < after_move < version()
