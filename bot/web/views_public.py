"""The public performance page, `/public`: no sign-in, the same for everyone. The measures the
register marks public, in closed quarters, as published (see `reports.public_figures`), each
with its own page; and their open data as CSV with its CSV on the Web metadata."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from bot.web.errors import WebError
from bot.web.pages import PUBLIC_CACHE, anonymous_page, secured
from bot.web.state import state_of
from bot.web.trend_chart import ChartPoint, trend_svg
from bot.web.urls import period_from_key
from perfbot.formatting import RAG_WORDS
from reports.alt_text import trend_alt
from reports.open_data import open_data_bytes
from reports.open_data_metadata import OGL, OGL_NAME, metadata_json, metadata_name
from reports.public_figures import (
    PublicFigure,
    PublicQuarter,
    public_figures,
    public_points,
    public_quarters,
)
from reports.templating import months

router = APIRouter(prefix="/public")
CSV_NAME = "open-data.csv"
LICENCE = {"url": OGL, "name": OGL_NAME}
NOTHING_YET = ("No figures have been published yet. Figures appear here once a quarter's "
               "performance round has closed.")  # fmt: skip


def _council(request: Request) -> str:
    return state_of(request).app.config.council_name


@router.get("")
def public_index(request: Request, period: str = "") -> Response:
    store = state_of(request).app.store
    quarters = public_quarters(store)
    figures = public_figures(store)
    chosen = _chosen(quarters, period)
    shown = [f for mine in figures.values() for f in mine if chosen and f.period == chosen.period]
    themes: dict[str, list[PublicFigure]] = {}
    for figure in shown:
        themes.setdefault(figure.measure.theme, []).append(figure)
    counts = {rag: sum(1 for f in shown if f.rag == rag) for rag in RAG_WORDS}
    return anonymous_page(request, "public/index.html", title="How we are performing", quarter=chosen,
                          quarters=quarters, themes=themes, counts=counts, months=months,
                          licence=LICENCE, nothing=NOTHING_YET)  # fmt: skip


def _chosen(quarters: list[PublicQuarter], key: str) -> PublicQuarter | None:
    """The quarter asked for, else the latest published (None before anything is)."""
    if not key:
        return quarters[0] if quarters else None
    wanted = period_from_key(key)
    found = next((q for q in quarters if q.period == wanted), None)
    if found is None:
        raise WebError(404, "No published figures for that quarter",
                       f"Figures for {wanted} have not been published.", back="/public")  # fmt: skip
    return found


@router.get("/measures/{measure_id}")
def public_measure(request: Request, measure_id: str) -> Response:
    figures = public_figures(state_of(request).app.store).get(measure_id)
    if not figures:  # not public, not a measure, or nothing published: the same answer
        raise WebError(404, "Page not found", "There is no published measure with that reference.", back="/public")
    measure, latest = figures[-1].measure, figures[-1]
    cumulative = any(f.ytd is not None for f in figures)
    chart = None
    if measure.is_numeric:
        points = [ChartPoint(str(f.period), _number(f.rated_figure), f.target, f.rag) for f in figures]
        what = " (year to date)" if cumulative else ""
        chart = trend_svg(points, unit=measure.unit.value, chart_id="trend",
                          title=f"{measure.title}{what}: published figures, {len(figures)} quarters",
                          description=trend_alt(public_points({measure.measure_id: figures})))  # fmt: skip
    return anonymous_page(request, "public/measure.html", title=measure.title, measure=measure,
                          figures=figures, latest=latest, chart=chart, cumulative=cumulative,
                          months=months, licence=LICENCE, back="/public")  # fmt: skip


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@router.get(f"/{CSV_NAME}")
def open_data(request: Request) -> Response:
    points = public_points(public_figures(state_of(request).app.store))
    return _download(open_data_bytes(points), "text/csv; charset=utf-8", CSV_NAME)


@router.get(f"/{metadata_name(CSV_NAME)}")
def open_data_metadata(request: Request) -> Response:
    store = state_of(request).app.store
    quarters = public_quarters(store)
    points = public_points(public_figures(store))
    modified = max((q.published_on for q in quarters), default=store.clock.now().date())
    text = metadata_json(csv_url=CSV_NAME, title=f"{_council(request)}: published performance measures",
                         publisher=_council(request), modified=modified, points=points)  # fmt: skip
    return _download(text.encode("utf-8"), "application/csvm+json", metadata_name(CSV_NAME))


def _download(data: bytes, media_type: str, name: str) -> Response:
    """A file under the name its URL has, so a saved pair still finds each other (the metadata
    names the CSV relative to itself)."""
    response = Response(data, media_type=media_type,
                        headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip
    return secured(response, cache=PUBLIC_CACHE)
