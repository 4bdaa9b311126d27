"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from models.base import Base
from models.calendar import CalendarOverride
from models.org import Department, Unit, User, UserRole
from models.procedure import Procedure, ProcedureDocument, ProcedureStep

__all__ = [
    "Base",
    "CalendarOverride",
    "Department",
    "Procedure",
    "ProcedureDocument",
    "ProcedureStep",
    "Unit",
    "User",
    "UserRole",
]
