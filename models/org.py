"""Organisation: units (communes, provincial offices), departments, users, roles."""

from __future__ import annotations

import secrets
from datetime import time

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.paper import PaperSize
from app.domain.roles import Role
from app.domain.working_hours import DEFAULT_SAME_DAY_CUTOFF, DEFAULT_WINDOWS, format_windows
from models.base import Base, enum_column_type, str_40, str_100, str_255, str_500, utc_datetime


def new_session_token() -> str:
    """A random token that, when changed, logs the user out everywhere."""
    return secrets.token_hex(16)


class Unit(Base):
    """An office that receives dossiers (a commune centre) or oversees others.

    Units form a tree: a province office may be the parent of its communes.
    An admin manages their own unit and the units below it.
    """

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str_40] = mapped_column(unique=True)  # mã định danh điện tử
    governing_body_name: Mapped[str_255]  # "ỦY BAN NHÂN DÂN XÃ …"
    name: Mapped[str_255]  # "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    place_name: Mapped[str_100]  # for "<Địa danh>, ngày … tháng … năm …"
    address: Mapped[str_500] = mapped_column(default="")
    phone: Mapped[str_40] = mapped_column(default="")
    email: Mapped[str_255] = mapped_column(default="")
    working_windows: Mapped[str_255] = mapped_column(default=format_windows(DEFAULT_WINDOWS))
    same_day_cutoff: Mapped[time] = mapped_column(Time(), default=DEFAULT_SAME_DAY_CUTOFF)
    receipt_paper: Mapped[PaperSize] = mapped_column(enum_column_type(PaperSize), default=PaperSize.A5)
    control_slip_paper: Mapped[PaperSize] = mapped_column(
        enum_column_type(PaperSize), default=PaperSize.A4
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    # A unit merged into another or renamed under a new code: closed (not active), its dossiers kept, and here
    # the unit that carries on its work (flask units import).
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[utc_datetime]
    updated_at: Mapped[utc_datetime]
    version: Mapped[int] = mapped_column(default=1)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children", foreign_keys=[parent_id])
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name", foreign_keys=[parent_id])
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])
    departments: Mapped[list[Department]] = relationship(
        back_populates="unit", order_by="Department.name"
    )
    users: Mapped[list[User]] = relationship(back_populates="unit", order_by="User.full_name")

    __table_args__ = (CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),)
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Department(Base):
    """A department of a unit (e.g. Tư pháp - Hộ tịch) that steps are assigned to."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str_255]
    is_active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship(back_populates="departments")

    __table_args__ = (UniqueConstraint("unit_id", "name"),)


class User(Base):
    """A person who logs in; belongs to one unit and holds one or more roles.

    Provides the attributes Flask-Login expects without importing Flask.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    username: Mapped[str_40] = mapped_column(unique=True)
    full_name: Mapped[str_100]
    position: Mapped[str_255] = mapped_column(default="")  # chức vụ, printed under signatures
    email: Mapped[str_255] = mapped_column(default="")
    password_hash: Mapped[str] = mapped_column(Text())
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())  # imported staff
    last_login_at: Mapped[utc_datetime | None]
    created_at: Mapped[utc_datetime]
    updated_at: Mapped[utc_datetime]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship(back_populates="users")
    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserRole.role"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> frozenset[Role]:
        """The roles the user holds."""
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)

    # Flask-Login's protocol. The id carries the session token so that a
    # password change or deactivation ends every open session.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column_type(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginGuard(Base):
    """Failed logins on one username, from one source or over the account (app.domain.lockout).

    ``subject`` is "user:<id>" for an existing account, else a keyed digest of
    the typed username (never the text: it may be a password typed in the
    wrong box). ``source`` is "device:<id>" or "ip:<address>" for a source,
    "" for the account.
    """

    __tablename__ = "login_guard"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str_100] = mapped_column(index=True)
    scope: Mapped[str] = mapped_column(String(16))
    source: Mapped[str_100] = mapped_column(default="")
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[utc_datetime | None]
    locked_until: Mapped[utc_datetime | None]
    updated_at: Mapped[utc_datetime] = mapped_column(index=True)

    __table_args__ = (UniqueConstraint("subject", "scope", "source"),)
