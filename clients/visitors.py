"""Visitors to the public pages: who is asking, and how often they may write.

A visitor is their network (IPv4 address, or IPv6 /64) behind the proxies in
``TRUSTED_PROXIES``, hashed with the secret key so no address is stored or
logged. Every public write is limited per visitor (``limit_attempts``); the
counts live in the cache and fail open when it is down. ``PUBLIC_LIMITS``
switches all limits off (tests and the bench run so; the limits' own tests
switch them on).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lib.net import client_ip, trusted_networks, visitor_network
from lib.ratelimit import attempt_allowed

logger = logging.getLogger(__name__)


@functools.cache
def _trusted(proxies: tuple[str, ...]):
    return trusted_networks(proxies)


def request_ip(request: HttpRequest) -> str:
    """Return the address the request came from, believing only TRUSTED_PROXIES.

    The public limits and the staff login lockout (django-axes) both count by it.
    """
    return client_ip(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        _trusted(tuple(settings.TRUSTED_PROXIES)),
    )


def visitor_id(request: HttpRequest) -> str:
    """Return a stable, anonymous id for the visitor's network (32 hex characters)."""
    network = visitor_network(request_ip(request)) or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), network.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def too_many(request: HttpRequest) -> HttpResponse:
    """The calm answer to a visitor over a limit."""
    response = render(request, "too_many.html", status=429)
    response["Retry-After"] = str(settings.PUBLIC_ATTEMPTS_WINDOW_SECONDS)
    return response


def limit_attempts(scope: str) -> Callable:
    """Limit a view's POSTs to PUBLIC_ATTEMPTS_PER_WINDOW per visitor and window.

    GETs are never limited: reading a page changes nothing.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and settings.PUBLIC_LIMITS:
                key = f"attempts:{scope}:{visitor_id(request)}"
                allowed = attempt_allowed(
                    cache,
                    key,
                    limit=settings.PUBLIC_ATTEMPTS_PER_WINDOW,
                    window_seconds=settings.PUBLIC_ATTEMPTS_WINDOW_SECONDS,
                )
                if not allowed:
                    logger.info("visitor over the %s limit", scope)
                    return too_many(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
