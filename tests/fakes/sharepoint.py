"""Strict fake of the SharePoint Online REST API (``_api``, OData v3 verbose) for one site.

Speaks exactly what ``office365-rest-python-client`` sends (captured from 3.3): form digest via
``POST _api/contextInfo``, lists by title or GUID, fields (``SP.Field*`` entities, ``AddField``,
``CreateFieldAsXml``), items with ``$filter``/``$top``/``$orderby``/``$select`` and ``__next``
paging, ``X-HTTP-Method: MERGE``/``DELETE`` with ``IF-MATCH``, and uploads through
``getFolderByServerRelativeUrl('…')/Files/add(overwrite=true,url='…')``.

Strictness: bearer token must be one the :class:`~tests.fakes.identity.FakeIdentity` issued for
the SharePoint resource, from a certificate (``appidacr`` "2"; secrets get "Unsupported app only
token."); writes need a live ``X-RequestDigest`` (else 403); ``__metadata.type`` must be the
list's ``ListItemEntityTypeFullName``; unknown properties/fields are 400; ETags are checked.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import jwt

from .identity import FakeIdentity
from .server import FakeServer, Reply, Request
from .tls import LocalCA

VERBOSE = "application/json;odata=verbose;charset=utf-8"
APP_PRINCIPAL_ID = 1073741823  # "SharePoint App" — the author of app-only writes
FIELD_KINDS = {
    "Integer": 1,
    "Text": 2,
    "Note": 3,
    "DateTime": 4,
    "Counter": 5,
    "Choice": 6,
    "Lookup": 7,
    "Boolean": 8,
    "Number": 9,
    "Currency": 10,
    "URL": 11,
    "Computed": 12,
    "Guid": 14,
    "MultiChoice": 15,
    "Calculated": 17,
    "User": 20,
}
KIND_NAMES = {v: k for k, v in FIELD_KINDS.items()}
FIELD_ENTITY_TYPES = {
    "SP.Field": None,
    "SP.FieldText": 2,
    "SP.FieldMultiLineText": 3,
    "SP.FieldDateTime": 4,
    "SP.FieldChoice": 6,
    "SP.FieldLookup": 7,
    "SP.FieldNumber": 9,
    "SP.FieldCurrency": 10,
    "SP.FieldUrl": 11,
    "SP.FieldMultiChoice": 15,
    "SP.FieldCalculated": 17,
    "SP.FieldUser": 20,
}
ENTITY_FOR_KIND = {
    2: "SP.FieldText",
    3: "SP.FieldMultiLineText",
    4: "SP.FieldDateTime",
    6: "SP.FieldChoice",
    9: "SP.FieldNumber",
    10: "SP.FieldCurrency",
    15: "SP.FieldMultiChoice",
    20: "SP.FieldUser",
}
BUILTIN_FIELDS = (
    ("Title", 2),
    ("ID", 5),
    ("Created", 4),
    ("Modified", 4),
    ("Author", 20),
    ("Editor", 20),
    ("ContentTypeId", 12),
    ("Attachments", 19),
    ("GUID", 14),
    ("FileSystemObjectType", 5),
)
READ_ONLY = {
    "ID",
    "Id",
    "GUID",
    "Created",
    "Modified",
    "AuthorId",
    "EditorId",
    "Author",
    "Editor",
    "FileSystemObjectType",
    "ContentTypeId",
    "Attachments",
}


_SKIP_UNSUPPORTED = (
    "$skip is not supported on list items: SharePoint Online ignores it and pages only through "
    "__next/$skiptoken. (office365's get_all(page_size) falls back to $skip when a single page comes "
    "back exactly full; against real SharePoint that repeats the first page forever.)"
)


class SPError(Exception):
    """A SharePoint OData error (``"<hresult>, <.NET type>"`` + message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def reply(self) -> Reply:
        body = {"error": {"code": self.code, "message": {"lang": "en-US", "value": self.message}}}
        return Reply(self.status, body, content_type=VERBOSE)


def _bad_query(message: str) -> SPError:
    return SPError(400, "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", message)


# --- model ----------------------------------------------------------------------------------
@dataclass
class SPField:
    title: str
    internal_name: str
    kind: int
    required: bool = False
    choices: list[str] = field(default_factory=list)
    builtin: bool = False
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def type_name(self) -> str:
        return KIND_NAMES.get(self.kind, "Text")


@dataclass
class SPItem:
    id: int
    values: dict[str, Any]
    created: dt.datetime
    modified: dt.datetime
    version: int = 1
    guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    editor: str = ""  # the e-mail of whoever saved this version; "" for the app (app-only writes)

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@dataclass
class SPFile:
    server_relative_url: str
    content: bytes
    modified: dt.datetime
    version: int = 1
    unique_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class SPList:
    title: str
    url_name: str
    base_template: int
    created: dt.datetime
    description: str = ""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    fields: dict[str, SPField] = field(default_factory=dict)
    items: dict[int, SPItem] = field(default_factory=dict)
    next_id: int = 1

    @property
    def is_library(self) -> bool:
        return self.base_template == 101

    @property
    def entity_type_name(self) -> str:
        name = encode_name(self.url_name)
        return name if self.is_library else f"{name}List"

    @property
    def item_type(self) -> str:
        """``ListItemEntityTypeFullName``, e.g. ``SP.Data.ReturnsListItem``."""
        name = encode_name(self.url_name)
        return f"SP.Data.{name}Item" if self.is_library else f"SP.Data.{name}ListItem"

    def field_named(self, name: str) -> SPField | None:
        return self.fields.get(name.lower())


def encode_name(name: str, limit: int | None = None) -> str:
    """SharePoint's internal-name encoding: spaces and symbols become ``_xHHHH_``."""
    out = "".join(
        c if c.isascii() and (c.isalnum() or c == "_") else f"_x{ord(c):04x}_" for c in name
    )
    return out[:limit] if limit else out


def sp_date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# --- URL segments ---------------------------------------------------------------------------
Segment = tuple[str, str | None]


def split_segments(path: str) -> list[Segment]:
    """``Web/lists/GetByTitle('A/B')/items(3)`` → ``[("web", None), …, ("items", "3")]``."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in path:
        if char == "'" and depth:
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == "/" and not depth and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [_segment(p) for p in parts if p]


def _segment(text: str) -> Segment:
    match = re.fullmatch(r"([^(]+)(?:\((.*)\))?", text, re.S)
    assert match is not None
    return match[1].lower(), match[2]


def literal(arg: str | None) -> str:
    """``'It''s'`` → ``It's``; ``guid'…'`` → the GUID; bare values unchanged."""
    if arg is None:
        raise _bad_query("Missing parameter.")
    arg = arg.strip()
    if arg.lower().startswith("guid'"):
        arg = arg[4:]
    if len(arg) >= 2 and arg[0] == arg[-1] == "'":
        return arg[1:-1].replace("''", "'")
    return arg


def named_args(arg: str | None) -> dict[str, str]:
    """``overwrite=true,url='a,b.csv'`` → ``{"overwrite": "true", "url": "a,b.csv"}``."""
    pairs = re.findall(r"(\w+)\s*=\s*('(?:[^']|'')*'|[^,]*)", arg or "")
    return {k.lower(): literal(v) for k, v in pairs}


# --- $filter --------------------------------------------------------------------------------
_CLAUSE = re.compile(r"^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$", re.I)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


def parse_filter(expression: str) -> list[tuple[str, str, Any]]:
    """``Modified gt datetime'…' and Title eq 'x'`` → clauses (only ``and`` is supported)."""
    clauses = []
    for text in re.split(r"\s+and\s+", expression.strip(), flags=re.I):
        match = _CLAUSE.match(text)
        if not match:
            raise _bad_query(f'The expression "{expression}" is not valid.')
        clauses.append((match[1], match[2].lower(), _filter_value(match[3])))
    return clauses


def _filter_value(text: str) -> Any:
    if text.lower().startswith("datetime'") and text.endswith("'"):
        return parse_date(text[9:-1])
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.lower() == "null":
        return None
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        raise _bad_query(f'The expression "{text}" is not valid.') from None


def _comparable(value: Any, other: Any) -> Any:
    if isinstance(other, dt.datetime) and isinstance(value, str):
        return parse_date(value)
    return value


# --- the fake -------------------------------------------------------------------------------
class FakeSharePoint(FakeServer):
    """One SharePoint site at ``http://127.0.0.1:PORT/sites/<name>`` (HTTPS when ``ca`` is given)."""

    def __init__(
        self,
        *,
        identity: FakeIdentity,
        site_path: str = "/sites/perf",
        resource: str = "https://contoso.sharepoint.com",
        require_certificate: bool = True,
        page_size: int = 100,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        ca: LocalCA | None = None,
    ) -> None:
        super().__init__(ca=ca)
        self.identity = identity
        self.site_path = "/" + site_path.strip("/")
        self.resource = resource
        self.require_certificate = require_certificate
        self.page_size = page_size
        self.clock = clock
        self.lists: dict[str, SPList] = {}
        self.files: dict[str, SPFile] = {}
        self.folders: set[str] = set()
        self._digests: dict[str, dt.datetime] = {}
        self._user_ids: dict[str, int] = {}  # the site's user information list, by e-mail
        self.add_list("Documents", template=101, url_name="Shared Documents")

    # helpers for tests -------------------------------------------------------------------
    def _now(self) -> dt.datetime:
        """The clock at SharePoint's precision (whole seconds, UTC)."""
        return self.clock().astimezone(dt.UTC).replace(microsecond=0)

    @property
    def site_url(self) -> str:
        return f"{self.url}{self.site_path}"

    def add_list(
        self, title: str, *, template: int = 100, url_name: str | None = None, description: str = ""
    ) -> SPList:
        """Create a list (or a document library with ``template=101``) directly."""
        with self._lock:
            if self._find_list(title) is not None:
                raise SPError(
                    500,
                    "-2130575342, Microsoft.SharePoint.SPException",
                    "A list, survey, discussion board, or document library with the specified "
                    "title already exists in this Web site.  Please choose another title.",
                )
            lst = SPList(title, url_name or title, template, self._now(), description)
            for name, kind in BUILTIN_FIELDS:
                lst.fields[name.lower()] = SPField(
                    name, name, kind, required=name == "Title", builtin=True
                )
            self.lists[lst.id] = lst
            self.folders.add(self._root_folder(lst).lower())
            return lst

    def get_list(self, title: str) -> SPList:
        """The list with this title (KeyError when missing)."""
        lst = self._find_list(title)
        if lst is None:
            raise KeyError(title)
        return lst

    def expire_digests(self) -> None:
        """Invalidate every form digest (as after ``FormDigestTimeoutSeconds``)."""
        with self._lock:
            self._digests.clear()

    def file_content(self, server_relative_url: str) -> bytes:
        return self.files[server_relative_url.lower()].content

    # routing -----------------------------------------------------------------------------
    def kind_of(self, request: Request) -> str:
        segs = self._segments(request)
        if segs is None:
            return request.path
        names = [n for n, _ in segs]
        method = self._method(request)
        verb = {
            "GET": "get",
            "POST": "add",
            "MERGE": "update",
            "PATCH": "update",
            "PUT": "update",
            "DELETE": "delete",
        }.get(method, method.lower())
        if names[:1] == ["contextinfo"]:
            return "contextinfo"
        if "files" in names:
            return "files.add"
        if "items" in names:
            single = segs[names.index("items")][1] is not None or "getbyid" in names
            return f"item.{verb}" if single else f"items.{verb}"
        if "fields" in names:
            return "fields.get" if method == "GET" else "fields.add"
        if names[:2] == ["web", "lists"]:
            return f"lists.{verb}" if len(names) == 2 and segs[1][1] is None else f"list.{verb}"
        return "/".join(names)

    def fault_reply(self, fault: Any) -> Reply:
        reply = super().fault_reply(fault)
        if fault.body is None:
            reply.body = b""
        return reply

    def handle(self, request: Request) -> Reply:
        try:
            segs = self._segments(request)
            if segs is None:
                raise SPError(404, "-1, System.IO.FileNotFoundException", "File Not Found.")
            self._authorize(request)
            self._check_format(request, segs)
            with self._lock:
                return self._route(request, segs)
        except SPError as error:
            return error.reply()
        except _Unauthorized as denied:
            return denied.reply()

    def _segments(self, request: Request) -> list[Segment] | None:
        prefix = f"{self.site_path}/_api/".lower()
        if not request.path.lower().startswith(prefix):
            return None
        return split_segments(request.path[len(prefix) :])

    @staticmethod
    def _method(request: Request) -> str:
        override = request.headers.get("x-http-method")
        return override.upper() if request.method == "POST" and override else request.method

    # auth & format -----------------------------------------------------------------------
    def _authorize(self, request: Request) -> None:
        token = request.bearer()
        if not token:
            raise _Unauthorized(self, "Invalid JWT token. No token present.")
        try:
            claims = self.identity.verify_access_token(token, audience=self.resource)
        except jwt.ExpiredSignatureError:
            raise _Unauthorized(self, "Invalid JWT token. The token is expired.") from None
        except jwt.InvalidTokenError:
            raise _Unauthorized(self, "Invalid issuer or signature.") from None
        if self.require_certificate and claims.get("appidacr") != "2":
            raise _Unauthorized(self, "Unsupported app only token.")

    def _check_format(self, request: Request, segs: list[Segment]) -> None:
        if "odata=verbose" not in (request.headers.get("accept") or "").lower():
            raise SPError(
                406,
                "-1, Microsoft.SharePoint.Client.ClientServiceException",
                "This fake only answers Accept: application/json;odata=verbose.",
            )
        if request.method in ("GET", "HEAD") or segs[:1] == [("contextinfo", None)]:
            return
        digest = request.headers.get("x-requestdigest")
        if not digest or digest not in self._digests or self._digests[digest] < self._now():
            raise SPError(
                403,
                "-2130575251, Microsoft.SharePoint.SPException",
                "The security validation for this page is invalid and might be corrupted. "
                "Please use your web browser's Back button to try your operation again.",
            )
        is_json = request.body[:1] == b"{" and "files" not in [n for n, _ in segs]
        if is_json and "odata=verbose" not in (request.headers.get("content-type") or "").lower():
            raise _bad_query(
                "The property '__metadata' does not exist on type 'SP.Data'. "
                "Send Content-Type: application/json;odata=verbose."
            )

    def _route(self, request: Request, segs: list[Segment]) -> Reply:
        method = self._method(request)
        match segs:
            case [("contextinfo", None)]:
                return self._contextinfo(method)
            case [("web", None)]:
                return _ok(self._web_json())
            case [("web", None), ("lists", None)]:
                return self._lists(request, method)
            case [("web", None), ("lists", None), ("getbytitle", arg), *rest]:
                return self._list_ops(request, method, self._list_by_title(literal(arg)), rest)
            case [("web", None), ("lists", str(arg)), *rest]:
                return self._list_ops(request, method, self._list_by_id(literal(arg)), rest)
            case [
                ("web", None),
                ("getfolderbyserverrelativeurl", arg),
                ("files", None),
                ("add", args),
            ]:
                return self._upload(request, self._folder(literal(arg)), named_args(args))
            case [("web", None), ("getfilebyserverrelativeurl", arg), *rest]:
                return self._file(literal(arg), rest)
        raise SPError(
            404,
            "-1, Microsoft.SharePoint.Client.InvalidClientQueryException",
            f"Cannot find resource for the request {segs[-1][0]}.",
        )

    def _list_ops(self, request: Request, method: str, lst: SPList, rest: list[Segment]) -> Reply:
        match rest:
            case []:
                return self._list_entity(request, method, lst)
            case [("items", None)]:
                return self._items(request, method, lst)
            case [("items", str(n)), *tail] | [("items", None), ("getbyid", str(n)), *tail]:
                return self._item_ops(request, method, lst, self._item(lst, n), tail)
            case [("fields", None), *tail]:
                return self._field_ops(request, method, lst, tail)
            case [("rootfolder", None)]:
                return _ok(self._folder_json(self._root_folder(lst)))
        raise SPError(
            404,
            "-1, Microsoft.SharePoint.Client.InvalidClientQueryException",
            f"Cannot find resource for the request {rest[0][0]}.",
        )

    # context info ------------------------------------------------------------------------
    def _contextinfo(self, method: str) -> Reply:
        if method != "POST":
            raise SPError(
                405,
                "-1, Microsoft.SharePoint.Client.ClientServiceException",
                "The HTTP method 'GET' cannot be used to access the resource 'GetContextWebInformation'.",
            )
        now = self._now()
        digest = f"0x{secrets.token_hex(64).upper()},{now.strftime('%d %b %Y %H:%M:%S -0000')}"
        self._digests[digest] = now + dt.timedelta(seconds=1800)
        info = {
            "__metadata": {"type": "SP.ContextWebInformation"},
            "FormDigestTimeoutSeconds": 1800,
            "FormDigestValue": digest,
            "LibraryVersion": "16.0.25409.12004",
            "SiteFullUrl": self.site_url,
            "WebFullUrl": self.site_url,
            "SupportedSchemaVersions": {
                "__metadata": {"type": "Collection(Edm.String)"},
                "results": ["14.0.0.0", "15.0.0.0"],
            },
        }
        return _ok({"GetContextWebInformation": info})

    # lists -------------------------------------------------------------------------------
    def _lists(self, request: Request, method: str) -> Reply:
        if method == "GET":
            return _ok({"results": [self._list_json(lst) for lst in self.lists.values()]})
        body = _entity_body(request, "SP.List")
        title = body.get("Title")
        if not title:
            raise SPError(
                400,
                "-2147024809, System.ArgumentException",
                "Value cannot be null. Parameter name: Title",
            )
        lst = self.add_list(
            title,
            template=int(body.get("BaseTemplate", 100)),
            description=body.get("Description") or "",
        )
        return _ok(self._list_json(lst), status=201)

    def _list_entity(self, request: Request, method: str, lst: SPList) -> Reply:
        if method == "GET":
            return _ok(_select(self._list_json(lst), request.param("$select")))
        if method == "DELETE":
            del self.lists[lst.id]
            return Reply(200)
        raise _bad_query(f"The HTTP method '{method}' is not supported by this fake for lists.")

    def _find_list(self, title: str) -> SPList | None:
        return next(
            (lst for lst in self.lists.values() if lst.title.lower() == title.lower()), None
        )

    def _list_by_title(self, title: str) -> SPList:
        lst = self._find_list(title)
        if lst is None:
            raise SPError(
                404,
                "-1, System.ArgumentException",
                f"List '{title}' does not exist at site with URL '{self.site_url}'.",
            )
        return lst

    def _list_by_id(self, list_id: str) -> SPList:
        lst = self.lists.get(list_id.lower()) or self.lists.get(list_id)
        if lst is None:
            raise SPError(
                404,
                "-1, System.ArgumentException",
                "List does not exist.\n\nThe page you selected "
                "contains a list that does not exist.  It may have been deleted by another user.",
            )
        return lst

    def _root_folder(self, lst: SPList) -> str:
        middle = "" if lst.is_library else "Lists/"
        return f"{self.site_path}/{middle}{lst.url_name}"

    # fields ------------------------------------------------------------------------------
    def _field_ops(self, request: Request, method: str, lst: SPList, rest: list[Segment]) -> Reply:
        match rest:
            case [] if method == "GET":
                return _ok({"results": [self._field_json(lst, f) for f in lst.fields.values()]})
            case []:
                return self._created_field(
                    lst, self._field_from_entity(_entity_body(request, None))
                )
            case [("addfield", None)]:
                params = _parameters(request, "SP.FieldCreationInformation")
                return self._created_field(lst, self._field_from_entity(params))
            case [("createfieldasxml", None)]:
                params = _parameters(request, "SP.XmlSchemaFieldCreationInformation")
                return self._created_field(lst, _field_from_xml(params.get("SchemaXml", "")))
            case [(("getbytitle" | "getbyinternalnameortitle") as op, arg)]:
                return _ok(
                    self._field_json(
                        lst, self._field(lst, literal(arg), by_title=op == "getbytitle")
                    )
                )
        raise _bad_query(f"Cannot find resource for the request {rest[0][0]}.")

    def _field(self, lst: SPList, name: str, *, by_title: bool) -> SPField:
        for f in lst.fields.values():
            if f.title.lower() == name.lower() or (
                not by_title and f.internal_name.lower() == name.lower()
            ):
                return f
        raise SPError(
            404,
            "-2147024809, System.ArgumentException",
            f"Column '{name}' does not exist. It may have been deleted by another user.",
        )

    def _field_from_entity(self, body: dict[str, Any]) -> SPField:
        entity = body.get("__metadata", {}).get("type", "SP.FieldCreationInformation")
        kind = body.get("FieldTypeKind") or FIELD_ENTITY_TYPES.get(entity)
        if kind not in KIND_NAMES:
            raise SPError(
                400, "-2147024809, System.ArgumentException", f"Invalid field type: {kind}."
            )
        title = body.get("Title")
        if not title:
            raise SPError(
                400,
                "-2147024809, System.ArgumentException",
                "Value cannot be null. Parameter name: Title",
            )
        choices = body.get("Choices") or {}
        values = choices.get("results", []) if isinstance(choices, dict) else list(choices)
        return SPField(title, encode_name(title, 32), int(kind), bool(body.get("Required")), values)

    def _created_field(self, lst: SPList, new: SPField) -> Reply:
        clash = [
            f
            for f in lst.fields.values()
            if new.title.lower() in (f.title.lower(), f.internal_name.lower())
        ]
        if clash:
            raise SPError(
                500,
                "-2130575342, Microsoft.SharePoint.SPException",
                f'A duplicate field name "{new.internal_name}" was found.',
            )
        lst.fields[new.internal_name.lower()] = new
        return _ok(self._field_json(lst, new), status=201)

    # items -------------------------------------------------------------------------------
    def _items(self, request: Request, method: str, lst: SPList) -> Reply:
        if method == "POST":
            return self._add_item(request, lst)
        if method != "GET":
            raise _bad_query(f"The HTTP method '{method}' cannot be used on the items collection.")
        if request.param("$skip") is not None:
            raise _bad_query(_SKIP_UNSUPPORTED)
        rows = self._query(lst, request)
        top = int(request.param("$top") or self.page_size)
        page = rows[:top]
        select, expand = request.param("$select"), _expanded(request.param("$select"), request.param("$expand"))
        result: dict[str, Any] = {
            "results": [_select(self._item_json(lst, i) | self._lookups(i, expand), select) for i in page]
        }
        if len(rows) > top:
            result["__next"] = self._next_link(lst, request, page[-1])
        return _ok(result)

    def _query(self, lst: SPList, request: Request) -> list[SPItem]:
        rows = sorted(lst.items.values(), key=lambda i: i.id)
        if request.param("$filter"):
            clauses = parse_filter(request.param("$filter") or "")
            rows = [i for i in rows if all(self._test(lst, i, c) for c in clauses)]
        order = request.param("$orderby")
        if order:
            name, _, direction = order.strip().partition(" ")
            self._require_field(lst, name)
            rows.sort(
                key=lambda i: (_sortable(self._value(i, name)), i.id),
                reverse=direction.lower() == "desc",
            )
        return _after_skiptoken(rows, request.param("$skiptoken"))

    def _test(self, lst: SPList, item: SPItem, clause: tuple[str, str, Any]) -> bool:
        name, op, expected = clause
        self._require_field(lst, name)
        actual = _comparable(self._value(item, name), expected)
        if actual is None or expected is None:
            return _OPS[op](actual, expected) if op in ("eq", "ne") else False
        return _OPS[op](actual, expected)

    def _require_field(self, lst: SPList, name: str) -> None:
        if name not in ("Id", "ID") and lst.field_named(name) is None:
            raise SPError(
                400,
                "-1, Microsoft.SharePoint.SPException",
                f'Field or property "{name}" does not exist.',
            )

    @staticmethod
    def _value(item: SPItem, name: str) -> Any:
        builtin = {"id": item.id, "created": item.created, "modified": item.modified}
        return builtin.get(name.lower(), item.values.get(name))

    def _next_link(self, lst: SPList, request: Request, last: SPItem) -> str:
        token = f"Paged=TRUE&p_ID={last.id}"
        query = [("%24skiptoken", quote(token, safe=""))]
        query += [
            (quote(k), quote(v[-1], safe="'"))
            for k, v in request.query.items()
            if k != "$skiptoken"
        ]
        base = f"{self.site_url}/_api/Web/Lists(guid'{lst.id}')/items"
        return base + "?" + "&".join(f"{k}={v}" for k, v in query)

    def _add_item(self, request: Request, lst: SPList) -> Reply:
        body = _entity_body(request, lst.item_type)
        values = self._item_values(lst, body)
        now = self._now()
        item = SPItem(lst.next_id, values, now, now)
        lst.items[item.id] = item
        lst.next_id += 1
        return _ok(self._item_json(lst, item), status=201)

    def _item(self, lst: SPList, arg: str) -> SPItem:
        try:
            return lst.items[int(literal(arg))]
        except (KeyError, ValueError):
            raise SPError(
                404,
                "-2147024809, System.ArgumentException",
                "Item does not exist. It may have been deleted by another user.",
            ) from None

    def _item_ops(
        self, request: Request, method: str, lst: SPList, item: SPItem, rest: list[Segment]
    ) -> Reply:
        if rest == [("parentlist", None)]:
            return _ok(_select(self._list_json(lst), request.param("$select")))
        if rest:
            raise _bad_query(f"Cannot find resource for the request {rest[0][0]}.")
        if method == "GET":
            return _ok(_select(self._item_json(lst, item), request.param("$select")))
        self._check_etag(request, item)
        if method == "DELETE":
            del lst.items[item.id]
            return Reply(200)
        if method in ("MERGE", "PATCH"):
            item.values.update(self._item_values(lst, _entity_body(request, lst.item_type)))
            item.editor = ""  # app-only: the app is the editor
            item.version += 1
            item.modified = max(self._now(), item.modified + dt.timedelta(seconds=1))
            return Reply(204, headers={"ETag": item.etag})
        raise _bad_query(f"The HTTP method '{method}' is not supported for list items.")

    @staticmethod
    def _check_etag(request: Request, item: SPItem) -> None:
        wanted = request.headers.get("if-match")
        if wanted is None:
            raise _bad_query("The If-Match header is required for MERGE/DELETE of a list item.")
        if wanted != "*" and wanted.removeprefix("W/") != item.etag:
            raise SPError(
                412,
                "-1, Microsoft.SharePoint.Client.ClientServiceException",
                f"The request ETag value '{wanted}' does not match the object's ETag value '{item.etag}'.",
            )

    def _item_values(self, lst: SPList, body: dict[str, Any]) -> dict[str, Any]:
        values = {}
        for name, value in body.items():
            if name == "__metadata":
                continue
            spec = lst.field_named(name)
            if spec is None or spec.internal_name != name or name in READ_ONLY:
                raise _bad_query(
                    f"The property '{name}' does not exist on type '{lst.item_type}'. "
                    "Make sure to only use property names that are defined by the type."
                )
            values[name] = _coerce(spec, value)
        return values

    # files -------------------------------------------------------------------------------
    def _folder(self, url: str) -> str:
        path = url if url.startswith("/") else f"{self.site_path}/{url}"
        path = path.rstrip("/")
        if path.lower() not in self.folders:
            raise SPError(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
        return path

    def add_folder(self, server_relative_url: str) -> None:
        """Create a folder (the parent must exist)."""
        parent = server_relative_url.rstrip("/").rsplit("/", 1)[0]
        self._folder(parent)
        self.folders.add(server_relative_url.rstrip("/").lower())

    def _upload(self, request: Request, folder: str, args: dict[str, str]) -> Reply:
        name = args.get("url", "")
        if not name or "/" in name:
            raise SPError(
                400,
                "-2147024809, System.ArgumentException",
                "Value does not fall within the expected range.",
            )
        key = f"{folder}/{name}"
        existing = self.files.get(key.lower())
        if existing and args.get("overwrite", "false").lower() != "true":
            raise SPError(
                400,
                "-2130575257, Microsoft.SharePoint.SPException",
                f"The file {key} already exists.",
            )
        stored = SPFile(key, request.body, self._now(), existing.version + 1 if existing else 1)
        self.files[key.lower()] = stored
        return _ok(self._file_json(stored))

    def _file(self, url: str, rest: list[Segment]) -> Reply:
        stored = self.files.get(url.lower())
        if stored is None:
            raise SPError(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
        if rest == [("$value", None)]:
            return Reply(200, stored.content, content_type="application/octet-stream")
        return _ok(self._file_json(stored))

    # JSON shapes -------------------------------------------------------------------------
    def _meta(self, uri: str, type_name: str, etag: str | None = None) -> dict[str, Any]:
        meta = {"id": uri, "uri": uri, "type": type_name}
        return meta | ({"etag": etag} if etag else {})

    def _web_json(self) -> dict[str, Any]:
        uri = f"{self.site_url}/_api/Web"
        return {
            "__metadata": self._meta(uri, "SP.Web"),
            "Title": self.site_path.rsplit("/", 1)[-1],
            "Url": self.site_url,
            "ServerRelativeUrl": self.site_path,
            "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, self.site_path)),
        }

    def _list_json(self, lst: SPList) -> dict[str, Any]:
        uri = f"{self.site_url}/_api/Web/Lists(guid'{lst.id}')"
        return {
            "__metadata": self._meta(uri, "SP.List", '"1"'),
            "Fields": {"__deferred": {"uri": f"{uri}/Fields"}},
            "Items": {"__deferred": {"uri": f"{uri}/Items"}},
            "RootFolder": {"__deferred": {"uri": f"{uri}/RootFolder"}},
            "Id": lst.id,
            "Title": lst.title,
            "Description": lst.description,
            "BaseTemplate": lst.base_template,
            "BaseType": 1 if lst.is_library else 0,
            "EntityTypeName": lst.entity_type_name,
            "ListItemEntityTypeFullName": lst.item_type,
            "ItemCount": len(lst.items),
            "Created": sp_date(lst.created),
            "Hidden": False,
            "LastItemModifiedDate": sp_date(
                max([i.modified for i in lst.items.values()], default=lst.created)
            ),
            "ParentWebUrl": self.site_path,
            "AllowContentTypes": True,
            "ContentTypesEnabled": False,
        }

    def _field_json(self, lst: SPList, f: SPField) -> dict[str, Any]:
        uri = f"{self.site_url}/_api/Web/Lists(guid'{lst.id}')/Fields(guid'{f.id}')"
        data: dict[str, Any] = {
            "__metadata": self._meta(uri, ENTITY_FOR_KIND.get(f.kind, "SP.Field")),
            "Id": f.id,
            "Title": f.title,
            "InternalName": f.internal_name,
            "StaticName": f.internal_name,
            "EntityPropertyName": f.internal_name,
            "FieldTypeKind": f.kind,
            "TypeAsString": f.type_name,
            "Required": f.required,
            "ReadOnlyField": f.internal_name in READ_ONLY,
            "Hidden": False,
            "Description": "",
            "CanBeDeleted": not f.builtin,
        }
        if f.kind in (6, 15):
            data["Choices"] = {
                "__metadata": {"type": "Collection(Edm.String)"},
                "results": f.choices,
            }
        return data

    def _item_json(self, lst: SPList, item: SPItem) -> dict[str, Any]:
        uri = f"{self.site_url}/_api/Web/Lists(guid'{lst.id}')/Items({item.id})"
        custom = {
            f.internal_name: item.values.get(f.internal_name)
            for f in lst.fields.values()
            if not f.builtin
        }
        return {
            "__metadata": self._meta(uri, lst.item_type, item.etag),
            "FileSystemObjectType": 0,
            "Id": item.id,
            "ID": item.id,
            "ServerRedirectedEmbedUri": None,
            "ContentTypeId": "0x0100" + item.guid.replace("-", "").upper()[:32],
            "Title": item.values.get("Title"),
            "Modified": sp_date(item.modified),
            "Created": sp_date(item.created),
            "AuthorId": APP_PRINCIPAL_ID,
            "EditorId": self._user_id(item.editor),
            "OData__UIVersionString": f"{item.version}.0",
            "Attachments": False,
            "GUID": item.guid,
        } | custom

    def _user_id(self, email: str) -> int:
        """A person's id in the site's user information list (the app's principal for "")."""
        if not email:
            return APP_PRINCIPAL_ID
        return self._user_ids.setdefault(email.lower(), 10 + len(self._user_ids))

    def _lookups(self, item: SPItem, expand: dict[str, set[str]]) -> dict[str, Any]:
        """The expanded user lookups (``$expand=Editor``), with only the fields selected."""
        found: dict[str, Any] = {}
        for name, fields in expand.items():
            email = item.editor if name == "Editor" else ""
            user = {"Id": self._user_id(email), "Title": email or "SharePoint App", "EMail": email}
            wanted = {f.lower() for f in fields} or {k.lower() for k in user}
            meta = {"id": f"{self.site_url}/_api/Web/GetUserById({user['Id']})", "type": "SP.Data.UserInfoItem"}
            found[name] = {"__metadata": meta} | {k: v for k, v in user.items() if k.lower() in wanted}
        return found

    def _folder_json(self, path: str) -> dict[str, Any]:
        uri = f"{self.site_url}/_api/Web/GetFolderByServerRelativePath(decodedurl='{path}')"
        return {
            "__metadata": self._meta(uri, "SP.Folder"),
            "Name": path.rsplit("/", 1)[-1],
            "ServerRelativeUrl": path,
            "Exists": True,
        }

    def _file_json(self, stored: SPFile) -> dict[str, Any]:
        uri = f"{self.site_url}/_api/Web/GetFileByServerRelativePath(decodedurl='{stored.server_relative_url}')"
        return {
            "__metadata": self._meta(uri, "SP.File"),
            "Name": stored.server_relative_url.rsplit("/", 1)[-1],
            "ServerRelativeUrl": stored.server_relative_url,
            "Length": str(len(stored.content)),
            "TimeCreated": sp_date(stored.modified),
            "TimeLastModified": sp_date(stored.modified),
            "UniqueId": stored.unique_id,
            "ETag": f'"{{{stored.unique_id.upper()}}},{stored.version}"',
            "UIVersionLabel": f"{stored.version}.0",
            "CheckOutType": 2,
            "Exists": True,
            "Level": 1,
        }


class _Unauthorized(Exception):
    def __init__(self, fake: FakeSharePoint, description: str) -> None:
        super().__init__(description)
        self.fake, self.description = fake, description

    def reply(self) -> Reply:
        tenant = self.fake.identity.tenant_id
        challenge = (
            f'Bearer realm="{tenant}",client_id="00000003-0000-0ff1-ce00-000000000000",'
            'trusted_issuers="00000001-0000-0000-c000-000000000000@*",'
            'authorization_uri="https://login.windows.net/common/oauth2/authorize"'
        )
        return Reply(401, {"error_description": self.description}, {"WWW-Authenticate": challenge})


def _ok(data: dict[str, Any], *, status: int = 200) -> Reply:
    return Reply(status, {"d": data}, content_type=VERBOSE)


def _entity_body(request: Request, expected_type: str | None) -> dict[str, Any]:
    """The JSON entity; ``expected_type`` (when given) must match ``__metadata.type``."""
    try:
        body = request.json() or {}
    except ValueError:
        raise _bad_query("Invalid JSON. A token was not recognized in the JSON content.") from None
    declared = (body.get("__metadata") or {}).get("type")
    allowed = {expected_type} if expected_type else set(FIELD_ENTITY_TYPES)
    if declared not in allowed:
        raise _bad_query(
            f"A type named '{declared}' could not be resolved by the model. When a model is "
            "available, each type name must resolve to a valid type."
        )
    return body


def _parameters(request: Request, expected_type: str) -> dict[str, Any]:
    body = request.json() or {}
    params = body.get("parameters") or {}
    declared = (params.get("__metadata") or {}).get("type")
    if declared != expected_type:
        raise _bad_query(f"A type named '{declared}' could not be resolved by the model.")
    return params


def _field_from_xml(schema: str) -> SPField:
    try:
        node = ET.fromstring(schema)
    except ET.ParseError:
        raise SPError(
            400, "-2130575340, Microsoft.SharePoint.SPException", "Field schema XML is invalid."
        ) from None
    kind = FIELD_KINDS.get(node.get("Type", ""))
    title = node.get("DisplayName") or node.get("Name")
    if kind is None or not title:
        raise SPError(
            400,
            "-2130575340, Microsoft.SharePoint.SPException",
            "Field type or name is missing or invalid.",
        )
    choices = [c.text or "" for c in node.iter("CHOICE")]
    internal = node.get("Name") or encode_name(title, 32)
    return SPField(title, internal, kind, node.get("Required", "FALSE").upper() == "TRUE", choices)


def _coerce(spec: SPField, value: Any) -> Any:
    if value is None:
        return None
    if spec.kind in (9, 10, 1):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _invalid_number()
        try:
            return float(value) if isinstance(value, str) else value
        except ValueError:
            raise _invalid_number() from None
    if spec.kind == 4:
        try:
            return sp_date(parse_date(str(value)))
        except ValueError:
            raise SPError(
                400,
                "-2146232832, Microsoft.SharePoint.SPFieldValidationException",
                "Invalid date/time value. A date/time field contains invalid data.",
            ) from None
    if spec.kind == 8:
        return bool(value)
    if spec.kind == 15 and isinstance(value, dict):
        return value
    return value if isinstance(value, str) else str(value)


def _invalid_number() -> SPError:
    return SPError(
        400,
        "-2146232832, Microsoft.SharePoint.SPFieldValidationException",
        "Invalid number value. A number field contains invalid data. Please check the value and try again.",
    )


def _select(data: dict[str, Any], select: str | None) -> dict[str, Any]:
    if not select:
        return data
    wanted = {s.strip().split("/")[0].lower() for s in select.split(",")} | {"__metadata"}
    if "*" in wanted:  # every field, and any lookup selected through its expansion
        return data
    return {k: v for k, v in data.items() if k.lower() in wanted}


USER_LOOKUPS = ("Author", "Editor")


def _expanded(select: str | None, expand: str | None) -> dict[str, set[str]]:
    """The user lookups to expand and the fields of each selected (``Editor/EMail``), refused as
    SharePoint refuses them: a lookup field selected without its ``$expand``, or an unknown one."""
    names = {n.strip().lower(): n.strip() for n in (expand or "").split(",") if n.strip()}
    known = {n.lower(): n for n in USER_LOOKUPS}
    for name in names:
        if name not in known:
            raise _bad_query(f"Field or property \"{names[name]}\" does not exist.")
    fields: dict[str, set[str]] = {known[n]: set() for n in names}
    for part in (p.strip() for p in (select or "").split(",")):
        lookup, slash, field_name = part.partition("/")
        if not slash:
            continue
        if lookup.lower() not in names:
            raise _bad_query(f"The query to field '{part}' is not valid. The $select query string must "
                             f"specify the target fields and the $expand query string must contains {lookup}.")
        fields[known[lookup.lower()]].add(field_name)
    return fields


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def _after_skiptoken(rows: list[SPItem], token: str | None) -> list[SPItem]:
    """Rows after the ``p_ID`` named by a ``Paged=TRUE&p_ID=N`` skip token."""
    if not token:
        return rows
    match = re.search(r"p_ID=(\d+)", token)
    if not match:
        raise _bad_query("The skip token is not valid.")
    last = int(match[1])
    ids = [r.id for r in rows]
    return rows[ids.index(last) + 1 :] if last in ids else [r for r in rows if r.id > last]
