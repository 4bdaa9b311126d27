"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from models.base import Base
from models.calendar import CalendarOverride
from models.desk import NonReception
from models.dossier import Dossier, DossierDocument, DossierEvent
from models.org import Department, Unit, User, UserRole
from models.printing import PrintedDocument
from models.procedure import Procedure, ProcedureDocument, ProcedureStep

__all__ = [
    "Base",
    "CalendarOverride",
    "Department",
    "Dossier",
    "DossierDocument",
    "DossierEvent",
    "NonReception",
    "Procedure",
    "PrintedDocument",
    "ProcedureDocument",
    "ProcedureStep",
    "Unit",
    "User",
    "UserRole",
]
