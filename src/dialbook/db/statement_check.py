"""The statement rule of tenancy, checked on PostgreSQL with PostgreSQL's own parser.

Every statement that touches a tenant table (db/tenancy.py) pins ``workspace_id`` to one
value, in every scope (subqueries, CTEs, LATERAL joins, set operations): each tenant table
of a scope is compared by ``=`` with a parameter or a constant, or joined by ``=`` on
``workspace_id`` to a table that is, here or in an enclosing scope. Only conditions ANDed
at the top of a WHERE or a JOIN's ON count. INSERT and COPY into a tenant table list
``workspace_id``, and no UPDATE changes it. A statement that must cross workspaces carries
the marker ``/* cross-tenant: why */`` (db/tenancy.py) and is listed in docs/scaling.md.

On Citus such a statement is routed to the one node holding the workspace; any other runs
on every shard, or is refused.

The test suite turns the check on with ``DIALBOOK_CHECK_TENANCY`` (``report`` or
``enforce``): the engine then gives psycopg the cursor class of this module, which checks
each statement it sends, the raw DBAPI cursors and COPY of ``db/bulk.py`` included. pglast
(a dev dependency) is imported only then.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from pglast import ast, enums, parse_sql
from pglast.parser import ParseError

from dialbook.db.tables import metadata
from dialbook.db.tenancy import CHECK_VARIABLE, CROSS_TENANT, TENANT_COLUMN, is_tenant

MODES = ("report", "enforce")

_HAS_TENANT_COLUMN = frozenset(t.name for t in metadata.tables.values() if TENANT_COLUMN in t.c)


class TenancyViolation(AssertionError):
    """A statement broke the statement rule (raised in ``enforce`` mode)."""


def problems(sql: str) -> tuple[str, ...]:
    """How ``sql`` breaks the statement rule; empty when it follows it."""
    if CROSS_TENANT in sql:
        return ()
    return _problems(sql)


@functools.lru_cache(maxsize=4096)
def _problems(sql: str) -> tuple[str, ...]:
    try:
        statements = parse_sql(sql)
    except ParseError as error:
        return (f"PostgreSQL cannot parse it: {error}",)
    found: list[str] = []
    for raw in statements:
        found += _Checker().statement(raw.stmt)
    return tuple(dict.fromkeys(found))


# -- scopes -------------------------------------------------------------------------------


@dataclass(eq=False)
class _Relation:
    name: str  # how the statement refers to it: its alias or its table name
    table: str | None  # None for a subquery, a CTE or a function
    pinned: bool = False


@dataclass(eq=False)
class _Scope:
    parent: _Scope | None
    relations: list[_Relation] = field(default_factory=list)
    ctes: set[str] = field(default_factory=set)

    def find(self, name: str) -> _Relation | None:
        scope: _Scope | None = self
        while scope is not None:
            for relation in scope.relations:
                if relation.name == name:
                    return relation
            scope = scope.parent
        return None

    def owner_of_tenant_column(self) -> _Relation | None:
        """The relation an unqualified ``workspace_id`` means (None when ambiguous)."""
        scope: _Scope | None = self
        while scope is not None:
            having = [r for r in scope.relations if r.table in _HAS_TENANT_COLUMN]
            if having:
                return having[0] if len(having) == 1 else None
            scope = scope.parent
        return None

    def is_cte(self, name: str) -> bool:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.ctes:
                return True
            scope = scope.parent
        return False


_PIN = "pin"  # the union-find node of "one value"


class _Checker:
    def __init__(self) -> None:
        self.found: list[str] = []

    def statement(self, node: Any) -> list[str]:
        if isinstance(node, ast.SelectStmt):
            self._select(node, None)
        elif isinstance(node, ast.InsertStmt):
            self._insert(node)
        elif isinstance(node, ast.UpdateStmt):
            self._modify(node, node.fromClause)
            if any(target.name == TENANT_COLUMN for target in node.targetList or ()):
                table = node.relation.relname if node.relation is not None else "?"
                self.found.append(f"UPDATE {table} changes {TENANT_COLUMN}")
        elif isinstance(node, ast.DeleteStmt):
            self._modify(node, node.usingClause)
        elif isinstance(node, ast.CopyStmt):
            self._copy(node)
        # Anything else (transactions, SET, DDL, TRUNCATE) is not a tenant's data statement.
        return self.found

    # -- statements -----------------------------------------------------------------------

    def _select(self, node: Any, parent: _Scope | None) -> None:
        scope = _Scope(parent)
        self._with(node.withClause, scope)
        if node.larg is not None or node.rarg is not None:  # UNION / INTERSECT / EXCEPT
            for side in (node.larg, node.rarg):
                if side is not None:
                    self._select(side, scope)
            return
        self._scope(scope, node.fromClause, node.whereClause)
        self._expressions(scope, node.targetList, node.havingClause, node.groupClause,
                          node.sortClause, node.valuesLists, node.limitCount,
                          node.limitOffset)  # fmt: skip

    def _insert(self, node: Any) -> None:
        table = node.relation.relname
        columns = [target.name for target in node.cols or ()]
        if is_tenant(table) and TENANT_COLUMN not in columns:
            self.found.append(f"INSERT INTO {table} does not list {TENANT_COLUMN}")
        scope = _Scope(None)
        self._with(node.withClause, scope)
        if node.selectStmt is not None:
            self._select(node.selectStmt, scope)
        self._expressions(scope, _returning(node))

    def _modify(self, node: Any, others: Iterable[Any] | None) -> None:
        scope = _Scope(None)
        self._with(node.withClause, scope)
        self._scope(scope, [node.relation, *(others or ())], node.whereClause)
        self._expressions(scope, getattr(node, "targetList", None), _returning(node))

    def _copy(self, node: Any) -> None:
        if node.query is not None:
            self.statement(node.query)
            return
        table = node.relation.relname
        if not is_tenant(table):
            return
        columns = [item.sval for item in node.attlist or ()]
        if not node.is_from:
            self.found.append(f"COPY {table} TO copies every workspace's rows")
        elif TENANT_COLUMN not in columns:
            self.found.append(f"COPY {table} does not list {TENANT_COLUMN}")

    # -- FROM, WITH -----------------------------------------------------------------------

    def _with(self, clause: Any, scope: _Scope) -> None:
        for cte in clause.ctes if clause is not None else ():
            scope.ctes.add(cte.ctename)
            self._statement_in(cte.ctequery, scope)

    def _statement_in(self, node: Any, scope: _Scope) -> None:
        if isinstance(node, ast.SelectStmt):
            self._select(node, scope)
        else:  # a data-modifying CTE
            self.statement(node)

    def _scope(self, scope: _Scope, items: Iterable[Any] | None, where: Any) -> None:
        """Settle a scope from its FROM items and WHERE, then check what is nested in them
        (subqueries and LATERAL see this scope's pinned relations)."""
        quals: list[Any] = [where]
        nested: list[Any] = []
        for item in items or ():
            self._from(item, scope, quals, nested)
        self._settle(scope, quals)
        for item in nested:
            if isinstance(item, ast.RangeSubselect):
                self._select(item.subquery, scope)
            else:
                self._expressions(scope, item.functions)
        self._expressions(scope, quals)

    def _from(self, item: Any, scope: _Scope, quals: list[Any], nested: list[Any]) -> None:
        if isinstance(item, ast.RangeVar):
            table = str(item.relname)
            name = str(item.alias.aliasname) if item.alias is not None else table
            scope.relations.append(_Relation(name, None if scope.is_cte(table) else table))
        elif isinstance(item, ast.JoinExpr):
            self._from(item.larg, scope, quals, nested)
            self._from(item.rarg, scope, quals, nested)
            quals.append(item.quals)
        elif isinstance(item, ast.RangeSubselect | ast.RangeFunction):
            alias = str(item.alias.aliasname) if item.alias is not None else ""
            scope.relations.append(_Relation(alias, None))
            nested.append(item)
        else:
            self.found.append(f"unexpected FROM item {type(item).__name__}")

    # -- pins -----------------------------------------------------------------------------

    def _settle(self, scope: _Scope, conditions: list[Any]) -> None:
        """Mark the scope's relations that the conditions pin; report the tenant tables
        left unpinned."""
        parents: dict[Any, Any] = {}

        def root(node: Any) -> Any:
            while parents.get(node, node) is not node:
                node = parents[node]
            return node

        for left, right in _equalities(conditions):
            a, b = self._term(left, scope), self._term(right, scope)
            if a is not None and b is not None:
                parents[root(a)] = root(b)
        for relation in scope.relations:
            relation.pinned = root(relation) is root(_PIN)
            if relation.table is not None and is_tenant(relation.table) and not relation.pinned:
                shown = relation.table
                if relation.name != relation.table:
                    shown += f" ({relation.name})"
                self.found.append(f"{shown} is not pinned to one {TENANT_COLUMN}")

    def _term(self, node: Any, scope: _Scope) -> Any:
        """A side of an equality as a union-find node: the pin, a relation (its
        workspace_id), or None."""
        while isinstance(node, ast.TypeCast):
            node = node.arg
        if isinstance(node, ast.ParamRef):
            return _PIN
        if isinstance(node, ast.A_Const):
            return None if node.isnull else _PIN
        if not isinstance(node, ast.ColumnRef):
            return None
        names = [getattr(f, "sval", None) for f in node.fields or ()]
        if names[-1] != TENANT_COLUMN:
            return None
        qualified = len(names) > 1
        relation = scope.find(str(names[-2])) if qualified else scope.owner_of_tenant_column()
        if relation is None:
            return None
        if relation not in scope.relations:  # an enclosing scope's: settled already
            return _PIN if relation.pinned else None
        return relation

    def _expressions(self, scope: _Scope, *nodes: Any) -> None:
        """Check the subqueries inside expressions, each as a scope within ``scope``."""
        for node in _walk(nodes):
            if isinstance(node, ast.SubLink):
                self._statement_in(node.subselect, scope)


def _equalities(conditions: list[Any]) -> Iterator[tuple[Any, Any]]:
    for condition in conditions:
        if condition is None:
            continue
        if isinstance(condition, ast.BoolExpr) and condition.boolop == enums.BoolExprType.AND_EXPR:
            yield from _equalities(list(condition.args or ()))
        elif (
            isinstance(condition, ast.A_Expr)
            and condition.kind == enums.A_Expr_Kind.AEXPR_OP
            and condition.name is not None
            and condition.name[-1].sval == "="
        ):
            yield condition.lexpr, condition.rexpr


def _returning(node: Any) -> Any:
    clause = getattr(node, "returningClause", None)
    return None if clause is None else clause.exprs


def _walk(nodes: Iterable[Any]) -> Iterator[Any]:
    """Every node under ``nodes``, not descending into subqueries (they are scopes)."""
    for node in nodes:
        if isinstance(node, list | tuple):
            yield from _walk(node)
        elif isinstance(node, ast.Node):
            yield node
            if isinstance(node, ast.SubLink | ast.SelectStmt):
                continue
            yield from _walk(getattr(node, name) for name in node)


# -- running it -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    sql: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{'; '.join(self.problems)}\n    {self.sql}"


_found: list[Found] = []
_lock = threading.Lock()


def take() -> list[Found]:
    """The statements that broke the rule since the last call (this process)."""
    with _lock:
        found = list(_found)
        _found.clear()
    return found


def check(sql: str, *, enforce: bool) -> None:
    found = problems(sql)
    if not found:
        return
    with _lock:
        _found.append(Found(sql, found))
    if enforce:
        raise TenancyViolation(str(Found(sql, found)))


def mode() -> str | None:
    """The mode DIALBOOK_CHECK_TENANCY asks for, or None."""
    value = os.environ.get(CHECK_VARIABLE) or None
    if value is not None and value not in MODES:
        raise ValueError(f"{CHECK_VARIABLE} must be one of {', '.join(MODES)}, not {value!r}")
    return value


class _Checking:
    """Checks every statement the cursor sends. psycopg turns each query into the
    statement it sends in ``_convert_query``, for execute, executemany, stream and COPY
    alike, so the check sees exactly what PostgreSQL parses."""

    enforce = False

    def _convert_query(self, query: Any, params: Any = None) -> Any:
        converted = super()._convert_query(query, params)  # type: ignore[misc]
        check(bytes(converted.query).decode(), enforce=self.enforce)
        return converted


class RawReportingCursor(_Checking, psycopg.RawCursor[Any]):
    """db/bulk.py's raw cursors (``$1`` placeholders), checked alike."""


class RawEnforcingCursor(RawReportingCursor):
    enforce = True


class ReportingCursor(_Checking, psycopg.Cursor[Any]):
    """Records the statements that break the rule."""

    raw_class = RawReportingCursor  # the raw cursor of the same connection (db/bulk.py)


class EnforcingCursor(ReportingCursor):
    """Also raises TenancyViolation, before the statement is sent."""

    enforce = True
    raw_class = RawEnforcingCursor


def cursor_class() -> type[psycopg.Cursor[Any]]:
    return EnforcingCursor if mode() == "enforce" else ReportingCursor
