"""What configuration switches on: channels and pollers; the scheduler's tick runs them all."""

from datetime import datetime

from perfbot.app import build
from perfbot.channels import enabled_pollers
from perfbot.clock import LONDON, ManualClock
from perfbot.settings import M365Settings, Settings


def _m365(site: str | None) -> M365Settings:
    return M365Settings("tenant", "client", "secret", None, None, "https://login.example", None, None, site)


def test_sharepoint_polling_is_on_only_when_a_site_is_configured(tmp_path):
    services = build(tmp_path / "data")
    assert enabled_pollers(Settings(), services) == ()
    assert enabled_pollers(Settings(m365=_m365(None)), services) == ()
    site = Settings(m365=_m365("https://contoso.sharepoint.com/sites/perf"))
    (poller,) = enabled_pollers(site, services)
    assert callable(poller)


def test_each_platform_package_has_one_factory_and_its_digest_format_is_registered():
    from perfbot.channels import digest_renderers, platforms

    names = [p.name for p in platforms(Settings())]
    assert names == ["web", "slack", "teams", "sharepoint", "email"]
    unconfigured = {p.name: (p.channel, p.poller) for p in platforms(Settings())}
    assert all(parts == (None, None) for parts in unconfigured.values())
    assert digest_renderers().names == ("text", "markdown", "html", "slack", "teams")


def test_the_tick_runs_the_cycle_then_every_poller_even_when_one_fails(tmp_path):
    app = build(tmp_path / "data", clock=ManualClock(datetime(2026, 1, 12, 10, tzinfo=LONDON)))
    seen: list[str] = []

    def broken():
        seen.append("broken")
        raise ConnectionError("SharePoint is down")

    app.pollers = (broken, lambda: seen.append("second"))
    app.tick()
    assert seen == ["broken", "second"]


def test_no_credentials_means_the_local_channel_only_where_a_terminal_shows_it(tmp_path):
    app = build(tmp_path / "data", show=lambda to, text: None)  # round open, chase, demo
    assert app.cycle.dispatcher.channel_names == ("local",)
    assert app.pollers == ()
    served = build(tmp_path / "data")  # perfbot serve: nobody reads a terminal
    assert served.cycle.dispatcher.channel_names == ()


def test_email_settings_put_email_before_local(tmp_path):
    env = {"SMTP_HOST": "relay.council.gov.uk", "PERFBOT_MAIL_FROM": "performance@council.gov.uk"}
    app = build(tmp_path / "data", settings=Settings.from_env(env), show=lambda to, text: None)
    assert app.cycle.dispatcher.channel_names == ("email", "local")
