"""Server-drawn SVG charts: well-formed, escaped, and a suppressed value never drawn as a number."""

import xml.etree.ElementTree as ET

from api.portal.charts import Bar, format_number, hbar, paired_bars, stacked_bar

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg) -> list[str]:
    return [t.text for t in ET.fromstring(str(svg)).iter(f"{SVG}text")]


def test_a_suppressed_bar_is_hatched_and_labelled_under_five_while_zero_stays_zero():
    svg = hbar([Bar("Dinas A", 12), Bar("Dinas B", None), Bar("Dinas C", 0)], "Jumlah ASN")
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Jumlah ASN"
    assert texts(svg)[1::2] == ["12", "0", "< 5"]  # sorted by value; a suppressed one (0 to 4) last
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("fill") != "#eee"]
    assert fills.count("url(#hatch)") == 1
    assert "Dinas B: < 5" in root.find(f"{SVG}desc").text


def test_labels_are_escaped_so_a_unit_name_cannot_inject_markup():
    svg = hbar([Bar('<script>alert("x")</script>', 5)], "T & <b>")
    assert "<script>" not in str(svg) and ET.fromstring(str(svg)) is not None


def test_numbers_use_indonesian_digit_grouping():
    assert format_number(25_000_000) == "25.000.000"
    assert format_number(1234.5) == "1.234,5"
    assert "Rp 7.500.000" in texts(paired_bars([("A", 7_500_000, 0)], "Anggaran", ("x", "y")))


def test_a_distribution_keeps_suppressed_parts_visible_in_its_legend():
    svg = stacked_bar([Bar("Baik", 5), Bar("Kurang", None)], "Predikat")
    assert "Kurang: < 5" in texts(svg) and "Baik: 5" in texts(svg)


def test_bars_are_sorted_by_value_and_long_names_wrap_instead_of_being_cut():
    name = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Binjai"
    svg = hbar([Bar("Kecil", 3), Bar(name, 40), Bar("Tengah", 12)], "Jumlah ASN")
    root = ET.fromstring(str(svg))
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "val"]
    assert values == ["40", "12", "3"]
    lines = [s.text for s in root.iter(f"{SVG}tspan")]
    assert len(lines) >= 2 and " ".join(lines) == name and "…" not in str(svg)
