"""`heritage-mapper print`: the print map (PDF and PNG) for a panel or a brochure.

Data: the real geodata (its names carry the Vietnamese letters the font must draw).
Reads the PDF with poppler-utils (``pdftotext``, ``pdffonts``, ``pdfinfo``,
``pdftoppm``): skipped locally with a message when missing, a failure in CI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from heritage_mapper.cli import main
from heritage_mapper.printmap import (
    PAPERS,
    metres_per_degree_longitude,
    print_geodata,
    scale_bar,
)

from .conftest import GEODATA, REPO
from .program_support import require_program

POINTS_PER_MM = 72 / 25.4
COMBINATIONS = [(p, o) for p in ("A4", "A3") for o in ("portrait", "landscape")]


def run_print(*args):
    result = CliRunner().invoke(main, ["print", "--geodata", str(GEODATA), *map(str, args)])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every paper and orientation, in both languages: {(paper, orientation, lang): pdf}."""
    out = tmp_path_factory.mktemp("print")
    files = {}
    for paper, orientation in COMBINATIONS:
        for lang in ("vi", "en"):
            target = out / f"{paper}-{orientation}-{lang}.pdf"
            result = run_print(
                "--paper", paper, "--orientation", orientation, "--lang", lang, "--out", target
            )
            assert result.exit_code == 0, result.output
            files[paper, orientation, lang] = target
    return files


def text_of(pdf: Path) -> str:
    """The PDF's text as pdftotext reads it, NFC, whitespace collapsed."""
    pdftotext = require_program("pdftotext", "poppler-utils")
    text = subprocess.run(
        [pdftotext, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def nfc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text)))


@pytest.mark.parametrize(("paper", "orientation"), COMBINATIONS)
def test_a_pdf_and_a_png_of_the_paper_size(printed, paper, orientation):
    pdf = printed[paper, orientation, "en"]
    png = pdf.with_suffix(".png")
    assert pdf.read_bytes().startswith(b"%PDF") and png.exists()
    pdfinfo = require_program("pdfinfo", "poppler-utils")
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "Pages:           1" in info
    width_mm, height_mm = PAPERS[paper]
    if orientation == "landscape":
        width_mm, height_mm = height_mm, width_mm
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match, info
    assert abs(float(match[1]) - width_mm * POINTS_PER_MM) < 1
    assert abs(float(match[2]) - height_mm * POINTS_PER_MM) < 1
    with Image.open(png) as image:  # 150 DPI by default
        assert abs(image.width - width_mm / 25.4 * 150) <= 1
        assert abs(image.height - height_mm / 25.4 * 150) <= 1
        assert image.info["dpi"] == pytest.approx((150, 150), abs=0.1)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("paper", "orientation"), COMBINATIONS)
def test_pdftotext_finds_every_site_title_source_and_attribution(
    printed, data, paper, orientation, lang
):
    text = text_of(printed[paper, orientation, lang])
    project = data.project
    assert nfc(project.text(project.title, lang)) in text
    names = data.sites[f"name_{lang}"].tolist()
    assert len(names) == 8
    for number, name in enumerate(names, start=1):
        assert f"{number}. {nfc(name)}" in text, name
    for title in data.sources[f"title_{lang}"]:
        assert nfc(title) in text, title
    for layer in project.basemap:
        assert nfc(layer.attribution[lang]) in text, layer.id
    assert ("Dữ liệu tính đến năm 2025" if lang == "vi" else "Data as of 2025") in text


def test_the_periods_and_precisions_are_listed(printed):
    text = text_of(printed["A4", "landscape", "vi"])
    assert "Làng cá Cát Bà — 1959 · vị trí ±1 km" in text
    assert "25/4/1955" in text and "tháng 12/1965" in text
    text = text_of(printed["A4", "landscape", "en"])
    assert "Yên Hưng combat villages — 1965–1968 · location ±10 km" in text
    assert "5 August 1964" in text


def test_the_font_is_embedded_truetype_and_draws_vietnamese(printed, tmp_path):
    pdffonts = require_program("pdffonts", "poppler-utils")
    listing = subprocess.run(
        [pdffonts, str(printed["A4", "portrait", "vi"])], check=True, capture_output=True, text=True
    ).stdout
    fonts = listing.splitlines()[2:]
    assert fonts and all("DejaVuSans" in f and "TrueType" in f for f in fonts), listing
    assert all(re.search(r"\byes\s+yes\s+yes\b", f) for f in fonts), listing  # emb sub uni
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        print_geodata(GEODATA, tmp_path, lang="vi")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    text = text_of(tmp_path / "map-a4-landscape-vi.pdf")
    for letters in ("ă", "ơ", "ư", "đ", "ả", "ồ", "ự", "Đ"):
        assert letters in text, letters


def test_same_input_gives_byte_identical_pdf_and_png(tmp_path):
    """Two separate processes (fresh font caches in memory, a later clock)."""
    outputs = []
    for run in ("one", "two"):
        target = tmp_path / run / "map.pdf"
        subprocess.run(
            [sys.executable, "-m", "heritage_mapper", "print", "--geodata", str(GEODATA)]
            + ["--paper", "A3", "--lang", "en", "--out", str(target)],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
            cwd=tmp_path,
        )
        outputs.append((target.read_bytes(), target.with_suffix(".png").read_bytes()))
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1] == outputs[1][1]
    assert b"CreationDate" not in outputs[0][0]


def test_the_png_has_the_requested_dpi(tmp_path):
    result = run_print(
        "--dpi", "300", "--paper", "A4", "--orientation", "portrait", "--out", tmp_path
    )
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "map-a4-portrait-vi.png") as image:
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)  # the pHYs chunk
        # 210 x 297 mm at 300 DPI is 2480.3 x 3507.9 pixels (matplotlib rounds down)
        assert (image.width, image.height) == (2480, 3507)


def test_a_page_rendered_by_pdftoppm_has_the_map(printed, tmp_path):
    """The PDF page as a reader renders it (look at it: tmp_path/page-1.png)."""
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    subprocess.run(
        [
            pdftoppm,
            "-r",
            "60",
            "-png",
            str(printed["A4", "landscape", "vi"]),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    with Image.open(tmp_path / "page-1.png") as image:
        # 297 x 210 mm (841.9 x 595.3 pt) at 60 DPI, rounded up by pdftoppm
        assert (image.width, image.height) == (702, 497)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # land, sea, symbols, text
    counts = {rgb: n for n, rgb in colours}
    assert counts.get((0xDC, 0xEB, 0xF5), 0) > 10_000  # the sea
    assert counts.get((0xF3, 0xEF, 0xE4), 0) > 10_000  # the land


def test_layer_chooses_the_sites(tmp_path):
    result = run_print("--layer", "ho-chi-minh-1959", "--lang", "en", "--out", tmp_path / "m.pdf")
    assert result.exit_code == 0, result.output
    text = text_of(tmp_path / "m.pdf")
    assert "1. Tuần Châu fishing village" in text and "2. Cát Bà fishing village" in text
    assert "Cửa Ông" not in text and "3." not in text.split("Sites", 1)[1].split("Sources")[0]


def test_the_scale_bar_measures_on_the_ellipsoid():
    from pyproj import Geod

    left, latitude, degrees, metres = scale_bar((106.2, 108.3, 20.4, 21.9))
    measured = Geod(ellps="WGS84").line_length([left, left + degrees], [latitude, latitude])
    assert measured == pytest.approx(metres, rel=1e-4)
    assert metres_per_degree_longitude(21) == pytest.approx(103_950, abs=100)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--layer", "no-such-layer"], 2, "--layer no-such-layer: no such layer"),
        (["--lang", "de"], 2, "--lang de: not a language of this project"),
        (["--paper", "A5"], 2, "Invalid value for '--paper'"),
        (["--dpi", "5"], 2, "Invalid value for '--dpi'"),
        (["--out", str(GEODATA / "print")], 2, "is inside --geodata"),
        (["--out", str(GEODATA / "print.pdf")], 2, "is the same folder as --geodata"),
    ],
)
def test_a_bad_request_is_one_line_and_writes_nothing(tmp_path, args, code, message):
    before = sorted(p.name for p in GEODATA.iterdir())
    result = run_print(*args) if "--out" in args else run_print(*args, "--out", tmp_path)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert list(tmp_path.iterdir()) == []
    assert sorted(p.name for p in GEODATA.iterdir()) == before


def test_an_unwritable_folder_is_exit_code_1(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_print("--out", blocker / "maps")
    assert result.exit_code == 1, result.output
    assert "cannot create the output folder" in result.output


def test_out_is_a_folder_or_a_pdf_or_png_name(tmp_path):
    """--out map.svg became a folder named map.svg; an existing file gave "cannot create
    the output folder"; an existing folder named like a PDF was taken for a file."""
    result = run_print("--out", tmp_path / "map.svg")
    assert result.exit_code == 2, result.output
    assert "ends .svg" in result.output and "name ending .pdf or .png" in result.output
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "notes.sh").write_text("echo")
    result = run_print("--out", tmp_path / "notes.sh")
    assert result.exit_code == 2, result.output
    assert "is a file" in result.output
    folder = tmp_path / "prints.pdf"
    folder.mkdir()
    result = run_print("--out", folder)
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in folder.iterdir()) == [".pdf", ".png"]


def test_a_print_holds_its_folders_lock_while_it_writes(tmp_path, monkeypatch):
    """build and export remove stray temporary files in a folder they lock: a print
    into the same folder (exports/ by default) takes the lock too, or its temporary
    files could be removed under it."""
    import heritage_mapper.printmap as printmap
    from heritage_mapper.atomic import LOCK_NAME

    seen = []
    real = printmap.print_map

    def watching(geodata, paths, options):
        seen.append((tmp_path / LOCK_NAME).exists())
        return real(geodata, paths, options)

    monkeypatch.setattr(printmap, "print_map", watching)
    result = run_print("--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert seen == [True]
    assert not (tmp_path / LOCK_NAME).exists()  # let go after
