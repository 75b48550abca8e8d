"""The audit trail: who opened or changed which record, when, from where; never what it said.

django-auditlog writes an entry on every save and delete of the models registered
in ``audit_register`` (bookings, clients, notes, the practitioner's settings and
the questionnaire versions she publishes),
and on every "accessed" signal; the office adds its own for opening a report, a
client page or notes, for an export and for an erasure. Our entry model
(``office.models.AuditEntry``) keeps the names of changed fields and the record's
id, never values nor names, so erasing a person never has to touch the trail, and
it refuses to be changed or deleted once written.
"""

from __future__ import annotations

from typing import Any

from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.db.models import Model

from clients.visitors import request_ip

# Each kind of record in the trail, in the practitioner's words (by model name).
RECORD_KINDS = {
    "client": "client",
    "booking": "booking",
    "intake": "questionnaire",
    "instrument": "questionnaire version",
    "note": "note",
    "practitioner": "settings",
    "practitionerphoto": "photo",
    "sessiontype": "offer",
    "availabilityrule": "weekly hours",
    "availabilityoverride": "day off or extra hours",
}


def record_kind(model_name: str) -> str:
    return RECORD_KINDS.get(model_name, "record")


# Fields whose change says nothing to an auditor (timestamps every save moves).
NOT_AUDITED = ["updated_at", "created_at"]


def audit_register() -> None:
    """Register what the trail follows; called once from OfficeConfig.ready()."""
    from assessments.models import Instrument
    from booking.models import (
        AvailabilityOverride,
        AvailabilityRule,
        Booking,
        Practitioner,
        PractitionerPhoto,
        SessionType,
    )
    from clients.models import Client

    from .models import Note

    # Bytes cannot be compared as text; a new picture still shows as its new size.
    # A version's questions are in its file; the trail says that it was loaded and published.
    unrecorded = {PractitionerPhoto: ["image"], Instrument: ["definition", "loaded_at"]}
    for model in (
        Client,
        Booking,
        Note,
        Practitioner,
        PractitionerPhoto,
        SessionType,
        AvailabilityRule,
        AvailabilityOverride,
        Instrument,
    ):
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=[*NOT_AUDITED, *unrecorded.get(model, [])])


def audit_client_of(instance: Model) -> int | None:
    """The client a record is about, so the trail can be read client by client."""
    from clients.models import Client

    if isinstance(instance, Client):
        return instance.pk
    return getattr(instance, "client_id", None)


def audit_opened(instance: Model, *, what: str = "") -> None:
    """Record that staff opened ``instance`` (a report, a client page, notes, an export).

    Called by the office's views; the actor and address come from the request
    (``AuditContextMiddleware``).
    """
    from .models import AuditEntry

    AuditEntry.objects.log_create(
        instance,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        changes=None,
        additional_data={"what": what} if what else None,
    )


class AuditContextMiddleware(AuditlogMiddleware):
    """Who and from where, for the entries a request writes.

    The address is the one our proxy settings trust (``clients.visitors.request_ip``),
    not a forgeable X-Forwarded-For, and only a staff member's: a client's own
    changes (booking, cancelling) are recorded without their address, which would
    be personal data an erasure could not reach.
    """

    def get_extra_data(self, request) -> dict[str, Any]:
        user = getattr(request, "user", None)
        staff = bool(user is not None and user.is_authenticated and user.is_staff)
        return {
            "remote_addr": (request_ip(request) or None) if staff else None,
            "remote_port": None,
            "actor": user if staff else None,
        }
