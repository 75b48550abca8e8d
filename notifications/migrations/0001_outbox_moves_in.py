"""The outbox table moves from booking to this app, rows and all.

State only: the table ``booking_outboundemail`` stays where it is, with the
shape booking gave it. Migration 0002 then reshapes it so this app no longer
points at bookings or clients.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("booking", "0005_practitioner_support_resources"),
        ("clients", "0002_email_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboundEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=24, verbose_name="kind")),
                        ("to_email", models.EmailField(max_length=254, verbose_name="to")),
                        ("due_at", models.DateTimeField(verbose_name="due")),
                        ("status", models.CharField(choices=[("scheduled", "Scheduled"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled")], default="scheduled", max_length=10, verbose_name="status")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.CharField(blank=True, max_length=500, verbose_name="last error")),
                        ("queued_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("attempt_started_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("dedupe_key", models.CharField(editable=False, max_length=200, unique=True)),
                        ("booking", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="emails", to="booking.booking")),
                        ("client", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="emails", to="clients.client")),
                    ],
                    options={
                        "db_table": "booking_outboundemail",
                        "verbose_name": "email",
                        "verbose_name_plural": "email log",
                        "ordering": ["-due_at"],
                        "indexes": [
                            models.Index(condition=models.Q(("status", "scheduled")), fields=["due_at"], name="outbox_due_idx"),
                            models.Index(condition=models.Q(("status", "sending")), fields=["queued_at"], name="outbox_sending_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
