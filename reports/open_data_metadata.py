"""The open-data CSV's CSV on the Web metadata (W3C "Metadata Vocabulary for Tabular Data"):
`<csv>-metadata.json` beside the CSV, where a CSVW processor looks for it (§5.3 of "Model for
Tabular Data"). It names the columns in the CSV's order with their types, the key, the title,
publisher, date and the Open Government Licence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from perfbot.formatting import RAG_WORDS
from perfbot.model import Unit
from reports.open_data import DICTIONARY
from reports.trends import Point

CONTEXT = "http://www.w3.org/ns/csvw"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OGL_NAME = "Open Government Licence v3.0"
PRIMARY_KEY = ["measure_id", "period"]
DATATYPES = {"text": "string", "number": "number", "date": "date", "date-time": "datetime"}
# Columns with a fixed shape say so, so a validator checks every cell of them.
FORMATS = {
    "financial_year": r"\d{4}/\d{2}",
    "quarter": "Q[1-4]",
    "period": r"\d{4}/\d{2} Q[1-4]",
    "rag_status": "|".join(RAG_WORDS.values()),
}
REQUIRED = {"financial_year", "quarter", "period", "period_start", "period_end", "measure_id", "measure"}


def metadata_name(csv_name: str) -> str:
    """The metadata file's name for a CSV: `…-open-data.csv-metadata.json`."""
    return f"{csv_name}-metadata.json"


def _datatype(kind: str, name: str, text_values: bool) -> Any:  # noqa: ANN401
    if name == "value" and text_values:
        return "string"  # a text measure's figure is words: the column holds both
    base = DATATYPES[kind]
    return {"base": base, "format": FORMATS[name]} if name in FORMATS else base


def metadata(*, csv_url: str, title: str, publisher: str, modified: date, points: Iterable[Point],
             description: str = "") -> dict[str, Any]:  # fmt: skip
    """The metadata document for the open-data CSV at `csv_url` (relative to the metadata file)
    holding `points`."""
    text_values = any(p.measure.unit is Unit.TEXT and p.value is not None for p in points)
    columns = [{"name": name, "titles": name, "datatype": _datatype(kind, name, text_values),
                "dc:description": meaning, **({"required": True} if name in REQUIRED else {})}
               for name, kind, meaning in DICTIONARY]  # fmt: skip
    return {
        "@context": [CONTEXT, {"@language": "en"}],
        "url": csv_url,
        "dc:title": title,
        "dc:description": description or "One row per performance measure per quarter: the figure, "
        "its target and status, and the service's commentary.",
        "dc:publisher": publisher,
        "dc:license": {"@id": OGL},
        "dc:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
        "dialect": {"encoding": "utf-8", "header": True},
        "tableSchema": {"columns": columns, "primaryKey": PRIMARY_KEY},
    }


def metadata_json(**kwargs: Any) -> str:  # noqa: ANN401
    """`metadata(**kwargs)` as the text of the file."""
    return json.dumps(metadata(**kwargs), indent=2, ensure_ascii=False) + "\n"


def write_metadata(path: Path, **kwargs: Any) -> None:  # noqa: ANN401
    """Write the metadata file (see `metadata` for the arguments)."""
    path.write_text(metadata_json(**kwargs), encoding="utf-8")
