"""Health checks for the host's monitoring and the office: is email still flowing?

Used with django-health-check's view (see ``practice/urls.py``) beside its
database and cache checks. Messages name the part that is down, never data.
"""

from __future__ import annotations

import dataclasses
import datetime

from celery import current_app
from django.db import connection
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .selectors import outbox_last_sweep

# Beat sweeps every minute; five missed sweeps mean beat or the workers are down.
SWEEP_STALE_AFTER = datetime.timedelta(minutes=5)


@dataclasses.dataclass
class OutboxSweep(HealthCheck):
    """Unhealthy when the outbox has not been swept for five minutes: emails are waiting."""

    stale_after: datetime.timedelta = SWEEP_STALE_AFTER

    def run(self) -> None:
        try:
            last = outbox_last_sweep()
        finally:
            # The view runs checks in a pool thread: leave no connection open behind.
            connection.close()
        if last is None:
            raise ServiceUnavailable("The email outbox has never been swept: is beat running?")
        age = timezone.now() - last
        if age > self.stale_after:
            minutes = int(age.total_seconds() // 60)
            raise ServiceUnavailable(
                f"The email outbox was last swept {minutes} minutes ago: "
                "are beat and a worker running?"
            )


@dataclasses.dataclass
class Broker(HealthCheck):
    """Unhealthy when the Celery broker (Redis in production) cannot be reached."""

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=2), repr=False
    )

    def run(self) -> None:
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:  # kombu wraps transport errors in its own types
            raise ServiceUnavailable("The task broker cannot be reached.") from error
