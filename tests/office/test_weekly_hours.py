"""Her weekly hours as a week grid: the service, the selector, the form and the page."""

from datetime import date, time

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from playwright.sync_api import expect

from booking.models import AvailabilityRule
from booking.selectors import slots_for, weekly_hours
from booking.services import BookingError, weekly_hours_replace
from office.forms import WeeklyHoursForm

from ..booking.helpers import committed
from ..clock import NOW
from ..factories import AvailabilityRuleFactory, PractitionerFactory, UserFactory
from ..staff.helpers import session_cookie, sign_in
from .test_words import DEVELOPER_WORDS, visible_text

HOURS = "/admin/calendar/hours/"
FRIDAY = date(2026, 3, 6)


def rules(practitioner) -> list[tuple[int, time, time]]:
    return list(
        AvailabilityRule.objects.filter(practitioner=practitioner)
        .order_by("weekday", "start_time")
        .values_list("weekday", "start_time", "end_time")
    )


def grid(**typed: str) -> dict[str, str]:
    """Return a POST of the whole grid, empty but for ``typed`` (``monday_1_from="9:00"``)."""
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    data = {f"{day}_{n}_{end}": "" for day in days for n in (1, 2, 3) for end in ("from", "until")}
    return {**data, **typed}


# --- The service ----------------------------------------------------------------------


def test_it_replaces_her_whole_week(maya):
    weekly_hours_replace(
        practitioner=maya,
        windows={0: [(time(13), time(17)), (time(9), time(12))], 4: [(time(10), time(14))]},
    )
    assert rules(maya) == [
        (0, time(9), time(12)),
        (0, time(13), time(17)),
        (4, time(10), time(14)),
    ]


def test_it_raises_the_calendar_version_so_cached_times_refresh(maya):
    version = maya.calendar_version
    weekly_hours_replace(practitioner=maya, windows={0: [(time(9), time(12))]})
    maya.refresh_from_db()
    assert maya.calendar_version == version + 1


def test_it_leaves_other_calendars_alone(maya):
    other = PractitionerFactory(user__username="noor")
    AvailabilityRuleFactory(practitioner=other, weekday=2, start_time=time(8), end_time=time(11))
    weekly_hours_replace(practitioner=maya, windows={})
    assert rules(maya) == []
    assert rules(other) == [(2, time(8), time(11))]


@pytest.mark.parametrize(
    ("windows", "code", "words"),
    [
        ({1: [(time(12), time(9))]}, "order", "On Tuesday, 12:00–09:00 ends before it starts."),
        ({1: [(time(9), time(9))]}, "order", "On Tuesday, 09:00–09:00 ends before it starts."),
        (
            {2: [(time(13), time(17)), (time(9), time(13, 30))]},
            "overlap",
            "On Wednesday, 09:00–13:30 and 13:00–17:00 overlap.",
        ),
    ],
)
def test_it_refuses_a_window_that_cannot_be_and_keeps_her_hours(maya, windows, code, words):
    before, version = rules(maya), maya.calendar_version
    with pytest.raises(BookingError) as refused:
        weekly_hours_replace(practitioner=maya, windows={0: [(time(10), time(11))], **windows})
    assert refused.value.code == code
    assert words in refused.value.message
    assert rules(maya) == before
    maya.refresh_from_db()
    assert maya.calendar_version == version


def test_it_lets_one_window_end_where_the_next_starts(maya):
    weekly_hours_replace(
        practitioner=maya, windows={0: [(time(9), time(12)), (time(12), time(15))]}
    )
    assert len(rules(maya)) == 2


# --- The selector -----------------------------------------------------------------------


def test_it_reads_the_seven_days_in_one_query(maya, django_assert_num_queries):
    with django_assert_num_queries(1):
        days = weekly_hours(maya)
    assert [day.name for day in days] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert days[0].windows == ((time(9), time(12)), (time(14), time(17)))
    assert days[0].hours_text == "09:00–12:00, 14:00–17:00"
    assert days[6].windows == ()
    assert days[6].hours_text == "Closed"


# --- The form ---------------------------------------------------------------------------


def test_it_reads_times_as_people_type_them(maya):
    form = WeeklyHoursForm(
        grid(
            monday_1_from="9:00",
            monday_1_until="12:00",
            friday_2_from="13:00",
            friday_2_until="17:30",
        ),
        days=weekly_hours(maya),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["windows"] == {
        0: [(time(9), time(12))],
        1: [],
        2: [],
        3: [],
        4: [(time(13), time(17, 30))],
        5: [],
        6: [],
    }


def test_it_asks_for_both_ends_of_a_window_on_its_row(maya):
    form = WeeklyHoursForm(
        grid(tuesday_2_from="9:00", sunday_1_until="17:00"), days=weekly_hours(maya)
    )
    assert not form.is_valid()
    assert form.errors["tuesday_2_until"] == [
        "From 09:00 until when? Please add the end, or clear the start."
    ]
    assert form.errors["sunday_1_from"] == [
        "Until 17:00 from when? Please add the start, or clear the end."
    ]
    rows = {row.day.name: row.errors for row in form.rows}
    assert rows["Tuesday"] == ["From 09:00 until when? Please add the end, or clear the start."]
    assert rows["Monday"] == []


def test_it_labels_every_time_field(maya):
    form = WeeklyHoursForm(days=weekly_hours(maya))
    assert form.fields["monday_1_from"].label == "Monday, from (1)"
    assert form.fields["sunday_3_until"].label == "Sunday, until (3)"
    assert len(form.fields) == 7 * 3 * 2


def test_it_shows_every_window_of_a_day_with_more_than_three(maya):
    weekly_hours_replace(
        practitioner=maya,
        windows={0: [(time(h), time(h, 30)) for h in (8, 10, 12, 14)]},
    )
    form = WeeklyHoursForm(days=weekly_hours(maya))
    assert form["monday_4_from"].value() == time(14)
    assert form.columns == 4
    assert all(len(row.windows) + len(row.padding) == 4 for row in form.rows)


# --- The page ---------------------------------------------------------------------------


def test_it_shows_her_week_as_a_grid_with_times_as_people_write_them(office, maya):
    response = office.get(HOURS)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="monday_1_from"' in page
    assert 'value="09:00"' in page
    assert 'value="17:00"' in page
    assert ":00:00" not in page
    assert '<th scope="row">Sunday</th>' in page
    assert '<label class="visually-hidden" for="id_monday_1_from">Monday, from (1)</label>' in page
    assert "in your time zone (Europe/Amsterdam)" in page
    text = visible_text(page)
    assert not [m.group(0) for pattern in DEVELOPER_WORDS for m in pattern.finditer(text)]


@pytest.mark.time_machine(NOW, tick=False)  # Monday 2 March: Friday the 6th is bookable
def test_it_saves_her_hours_and_clients_can_book_them(office, maya, assessment, client):
    friday_10 = 'value="2026-03-06T09:00:00+00:00"'
    client.logout()
    assert friday_10 not in client.get("/book/assessment-call/?tz=UTC").content.decode()
    sign_in(client, maya.user)
    with committed():
        response = office.post(
            HOURS,
            grid(
                monday_1_from="9:00",
                monday_1_until="12:00",
                friday_1_from="10:00",
                friday_1_until="11:00",
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == "/admin/calendar/"
    assert "Your weekly hours are saved." in office.get(response["Location"]).content.decode()
    assert rules(maya) == [(0, time(9), time(12)), (4, time(10), time(11))]
    found = slots_for(session_type=assessment, first_day=FRIDAY, last_day=FRIDAY)
    # 10:00 and 10:30 in Amsterdam (UTC+1); a 20-minute call with 10 minutes after it.
    assert [f"{slot:%H:%M}" for slot in found] == ["09:00", "09:30"]
    client.logout()  # the public page was cached with the old hours: it must show the new
    assert friday_10 in client.get("/book/assessment-call/?tz=UTC").content.decode()


def test_it_shows_a_refused_week_on_the_page_and_saves_nothing(office, maya):
    before = rules(maya)
    response = office.post(
        HOURS,
        grid(
            monday_1_from="09:00",
            monday_1_until="12:00",
            monday_2_from="11:00",
            monday_2_until="13:00",
        ),
    )
    assert response.status_code == 400
    assert "On Monday, 09:00–12:00 and 11:00–13:00 overlap." in response.content.decode()
    assert rules(maya) == before


def test_it_shows_a_half_filled_window_on_its_row(office, maya):
    response = office.post(HOURS, grid(wednesday_1_from="9:00"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Wednesday: From 09:00 until when? Please add the end, or clear the start." in page
    assert 'aria-describedby="id_wednesday_1_until_error"' in page
    assert 'id="id_wednesday_1_until_error"' in page  # what the field points to is there
    assert rules(maya)  # nothing saved


def test_it_refuses_someone_who_may_not_change_hours(client, maya):
    maya.user.is_superuser = False
    maya.user.save()
    maya.user.user_permissions.add(Permission.objects.get(codename="view_availabilityrule"))
    sign_in(client, maya.user)
    assert client.get(HOURS).status_code == 403
    assert client.post(HOURS, grid()).status_code == 403
    assert len(rules(maya)) == 8


def test_it_refuses_an_account_without_a_calendar(client, db):
    sign_in(client, UserFactory(username="admin", is_superuser=True))
    assert client.get(HOURS).status_code == 403


def test_it_links_the_grid_from_the_calendar(office, maya):
    assert 'href="/admin/calendar/hours/"' in office.get("/admin/calendar/").content.decode()


def test_it_shows_her_week_read_only_on_her_profile(office, maya):
    page = office.get(f"/admin/booking/practitioner/{maya.pk}/change/").content.decode()
    assert "<li>Mon 09:00–12:00, 14:00–17:00</li>" in page
    assert "<li>Sun Closed</li>" in page
    assert '<a href="/admin/calendar/hours/">Change weekly hours</a>' in page
    assert "availability_rules-" not in page  # the raw table is gone
    assert "availability_overrides-TOTAL_FORMS" in page


@pytest.mark.browser
def test_it_saves_hours_in_a_browser_without_script_and_passes_axe(live_server, browser, maya, axe):
    cookie = {**session_cookie(Client(), maya.user), "url": live_server.url}
    without_script = browser.new_context(java_script_enabled=False)
    without_script.add_cookies([cookie])
    page = without_script.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + HOURS)
    page.get_by_label("Friday, from (1)").fill("10:00")
    page.get_by_label("Friday, until (1)").fill("11:30")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page).to_have_url(live_server.url + "/admin/calendar/")
    expect(page.get_by_text("Your weekly hours are saved.")).to_be_visible()
    assert (4, time(10), time(11, 30)) in rules(maya)

    with_script = browser.new_context()
    with_script.add_cookies([cookie])
    page = with_script.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + HOURS)
    expect(page.get_by_role("rowheader", name="Friday")).to_be_visible()
    axe(page)
    page.get_by_label("Saturday, until (2)").fill("12:00")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the hours marked below.")
    expect(page.get_by_text("Saturday: Until 12:00 from when?")).to_be_visible()
    axe(page)
