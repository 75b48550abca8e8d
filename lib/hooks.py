"""A small typed registry: how a lower app tells higher ones what happened.

The lower app declares a ``Hook`` for an event type and calls ``send`` inside
the transaction of the service that caused it; a higher app ``connect``s a
receiver in its ``AppConfig.ready()``. Unlike Django signals, a receiver's
error is never swallowed: it propagates to the service, so its transaction
rolls back and nothing is half done. Unlike a direct call, the lower app never
imports the higher one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Event = TypeVar("Event")
Result = TypeVar("Result")


class Hook(Generic[Event]):
    """Receivers of one kind of event, called in the order they connected."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[[Event], object]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"

    def connect(self, receiver: Callable[[Event], object]) -> Callable[[Event], object]:
        """Add a receiver (once, however often ``ready()`` runs); usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[[Event], object]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def send(self, event: Event) -> None:
        """Call every receiver with the event; the first error stops and propagates."""
        for receiver in list(self._receivers):
            receiver(event)


class Collector(Generic[Event, Result]):
    """Receivers that each contribute a value about something, e.g. panels for a page.

    ``collect`` returns the contributions that are not None, in connection order.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Callable[[Event], Result | None]] = []

    def __repr__(self) -> str:
        return f"<Collector {self.name}: {len(self._providers)} provider(s)>"

    def connect(
        self, provider: Callable[[Event], Result | None]
    ) -> Callable[[Event], Result | None]:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def disconnect(self, provider: Callable[[Event], Result | None]) -> None:
        if provider in self._providers:
            self._providers.remove(provider)

    def collect(self, event: Event) -> list[Result]:
        results = []
        for provider in list(self._providers):
            value = provider(event)
            if value is not None:
                results.append(value)
        return results
