"""Every sentence the Slack channel says that `bot.messages` does not already say."""

from __future__ import annotations

from bot import messages as shared
from perfbot.formatting import rag_label

SUBMIT_BUTTON = shared.SUBMIT_RETURNS
REVISE_BUTTON = "Revise returns"
WEB_FORM_BUTTON = shared.OPEN_WEB_FORM
REPLY_HINT = ("Or just reply in this thread, e.g. _“{example} was 87.5%, down because of staff "
              "sickness”_ — I'll check it with you before saving.")  # fmt: skip
ALL_RETURNED = "All returned — thank you. You can revise them until the round closes."
ROUND_CLOSED = "This round is closed."
OUTSTANDING = "_Outstanding_"
MORE_MEASURES = "…and {count} more: use the web form, or submit these first and come back."
MODAL_TITLE = "{period} returns"
MODAL_INTRO = ("Enter a figure for each measure you are returning now; leave the others blank to "
               "come back later. Commentary is needed when a figure is off target, and a "
               "remedial action when it is red.")  # fmt: skip
VALUE_LABEL = "Value"
VALUE_HINT = {"percent": "A percentage, e.g. 87.5", "currency": "Pounds, e.g. 1250",
              "days": "Days, e.g. 6.5", "number": "A number, e.g. 42", "text": "A short answer"}  # fmt: skip
COMMENTARY_LABEL = "Commentary (needed if off target)"
ACTION_LABEL = "Remedial action (needed if red)"
NOTHING_ENTERED = "Enter a figure for at least one measure"
FORM_OUT_OF_DATE = "This form is out of date: close it and open the returns form again."
BUTTON_OUT_OF_DATE = "this button is out of date: reply again, or use the form"
TRY_AGAIN = "Slack did not answer in time, so nothing was saved. Please submit again."
CONFIRM_UNUSUAL = " — submit the same figure again to confirm it"
NO_ROUND = "There is no open round with returns for you to submit."
NO_MEASURES = "You have no measures to return in the {period} round."

READ_AS = "I read that as *{measure}*: *{value}*{rag}{commentary}. Shall I save it?"
READ_AS_UNUSUAL = ("I read that as *{measure}*: *{value}*. That looks unusual ({flag}). If it is "
                   "right, save it anyway.")  # fmt: skip
SAVE_BUTTON = "Save it"
SAVE_ANYWAY_BUTTON = "Yes, it's right — save it"
FORM_BUTTON = "Use the form instead"
NOT_READ = ("Sorry, I couldn't read that as a return: {reason} You can reply like _“{example} "
            "87.5%, down because of staff sickness”_, or use the form.")  # fmt: skip
NEEDS_FORM = "I read that as *{measure}*: *{value}*{rag}, but {problem}. Please use the form."
TOO_LONG = "that reply is too long to confirm here"
SAVED = "Saved *{measure}*: *{value}*{rag} (revision {revision})."
NOT_SAVED = "Not saved: {problem}"

HELP = """*perfbot* — your council's performance returns in Slack
• `/perf status [period]` — where your returns stand (performance officers: the whole round)
• `/perf submit` — open the returns form for the current round
• `/perf casestudy` — tell us about work worth reporting (also from a message's ⋯ menu: *Submit as case study*)
• `/perf chase [service | @person]` — chase outstanding returns (performance officers only)
• `/perf help` — this message
You can also reply to your request in its thread, e.g. _“CS01 87.5%, down because of staff sickness”_."""
UNKNOWN_COMMAND = "I don't know `/perf {word}`.\n"
OFFICERS_ONLY = "Only performance officers can chase returns. Ask {officers}."
CHASING = "Chasing {what} for {period}…"
CHASED = "Chased {count} {people} for {period}: {names}."
CHASED_NONE = "Nobody was chased for {period}: {why}"
QUIET = "{owner} was chased at {last:%H:%M on %-d %b}, so not again until {until:%H:%M on %-d %b}."
NOT_DELIVERED = "Not delivered: {errors}"
NOT_A_PERIOD = "'{text}' is not a quarter: write it like 2025/26 Q3."
NOT_IN_SLACK = "I couldn't find that person's e-mail address in Slack."

STATUS_HEAD = "*{period}* — round {state}, returns due {deadline}"
STATUS_MINE = "Your returns: {returned} of {expected} in."
STATUS_SERVICE = "{service}: {returned} of {expected} ({pct:g}%)"

HOME_TITLE = "Your performance returns"
HOME_NO_ROUND = "No round is open at the moment. You'll get a message here when the next one opens."
HOME_ROUND = "*{period}* — due {deadline}"
HOME_OUTSTANDING = "*Still to submit ({count})*"
HOME_SUBMITTED = "*Submitted ({count})*"
HOME_NONE_OUTSTANDING = "Nothing outstanding — thank you."
HOME_OFFICER = "Round completion by service"
HOME_CHASE = "Chase"
HOME_OUT_OF_DATE = "That button is out of date: open the Home tab again."
HOME_CHASED = "Chased {count} in {service} at {at:%H:%M}."

CASE_TITLE = "Case study"
CASE_SUBMIT = "Submit"
CASE_LABELS = {"title": "Title", "theme": "Corporate Plan theme", "service": "Service area",
               "what_happened": "What happened", "impact": "What difference it made",
               "consent": "Consent to publish"}  # fmt: skip
CASE_MISSING = {  # Slack's words for a missing answer, in place of `collectors.case_studies.MISSING`
    **{name: f"Enter the {CASE_LABELS[name].lower()}" for name in ("title", "what_happened", "impact")},
    **{name: f"Choose the {CASE_LABELS[name].lower()}" for name in ("theme", "service")},
}  # fmt: skip
CASE_CONSENT = "The people involved agree that this can be published"
CASE_THANKS = "Thank you — your case study “{title}” has been sent to the performance team."

UNKNOWN_PERSON = ("perfbot could not find {email} in Slack (no active account has that e-mail address), "
                  "so their {what} went to the next channel (the web inbox). Check the address in "
                  "the register, or ask them to join the Slack workspace.")  # fmt: skip


def rag_suffix(rag: str | None) -> str:
    """' (● Green)' — words and a shape, never colour alone."""
    return f" ({rag_label(rag)})" if rag else ""

ACTION_GONE = "There is no action {action_id} any more: ask the performance officer."
ACTION_CLOSED = "{action_id} is {status} already (the performance officer can reopen it)."
ACTION_FORM_DAMAGED = "This form is out of date: close it and press the button under the action again."
NO_OPEN_ACTIONS = "You have no open remedial actions."
ACTION_CHOOSE = "Choose done, still open or dropped"
