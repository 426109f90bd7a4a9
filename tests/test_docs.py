"""The repository stands on its own: its docs link only to files it has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _markdown() -> list[Path]:
    skip = {".venv", ".git", "node_modules", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
    return [
        path
        for path in ROOT.rglob("*.md")
        if not skip & set(path.relative_to(ROOT).parts) and "dialbook-data" not in path.parts
    ]


def test_no_reference_outside_the_repository() -> None:
    outside = re.compile(r"\.\./shared|vendors\.md|DESIGN\.md")
    texts = [*_markdown(), *ROOT.glob("src/**/*.py"), *ROOT.glob("tests/**/*.py")]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in texts
        if path.name != "test_docs.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if outside.search(line)
    ]
    assert found == []


def test_relative_links_point_at_files_that_exist() -> None:
    broken = [
        f"{path.relative_to(ROOT)} -> {target}"
        for path in _markdown()
        for target in LINK.findall(path.read_text())
        if "://" not in target
        and not target.startswith("mailto:")
        and not (path.parent / target).exists()
    ]
    assert broken == []
