"""Alembic environment: the same scripts run on SQLite (batch mode) and PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from dialbook.db import engine as engines
from dialbook.db.tables import schema_for

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=schema_for(connection.dialect.name),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    # Migrations rewrite every workspace's rows on purpose: not checked against tenancy.
    engine = engines.create(url, pool_size=0, writer=True, check_statements=False)
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("dialbook migrations run online only: dialbook db upgrade")
run_migrations_online()
