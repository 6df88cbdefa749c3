"""`perfbot benchmarks import|fetch`: peer values beside each measure's figure (docs/peers.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from perfbot.benchmarks import PeerValue
from perfbot.cli.app_access import open_app as _app
from perfbot.cli.errors import UserError
from perfbot.store import PeerChanges


def summary(source: str, values: list[PeerValue], changes: PeerChanges, *, skipped: int = 0) -> str:
    """One line: what was read and what storing it did."""
    periods = sorted({v.period for v in values})
    span = f"{periods[0]}" + (f" to {periods[-1]}" if len(periods) > 1 else "") if periods else "no periods"
    metrics = sorted({v.metric for v in values})
    skip = f"; {skipped} row{'s' * (skipped != 1)} with no value skipped" if skipped else ""
    return (f"Read {len(values)} peer values from {source} ({len(metrics)} metric{'s' * (len(metrics) != 1)}: "
            f"{', '.join(metrics) or 'none'}; {len({v.area_code for v in values})} areas; {span}{skip}): "
            f"{changes.added} added, {changes.replaced} replaced, {changes.unchanged} unchanged.")  # fmt: skip


def _unused(app: Any, values: list[PeerValue]) -> list[str]:  # noqa: ANN401 - perfbot.app.App
    named = {m.benchmark_metric for m in app.store.register.measures() if m.benchmark_metric}
    return sorted({v.metric for v in values} - named)


def cmd_import(args: argparse.Namespace) -> int:
    from collectors.benchmarks import load_peer_values

    app = _app(args)
    parsed = load_peer_values(args.file)
    changes = app.store.peers.save(parsed.values, actor=args.actor, source=args.file.name)
    print(summary(args.file.name, parsed.values, changes, skipped=parsed.skipped))
    for metric in _unused(app, parsed.values):
        print(f"  note: no measure names metric {metric} as its benchmark_metric (kept; shown once one does)")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    import httpx

    from collectors.lginform import LgInformError, LgInformSettings, fetch_all

    app = _app(args)
    peers = app.config.peers
    for setting, value in (("area_code", peers.area_code), ("comparison_group", peers.comparison_group)):
        if not value:
            raise UserError(f"set peers.{setting} in perfbot.toml first (docs/peers.md)")
    metrics = [args.metric] if args.metric else sorted(
        {m.benchmark_metric for m in app.store.register.measures() if m.benchmark_metric})  # fmt: skip
    if not metrics:
        raise UserError("no measure in the register names a benchmark_metric: add the column (docs/peers.md)")
    try:
        settings = LgInformSettings.from_env()
        with httpx.Client(headers={"User-Agent": "perfbot"}) as client:
            values = fetch_all(client, settings, metrics, area_code=peers.area_code,
                               group=peers.comparison_group, periods=args.periods or peers.periods)  # fmt: skip
    except LgInformError as error:
        raise UserError(str(error)) from None
    changes = app.store.peers.save(values, actor=args.actor, source="LG Inform")
    print(summary("LG Inform", values, changes))
    empty = [m for m in metrics if not any(v.metric == m for v in values)]
    for metric in empty:
        print(f"  note: LG Inform has no values of metric {metric} for these areas and periods", file=sys.stderr)
    return 0


SHOW_COLUMNS = ["measure_id", "title", "polarity", "value", "peer_period", "peers", "median",
                "lower_quartile", "upper_quartile", "rank", "older"]  # fmt: skip


def cmd_show(args: argparse.Namespace) -> int:
    from perfbot.tables import render
    from reports.analysis import analyse
    from reports.peers import for_analysis

    app = _app(args)
    analysis = analyse(app.store, app.config, args.period)
    found = for_analysis(app.store, app.config, analysis)
    rows = [{"measure_id": mid, "title": analysis.measures[mid].title, "polarity": c.polarity.value,
             "value": c.value, "peer_period": str(c.period), "peers": c.peers, "median": c.median,
             "lower_quartile": c.lower_quartile, "upper_quartile": c.upper_quartile,
             "rank": c.rank_text() or None, "older": c.staleness_text() or None}
            for mid, c in sorted(found.items())]  # fmt: skip
    if not rows and args.format == "table":
        print(f"No measure has peer values to compare with in {args.period} (docs/peers.md).")
        return 0
    print(render(rows, SHOW_COLUMNS, args.format))
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:  # fmt: skip
    """Add this module's sub-commands to the parser."""
    group = add("benchmarks", None, "peer values: how similar councils did on each measure's metric")
    actions = group.add_subparsers(dest="action", required=True)
    p = add("import", cmd_import, "import peer values from a CSV (metric, area_code, area_name, period, "
                                  "value); a value held already for the same metric, area and period is replaced", actions)  # fmt: skip
    p.add_argument("file", type=Path, help='the CSV; periods like "2025/26 Q3" or "2025/26"')
    _actor(p)
    p = add("fetch", cmd_fetch, "get peer values from the LG Inform API (key in LGINFORM_KEY, "
                                "secret in LGINFORM_SECRET; [peers] in perfbot.toml)", actions)  # fmt: skip
    p.add_argument("--metric", help="only this metric id (default: every benchmark_metric in the register)")
    p.add_argument("--periods", help='which periods to ask for, as LG Inform writes them (default: [peers] periods, "latest:5")')
    _actor(p)
    p = add("show", cmd_show, "each measure's figure beside its group: median, quartiles, rank", actions)
    p.add_argument("period", type=period_type, help='a quarter like "2025/26 Q3"')
    p.add_argument("--format", choices=formats, default="table", help="how to print it")


def _actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", default="performance officer", help="who is doing this (for the audit trail)")
