"""Drafts of returns, and the web roles read from perfbot.toml."""

from __future__ import annotations

import pytest

from bot.web.roles import Role, WebSettings, roles_for
from perfbot.config import ConfigError, parse
from perfbot.periods import Period
from tests.conftest import make_measure

Q3 = Period(2025, 3)


def test_a_draft_is_kept_per_owner_quarter_and_measure(store) -> None:
    drafts = store.drafts
    drafts.save(owner="Owner@Council.gov.uk", period=Q3, measure_id="M1", value="5", commentary="c", action="")
    drafts.save(owner="owner@council.gov.uk", period=Q3, measure_id="M1", value="6", commentary="c2", action="a")
    drafts.save(owner="owner@council.gov.uk", period=Q3.previous(), measure_id="M1", value="1",
                commentary="", action="")  # fmt: skip
    found = drafts.get(owner="owner@council.gov.uk", period=Q3, measure_id="M1")
    assert (found.value, found.commentary, found.action) == ("6", "c2", "a")
    assert list(drafts.for_owner(owner="OWNER@council.gov.uk", period=Q3)) == ["M1"]
    assert drafts.discard(owner="owner@council.gov.uk", period=Q3, measure_id="M1")
    assert drafts.get(owner="owner@council.gov.uk", period=Q3, measure_id="M1") is None
    assert drafts.get(owner="owner@council.gov.uk", period=Q3.previous(), measure_id="M1") is not None


def test_roles_come_from_the_config_and_the_register(store) -> None:
    store.register.apply([make_measure("M1")], [], actor="t")
    config = parse({"council": {"performance_officers": ["po@council.gov.uk"]},
                    "web": {"cmt": ["Boss@council.gov.uk"], "admins": ["it@council.gov.uk"]}})  # fmt: skip
    web = WebSettings.from_config(config)
    assert roles_for("owner@council.gov.uk", config=config, web=web, store=store) == {Role.OWNER}
    assert roles_for("head@council.gov.uk", config=config, web=web, store=store) == {Role.OWNER}
    assert roles_for("boss@council.gov.uk", config=config, web=web, store=store) == {Role.CMT}
    assert roles_for("PO@council.gov.uk", config=config, web=web, store=store) == {Role.OFFICER}
    assert roles_for("nobody@council.gov.uk", config=config, web=web, store=store) == set()


@pytest.mark.parametrize("web", [{"cmt": "boss@council.gov.uk"}, {"admins": ["not an email"]},
                                 {"session_hours": 0}, {"upload_max_mb": "5"}])  # fmt: skip
def test_a_malformed_web_setting_names_itself(web) -> None:
    with pytest.raises(ConfigError, match=r"web\.\w+"):
        WebSettings.from_config(parse({"web": web}))
