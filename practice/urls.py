from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

# For the host's monitoring: 200 when everything works, 500 naming what does not.
health = HealthCheckView.as_view(
    checks=[
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "notifications.health.Broker",
        "notifications.health.OutboxSweep",
    ]
)

urlpatterns = [
    path("health/", health, name="health"),
    # The sign-in's second step and password reset, before the admin's catch-all.
    path("admin/", include("staff.urls")),
    path("admin/", admin.site.urls),
    path("intake/", include("assessments.urls")),
    path("", include("clients.urls")),
    path("", include("booking.urls")),
]

# Calm pages in the practice's name (booking/error_pages.py); CSRF_FAILURE_VIEW too.
handler400 = "booking.error_pages.bad_request"
handler403 = "booking.error_pages.permission_denied"
handler404 = "booking.error_pages.page_not_found"
handler500 = "booking.error_pages.server_error"
