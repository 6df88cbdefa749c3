"""The Teams app package and the SharePoint lists' words: what administrators and owners see."""

from __future__ import annotations

import io
import json
import zipfile

from PIL import Image

from bot.sharepoint import messages as say
from bot.sharepoint.schema import CASE_STUDIES, RETURNS
from bot.teams.package import MANIFEST_DIR, app_package

CLIENT = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def test_the_manifest_in_the_repo_is_a_teams_v1_17_bot_manifest() -> None:
    manifest = json.loads((MANIFEST_DIR / "manifest.json").read_text())
    assert manifest["manifestVersion"] == "1.17"
    [bot] = manifest["bots"]
    assert bot["scopes"] == ["personal", "team"]
    assert {c["title"] for c in bot["commandLists"][0]["commands"]} == {"submit", "status", "casestudy", "chase", "help"}


def test_the_package_names_the_app_registration_and_has_the_icons() -> None:
    package = zipfile.ZipFile(io.BytesIO(app_package(CLIENT, council="Testshire District Council",
                                                     website="https://perf.testshire.gov.uk")))  # fmt: skip
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == CLIENT
    assert manifest["developer"]["name"] == "Testshire District Council"
    assert manifest["developer"]["privacyUrl"] == "https://perf.testshire.gov.uk/privacy"
    color = Image.open(io.BytesIO(package.read("color.png")))
    outline = Image.open(io.BytesIO(package.read("outline.png")))
    assert color.size == (192, 192) and outline.size == (32, 32)
    assert {rgba[:3] for _, rgba in outline.getcolors() if rgba[3]} == {(255, 255, 255)}  # white on clear


def test_status_words_name_the_field_to_fix() -> None:
    assert say.needs({"commentary": "This is off target (amber): explain why"}) == (
        "Needs commentary: This is off target (amber): explain why")
    assert say.needs({"value": "Check this figure — x. If it is right, confirm it"}).endswith(
        "(set Confirm figure to Yes)")
    assert say.needs({"measure": "bob is not the owner of M1"}) == "Not accepted: bob is not the owner of M1"
    assert len(say.needs({"commentary": "x" * 400})) == 255


def test_the_lists_have_the_columns_owners_fill_in() -> None:
    assert [c.title for c in RETURNS.columns if c.title in ("Value", "Commentary", "Remedial action")] == [
        "Value", "Commentary", "Remedial action"]
    assert {"Status", "RAG", "Owner", "Target", "Last value"} <= {c.title for c in RETURNS.columns}
    assert {"Theme", "Service", "Contact email", "Consent to publish"} <= {c.title for c in CASE_STUDIES.columns}
