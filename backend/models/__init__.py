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
from backend.models.certification import (
    CaseTask,
    CertificationRecord,
    CertificationSchedule,
    IdentityVerification,
    VerificationAttempt,
)
from backend.models.helper_registry import RegisteredHelper
from backend.models.monitoring import MonitoredPerson, MonitoringAlert, MonitoringImport
from backend.models.recipient_services import (
    Certificate,
    LinkedBenefit,
    NoticeObjection,
    PublicNotice,
)
from backend.models.staff import AuditEntry, StaffLoginAttempt, StaffSession, StaffUser
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
    "IdempotencyRecord", "LookupAttempt", "SigningCode", "StaffLoginAttempt", "StaffSession", "StaffUser",
    "RegisteredHelper",
    "MonitoredPerson", "MonitoringAlert", "MonitoringImport",
    "Certificate", "LinkedBenefit", "NoticeObjection", "PublicNotice",
    "CaseTask", "CertificationRecord", "CertificationSchedule", "IdentityVerification",
    "VerificationAttempt",
]
