"""Model queries compiled to SQL once per database connection, then re-run with new values.

Django compiles a queryset to SQL on every evaluation. For a `select_related` lookup by primary
key that takes about 0.6 ms on the 2-core machines we measure on, more than PostgreSQL needs to
run it (issue 4: the uncached product detail has a 3 ms budget in all). A `PrecompiledQuery`
keeps the SQL, the select list and Django's own row populators (the ones `ModelIterable` uses)
per connection, and on each call only swaps the parameter values and builds the instances.
"""

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[int, ...]  # where each placeholder sits in `params`
    compiler: Any
    converters: dict
    init_list: list[str]
    fields_start: int
    fields_end: int
    related_populators: list


class PrecompiledQuery(Generic[M]):
    """A model query, compiled once per connection, returning its first row as a model instance.

    Args:
        build: makes the queryset from the placeholder values, e.g.
            `lambda pk: Product.objects.filter(pk=pk).select_related("category")`. It must select
            model instances (no `values()`, no annotations) and should fix its ordering.
        placeholders: sample values passed to `build`; each must appear exactly once among the
            compiled SQL's parameters, where the caller's values replace it. Use values no real
            query passes (e.g. a negative id).
        using: the database alias.

    Raises:
        ValueError: (on first use) a placeholder is not exactly one parameter of the SQL, or the
            query selects annotations.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *placeholders: Any, using: str = DEFAULT_DB_ALIAS) -> None:
        self._build = build
        self._placeholders = placeholders
        self._using = using
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def first(self, *values: Any) -> M | None:
        """Run the query with `values` in place of the placeholders (same order).

        Returns:
            The first row as a model instance (its select_related objects attached), or None.
        """
        connection = connections[self._using]
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = type(params[slot])(value)  # keeps the adapter's type (e.g. psycopg's Int4 for an int)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
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
        compiled = _Compiled(
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
        self._compiled[connection] = compiled
        return compiled


def _slots(params: Sequence[Any], placeholders: Sequence[Any]) -> tuple[int, ...]:
    slots = []
    for placeholder in placeholders:
        # Django may wrap a value for the driver (psycopg's Int4 is an int subclass): compare as the placeholder's type.
        found = [i for i, param in enumerate(params) if isinstance(param, type(placeholder)) and param == placeholder]
        if len(found) != 1:
            raise ValueError(f"Placeholder {placeholder!r} must be exactly one SQL parameter; found {len(found)}.")
        slots.append(found[0])
    return tuple(slots)
