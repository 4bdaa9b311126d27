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
from app.domain.reconcile import Side
from app.domain.workflow import Channel, DossierStatus, IdKind, ResultDelivery

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "integration" / "schemas"
ENVELOPE = "goi-tin"  # the envelope every message travels in
DOSSIER = "ho-so"  # DongBoHoSo: a dossier, whole, as it stands after an event
ANSWER = "phan-hoi"  # PhanHoiHoSoTrucTuyen: the unit's answer on a dossier filed online and not received
ONLINE = "ho-so-truc-tuyen"  # what the platform hands over: a dossier filed online

ID_KINDS = {1: IdKind.CITIZEN_ID, 2: IdKind.PASSPORT, 3: IdKind.TAX_CODE, 4: IdKind.OTHER}

DELIVERY_CODES = {ResultDelivery.DESK: 1, ResultDelivery.POST: 2, ResultDelivery.ELECTRONIC: 3}
DELIVERIES = {code: delivery for delivery, code in DELIVERY_CODES.items()}


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
    portal_code: str | None = None  # filed online: the portal's own code
    steps: tuple[Step, ...] = ()
    supplements: tuple[Supplement, ...] = field(default_factory=tuple)


def dossier_message(record: DossierRecord) -> dict[str, Any]:
    """The HoSo object of the portal (DongBoHoSo), keys in the portal's spelling; empty optionals left out."""
    message: dict[str, Any] = {
        "MaHoSo": record.code,
        **({"MaHoSoCongDVC": record.portal_code} if record.portal_code else {}),
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


def side_of(dossier: dict[str, Any]) -> Side:
    """A HoSo as the platform holds it, for the reconciliation: status, due and finish instants."""
    finished = dossier.get("NgayKetThucXuLy")
    return Side(dossier["MaHoSo"], int(dossier["TrangThaiHoSo"]), from_portal_time(dossier["NgayHenTra"]),
                from_portal_time(finished) if finished else None)


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


@dataclass(frozen=True)
class FiledDocument:
    """One file of a dossier filed online: where the platform keeps it and its SHA-256."""

    name: str
    url: str
    sha256: str
    reused: bool = False  # from the national data store: the citizen did not file it again


@dataclass(frozen=True)
class OnlineFiling:
    """A dossier filed online, as the platform hands it over (HoSoTrucTuyen), in Một Cửa's terms."""

    portal_code: str
    procedure_code: str
    procedure_name: str
    unit_code: str
    submitted_at: datetime
    applicant_name: str
    applicant_id_kind: IdKind
    applicant_id_number: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    owner_name: str
    owner_id_number: str
    delivery: ResultDelivery
    delivery_address: str
    fee_amount: int
    paid_online: bool
    vneid_verified: bool
    note: str
    documents: tuple[FiledDocument, ...]


def read_filing(document: dict[str, Any]) -> OnlineFiling:
    """A HoSoTrucTuyen already valid against its schema (``problems(ONLINE, …)`` is empty), in Một Cửa's terms."""
    person, owner = document["NguoiNop"], document.get("ChuHoSo") or {}
    return OnlineFiling(
        portal_code=document["MaHoSo"], procedure_code=document["MaTTHC"].strip(),
        procedure_name=document.get("TenTTHC", ""), unit_code=document["MaDonVi"].strip(),
        submitted_at=from_portal_time(document["NgayNopHoSo"]),
        applicant_name=person["HoTen"], applicant_id_kind=ID_KINDS[person["LoaiGiayTo"]],
        applicant_id_number=person["SoGiayTo"], applicant_phone=person.get("SoDienThoai", ""),
        applicant_email=person.get("Email", ""), applicant_address=person.get("DiaChi", ""),
        owner_name=owner.get("HoTen", ""), owner_id_number=owner.get("SoGiayTo", ""),
        delivery=DELIVERIES[document["HinhThucTra"]], delivery_address=document.get("DiaChiNhanKetQua", ""),
        fee_amount=document.get("LePhi", 0), paid_online=document.get("DaThanhToanTrucTuyen", False),
        vneid_verified=document.get("XacThucVNeID", False), note=document.get("NoiDung", ""),
        documents=tuple(FiledDocument(d["TenGiayTo"], d["DuongDan"], d["MaHash"], d.get("TaiSuDung", False))
                        for d in document["ThanhPhanHoSo"]),
    )


@dataclass(frozen=True)
class OnlineAnswer:
    """The unit's answer on a dossier filed online that it did not receive: Mẫu 02 or Mẫu 03, sent electronically."""

    portal_code: str
    unit_code: str
    refused: bool  # Mẫu 03; else Mẫu 02 (a supplement asked)
    letter_number: str  # "<number>/<year>"
    at: datetime
    person: str
    reason: str
    missing: tuple[str, ...] = ()
    citizen_message: str = ""


def answer_message(answer: OnlineAnswer) -> dict[str, Any]:
    """The PhanHoi object of the portal."""
    message: dict[str, Any] = {
        "MaHoSo": answer.portal_code, "MaDonVi": answer.unit_code,
        "TrangThaiHoSo": (DossierStatus.REFUSED if answer.refused else DossierStatus.SUPPLEMENT_REQUESTED).national_code,
        "SoPhieu": answer.letter_number, "ThoiDiemXuLy": portal_time(answer.at), "NguoiXuLy": answer.person,
        "LyDo": answer.reason,
    }
    if answer.missing:
        message["DanhSachGiayToBoSung"] = list(answer.missing)
    if answer.citizen_message:
        message["LoiNhan"] = answer.citizen_message
    return message


def envelope(message_id: str, sequence: int, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The envelope of one delivery: its id (the receiver keeps one of each), its place in the dossier's order;
    ``body`` travels as HoSo (DongBoHoSo) or PhanHoi (PhanHoiHoSoTrucTuyen)."""
    return {"MaGoiTin": message_id, "ThuTu": sequence, "LoaiGoiTin": kind, BODY_KEYS[kind]: body}


BODY_KEYS = {"DongBoHoSo": "HoSo", "PhanHoiHoSoTrucTuyen": "PhanHoi"}


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


def field_problems(name: str, document: Any) -> dict[str, str]:
    """What is wrong with ``document`` against schema ``name``, in Vietnamese, by the field's path ({} if valid).

    For the answers Một Cửa gives the platform (400 naming each faulty field), where problems() are for logs.
    """
    found: dict[str, str] = {}
    for error in sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = next((p for p in error.validator_value if p not in (error.instance or {})), "")
            path.append(missing)
        found.setdefault("/".join(path) or "(gốc)", _in_vietnamese(error))
        if len(found) >= 20:
            break
    return found


def _in_vietnamese(error: Any) -> str:  # a jsonschema ValidationError
    kind, value = error.validator, error.validator_value
    if kind == "required":
        return "Thiếu trường bắt buộc."
    if kind == "type":
        return f"Sai kiểu dữ liệu (cần {_TYPES.get(str(value), value)})."
    if kind in ("enum", "const"):
        allowed = value if kind == "enum" and isinstance(value, list) else [value]
        return f"Giá trị phải là một trong: {', '.join(map(str, allowed))}."
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(str(key) for key in set(error.instance) - set(error.schema.get("properties", {})))
        return f"Có trường không được nhận: {', '.join(extra[:5])}."
    words = {"pattern": "Không đúng định dạng.", "maxLength": f"Tối đa {value} ký tự.",
             "minLength": "Không được để trống." if value == 1 else f"Tối thiểu {value} ký tự.",
             "minimum": f"Tối thiểu {value}.", "maximum": f"Tối đa {value}.",
             "minItems": f"Cần ít nhất {value} phần tử.", "maxItems": f"Tối đa {value} phần tử."}
    return words.get(kind, "Giá trị không hợp lệ.")


_TYPES = {"string": "chuỗi", "integer": "số nguyên", "boolean": "true/false", "object": "đối tượng",
          "array": "danh sách", "number": "số"}

