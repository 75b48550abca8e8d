"""Background work of the office. Tasks take no personal data."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .retention import retention_sweep


@shared_task(ignore_result=True)
def retention_sweep_task() -> int:
    """Erase quiet leads if the practitioner turned that on (office/retention.py)."""
    return retention_sweep(now=timezone.now())
