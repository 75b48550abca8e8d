from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Scales"
admin.site.site_title = "Scales"
admin.site.index_title = "Your practice"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("intake/", include("assessments.urls")),
    path("", include("booking.urls")),
]
