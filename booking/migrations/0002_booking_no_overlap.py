"""Let PostgreSQL itself refuse overlapping live bookings of one practitioner.

Django's ExclusionConstraint cannot be declared on a model that also runs on
SQLite, so the constraint lives here and is applied on PostgreSQL only. On
SQLite, booking transactions are serialised instead (IMMEDIATE mode).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "booking_no_overlap"


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE booking_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist ("
        " practitioner_id WITH =,"
        " tstzrange(blocked_start, blocked_end, '[)') WITH &&"
        ") WHERE (status IN ('held', 'confirmed'))"
    )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE booking_booking DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_exclusion, drop_exclusion),
    ]
