"""`sendmux.testing` has no import cycle at run time (issue 10 item 7): handlers import `Ctx` from the leaf
module `_context`, never the dispatcher.  Imports under `if TYPE_CHECKING:` do not count."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "overlay" / "testing"


def runtime_imports(path: Path) -> set[str]:
    """Sibling modules `path` imports when it runs (relative imports outside TYPE_CHECKING blocks)."""
    tree = ast.parse(path.read_text())
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded.update(id(n) for child in node.body for n in ast.walk(child))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in guarded:
            if node.module:
                found.add(node.module)
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_no_runtime_import_cycle_and_context_is_a_leaf() -> None:
    graph = {p.stem: runtime_imports(p) for p in PACKAGE.glob("*.py")}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"import cycle in sendmux.testing: {exc.args[1]}") from None
    assert "_app" in order
    assert graph["_context"] <= {"_protocol", "_state"}
    handlers = ["_domains", "_mailboxes", "_webhooks", "_mail_messages", "_mail_account", "_sending"]
    assert all("_app" not in graph[h] and "_context" in graph[h] for h in handlers)


def test_the_check_sees_a_cycle() -> None:
    """The detector itself: a module graph with a loop is refused."""
    try:
        list(TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())
    except CycleError:
        return
    raise AssertionError("a cycle went unnoticed")
