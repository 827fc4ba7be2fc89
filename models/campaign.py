"""Inspection campaigns: agencies and capacities, the verifiable draw, joint tasks and their inspectors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import CampaignStatus, CreditClass, SelectionReason, TaskStatus


class Campaign(CreatedMixin, Base):
    """A "double random, one public" campaign: period, ratios, seed commitment, draw, plan, publication."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[CampaignStatus] = mapped_column(enum_column(CampaignStatus), default=CampaignStatus.DRAFT)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    #: sampling ratio per credit class, e.g. {"A": 0.0, "B": 0.03, "C": 0.1, "D": 0.3}
    class_ratios: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: share of capacity kept for pure random selection (unbiased outcomes for the model)
    random_share: Mapped[float] = mapped_column(default=0.2)
    cost_per_visit: Mapped[float] = mapped_column(default=0.3)
    #: SHA-256 of the seed, published before the draw; the seed is revealed after it
    seed_commitment: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(128))
    #: the published inputs of the draw (frame fingerprint, ratios, capacities) to re-run it
    draw_inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    plan_summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    committed_at: Mapped[datetime | None]
    drawn_at: Mapped[datetime | None]
    planned_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    agencies: Mapped[list[CampaignAgency]] = relationship(back_populates="campaign")
    tasks: Mapped[list[InspectionTask]] = relationship(back_populates="campaign")


class CampaignAgency(Base):
    """An agency taking part in a campaign: its inspection matters and its capacity."""

    __tablename__ = "campaign_agency"
    __table_args__ = (UniqueConstraint("campaign_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    capacity: Mapped[int]
    #: the matters this agency checks, e.g. ["食品安全", "价格"]
    matters: Mapped[list[Any]] = mapped_column(default=list)

    campaign: Mapped[Campaign] = relationship(back_populates="agencies")
    agency = relationship("Agency")


class CampaignSelection(Base):
    """One (entity, agency) pair the draw selected, with the reason and the selection probability."""

    __tablename__ = "campaign_selection"
    __table_args__ = (UniqueConstraint("campaign_id", "entity_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    credit_class: Mapped[CreditClass | None] = mapped_column(enum_column(CreditClass, 1))
    reason: Mapped[SelectionReason] = mapped_column(enum_column(SelectionReason))
    selection_probability: Mapped[float | None]
    risk_probability: Mapped[float | None]
    rank: Mapped[int | None]
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("risk_cluster.id"))


class InspectionTask(CreatedMixin, Base):
    """One visit to one entity, by one or several agencies ("one visit, many checks")."""

    __tablename__ = "inspection_task"
    __table_args__ = (Index("ix_inspection_task_campaign_status", "campaign_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("risk_cluster.id"))
    window_start: Mapped[date]
    window_end: Mapped[date]
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.PLANNED)
    expected_findings: Mapped[float] = mapped_column(default=0.0)
    completed_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship(back_populates="tasks")
    entity = relationship("MarketEntity")
    agencies: Mapped[list[TaskAgency]] = relationship(back_populates="task")
    inspectors: Mapped[list[TaskInspector]] = relationship(back_populates="task")


class TaskAgency(Base):
    """An agency's part in a joint task: its matters, its probability, its result."""

    __tablename__ = "task_agency"
    __table_args__ = (UniqueConstraint("task_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("inspection_task.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    matters: Mapped[list[Any]] = mapped_column(default=list)
    risk_probability: Mapped[float | None]
    selection_reason: Mapped[SelectionReason] = mapped_column(enum_column(SelectionReason))
    selection_probability: Mapped[float | None]
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.PLANNED)
    #: why and when the agency's part was withdrawn before its result (status cancelled)
    withdrawn_reason: Mapped[str | None] = mapped_column(String(300))
    withdrawn_at: Mapped[datetime | None]

    task: Mapped[InspectionTask] = relationship(back_populates="agencies")
    agency = relationship("Agency")


class TaskInspector(Base):
    """An inspector drawn for a task (at least two per visit, conflicts excluded)."""

    __tablename__ = "task_inspector"
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("inspection_task.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))

    task: Mapped[InspectionTask] = relationship(back_populates="inspectors")
    user = relationship("User")
