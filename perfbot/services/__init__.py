"""The use cases every channel offers, implemented once; channels and the CLI only translate.

`Services` is what a platform package is given: the store and settings it reads, and the use
cases — `duties` (what a person owes, `perfbot.services.duties`), `collector` (submit, revise,
confirm an unusual figure: the `ReturnsIntake` port), `cycle` (chase, open a round: the
`RoundCommands` port) and `actions` (update a remedial action, `perfbot.services.actions`).
Case studies (`collectors.case_studies.submit`) and round status
(`schedules.status`) are functions of the store that channels call directly. No module under
`bot/` sees the wiring (`perfbot.app.App`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfbot.config import Config
from perfbot.links import FormLinks
from perfbot.services.actions import ActionUpdates
from perfbot.services.duties import Duties
from perfbot.services.ports import ReturnsIntake, RoundCommands
from perfbot.store import Store


@dataclass
class Services:
    """The core's use cases for one data directory, as the wiring assembled them."""

    data_dir: Path
    store: Store
    config: Config
    links: FormLinks
    duties: Duties
    collector: ReturnsIntake
    cycle: RoundCommands
    actions: ActionUpdates
