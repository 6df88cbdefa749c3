"""SharePoint REST through office365-rest-python-client, with our own retries and paging.

* Retries: 429 and 503 (SharePoint's throttling) and 502/504 are retried after their
  `Retry-After` (our loop, not office365's, which once swallowed 400s); anything else fails at
  once as a `TransportError` saying what to fix.
  https://learn.microsoft.com/sharepoint/dev/general-development/how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online
* Paging: list items are read page by page by following the `__next` link SharePoint gives.
  (office365's `get_all` falls back to `$skip` when a page comes back exactly full, which
  SharePoint ignores for list items: it would read the first page again.)
* Columns are addressed by their display titles; their internal names (which SharePoint
  chooses, e.g. `Measure_x0020_ID`) are looked up once per list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import requests
from office365.runtime.client_request_exception import ClientRequestException
from office365.runtime.http.request_options import RequestOptions
from office365.sharepoint.client_context import ClientContext
from office365.sharepoint.fields.creation_information import FieldCreationInformation

from bot.teams.identity import TokenSource
from perfbot.channel import TransportError

T = TypeVar("T")
RETRYABLE = frozenset({429, 502, 503, 504})
PAGE_SIZE = 500
_FIXES = {
    401: "SharePoint refused perfbot's token: it must come from the certificate (M365_CERT_PATH), "
         "and the app registration needs SharePoint's Sites.Selected application permission, "
         "admin-consented, with write access granted on this site",
    403: "SharePoint refused access: grant the app write access to this site (Sites.Selected)",
    404: "not found on SharePoint: check SHAREPOINT_SITE_URL and run 'perfbot sharepoint provision'",
}  # fmt: skip


EDITOR_EMAIL = "Editor email"  # who saved the row's current version (not a column of the list)


def odata_text(text: str) -> str:
    """A string literal for an OData URL: 'It''s'."""
    return "'" + text.replace("'", "''") + "'"


class SharePointClient:
    """One site, app-only, over HTTPS (constructor arguments override what settings give)."""

    def __init__(self, site_url: str, tokens: TokenSource, *, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep, attempts: int = 5,
                 longest_wait: float = 300, page_size: int = PAGE_SIZE) -> None:  # fmt: skip
        self.site_url = site_url.rstrip("/")
        self._tokens = tokens
        self._sleep = sleep
        self._attempts = attempts
        self._longest_wait = longest_wait
        self._page_size = page_size
        self._fields: dict[str, dict[str, str]] = {}
        self._session = session
        self.ctx = self._context()

    def _context(self) -> ClientContext:
        ctx = ClientContext(self.site_url).with_access_token(self._token)
        return ctx if self._session is None else ctx.with_transport(session=self._session)

    def _drop_leftovers(self) -> None:
        """Never re-send a query a failed run left queued (office365 keeps the rest)."""
        if self.ctx.has_pending_request:
            self.ctx = self._context()

    def _token(self) -> dict[str, Any]:
        return self._tokens.response()

    # -- retries -----------------------------------------------------------------------------
    def call(self, action: Callable[[], T], *, what: str) -> T:
        """Run one request, retrying throttling after `Retry-After`."""
        for attempt in range(1, self._attempts + 1):
            try:
                return action()
            except ClientRequestException as error:
                self._drop_leftovers()
                status = error.response.status_code if error.response is not None else 0
                if status not in RETRYABLE or attempt == self._attempts:
                    raise _transport_error(error, status, what) from None
                self._sleep(self._wait(error.response, attempt))
            except requests.RequestException as error:
                self._drop_leftovers()
                if attempt == self._attempts:
                    raise TransportError(f"could not reach SharePoint to {what} ({type(error).__name__}); "
                                         "will retry") from None  # fmt: skip
                self._sleep(min(2**attempt, self._longest_wait))
        raise AssertionError("unreachable")

    def _wait(self, response: requests.Response, attempt: int) -> float:
        after = response.headers.get("Retry-After", "")
        seconds = float(after) if after.replace(".", "", 1).isdigit() else 2.0**attempt
        return min(seconds, self._longest_wait)

    # -- lists and columns -------------------------------------------------------------------
    def list_exists(self, title: str) -> bool:
        try:
            self.call(lambda: self.ctx.web.lists.get_by_title(title).get().execute_query(), what=f"find '{title}'")
        except TransportError as error:
            if "HTTP 404" in str(error):
                return False
            raise
        return True

    def create_list(self, title: str, description: str) -> None:
        self.call(lambda: self.ctx.web.lists.add_list(title, description).execute_query(),
                  what=f"create the list '{title}'")  # fmt: skip

    def columns(self, title: str) -> dict[str, str]:
        """The list's columns: display title → internal name."""
        if title not in self._fields:
            url = f"{self._list_url(title)}/fields?$select=Title,InternalName"
            data = self.call(lambda: self._get(url), what=f"read the columns of '{title}'")
            self._fields[title] = {f["Title"]: f["InternalName"] for f in data["results"]}
        return self._fields[title]

    def add_column(self, title: str, column: FieldCreationInformation) -> None:
        lst = self.ctx.web.lists.get_by_title(title)
        self.call(lambda: lst.fields.add_field(column).execute_query(),
                  what=f"add the column '{column.Title}' to '{title}'")  # fmt: skip
        self._fields.pop(title, None)

    # -- items -------------------------------------------------------------------------------
    def items(self, title: str, *, where: str | None = None,
              order_by: str | None = None) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Every matching row (keys: display titles, plus Id, Modified, Version and "Editor email",
        "" when the app saved it), page by page."""
        names = self.columns(title)
        query: dict[str, str] = {"$top": str(self._page_size), "$select": "*,Editor/EMail", "$expand": "Editor"}
        if where:
            query["$filter"] = where
        if order_by:
            query["$orderby"] = order_by
        encoded = urlencode(query, quote_via=quote, safe="'$")
        url: str | None = f"{self._list_url(title)}/items?{encoded}"
        while url:
            page = self.call(lambda u=url: self._get(u), what=f"read '{title}'")  # type: ignore[misc]
            yield from (_by_title(row, names) for row in page["results"])
            url = page.get("__next")

    def add_item(self, title: str, values: dict[str, Any]) -> int:
        names = self.columns(title)
        lst = self.ctx.web.lists.get_by_title(title)
        item = self.call(lambda: lst.add_item({names[k]: v for k, v in values.items()}).execute_query(),
                         what=f"add a row to '{title}'")  # fmt: skip
        return int(item.properties.get("Id") or item.properties.get("ID"))

    def update_item(self, title: str, item_id: int, values: dict[str, Any]) -> None:
        names = self.columns(title)

        def merge() -> None:
            item = self.ctx.web.lists.get_by_title(title).items.get_by_id(item_id)
            for key, value in values.items():
                item.set_property(names[key], value)
            item.update().execute_query()

        self.call(merge, what=f"update row {item_id} of '{title}'")

    def upload(self, folder: str, name: str, content: bytes) -> str:
        """Upload (or replace) a file in a document library folder; returns its server URL."""
        target = self.ctx.web.get_folder_by_server_relative_url(folder)
        uploaded = self.call(lambda: target.upload_file(name, content).execute_query(),
                             what=f"upload {name} to '{folder}'")  # fmt: skip
        return str(uploaded.properties.get("ServerRelativeUrl", f"{folder}/{name}"))

    def _list_url(self, title: str) -> str:
        literal = quote(odata_text(title), safe="'")
        return f"{self.ctx.service_root_url}/web/lists/GetByTitle({literal})"

    def _get(self, url: str) -> dict[str, Any]:
        response = self.ctx.pending_request().execute_request_direct(RequestOptions(url))
        return response.json()["d"]


def _by_title(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    values = {title: row.get(internal) for title, internal in names.items()}
    values["Id"] = row.get("Id", row.get("ID"))
    values["Version"] = row.get("OData__UIVersionString", "")
    values[EDITOR_EMAIL] = (row.get("Editor") or {}).get("EMail") or ""
    return values


def _detail(error: ClientRequestException) -> str:
    """SharePoint's own words: the OData error message, or the token error's description."""
    try:
        body = error.response.json()
    except (ValueError, AttributeError):
        return str(error).split("\n")[0][:200]
    found = (body.get("error") or {}) if isinstance(body, dict) else {}
    message = found.get("message") if isinstance(found, dict) else None
    if isinstance(message, dict):
        message = message.get("value")
    return str(message or body.get("error_description") or body)[:200]


def _transport_error(error: ClientRequestException, status: int, what: str) -> TransportError:
    message = _detail(error)
    fix = _FIXES.get(status)
    if status in RETRYABLE:
        return TransportError(f"SharePoint is busy (HTTP {status}) and did not let perfbot {what}; will retry")
    detail = f"{fix} ({message})" if fix else message
    return TransportError(f"could not {what} (HTTP {status}): {detail}", permanent=True)
