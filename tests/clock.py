"""The moments tests freeze the clock at, shared so every module reads the same week.

Maya, the practitioner, works in Europe/Amsterdam (UTC+1 in March 2026, before
the clocks change on 29 March). Freeze with time-machine's marker:
``pytestmark = pytest.mark.time_machine(NOW, tick=False)``, and move the clock
inside a test with the ``time_machine`` fixture.
"""

from datetime import UTC, datetime

# Monday 2 March 2026, 09:00 in Amsterdam: the start of a plain winter week.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
# Tuesday 3 March, 09:00 in Amsterdam: the first bookable time after 12 hours' notice.
TUESDAY_9 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
# Thursday 5 March, 09:00 in Amsterdam: 72 hours ahead, so every reminder and the nudge fit.
THURSDAY_9 = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
