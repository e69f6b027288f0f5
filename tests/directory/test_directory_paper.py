"""Booklet and weekly calendar PDFs: Japanese renders (page 1 as PNG is not blank and the
text layer holds the Japanese), public resources only, every day of the week in the grid."""

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from sasaeai.directory import paper
from sasaeai.directory.models import CATEGORY_JA, Category, Service, Status, Visibility


def render_first_page(data: bytes) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "doc.pdf"
        pdf.write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(Path(tmp) / "p")],
                       check=True, capture_output=True)
        png = next(Path(tmp).glob("p*.png"))
        return Image.open(png).convert("L").copy()


def dark_share(image: Image.Image) -> float:
    pixels = list(image.getdata())
    return sum(1 for p in pixels if p < 128) / len(pixels)


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        return subprocess.run(["pdftotext", fh.name, "-"], capture_output=True, check=True).stdout.decode()


def test_booklet_renders_japanese_for_an_area(seeded_town):
    m, area = seeded_town.municipality, seeded_town.areas[0]
    data = paper.booklet(m, area=area)
    assert data.startswith(b"%PDF")
    assert dark_share(render_first_page(data)) > 0.01
    text = pdf_text(data)
    assert "地域のつどい・支え合いガイド" in text
    assert "曜日からさがす" in text and "分類からさがす" in text
    for category in Category.values:
        assert CATEGORY_JA[category] in text, category
    public = Service.objects.filter(area=area, status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    assert public.first().name.split(" ")[-1] in text


def test_booklet_with_chosen_categories(seeded_town):
    m = seeded_town.municipality
    text = pdf_text(paper.booklet(m, categories=["exercise", "kayoi"]))
    assert "■ 体操・運動" in text and "■ 通いの場・サロン" in text
    assert "■ 配食" not in text


def test_weekly_calendar_grid(seeded_town):
    m = seeded_town.municipality
    data = paper.weekly_calendar(m, area=seeded_town.areas[1])
    assert dark_share(render_first_page(data)) > 0.01
    text = pdf_text(data)
    for day in "月火水木金土日":
        assert f"{day}曜日" in text
    assert "週間プログラム表" in text


@pytest.mark.parametrize("url", ["/directory/paper/booklet.pdf", "/directory/paper/calendar.pdf"])
def test_paper_over_http(seeded_town, url):
    m = seeded_town.municipality
    response = Client().get(url, {"m": m.pk, "area": seeded_town.areas[0].pk})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Client().get(url, {"m": m.pk, "area": 999999}).status_code == 404
    assert Client().get("/directory/paper/", {"m": m.pk}).status_code == 200


def test_empty_area_still_prints(make_municipality):
    m = make_municipality(n_areas=1)
    assert dark_share(render_first_page(paper.booklet(m))) > 0.005
    assert paper.weekly_calendar(m).startswith(b"%PDF")


def test_booklet_map_has_geography_scale_and_north(seeded_town):
    """The map is no longer dots in an empty frame: outlines, landmarks with their names, a
    scale bar in km and a north arrow (text layer), and clearly more ink than the dots alone."""
    from sasaeai.geo.models import Landmark

    m = seeded_town.municipality
    area = seeded_town.areas[1]
    for data, place in ((paper.booklet(m), m.name), (paper.booklet(m, area=area), area.name)):
        first = pdf_text(data).split("\f")[0]
        assert place in first
        assert "km" in first and "北" in first
        assert "地図の記号" in first
        shown = [lm.name for lm in Landmark.objects.filter(municipality=m)]
        assert sum(name in first for name in shown) >= 2
    # The whole-town booklet also has one map per area, framed on it.
    text = pdf_text(paper.booklet(m))
    for a in seeded_town.areas:
        assert f"■ {a.name}の地図" in text
    assert "の地図" not in pdf_text(paper.booklet(m, area=area))


def test_booklet_map_without_geography_still_draws(make_municipality):
    """A municipality without outlines or landmarks still gets the dots, scale and arrow."""
    m = make_municipality(n_areas=1)
    text = pdf_text(paper.booklet(m)).split("\f")[0]
    assert "北" in text and ("km" in text or " m" in text)
def text_sizes(data: bytes) -> list[tuple[float, str]]:
    """(effective size in pt, text) of every piece of text drawn, from the PDF's own operators:
    the Tf font size scaled by the text matrix and the current transformation matrix."""
    import io

    from pypdf import PdfReader

    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
            found.append((round(font_size * scale, 2), text.strip()))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_weekly_calendar_text_is_at_least_10_pt(seeded_town):
    """Issue 9 §9: older readers need ≥ 10 pt everywhere on the calendar (it was 9 pt cells and footer)."""
    for area in (seeded_town.areas[0], seeded_town.areas[1], None):
        sizes = text_sizes(paper.weekly_calendar(seeded_town.municipality, area=area))
        assert sizes, "no text found"
        small = [(s, t) for s, t in sizes if s < 10]
        assert not small, small[:5]
        cell_texts = [s for s, t in sizes if "〜" in t]
        assert cell_texts and min(cell_texts) >= 10.5
