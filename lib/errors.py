"""The one base for the domain's refusals.

A service raises a ``DomainError`` when a request cannot be carried out for a
reason the person should read (a time just taken, answers already sent). Views
show ``message``; ``code`` lets tests and callers tell the reasons apart
without parsing text.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request a service refused; ``message`` is written for the person who made it."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
