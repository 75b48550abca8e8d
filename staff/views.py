"""The sign-in's second step: set up an authenticator, enter a code, keep recovery codes.

Django's admin login checks the password (and django-axes counts failures);
SecondFactorRequiredMiddleware then sends the person here until this session
has proved a second factor.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from clients.visitors import limit_attempts, request_ip

from .codes import recovery_code_display
from .forms import CodeForm, StaffPasswordResetForm
from .middleware import second_factor_exempt
from .selectors import authenticator_for, recovery_codes_left
from .services import (
    StaffError,
    authenticator_setup_begin,
    authenticator_setup_confirm,
    recovery_codes_replace,
    second_factor_verify,
)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Render in the office's frame, without its menus: nothing is open yet."""
    return render(
        request,
        template,
        {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **context},
        status=status,
    )


def _signed_in_staff(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_active and request.user.is_staff


def _qr_data_uri(config_url: str) -> str:
    """Return the set-up QR code as a data: URI image (the policy allows data: images only)."""
    return segno.make(config_url, error="m").svg_data_uri(scale=5, border=4)


def _key_for_typing(device) -> str:
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@second_factor_exempt
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: connect an authenticator app with a QR code, then confirm with a code."""
    if not _signed_in_staff(request):
        return redirect("admin:login")
    if request.user.is_verified():
        return redirect(_next(request))
    if authenticator_for(request.user) is not None:
        return redirect(f"{reverse('staff_verify')}?{request.GET.urlencode()}")
    device = authenticator_setup_begin(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, _codes = authenticator_setup_confirm(
                user=request.user,
                code=form.cleaned_data["code"],
                ip_address=request_ip(request),
                now=timezone.now(),
            )
        except StaffError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, confirmed)
            messages.success(request, "Your authenticator app is set up.")
            return redirect(f"{reverse('staff_recovery_codes')}?next={_next(request)}")
    return _page(
        request,
        "staff/setup.html",
        {
            "title": "Set up your second step",
            "form": form,
            "qr_code": _qr_data_uri(device.config_url),
            "key": _key_for_typing(device),
            "next": _next(request),
        },
    )


@second_factor_exempt
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Every sign-in: the code from the authenticator app, or a recovery code."""
    if not _signed_in_staff(request):
        return redirect("admin:login")
    if request.user.is_verified():
        return redirect(_next(request))
    if authenticator_for(request.user) is None:
        return redirect(f"{reverse('staff_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(
                user=request.user,
                code=form.cleaned_data["code"],
                ip_address=request_ip(request),
                now=timezone.now(),
            )
        except StaffError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = len(recovery_codes_left(request.user))
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. If your phone is lost, "
                    "set up your authenticator again and make new codes.",
                )
            return redirect(_next(request))
    status = 400 if form.errors else 200
    return _page(
        request,
        "staff/verify.html",
        {"title": "Your sign-in code", "form": form, "next": _next(request)},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes left, and a button for new ones (the old ones then stop working).

    Under the office's prefix, so it needs a verified second factor like any office page.
    """
    if not _signed_in_staff(request):
        return redirect("admin:login")
    if request.method == "POST":
        recovery_codes_replace(user=request.user)
        messages.success(request, "New recovery codes made; the old ones no longer work.")
        return redirect(f"{reverse('staff_recovery_codes')}?next={_next(request)}")
    codes = [recovery_code_display(code) for code in recovery_codes_left(request.user)]
    return _page(
        request,
        "staff/recovery_codes.html",
        {"title": "Your recovery codes", "codes": codes, "next": _next(request)},
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked username and address (AXES_LOCKOUT_CALLABLE)."""
    return _page(
        request,
        "staff/locked_out.html",
        {
            "title": "Sign-in paused",
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )


class _OfficeFrame:
    """Django's password reset pages in the office's frame."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        return {**admin.site.each_context(self.request), **context}  # type: ignore[attr-defined]


class PasswordResetView(_OfficeFrame, auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(_OfficeFrame, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(_OfficeFrame, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(_OfficeFrame, auth_views.PasswordResetCompleteView):
    pass


password_reset = second_factor_exempt(limit_attempts("password_reset")(PasswordResetView.as_view()))
password_reset_done = second_factor_exempt(PasswordResetDoneView.as_view())
password_reset_confirm = second_factor_exempt(PasswordResetConfirmView.as_view())
password_reset_complete = second_factor_exempt(PasswordResetCompleteView.as_view())
