"""Races: many visitors press "Book" for the same time at the same instant.

Each attempt runs in its own thread with its own database connection, and a
barrier releases them all together so their transactions really overlap. The
services lock the practitioner's row before they check the time, so exactly one
attempt wins and every other one is told the time was just taken. On PostgreSQL
the exclusion constraint ``booking_no_overlap`` backs this up; some tests here
switch the Python check off to show that the constraint alone holds the line.

The PostgreSQL tests need ``DATABASE_URL=postgres://...``. The SQLite race runs
in a child process on a fresh SQLite file with the project's own settings,
because pytest-django's in-memory test database cannot host it (see there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from booking import services
from booking.models import AvailabilityRule, Booking, Practitioner, SessionType
from booking.selectors import live_bookings_q, slots_for

from ..clock import NOW
from ..factories import BookingFactory, PractitionerFactory, SessionTypeFactory

THREADS = 30
ROUNDS = 3
# Generous: a broken barrier or a stuck thread fails the test instead of hanging it.
WAIT_SECONDS = 60

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TUESDAY, WEDNESDAY, THURSDAY = 3, 4, 5  # days of March 2026, the week of NOW

# time-machine moves the clock for every thread, so all racers share one "now".
pytestmark = pytest.mark.time_machine(NOW, tick=False)


def amsterdam(day: int, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of a wall-clock time in Maya's zone, in March 2026."""
    return datetime(2026, 3, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


# --- The race ---------------------------------------------------------------------

# Runs in the racer's thread before the barrier (loading what it needs) and
# returns the write to attempt once every racer is ready.
Prepare = Callable[[], Callable[[], Booking]]


def hold(session_type_id: int, slot_start: datetime) -> Prepare:
    def prepare() -> Callable[[], Booking]:
        # Each racer gets its own instances: model instances are not shared across threads.
        session_type = SessionType.objects.select_related("practitioner").get(pk=session_type_id)
        return lambda: services.booking_hold(
            session_type=session_type, slot_start=slot_start, client_time_zone="Europe/London"
        )

    return prepare


def reschedule(booking_id: int, new_start: datetime) -> Prepare:
    def prepare() -> Callable[[], Booking]:
        booking = Booking.objects.get(pk=booking_id)
        return lambda: services.booking_reschedule(booking=booking, new_start=new_start)

    return prepare


@dataclass(frozen=True)
class Race:
    """What each racer ended with: a Booking, or the exception it raised."""

    outcomes: list[object]

    @property
    def winners(self) -> list[Booking]:
        return [o for o in self.outcomes if isinstance(o, Booking)]

    @property
    def refused(self) -> list[services.SlotUnavailable]:
        return [o for o in self.outcomes if isinstance(o, services.SlotUnavailable)]

    def tally(self) -> dict:
        """A plain summary, the same in this process and in the SQLite child process."""
        return {
            "racers": len(self.outcomes),
            "won": [booking.pk for booking in self.winners],
            "refused": [
                [error.code, type(error.__cause__).__name__ if error.__cause__ else None]
                for error in self.refused
            ],
            "errors": [
                repr(o)
                for o in self.outcomes
                if not isinstance(o, Booking | services.SlotUnavailable)
            ],
        }


def race(racers: Sequence[Prepare]) -> Race:
    """Run every racer in its own thread, all released at once by a barrier."""
    barrier = threading.Barrier(len(racers), timeout=WAIT_SECONDS)
    outcomes: list[object] = [None] * len(racers)

    def run(index: int, prepare: Prepare) -> None:
        try:
            try:
                attempt = prepare()
            except BaseException:
                barrier.abort()  # release the others now rather than at the timeout
                raise
            barrier.wait()
            outcomes[index] = attempt()
        except Exception as error:  # every outcome is asserted on in the main thread
            outcomes[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=run, args=(index, prepare), name=f"racer-{index}", daemon=True)
        for index, prepare in enumerate(racers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"racers still running after {WAIT_SECONDS}s: {stuck}"
    return Race(outcomes)


def assert_exactly_one_won(tally: dict, *, stopped_by: str | None = None) -> int:
    """Check one winner and a clean "just taken" for everyone else; return the winner's pk.

    ``stopped_by`` is what stopped the losers: None for the Python check (under the
    practitioner lock), "IntegrityError" for the exclusion constraint.
    """
    assert tally["errors"] == [], f"racers failed with something else: {tally['errors']}"
    assert len(tally["won"]) == 1, f"{len(tally['won'])} of {tally['racers']} racers won"
    assert len(tally["refused"]) == tally["racers"] - 1
    assert {code for code, _ in tally["refused"]} == {"taken"}
    causes = {cause for _, cause in tally["refused"]}
    assert causes == {stopped_by}, f"losers were stopped by {causes}, expected {stopped_by}"
    return tally["won"][0]


def live_overlapping(practitioner: Practitioner, start: datetime, end: datetime) -> QuerySet:
    """Live bookings of this practitioner whose blocked range meets [start, end)."""
    return Booking.objects.filter(
        live_bookings_q(NOW),
        practitioner=practitioner,
        blocked_start__lt=end,
        blocked_end__gt=start,
    )


def blocked(session_type: SessionType, start: datetime) -> tuple[datetime, datetime]:
    end = start + minutes(session_type.duration_minutes)
    return (
        start - minutes(session_type.buffer_before_minutes),
        end + minutes(session_type.buffer_after_minutes),
    )


# --- PostgreSQL: the lock decides --------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_thirty_simultaneous_holds_win(postgres, assessment):
    free = slots_for(session_type=assessment)
    chosen = [free[0], free[len(free) // 2], free[-1]]  # three rounds, three different slots
    assert len(set(chosen)) == ROUNDS

    for round_number, slot in enumerate(chosen, start=1):
        result = race([hold(assessment.pk, slot)] * THREADS)

        winner = assert_exactly_one_won(result.tally())
        live = live_overlapping(assessment.practitioner, *blocked(assessment, slot))
        assert list(live.values_list("pk", flat=True)) == [winner], f"round {round_number}"
        assert Booking.objects.get(pk=winner).start_at == slot
        assert slot not in slots_for(session_type=assessment)
    assert Booking.objects.count() == ROUNDS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "session_offset", [-30, 0], ids=["session-half-an-hour-earlier", "same-start"]
)
def test_it_lets_one_win_when_different_lengths_overlap(
    postgres, assessment, single_session, session_offset
):
    # 20-minute call blocks [T, T+30); 50-minute session blocks [S, S+60) with S = T-30 or T.
    for day in (TUESDAY, WEDNESDAY, THURSDAY):
        call_start = amsterdam(day, 10, 30) if session_offset else amsterdam(day, 10)
        session_start = call_start + minutes(session_offset)
        call_range = blocked(assessment, call_start)
        session_range = blocked(single_session, session_start)
        assert call_range[0] < session_range[1], "the ranges must overlap"
        assert session_range[0] < call_range[1], "the ranges must overlap"
        assert call_start in slots_for(session_type=assessment)
        assert session_start in slots_for(session_type=single_session)

        racers = [
            hold(assessment.pk, call_start) if index % 2 else hold(single_session.pk, session_start)
            for index in range(THREADS)
        ]
        winner = assert_exactly_one_won(race(racers).tally())

        either = (min(call_range[0], session_range[0]), max(call_range[1], session_range[1]))
        live = live_overlapping(assessment.practitioner, *either)
        assert list(live.values_list("pk", flat=True)) == [winner], f"day {day}"
        assert call_start not in slots_for(session_type=assessment)
        assert session_start not in slots_for(session_type=single_session)
    assert Booking.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_one_win_when_holds_and_reschedules_race(postgres, assessment):
    target = amsterdam(TUESDAY, 9)
    assert target in slots_for(session_type=assessment)
    later = [
        s
        for s in slots_for(session_type=assessment)
        if s.astimezone(AMSTERDAM).date() > target.astimezone(AMSTERDAM).date()
    ]
    movers = [BookingFactory(session_type=assessment, start_at=start) for start in later[:15]]

    racers: list[Prepare] = []
    for mover in movers:
        racers += [reschedule(mover.pk, target), hold(assessment.pk, target)]
    winner = assert_exactly_one_won(race(racers).tally())

    live = live_overlapping(assessment.practitioner, *blocked(assessment, target))
    assert list(live.values_list("pk", flat=True)) == [winner]
    for mover in movers:
        mover_now = Booking.objects.get(pk=mover.pk)
        moved = mover_now.pk == winner
        assert mover_now.start_at == (target if moved else mover.start_at)
        assert mover_now.sequence == (1 if moved else 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_reports_a_lapsed_hold_taken_while_confirming_as_taken(
    postgres, assessment, time_machine
):
    slot = amsterdam(TUESDAY, 9)
    lapsed = services.booking_hold(session_type=assessment, slot_start=slot, client_time_zone="UTC")
    time_machine.shift(minutes(settings.BOOKING_HOLD_MINUTES + 1))

    # Between confirm's first read of the hold and its lock on the practitioner,
    # another visitor holds the same time in their own transaction and commits,
    # which deletes the lapsed hold.
    real_lock = services._lock_practitioner
    rival_ran = threading.Event()
    rivals: list[Race] = []

    def lock_after_a_rival(practitioner_id: int) -> Practitioner:
        if not rival_ran.is_set():
            rival_ran.set()
            rivals.append(race([hold(assessment.pk, slot)]))
        return real_lock(practitioner_id)

    details = services.ClientDetails(name="Ana", email="ana@example.com", time_zone="UTC")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_lock_practitioner", lock_after_a_rival)
        with pytest.raises(services.SlotUnavailable) as raised:
            services.booking_confirm(public_id=lapsed.public_id, details=details)

    assert raised.value.code == "taken"
    (rival,) = rivals[0].tally()["won"]
    assert list(Booking.objects.values_list("pk", "status")) == [(rival, Booking.Status.HELD)]


# --- PostgreSQL: the exclusion constraint on its own -------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_the_constraint_alone_stop_a_race(postgres, assessment, monkeypatch):
    # No lock and no check: thirty transactions go straight to the INSERT (the
    # practitioner is read, unlocked, for the pause switch).
    monkeypatch.setattr(
        services,
        "_lock_practitioner",
        lambda practitioner_id: Practitioner.objects.get(pk=practitioner_id),
    )
    monkeypatch.setattr(services, "_check_slot", lambda **kwargs: None)
    slot = amsterdam(TUESDAY, 9)

    result = race([hold(assessment.pk, slot)] * THREADS)

    winner = assert_exactly_one_won(result.tally(), stopped_by="IntegrityError")
    live = live_overlapping(assessment.practitioner, *blocked(assessment, slot))
    assert list(live.values_list("pk", flat=True)) == [winner]


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_refuses_overlapping_live_bookings_written_directly(
    postgres, assessment, single_session
):
    call_start = amsterdam(TUESDAY, 10, 30)  # blocks 10:30-11:00
    BookingFactory(session_type=assessment, start_at=call_start)

    overlapping = {
        # The session blocks 10:00-11:00 and covers the whole call.
        "confirmed": {"session_type": single_session, "start_at": amsterdam(TUESDAY, 10)},
        # A hold counts as much as a confirmed booking, even once lapsed: the
        # database knows nothing of time, which is why holds release lapsed ones.
        "held": {
            "session_type": assessment,
            "start_at": call_start + minutes(10),
            "status": Booking.Status.HELD,
            "client": None,
            "held_until": NOW - minutes(1),
        },
    }
    for label, fields in overlapping.items():
        with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
            BookingFactory(**fields)
        assert Booking.objects.count() == 1, label


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Booking.Status.CANCELLED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW]
)
def test_it_lets_a_booking_that_is_not_live_overlap(postgres, assessment, single_session, status):
    call_start = amsterdam(TUESDAY, 10, 30)
    BookingFactory(session_type=assessment, start_at=call_start, status=status)
    BookingFactory(session_type=single_session, start_at=amsterdam(TUESDAY, 10))

    # And the other way round: a live booking that stops being live frees its time.
    live = BookingFactory(session_type=assessment, start_at=amsterdam(WEDNESDAY, 10))
    live.status = status
    live.save()
    BookingFactory(session_type=assessment, start_at=amsterdam(WEDNESDAY, 10))

    assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_lets_back_to_back_bookings_and_other_practitioners_share_an_edge(postgres, assessment):
    first = BookingFactory(session_type=assessment, start_at=amsterdam(TUESDAY, 10))
    # Ranges are half-open: the next one may start exactly where the buffer ends.
    BookingFactory(session_type=assessment, start_at=first.blocked_end)
    # Another practitioner's calendar is a different calendar.
    BookingFactory(start_at=first.start_at)

    assert Booking.objects.count() == 3


# --- SQLite ------------------------------------------------------------------------


def open_monday_to_thursday(practitioner: Practitioner) -> None:
    """Maya's week, as the ``maya`` fixture gives it (fixtures are not available in the child)."""
    for weekday in range(4):
        for start, end in ((time(9), time(12)), (time(14), time(17))):
            AvailabilityRule.objects.create(
                practitioner=practitioner, weekday=weekday, start_time=start, end_time=end
            )


def sqlite_child() -> None:
    """The child process of the SQLite test: migrate a fresh file, race, print the tallies."""
    from django.core.management import call_command

    assert connection.vendor == "sqlite"
    call_command("migrate", verbosity=0, interactive=False)
    maya = PractitionerFactory(user__username="maya")
    open_monday_to_thursday(maya)
    assessment = SessionTypeFactory(practitioner=maya, slug="assessment-call")

    rounds = []
    with time_machine.travel(NOW, tick=False):
        free = slots_for(session_type=assessment)
        for slot in (free[0], free[len(free) // 2], free[-1]):
            tally = race([hold(assessment.pk, slot)] * THREADS).tally()
            tally["live"] = list(
                live_overlapping(maya, *blocked(assessment, slot)).values_list("pk", flat=True)
            )
            tally["offered_after"] = slot in slots_for(session_type=assessment)
            rounds.append(tally)
    print(json.dumps({"rounds": rounds, "bookings": Booking.objects.count()}))


def test_it_lets_exactly_one_of_thirty_simultaneous_holds_win_on_sqlite(tmp_path):
    # pytest-django gives SQLite tests an in-memory database in shared-cache mode
    # ("file:memorydb_default?mode=memory&cache=shared"). Threads can open it, but
    # shared-cache locking answers a second writer at once with "database table is
    # locked" (SQLITE_LOCKED, which the busy timeout does not wait for), so the
    # losers of a race there crash instead of queueing. The app really runs on a
    # SQLite *file* (WAL, IMMEDIATE transactions, 20 s busy timeout), so the race
    # runs in a child process with the project's settings on a fresh file.
    if connection.vendor != "sqlite":
        pytest.skip(f"the configured database is {connection.vendor}, not SQLite")
    database = tmp_path / "race.sqlite3"
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from tests.booking.test_race import sqlite_child; sqlite_child()",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "practice.settings",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=5 * WAIT_SECONDS,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout.strip().splitlines()[-1])

    assert len(report["rounds"]) == ROUNDS
    for tally in report["rounds"]:
        winner = assert_exactly_one_won(tally)
        assert tally["live"] == [winner]
        assert tally["offered_after"] is False
    assert report["bookings"] == ROUNDS
