"""Every sentence perfbot says in Teams (cards and replies) that `bot.messages` does not already say."""

from __future__ import annotations

from bot import messages as shared

HELP = """\
I collect your quarterly performance returns. Type:
• **submit** — a card to enter your outstanding figures for the open round
• **status** — what you have returned and what is still due
• **casestudy** — a card to send a case study for the annual report
• **actions** — your open remedial actions: done, still open or dropped
• **help** — this message
Or just reply with a figure, e.g. "M1 87.5%, down because of staff sickness": I will show it on a card to check and submit.
Performance officers can also type:
• **chase** — chase every owner with returns outstanding (or **chase service NAME**, **chase owner EMAIL**)
• **digest here** — in a team channel: post the CMT digest to this channel"""

UNKNOWN_EMAIL = ("I could not find your work e-mail address in Teams, so I cannot match you to your "
                 "measures. Ask your Teams administrator to check your account has one.")  # fmt: skip
OFFICERS_ONLY = "Only the performance officers can {what}."
NO_OPEN_ROUND = "No round is open at the moment, so there is nothing to submit."
NOTHING_OUTSTANDING = "You have no returns outstanding for {period}. Thank you!"
NOTHING_OWNED = "You have no measures to return in {period} (as owner, deputy or head of service)."
NOT_IN_CHANNEL = "Type **digest here** in the team channel that should receive the CMT digest."
DIGEST_BOUND = "From now on the CMT digest ({name}) will be posted in this channel."
EMPTY_SUBMIT = "Enter at least one figure before you submit."
CARD_EXPIRED = "This card is out of date: type **submit** for a fresh one."
READ_AS = "I read your message as {written} for {measure_id}. Check the figure and commentary, then press Submit."
OR_SUBMIT = "Or type **submit** for a card with all your outstanding measures."

REQUEST_HEADING = "{period} performance returns"
VALUE_LABEL = "Value ({unit})"
COMMENTARY_LABEL = "Commentary (required when off target)"
ACTION_LABEL = "Remedial action (required when red)"
CONFIRM_TITLE = "Yes, this figure is right"
SUBMIT_TITLE = shared.SUBMIT_RETURNS
WEB_FORM_TITLE = shared.OPEN_WEB_FORM
RECEIVED_HEADING = "{period} returns received — thank you"
STILL_TO_SUBMIT = "Still to submit:"
ACCEPTED_LINE = "{measure_id} {title}: {value} — {rag} ({status})"
SAVE_STATUS = {"created": "received", "revised": "revised", "unchanged": "already received"}

CASE_STUDY_HEADING = shared.SEND_CASE_STUDY
CASE_STUDY_INTRO = ("Tell us about work that made a difference. Approved case studies may appear "
                    "in the annual report.")  # fmt: skip
CASE_STUDY_LABELS = {
    "title": "Title", "theme": "Corporate Plan theme", "service": "Service",
    "what_happened": "What happened", "impact": "The difference it made",
    "consent": "May the council publish it?",
}  # fmt: skip
CASE_STUDY_SUBMIT = "Send case study"
CASE_STUDY_RECEIVED = "Case study received: “{title}”. The performance officer will review it."

ALERT_HEADING = "New exceptions in {period} returns"
STATUS_HEADING = "Your {period} returns (due {deadline}):"
STATUS_LINE = "  • {measure_id} {title}: {state}"
SERVICE_LINE = "  • {service}: {returned} of {expected} returned ({pct}%)"
SERVICES_HEADING = "By service:"
CHASE_NOTHING = "Nothing outstanding to chase in {period}."
CHASE_DONE = "Chased {count} owner(s) for {period}: {names}."
CHASE_QUIET = "Not chased (chased within the last {hours} hours): {names}."
CHASE_FAILED = "{count} message(s) could not be delivered; see round status."

ACTIONS_HEADING = "Your open remedial actions"
ACTIONS_HINT = "Choose what became of each action, add a note (required to drop) or a new due date, then update."
ACTIONS_SUBMIT = "Update actions"
ACTIONS_UPDATED = "Remedial actions updated — thank you"
ACTIONS_NONE_CHOSEN = "Choose done, still open or dropped for at least one action"
ACTION_CHOOSE = "Choose done, still open or dropped"
ACTION_STATUS_LABEL = "Is it done?"
ACTION_NOTE_LABEL = "Note (what was done, how it is going, or why it is dropped)"
ACTION_DUE_LABEL = "New due date (a quarter such as 2026/27 Q1, or a date such as 2026-09-30)"
ACTION_NOW = "{action_id}: {status}"
STATUS_WORDS = {"done": "done", "open": "still open", "dropped": "dropped"}
NO_OPEN_ACTIONS = "You have no open remedial actions."
MORE_ACTIONS = "…and {count} more: update these first, or use the web page from your request's link."
