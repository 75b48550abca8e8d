"""The office's own pages beside the admin's: the calendar, booking a client in, moving,
cancelling, and reading and publishing a questionnaire version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from assessments import preview
from assessments.models import Instrument
from assessments.selectors import instrument_versions
from assessments.services import (
    InstrumentPublishError,
    instrument_publish,
)
from booking.models import Booking, Practitioner
from booking.selectors import weekly_hours
from booking.services import (
    BookingError,
    booking_cancel,
    booking_create_by_practitioner,
    booking_move_by_practitioner,
    booking_outside_hours,
    time_off_add,
    weekly_hours_replace,
)
from clients.models import Client
from notifications.kinds import kind_get

from .calendar import week_start
from .erasure import ErasureError, client_erase, erasure_plan
from .forms import (
    BookClientForm,
    CancelForm,
    EraseForm,
    PublishForm,
    TimeOffForm,
    WeeklyHoursForm,
    WhenForm,
)
from .retention import leads_quiet_since, records_past_retention, retention_cutoffs
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


def _book_or_move(
    request: HttpRequest, form: WhenForm, action, admin_context: dict, template: str, extra: dict
) -> HttpResponse:
    """Validate, warn once when outside her hours, then call the service; errors stay on the page."""
    if request.method == "POST" and form.is_valid():
        session_type = form.cleaned_data.get("session_type") or extra["booking"].session_type
        outside = booking_outside_hours(session_type=session_type, start=form.start)
        if outside and not form.cleaned_data["outside_hours_ok"]:
            form.add_error(
                "outside_hours_ok",
                "This is outside your working hours. Tick the box to book it anyway.",
            )
        else:
            try:
                booking = action(form)
            except BookingError as error:
                form.add_error(None, error.message)
            else:
                return redirect("admin:booking_booking_change", booking.pk)
    status = 400 if form.errors else 200
    return TemplateResponse(
        request, template, {**admin_context, "form": form, **extra}, status=status
    )


def book_client_view(request: HttpRequest, *, admin_context: dict) -> HttpResponse:
    """Book a client in from the calendar, any time that is free."""
    practitioner = getattr(request.user, "practitioner", None)
    if practitioner is None:
        raise PermissionDenied
    initial = {"day": request.GET.get("day") or timezone.localdate()}
    form = BookClientForm(request.POST or None, practitioner=practitioner, initial=initial)

    def book(form: BookClientForm):
        data = form.cleaned_data
        booking = booking_create_by_practitioner(
            session_type=data["session_type"],
            client=data["email"],
            start=form.start,
            mode=data["mode"],
            partner_name=data["partner_name"],
            partner_email=data["partner_email"],
        )
        messages.success(request, f"Booked. {booking.client.name} gets the confirmation by email.")
        return booking

    return _book_or_move(
        request, form, book, admin_context, "admin/book_client.html", {"title": "Book a client in"}
    )


def booking_move_view(
    request: HttpRequest, booking_id: int, *, admin_context: dict
) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("client", "session_type"), pk=booking_id
    )
    practitioner = booking.practitioner
    local = booking.start_at.astimezone(practitioner.zone)
    form = WhenForm(
        request.POST or None,
        practitioner=practitioner,
        initial={"day": local.date(), "time": local.time()},
    )

    def move(form: WhenForm):
        moved = booking_move_by_practitioner(booking=booking, new_start=form.start)
        messages.success(request, "Moved. The client gets the new time by email.")
        return moved

    return _book_or_move(
        request,
        form,
        move,
        admin_context,
        "admin/booking_move.html",
        {"title": "Move this booking", "booking": booking, "current": local},
    )


def booking_cancel_view(
    request: HttpRequest, booking_id: int, *, admin_context: dict
) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("client", "session_type"), pk=booking_id
    )
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        booking_cancel(
            booking=booking, by_practitioner=True, tell_client=form.cleaned_data["tell_client"]
        )
        told = " The client is told by email." if form.cleaned_data["tell_client"] else ""
        messages.success(request, f"Cancelled; the time is free again.{told}")
        return redirect("admin:booking_booking_change", booking.pk)
    return TemplateResponse(
        request,
        "admin/booking_cancel.html",
        {**admin_context, "title": "Cancel this booking", "form": form, "booking": booking},
    )


def time_off_view(request: HttpRequest, *, admin_context: dict) -> HttpResponse:
    """Days off as a range with one reason: a holiday in one step, not one row per date."""
    practitioner = getattr(request.user, "practitioner", None)
    if practitioner is None:
        raise PermissionDenied
    form = TimeOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = time_off_add(
                practitioner=practitioner,
                first_day=data["first_day"],
                last_day=data["last_day"],
                note=data["note"],
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{added} day{'s' if added != 1 else ''} off added.")
            return redirect(f"{reverse('admin:calendar')}?week={data['first_day']:%Y-%m-%d}")
    return TemplateResponse(
        request,
        "admin/time_off.html",
        {**admin_context, "title": "Add time off", "form": form},
        status=400 if form.errors else 200,
    )


def weekly_hours_view(request: HttpRequest, *, admin_context: dict) -> HttpResponse:
    """Her weekly hours as one grid, Monday to Sunday, saved in one step."""
    practitioner = getattr(request.user, "practitioner", None)
    if practitioner is None:
        raise PermissionDenied
    form = WeeklyHoursForm(
        request.POST if request.method == "POST" else None, days=weekly_hours(practitioner)
    )
    if request.method == "POST" and form.is_valid():
        try:
            weekly_hours_replace(practitioner=practitioner, windows=form.cleaned_data["windows"])
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your weekly hours are saved.")
            return redirect("admin:calendar")
    return TemplateResponse(
        request,
        "admin/weekly_hours.html",
        {
            **admin_context,
            "title": "Weekly hours",
            "form": form,
            "time_zone": practitioner.time_zone,
        },
        status=400 if form.errors else 200,
    )


def client_erase_view(request: HttpRequest, client_id: int, *, admin_context: dict) -> HttpResponse:
    """Erase a person on her confirmation, after showing what will happen."""
    client = get_object_or_404(Client, pk=client_id)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure = client_erase(client_id=client.pk, now=timezone.now())
        except ErasureError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, erasure.summary)
        return redirect("admin:clients_client_changelist")
    return TemplateResponse(
        request,
        "admin/clients/erase.html",
        {
            **admin_context,
            "title": f"Erase {client.name}",
            "client": client,
            "plan": erasure_plan(client_id=client.pk, now=timezone.now()),
            "backup_keep_days": settings.BACKUP_KEEP_DAYS,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


REVIEW_LIMIT = 50


def records_review_view(request: HttpRequest, *, admin_context: dict) -> TemplateResponse:
    """Records to decide on: people who never came, and records past her retention time."""
    practitioner = getattr(request.user, "practitioner", None) or Practitioner.objects.first()
    if practitioner is None:
        raise PermissionDenied
    leads_before, records_before = retention_cutoffs(practitioner, now=timezone.now())
    leads = leads_quiet_since(cutoff=leads_before)
    records = records_past_retention(cutoff=records_before)
    context = {
        **admin_context,
        "title": "Records to review",
        "practitioner": practitioner,
        "leads": list(leads[:REVIEW_LIMIT]),
        "leads_total": leads.count(),
        "records": list(records[:REVIEW_LIMIT]),
        "records_total": records.count(),
    }
    return TemplateResponse(request, "admin/clients/records.html", context)


# --- Questionnaire versions ------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    """One questionnaire version as she sees it in the list."""

    instrument: Instrument
    state: str
    can_publish: bool
    used_by: str


def _day(moment: datetime, today: date) -> str:
    """Return "3 March", with the year when it is not this year, in her zone."""
    local = timezone.localtime(moment)
    day = f"{local.day} {local:%B}"
    return day if local.year == today.year else f"{day} {local.year}"


def version_rows(versions: list[Instrument], *, today: date) -> list[VersionRow]:
    """Say for each version whether it is live, was live, or waits to be read."""
    rows = []
    live: set[str] = set()
    newer_published: dict[str, datetime] = {}
    for instrument in versions:  # each questionnaire's versions, newest first
        slug = instrument.slug
        if instrument.published_at is None:
            can_publish = slug not in newer_published
            if not can_publish:
                state = "Draft, older than the live version: it cannot be published"
            else:
                state = "Draft: read it, then publish"
        elif slug not in live:
            live.add(slug)
            can_publish = False
            state = f"Live since {_day(instrument.published_at, today)}"
        else:
            can_publish = False
            state = (
                f"Was live from {_day(instrument.published_at, today)} "
                f"until {_day(newer_published[slug], today)}"
            )
        if instrument.published_at is not None:
            newer_published[slug] = instrument.published_at
        started = instrument.started  # type: ignore[attr-defined]
        used_by = f"{started} {'person' if started == 1 else 'people'}" if started else "Nobody yet"
        rows.append(VersionRow(instrument, state, can_publish, used_by))
    return rows


def questionnaire_versions_view(request: HttpRequest, *, admin_context: dict) -> TemplateResponse:
    """Every questionnaire version with its state in plain words, newest first."""
    rows = version_rows(instrument_versions(), today=timezone.localdate())
    context = {**admin_context, "title": "Questionnaire versions", "rows": rows}
    return TemplateResponse(request, "admin/assessments/versions.html", context)


def _alert_example() -> dict[str, str]:
    """The urgent alert email as she receives it, for an example booking."""
    text = render_to_string(
        "emails/urgent_alert.txt",
        {"when": "Tuesday 3 March at 09:00", "report_url": "(the link to their answers)"},
    )
    return {"subject": kind_get("urgent_alert").subject_line, "text": text.strip()}


def questionnaire_version_view(
    request: HttpRequest, instrument_id: int, *, admin_context: dict
) -> HttpResponse:
    """Every page of one version as a client sees it, the alerts, the reflection; publish it."""
    rows = {
        row.instrument.pk: row
        for row in version_rows(instrument_versions(), today=timezone.localdate())
    }
    row = rows.get(instrument_id)
    if row is None:
        raise Http404
    may_publish = request.user.has_perm("assessments.change_instrument")
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied
        if form.is_valid():
            try:
                published = instrument_publish(instrument_id=instrument_id, now=timezone.now())
            except InstrumentPublishError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    f"Version {published.version} is live. New questionnaires use it from now "
                    "on; questionnaires already started keep the version they began with.",
                )
            return redirect("admin:assessments_instrument_changelist")
    instrument = Instrument.objects.get(pk=instrument_id)
    definition = instrument.definition
    scored_by_v2 = preview.is_scored_by_v2(definition)
    context = {
        **admin_context,
        "title": f"{instrument.title}, version {instrument.version}",
        "row": row,
        "instrument": instrument,
        "minutes": definition.get("minutes"),
        "intro": definition.get("intro", ""),
        "pages": preview.instrument_preview(definition),
        "alert": _alert_example(),
        "safety": preview.safety_example(definition) if scored_by_v2 else None,
        "reflection": preview.reflection_example(definition) if scored_by_v2 else None,
        "form": form if row.can_publish and may_publish else None,
    }
    return TemplateResponse(
        request,
        "admin/assessments/version.html",
        context,
        status=400 if form.errors else 200,
    )
