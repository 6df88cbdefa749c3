"""Peer values from the LG Inform API (LGA / esd web services): `GET data.csv`.

A query names the metric (`metricType`), the areas (`area`: the council's code and a comparison
group such as its CIPFA nearest neighbours, which the service expands to its member areas) and
the periods (`period`, e.g. `latest:5`), asks for one row per area and one column per period, and
is signed: `ApplicationKey` is appended, then `Signature`, the Base64 HMAC-SHA1 of the URL as
far as the key (URL-decoded) under the key's secret. See docs/peers.md.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlencode

import httpx

from perfbot.benchmarks import PeerPeriod, PeerValue
from perfbot.periods import PeriodError

DEFAULT_URL = "https://webservices.esd.org.uk/"
TIMEOUT = 30.0
_MONTHS = {"apr - jun": 1, "jul - sep": 2, "oct - dec": 3, "jan - mar": 4}
_QUARTER_LABEL = re.compile(r"^(?P<months>[a-z]{3} - [a-z]{3}) (?P<year>\d{4})$", re.I)


class LgInformError(RuntimeError):
    """LG Inform could not be asked or refused; the message says what to do. Nothing was stored."""


@dataclass(frozen=True, slots=True)
class LgInformSettings:
    key: str
    secret: str = ""  # with a secret every URL is signed, as LG Inform's application keys require
    base_url: str = DEFAULT_URL

    @classmethod
    def from_env(cls) -> LgInformSettings:
        """`LGINFORM_KEY` (required), `LGINFORM_SECRET`, `LGINFORM_API_URL`."""
        key = os.environ.get("LGINFORM_KEY", "").strip()
        if not key:
            raise LgInformError("LGINFORM_KEY is not set: put your LG Inform application key in the "
                                "environment (docs/peers.md says how to get one)")  # fmt: skip
        base = os.environ.get("LGINFORM_API_URL", "").strip() or DEFAULT_URL
        if not base.startswith(("https://", "http://")):
            raise LgInformError(f"LGINFORM_API_URL must be an http(s) URL, not {base!r}")
        return cls(key, os.environ.get("LGINFORM_SECRET", "").strip(), base.rstrip("/") + "/")


def signed_url(settings: LgInformSettings, method: str, params: list[tuple[str, str]]) -> str:
    """The URL of `method` with `params`, the application key and (with a secret) its signature."""
    url = f"{settings.base_url}{method}?{urlencode([*params, ('ApplicationKey', settings.key)])}"
    if not settings.secret:
        return url
    return f"{url}&{urlencode({'Signature': signature(url, settings.secret)})}"


def signature(url: str, secret: str) -> str:
    """Base64 HMAC-SHA1 of the URL-decoded URL, under `secret`."""
    digest = hmac.new(secret.encode(), unquote_plus(url).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def query(metric: str, *, areas: list[str], periods: str) -> list[tuple[str, str]]:
    """The `data.csv` parameters: rows by area, columns by period, raw values."""
    return [("metricType", metric), ("area", ",".join(areas)), ("period", periods),
            ("rowGrouping", "area"), ("columnGrouping", "period"), ("value.valueType", "raw")]  # fmt: skip


def fetch_metric(client: httpx.Client, settings: LgInformSettings, metric: str, *, areas: list[str],
                 periods: str, skip_areas: frozenset[str] = frozenset()) -> list[PeerValue]:  # fmt: skip
    """Every area's value of `metric` in `periods`; LgInformError on any failure."""
    url = signed_url(settings, "data.csv", query(metric, areas=areas, periods=periods))
    try:
        response = client.get(url, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        raise LgInformError(f"could not reach LG Inform at {settings.base_url} ({error}); nothing was "
                            "stored") from None  # fmt: skip
    if response.status_code != 200:
        raise LgInformError(refusal(response, metric))
    return parse_data_csv(response.text, metric, skip_areas=skip_areas)


def refusal(response: httpx.Response, metric: str) -> str:
    """What LG Inform's error answer means for the user."""
    status, reason = response.status_code, " ".join(response.text.split())[:200]
    if status in (401, 403):
        return (f"LG Inform refused the application key (HTTP {status}: {reason}); check "
                "LGINFORM_KEY and LGINFORM_SECRET. Nothing was stored")  # fmt: skip
    if status == 429:
        wait = response.headers.get("Retry-After")
        return (f"LG Inform is limiting requests (HTTP 429){f'; try again in {wait} s' if wait else ''}. "
                "Nothing was stored")  # fmt: skip
    if status >= 500:
        return f"LG Inform failed (HTTP {status}); try again later. Nothing was stored"
    return (f"LG Inform refused the query for metric {metric} (HTTP {status}: {reason}); check the "
            "register's benchmark_metric and [peers] in perfbot.toml. Nothing was stored")  # fmt: skip


def parse_data_csv(text: str, metric: str, *, skip_areas: frozenset[str] = frozenset()) -> list[PeerValue]:
    """Values from a `data.csv` answer: a header row starting `area, area label, …` then one
    column per period. Repeated header rows, aggregate rows (`skip_areas`, e.g. the group
    itself) and blank or suppressed values are left out; so are periods that are neither
    financial quarters nor years."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    start = next((i for i, r in enumerate(rows) if r and r[0].strip().lower() == "area"), None)
    if start is None:
        raise LgInformError(f"LG Inform's answer for metric {metric} has no 'area' column; nothing was stored")
    header = [h.strip() for h in rows[start]]
    label = header.index("area label") if "area label" in header else None
    periods = {i: p for i, p in ((i, period_of_label(h)) for i, h in enumerate(header)) if p is not None}
    values = []
    for row in rows[start + 1:]:
        code = row[0].strip() if row else ""
        if not code or code.lower() == "area" or code in skip_areas:
            continue
        name = row[label].strip() if label is not None and label < len(row) else code
        for index, period in periods.items():
            number = _number(row[index] if index < len(row) else "")
            if number is not None:
                values.append(PeerValue(metric, code, name or code, period, number))
    return values


def period_of_label(text: str) -> PeerPeriod | None:
    """A column heading as a period: "2024/25", "2025/26 Q3", "Q3 2025/26" or "Oct - Dec 2025"."""
    cleaned = " ".join(text.split())
    match = _QUARTER_LABEL.match(cleaned)
    if match and match["months"].lower() in _MONTHS:
        quarter = _MONTHS[match["months"].lower()]
        year = int(match["year"]) - (quarter == 4)
        return PeerPeriod(year, quarter)
    try:
        return PeerPeriod.parse(cleaned)
    except PeriodError:
        return None


def _number(cell: str) -> float | None:
    try:
        number = float(cell.strip().replace(",", ""))
    except ValueError:
        return None  # blank, or a suppression marker such as "-" or ":"
    return number if number == number and abs(number) != float("inf") else None


def fetch_all(client: httpx.Client, settings: LgInformSettings, metrics: list[str], *, area_code: str,
              group: str, periods: str) -> list[PeerValue]:  # fmt: skip
    """Every metric's values for the council and its comparison group; the first failure stops
    it (LgInformError) before anything is stored."""
    values: list[PeerValue] = []
    for metric in metrics:
        values += fetch_metric(client, settings, metric, areas=[area_code, group], periods=periods,
                               skip_areas=frozenset({group}))  # fmt: skip
    return values
