"""The practitioner's notes: on a client's page or a session's, hers alone."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry

from notifications.models import OutboundEmail
from notifications.services import emails_queue
from office.models import Note

from ..clock import NOW
from ..emails import rendered
from ..factories import BookingFactory, ClientFactory

pytestmark = pytest.mark.time_machine(NOW, tick=False)

WORDS = "Spoke about leaving; wants a safety plan before the next call."


def form_data(response) -> dict:
    """Return what the change page would post back unchanged: the form and every inline."""
    data = {}
    for name, field in response.context["adminform"].form.fields.items():
        value = response.context["adminform"].form.initial.get(name, field.initial)
        if value is not None and not field.disabled:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.initial_forms:
            data[form.add_prefix(formset.model._meta.pk.name)] = form.instance.pk
            for name in form.fields:
                value = form.initial.get(name)
                if value is not None:
                    data[form.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return data


@pytest.fixture
def priya(assessment):
    priya = ClientFactory(name="Priya Raman", email="priya@example.com")
    BookingFactory(session_type=assessment, client=priya, start_at=NOW + timedelta(days=2))
    return priya


def test_it_writes_a_note_on_the_clients_page(office, priya, maya):
    url = f"/admin/clients/client/{priya.pk}/change/"
    data = form_data(office.get(url))
    data.update({"notes-0-text": WORDS, "notes-TOTAL_FORMS": "1"})
    response = office.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for i in response.context["inline_admin_formsets"] for f in i.formset],
    )
    note = Note.objects.get()
    assert (note.client, note.booking, note.author) == (priya, None, maya.user)
    assert note.releasable is False
    assert WORDS in office.get(url).content.decode()


def test_it_writes_a_session_note_that_belongs_to_the_client(office, priya):
    booking = priya.bookings.get()
    url = f"/admin/booking/booking/{booking.pk}/change/"
    data = form_data(office.get(url))
    data.update({"notes-0-text": WORDS, "notes-0-releasable": "on", "notes-TOTAL_FORMS": "1"})
    assert office.post(url, data).status_code == 302
    note = Note.objects.get()
    assert (note.client, note.booking, note.releasable) == (priya, booking, True)
    # The client's page lists the session's note too.
    assert WORDS in office.get(f"/admin/clients/client/{priya.pk}/change/").content.decode()


def test_it_keeps_the_words_out_of_the_admin_history(office, priya):
    url = f"/admin/clients/client/{priya.pk}/change/"
    data = form_data(office.get(url))
    data.update({"notes-0-text": WORDS, "notes-TOTAL_FORMS": "1"})
    office.post(url, data)
    history = " ".join(f"{e.object_repr} {e.change_message}" for e in LogEntry.objects.all())
    assert "Note of 2 Mar 2026" in history
    assert "safety plan" not in history


def test_it_never_puts_a_note_in_an_email(priya, maya):
    booking = priya.bookings.get()
    Note.objects.create(client=priya, booking=booking, text=WORDS, author=maya.user)
    emails_queue("confirmation", booking, due_at=NOW)
    for email in OutboundEmail.objects.all():
        message = rendered(email)
        assert "safety plan" not in message.body
        assert "safety plan" not in message.alternatives[0].content
