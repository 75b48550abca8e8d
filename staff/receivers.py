"""What the staff app does when Django or django-axes announce a login event."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone

from .services import lockout_record
from .sessions import staff_session_start


def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        staff_session_start(request.session)


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    lockout_record(username=username or "", ip_address=ip_address, now=timezone.now())


def receivers_connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="staff.on_login")
    user_locked_out.connect(on_locked_out, dispatch_uid="staff.on_locked_out")
