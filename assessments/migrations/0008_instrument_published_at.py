"""Versions become drafts or published; every version already loaded was live, so it is published.

New versions are loaded as drafts from now on (``services.instruments_sync``),
and new questionnaires take the newest published one.
"""

from django.db import migrations, models
from django.db.models import F


def published_at_fill(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    Instrument.objects.filter(published_at__isnull=True).update(published_at=F("loaded_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_intake_awaiting_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="instrument",
            name="published_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="live since"
            ),
        ),
        migrations.RunPython(published_at_fill, migrations.RunPython.noop, elidable=True),
    ]
