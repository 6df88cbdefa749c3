"""Report files into a SharePoint document library (`perfbot sharepoint upload DIR`).

Files are uploaded under their own names and replace an earlier upload of the same name, so
re-running a report and uploading again updates the library (SharePoint keeps the versions).
"""

from __future__ import annotations

from pathlib import Path

from bot.sharepoint.client import SharePointClient

DEFAULT_FOLDER = "Shared Documents"  # the site's default "Documents" library
MAX_SIMPLE_UPLOAD = 250 * 1024 * 1024  # larger files need a chunked upload session


def upload_reports(client: SharePointClient, paths: list[Path], *, folder: str = DEFAULT_FOLDER) -> list[str]:
    """Upload each file; returns the server-relative URLs, in order."""
    uploaded = []
    for path in sorted(paths):
        if path.stat().st_size > MAX_SIMPLE_UPLOAD:
            raise ValueError(f"{path.name} is over 250 MB; upload it by hand")
        uploaded.append(client.upload(folder, path.name, path.read_bytes()))
    return uploaded


def report_files(directory: Path) -> list[Path]:
    """The files a report command wrote (hidden and temporary files left out)."""
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
