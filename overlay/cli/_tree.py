"""The command tree, read off `sendmux.OPERATIONS` (pure: no click).

Management operations sit at the top (`sendmux domains filters get`), every other surface under its own
name (`sendmux mailbox messages list`, `sendmux sending emails send`). Names are the table's, with ``_``
spelled ``-``. A surface is read with ``getattr(op, "surface", "management")`` so tables that predate the field
still work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._operation import Operation

__all__ = ["Node", "SURFACE_CLIENTS", "build_tree", "cli_name", "surface_of", "surface_prefix"]

SURFACE_CLIENTS: dict[str, str] = {
    "management": "Sendmux",
    "mailbox": "SendmuxMailbox",
    "sending": "SendmuxSending",
}
"""Surface -> name of its sync client class in `sendmux` (looked up with a default: it may not exist yet)."""


def cli_name(python_name: str) -> str:
    return python_name.rstrip("_").replace("_", "-")


def surface_of(op: Operation) -> str:
    surface = getattr(op, "surface", "management")
    return surface if isinstance(surface, str) and surface else "management"


def surface_prefix(surface: str) -> tuple[str, ...]:
    return () if surface == "management" else (cli_name(surface),)


@dataclass
class Node:
    """One command group: sub-groups by name and operations by command name."""

    path: tuple[str, ...] = ()
    surface: str | None = None
    """Set on a surface's own group (`mailbox`, `sending`)."""
    children: dict[str, Node] = field(default_factory=dict)
    ops: dict[str, Operation] = field(default_factory=dict)

    def child(self, name: str) -> Node:
        node = self.children.get(name)
        if node is None:
            node = self.children[name] = Node(path=(*self.path, name))
        return node

    def walk_ops(self) -> Iterable[Operation]:
        yield from self.ops.values()
        for child in self.children.values():
            yield from child.walk_ops()

    def find(self, path: Iterable[str]) -> Node | None:
        node: Node | None = self
        for name in path:
            node = node.children.get(name) if node is not None else None
        return node


def build_tree(operations: Iterable[Operation]) -> Node:
    root = Node()
    for op in operations:
        surface = surface_of(op)
        node = root
        for name in surface_prefix(surface):
            node = node.child(name)
            node.surface = surface
        for part in op.resource.split("."):
            node = node.child(cli_name(part))
        name = cli_name(op.method)
        if name in node.ops:
            raise ValueError(f"two commands named {' '.join((*node.path, name))!r}")
        node.ops[name] = op
    return root
