"""What a CSV on the Web validator checks of the open data and its metadata file: the
vocabulary's required keys, the columns matching the CSV's header in order, and every cell
parsing as its column's datatype (by the `csvw` package, a CSVW processor, as well)."""

from __future__ import annotations

import csv
import io
import json
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

from csvw import CSVW

TOP_KEYS = ("@context", "url", "tableSchema", "dc:title", "dc:license", "dc:publisher", "dc:modified")
COLUMN_KEYS = ("name", "titles", "datatype")
PARSE = {"number": float, "date": date.fromisoformat, "datetime": datetime.fromisoformat, "string": str}


def _context_ok(context: Any) -> bool:  # noqa: ANN401
    first = context[0] if isinstance(context, list) else context
    return first == "http://www.w3.org/ns/csvw"


def assert_valid_csvw(csv_path: Path, metadata_path: Path) -> list[dict[str, Any]]:
    """Check the pair as a validator would; return the rows as the CSVW processor typed them."""
    assert metadata_path.name == f"{csv_path.name}-metadata.json"
    meta = json.loads(metadata_path.read_text(encoding="utf-8"))
    missing = [k for k in TOP_KEYS if k not in meta]
    assert not missing, f"the metadata lacks {missing}"
    assert _context_ok(meta["@context"])
    assert meta["url"] == csv_path.name  # resolves, relative to the metadata file, to the CSV
    columns = meta["tableSchema"]["columns"]
    assert all(all(k in c for k in COLUMN_KEYS) for c in columns), columns
    text = csv_path.read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert [c["name"] for c in columns] == header
    assert [c["titles"] for c in columns] == header
    for row in rows:
        for column, cell in zip(columns, row, strict=True):
            kind = column["datatype"] if isinstance(column["datatype"], str) else column["datatype"]["base"]
            if cell:
                PARSE[kind](cell)  # raises if the cell is not of its type
    key = [tuple(row[header.index(k)] for k in meta["tableSchema"]["primaryKey"]) for row in rows]
    assert len(set(key)) == len(key), "the primary key repeats"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        processor = CSVW(str(csv_path), validate=True)  # finds the metadata beside the CSV (§5.3)
        assert processor.is_valid, processor.warnings
        return list(processor.tables[0].iterdicts(strict=True))
