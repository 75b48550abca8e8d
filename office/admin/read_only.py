"""Pages that show a record of what happened: nobody adds, changes or deletes from them."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A list to read, for everyone, superusers included; no bulk actions either."""

    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
