"""Calendar files are valid RFC 5545 that calendar apps accept."""

from datetime import UTC, datetime

from icalendar import Calendar

from booking.calendar import booking_ics

# Sunday 25 October 2026, the second 02:30 in Amsterdam (clocks went back an hour earlier):
# a wall time that happens twice, which only UTC names without doubt.
START = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def ics(**overrides) -> bytes:
    values = {
        "uid": "abc@scales",
        "sequence": 2,
        "title": "Call with Maya Lind",
        "start": START,
        "end": datetime(2026, 10, 25, 1, 50, tzinfo=UTC),
        "stamp": datetime(2026, 10, 1, tzinfo=UTC),
        "location": "https://meet.example.com/maya",
        "description": "Join: https://meet.example.com/maya\nManage: " + "x" * 200,
        "organizer_email": "maya@example.com",
        "organizer_name": "Maya Lind",
    }
    return booking_ics(**{**values, **overrides})


def test_it_writes_crlf_lines_folded_at_75_octets():
    content = ics()
    assert content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert content.endswith(b"END:VCALENDAR\r\n")
    for line in content.split(b"\r\n"):
        assert len(line) <= 75
        assert b"\n" not in line


def test_it_has_the_required_properties_in_utc():
    event = Calendar.from_ical(ics()).walk("VEVENT")[0]
    calendar = Calendar.from_ical(ics())
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert event["UID"] == "abc@scales"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == datetime(2026, 10, 25, 1, 50, tzinfo=UTC)
    assert event["SEQUENCE"] == 2
    assert b"DTSTART:20261025T013000Z" in ics()
    assert str(event["ORGANIZER"]) == "mailto:maya@example.com"


def test_it_marks_a_cancellation():
    content = ics(cancelled=True)
    assert b"METHOD:CANCEL" in content
    assert b"STATUS:CANCELLED" in content
