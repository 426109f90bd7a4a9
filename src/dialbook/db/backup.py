"""Backups of the SQLite database, with SQLite's online backup API.

A backup taken while the server runs is consistent (a snapshot of one moment) and does not
stop writers for long. PostgreSQL deployments use pg_dump / pg_restore instead.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from dialbook.db import engine as engines

PAGES_PER_STEP = 1024  # writers get the lock back between steps


class BackupError(Exception):
    pass


def sqlite_path(url: str) -> Path:
    if not engines.is_sqlite(url):
        raise BackupError(
            "This database is PostgreSQL: back it up with pg_dump, e.g.\n"
            '  pg_dump --format=custom --file=dialbook.dump "$DIALBOOK_DATABASE_URL"\n'
            "and restore with pg_restore --clean --dbname=... dialbook.dump"
        )
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(database)


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def backup(url: str, target: Path) -> Path:
    """Copy the live database to ``target`` (a new file) and check the copy."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy, pages=PAGES_PER_STEP)
    with sqlite3.connect(target) as copy:
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    result = integrity(target)
    if result != "ok":
        target.unlink()
        raise BackupError(f"The copy failed its integrity check: {result}")
    return target


def restore(source: Path, url: str) -> Path:
    """Replace the database with the backup ``source`` (stop the server first)."""
    target = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"There is no backup at {source}.")
    result = integrity(source)
    if result != "ok":
        raise BackupError(f"The backup fails its integrity check: {result}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as backup_db, sqlite3.connect(target, timeout=30) as live:
        backup_db.backup(live)
    return target
