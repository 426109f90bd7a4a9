"""Every dialect has the same shape: the same files with the same roles, a wire name for
each canonical field it renames, and a docs page whose field table shows those names."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from dialbook.contacts.schemas import ContactCreate
from dialbook.dialects import Dialect, discover

DIALECTS = discover()
SRC = Path(__file__).parents[2] / "src" / "dialbook" / "dialects"
DOCS = Path(__file__).parents[2] / "docs" / "dialects"
FILES = {"__init__.py", "endpoints.py", "service.py", "translate.py", "schemas.py", "errors.py"}


def _ids(dialect: Dialect) -> str:
    return dialect.name


@pytest.mark.parametrize("dialect", DIALECTS, ids=_ids)
def test_every_dialect_has_the_same_files(dialect: Dialect) -> None:
    present = {p.name for p in (SRC / dialect.name).glob("*.py")}
    assert present >= FILES, f"{dialect.name} lacks {sorted(FILES - present)}"


@pytest.mark.parametrize("dialect", DIALECTS, ids=_ids)
def test_handlers_call_the_dialects_own_service(dialect: Dialect) -> None:
    """Use cases live in service.py: endpoints.py defines no function taking a connection
    and calls no canonical service itself."""
    tree = ast.parse((SRC / dialect.name / "endpoints.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert not any(a.arg == "conn" for a in node.args.args), node.name
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.endswith((".service", ".repository")), node.module
            imported = {alias.name for alias in node.names}
            assert "service" not in imported or node.module == f"dialbook.dialects.{dialect.name}"


@pytest.mark.parametrize("dialect", DIALECTS, ids=_ids)
def test_the_docs_show_every_renamed_canonical_field(dialect: Dialect) -> None:
    page = (DOCS / f"{dialect.name}.md").read_text()
    renamed = {
        field: dialect.wire_name(field)
        for field in ContactCreate.__struct_fields__
        if dialect.wire_name(field) != field
    }
    assert renamed, "a dialect renames some canonical field"
    shown = set(re.findall(r"\w+", page))
    missing = {f: wire for f, wire in renamed.items() if re.split(r"[.\[]", wire)[0] not in shown}
    assert not missing, f"docs/dialects/{dialect.name}.md does not show {missing}"


def test_the_service_modules_import() -> None:
    for dialect in DIALECTS:
        importlib.import_module(f"dialbook.dialects.{dialect.name}.service")
