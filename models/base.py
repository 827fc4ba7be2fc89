"""Declarative base with a naming convention so Alembic gets stable constraint names."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON everywhere, JSONB on PostgreSQL (indexable, compact).
JsonType = JSON().with_variant(JSONB(), "postgresql")


def json_text(value: Any) -> str:
    """The text a JSON column stores: UTF-8, not ``\\uXXXX`` escapes. Chinese text takes half the bytes (a
    source record's raw and canonical rows a third less), and reads as written in SQL tools. The engine's
    ``json_serializer`` (``regulator.db_setup``) and the ingest worker's pre-encoded rows both use it."""
    return json.dumps(value, ensure_ascii=False)


#: indexes that only PostgreSQL has, created by migrations (SQLite has no INCLUDE): autogenerate leaves them be
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_market_entity_search"})


def include_object(_obj: object, name: str | None, type_: str, reflected: bool, _compare_to: object) -> bool:
    """Alembic's ``include_object`` filter: the PostgreSQL-only indexes are not declared by the models."""
    return not (type_ == "index" and reflected and name in POSTGRESQL_ONLY_INDEXES)


def utcnow() -> datetime:
    """Timezone-aware now in UTC; every timestamp in the schema is UTC."""
    return datetime.now(UTC)


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> Enum:
    """Store an enum as its string value (portable, readable in raw SQL, no native type to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    """Root of every ORM class in Regulator."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            dict[str, Any]: JsonType,
            list[Any]: JsonType,
            list[str]: JsonType,
            datetime: DateTime(timezone=True),
        },
    )


class CreatedMixin:
    """A creation timestamp."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
