""""E-mail me a sign-in link": the same answer whatever the address is (see `link_mailer`)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from bot.web.forms import Errors, Posted
from bot.web.link_mailer import LinkMailer
from bot.web.pages import page
from bot.web.state import state_of
from perfbot.people import PersonError, normalise_email

router = APIRouter()
PATH = "/sign-in-by-email"  # public, like the other sign-in routes
TITLE = "E-mail me a sign-in link"


def mailer_of(request: Request) -> LinkMailer | None:
    return getattr(request.app.state, "perfbot_link_mailer", None)


@router.get(PATH)
def ask(request: Request) -> Response:
    return page(request, "sign_in_email.html", title=TITLE, can_send=mailer_of(request) is not None,
                errors=None, email="")  # fmt: skip


@router.post(PATH)
def send(request: Request, form: Posted) -> Response:
    text = form.text("email", limit=320)
    try:
        email = normalise_email(text)
    except PersonError:
        errors = Errors()
        errors.add("email", "Enter your work e-mail address, like name@council.gov.uk")
        return page(request, "sign_in_email.html", status=400, title=TITLE,
                    can_send=mailer_of(request) is not None, errors=errors, email=text[:320])  # fmt: skip
    mailer = mailer_of(request)
    if mailer is not None:
        app = state_of(request).app
        client = request.client.host if request.client else "unknown"
        mailer.maybe_send(app, email, client=client, now=app.store.clock.now())
    return page(request, "sign_in_email_sent.html", title="Check your e-mail", email=email)
