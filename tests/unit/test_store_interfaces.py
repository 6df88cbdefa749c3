"""The store's port: the TinyDB backend implements every Protocol with the same signatures, no
module outside the backend knows the engine, and TinyDB is a version the backend was checked on."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from perfbot.clock import SystemClock
from perfbot.store import Store, interfaces
from perfbot.store.tinydb_version import SUPPORTED, UnsupportedTinyDBError, check

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("perfbot", "bot", "collectors", "schedules", "reports")
NEUTRAL = {"perfbot.store.interfaces", "perfbot.store.records"}  # the port: no engine in them
# Wiring that runs the backend's own operations (`perfbot store check|restore|backup`, the log
# file's permissions, warming its cache before serving).
WIRING = {"perfbot.cli", "perfbot.cli.commands", "perfbot.cli.store_commands", "perfbot.server", "perfbot.warmup"}


def _members(protocol: type) -> list[str]:
    return [name for name in protocol.__dict__ if not name.startswith("_") and callable(protocol.__dict__[name])]


def _shape(function: typing.Callable) -> list[tuple[str, object, str, bool]]:
    return [(p.name, p.kind, str(p.annotation), p.default is not p.empty)
            for p in inspect.signature(function).parameters.values()]  # fmt: skip


def _pg_store():  # not connected: only its shape is looked at
    from psycopg_pool import ConnectionPool

    from perfbot.store.pg import PgStore
    from perfbot.store.pg.db import Database

    return PgStore(Database(ConnectionPool("postgresql://nobody@127.0.0.1:1/none", open=False)), SystemClock())


@pytest.mark.parametrize("backend", ["tinydb", "postgres"])
def test_every_repository_of_each_store_has_its_protocols_methods(backend: str) -> None:
    store = Store.in_memory() if backend == "tinydb" else _pg_store()
    for name, protocol in typing.get_type_hints(interfaces.Store).items():
        if name == "clock":
            continue
        found = getattr(store, name)
        for method in _members(protocol):
            assert hasattr(found, method), f"store.{name} has no {method}"
            assert _shape(getattr(type(found), method)) == _shape(protocol.__dict__[method]), f"store.{name}.{method}"
    for method in _members(interfaces.Store):
        assert _shape(getattr(type(store), method)) == _shape(interfaces.Store.__dict__[method]), method
    state = store.platform_state("x")
    for method in _members(interfaces.PlatformState):
        assert _shape(getattr(type(state), method)) == _shape(interfaces.PlatformState.__dict__[method]), method


def _modules() -> typing.Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, ast.parse(path.read_text(), str(path))


def _imports(tree: ast.Module) -> typing.Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


BACKEND = {f"perfbot.store.{p.stem}" for p in (ROOT / "perfbot" / "store").glob("*.py")} - NEUTRAL - {"perfbot.store.__init__"}


def _backend(name: str) -> bool:
    """A module of the TinyDB backend, or a name in one (`perfbot.store` itself is the entry)."""
    return any(name == module or name.startswith(f"{module}.") for module in BACKEND)


def test_no_module_outside_the_tinydb_backend_knows_the_engine_or_its_files() -> None:
    faults = []
    for name, tree in _modules():
        if _backend(name) or name == "perfbot.store":
            continue
        for target in _imports(tree):
            if target == "tinydb" or target.startswith("tinydb."):
                faults.append(f"{name} imports {target}")
            elif target.split(".")[0] in ("psycopg", "psycopg_pool") and not name.startswith("perfbot.store.pg"):
                faults.append(f"{name} imports {target} (only the PostgreSQL backend may)")
            elif _backend(target) and name not in WIRING:
                faults.append(f"{name} imports {target} (the TinyDB backend)")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "files":
                owner = node.value
                if (isinstance(owner, ast.Name) and owner.id == "store") or (
                    isinstance(owner, ast.Attribute) and owner.attr == "store"):
                    faults.append(f"{name}:{node.lineno} reaches into the store's files")
    assert faults == []


def test_the_boundary_check_sees_a_module_that_reaches_in() -> None:
    tree = ast.parse("from tinydb import Query\nfrom perfbot.store.files import FileSet\n")
    assert list(_imports(tree)) == ["tinydb", "tinydb.Query", "perfbot.store.files", "perfbot.store.files.FileSet"]
    assert _backend("perfbot.store.files") and not _backend("perfbot.store.interfaces")


def test_the_installed_tinydb_is_one_the_backend_was_checked_on() -> None:
    import tinydb

    assert tinydb.__version__ in SUPPORTED
    check(tinydb.__version__)


@pytest.mark.parametrize("version", ["4.10.0", "4.7.1", "5.0.0"])
def test_an_unknown_tinydb_version_is_refused_naming_the_supported_ones(version: str) -> None:
    with pytest.raises(UnsupportedTinyDBError, match=rf"TinyDB {version} is installed.*4\.8\.0, .*4\.9\.0"):
        check(version)


def test_importing_the_store_with_an_unknown_tinydb_fails_at_once() -> None:
    program = "import tinydb; tinydb.__version__ = '4.10.0'; import perfbot.store"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode != 0
    assert "UnsupportedTinyDBError: TinyDB 4.10.0 is installed" in done.stderr
    assert "4.9.0" in done.stderr
