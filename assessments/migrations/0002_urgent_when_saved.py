"""A safety "yes" flags a questionnaire when it is saved, not only when it is sent.

``urgent_at`` records the moment; questionnaires already urgent get the moment
they were sent. The constraint that tied "urgent" to a sent questionnaire goes;
migration 0003 adds its replacement (urgent has a moment) in a transaction of
its own, since PostgreSQL cannot alter a table whose rows were just updated.
"""

from django.db import migrations, models


def urgent_since_sent(apps, schema_editor):
    Intake = apps.get_model("assessments", "Intake")
    Intake.objects.filter(urgent=True, urgent_at__isnull=True).update(
        urgent_at=models.F("submitted_at")
    )


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="intake", name="intake_urgent_on_submit"),
        migrations.AddField(
            model_name="intake",
            name="urgent_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="urgent since"
            ),
        ),
        migrations.RunPython(urgent_since_sent, migrations.RunPython.noop),
    ]
