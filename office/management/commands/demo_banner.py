"""Print, framed, where the demo practice is and how to sign in (the last thing `make run` shows).

With ``--wait`` (the Procfile's banner process) it first waits until the web
server answers and the seeded emails are out, so the box comes after every
start-up line, then stays idle until `make run` stops: honcho stops every
process as soon as one exits.
"""

import os
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from booking.demo import DEMO_USERNAME
from notifications.models import OutboundEmail
from office.demo import DEMO_RECOVERY_CODES, demo_password

POLL_SECONDS = 0.25


class Command(BaseCommand):
    help = "Print the demo's addresses and login in a box; --wait: once the web server answers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Wait for the web server on WEB_PORT and the due emails, print, then stay idle "
            "until stopped (for the Procfile).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=60,
            help="Seconds to wait before printing anyway (default 60).",
        )

    def handle(self, *args, wait: bool, timeout: float, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_banner prints the demo practitioner's password; "
                "it only runs with DEBUG=true (never in production)."
            )
        if not wait:
            self.stdout.write(self.banner())
            return
        for name in (signal.SIGINT, signal.SIGTERM):
            signal.signal(name, _exit_quietly)
        port = int(os.environ.get("WEB_PORT", "8000"))
        deadline = time.monotonic() + timeout
        web_answered = _wait_until(lambda: web_answers(port), deadline)
        # The worker writes a line per seeded email; waiting for them keeps the box last.
        _wait_until(outbox_idle, deadline)
        note = "" if web_answered else f"The web server did not answer on port {port}: see above."
        self.stdout.write(self.banner(note=note))
        self.stdout.flush()  # a pipe (honcho) holds output back otherwise
        while True:
            signal.pause()

    def banner(self, *, note: str = "") -> str:
        """Return the framed box: the addresses, the login, the second factor, the emails."""
        site = settings.SITE_URL
        lines = [
            "Scales is running with a demo practice.",
            "",
            f"Booking pages   {site}/",
            f"Office          {site}{reverse('admin:index')}",
            *self.login_lines(),
            "Emails          one line each here; read them in the office's email log:",
            f"                {site}{reverse('admin:notifications_outboundemail_changelist')}",
            "",
            "Ctrl-C stops everything.",
        ]
        if note:
            lines += ["", note]
        return framed(lines)

    def login_lines(self) -> list[str]:
        user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            return ["                no demo practitioner yet: run `python manage.py seed_demo`"]
        password = demo_password()
        if user.check_password(password):
            shown = password
        else:
            shown = "the one you chose (not DEMO_PASSWORD any more)"
        return [
            f"  username      {DEMO_USERNAME}",
            f"  password      {shown}",
            "  second factor `make otp` in another terminal for the current code,",
            f"                or a recovery code, {DEMO_RECOVERY_CODES[0]} to "
            f"{DEMO_RECOVERY_CODES[-1]} (each works once)",
        ]


def framed(lines: list[str]) -> str:
    """Return the lines in a box drawn with box-drawing characters."""
    width = max(len(line) for line in lines)
    rows = [f"│ {line.ljust(width)} │" for line in lines]
    return "\n".join([f"┌{'─' * (width + 2)}┐", *rows, f"└{'─' * (width + 2)}┘"])


def web_answers(port: int) -> bool:
    """Say whether the development server answers on this port (any HTTP status will do)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:  # refused, reset or timed out while it starts
        return False


def outbox_idle() -> bool:
    """Say whether no email is due or being sent."""
    busy = Q(status=OutboundEmail.Status.SCHEDULED, due_at__lte=timezone.now()) | Q(
        status=OutboundEmail.Status.SENDING
    )
    return not OutboundEmail.objects.filter(busy).exists()


def _wait_until(ready: Callable[[], bool], deadline: float) -> bool:
    while not ready():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def _exit_quietly(signum, frame):
    sys.exit(0)
