"""The errors a user can fix; the CLI turns each into one line and exit status 2."""

from __future__ import annotations

from collectors.benchmarks import PeerImportError
from collectors.bulk import ReturnsImportError
from perfbot.config import ConfigError
from perfbot.links import LinkError
from perfbot.people import PersonError
from perfbot.periods import PeriodError
from perfbot.register_import import RegisterImportError
from perfbot.services.ports import RoundError
from perfbot.store import StoreCorruptError, StoreWriteError
from perfbot.tabular import InputFileError
from perfbot.values import InvalidValue


class UserError(ValueError):
    """Anything else the user did that we can explain in one line."""


USER_ERRORS = (
    ConfigError, InputFileError, InvalidValue, LinkError, PeerImportError, PeriodError, PersonError,
    RegisterImportError,
    ReturnsImportError, RoundError, StoreCorruptError, StoreWriteError, UserError,
)  # fmt: skip
