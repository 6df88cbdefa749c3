"""The Teams app package an administrator uploads: manifest.json and the two icons, zipped.

`bot/teams/manifest/manifest.json` carries placeholder ids; the package gets the app
registration's client id (the bot's id, and the app's own id) and the council's name.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

MANIFEST_DIR = Path(__file__).parent / "manifest"
ICONS = ("color.png", "outline.png")


def manifest(client_id: str, *, council: str, website: str = "") -> dict[str, Any]:
    """The manifest for this app registration (`website`: an https URL, else the example's)."""
    found = json.loads((MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8"))
    found["id"] = client_id
    for bot in found["bots"]:
        bot["botId"] = client_id
    found["developer"]["name"] = council[:32]
    if website.startswith("https://"):
        base = website.rstrip("/")
        found["developer"].update(websiteUrl=base + "/", privacyUrl=base + "/privacy",
                                  termsOfUseUrl=base + "/terms")  # fmt: skip
    return found


def app_package(client_id: str, *, council: str, website: str = "") -> bytes:
    """The zip to upload in Teams (Apps → Manage your apps → Upload an app)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        body = json.dumps(manifest(client_id, council=council, website=website), indent=2)
        package.writestr("manifest.json", body)
        for icon in ICONS:
            package.write(MANIFEST_DIR / icon, icon)
    return buffer.getvalue()
