"""Sign-in events in the office: lockouts, second factors set up or removed, resets.

Read only: they are a record. Second-factor devices are not listed at all: they
are managed from the sign-in pages and ``manage.py staff_second_factor_reset``,
and django-otp's own pages would show their secret keys.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import SecurityEvent

from .read_only import RecordAdmin

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(SecurityEvent)
class SecurityEventAdmin(RecordAdmin):
    list_display = ("created_at", "kind", "username", "ip_address")
    list_filter = ("kind",)
    search_fields = ("username",)
    list_per_page = 50
