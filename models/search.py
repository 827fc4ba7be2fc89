"""Character bigrams of entity names: the index behind typo-tolerant public search."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class EntityNameGram(Base):
    """One character bigram of one of an entity's names (current, former, variant, trade)."""

    __tablename__ = "entity_name_gram"

    gram: Mapped[str] = mapped_column(String(8), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), primary_key=True, index=True)
