"""The report as an A4 PDF for committee papers: WeasyPrint prints the same HTML, with its print
styles (page numbers and the council's name in the footer), tagged for screen readers (PDF/UA-1)."""

from __future__ import annotations

import logging
from pathlib import Path

PDF_VARIANT = "pdf/ua-1"  # tagged structure, document title and language, as PDF/UA asks


def write_pdf(path: Path, html: str) -> None:
    """Render `html` (a self-contained report: charts are data URIs) to `path`."""
    from weasyprint import HTML  # imported here: it takes a moment and only reports need it

    # WeasyPrint warns about every relative link (the data files named in the report): harmless.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    HTML(string=html).write_pdf(path, pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
