"""Store "waiting to be read" on the questionnaire, worked out once for the existing rows."""

from django.db import migrations, models
from django.db.models import F, Q


def awaiting_review_fill(apps, schema_editor):
    Intake = apps.get_model("assessments", "Intake")
    waiting = (
        Intake.objects.filter(submitted_at__isnull=False)
        .filter(Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=F("submitted_at")))
        .exclude(booking__status="cancelled")
        .values_list("pk", flat=True)
    )
    Intake.objects.filter(pk__in=list(waiting)).update(awaiting_review=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_plain_words"),
        ("booking", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="intake",
            name="awaiting_review",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="intake",
            index=models.Index(
                condition=Q(awaiting_review=True),
                fields=["submitted_at"],
                name="intake_awaiting_review_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="intake",
            index=models.Index(
                condition=Q(urgent=True), fields=["urgent_at"], name="intake_urgent_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="intake",
            constraint=models.CheckConstraint(
                condition=Q(awaiting_review=False) | Q(submitted_at__isnull=False),
                name="intake_awaiting_review_when_sent",
            ),
        ),
        # Last: PostgreSQL refuses to alter a table whose rows this transaction updated.
        migrations.RunPython(awaiting_review_fill, migrations.RunPython.noop, elidable=True),
    ]
