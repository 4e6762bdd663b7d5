"""The part of REFERENCE.md about what methods return: the runtime's result classes, from their docstrings.

Read from the hand-written runtime itself (`sendmux`, the package this generator's output joins), so the
reference says what `help()` says: public attributes are properties or documented slots, and each
shows its docstring's first paragraph.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
import types
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

RESULT_CLASSES = (
    "SyncCursorPage",
    "AsyncCursorPage",
    "AsyncPaginator",
    "PageMeta",
    "RawResponse",
    "BinaryResponse",
    "AsyncBinaryResponse",
    "EventStream",
    "AsyncEventStream",
    "ServerSentEvent",
    "ChangeFeed",
    "AsyncChangeFeed",
    "RateLimit",
)
"""What generated methods return besides models, in the order the reference lists them."""


@dataclass
class Member:
    name: str
    """`data` for an attribute, `next_page()` for a method (its arguments after the name)."""
    doc: str


@dataclass
class ResultClass:
    name: str
    doc: str
    members: list[Member]


def first_paragraph(doc: str | None) -> str:
    text = inspect.cleandoc(doc or "")
    return " ".join(text.split("\n\n", 1)[0].split())


def _attribute_docs(cls: type[Any]) -> dict[str, str]:
    """The docstrings written under class-level attributes (`limit: int` then `\"\"\"...\"\"\"`), whole MRO."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue  # builtins, classes without source
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in zip(body, body[1:], strict=False):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                    docs[node.target.id] = str(after.value.value)
    return docs


def _member(cls: type[Any], name: str, package: str) -> Member | None:
    static = inspect.getattr_static(cls, name)
    if isinstance(static, property | types.MemberDescriptorType):
        return Member(name, first_paragraph(inspect.getdoc(static)))  # a slot's: the `__slots__` dict's
    if isinstance(static, staticmethod | classmethod):
        static = static.__func__
    if inspect.isfunction(static) and static.__module__.startswith(package):  # not Mapping's `get`
        params = list(inspect.signature(static).parameters.values())[1:]
        shown = ", ".join(p.name if p.default is p.empty else f"{p.name}=…" for p in params)
        return Member(f"{name}({shown})", first_paragraph(inspect.getdoc(static)))
    return None


def result_class(cls: type[Any], package: str) -> ResultClass:
    docs = _attribute_docs(cls)
    # A dataclass's fields first, in their order; then properties, slots and methods by name.
    own = [f.name for f in fields(cls)] if is_dataclass(cls) else []
    members = [Member(name, first_paragraph(docs.get(name))) for name in own]
    for name in sorted(n for n in dir(cls) if not n.startswith("_") and n not in own):
        member = _member(cls, name, package)
        if member is not None:
            members.append(member)
    return ResultClass(cls.__name__, first_paragraph(cls.__doc__), members)


def result_classes(package: str = "sendmux") -> list[ResultClass]:
    runtime = importlib.import_module(package)
    return [result_class(getattr(runtime, name), runtime.__name__) for name in RESULT_CLASSES]


def helper_methods(module: str, name: str, package: str = "sendmux") -> list[Member]:
    """The public methods a hand-written mixin class (`module.name` of the runtime) defines itself."""
    cls = getattr(importlib.import_module(f"{package}.{module}"), name)
    members = (_member(cls, n, package) for n in sorted(vars(cls)) if not n.startswith("_"))
    return [m for m in members if m is not None]
