"""Shared fixtures: the practice's personas, and switches for real services.

Personas: Maya, the practitioner in Amsterdam, who offers a free assessment call
and a single session, Monday to Thursday 09:00-12:00 and 14:00-17:00.

Tests that need PostgreSQL, Redis or a browser skip with the reason when those
are missing, unless SCALES_REQUIRE_SERVICES=1 (CI), where a skip would hide a
broken setup, so they fail instead.
"""

import contextlib
import functools
import os
import shutil
from datetime import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from booking.models import AvailabilityRule
from practice.celery import app as celery_app

from .accessibility import AXE_PATH, assert_accessible
from .factories import PractitionerFactory, SessionTypeFactory
from .staff.helpers import sign_in

# Tasks queued by code under test go to an in-process broker, never to the
# developer's var/broker queue; tests that need a real worker use Redis.
celery_app.conf.broker_url = "memory://"

REQUIRE_SERVICES = os.environ.get("SCALES_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def missing(reason: str) -> None:
    """Skip with the reason, or fail where every service is required (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (SCALES_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def public_limits_off(settings):
    """Run with the public limits off: a suite is one visitor sending many requests.

    The limits' own tests switch them on (tests/booking/test_limits.py).
    """
    settings.PUBLIC_LIMITS = False


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Give SQLite runs a test database file, not pytest-django's shared-cache memory one.

    In shared-cache mode a second connection is refused at once ("database table
    is locked") instead of waiting its turn, so any test with a second thread (a
    real Celery worker) fails at random. A file locks as the app does in use:
    WAL, IMMEDIATE transactions and a busy timeout.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture
def office(client, maya):
    """A test client signed in as Maya, second factor proved: the office's pages open."""
    sign_in(client, maya.user)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, with the second factor every office page asks for."""
    sign_in(client, admin_user)
    return client


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        missing("needs Redis: set REDIS_URL=redis://...")
    return settings.REDIS_URL


@pytest.fixture
def chromium_path():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing(f"needs Chromium at {CHROMIUM}: apt-get install chromium")
    return CHROMIUM


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Chromium logs every refused script, style or frame to the console, with or
# without JavaScript; with it, the page's own violation event is logged too (init
# scripts are not subject to the page's policy, so a script tag never is needed).
CSP_MESSAGE = "Content Security Policy"
LOG_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


class WatchedBrowser:
    """A Playwright browser whose pages' Content-Security-Policy violations are recorded."""

    def __init__(self, browser):
        self._browser = browser
        self._contexts = []
        self.violations = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(LOG_VIOLATIONS)
        context.on("console", lambda message: self._record(message.text))
        context.on("weberror", lambda error: self._record(str(error.error)))
        self._contexts.append(context)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def _record(self, text: str) -> None:
        if CSP_MESSAGE in text:
            self.violations.append(text)

    def assert_no_csp_violations(self) -> None:
        from playwright.sync_api import Error

        for context in self._contexts:
            # A round trip, so messages already sent arrive first; a context the test
            # closed has nothing left to say.
            with contextlib.suppress(Error):
                context.cookies()
        assert not self.violations, "Content Security Policy violations:\n" + "\n".join(
            self.violations
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test whose pages broke the Content-Security-Policy."""
    result = yield
    watched = item.funcargs.get("browser")
    if isinstance(watched, WatchedBrowser):
        watched.assert_no_csp_violations()
    return result


@pytest.fixture
def browser(chromium_path, monkeypatch):
    """Debian's Chromium, headless, driven by Playwright's sync API, watched for CSP violations."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which trips
    # Django's async-unsafe guard on every ORM call the test makes.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield WatchedBrowser(launched)
        launched.close()


@pytest.fixture
def axe():
    """Return ``check(page)``, which fails the test on the page's serious accessibility problems."""
    if not AXE_PATH.exists():
        missing("needs axe-core: npm ci")
    return functools.partial(assert_accessible, source=AXE_PATH.read_text())


@pytest.fixture
def maya(db):
    practitioner = PractitionerFactory(user__username="maya")
    for weekday in range(4):
        AvailabilityRule.objects.create(
            practitioner=practitioner, weekday=weekday, start_time=time(9), end_time=time(12)
        )
        AvailabilityRule.objects.create(
            practitioner=practitioner, weekday=weekday, start_time=time(14), end_time=time(17)
        )
    return practitioner


@pytest.fixture
def assessment(maya):
    return SessionTypeFactory(practitioner=maya, slug="assessment-call")


@pytest.fixture
def single_session(maya):
    return SessionTypeFactory(
        practitioner=maya,
        slug="single-session",
        name="Single session",
        kind="session",
        price_label="€110",
        duration_minutes=50,
        slot_step_minutes=60,
        min_notice_minutes=24 * 60,
        change_cutoff_hours=24,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache: cached pages must not leak between tests."""
    cache.clear()


@pytest.fixture(autouse=True)
def _email_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://book.example.com"
