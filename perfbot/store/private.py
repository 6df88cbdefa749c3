"""The data directory holds personal data and secrets: only the account perfbot runs as may read it.

New files get owner-only modes where the store creates them (and `perfbot` sets a 077 umask);
`make_private` takes group and other access off whatever is already there, whoever made it
(`perfbot init` before this rule, a backup copied in, an upload written by an older version).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("perfbot.store")
DIR_MODE = 0o700


def make_private(data_dir: Path) -> None:
    """Create `data_dir` (0700) if missing, and make it and everything in it owner-only."""
    data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for path in (data_dir, *data_dir.rglob("*")):
        try:
            found = path.lstat()
            if not stat.S_ISLNK(found.st_mode) and found.st_mode & 0o077:
                os.chmod(path, stat.S_IMODE(found.st_mode) & 0o700)
        except FileNotFoundError:
            continue  # removed meanwhile (a compaction's temporary file)
        except PermissionError:
            log.warning("cannot make %s private: it belongs to another account", path)
