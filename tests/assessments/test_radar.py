"""Unit tests for the radar chart SVG (assessments/radar.py)."""

import xml.etree.ElementTree as ET

import pytest

from assessments.radar import radar_svg

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["Money", "Emotional load", "Social", "Age & health", "Communication", "Choice"]
YOU = ("You", [50, 25, None, 75, 100, 12.5])
PARTNER = ("Your partner", [20, 60, 40, 0, None, None])


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def series_polygons(root):
    return [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "series"]


def test_it_draws_well_formed_svg():
    root = parse(radar_svg([YOU, PARTNER], LABELS))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "radar-title radar-desc"


def test_it_names_the_chart_for_screen_readers():
    root = parse(radar_svg([YOU], LABELS, title="Money and more"))

    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "radar-title",
        "Money and more",
    )
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", "radar-desc")


def test_it_lists_every_value_in_the_description():
    desc = parse(radar_svg([YOU, PARTNER], LABELS)).find(f"{SVG}desc").text

    assert "Scores from 0 to 100 on 6 axes" in desc
    assert (
        "You: Money 50, Emotional load 25, Social not answered, Age & health 75, "
        "Communication 100, Choice 12.5." in desc
    )
    assert "Your partner: Money 20, Emotional load 60, Social 40, Age & health 0," in desc
    assert "Communication not answered, Choice not answered." in desc


def test_it_escapes_labels_names_and_title():
    svg = radar_svg([("<i>A</i>", [1, 2, 3])], ["<b>&", "B", 'C "quoted"'], title="T & <x>")

    root = parse(svg)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "<b>&" in texts
    assert "<i>A</i>" in texts
    assert root.find(f"{SVG}title").text == "T & <x>"
    assert "&lt;b&gt;&amp;" in svg
    assert "<b>" not in svg
    assert "<i>" not in svg


def test_it_drops_characters_xml_cannot_hold():
    root = parse(radar_svg([("A\x00\x07", [1, 2, 3])], ["x\x1b", "y", "z"]))

    assert "A" in [element.text for element in root.iter(f"{SVG}text")]


def test_it_tells_two_series_apart_without_colour():
    root = parse(radar_svg([YOU, PARTNER], LABELS))

    first, second = series_polygons(root)
    assert first.get("stroke-dasharray") is None
    assert second.get("stroke-dasharray")
    # Round markers for the first series, square ones for the second.
    markers = [el for el in root.iter() if el.tag in (f"{SVG}circle", f"{SVG}rect")]
    assert len([el for el in markers if el.tag == f"{SVG}circle"]) == len(LABELS) + 1  # + legend
    squares = [el for el in markers if el.tag == f"{SVG}rect" and el.get("stroke")]
    assert len(squares) == len(LABELS) + 1


def test_it_draws_unanswered_values_at_the_centre_with_hollow_markers():
    root = parse(radar_svg([("You", [None, 100, 100])], ["A", "B", "C"], size=200))

    (polygon,) = series_polygons(root)
    assert polygon.get("points").split()[0] == "100,100"  # the centre of a 200 chart
    hollow = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#ffffff"]
    assert [(c.get("cx"), c.get("cy")) for c in hollow] == [("100", "100")]


def test_it_draws_one_series():
    root = parse(radar_svg([YOU], LABELS))

    assert len(series_polygons(root)) == 1


def test_it_needs_no_scripts_fonts_or_links():
    svg = radar_svg([YOU, PARTNER], LABELS)

    assert "<script" not in svg
    assert "href" not in svg
    assert "@import" not in svg
    assert svg.count("http") == 1  # the SVG namespace only


def test_it_widens_to_fit_long_side_labels():
    short = parse(radar_svg([YOU], ["A", "B", "C", "D", "E", "F"]))
    long = parse(radar_svg([YOU], LABELS))

    assert float(long.get("width")) > float(short.get("width"))
    assert float(long.get("viewBox").split()[0]) < 0


def test_it_uses_the_chart_id_for_its_ids():
    root = parse(radar_svg([YOU], LABELS, chart_id="couple-2"))

    assert root.get("aria-labelledby") == "couple-2-title couple-2-desc"


@pytest.mark.parametrize(
    ("series", "labels", "message"),
    [
        ([YOU, PARTNER, YOU], LABELS, "1 or 2 series"),
        ([], LABELS, "1 or 2 series"),
        ([("A", [1, 2])], ["x", "y"], "at least 3 labels"),
        ([("A", [1, 2, 3])], LABELS, "3 values for 6 labels"),
        ([("A", [1, 2, 101])], ["x", "y", "z"], "outside 0-100"),
        ([("A", [1, 2, -1])], ["x", "y", "z"], "outside 0-100"),
        ([("A", [1, 2, float("nan")])], ["x", "y", "z"], "outside 0-100"),
    ],
)
def test_it_rejects_what_it_cannot_draw(series, labels, message):
    with pytest.raises(ValueError, match=message):
        radar_svg(series, labels)


def test_it_rejects_a_chart_id_that_is_not_an_xml_id():
    with pytest.raises(ValueError, match="XML id"):
        radar_svg([YOU], LABELS, chart_id='x" onload="alert(1)')
