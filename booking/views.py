"""Public booking pages. Views load, validate, call a service and redirect."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from uuid import UUID

from auditlog.signals import accessed
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.visitors import limit_attempts, visitor_id

from . import access, events, selectors, services, slot_page_cache, timezones
from .emails import ics_for
from .feed import calendar_feed_file
from .formatting import clock_in_zone, short_date, when
from .forms import ClientDetailsForm, SlotChoiceForm, WeekForm
from .models import Booking, Practitioner, PractitionerPhoto, SessionType
from .picker import LONGEST_HORIZON, nearest_free, picker_week, week_asked, week_start
from .tokens import (
    BadToken,
    email_proof_token_read,
    hold_token_make,
    hold_token_read,
    manage_token_read,
    verify_token_read,
)

ONE_DAY = timedelta(days=1)


def _session_type_or_404(slug: str) -> SessionType:
    try:
        return selectors.session_type_get(slug)
    except SessionType.DoesNotExist:
        raise Http404("No such session type") from None


def _booking_for_manage_token(token: str) -> Booking:
    """Return the booking behind a manage link, or 404 for a bad or expired link."""
    try:
        public_id = manage_token_read(token)
    except BadToken:
        raise Http404("This link is not valid") from None
    return _booking_for_link(public_id)


def _booking_for_link(public_id: UUID) -> Booking:
    """Return the booking a client link names, or 404 once it is gone, held or expired."""
    try:
        booking = selectors.booking_by_public_id(public_id)
    except Booking.DoesNotExist:
        raise Http404("This link is not valid") from None
    expires = selectors.booking_manage_link_expires(booking)
    if booking.status == Booking.Status.HELD or timezone.now() > expires:
        raise Http404("This link has expired")
    return booking


def _form_problem(form) -> services.BookingError:
    """Return a form's messages as one BookingError, for the picker's message box."""
    return services.BookingError(" ".join(e for errs in form.errors.values() for e in errs))


def _time_pair(booking: Booking) -> dict:
    return {
        "client_when": when(booking.start_at, booking.client_time_zone),
        "practitioner_when": when(booking.start_at, booking.practitioner.time_zone),
        "same_zone": booking.client_time_zone == booking.practitioner.time_zone,
    }


@require_safe
def landing(request):
    """Show who she is, how she works and what can be booked, in one query whatever the offers.

    The photo's bytes stay behind (``practitioner_photo`` serves them); the page needs
    only whether there is one, its size and when it changed.
    """
    session_types = list(
        selectors.session_types_active()
        .select_related("practitioner__photo")
        .defer("practitioner__photo__image")
    )
    if session_types:
        practitioner = session_types[0].practitioner
    else:  # no offer open: still say who she is
        practitioner = (
            Practitioner.objects.select_related("photo")
            .defer("photo__image")
            .order_by("pk")
            .first()
        )
    context = {
        "session_types": session_types,
        "practitioner": practitioner,
        "photo": getattr(practitioner, "photo", None),
        "paused": bool(practitioner and practitioner.bookings_paused),
    }
    return render(request, "booking/landing.html", context)


@require_safe
def practitioner_photo(request):
    """Serve her portrait, cached for a day; the landing page's link changes with the photo."""
    photo = PractitionerPhoto.objects.order_by("practitioner_id").first()
    if photo is None:
        raise Http404("No photo")
    etag = f'"{photo.version}"'
    response = HttpResponse(bytes(photo.image), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    return get_conditional_response(request, etag=etag, response=response)


@require_safe
def privacy(request):
    return render(request, "booking/privacy.html")


def _picker_response(
    request,
    *,
    session_type: SessionType,
    action: str,
    page_url: str,
    booking: Booking | None = None,
    error: services.BookingError | None = None,
    tried_slot=None,
    status: int = 200,
    zone_name: str = "",
    zone_chosen: bool | None = None,
    first_day: date | None = None,
    paused: bool = False,
):
    """Render the picker for the zone and week asked for, unless the caller has read them.

    ``zone_chosen`` says whether the zone is the visitor's own (asked for,
    remembered or known from their booking) rather than the practitioner's by
    default; the page says which. While new bookings are ``paused`` it shows her
    message instead of times.
    """
    if paused or isinstance(error, services.BookingsPaused):
        return _paused_response(request, session_type=session_type, error=error, status=status)
    chosen = timezones.chosen_zone(request)
    zone_name = zone_name or chosen or session_type.practitioner.time_zone
    if zone_chosen is None:
        zone_chosen = chosen == zone_name
    now = timezone.now()
    week = picker_week(
        session_type=session_type,
        zone_name=zone_name,
        first_day=first_day or _asked_week(request, zone_name),
        exclude_booking_id=booking.pk if booking else None,
    )
    alternatives = []
    if error is not None and tried_slot is not None:
        nearby = nearest_free(
            session_type=session_type,
            around=tried_slot,
            exclude_booking_id=booking.pk if booking else None,
        )
        alternatives = [(slot, when(slot, zone_name)) for slot in nearby]
    context = {
        "session_type": session_type,
        "practitioner": session_type.practitioner,
        "week": week,
        "zone_name": zone_name,
        "zone_chosen": zone_chosen,
        "zone_place": timezones.place_label(zone_name),
        "zone_options": timezones.zone_options(zone_name, now),
        "offset_label": timezones.utc_offset_label(zone_name, now),
        "practitioner_zone_label": timezones.place_label(session_type.practitioner.time_zone),
        "practitioner_same_zone": zone_name == session_type.practitioner.time_zone,
        "week_label": f"{short_date(week.first_day)} – {short_date(week.days[-1].day)}",
        "next_open_label": when(week.next_open, zone_name) if week.next_open else "",
        "action": action,
        "page_url": page_url,
        "booking": booking,
        "error": error,
        "alternatives": alternatives,
        "current_when": when(booking.start_at, zone_name) if booking else "",
    }
    response = render(request, "booking/slot_picker.html", context, status=status)
    if timezones.canonical(request.GET.get("tz")) == zone_name:
        timezones.remember(response, zone_name)
    return response


def _paused_response(
    request,
    *,
    session_type: SessionType,
    error: services.BookingError | None = None,
    status: int = 200,
):
    """The picker's page while she has paused new bookings: her message, calmly, no times.

    Any other refusal is left unsaid: with no time to choose, the pause is all
    there is to tell. A refusal that is the pause itself carries her message.
    """
    practitioner = session_type.practitioner
    refused = isinstance(error, services.BookingsPaused)
    context = {
        "session_type": session_type,
        "practitioner": practitioner,
        "paused": True,
        "paused_message": error.message if refused else practitioner.paused_notice,
    }
    return render(request, "booking/slot_picker.html", context, status=status)


def _booking_picker(request, session_type: SessionType, **options):
    """The picker for a new booking: choosing a time holds it, unless she paused bookings."""
    options.setdefault("paused", session_type.practitioner.bookings_paused)
    return _picker_response(
        request,
        session_type=session_type,
        action=reverse("booking:hold", args=[session_type.slug]),
        page_url=reverse("booking:slots", args=[session_type.slug]),
        **options,
    )


def _reschedule_picker(request, booking: Booking, **options):
    """The picker for moving a booking: choosing a time asks to confirm the move.

    Times are in the zone the client chose, else in the one they booked in.
    """
    page_url = reverse("booking:reschedule")
    chosen = timezones.chosen_zone(request)
    booked_in = timezones.canonical(booking.client_time_zone)
    if chosen or booked_in:
        options.setdefault("zone_name", chosen or booked_in)
        options.setdefault("zone_chosen", True)
    return _picker_response(
        request,
        session_type=booking.session_type,
        action=page_url,
        page_url=page_url,
        booking=booking,
        **options,
    )


def _asked_week(request, zone_name: str) -> date:
    """Return the first day of the week asked for (?week=), as the picker will show it."""
    today = timezone.now().astimezone(timezones.zoneinfo.ZoneInfo(zone_name)).date()
    return WeekForm(request.GET).week_or(today)


def _slot_page_week(request, chosen: str | None) -> date | None:
    """Return the week a slot page is kept under: its first day, or None for "this week".

    In the visitor's own zone that is the week the page will show, so every
    spelling of this week shares one page. In hers by default (not known before
    the cache is asked), it is the ?week= asked for, if any zone's picker could
    show it: every zone's today is within a day of UTC's.
    """
    asked = week_asked(request.GET.get("week"))
    now = timezone.now()
    if chosen:
        today = now.astimezone(timezones.zoneinfo.ZoneInfo(chosen)).date()
        first_day = week_start(asked, today)
        return None if first_day == today else first_day
    today = now.astimezone(UTC).date()
    if asked is None or not today - ONE_DAY <= asked <= today + LONGEST_HORIZON + ONE_DAY:
        return None
    return asked


@require_safe
def slot_picker(request, slug: str):
    """Show a week of free times; the page is cached until the calendar or the minute changes.

    A cached page costs one round trip to the cache and no query
    (``slot_page_cache`` says why it never shows a time taken since). The page
    has no CSRF token (see ``hold``), so it is the same for everyone who asks
    with the same zone and week. The key holds the zone and week as read, and
    the page is rendered from those same values, so no spelling of ?week= can
    file one week's page under another. While she has paused new bookings the
    page (her message, no times) is neither read from nor written to the cache.
    """
    chosen = timezones.chosen_zone(request)
    asked_week = _slot_page_week(request, chosen)
    minute = int(timezone.now().timestamp() // 60)
    key = slot_page_cache.slot_page_key(slug=slug, zone_name=chosen, asked_week=asked_week)
    cached = slot_page_cache.slot_page_lookup(key, slug=slug, minute=minute)
    if cached.content is not None:
        response = HttpResponse(cached.content)
        if chosen and timezones.canonical(request.GET.get("tz")) == chosen:
            timezones.remember(response, chosen)
        return response
    session_type = _session_type_or_404(slug)
    practitioner = session_type.practitioner
    if practitioner.bookings_paused:
        return _booking_picker(request, session_type, paused=True)
    # The page says whether the zone is the visitor's choice or hers by default.
    zone_name = chosen or practitioner.time_zone
    today = timezone.now().astimezone(timezones.zoneinfo.ZoneInfo(zone_name)).date()
    response = _booking_picker(
        request,
        session_type,
        zone_name=zone_name,
        zone_chosen=bool(chosen),
        first_day=week_start(asked_week, today),
        paused=False,
    )
    if cached.version is not None:
        slot_page_cache.slot_page_store(
            key, version=cached.version, minute=minute, content=response.content
        )
    return response


# Holding a time needs no CSRF token: the request carries no credentials or
# session to abuse, and a forged hold is no different from one sent directly.
# Without a token the slot page is the same for every visitor and can be cached.
# Another site's page may not make its visitors' browsers hold times here.
CROSS_SITE_MESSAGE = (
    "This time could not be held from another website. Please choose it here, on the booking page."
)
HELD_COOKIE = "held"
HELD_COOKIE_SALT = "booking.held"


def _from_another_site(request) -> bool:
    """Return whether a browser says this POST came from another site's page.

    Sec-Fetch-Site is sent by current browsers; Origin by older ones. A request
    with neither (a script, curl) is not a browser being misused, and the
    per-visitor limits cover it.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site:
        return fetch_site == "cross-site"
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return bool(origin)
    allowed = {request.build_absolute_uri("/").rstrip("/"), settings.SITE_URL.rstrip("/")}
    return origin.rstrip("/") not in allowed


def _held_before(request) -> UUID | None:
    """Return this browser's current hold, if its signed cookie says it has one."""
    value = request.get_signed_cookie(HELD_COOKIE, default=None, salt=HELD_COOKIE_SALT)
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


@csrf_exempt
@require_POST
@limit_attempts("hold")
def hold(request, slug: str):
    session_type = _session_type_or_404(slug)
    if _from_another_site(request):
        error = services.BookingError(CROSS_SITE_MESSAGE, code="cross_site")
        return _booking_picker(request, session_type, error=error, status=403)
    form = SlotChoiceForm(request.POST)
    if not form.is_valid():
        return _booking_picker(request, session_type, error=_form_problem(form), status=400)
    slot_start = form.cleaned_data["slot"]
    try:
        booking = services.booking_hold(
            session_type=session_type,
            slot_start=slot_start,
            client_time_zone=form.cleaned_data["tz"],
            held_by=visitor_id(request),
            replacing=_held_before(request),
        )
    except services.BookingsPaused as error:
        return _booking_picker(request, session_type, error=error, status=409)
    except services.TooManyHolds as error:
        return _booking_picker(request, session_type, error=error, status=429)
    except services.SlotUnavailable as error:
        return _booking_picker(
            request, session_type, error=error, tried_slot=slot_start, status=409
        )
    token = hold_token_make(
        public_id=booking.public_id, session_type_slug=slug, slot_start=booking.start_at
    )
    response = redirect("booking:details", token=token)
    timezones.remember(response, form.cleaned_data["tz"])
    response.set_signed_cookie(
        HELD_COOKIE,
        str(booking.public_id),
        salt=HELD_COOKIE_SALT,
        max_age=settings.BOOKING_HOLD_MINUTES * 60 * 2,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )
    return response


def _hold_state(public_id: UUID) -> Booking | None:
    """Return the status and hold time of the booking a details link names, if it exists."""
    return Booking.objects.filter(public_id=public_id).only("status", "held_until").first()


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("details")
def details(request, token: str):
    """The details form for a held time; its POST confirms, and reads the hold only under lock.

    Sending the form reads nothing before the service (which locks and re-reads
    the booking); only a page shown again reads how long the time is held.
    """
    try:
        held = hold_token_read(token)
    except BadToken:
        return render(request, "link_invalid.html", status=404)
    session_type = _session_type_or_404(held.session_type_slug)
    if request.method == "GET":
        booking = _hold_state(held.public_id)
        if booking is not None and booking.status == Booking.Status.CONFIRMED:
            return render(request, "link_invalid.html", {"already_booked": True}, status=410)
    zone_name = timezones.visitor_zone(request, default=session_type.practitioner.time_zone)

    form = ClientDetailsForm(
        request.POST or None, initial={"time_zone": zone_name, "mode": Booking.Mode.INDIVIDUAL}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if session_type.requires_assessment:
                return _verify_requested(request, session_type, held.public_id, form.details())
            confirmed = services.booking_confirm(public_id=held.public_id, details=form.details())
        except services.TooManyVerifyLinks as too_many:
            form.add_error(None, too_many.message)
        except services.SlotUnavailable as unavailable:
            return _booking_picker(
                request, session_type, error=unavailable, tried_slot=held.slot_start, status=409
            )
        else:
            response = _manage_redirect(request, confirmed, "booked")
            timezones.remember(response, confirmed.client_time_zone)
            return response
    if request.method == "POST":
        booking = _hold_state(held.public_id)

    context = {
        "form": form,
        "session_type": session_type,
        "practitioner": session_type.practitioner,
        "client_when": when(held.slot_start, zone_name),
        "practitioner_when": when(held.slot_start, session_type.practitioner.time_zone),
        "same_zone": zone_name == session_type.practitioner.time_zone,
        "held_until": booking.held_until if booking and booking.held_until else None,
        "zone_name": zone_name,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "booking/details.html", context, status=status)


def _verify_requested(
    request, session_type: SessionType, public_id: UUID, details: services.ClientDetails
):
    """Email a single session's confirm link and say so, in words the same for any address.

    Whether the address is a client's is asked only when the link is opened, so
    this page tells nobody whether someone sees the practitioner.
    """
    booking = services.booking_verify_request(public_id=public_id, details=details)
    context = {
        "session_type": session_type,
        "practitioner": session_type.practitioner,
        "email": details.email,
        "client_when": when(booking.start_at, details.time_zone),
        "held_until": clock_in_zone(booking.held_until or timezone.now(), details.time_zone),
    }
    response = render(request, "booking/check_email.html", context)
    timezones.remember(response, details.time_zone)
    return response


def _verify_context(booking: Booking, token: str) -> dict:
    pending = booking.pending_details
    zone_name = pending.get("time_zone") or booking.client_time_zone
    return {
        "booking": booking,
        "practitioner": booking.practitioner,
        "token": token,
        "name": pending.get("name", ""),
        "client_when": when(booking.start_at, zone_name),
        "held_until": clock_in_zone(booking.held_until, zone_name) if booking.held_until else "",
    }


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("verify")
def verify(request, token: str):
    """The link emailed for a single session: GET shows one button, only POST confirms.

    Mail scanners open links; a page that confirmed on GET would book for them.
    """
    try:
        link = verify_token_read(token)
        booking = selectors.booking_by_public_id(link.public_id)
    except (BadToken, Booking.DoesNotExist):
        return render(request, "link_invalid.html", status=404)
    context = _verify_context(booking, token)
    if request.method == "GET":
        if booking.status != Booking.Status.HELD:
            return render(request, "link_invalid.html", {"already_booked": True}, status=410)
        problem = services.verify_link_problem(booking, request=link.request, now=timezone.now())
        return render(request, "booking/verify.html", {**context, "problem": problem})
    try:
        confirmed = services.booking_verify_confirm(public_id=link.public_id, request=link.request)
    except services.NotReturningClient:
        offer = selectors.session_type_for_new_clients(booking.practitioner_id)
        context["assessment_url"] = (
            reverse("booking:slots", args=[offer.slug]) if offer else reverse("booking:landing")
        )
        return render(request, "booking/verify.html", {**context, "not_returning": True})
    except services.BookingError as problem:
        return render(request, "booking/verify.html", {**context, "problem": problem}, status=409)
    response = _manage_redirect(request, confirmed, "booked")
    timezones.remember(response, confirmed.client_time_zone)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("email_proof")
def email_proof(request, token: str):
    """The link in a confirmation: one button proves the email, then shows the booking.

    Only the POST records the proof: mail scanners open links, and a page that
    proved the email on GET would let a scanner invite the partner.
    """
    try:
        booking = _booking_for_link(email_proof_token_read(token))
    except BadToken:
        raise Http404("This link is not valid") from None
    if request.method == "GET" and booking.email_verified_at is None:
        return render(request, "booking/email_proof.html", {"booking": booking})
    if request.method == "POST":
        services.booking_email_verify(booking=booking)
    return _manage_redirect(request, booking, "verified")


# The manage link and the pages it opens. The emailed link (/b/<token>/) is only
# exchanged: it opens the booking in this browser's session (``access``) and
# redirects to pages without a token, so history, Referer headers and access logs
# hold no working link. "Leave this page quickly" ends the session, and with it
# these pages.

FLASH_KEYS = ("booked", "moved", "cancelled", "verified")


def _manage_redirect(request, booking: Booking, flash: str = ""):
    """Open the booking in this browser's session and send it to the manage page."""
    access.session_open(request, booking)
    return redirect(reverse("booking:manage") + (f"?{flash}=1" if flash else ""))


def _session_booking(request) -> Booking | None:
    """Return the booking open in this session, or None once the session has ended.

    A booking gone, held or past its link's expiry since is a 404, as its link is.
    """
    public_id = access.session_public_id(request)
    if public_id is None:
        return None
    return _booking_for_link(public_id)


def _ended(request):
    """The calm page for a browser without the booking open: no details, no names."""
    return render(request, "booking/ended.html", status=410)


@never_cache
@require_safe
def open_link(request, token: str):
    """The link from the email: open the booking in this browser, then drop the token."""
    booking = _booking_for_manage_token(token)
    flash = next((key for key in FLASH_KEYS if key in request.GET), "")
    return _manage_redirect(request, booking, flash)


@never_cache
@require_safe
def manage(request):
    booking = _session_booking(request)
    if booking is None:
        return _ended(request)
    now = timezone.now()
    context = {
        "booking": booking,
        # Sections other apps add, e.g. the questionnaire's "Before we talk".
        "panels": events.manage_page_panels.collect(events.ManagePage(booking=booking, now=now)),
        "practitioner": booking.practitioner,
        "can_change": selectors.booking_can_change(booking, now),
        "cutoff_hours": booking.session_type.change_cutoff_hours,
        "is_past": booking.end_at <= now,
        "flash": next((key for key in FLASH_KEYS if key in request.GET), ""),
        **_time_pair(booking),
    }
    return render(request, "booking/manage.html", context)


@never_cache
@require_safe
def calendar_file(request):
    booking = _session_booking(request)
    if booking is None:
        return _ended(request)
    response = HttpResponse(ics_for(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("cancel")
def cancel(request):
    booking = _session_booking(request)
    if booking is None:
        return _ended(request)
    error = None
    if request.method == "POST":
        try:
            services.booking_cancel(booking=booking)
        except services.BookingError as problem:
            error = problem
        else:
            return redirect(reverse("booking:manage") + "?cancelled=1")
    context = {"booking": booking, "error": error, **_time_pair(booking)}
    return render(request, "booking/cancel.html", context, status=409 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("reschedule")
def reschedule(request):
    booking = _session_booking(request)
    if booking is None:
        return _ended(request)
    if booking.status != Booking.Status.CONFIRMED:
        return redirect("booking:manage")
    if request.method == "GET":
        return _reschedule_picker(request, booking)
    form = SlotChoiceForm(request.POST)
    if not form.is_valid():
        return _reschedule_picker(request, booking, error=_form_problem(form), status=400)
    new_start = form.cleaned_data["slot"]
    if new_start == booking.start_at:
        return redirect("booking:manage")  # the time it already has: nothing to move
    zone_name = form.cleaned_data["tz"]
    context = {
        "booking": booking,
        "practitioner": booking.practitioner,
        "slot": new_start.isoformat(),
        "zone_name": zone_name,
        "old_when": when(booking.start_at, zone_name),
        "new_when": when(new_start, zone_name),
        "practitioner_new_when": when(new_start, booking.practitioner.time_zone),
        "same_zone": zone_name == booking.practitioner.time_zone,
    }
    return render(request, "booking/reschedule_confirm.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_attempts("reschedule")
def reschedule_confirm(request):
    """Move the booking to the time the client confirmed; only this POST moves it.

    The picker's choice only asks (``reschedule``): one tap on a phone must not
    move a call. A GET (a reload, the Back button) goes back to the picker.
    """
    booking = _session_booking(request)
    if booking is None:
        return _ended(request)
    if request.method == "GET":
        return redirect("booking:reschedule")
    if booking.status != Booking.Status.CONFIRMED:
        return redirect("booking:manage")
    form = SlotChoiceForm(request.POST)
    if not form.is_valid():
        return _reschedule_picker(request, booking, error=_form_problem(form), status=400)
    new_start = form.cleaned_data["slot"]
    try:
        services.booking_reschedule(booking=booking, new_start=new_start)
    except services.BookingError as error:
        return _reschedule_picker(request, booking, error=error, tried_slot=new_start, status=409)
    response = redirect(reverse("booking:manage") + "?moved=1")
    timezones.remember(response, form.cleaned_data["tz"])
    return response


@require_safe
def calendar_feed(request, token: str):
    """Her bookings as a calendar her own app subscribes to, at a secret address.

    The address is the key (calendar apps cannot sign in); she can turn it off
    or replace it in the office. Her app may keep a copy five minutes, no shared
    cache may keep one at all, and no search engine lists it. Two queries and an audit
    line, whatever the number of bookings.
    """
    practitioner = selectors.practitioner_by_calendar_feed_token(token)
    if practitioner is None:
        raise Http404("No such calendar")
    # For the audit trail (the office records who reads what): her calendar app read it.
    accessed.send(sender=Practitioner, instance=practitioner)
    now = timezone.now()
    bookings = selectors.bookings_for_calendar_feed(practitioner=practitioner, now=now)
    content = calendar_feed_file(practitioner=practitioner, bookings=bookings, now=now)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
