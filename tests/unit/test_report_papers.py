"""Committee papers: the report as Word (real heading styles, tables, charts with alt text, the
council's own template) and as a tagged A4 PDF with the council's name and page numbers."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from perfbot.cli import main
from perfbot.config import Config
from reports.publish import write_annual, write_quarterly
from tests.unit.test_render_html import Page
from tests.unit.test_reports_sample import (
    FORMULA,
    NASTY_COMMENTARY,
    NASTY_TITLE,
    Q3,
    add_case_studies,
    add_nasty,
    fill,
)

PREPARED = date(2026, 1, 22)
DOTX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


@pytest.fixture
def quarterly(store, tmp_path):
    fill(store)
    add_nasty(store)
    paths = write_quarterly(store, Config(), Q3, tmp_path / "out", prepared=PREPARED)
    return {p.suffix: p for p in paths if "open-data" not in p.name}


def _headings(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def _alts(doc) -> list[str]:
    return [shape._inline.docPr.get("descr") for shape in doc.inline_shapes]


def test_word_report_has_real_headings_in_order(quarterly):
    doc = Document(str(quarterly[".docx"]))
    headings = _headings(doc)
    assert headings[0] == ("Title", "Quarterly performance report, 2025/26 Q3")
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert level1 == ["Summary", "RAG status by theme", "Exceptions (10)", "Remedial actions (0)", "Every measure",
                      "Returns and timeliness", "About these figures"]  # fmt: skip
    assert ("Heading 2", "Theme A") in headings and ("Heading 3", "Service B") in headings
    assert ("Heading 2", "■ Red — FLIP Measure FLIP") in headings  # an exception, RAG in words and a shape
    assert doc.core_properties.title == "Example District Council: Quarterly performance report, 2025/26 Q3"


def test_word_report_tables_have_rag_in_words_and_repeating_headers(quarterly):
    doc = Document(str(quarterly[".docx"]))
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == [
        "Theme", "● Green", "▲ Amber", "■ Red", "○ Not rated", "? Missing", "Total"]  # fmt: skip
    assert [c.text for c in first.rows[-1].cells][0] == "All themes"
    measures = [t for t in doc.tables if t.rows[0].cells[0].text == "Measure"]
    assert len(measures) == 2  # one per service
    rows = {r.cells[0].text.split()[0]: [c.text for c in r.cells] for t in measures for r in t.rows[1:]}
    assert rows["FLIP"][3] == "■ Red" and rows["GRN"][3] == "● Green" and rows["GONE"][3] == "? Missing"
    assert rows["GRN"][1] == "92%" and rows["GRN"][2] == "90%"
    assert rows["PCT"][6] == "No trend yet: 1 of 8 quarters reported."
    for table in doc.tables:  # the header row repeats on each page; no row splits across pages
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Recovery plan." in text and "Slow start." in text  # commentary and actions of exceptions
    assert NASTY_TITLE in text and NASTY_COMMENTARY in text and FORMULA in text  # as plain text


def test_word_charts_are_pictures_with_the_html_alt_text(quarterly):
    doc = Document(str(quarterly[".docx"]))
    html_alts = [img["alt"] for img in Page(quarterly[".html"].read_text(encoding="utf-8")).named("img")]
    assert sorted(_alts(doc)) == sorted(html_alts)  # the same charts, each said in words
    assert len(doc.inline_shapes) == 2 + 6
    pictures = [name for name in zipfile.ZipFile(quarterly[".docx"]).namelist() if name.startswith("word/media/")]
    assert pictures and all(name.endswith(".png") for name in pictures)


def test_word_footer_has_council_and_page_numbers(quarterly):
    doc = Document(str(quarterly[".docx"]))
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Example District Council · Page ")
    codes = [e.text.strip() for e in footer._p.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]


def test_annual_word_report_has_case_studies_by_theme(store, tmp_path):
    fill(store)
    add_case_studies(store)
    paths = write_annual(store, Config(), 2025, tmp_path / "year", prepared=PREPARED)
    doc = Document(str(next(p for p in paths if p.suffix == ".docx")))
    headings = _headings(doc)
    assert headings[0] == ("Title", "Annual performance report, 2025/26")
    assert ("Heading 1", "Theme A") in headings and ("Heading 2", "Case studies") in headings
    assert ("Heading 3", "Library hubs") in headings and ("Heading 3", "Warm spaces <script>") in headings
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "No consent" not in text and "Still pending" not in text
    assert "Provisional: the year is not complete" in text
    assert "1 approved case study is left out because consent to publish was not given." in text
    assert "Trend of CUM year to date over 3 quarters, 2025/26 Q1 to 2025/26 Q3: 25, 50, 70. " \
           "Target for 2025/26 Q3: 75 year to date." in _alts(doc)  # fmt: skip


def _council_template(path, *, dotx: bool = False):
    """A council's template: its own Heading 1 font, a footer and some sample text."""
    doc = Document()
    doc.styles["Heading 1"].font.name = "Council Sans"
    doc.sections[0].footer.paragraphs[0].text = "OFFICIAL — Larkfield District Council"
    doc.add_paragraph("Delete this sample text")
    buffer = io.BytesIO()
    doc.save(buffer)
    if not dotx:
        path.write_bytes(buffer.getvalue())
        return path
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
            target.writestr(item, data)
    assert DOTX_TYPE.encode() in zipfile.ZipFile(path).read("[Content_Types].xml")
    return path


@pytest.fixture
def data_dir(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    from perfbot.store import Store

    fill(Store.open(tmp_path / "data", clock=clock))
    return tmp_path / "data"


@pytest.mark.parametrize("suffix", [".docx", ".dotx"])
def test_cli_uses_the_councils_word_template(data_dir, tmp_path, capsys, suffix):
    template = _council_template(tmp_path / f"council{suffix}", dotx=suffix == ".dotx")
    out = tmp_path / "r"
    assert main(["report", "2025/26 Q3", "--out", str(out), "--docx-template", str(template)]) == 0
    assert "performance-2025-26-Q3.docx" in capsys.readouterr().out
    doc = Document(str(out / "performance-2025-26-Q3.docx"))
    assert doc.styles["Heading 1"].font.name == "Council Sans"
    assert doc.sections[0].footer.paragraphs[0].text == "OFFICIAL — Larkfield District Council"
    assert "Delete this sample text" not in [p.text for p in doc.paragraphs]
    assert [p.style.name for p in doc.paragraphs if p.text == "Summary"] == ["Heading 1"]


def test_cli_refuses_a_bad_template_with_one_line(data_dir, tmp_path, capsys):
    bad = tmp_path / "not-word.docx"
    bad.write_text("hello")
    capsys.readouterr()
    assert main(["report", "2025/26 Q3", "--out", str(tmp_path / "r"), "--docx-template", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a Word document or template" in err and "not-word.docx" in err
    assert not (tmp_path / "r").exists()  # nothing written
    assert main(["report", "2025/26 Q3", "--out", str(tmp_path / "r"), "--docx-template", str(tmp_path / "gone.dotx")]) == 2
    assert "cannot read it" in capsys.readouterr().err


def test_pdf_is_tagged_a4_with_council_and_page_numbers(quarterly):
    reader = PdfReader(quarterly[".pdf"])
    pages = reader.pages
    assert 2 <= len(pages) <= 8
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in pages)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged for screen readers
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Example District Council: quarterly performance report, 2025/26 Q3"
    first, last = pages[0].extract_text(), pages[-1].extract_text()
    assert "Quarterly performance report, 2025/26 Q3" in first
    assert f"Page 1 of {len(pages)}" in first and f"Page {len(pages)} of {len(pages)}" in last
    assert all("Example District Council" in p.extract_text() for p in pages)
    assert "About these figures" in "".join(p.extract_text() for p in pages)


def test_workbook_prints_a4_landscape_fitted_with_titles_and_page_numbers(quarterly):
    from openpyxl import load_workbook

    book = load_workbook(quarterly[".xlsx"])
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # one page wide: fitToWidth left out of the file is its default, 1 (ECMA-376 CT_PageSetup)
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.oddHeader.left.text == "Example District Council" and sheet.oddFooter.center.text == "Page &P of &N"
    assert book["Measures"].print_title_rows == "$1:$1" and book["Data"].print_title_rows == "$1:$1"
