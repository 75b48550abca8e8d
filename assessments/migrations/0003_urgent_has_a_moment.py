"""An urgent questionnaire always says since when (see 0002)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0002_urgent_when_saved"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="intake",
            constraint=models.CheckConstraint(
                condition=models.Q(("urgent", False), ("urgent_at__isnull", False), _connector="OR"),
                name="intake_urgent_has_a_moment",
            ),
        ),
    ]
