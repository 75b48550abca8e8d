"""Background work for booking. Tasks take ids only: no personal data in the broker."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from .services import booking_holds_purge, client_statuses_refresh

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def booking_holds_purge_task() -> None:
    """Periodic: clear abandoned holds so the calendar and admin stay tidy."""
    removed = booking_holds_purge()
    if removed:
        logger.info("removed %d abandoned holds", removed)


@shared_task(ignore_result=True)
def client_statuses_refresh_task() -> None:
    """Daily: clients whose last session is long past become former clients, and back."""
    changed = client_statuses_refresh(now=timezone.now())
    if changed:
        logger.info("client status changed for %d clients", changed)
