"""The use cases every channel offers, implemented once; channels and the CLI only translate.

`Services` is what a platform package is given: the store and settings it reads, and the use
cases, each with typed inputs and results:

- `duties` — what a person owes in a round: owner, deputy, head of service (`duties.py`);
- `collector` — submit or revise a return, confirm an unusual figure, with the write rule (who
  may write which quarter, `perfbot.write_rule`): the `ReturnsIntake` port;
- `cycle` — an officer's round commands: open, close, reopen, chase (the `RoundCommands` port);
- `status` — where a round stands, for the officers and for each person (`round_status.py`);
- `case_studies` — submit a case study, and moderate it (`case_studies.py`);
- `corrections` — an officer corrects or withdraws a figure, republishing a closed quarter
  (`corrections.py`);
- `sign_off` — a head of service approves or sends back their service's figures, an officer on
  their behalf (`sign_off.py`);
- `actions` — update a remedial action: done, still open, dropped (`actions.py`).

The core may not import `collectors`, `schedules` or `reports`: what a service needs from them is
a `typing.Protocol` in `ports.py` that the wiring (`perfbot.app`) fills. No module under `bot/`
sees the wiring (`perfbot.app.App`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfbot.config import Config
from perfbot.links import FormLinks
from perfbot.services.actions import ActionUpdates
from perfbot.services.case_studies import CaseStudies
from perfbot.services.corrections import Corrections
from perfbot.services.duties import Duties
from perfbot.services.ports import ReturnsIntake, RoundCommands
from perfbot.services.round_status import RoundStatusService
from perfbot.services.sign_off import SignOff
from perfbot.store.interfaces import Store


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
    status: RoundStatusService
    case_studies: CaseStudies
    corrections: Corrections
    sign_off: SignOff  # approve or send back a service's figures (perfbot.services.sign_off)
    actions: ActionUpdates
