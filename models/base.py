"""Declarative base, naming convention and column types shared by all models."""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import DateTime, Enum, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Alembic's batch mode on SQLite needs every constraint to have a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC; return them aware (UTC) on both databases.

    Naive datetimes are refused: a time without a zone is a bug waiting for
    the day the server's zone differs from the commune's.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column_type(enum_class: type[enum.Enum]) -> Enum:
    """Store a StrEnum by its value in a VARCHAR (no native enum type)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


str_40 = Annotated[str, 40]
str_100 = Annotated[str, 100]
str_255 = Annotated[str, 255]
str_500 = Annotated[str, 500]
utc_datetime = Annotated[datetime, "utc"]
amount = Annotated[Decimal, "amount"]


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        str_40: String(40),
        str_100: String(100),
        str_255: String(255),
        str_500: String(500),
        utc_datetime: UTCDateTime(),
        amount: Numeric(8, 2),
    }


def include_object_for(dialect: str):  # type: ignore[no-untyped-def]
    """Alembic's ``include_object`` hook for ``dialect``: leave out schema items made for another database only.

    An index declared with ``.ddl_if(dialect="postgresql")`` is created by the
    metadata and the migrations on PostgreSQL alone; autogenerate would
    otherwise report it missing on SQLite.
    """

    def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        condition = getattr(obj, "_ddl_if", None)
        if condition is not None and condition.dialect is not None:
            wanted = (condition.dialect,) if isinstance(condition.dialect, str) else tuple(condition.dialect)
            return dialect in wanted
        return True

    return include_object
