"""booking.services: hold, confirm, reschedule and cancel keep every rule."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from booking import services
from booking.models import Booking
from booking.selectors import slots_for
from clients.models import Client

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
    assert len(callbacks) == 1


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
        hold_and_confirm(single_session, start=datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
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
    booking = hold_and_confirm(single_session, start=datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert booking.client == client


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
        hold_and_confirm(single_session, start=datetime(2026, 3, 4, 8, 0, tzinfo=UTC))


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
