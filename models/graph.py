"""Risk clusters found in the relationship graph, and their members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin


class RiskCluster(CreatedMixin, Base):
    """A community of related entities, scored by its members' risk, with why they are related."""

    __tablename__ = "risk_cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: identifies the graph build that produced it
    build: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    score: Mapped[float]
    #: [{"kind": "shared_person"|"shared_address"|..., "label": ..., "count": ...}]
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)

    members: Mapped[list[ClusterMember]] = relationship(back_populates="cluster")


class ClusterMember(Base):
    """An entity's membership of a risk cluster."""

    __tablename__ = "cluster_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("risk_cluster.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)

    cluster: Mapped[RiskCluster] = relationship(back_populates="members")
