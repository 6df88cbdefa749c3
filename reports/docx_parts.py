"""Building blocks for the Word report: headings in the template's own heading styles, tables
whose header row repeats on every page, pictures with alt text, and a page-numbered footer."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Inches, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from perfbot.formatting import rag_label

# Pale backgrounds behind the words and shapes (the same as the HTML report's): colour is never alone.
RAG_SHADE = {"green": "CCE2D8", "amber": "FFF7BF", "red": "F4CDC6", "missing": "E8E1EE", "n/a": "F3F2F1"}
HEADER_SHADE = "F3F2F1"
TABLE_TEXT = Pt(9)


def clear_body(doc: WordDocument) -> None:
    """Remove a template's sample content, keeping its page set-up, headers and footers."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def ensure_styles(doc: WordDocument) -> None:
    """A template without the built-in styles used here gets plain versions of them, so Word
    still lists the headings in its navigation pane (their outline level is set)."""
    names = {style.name for style in doc.styles}
    for level in range(1, 4):
        name = f"Heading {level}"
        if name not in names:
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            style.base_style = doc.styles["Normal"]
            style.font.bold, style.font.size = True, Pt({1: 16, 2: 13, 3: 11}[level])
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().append(outline)
    for name in ("Title", "List Bullet", "Caption"):
        if name not in names:
            doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True).base_style = doc.styles["Normal"]


def para(doc: WordDocument, text: str = "", *, label: str = "", style: str | None = None) -> Paragraph:
    """A paragraph, optionally starting with a bold label ("Commentary: …")."""
    paragraph = doc.add_paragraph(style=style)
    if label:
        paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(text)
    return paragraph


def bullets(doc: WordDocument, items: Sequence[str]) -> None:
    for item in items:
        doc.add_paragraph(item, style="List Bullet")


def table(doc: WordDocument, header: Sequence[str], rows: Sequence[Sequence[str]], *,
          rag_column: int | None = None, rags: Sequence[str] = (), caption: str = "",
          shares: Sequence[float] | None = None) -> Table:  # fmt: skip
    """A table across the page's width (columns in proportion to `shares`; by default the first
    twice the others) with a caption above it, a header row repeated on every page and rows that
    do not break across pages; `rag_column` cells are shaded by `rags` (their words stay)."""
    if caption:
        doc.add_paragraph(caption, style="Caption").paragraph_format.keep_with_next = True
    grid = doc.add_table(rows=1, cols=len(header))
    grid.autofit = False
    if "Table Grid" in {s.name for s in doc.styles}:
        grid.style = doc.styles["Table Grid"]
    widths = column_widths(doc, shares or [2.0, *[1.0] * (len(header) - 1)])
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, TABLE_TEXT
        shade(cell, HEADER_SHADE)
    _row_flags(grid.rows[0], header=True)
    for index, values in enumerate(rows):
        row = grid.add_row()
        _row_flags(row)
        for cell, text, width in zip(row.cells, values, widths, strict=True):
            cell.paragraphs[0].add_run(text).font.size = TABLE_TEXT
            cell.width = width
        if rag_column is not None and index < len(rags):
            shade(row.cells[rag_column], RAG_SHADE.get(rags[index], "FFFFFF"))
    for cell, width in zip(grid.rows[0].cells, widths, strict=True):
        cell.width = width
    return grid


def column_widths(doc: WordDocument, shares: Sequence[float]) -> list[int]:
    """The text width of the page, shared out in proportion (EMU)."""
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    return [int(usable * share / sum(shares)) for share in shares]


def a4(doc: WordDocument) -> None:
    """A4 portrait with 2 cm margins (for python-docx's own template, which is US Letter)."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)


def rag_cell(status: str) -> str:
    """RAG in words and a shape, never by colour alone: '■ Red'."""
    return rag_label(status)


def shade(cell: object, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _row_flags(row: object, *, header: bool = False) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


class Pictures:
    """Adds PNGs to one document in constant time each. (python-docx's `add_picture` scans every
    image, relationship and id already in the document for each new one: for a county's thousand
    trend charts that took half a minute.)"""

    def __init__(self, doc: WordDocument) -> None:
        self._part = doc.part
        self._next_id = doc.part.next_id  # one scan, then counted
        self._count = 0

    def add(self, paragraph: Paragraph, png: bytes, *, alt: str, width: float, name: str = "Chart") -> None:
        """An inline PNG `width` inches wide, with `alt` as the alt text Word and screen readers read."""
        self._count += 1
        image = Image.from_blob(png)
        part = ImagePart(PackURI(f"/word/media/perfbot-chart-{self._count}.png"), image.content_type, png, image)
        rel_id = f"rIdPerfbotChart{self._count}"
        self._part.rels.add_relationship(RT.IMAGE, part, rel_id)
        cx, cy = image.scaled_dimensions(Inches(width), None)
        inline = CT_Inline.new_pic_inline(self._next_id, rel_id, f"chart-{self._count}.png", cx, cy)
        self._next_id += 1
        inline.docPr.set("descr", alt)
        inline.docPr.set("title", name)
        paragraph.add_run()._r.add_drawing(inline)

    def figure(self, doc: WordDocument, png: bytes, *, alt: str, caption: str, width: float = 6.0) -> None:
        """A chart on its own line, kept on the page with its caption."""
        holder = doc.add_paragraph()
        holder.paragraph_format.keep_with_next = True
        self.add(holder, png, alt=alt, width=width)
        doc.add_paragraph(caption, style="Caption")


def page_footer(doc: WordDocument, council: str) -> None:
    """'Council name · Page N of M' in the footer, unless the template has a footer of its own."""
    footer = doc.sections[0].footer
    if any(p.text.strip() for p in footer.paragraphs) or footer.tables:
        return
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(f"{council} · Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def _field(paragraph: Paragraph, code: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", f" {code} "), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
