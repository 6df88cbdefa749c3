"""Read a reply in plain words as one return: "Q3 was 87.5%, down because of staff sickness".

Platform-neutral (Slack thread replies, Teams replies): the caller strips its platform's markup
and passes the measures the reply may be about. The figure becomes the value of the measure the
reply names (by id, or by the words of its title), or of the only one still outstanding; the rest
of the words become the commentary. Nothing is stored here: the person confirms what was read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NUMBER = re.compile(
    r"(?<![\w.,/:£$-])(?P<pound>£\s?)?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?"
    r"(?:\s?(?P<scale>k|m|bn)\b)?(?P<percent>\s?(?:%|per\s?cent\b|percent\b))?(?![\w/:]|[.,]\d)",
    re.IGNORECASE,
)
_QUARTER = re.compile(r"\b(?:Q|quarter\s*)([1-4])\b", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_COMPARING = {"from", "target", "than", "vs", "versus", "against", "last", "previous", "prior",
              "compared", "previously"}  # fmt: skip
_LEAD_IN = {"was", "were", "is", "are", "at", "of", "came", "in", "stands", "stood", "for", "q1",
            "q2", "q3", "q4", "quarter", "this", "value", "figure", "the", "our", "it", "reached",
            "hit", "it's", "its", "=", ":", "-", "–", "—", "1", "2", "3", "4"}  # fmt: skip
_STOPWORDS = {"the", "and", "for", "per", "of", "in", "on", "to", "with", "within", "by", "from",
              "number", "percentage", "proportion", "rate", "total", "average", "all", "are",
              "were", "was", "that", "this", "than", "days"}  # fmt: skip
_SCALES = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_EDGE = " \t,;:.-–—()"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A measure the reply may be about."""

    measure_id: str
    title: str
    unit: str = "number"  # number | percent | currency | days | text
    outstanding: bool = True


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reply was read as: the figure for one measure, and the commentary."""

    measure_id: str
    value: float
    written: str  # the figure as it was written, e.g. "87.5%"
    commentary: str


@dataclass(frozen=True, slots=True)
class NotRead:
    """The reply could not be read; `reason` is fit to show the person."""

    reason: str


@dataclass(frozen=True, slots=True)
class _Figure:
    start: int
    end: int
    value: float
    percent: bool
    pound: bool


def read_reply(
    text: str, candidates: Sequence[Candidate], *, quarter: int | None = None
) -> Reading | NotRead:
    """Read `text` as a return for one of `candidates` (the round's quarter, if given, is checked)."""
    text = " ".join(str(text).split())
    if not text:
        return NotRead("The reply is empty.")
    if not candidates:
        return NotRead("You have no returns to submit in this round.")
    chosen = _which_measure(text, candidates)
    if isinstance(chosen, NotRead):
        return chosen
    measure, named = chosen
    other_quarter = _other_quarter(text, quarter)
    if other_quarter is not None:
        return NotRead(f"This is the Q{quarter} round, but your reply mentions Q{other_quarter}. "
                       f"Reply with the Q{quarter} figure, or ask the performance officer.")  # fmt: skip
    if measure.unit == "text":
        return NotRead(f"{measure.measure_id} {measure.title} takes a written answer: use the form.")
    figure = _pick_figure(text, measure, avoid=named)
    if figure is None:
        return NotRead(f"I could not find a figure for {measure.measure_id} {measure.title} "
                       "in your reply.")  # fmt: skip
    commentary = _commentary(text, figure, measure, named)
    written = text[figure.start : figure.end].strip()
    return Reading(measure.measure_id, figure.value, written, commentary)


# -- which measure --------------------------------------------------------------------------------


def _id_pattern(measure_id: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(measure_id)}(?![A-Za-z0-9])", re.IGNORECASE)


def _which_measure(
    text: str, candidates: Sequence[Candidate]
) -> tuple[Candidate, tuple[int, int] | None] | NotRead:
    """The measure the reply names (and where its id is), or the only outstanding one."""
    by_id = [(c, m.span()) for c in candidates for m in [_id_pattern(c.measure_id).search(text)] if m]
    if len(by_id) > 1:
        ids = ", ".join(c.measure_id for c, _ in by_id)
        return NotRead(f"Your reply names more than one measure ({ids}). Reply about one at a "
                       "time, or use the form for several.")  # fmt: skip
    if by_id:
        return by_id[0]
    by_title = _by_title(text, candidates)
    if by_title is not None:
        return by_title, None
    outstanding = [c for c in candidates if c.outstanding]
    if len(outstanding) == 1:
        return outstanding[0], None
    if len(candidates) == 1:
        return candidates[0], None
    example = (outstanding or list(candidates))[0].measure_id
    return NotRead(f"Which measure is this for? Start your reply with its id, e.g. "
                   f"'{example} 87.5%, …'.")  # fmt: skip


def _stem(word: str) -> str:
    word = word.lower().strip("'’")
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[A-Za-z][A-Za-z'’]+", text)}


def title_words(title: str) -> set[str]:
    """The words of a title that identify it (not 'the', 'number', 'per' …)."""
    return {w for w in _words(title) if w not in _STOPWORDS and len(w) >= 3}


def _by_title(text: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate whose title words the reply uses clearly more than any other's."""
    said = _words(text)
    scored = []
    for candidate in candidates:
        wanted = title_words(candidate.title)
        hits = len(wanted & said)
        if hits >= 2 or (wanted and hits == len(wanted)):
            scored.append((hits, candidate))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def _other_quarter(text: str, quarter: int | None) -> int | None:
    if quarter is None:
        return None
    named = {int(m.group(1)) for m in _QUARTER.finditer(text)}
    others = sorted(named - {quarter})
    return others[0] if others and quarter not in named else None


# -- which figure ---------------------------------------------------------------------------------


def _figures(text: str) -> list[_Figure]:
    found = []
    for match in _NUMBER.finditer(text):
        after = text[match.end() :].lstrip().lower()
        if after[:3] in _MONTHS:  # "3 December" is a date, not a figure
            continue
        value = float(match["digits"].replace(",", "") + (match["decimals"] or ""))
        scale = (match["scale"] or "").lower()
        if scale and not match["pound"]:
            continue  # "12m" could be minutes or metres; only "£1.2m" is clear
        value *= _SCALES.get(scale, 1)
        found.append(_Figure(match.start(), match.end(), value, bool(match["percent"]),
                             bool(match["pound"])))  # fmt: skip
    return found


def _digits(written: str) -> str:
    return "".join(ch for ch in written if ch.isdigit() or ch == ".").strip(".")


def _digits_in(title: str) -> set[str]:
    return {_digits(m.group()) for m in re.finditer(r"\d[\d,.]*", title)}


def _preceding_words(text: str, start: int, count: int = 2) -> list[str]:
    return [w.strip(_EDGE).lower() for w in text[:start].split()[-count:]]


def _rank(text: str, figure: _Figure, measure: Candidate) -> tuple[int, int]:
    """Lower is better: (how doubtful the figure is, position)."""
    doubt = 0
    before = _preceding_words(text, figure.start)
    if set(before) & _COMPARING:
        doubt += 4  # "down from 90%", "against a target of 90%"
    if _digits(text[figure.start : figure.end]) in _digits_in(measure.title):
        doubt += 3  # "per 100,000" is part of the title, not the figure
    if measure.unit == "percent" and not figure.percent:
        doubt += 2
    if measure.unit == "currency" and not figure.pound:
        doubt += 1
    if measure.unit != "percent" and figure.percent:
        doubt += 1
    if not (figure.percent or figure.pound) and 1990 <= figure.value <= 2099 and figure.value.is_integer():
        doubt += 3  # a year
    return doubt, figure.start


def _pick_figure(text: str, measure: Candidate, *, avoid: tuple[int, int] | None) -> _Figure | None:
    figures = [f for f in _figures(text) if avoid is None or not (avoid[0] <= f.start < avoid[1])]
    if not figures:
        return None
    return min(figures, key=lambda f: _rank(text, f, measure))


# -- the commentary -------------------------------------------------------------------------------


def _strip_reference(words: list[str], measure: Candidate, *, from_end: bool) -> list[str]:
    """Drop the words that only say which measure and quarter ('Missed bins in Q3 were')."""
    noise = _LEAD_IN | title_words(measure.title) | {measure.measure_id.lower()}
    while words:
        word = words[-1] if from_end else words[0]
        if _stem(word.strip(_EDGE)) not in noise and word.strip(_EDGE).lower() not in noise:
            break
        words = words[:-1] if from_end else words[1:]
    return words


def _commentary(
    text: str, figure: _Figure, measure: Candidate, named: tuple[int, int] | None
) -> str:
    before = text[: figure.start]
    if named is not None and named[1] <= figure.start:
        before = before[: named[0]] + before[named[1] :]
    lead = _strip_reference(before.split(), measure, from_end=True)
    lead = _strip_reference(lead, measure, from_end=False)
    rest = text[figure.end :]
    if named is not None and named[0] >= figure.end:
        rest = text[figure.end : named[0]] + text[named[1] :]
    parts = [" ".join(lead).strip(_EDGE), rest.strip(_EDGE)]
    words = " ".join(p for p in parts if p)
    return words[:1].upper() + words[1:]
