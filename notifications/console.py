"""Development email: one line per message in the console, the message itself in the office.

Django's console backend prints every message whole, as raw MIME: a seeded demo
fills the terminal, and the bodies (questionnaire nudges, follow-ups) are
health-adjacent text that belongs in the office's email log, which keeps every
message as sent, not in terminals and scrollback. This backend writes whom a
message is for, its subject and where to read it, and counts it as sent.

The exception is a kind that keeps no copy (EmailKind.keep_copy: a booking's
confirmation link, a questionnaire code, a password reset link): the office
cannot show it, so its plain text follows its line, or nobody could finish
those steps in development.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Sequence
from typing import IO

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import NoReverseMatch, reverse

from .kinds import UnknownKind, kind_get

# The outbox's Message-ID (notifications/rendering.py) names the row it was sent from.
OUTBOX_MESSAGE_ID = re.compile(r"<outbox-(\d+)@")


class OneLineConsoleBackend(BaseEmailBackend):
    """Write a line per message (recipients, subject, its page in the office), not its body."""

    def __init__(self, *, stream: IO[str] | None = None, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        # Celery's worker replaces sys.stdout with a logger that adds a timestamp
        # and a level to every line; the process's own stdout keeps it one line.
        self.stream = stream or sys.__stdout__ or sys.stdout
        self._lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        """Write each message's line; return how many were written (they count as sent)."""
        sent = 0
        with self._lock:
            for message in email_messages:
                try:
                    self.stream.write(message_text(message))
                    self.stream.flush()  # through a pipe (make run) it would wait otherwise
                except Exception:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent


def message_text(message: EmailMessage) -> str:
    """Return what the console shows of a message: one line, or a line and its one-time text."""
    recipients = ", ".join(message.recipients()) or "nobody"
    subject = " ".join(str(message.subject).split())
    headers = {name.lower(): str(value) for name, value in message.extra_headers.items()}
    line = f'email to {recipients}: "{subject}"'
    if _keeps_copy(headers.get("x-scales-kind", "")):
        return f"{line} (read it in the office: {_office_url(headers)})\n"
    body = "".join(f"    {text}\n" for text in str(message.body).strip().splitlines())
    return f"{line} (the office keeps no copy of its one-time link or code; here it is)\n{body}"


def _keeps_copy(kind_name: str) -> bool:
    try:
        return kind_get(kind_name).keep_copy
    except UnknownKind:  # not from the outbox: the email log is still where mail is listed
        return True


def _office_url(headers: dict[str, str]) -> str:
    """Return the office's page of this email, or the email log for a message not from the outbox."""
    match = OUTBOX_MESSAGE_ID.match(headers.get("message-id", ""))
    try:
        if match:
            path = reverse("admin:notifications_outboundemail_change", args=[int(match[1])])
        else:
            path = reverse("admin:notifications_outboundemail_changelist")
    except NoReverseMatch:  # a project without the office's admin
        path = "/admin/"
    return f"{settings.SITE_URL}{path}"
