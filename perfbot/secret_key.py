"""The key that signs form and sign-in links: from the environment, else kept in the data dir."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_FILE = "secret.key"


def secret_for(data_dir: Path) -> str:
    """`PERFBOT_SECRET_KEY`, else a random key kept (0600) in the data dir."""
    from_env = os.environ.get("PERFBOT_SECRET_KEY")
    if from_env:
        return from_env
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked in: two replicas starting at once never
        # read a key still being written, and the first one linked is the one both keep.
        draft = data_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
