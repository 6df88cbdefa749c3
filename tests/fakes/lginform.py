"""Fake LG Inform web services (esd): `GET /data.csv` on 127.0.0.1.

Strict as the real service is about what perfbot relies on: an `ApplicationKey` it knows (401
otherwise), a `Signature` that is the Base64 HMAC-SHA1 of the URL-decoded URL up to the key under
that key's secret (403 otherwise), a known `metricType`, areas that are area codes or comparison
groups (a group expands to its member areas), `period=latest:N`, and one row per area with one
column per period (`rowGrouping=area`, `columnGrouping=period`); anything else is a 400 with a
reason. The answer is shaped like the real CSV: `area, area label, area long label` and a column
per period label, then a second header row of period identifiers (scripts that read the real
service drop the row whose area is "area"), blank cells for values not published. Throttling and
outages via `fail_next("data.csv", status=429 | 503)`.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import re
from urllib.parse import unquote_plus, urlencode

from .server import FakeServer, Reply, Request

CSV = "text/csv; charset=utf-8"
_LATEST = re.compile(r"^latest(?::(\d{1,2}))?$")


class FakeLgInform(FakeServer):
    """`keys`: application key → secret (blank: unsigned access, like a token).
    `areas`: code → name. `groups`: comparison group id → member codes.
    `values`: (metric, area code, period label) → value (None: not published).
    `periods`: metric → its period labels, oldest first."""

    def __init__(self, *, keys: dict[str, str], areas: dict[str, str], groups: dict[str, list[str]],
                 values: dict[tuple[str, str, str], float | None], periods: dict[str, list[str]]) -> None:  # fmt: skip
        super().__init__()
        self.keys, self.areas, self.groups = keys, areas, groups
        self.values, self.periods = values, periods

    def kind_of(self, request: Request) -> str:
        return "data.csv" if request.path == "/data.csv" else request.path

    def handle(self, request: Request) -> Reply:
        if request.path != "/data.csv" or request.method != "GET":
            return _text(404, "No such web method.")
        key = request.param("ApplicationKey")
        if not key or key not in self.keys:
            return _text(401, "The application key is not recognised.")
        if self.keys[key] and not self._signed(request, self.keys[key]):
            return _text(403, "The signature does not match the URL: sign it with the key's secret.")
        problem = self._problem(request)
        if problem:
            return _text(400, problem)
        return Reply(200, self._answer(request).encode("utf-8"), content_type=CSV)

    def _signed(self, request: Request, secret: str) -> bool:
        given = request.param("Signature") or ""
        pairs = [(k, v) for k, values in request.query.items() if k != "Signature" for v in values]
        url = f"http://{request.headers.get('host')}{request.path}?{urlencode(pairs)}"
        if pairs[-1][0] != "ApplicationKey":
            return False  # the key comes last: it is signed with everything before it
        digest = hmac.new(secret.encode(), unquote_plus(url).encode(), hashlib.sha1).digest()
        return hmac.compare_digest(base64.b64encode(digest).decode(), given)

    def _problem(self, request: Request) -> str | None:
        metric = request.param("metricType")
        if not metric:
            return "metricType is required."
        if metric not in self.periods:
            return f"metricType '{metric}' is not known."
        if not _LATEST.match(request.param("period") or ""):
            return f"period '{request.param('period')}' is not understood; use e.g. latest:5."
        unknown = [a for a in (request.param("area") or "").split(",") if a not in self.areas and a not in self.groups]
        if not request.param("area") or unknown:
            return f"area is required and must be area codes or comparison groups (not {', '.join(unknown)})."
        if request.param("rowGrouping") != "area" or request.param("columnGrouping") != "period":
            return "This fake answers rowGrouping=area&columnGrouping=period only."
        return None

    def _answer(self, request: Request) -> str:
        metric = request.param("metricType") or ""
        count = int(_LATEST.match(request.param("period") or "")[1] or 1)  # type: ignore[index]
        labels = self.periods[metric][-count:]
        codes: list[str] = []
        for area in (request.param("area") or "").split(","):
            for code in self.groups.get(area, [area]):
                if code not in codes:
                    codes.append(code)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["area", "area label", "area long label", *labels])
        writer.writerow(["area", "", "", *(_identifier(p) for p in labels)])
        for code in codes:
            cells = [self.values.get((metric, code, p)) for p in labels]
            writer.writerow([code, self.areas[code], f"{self.areas[code]} (local authority)",
                             *("" if v is None else f"{v:g}" for v in cells)])  # fmt: skip
        return out.getvalue()


def _identifier(label: str) -> str:
    return "fy_" + label.replace("/", "_").replace(" ", "_")


def _text(status: int, message: str) -> Reply:
    return Reply(status, message.encode(), content_type="text/plain; charset=utf-8")
