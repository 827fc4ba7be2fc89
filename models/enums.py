"""Closed vocabularies of the domain, stored as their string values."""

from __future__ import annotations

import enum
from datetime import date


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    INSPECTOR = "inspector"
    ENTERPRISE = "enterprise"


class EntityType(enum.StrEnum):
    COMPANY = "company"
    BRANCH = "branch"
    SOLE_TRADER = "sole_trader"
    PARTNERSHIP = "partnership"
    OTHER = "other"


class EntityStatus(enum.StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    MERGED = "merged"
    UNKNOWN = "unknown"


class NameKind(enum.StrEnum):
    REGISTERED = "registered"
    FORMER = "former"
    VARIANT = "variant"
    TRADE = "trade"


class PersonRole(enum.StrEnum):
    LEGAL_REPRESENTATIVE = "legal_representative"
    SHAREHOLDER = "shareholder"
    DIRECTOR = "director"
    MANAGER = "manager"
    SUPERVISOR = "supervisor"
    OWNER = "owner"


class AddressKind(enum.StrEnum):
    REGISTERED = "registered"
    OPERATING = "operating"


class RecordType(enum.StrEnum):
    REGISTRATION = "registration"
    ROLE = "role"
    INVESTMENT = "investment"
    LICENCE = "licence"
    INSPECTION = "inspection"
    VIOLATION = "violation"
    ENFORCEMENT = "enforcement"
    LIST_ENTRY = "list_entry"
    COMPLAINT = "complaint"
    CONTEXT = "context"


class SourceStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RESUBMITTED = "resubmitted"
    #: a rejected row a coordinator took out of the queue, with a reason: it will not be corrected
    DISMISSED = "dismissed"


class BatchStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class LinkMethod(enum.StrEnum):
    USCC = "uscc"
    SOURCE_KEY = "source_key"
    PROBABILISTIC = "probabilistic"
    REVIEW = "review"
    MANUAL = "manual"
    ADDRESS = "address"
    NEW = "new"


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class SelectionReason(enum.StrEnum):
    RANDOM_DRAW = "random_draw"
    RISK_RANKING = "risk_ranking"
    COMPLAINT = "complaint"
    FOLLOW_UP = "follow_up"
    LICENCE = "licence"
    REFERRAL = "referral"
    CLUSTER = "cluster"
    OTHER = "other"
    UNKNOWN = "unknown"


class InspectionType(enum.StrEnum):
    ROUTINE = "routine"
    COMPLAINT = "complaint"
    FOLLOW_UP = "follow_up"
    LICENCE = "licence"
    SPECIAL = "special"
    JOINT = "joint"
    OTHER = "other"


class InspectionResult(enum.StrEnum):
    PASS = "pass"  # noqa: S105 - an inspection result, not a password
    PASS_WITH_CONDITIONS = "pass_with_conditions"  # noqa: S105
    FAIL = "fail"
    NO_ENTRY = "no_entry"
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    OTHER = "other"


class Severity(enum.StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"
    CRITICAL = "critical"


class PenaltyType(enum.StrEnum):
    WARNING = "warning"
    FINE = "fine"
    CONFISCATION = "confiscation"
    SUSPENSION = "suspension"
    LICENCE_REVOCATION = "licence_revocation"
    DETENTION = "detention"
    OTHER = "other"


class ListType(enum.StrEnum):
    ABNORMAL_OPERATIONS = "abnormal_operations"
    SERIOUS_ILLEGAL = "serious_illegal"


class RecordStatus(enum.StrEnum):
    """Lifecycle of a fact after objections: corrected and withdrawn facts keep their history."""

    ACTIVE = "active"
    CORRECTED = "corrected"
    WITHDRAWN = "withdrawn"


class LicenceStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    def on(self, day: date, valid_to: date | None) -> LicenceStatus:
        """The status on ``day`` of a licence recorded with this one: recorded as valid, it has expired once
        its term (``valid_to``) ended before that day, whether or not the agency has said so since."""
        if self is LicenceStatus.VALID and valid_to is not None and valid_to < day:
            return LicenceStatus.EXPIRED
        return self


class ComplaintStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    UNFOUNDED = "unfounded"
    SUBSTANTIATED = "substantiated"


class CreditClass(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    COMMITTED = "committed"
    DRAWN = "drawn"
    PLANNED = "planned"
    PUBLISHED = "published"
    RELEASED = "released"
    CLOSED = "closed"


class TaskStatus(enum.StrEnum):
    PLANNED = "planned"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ReferralStatus(enum.StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ACTED = "acted"


class ObjectionStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class RepairStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    GRANTED = "granted"
    REJECTED = "rejected"


class AlertKind(enum.StrEnum):
    JOINT_PUNISHMENT = "joint_punishment"
    REFERRAL = "referral"
