"""The use cases every channel offers, implemented once; channels and the CLI only translate.

`Services` is what a platform package is given: the store and settings it reads, and the use
cases — `duties` (what a person owes, `perfbot.services.duties`), `collector` (submit, revise,
confirm an unusual figure: the `ReturnsIntake` port) and `cycle` (chase, open a round: the
`RoundCommands` port) and `sign_off` (a head of service approves or sends back their service's
figures: `perfbot.services.sign_off`). Case studies (`collectors.case_studies.submit`) and round status
(`schedules.status`) are functions of the store that channels call directly. No module under
`bot/` sees the wiring (`perfbot.app.App`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfbot.config import Config
from perfbot.links import FormLinks
from perfbot.services.duties import Duties
from perfbot.services.ports import ReturnsIntake, RoundCommands
from perfbot.services.sign_off import SignOff
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
    sign_off: SignOff  # approve or send back a service's figures (perfbot.services.sign_off)
