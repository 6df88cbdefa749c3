"""The house rules of docs/architecture.md, checked by reading every module's imports with `ast`.

Dependencies point one way: `bot`, `collectors`, `schedules` and `reports` use the core; the core
imports none of them except its wiring (named below); `schedules`, `collectors` and `reports`
import nothing from `bot`; and no two modules import each other, directly or round a circle —
imports inside functions count, since hiding a circle there is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("perfbot", "bot", "collectors", "schedules", "reports")
# The wiring: the only core modules that may import the outer packages, to put the house together
# (perfbot.channels builds each platform through its factory).
WIRING = ("perfbot.app", "perfbot.server", "perfbot.cli", "perfbot.channels")
OUTER = ("bot", "collectors", "schedules", "reports")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _all_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


MODULES = _all_modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _first_party(name: str) -> str | None:
    """The known module `name` refers to: itself, or the nearest enclosing package."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """The first-party modules `module` imports, anywhere in its body."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            names = [f"{source}.{alias.name}" for alias in node.names]
            names = [n if n in MODULES else source for n in names]
        else:
            continue
        found.update(target for n in names if (target := _first_party(n)) and target != module)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def _in(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_walk_sees_the_whole_house() -> None:
    # A walk that found nothing would pass every rule below.
    assert len(MODULES) > 150
    assert "perfbot.model" in GRAPH["perfbot.rating"]
    assert "perfbot.store" in MODULES and _is_package("perfbot.store")


def test_the_core_imports_no_outer_package_except_its_wiring() -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _in(module, ("perfbot",)) and not _in(module, WIRING)
        for target in targets
        if _in(target, OUTER)
    )
    assert not wrong, "the core reaches outwards:\n" + "\n".join(wrong)


@pytest.mark.parametrize("package", ["schedules", "collectors", "reports"])
def test_inner_packages_import_nothing_from_bot(package: str) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _in(module, (package,))
        for target in targets
        if _in(target, ("bot",))
    )
    assert not wrong, f"{package} reaches into the platforms:\n" + "\n".join(wrong)


def test_no_module_of_bot_takes_the_wiring() -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _in(module, ("bot",))
        for target in targets
        if _in(target, WIRING)
    )
    assert not wrong, "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    # A package's __init__ that re-exports its own modules is not a circle of design, so edges
    # from a package to the modules inside it are left out.
    graph = {
        module: {t for t in targets if not (_is_package(module) and t.startswith(module + "."))}
        for module, targets in GRAPH.items()
    }
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)
