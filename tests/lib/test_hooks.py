"""lib.hooks: receivers are called in order, once each, and their errors are never swallowed."""

from dataclasses import dataclass

import pytest

from lib.hooks import Collector, Hook


@dataclass(frozen=True)
class Happened:
    what: str


def test_it_calls_every_receiver_in_the_order_they_connected():
    hook: Hook[Happened] = Hook("happened")
    heard: list[str] = []
    hook.connect(lambda event: heard.append(f"first {event.what}"))
    hook.connect(lambda event: heard.append(f"second {event.what}"))
    hook.send(Happened("booked"))
    assert heard == ["first booked", "second booked"]


def test_it_connects_a_receiver_once_however_often_ready_runs():
    hook: Hook[Happened] = Hook("happened")
    heard: list[str] = []

    def receiver(event: Happened) -> None:
        heard.append(event.what)

    hook.connect(receiver)
    hook.connect(receiver)
    hook.send(Happened("booked"))
    assert heard == ["booked"]
    hook.disconnect(receiver)
    hook.send(Happened("again"))
    assert heard == ["booked"]


def test_it_lets_a_receivers_error_reach_the_sender():
    hook: Hook[Happened] = Hook("happened")
    heard: list[str] = []

    def broken(event: Happened) -> None:
        raise RuntimeError("disk full")

    hook.connect(broken)
    hook.connect(lambda event: heard.append(event.what))
    with pytest.raises(RuntimeError, match="disk full"):
        hook.send(Happened("booked"))
    assert heard == []  # later receivers do not run after a failure


def test_it_collects_the_contributions_that_are_not_none():
    panels: Collector[Happened, str] = Collector("panels")
    panels.connect(lambda event: f"panel for {event.what}")
    panels.connect(lambda event: None)
    assert panels.collect(Happened("booking")) == ["panel for booking"]
