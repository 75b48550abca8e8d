"""The office's door rules, for every office URL whatever admin site or view serves it.

An office URL is any URL under the admin's prefix, or any view of an admin site
(they all share the ``admin`` application namespace), so a page added later
cannot forget the second factor. List these after django-otp's OTPMiddleware.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, reverse

from .selectors import authenticator_for
from .sessions import staff_session_expired, staff_session_touch

# The admin site's own views a person needs before the second factor.
ADMIN_OPEN_VIEWS = {"login", "logout"}


def second_factor_exempt(view: Callable) -> Callable:
    """Mark a view of the sign-in itself: reachable with a password but no second factor."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponse:
        return view(*args, **kwargs)

    wrapper.second_factor_exempt = True  # type: ignore[attr-defined]
    return wrapper


@cache
def _office_prefix() -> str:
    return reverse("admin:index")


def is_office_url(path: str, match: ResolverMatch | None) -> bool:
    return path.startswith(_office_prefix()) or (match is not None and "admin" in match.app_names)


def _is_open(view: Callable, match: ResolverMatch | None) -> bool:
    if getattr(view, "second_factor_exempt", False):
        return True
    return match is not None and "admin" in match.app_names and match.url_name in ADMIN_OPEN_VIEWS


class SecondFactorRequiredMiddleware:
    """Send a signed-in person without a verified second factor to set one up or enter it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        match = request.resolver_match
        if not is_office_url(request.path_info, match) or _is_open(view, match):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr]
            return None  # the admin sends the anonymous to its login page
        step = "staff_verify" if authenticator_for(user) else "staff_setup"
        return redirect_to_login(request.get_full_path(), reverse(step))


def staff_idle_timeout_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Sign out a session idle for STAFF_SESSION_IDLE_MINUTES (staff/sessions.py)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            if staff_session_expired(request.session):
                logout(request)
                login_url = reverse("admin:login")
                if is_office_url(request.path_info, None) and request.path_info != login_url:
                    minutes = settings.STAFF_SESSION_IDLE_MINUTES
                    messages.info(
                        request,
                        f"You were signed out after {minutes} minutes without activity, to "
                        "keep your clients' information safe. Please sign in again.",
                    )
                    return redirect_to_login(request.get_full_path(), login_url)
            else:
                staff_session_touch(request.session)
        return get_response(request)

    return middleware
