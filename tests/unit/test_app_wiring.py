"""What configuration switches on: channels and pollers; the scheduler's tick runs them all."""

from datetime import datetime

from perfbot.app import build
from perfbot.channels import enabled_pollers
from perfbot.clock import LONDON, ManualClock
from perfbot.settings import M365Settings, Settings


def _m365(site: str | None) -> M365Settings:
    return M365Settings("tenant", "client", "secret", None, None, "https://login.example", None, None, site)


def test_sharepoint_polling_is_on_only_when_a_site_is_configured():
    from bot.sharepoint.poller import poll

    assert enabled_pollers(Settings()) == ()
    assert enabled_pollers(Settings(m365=_m365(None))) == ()
    assert enabled_pollers(Settings(m365=_m365("https://contoso.sharepoint.com/sites/perf"))) == (poll,)


def test_the_tick_runs_the_cycle_then_every_poller_even_when_one_fails(tmp_path):
    app = build(tmp_path / "data", clock=ManualClock(datetime(2026, 1, 12, 10, tzinfo=LONDON)))
    seen: list[str] = []

    def broken(_app):
        seen.append("broken")
        raise ConnectionError("SharePoint is down")

    app.pollers = (broken, lambda a: seen.append("second"))
    app.tick()
    assert seen == ["broken", "second"]


def test_no_credentials_means_the_local_channel_only(tmp_path):
    app = build(tmp_path / "data")
    assert app.cycle.dispatcher.channel_names == ("local",)
    assert app.pollers == ()
