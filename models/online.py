"""Dossiers filed online on the national portal, as the provincial platform hands them over (issue 21).

An online dossier is not a dossier of the desk yet: it waits in the queue
"Hồ sơ trực tuyến chờ tiếp nhận" until a clerk accepts it (then a ``Dossier``
is received, its code allocated and its clock started at that instant:
domain.md D1), asks for a supplement (Mẫu 02, sent back to the portal) or
refuses it (Mẫu 03). The portal's code (``portal_code``) makes the hand-over
idempotent: the platform sending the same dossier again finds this row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.online import OnlineState
from app.domain.workflow import IdKind, ResultDelivery
from models.base import Base, enum_column_type, str_40, str_100, str_255, str_500, utc_datetime
from models.desk import NonReception
from models.dossier import Dossier
from models.org import Unit, User


class OnlineDossier(Base):
    """One dossier filed on the portal for a unit, from its arrival to the clerk's decision."""

    __tablename__ = "online_dossier"

    id: Mapped[int] = mapped_column(primary_key=True)
    portal_code: Mapped[str] = mapped_column(String(64), unique=True)  # MaHoSo on the portal
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    procedure_code: Mapped[str_40]  # MaTTHC
    procedure_name: Mapped[str_500] = mapped_column(default="")  # TenTTHC as the portal names it
    submitted_at: Mapped[utc_datetime]  # NgayNopHoSo: when the citizen filed it (the clock does not start here)
    arrived_at: Mapped[utc_datetime]  # when the platform handed it to Một Cửa
    updated_at: Mapped[utc_datetime]  # the last hand-over (a supplement brings it back)

    applicant_name: Mapped[str_100]
    applicant_id_kind: Mapped[IdKind] = mapped_column(enum_column_type(IdKind))
    applicant_id_number: Mapped[str_40]
    applicant_phone: Mapped[str_40] = mapped_column(default="")
    applicant_email: Mapped[str_255] = mapped_column(default="")
    applicant_address: Mapped[str_500] = mapped_column(default="")
    owner_name: Mapped[str_100] = mapped_column(default="")
    owner_id_number: Mapped[str_40] = mapped_column(default="")
    result_delivery: Mapped[ResultDelivery] = mapped_column(enum_column_type(ResultDelivery))
    delivery_address: Mapped[str_500] = mapped_column(default="")
    fee_amount: Mapped[int] = mapped_column(default=0)
    # The flags the national indicators count (QĐ 766: 3.3, 3.6, 4.x).
    vneid_verified: Mapped[bool] = mapped_column(default=False)
    paid_online: Mapped[bool] = mapped_column(default=False)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON(), default=list)  # name, url, sha256, reused

    state: Mapped[OnlineState] = mapped_column(enum_column_type(OnlineState))
    handovers: Mapped[int] = mapped_column(default=1)  # 2 and more: the citizen supplemented it
    decided_at: Mapped[utc_datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"), unique=True)
    non_reception_id: Mapped[int | None] = mapped_column(ForeignKey("non_reception.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text(), default="")  # NoiDung: what the citizen wrote with it
    personal_data_erased_at: Mapped[utc_datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[User | None] = relationship()
    dossier: Mapped[Dossier | None] = relationship()
    non_reception: Mapped[NonReception | None] = relationship()

    __table_args__ = (Index("ix_online_dossier_queue", "unit_id", "state", "updated_at"),)
    __mapper_args__ = {"version_id_col": version}
