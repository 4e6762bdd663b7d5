"""Layers you can see: no import cycle among the runtime's modules (`overlay/`, with `testing/` and `cli/`),
counting every import — at the top, inside functions, and under ``if TYPE_CHECKING:``. A package's
``__init__`` importing its own children is not a cycle. And the wire layer imports nothing above it; the
results (pages, feeds, event streams, downloads) never import a client."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "overlay"

# The wire and its helpers: what one request needs below the client core.
WIRE = {
    "_transport",
    "_wire_errors",
    "_wire_response",
    "_deadline",
    "_gate",
    "_stack",
    "_headers",
    "_redact",
    "_framing",
}
CLIENTS = {"_sync_client", "_async_client", "_client_config", "_base_client"}
RESULTS = {"_pagination", "_feeds", "_events", "_downloads", "_sse"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


def _resolve(current: str, is_package: bool, level: int, module: str | None) -> str:
    base = current.split(".") if current else []
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *(module.split(".") if module else [])])


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every runtime module `path` imports, wherever the import statement sits."""
    name = _module_name(path)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = _resolve(name, is_package, node.level, node.module)
            submodules = {f"{target}.{alias.name}".strip(".") for alias in node.names}
            found.update(submodules & modules)
            if node.module or not submodules <= modules:
                found.add(target)  # `from . import a` of submodules only needs the parent, already loading
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module"):
            args = node.args
            if args and isinstance(args[0], ast.Constant) and str(args[0].value).startswith("."):
                dots = len(args[0].value) - len(args[0].value.lstrip("."))
                found.add(_resolve(name, is_package, dots, args[0].value.lstrip(".") or None))
    return found


def graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for t in imports_of(path, set(modules)) if t in modules and t != name}
        if path.name == "__init__.py":  # a package re-exporting its children is not a cycle
            targets = {t for t in targets if not t.startswith(f"{name}.".lstrip("."))}
        edges[name] = targets
    return edges


def test_no_import_cycle_anywhere_in_the_runtime() -> None:
    try:
        list(TopologicalSorter(graph()).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_the_wire_imports_nothing_above_it() -> None:
    edges = graph()
    allowed = WIRE | {"_errors", "_options", "_types", "_constants", "_version"}
    for module in WIRE:
        above = edges[module] - allowed
        assert not above, f"{module} imports {sorted(above)}"


def test_results_are_handed_a_sender_and_never_import_a_client() -> None:
    edges = graph()
    for module in RESULTS:
        assert not edges[module] & CLIENTS, f"{module} imports {sorted(edges[module] & CLIENTS)}"


def test_the_check_sees_a_cycle() -> None:
    try:
        list(TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())
    except CycleError:
        return
    raise AssertionError("a cycle went unnoticed")
