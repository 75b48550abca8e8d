"""The practitioner's notes, written on a client's page or a session's page."""

from django.contrib import admin

from ..models import Note


class NoteInline(admin.StackedInline):
    model = Note
    fields = ("text", "releasable", "created_at")
    readonly_fields = ("created_at",)
    extra = 1
    classes = ("notes",)


class ClientNoteInline(NoteInline):
    """Notes about the client; a session's notes show here too, named by their session."""

    fk_name = "client"
    fields = ("text", "booking", "releasable", "created_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "booking":
            client_id = request.resolver_match.kwargs.get("object_id")
            queryset = db_field.remote_field.model.objects.filter(client_id=client_id)
            kwargs["queryset"] = queryset.select_related("session_type")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BookingNoteInline(NoteInline):
    fk_name = "booking"


class NotesSaving:
    """Fill in who wrote a note, and whose it is when it was written on a session's page."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Note:
            return super().save_formset(request, form, formset, change)
        notes = formset.save(commit=False)
        for note in notes:
            if note.booking_id and not note.client_id:
                note.client_id = note.booking.client_id
            if note.author_id is None:
                note.author = request.user
            note.save()
        for note in formset.deleted_objects:
            note.delete()
        formset.save_m2m()
