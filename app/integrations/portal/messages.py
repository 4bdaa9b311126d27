"""The portal's message for one dossier, built from plain data; validated against the JSON Schemas.

Plain Python over dataclasses: no Flask, no database. The mapping of statuses,
channels and delivery methods to the portal's codes is here and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from app.domain.localtime import VN_TZ, to_local
from app.domain.workflow import Channel, DossierStatus, ResultDelivery

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "integration" / "schemas"
ENVELOPE = "goi-tin"  # the envelope every message travels in
DOSSIER = "ho-so"  # DongBoHoSo: a dossier, whole, as it stands after an event

DELIVERY_CODES = {ResultDelivery.DESK: 1, ResultDelivery.POST: 2, ResultDelivery.ELECTRONIC: 3}


def portal_time(instant: datetime | None) -> str | None:
    """``yyyyMMddHHmmss`` in Vietnam time, as the portal writes instants."""
    return f"{to_local(instant):%Y%m%d%H%M%S}" if instant is not None else None


def from_portal_time(text: str) -> datetime:
    """The instant a ``yyyyMMddHHmmss`` Vietnam-time string names."""
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)


@dataclass(frozen=True)
class Step:
    """One row of QuaTrinhXuLy: who did what, when, in which step, against which deadline."""

    person: str
    title: str
    department: str
    at: datetime
    content: str
    status: DossierStatus
    started_at: datetime | None = None
    deadline: datetime | None = None


@dataclass(frozen=True)
class Supplement:
    """One row of DanhSachHoSoBoSung: a supplement asked for, and brought back."""

    asked_at: datetime
    content: str
    brought_at: datetime | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None


@dataclass(frozen=True)
class DossierRecord:
    """What the portal is told about one dossier."""

    code: str
    procedure_code: str
    unit_code: str
    receipt_number: str
    holder: str
    holder_id: str
    organisation: bool
    channel: Channel
    received_at: datetime
    due_at: datetime
    status: DossierStatus
    processing_body: str
    delivery: ResultDelivery
    rescheduled_due_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    steps: tuple[Step, ...] = ()
    supplements: tuple[Supplement, ...] = field(default_factory=tuple)


def dossier_message(record: DossierRecord) -> dict[str, Any]:
    """The HoSo object of the portal (DongBoHoSo), keys in the portal's spelling; empty optionals left out."""
    message: dict[str, Any] = {
        "MaHoSo": record.code,
        "MaTTHC": record.procedure_code,
        "MaDonVi": record.unit_code,
        "SoBienNhan": record.receipt_number,
        "ChuHoSo": record.holder,
        "LoaiDoiTuong": 2 if record.organisation else 1,
        "MaDoiTuong": record.holder_id,
        "KenhThucHien": record.channel.national_code,
        "NgayTiepNhan": portal_time(record.received_at),
        "NgayHenTra": portal_time(record.due_at),
        "TrangThaiHoSo": record.status.national_code,
        "DonViXuLy": record.processing_body,
        "HinhThucTra": DELIVERY_CODES[record.delivery],
        "QuaTrinhXuLy": [_step(s) for s in record.steps],
        "DanhSachHoSoBoSung": [_supplement(s) for s in record.supplements],
    }
    optional = {"NgayHenTraMoi": record.rescheduled_due_at, "NgayKetThucXuLy": record.finished_at,
                "NgayTra": record.returned_at}
    message.update({key: portal_time(value) for key, value in optional.items() if value is not None})
    return message


def _step(step: Step) -> dict[str, Any]:
    row: dict[str, Any] = {"NguoiXuLy": step.person, "ChucDanh": step.title, "PhongBanXuLy": step.department,
                           "ThoiDiemXuLy": portal_time(step.at), "NoiDungXuLy": step.content,
                           "TrangThai": step.status.national_code}
    if step.started_at is not None:
        row["NgayBatDau"] = portal_time(step.started_at)
    if step.deadline is not None:
        row["NgayKetThucTheoQuyDinh"] = portal_time(step.deadline)
    return row


def _supplement(item: Supplement) -> dict[str, Any]:
    row: dict[str, Any] = {"NgayYeuCau": portal_time(item.asked_at), "NoiDungBoSung": item.content}
    for key, value in (("NgayBoSung", item.brought_at), ("NgayHenTraTruoc", item.due_before),
                       ("NgayHenTraMoi", item.due_after)):
        if value is not None:
            row[key] = portal_time(value)
    return row


def envelope(message_id: str, sequence: int, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The envelope of one delivery: its id (the receiver keeps one of each), its place in the dossier's order."""
    return {"MaGoiTin": message_id, "ThuTu": sequence, "LoaiGoiTin": kind, "HoSo": body}


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for schema ``name`` that resolves the others by their file names."""
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        (f"{path.name}", Resource.from_contents(json.loads(path.read_text(encoding="utf-8"))))
        for path in SCHEMAS.glob("*.schema.json"))
    return Draft202012Validator(schema(name), registry=registry, format_checker=FormatChecker())


def problems(name: str, document: Any) -> list[str]:
    """What is wrong with ``document`` against schema ``name``, each as "path: message" ([] when valid)."""
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(gốc)'}: {error.message}"
            for error in sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))]
