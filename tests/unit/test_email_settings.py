"""E-mail settings: which transport is on, and one clear line naming a bad setting."""

from __future__ import annotations

import pytest

from perfbot.config import ConfigError
from perfbot.settings import Settings

M365 = {"M365_TENANT_ID": "tenant", "M365_CLIENT_ID": "client", "M365_CLIENT_SECRET": "secret"}
RELAY = {"SMTP_HOST": "relay.council.gov.uk", "PERFBOT_MAIL_FROM": "performance@council.gov.uk"}


def test_no_settings_means_no_email():
    assert Settings.from_env({}).email is None


def test_smtp_defaults_to_starttls_on_587():
    smtp = Settings.from_env(RELAY).email.smtp
    assert (smtp.port, smtp.security, smtp.username) == (587, "starttls", None)
    assert Settings.from_env(RELAY | {"SMTP_SECURITY": "tls"}).email.smtp.port == 465


def test_graph_needs_the_app_registration_and_sends_as_the_mailbox():
    email = Settings.from_env(M365 | {"GRAPH_MAIL_SENDER": "Performance@Council.gov.uk"}).email
    assert email.transport == "graph" and email.mail_from == "performance@council.gov.uk"
    assert email.graph.api_url == "https://graph.microsoft.com/v1.0/"


@pytest.mark.parametrize(("env", "named"), [
    ({"SMTP_HOST": "relay"}, "PERFBOT_MAIL_FROM"),
    (RELAY | {"SMTP_SECURITY": "ssl"}, "SMTP_SECURITY"),
    (RELAY | {"SMTP_PORT": "99999"}, "SMTP_PORT"),
    (RELAY | {"SMTP_PORT": "twenty-five"}, "SMTP_PORT"),
    (RELAY | {"SMTP_USERNAME": "perfbot"}, "SMTP_USERNAME and SMTP_PASSWORD"),
    (RELAY | {"SMTP_SECURITY": "none", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"}, "SMTP_USERNAME needs"),
    (RELAY | {"PERFBOT_MAIL_FROM": "performance"}, "PERFBOT_MAIL_FROM"),
    ({"SMTP_PORT": "25"}, "SMTP_PORT is set but SMTP_HOST"),
    ({"GRAPH_MAIL_SENDER": "performance@council.gov.uk"}, "GRAPH_MAIL_SENDER needs"),
    (M365 | {"GRAPH_MAIL_SENDER": "not-an-address"}, "GRAPH_MAIL_SENDER"),
    (M365 | {"GRAPH_MAIL_SENDER": "p@council.gov.uk", "GRAPH_API_URL": "graph.local"}, "GRAPH_API_URL"),
    ({"PERFBOT_MAIL_FROM": "performance@council.gov.uk"}, "no e-mail transport"),
])  # fmt: skip
def test_a_bad_setting_stops_start_up_naming_it(env, named):
    with pytest.raises(ConfigError) as error:
        Settings.from_env(env)
    assert named in str(error.value) and "\n" not in str(error.value)


def test_perfbot_serve_refuses_a_bad_setting_with_one_line(tmp_path, monkeypatch, capsys):
    from perfbot.cli import main

    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path))
    monkeypatch.setenv("SMTP_HOST", "relay.council.gov.uk")
    monkeypatch.setenv("SMTP_SECURITY", "sometimes")
    main(["init"])
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "SMTP_SECURITY must be one of starttls, tls, none" in err and "Traceback" not in err
