"""The public performance page over HTTP (channel: the web): no sign-in and no cookie, only the
register's public measures in closed rounds as published, revisions shown as revisions, nothing
private (other measures, open rounds, unpublished corrections, staff, addresses), the licence,
and the open data with its CSV on the Web metadata."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from collectors.submissions import Submission
from perfbot.periods import Period
from reports.open_data_metadata import OGL
from tests.csvw_check import assert_valid_csvw
from tests.e2e.council import (
    CMT,
    HEAD,
    OFFICER,
    OTHER_OWNER,
    OWNER,
    PERIOD,
    make_public,
    public_council,
    small_council,
)  # fmt: skip
from tests.e2e.web_client import client_for, sign_in

PAGES = ("/public", "/public/measures/HO04", "/public/measures/HO02", "/public/open-data.csv",
         "/public/open-data.csv-metadata.json", f"/public?period={PERIOD.previous().key}")  # fmt: skip
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def published(tmp_path):
    return public_council(tmp_path)


@pytest.fixture
def reader(published):
    return client_for(published)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_no_sign_in_no_cookie_and_cacheable(reader) -> None:
    for path in PAGES:
        answer = reader.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
        assert "set-cookie" not in answer.headers, path
        assert answer.headers["cache-control"] == "public, max-age=300", path
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in reader.get("/public").headers["content-security-policy"]
    assert reader.get("/public/open-data.csv").headers["content-type"].startswith("text/csv")
    refused = reader.get("/public/measures/HO03", headers={"accept": "text/html"})
    assert refused.status_code == 404 and "set-cookie" not in refused.headers
    assert refused.headers["cache-control"] == "no-store"


def test_a_signed_in_reader_sees_the_same_page_and_keeps_their_session(published) -> None:
    staff = client_for(published)
    sign_in(staff, published, CMT)
    answer = staff.get("/public")
    assert "set-cookie" not in answer.headers and "Signed in as" not in answer.text
    assert staff.get("/dashboard").status_code == 200  # still signed in


def test_the_latest_closed_quarter_with_figures_target_status_in_words_and_commentary(reader) -> None:
    text = _text(reader.get("/public").text)
    assert "Our key measures for 2025/26 Q3 (October to December 2025), figures as published on 26 January 2026." in text
    assert "Larkfield District Council" in text
    assert "Homelessness decisions within 56 days Figure 88% Target 90% Status ▲ Amber close to target" in text
    assert "Households in temporary accommodation Figure 50 Target 45 Status ■ Red off target" in text
    assert "Demand rose after the floods." in text and "Agency staff until March." in text
    assert "1 of 2 measures close to target (▲ Amber)" in text and "1 of 2 measures off target (■ Red)" in text
    earlier = _text(reader.get(f"/public?period={PERIOD.previous().key}").text)
    assert "2025/26 Q2 (July to September 2025), figures as published on 12 January 2026" in earlier
    assert "Homelessness decisions within 56 days Figure 93% Target 90% Status ● Green on target" in earlier


def test_the_measure_page_has_a_described_chart_and_its_figures_as_a_table(reader) -> None:
    html = reader.get("/public/measures/HO04").text
    chart = re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="trend-t trend-d".*?</svg>', html, re.S)
    assert chart, "no chart with a title and description"
    assert "published figures, 2 quarters" in chart[0] and "93%" in chart[0] and "88%" in chart[0]
    table = _text(re.search(r'<table class="govuk-table" id="figures".*?</table>', html, re.S)[0])
    assert "2025/26 Q3 88% 90% ▲ Amber close to target 26 January 2026" in table
    assert "2025/26 Q2 93% 90% ● Green on target 12 January 2026" in table
    assert "Two caseworkers joined in November." in _text(html)


def test_nothing_private_is_shown(published, reader) -> None:
    app = published.app
    # an unpublished correction to the closed quarter, and figures in a quarter that is not closed
    fixed = app.collector.submit(Submission("HO04", PERIOD, 97.5, commentary="Recount after audit",
                                            reason="the case system double-counted", submitted_by=OFFICER, officer=True))  # fmt: skip
    assert fixed.accepted, fixed.errors
    open_quarter = Period(2025, 1)  # its history figures are in, its round is open
    app.cycle.open_round(open_quarter, actor=OFFICER)
    for path in PAGES:
        body = reader.get(path).text
        for private in (OWNER, OTHER_OWNER, HEAD, OFFICER, "amira", "Hassan", "brennan", "HO03",
                        "Average days in bed and breakfast", "Private measure commentary", "97.5",
                        "Recount after audit", "double-counted", str(open_quarter), "89%", "Housing case system"):  # fmt: skip
            assert private not in body, (path, private)
        assert not ADDRESS.search(body.replace("@context", "").replace("@id", "").replace("@value", "")
                                  .replace("@type", "").replace("@language", "")), path  # fmt: skip
    assert reader.get(f"/public?period={open_quarter.key}").status_code == 404
    assert reader.get("/public/measures/NOPE").status_code == 404


def test_an_address_typed_into_commentary_is_taken_out_and_markup_stays_text(tmp_path) -> None:
    council = small_council(tmp_path)
    make_public(council)
    said = "Ask jo.bloggs@larkfield.gov.uk <script>alert(1)</script>"
    result = council.app.collector.submit(Submission("HO04", PERIOD, 91.0, commentary=said, submitted_by=OWNER))
    assert result.accepted
    council.app.cycle.close_round(PERIOD, actor=OFFICER)
    reader = client_for(council)
    for path in ("/public", "/public/measures/HO04", "/public/open-data.csv"):
        body = reader.get(path).text
        assert "jo.bloggs" not in body and "Ask [e-mail address removed]" in body
        assert "<script>alert" not in body or path.endswith(".csv")  # CSV is data, not markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reader.get("/public").text


def test_a_republished_figure_is_shown_as_a_revision(published, reader) -> None:
    app, clock = published.app, published.clock
    fixed = app.collector.submit(Submission("HO02", PERIOD, 44.0, commentary="Demand rose after the floods.",
                                            reason="duplicate cases removed", submitted_by=OFFICER, officer=True))  # fmt: skip
    assert fixed.accepted
    assert "Figure 50 " in _text(reader.get("/public").text)  # not published yet: still as published
    clock.advance(timedelta(days=7))
    app.cycle.reopen_round(PERIOD, actor=OFFICER, reason="auditor's correction")
    app.cycle.close_round(PERIOD, actor=OFFICER)
    text = _text(reader.get("/public").text)
    assert "figures as published on 2 February 2026" in text
    assert "first published on 26 January 2026 and revised on 2 February 2026" in text
    assert "Households in temporary accommodation Figure 44 Target 45 Status ● Green on target" in text
    assert "Revision Revised on 2 February 2026: first published on 26 January 2026 as 50." in text
    homelessness = text.split("Homelessness decisions")[1]
    assert "Revised on" not in homelessness  # unchanged figures are not marked
    assert "Revised on 2 February 2026: first published on 26 January 2026 as 50." in _text(
        reader.get("/public/measures/HO02").text)
    assert "auditor" not in text and "duplicate cases" not in text  # the reasons stay internal


def test_the_licence_and_the_open_data_are_linked(reader) -> None:
    for path in ("/public", "/public/measures/HO02"):
        html = reader.get(path).text
        assert f'<a class="govuk-link" href="{OGL}" rel="license">Open Government Licence v3.0</a>' in html
        assert 'href="/public/open-data.csv"' in html
    assert 'href="/public/open-data.csv-metadata.json"' in reader.get("/public").text


def test_the_open_data_download_is_valid_csv_on_the_web(reader, tmp_path) -> None:
    for name in ("open-data.csv", "open-data.csv-metadata.json"):
        answer = reader.get(f"/public/{name}")
        assert f'filename="{name}"' in answer.headers["content-disposition"]
        (tmp_path / name).write_bytes(answer.content)
    rows = assert_valid_csvw(tmp_path / "open-data.csv", tmp_path / "open-data.csv-metadata.json")
    assert sorted((r["measure_id"], r["period"], r["value"]) for r in rows) == [
        ("HO02", "2025/26 Q2", 41.0), ("HO02", "2025/26 Q3", 50.0),
        ("HO04", "2025/26 Q2", 93.0), ("HO04", "2025/26 Q3", 88.0)]  # fmt: skip
    meta = reader.get("/public/open-data.csv-metadata.json").json()
    assert meta["dc:publisher"] == "Larkfield District Council" and meta["dc:license"] == {"@id": OGL}
    assert meta["dc:modified"]["@value"] == "2026-01-26"


def test_before_anything_is_published_the_page_says_so(tmp_path) -> None:
    council = small_council(tmp_path)  # a round is open; none closed
    make_public(council)
    reader = client_for(council)
    answer = reader.get("/public")
    assert answer.status_code == 200 and "No figures have been published yet" in answer.text
    assert "88" not in _text(answer.text) and "set-cookie" not in answer.headers
    csv_text = reader.get("/public/open-data.csv").content.decode("utf-8-sig")
    assert csv_text.count("\r\n") == 1  # the header alone
    assert reader.get("/public/measures/HO04").status_code == 404
    assert reader.get("/public?period=2025-26-Q9").status_code == 404
