"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from models.api import ApiToken
from models.audit import AuditEntry
from models.base import Base
from models.calendar import CalendarOverride
from models.desk import NonReception
from models.dossier import Dossier, DossierDocument, DossierEvent, DossierNotice, Handover
from models.feedback import SatisfactionRating
from models.online import OnlineDossier
from models.ops import (ExportJob, JobLease, OutboxMessage, PortalMessage, RateCounter, ReconciliationRun,
                        StatusPageCache, SweepRun)
from models.org import Department, LoginGuard, Unit, User, UserRole
from models.printing import PrintedDocument
from models.search import DossierSearchTerm, NonReceptionSearchTerm
from models.tally import DossierTally, HandoverTally
from models.procedure import Procedure, ProcedureDocument, ProcedureStep
from models.quality import (
    ExpectedDelay,
    ExternalDocument,
    InternalDocument,
    Nonconformity,
    ObjectiveMeasurement,
    QualityObjective,
    RecordType,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "CalendarOverride",
    "Department",
    "DossierSearchTerm",
    "DossierTally",
    "Dossier",
    "DossierDocument",
    "DossierEvent",
    "DossierNotice",
    "ExpectedDelay",
    "ExportJob",
    "ExternalDocument",
    "Handover",
    "HandoverTally",
    "InternalDocument",
    "JobLease",
    "LoginGuard",
    "RateCounter",
    "ReconciliationRun",
    "NonReception",
    "NonReceptionSearchTerm",
    "OnlineDossier",
    "Nonconformity",
    "ObjectiveMeasurement",
    "OutboxMessage",
    "PortalMessage",
    "PrintedDocument",
    "Procedure",
    "ProcedureDocument",
    "ProcedureStep",
    "QualityObjective",
    "RecordType",
    "SatisfactionRating",
    "StatusPageCache",
    "SweepRun",
    "Unit",
    "User",
    "UserRole",
]
