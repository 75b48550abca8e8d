"""The office's own pages beside the admin's: the calendar."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from .calendar import week_start
from .selectors import calendar_week


def calendar_view(request: HttpRequest, *, admin_context: dict) -> TemplateResponse:
    """One week of her calendar (``?week=2026-03-02``), this week by default."""
    practitioner = getattr(request.user, "practitioner", None)
    today = timezone.localdate()  # her zone: the practitioner middleware activated it
    typed = request.GET.get("week", "")
    try:
        monday = week_start(date.fromisoformat(typed)) if typed else week_start(today)
    except ValueError:
        messages.warning(request, "That week could not be read; here is this week.")
        monday = week_start(today)
    context = {
        **admin_context,
        "title": "Calendar",
        "week": calendar_week(practitioner, monday=monday) if practitioner else None,
        "today": today,
        "this_week": week_start(today),
    }
    return TemplateResponse(request, "admin/calendar.html", context)
