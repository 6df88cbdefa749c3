"""The CMT dashboard: RAG at a glance by theme → service → measure, the exceptions, and each
measure's trend over the last 8 quarters; read-only for everyone, published quarters for members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, require
from bot.web.dashboard_data import tree, visible_periods
from bot.web.errors import WebError, not_found
from bot.web.pages import page
from bot.web.roles import Role
from bot.web.state import state_of
from bot.web.trend_chart import ChartPoint, trend_svg
from bot.web.urls import period_from_key
from perfbot.model import Measure
from perfbot.periods import Period
from reports.alt_text import trend_alt
from reports.analysis import analyse
from reports.digest import build_digest
from reports.history import History
from reports.peers import PeerComparison, compare, for_analysis, league
from reports.published import published_rows
from reports.trends import Point, trend_points

router = APIRouter(prefix="/dashboard")
READERS = Annotated[User, Depends(require(Role.CMT, Role.OFFICER, Role.MEMBER))]
TREND_QUARTERS = 8


def default_period(store, choices: list[Period]) -> Period:  # noqa: ANN001 - perfbot.store.Store
    """The latest round among the quarters shown (a stray return in a later quarter does not make
    that quarter the dashboard's front page); the newest quarter when there are no rounds."""
    rounds = {r.period for r in store.rounds.all()}
    return next((p for p in choices if p in rounds), choices[0])


def _period(request: Request, user: User, key: str) -> tuple[Period, list[Period]]:
    """The quarter asked for (default: the newest this person may see) and the choices."""
    store = state_of(request).app.store
    published_only = not user.has(Role.CMT, Role.OFFICER)
    choices = visible_periods(store, published_only=published_only)
    if not choices:
        raise WebError(404, "Nothing to show yet", "No quarter has any figures yet."
                       + (" Members see a quarter once its round has closed." if published_only else ""))  # fmt: skip
    period = period_from_key(key) if key else default_period(store, choices)
    if period not in choices:
        raise WebError(404 if not published_only else 403, "Quarter not available",
                       f"There are no figures to show for {period}"
                       + (" yet: members see a quarter once its round has closed." if published_only else "."))  # fmt: skip
    return period, choices


@router.get("")
def dashboard(request: Request, user: READERS, period: str = "") -> Response:
    chosen, choices = _period(request, user, period)
    web = state_of(request)
    analysis = analyse(web.app.store, web.app.config, chosen)
    digest = build_digest(analysis, council=web.app.config.council_name, now=web.app.store.clock.now())
    return page(request, "dashboard/index.html", title=f"Dashboard {chosen}", period=chosen,
                choices=choices, themes=tree(analysis), digest=digest,
                peers=for_analysis(web.app.store, web.app.config, analysis),
                totals=digest.rag_totals, members_view=not user.has(Role.CMT, Role.OFFICER))  # fmt: skip


def _points(request: Request, measure: Measure, period: Period) -> list[Point]:
    web = state_of(request)
    periods = period.back(TREND_QUARTERS)
    history = History.load(web.app.store, sorted({*period.back(TREND_QUARTERS + 8)}))
    return trend_points([measure], periods, history=history,
                        overrides=web.app.store.register.target_overrides(), config=web.app.config,
                        book=web.app.store.register.terms_book(),
                        published=published_rows(web.app.store, periods))  # fmt: skip


@router.get("/measures/{measure_id}")
def measure_trend(request: Request, measure_id: str, user: READERS, period: str = "") -> Response:
    chosen, _ = _period(request, user, period)
    measure = state_of(request).app.store.register.measure(measure_id)
    if measure is None:
        raise not_found("measure with that reference")
    points = _points(request, measure, chosen)
    cumulative = any(p.ytd is not None for p in points)
    chart_points = [ChartPoint(str(p.period), p.rated_figure if cumulative else _number(p.value),
                               p.target, p.rag) for p in points]  # fmt: skip
    what = " (year to date)" if cumulative else ""
    chart = trend_svg(chart_points, unit=measure.unit.value, chart_id="trend",
                      title=f"{measure.title}{what}, last {len(points)} quarters",
                      description=trend_alt(points)) if points else None  # fmt: skip
    latest = points[-1] if points else None
    peers, table = _peers(request, measure, latest, chosen)
    return page(request, "dashboard/measure.html", title=measure.title, measure=measure,
                period=chosen, points=points, chart=chart, latest=latest, cumulative=cumulative,
                peers=peers, peer_table=table,
                back=f"/dashboard?period={chosen.key}")  # fmt: skip


def _peers(request: Request, measure: Measure, latest: Point | None,
           period: Period) -> tuple[PeerComparison | None, list[tuple[str, float, bool]]]:  # fmt: skip
    """The measure's comparison for `period` and the group's figures, best first (the council's
    marked), or (None, []) when it has none."""
    if latest is None or latest.period != period or not measure.benchmark_metric:
        return None, []
    web = state_of(request)
    values = web.app.store.peers.for_metric(measure.benchmark_metric)
    found = compare(measure, period, latest.value, values, peers=web.app.config.peers)
    if found is None:
        return None, []
    config = web.app.config
    return found, league(found, values, own_area=config.peers.area_code, own_name=config.council_name)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
