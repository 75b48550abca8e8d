"""The practitioner's notes, written on a client's page or a session's page."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Note


class NoteInline(admin.StackedInline):
    model = Note
    fields = ("text", "releasable", "created_at")
    readonly_fields = ("created_at",)
    extra = 1
    classes = ("notes",)


class ClientNoteInline(NoteInline):
    """Notes about the client; a session's notes show here too, named by their session.

    A note about one session is written on that session's page: here the session is
    shown, not chosen (a menu of every booking per note would cost a query each).
    """

    fk_name = "client"
    fields = ("text", "session", "releasable", "created_at")
    readonly_fields = ("session", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("booking__session_type")

    @admin.display(description=_("session"))
    def session(self, note):
        if note.booking is None:
            return "—"
        when = timezone.localtime(note.booking.start_at)
        return f"{note.booking.session_type.name}, {when:%-d %b %Y}"


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
