"""The office's writes: what a practitioner's account may open."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Q

PRACTITIONER_GROUP = "Practitioner"
# Everything in the practice's own apps; sign-in events to read only.
PRACTICE_APPS = ("clients", "booking", "assessments", "notifications", "office")


@transaction.atomic
def practitioner_access_grant(*, user: User) -> Group:
    """Make ``user`` staff in the "Practitioner" group: every practice page, no user admin.

    The group's permissions are brought up to date each time, so a new model's
    pages reach her after the next run (seed_demo runs it; so can a deploy).
    """
    group, _created = Group.objects.get_or_create(name=PRACTITIONER_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=PRACTICE_APPS)
            | Q(content_type__app_label="staff", codename="view_securityevent")
        ).exclude(  # the audit trail is read only, for her as for anyone
            content_type__app_label="office",
            codename__in=["add_auditentry", "change_auditentry", "delete_auditentry"],
        )
    )
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return group
