"""Model registry, risk scores with their reasons, and credit assessments (class A-D)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import CreditClass


class ModelVersion(CreatedMixin, Base):
    """A trained risk model: window, features, parameters, metrics, data fingerprint and the booster."""

    __tablename__ = "model_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="risk")
    train_start: Mapped[date | None]
    train_end: Mapped[date | None]
    valid_start: Mapped[date | None]
    valid_end: Mapped[date | None]
    features: Mapped[list[Any]] = mapped_column(default=list)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: the evaluation behind the report (curves, tables), kept so the report can be re-rendered
    evaluation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data_fingerprint: Mapped[str | None] = mapped_column(String(64))
    artifact: Mapped[bytes | None] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(default=False, index=True)
    activated_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    notes: Mapped[str | None] = mapped_column(Text)


class RiskScore(CreatedMixin, Base):
    """A model's probability for one entity (overall, or for one agency's domain) with its reasons."""

    __tablename__ = "risk_score"
    __table_args__ = (Index("ix_risk_score_model_entity", "model_version_id", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_version.id"))
    #: NULL for the entity-wide score; set for an agency-specific probability used by joint plans
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    as_of: Mapped[date]
    probability: Mapped[float]
    risk_class: Mapped[CreditClass] = mapped_column(enum_column(CreditClass, 1))
    #: [{"feature": ..., "contribution": ..., "text": ...}] largest first
    reasons: Mapped[list[Any]] = mapped_column(default=list)

    model_version = relationship("ModelVersion")


class CreditAssessment(CreatedMixin, Base):
    """One computation of an entity's credit class: points, model probability, overrides and reasons."""

    __tablename__ = "credit_assessment"
    __table_args__ = (Index("ix_credit_assessment_entity_created", "entity_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    points: Mapped[float]
    credit_class: Mapped[CreditClass] = mapped_column(enum_column(CreditClass, 1))
    risk_probability: Mapped[float | None]
    model_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_version.id"))
    #: [{"rule": ..., "points": ..., "text": ..., "basis": ...}]
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    overrides: Mapped[list[Any]] = mapped_column(default=list)
    trigger: Mapped[str | None] = mapped_column(String(64))
