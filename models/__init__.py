"""Regulator's schema: SQLAlchemy 2 ORM classes, one module per aggregate, and nothing else."""

from .agency import Agency, ApiToken
from .audit import AuditLog, AuditLogImmutable
from .base import Base
from .campaign import Campaign, CampaignAgency, CampaignSelection, InspectionTask, TaskAgency, TaskInspector
from .contact import Address, EntityAddress, EntityPhone, Phone
from .entity import EntityName, Investment, MarketEntity
from .enums import (
    AddressKind,
    AlertKind,
    BatchStatus,
    CampaignStatus,
    ComplaintStatus,
    CreditClass,
    EntityStatus,
    EntityType,
    InspectionResult,
    InspectionType,
    LicenceStatus,
    LinkMethod,
    ListType,
    NameKind,
    ObjectionStatus,
    PenaltyType,
    PersonRole,
    RecordStatus,
    RecordType,
    ReferralStatus,
    RepairStatus,
    ReviewStatus,
    Role,
    SelectionReason,
    Severity,
    SourceStatus,
    TaskStatus,
)
from .graph import ClusterMember, RiskCluster
from .ingest import ImportBatch, SourceRecord
from .linkage import EntityEvent, MatchReview
from .notification import Notification
from .party import EntityRole, Person
from .records import (
    Complaint,
    ContextValue,
    Inspection,
    InspectionInspector,
    Licence,
    RecordRevision,
    Violation,
)
from .risk import CreditAssessment, ModelVersion, RiskScore
from .sanction import EnforcementAction, ListEntry
from .search import EntityNameGram
from .user import ConflictDeclaration, User
from .workflow import Alert, Attachment, CreditRepair, Objection, Referral, StatusEvent

__all__ = [
    "Address", "AddressKind", "Agency", "Alert", "AlertKind", "ApiToken", "Attachment", "AuditLog", "AuditLogImmutable",
    "Base", "BatchStatus", "Campaign", "CampaignAgency", "CampaignSelection", "CampaignStatus",
    "ClusterMember", "Complaint", "ComplaintStatus", "ConflictDeclaration", "ContextValue",
    "CreditAssessment", "CreditClass", "CreditRepair", "EnforcementAction", "EntityAddress", "EntityEvent",
    "EntityName", "EntityNameGram", "EntityPhone", "EntityRole", "EntityStatus", "EntityType", "ImportBatch",
    "Inspection",
    "InspectionInspector", "InspectionResult", "InspectionTask", "InspectionType", "Investment", "Licence",
    "LicenceStatus", "LinkMethod", "ListEntry", "ListType", "MarketEntity", "MatchReview", "ModelVersion",
    "NameKind", "Notification", "Objection", "ObjectionStatus", "PenaltyType", "Person", "PersonRole", "Phone",
    "RecordRevision", "RecordStatus", "RecordType", "Referral", "ReferralStatus", "RepairStatus",
    "ReviewStatus", "RiskCluster", "RiskScore", "Role", "SelectionReason", "Severity", "SourceRecord",
    "SourceStatus", "StatusEvent", "TaskAgency", "TaskInspector", "TaskStatus", "User", "Violation",
]
