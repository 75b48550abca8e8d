"""The audit trail in the office: read only, for everyone, superusers included.

Each line says who, when, what and from where, never what a record said; a
client's page links here filtered to that client (``?client_id=12``).
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..audit import RECORD_KINDS, record_kind
from ..models import AuditEntry
from .read_only import RecordAdmin

# django-auditlog registers its own page for the entry model, with values and filters
# made for developers; this one replaces it.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


class RecordKindFilter(admin.SimpleListFilter):
    """The kinds of record the trail follows, in her words (not Django's model names)."""

    title = _("kind of record")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(model, label.capitalize()) for model, label in RECORD_KINDS.items()]

    def queryset(self, request, queryset):
        if self.value() in RECORD_KINDS:
            return queryset.filter(content_type__model=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordAdmin):
    list_display = ("when", "who", "what", "record", "changed_fields", "address")
    list_filter = ("action", RecordKindFilter)
    list_select_related = ("actor", "content_type")
    list_per_page = 50
    # No date drill-down: it reads the dates of every line, and the trail only grows.
    show_full_result_count = False
    # Sorting on the timestamp only: any other order would need an index of its own.
    sortable_by = ()

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup == "client_id" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("when"), ordering="timestamp")
    def when(self, entry: AuditEntry) -> str:
        return f"{timezone.localtime(entry.timestamp):%a %-d %b %Y, %H:%M}"

    @admin.display(description=_("who"))
    def who(self, entry: AuditEntry) -> str:
        if entry.actor is not None:
            return entry.actor.get_full_name() or entry.actor.get_username()
        if entry.content_type.model == "practitioner" and entry.action == entry.Action.ACCESS:
            return "Your calendar app"
        return "A client, or Scales itself"

    @admin.display(description=_("what"))
    def what(self, entry: AuditEntry) -> str:
        return entry.what

    @admin.display(description=_("record"))
    def record(self, entry: AuditEntry) -> str:
        client = f" (client number {entry.client_id})" if entry.client_id else ""
        kind = record_kind(entry.content_type.model).capitalize()
        return f"{kind} number {entry.object_pk}{client}"

    @admin.display(description=_("fields changed"))
    def changed_fields(self, entry: AuditEntry) -> str:
        return entry.field_names or "—"

    @admin.display(description=_("from address"))
    def address(self, entry: AuditEntry) -> str:
        return entry.remote_addr or "—"
