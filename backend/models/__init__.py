"""ORM models; importing this package registers every table on `Base.metadata`."""

from backend.models.base import Base
from backend.models.case import (
    Applicant,
    AuthorisationSignature,
    Case,
    CaseEvent,
    CaseHelper,
    HouseholdMember,
    SigningCode,
)
from backend.models.staff import AuditEntry, StaffSession, StaffUser
from backend.models.support import (
    EligibilityPrecheck,
    Escalation,
    EscalationReply,
    IdempotencyRecord,
    LookupAttempt,
)

__all__ = [
    "Applicant", "AuditEntry", "AuthorisationSignature", "Base", "Case", "CaseEvent",
    "CaseHelper", "EligibilityPrecheck", "Escalation", "EscalationReply", "HouseholdMember",
    "IdempotencyRecord", "LookupAttempt", "SigningCode", "StaffSession", "StaffUser",
]
