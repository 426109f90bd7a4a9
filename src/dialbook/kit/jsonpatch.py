"""JSON Patch (RFC 6902) on JSON builtins: ``add``, ``replace`` and ``remove``.

Domain-free: a dialect decides which paths a patch may touch (its fields, read-only ones)
and calls :func:`apply_op` for the rest. Every failure is an ``InvalidInput`` naming the
operation (``[2].path``), so a bad patch document answers 4xx, never 500.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

import msgspec

from dialbook.errors import invalid

Kind = Literal["add", "replace", "remove"]


class Operation(Protocol):
    """One operation; ``value`` is ``msgspec.UNSET`` when the document left it out."""

    @property
    def op(self) -> Kind: ...

    @property
    def path(self) -> str: ...

    @property
    def value(self) -> Any: ...


def pointer(path: str, where: str) -> list[str]:
    """The reference tokens of a JSON Pointer (RFC 6901), unescaped; ``""`` is the whole
    document (no tokens)."""
    if path == "":
        return []
    if not path.startswith("/"):
        raise invalid(where, f"{path!r} is not a JSON Pointer (it must start with '/')")
    return [token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/")]


def escape(token: str) -> str:
    """A reference token written for a JSON Pointer."""
    return token.replace("~", "~0").replace("/", "~1")


def require_value(op: Operation, *, index: int) -> None:
    """``add`` and ``replace`` need a ``value``."""
    if op.op != "remove" and op.value is msgspec.UNSET:
        raise invalid(f"[{index}].value", f"is required for {op.op!r}")


def _array_index(token: str, size: int, *, append: bool, where: str) -> int:
    if append and token == "-":
        return size
    if not (token.isascii() and token.isdigit()) or (token != "0" and token.startswith("0")):
        raise invalid(where, f"{token!r} is not an array index")
    index = int(token)
    if index > size or (index == size and not append):
        raise invalid(where, f"index {index} is out of range")
    return index


def apply_op(doc: dict[str, Any], op: Operation, *, index: int) -> None:
    """Apply one operation to ``doc`` in place (operation ``index`` of its document).

    Lenient in one way: ``replace`` of a missing object member adds it (Talkdesk's own
    example relies on it). The whole document cannot be replaced or removed.
    """
    where = f"[{index}].path"
    tokens = pointer(op.path, where)
    if not tokens:
        raise invalid(where, "must name a member, not the whole document")
    require_value(op, index=index)
    parent: Any = doc
    for token in tokens[:-1]:
        if isinstance(parent, dict) and token in parent:
            parent = parent[token]
        elif isinstance(parent, list):
            parent = parent[_array_index(token, len(parent), append=False, where=where)]
        else:
            raise invalid(where, f"{op.path} does not exist")
    last = tokens[-1]
    value = copy.deepcopy(op.value)
    if isinstance(parent, dict):
        if op.op == "remove":
            if last not in parent:
                raise invalid(where, f"{op.path} does not exist")
            del parent[last]
        else:
            parent[last] = value
    elif isinstance(parent, list):
        position = _array_index(last, len(parent), append=op.op == "add", where=where)
        if op.op == "add":
            parent.insert(position, value)
        elif op.op == "replace":
            parent[position] = value
        else:
            del parent[position]
    else:
        raise invalid(where, f"{op.path} does not exist")


def apply(doc: Mapping[str, Any], ops: Sequence[Operation]) -> dict[str, Any]:
    """A patched copy of ``doc``; the first bad operation fails the whole patch and
    ``doc`` is left as it was."""
    patched = copy.deepcopy(dict(doc))
    for index, op in enumerate(ops):
        apply_op(patched, op, index=index)
    return patched
