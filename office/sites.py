"""The practice's admin site: Today as its first page, Django's user pages for superusers only."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from . import views
from .selectors import today_for


class OfficeSite(admin.AdminSite):
    site_header = "Scales"
    site_title = "Scales"
    index_title = "Today"
    # The stock "View site" link opens the booking pages, which clients see.
    site_url = "/"

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        """Today: what needs her first, then the week's sessions and what waits to be read."""
        # Loaded (and cached on the user) by the middleware that sets her time zone.
        practitioner = getattr(request.user, "practitioner", None)
        context = {
            **self.each_context(request),
            "title": "Today",
            "today": today_for(practitioner, now=timezone.now()),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/today.html", context)

    def get_urls(self):
        return [
            path("calendar/", self.admin_view(self.calendar), name="calendar"),
            path("calendar/book/", self.admin_view(self.book_client), name="book_client"),
            path("calendar/time-off/", self.admin_view(self.time_off), name="time_off"),
            path("calendar/hours/", self.admin_view(self.weekly_hours), name="weekly_hours"),
            # Before the admin's own client URLs, whose catch-all would take them.
            path(
                "clients/client/records/",
                self.admin_view(self.records_review),
                name="clients_client_records",
            ),
            path(
                "clients/client/<int:client_id>/erase/",
                self.admin_view(self.client_erase),
                name="clients_client_erase",
            ),
            *super().get_urls(),
        ]

    def calendar(self, request: HttpRequest) -> TemplateResponse:
        request.current_app = self.name
        return views.calendar_view(request, admin_context=self.each_context(request))

    def book_client(self, request: HttpRequest):
        request.current_app = self.name
        if not request.user.has_perm("booking.add_booking"):
            raise PermissionDenied
        return views.book_client_view(request, admin_context=self.each_context(request))

    def time_off(self, request: HttpRequest):
        request.current_app = self.name
        if not request.user.has_perm("booking.add_availabilityoverride"):
            raise PermissionDenied
        return views.time_off_view(request, admin_context=self.each_context(request))

    def weekly_hours(self, request: HttpRequest):
        request.current_app = self.name
        if not request.user.has_perm("booking.change_availabilityrule"):
            raise PermissionDenied
        return views.weekly_hours_view(request, admin_context=self.each_context(request))

    def client_erase(self, request: HttpRequest, client_id: int):
        request.current_app = self.name
        if not request.user.has_perm("clients.delete_client"):
            raise PermissionDenied
        return views.client_erase_view(request, client_id, admin_context=self.each_context(request))

    def records_review(self, request: HttpRequest):
        request.current_app = self.name
        if not request.user.has_perm("clients.view_client"):
            raise PermissionDenied
        return views.records_review_view(request, admin_context=self.each_context(request))
