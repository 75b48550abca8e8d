"""The outbox now belongs to the notifications app (state only: the table stays)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("booking", "0005_practitioner_support_resources"),
        ("notifications", "0001_outbox_moves_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboundEmail")],
            database_operations=[],
        ),
    ]
