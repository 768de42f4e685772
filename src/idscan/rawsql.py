"""SQLAlchemy Core statements compiled once and run on the driver's own connection.

The hottest routes run two or three small statements a request; SQLAlchemy's execution machinery
(events, compiled caches, result metadata) costs more than the database does there. A `Prepared`
keeps what SQLAlchemy would have done, by asking it once: the SQL text for the dialect, the bind and
result processors of each column type (JSON, UTC datetimes, booleans on SQLite), so values go in and
come out exactly as through an engine. Statements stay written in Core, once, for every dialect.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Params = Mapping[str, Any]
_Processor = Callable[[Any], Any] | None


class Prepared:
    """One statement for one dialect: its SQL, how to bind a parameter dict, how to read a row."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: Sequence[str] = ()) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
        assert isinstance(compiled, SQLCompiler)
        if compiled.insert_prefetch or compiled.update_prefetch:
            # Python-side column defaults are filled by SQLAlchemy's execution context, which this
            # path skips: the caller must give every value.
            names = [c.name for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            raise ValueError(f"give every column a value; defaults would be missed: {names}")
        self.sql: str = compiled.string
        self.positional: bool = compiled.positional
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ()) if compiled.positional else ()
        binds = {name: bind for bind, name in compiled.bind_names.items()}  # named as in the SQL
        if any(b.expanding for b in binds.values()) or compiled.literal_execute_params:
            raise ValueError("parameters rendered at execution (IN lists, literal_execute) are not supported")
        self._binds: dict[str, _Processor] = {
            name: bind.type._cached_bind_processor(dialect) for name, bind in binds.items()
        }
        # Values written into the statement itself (a literal in a where clause) unless given.
        self._values: dict[str, Any] = {
            name: b.effective_value for name, b in binds.items() if not b.required
        }
        columns = list(getattr(statement, "selected_columns", ()))
        self._types = [c.type for c in columns]
        self._dialect = dialect
        # Made on the first rows: some processors need the driver's type code (PostgreSQL numerics).
        self._results: tuple[_Processor, ...] | None = None
        self.row_type: type[tuple[Any, ...]] | None = (
            collections.namedtuple("Row", [c.key for c in columns], rename=True) if columns else None
        )

    def bind(self, params: Params) -> Sequence[Any] | dict[str, Any]:
        """The driver's parameters: a tuple in placeholder order (qmark) or a dict (pyformat)."""
        binds = self._binds
        if self._values:
            params = {**self._values, **params}
        if self.positional:
            # Processors see None too: SQLAlchemy's JSON stores None as JSON null, as here.
            return tuple(
                params[name] if (process := binds[name]) is None else process(params[name])
                for name in self.names
            )
        return {
            name: params[name] if process is None else process(params[name])
            for name, process in binds.items()
        }

    @property
    def needs_description(self) -> bool:
        """True until the first rows were read: a cursor's description is costly to build."""
        return self._results is None

    def rows(self, raw: Sequence[Sequence[Any]], description: Sequence[Any] | None = None) -> list[Any]:
        """Rows as named tuples, each value through its column type's result processor;
        `description` is the cursor's (its type codes)."""
        make = self.row_type
        assert make is not None, "not a SELECT"
        processors = self._results
        if processors is None:
            codes = [d[1] for d in description] if description else [None] * len(self._types)
            processors = self._results = tuple(
                t._cached_result_processor(self._dialect, code)
                for t, code in zip(self._types, codes, strict=True)
            )
        if not any(processors):
            return [make(*row) for row in raw]
        return [
            make(*(value if p is None else p(value) for p, value in zip(processors, row, strict=True)))
            for row in raw
        ]


class Cache:
    """Prepared statements by (statement, parameter keys), for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._prepared: dict[tuple[int, tuple[str, ...]], tuple[ClauseElement, Prepared]] = {}

    def get(self, statement: ClauseElement, params: Params) -> Prepared:
        keys = tuple(params) if getattr(statement, "is_insert", False) else ()
        entry = self._prepared.get((id(statement), keys))
        # The statement is kept in the entry, so its id cannot be reused by another object.
        if entry is None or entry[0] is not statement:
            entry = (statement, Prepared(statement, self.dialect, keys))
            self._prepared[(id(statement), keys)] = entry
        return entry[1]
