"""Drop the outbox's foreign keys, now copied into plain references (see 0002)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_subject_reference"),
    ]

    operations = [
        migrations.RemoveField(model_name="outboundemail", name="booking"),
        migrations.RemoveField(model_name="outboundemail", name="client"),
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="kind"),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(fields=["subject_type", "subject_id"], name="outbox_subject_idx"),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(fields=["recipient_client_id"], name="outbox_recipient_idx"),
        ),
        migrations.CreateModel(
            name="Heartbeat",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("beat_at", models.DateTimeField()),
            ],
        ),
    ]
