"""Database helpers that keep hot reads cheap."""

from django.db.models import BigIntegerField, Func


class EpochSeconds(Func):
    """Whole seconds since 1970-01-01 UTC of a datetime column, computed by the database.

    Reading a busy calendar is dominated by turning thousands of timestamps into
    Python datetimes through Django's converters; integers cost next to nothing,
    and the slot engine rebuilds the few datetimes it needs with fromtimestamp().
    """

    output_field = BigIntegerField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        # Datetimes are stored as UTC text; julianday() reads it. Rounded to whole
        # seconds, which is exact for booking times (they sit on whole minutes).
        template = "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        return self.as_sql(compiler, connection, template=template, **extra)
