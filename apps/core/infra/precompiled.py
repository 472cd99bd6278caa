"""Model queries compiled to SQL once per database connection, then re-run with new values.

Django compiles a queryset to SQL on every evaluation. For a `select_related` lookup by primary
key that takes about 0.6 ms on the 2-core machines we measure on, more than PostgreSQL needs to
run it (issue 4: the uncached product detail has a 3 ms budget in all). A `PrecompiledQuery`
keeps the SQL, the select list and Django's own row populators (the ones `ModelIterable` uses)
per connection, and on each call only swaps the parameter values and builds the instances.
A `PrecompiledRows` does the same for a `values_list()` query (the one `ValuesListIterable`
runs): it returns every row as a tuple, Django's field converters applied (issue 11: the
detail's variants and images, ~0.5 ms of compilation each).

Why not something supported: psycopg 3's server-side prepared statements (Django's
`OPTIONS["server_side_binding"]` + `OPTIONS["prepare_threshold"]`) save PostgreSQL's parse and
plan, not Django's compilation, which is the larger part; `benchmarks/detail_read.py` measures
both (figures in the README's performance notes).

What it relies on, beyond Django's documented API: `SQLCompiler.as_sql()`, its `select`,
`klass_info`, `annotation_col_map`, `col_count` and `has_extra_select` attributes,
`get_converters`/`apply_converters`, `has_composite_fields`, `QuerySet._iterable_class`,
`django.db.models.query.get_related_populators` and `Model.from_db`: the pieces `ModelIterable`
and `ValuesListIterable` use. They are internal, so this module refuses to load on a Django
outside `TESTED_DJANGO` (`ImproperlyConfigured` at start-up: services import it when
`AppConfig.ready()` builds the container), and tests/services/infra/test_precompiled.py proves
the rows equal the ORM's.
"""

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import django
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable, get_related_populators

TESTED_DJANGO = ((5, 2),)
"""Django (major, minor) versions whose internals this module was checked against (CI runs the tests on them)."""

PLACEHOLDER_ID = -7_770_001
"""The default placeholder: a primary key no row has (ids are positive), passed to `build` while the
SQL is compiled and found among its parameters to learn where each call's value goes."""


def check_django_version(version: tuple = django.VERSION) -> None:
    """Refuse a Django whose internals this module was not tested against.

    Args:
        version: `django.VERSION`-shaped tuple (major, minor, ...).

    Raises:
        ImproperlyConfigured: `version[:2]` is not in `TESTED_DJANGO`.
    """
    if tuple(version[:2]) not in TESTED_DJANGO:
        raise ImproperlyConfigured(
            f"apps.core.infra.precompiled uses Django internals tested on {TESTED_DJANGO}, not Django "
            f"{version[0]}.{version[1]}: run tests/services/infra/test_precompiled.py on it, then extend TESTED_DJANGO."
        )


check_django_version()  # at import, i.e. at start-up: fail loudly, not with wrong rows later

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _CompiledSQL:
    """What `_Precompiled` keeps per connection for both kinds: the SQL, its parameters and the converters."""

    sql: str
    params: tuple
    slots: tuple[int, ...]  # where each placeholder sits in `params`
    compiler: Any
    converters: dict


C = TypeVar("C", bound=_CompiledSQL)


class _Precompiled(Generic[C]):
    """What both kinds share: the queryset factory, its placeholders and the SQL compiled per connection."""

    def __init__(self, build: Callable[..., QuerySet], *placeholders: Any, using: str = DEFAULT_DB_ALIAS) -> None:
        self._build = build
        self._placeholders = placeholders or (PLACEHOLDER_ID,)
        self._using = using
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def bind(self, *values: Any) -> tuple[str, list]:
        """The SQL compiled for the current connection and its parameters with `values` in place of the
        placeholders: a statement for `apps.core.infra.db.batch.run_batch` (see `run_together`)."""
        compiled = self._compiled_for(connections[self._using])
        return compiled.sql, self._params(compiled, values)

    def _compiled_for(self, connection) -> C:
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        return compiled

    @staticmethod
    def _params(compiled, values: Sequence[Any]) -> list:
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = type(params[slot])(value)  # keeps the adapter's type (e.g. psycopg's Int4 for an int)
        return params

    def _execute(self, values: Sequence[Any]) -> tuple[C, Any]:
        """Run the SQL compiled for the current connection with `values`; returns (compiled, open cursor)."""
        connection = connections[self._using]
        compiled = self._compiled_for(connection)
        params = self._params(compiled, values)
        cursor = connection.cursor()
        try:
            cursor.execute(compiled.sql, params)
        except Exception:
            cursor.close()
            raise
        return compiled, cursor

    def from_rows(self, rows: list) -> Any:
        """What a call answers, from the raw rows its `bind` statement gave (see `run_together`)."""
        raise NotImplementedError

    def _compile(self, connection) -> C:
        raise NotImplementedError


@dataclass(frozen=True)
class _Compiled(_CompiledSQL):
    init_list: list[str]
    fields_start: int
    fields_end: int
    related_populators: list


class PrecompiledQuery(_Precompiled[_Compiled], Generic[M]):
    """A model query, compiled once per connection (lazily, at its first call on it), returning its first row
    (`first`) or all of them (`all`).

    Constructing one runs nothing: no SQL is built until `first` or `all` is called.

    Args:
        build: makes the queryset from the placeholder values, e.g.
            `lambda pk: Product.objects.filter(pk=pk).select_related("category")`. It must select
            model instances (no `values()`, no annotations) and should fix its ordering.
        placeholders: sample values passed to `build`; each must appear exactly once among the
            compiled SQL's parameters, where the caller's values replace it. Use values no real
            query passes; default: one `PLACEHOLDER_ID`.
        using: the database alias.

    Raises:
        ValueError: (on first use) a placeholder is not exactly one parameter of the SQL, or the
            query selects annotations.
    """

    def first(self, *values: Any) -> M | None:
        """Run the query with `values` in place of the placeholders (same order).

        Returns:
            The first row as a model instance (its select_related objects attached), or None.
        """
        compiled, cursor = self._execute(values)
        with cursor:
            row = cursor.fetchone()
        return self._first(compiled, [] if row is None else [row])

    def all(self, *values: Any) -> list[M]:
        """Run the query with `values` in place of the placeholders (same order).

        Returns:
            Every row as a model instance (select_related objects attached), in the query's order.
        """
        compiled, cursor = self._execute(values)
        with cursor:
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [self._instance(compiled, row) for row in rows]

    def from_rows(self, rows: list) -> M | None:
        """`first`'s answer from the raw rows of its `bind` statement."""
        return self._first(self._compiled_for(connections[self._using]), rows[:1])

    def _first(self, compiled: _Compiled, rows: list) -> M | None:
        if not rows:
            return None
        row = rows[0]
        if compiled.converters:
            row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
        return self._instance(compiled, row)

    def _instance(self, compiled: _Compiled, row: Sequence[Any]) -> M:
        instance = compiled.compiler.query.model.from_db(
            self._using, compiled.init_list, row[compiled.fields_start : compiled.fields_end]
        )
        for populator in compiled.related_populators:
            populator.populate(row, instance)
        return instance

    def _compile(self, connection) -> _Compiled:
        compiler = self._build(*self._placeholders).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if compiler.annotation_col_map:
            raise ValueError("PrecompiledQuery selects model instances only, not annotations.")
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=_slots(params, self._placeholders),
            compiler=compiler,
            converters=compiler.get_converters([column[0] for column in select]),
            init_list=[column[0].target.attname for column in select[start:end]],
            fields_start=start,
            fields_end=end,
            related_populators=get_related_populators(klass_info, select, self._using),
        )


@dataclass(frozen=True)
class _CompiledRows(_CompiledSQL):
    width: int | None  # the selected columns when the SQL selects more (ordering columns), else None


class PrecompiledRows(_Precompiled[_CompiledRows]):
    """A `values_list()` query, compiled once per connection (lazily, at its first call on it), returning its rows.

    Constructing one runs nothing: no SQL is built until `all` is called.

    Args:
        build: makes the queryset from the placeholder values, e.g.
            `lambda pk: Image.objects.filter(product_id=pk).order_by("position").values_list("id", "image")`.
            It must end in `values_list()` of field paths (related ones too; not `flat`, not `named`,
            no annotations or `extra()`) and should fix its ordering.
        placeholders: as for `PrecompiledQuery`; default one `PLACEHOLDER_ID`.
        using: the database alias.

    Raises:
        ValueError: (on first use) a placeholder is not exactly one parameter of the SQL, or the
            query is not a plain `values_list()` of fields.
    """

    def all(self, *values: Any) -> list[tuple]:
        """Run the query with `values` in place of the placeholders (same order).

        Returns:
            Every row as a tuple of the `values_list()` fields, in their order, with the values the
            ORM gives (Django's field converters applied: e.g. SQLite's decimals and booleans).
        """
        compiled, cursor = self._execute(values)
        with cursor:
            rows = cursor.fetchall()
        return self._rows(compiled, rows)

    def from_rows(self, rows: list) -> list[tuple]:
        """`all`'s answer from the raw rows of its `bind` statement."""
        return self._rows(self._compiled_for(connections[self._using]), rows)

    @staticmethod
    def _rows(compiled: "_CompiledRows", rows: list) -> list[tuple]:
        if compiled.width is not None:
            rows = [row[: compiled.width] for row in rows]
        if compiled.converters:
            return [tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)]
        return [tuple(row) for row in rows]  # the driver's rows may be lists (tuple() of a tuple is the tuple itself)

    def _compile(self, connection) -> _CompiledRows:
        queryset = self._build(*self._placeholders)
        query = queryset.query
        if queryset._iterable_class is not ValuesListIterable or query.annotation_select or query.extra_select:
            raise ValueError("PrecompiledRows runs a values_list() of fields only (not flat or named, no annotations).")
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("PrecompiledRows does not select composite primary keys.")
        return _CompiledRows(
            sql=sql,
            params=tuple(params),
            slots=_slots(params, self._placeholders),
            compiler=compiler,
            converters=compiler.get_converters(fields),
            width=compiler.col_count if compiler.has_extra_select else None,
        )


def run_together(*calls: tuple[_Precompiled, tuple]) -> list:
    """Run several precompiled queries in one round trip (`run_batch`; one by one off PostgreSQL).

    Args:
        calls: `(precompiled query, its values)` pairs, on the default database.

    Returns:
        Each call's answer in order: what `first` gives for a PrecompiledQuery, what `all` gives
        for a PrecompiledRows.
    """
    from apps.core.infra.db.batch import run_batch  # infra.db imports nothing from here

    if any(query._using != DEFAULT_DB_ALIAS for query, _ in calls):
        raise ValueError("run_together runs on the default database only.")
    results = run_batch([query.bind(*values) for query, values in calls])
    return [query.from_rows(rows) for (query, _), rows in zip(calls, results, strict=True)]


def _slots(params: Sequence[Any], placeholders: Sequence[Any]) -> tuple[int, ...]:
    slots = []
    for placeholder in placeholders:
        # Django may wrap a value for the driver (psycopg's Int4 is an int subclass): compare as the placeholder's type.
        found = [i for i, param in enumerate(params) if isinstance(param, type(placeholder)) and param == placeholder]
        if len(found) != 1:
            raise ValueError(f"Placeholder {placeholder!r} must be exactly one SQL parameter; found {len(found)}.")
        slots.append(found[0])
    return tuple(slots)
