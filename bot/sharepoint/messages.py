"""What perfbot writes into the lists' Status column, in one place."""

from __future__ import annotations

AWAITING = "Awaiting your figure"
ACCEPTED = "Accepted"
RECEIVED = "Received — thank you"
NEEDS = "Needs {field}: {message}"
NOT_ACCEPTED = "Not accepted: {message}"
CONFIRM_HINT = " (set Confirm figure to Yes)"
FIELD_NAMES = {
    "value": "value", "commentary": "commentary", "action": "remedial action",
    "title": "title", "theme": "theme", "service": "service", "what_happened": "what happened",
    "impact": "impact", "consent": "consent", "submitted_by": "contact email",
}  # fmt: skip
MAX_STATUS = 255  # a single line of text column


def needs(errors: dict[str, str]) -> str:
    """'Needs commentary: This is off target (amber): explain why' (several joined by '; ')."""
    parts = []
    for field, message in errors.items():
        if "confirm it" in message:
            message += CONFIRM_HINT
        if field in FIELD_NAMES:
            parts.append(NEEDS.format(field=FIELD_NAMES[field], message=message))
        else:
            parts.append(NOT_ACCEPTED.format(message=message))
    text = "; ".join(parts)
    return text if len(text) <= MAX_STATUS else text[: MAX_STATUS - 1] + "…"
