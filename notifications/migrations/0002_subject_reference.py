"""Copy the outbox's foreign keys to bookings and clients into plain references.

Each row's booking becomes its subject ("booking", id) and its client the
recipient's client id, so the email app depends on no app above it. Rows
written before the move keep being sent: the booking app resolves the subject.
Migration 0003 then drops the foreign keys: on PostgreSQL a table whose rows
were just updated cannot be altered in the same transaction (its deferred
foreign-key checks are still pending), so the two steps are two migrations.
"""

from django.db import migrations, models


def references_from_foreign_keys(apps, schema_editor):
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    OutboundEmail.objects.filter(booking__isnull=False).update(
        subject_type="booking", subject_id=models.F("booking_id")
    )
    OutboundEmail.objects.update(recipient_client_id=models.F("client_id"))


def foreign_keys_from_references(apps, schema_editor):
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    OutboundEmail.objects.filter(subject_type="booking").update(booking_id=models.F("subject_id"))
    OutboundEmail.objects.update(client_id=models.F("recipient_client_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_outbox_moves_in"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="subject_type",
            field=models.CharField(default="", max_length=32, verbose_name="about"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="recipient_client_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(references_from_foreign_keys, foreign_keys_from_references),
    ]
