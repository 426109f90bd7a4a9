"""Storage: engines, the transaction runner, tables and migrations."""

from dialbook.db.database import Conn, Database

__all__ = ["Conn", "Database"]
