from django.contrib import admin

from booking.admin_emails import EmailInline
from booking.models import Booking

from .models import Client


class BookingInline(admin.TabularInline):
    model = Booking
    fk_name = "client"
    fields = ("start_at", "session_type", "status", "mode")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-start_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session_type")


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "status", "time_zone", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "email")
    readonly_fields = ("privacy_consent_at", "follow_ups_opt_out_at", "created_at", "updated_at")
    inlines = [BookingInline, EmailInline]
