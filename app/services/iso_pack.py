"""The ISO record pack: one ZIP holding a unit's ISO 9001 records for a period.

Contents (names in Vietnamese, numbered in reading order):

- ``00-tong-hop-xem-xet-lanh-dao.xlsx``: the figures of the management
  review page (ISO 9.3), the same numbers;
- ``01-mau-07-so-theo-doi-ho-so.pdf`` and ``.xlsx``: the logbook of the
  dossiers received in the period;
- ``02-mau-06-phieu-kiem-soat/<mã hồ sơ>.pdf``: the control slip of each of
  those dossiers, as it stands;
- ``03-ho-so-qua-han-va-van-ban-xin-loi.xlsx``: every late dossier of the
  period with its Mẫu 04 and its nonconformity record;
- ``04-su-khong-phu-hop-va-hanh-dong-khac-phuc.xlsx``;
- ``05-muc-tieu-chat-luong-va-ket-qua.xlsx``: targets against the measured
  months and quarters;
- ``06-danh-muc-tai-lieu-va-ho-so.xlsx``: the three registers of ISO 7.5;
- ``manifest.json`` (what is inside: counts, sizes, SHA-256) and
  ``doc-truoc.txt`` (the same in words).

The pack holds personal data (names and addresses in the logbook and on the
slips): only the unit's leader and inspectors above it may make one, and
each one made is written to the audit log.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO

from sqlalchemy.orm import Session

from app.domain.localtime import local_date, to_local
from app.domain.nonconformity import Source, Status
from app.domain.objectives import Indicator, Period
from app.domain.registers import DocumentKind, retention_label
from app.domain.roles import Role
from app.services import audit, documents, iso_records, objectives, registers
from app.services.access import get_visible_unit
from app.services.errors import Forbidden, ValidationFailed
from app.services.calendar import unit_calendar
from app.services.nonconformities import reference, what_happened
from models import Unit, User
from printing import form06_control_slip, form07_logbook, iso_records as sheets
from printing.parallel import Renderers
from printing.iso_records import Column, Heading, Sheet

SPOOL_BYTES = 32 * 1024 * 1024  # kept in memory up to this size, then on disk
SLIP_DIR = "02-mau-06-phieu-kiem-soat"
SLIP_BATCH = 200  # dossiers loaded at a time for their control slips
FIXED_FILES = 7  # the files of every pack besides the slips (00, 01 ×2, 03, 04, 05, 06)
HELPED_FROM = 100  # slips from which helper processes render them (starting one takes about a second)


@dataclass
class PackFile:
    name: str
    size: int
    sha256: str


@dataclass
class Pack:
    filename: str
    content: IO[bytes]  # positioned at 0; the caller closes it
    manifest: dict[str, object]  # what is inside: counts, and each file's size and SHA-256


def can_make(actor: User, unit_id: int) -> bool:
    return (actor.unit_id == unit_id and actor.has_role(Role.LEADER)) or actor.has_role(Role.INSPECTOR)


def check(session: Session, actor: User, unit_id: int, period: Period, *, now: datetime) -> tuple[Unit, date, date]:
    """The unit and the days of the pack ``actor`` asks for, or the reason it cannot be made."""
    unit = get_visible_unit(session, actor, unit_id)
    if not can_make(actor, unit.id):
        raise Forbidden("Chỉ lãnh đạo đơn vị hoặc thanh tra cấp trên được tải bộ hồ sơ ISO (có dữ liệu cá nhân).")
    first, last = period.start, min(period.end - timedelta(days=1), local_date(now))
    if last < first:
        raise ValidationFailed({"period": "Kỳ này chưa bắt đầu."})
    return unit, first, last


def filename(unit: Unit, period: Period) -> str:
    return f"ho-so-iso-{unit.code}-{period.slug}.zip"


def build(session: Session, actor: User, unit_id: int, period: Period, *, base_url: str, now: datetime,
          helpers: int = 0) -> Pack:
    """Make the pack of ``unit_id`` for ``period`` (cut at ``now`` while it runs) and log who made it.

    In the process that calls it (the command line); the pages queue it as a job (app.services.exports).
    """
    unit, first, last = check(session, actor, unit_id, period, now=now)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        manifest = write(session, actor, unit, period, first, last, spool, base_url=base_url, now=now, helpers=helpers)
    except BaseException:
        spool.close()
        raise
    log_made(session, actor, unit, period, manifest, now=now)
    spool.seek(0)
    return Pack(filename(unit, period), spool, manifest)


def log_made(session: Session, actor: User, unit: Unit, period: Period, manifest: dict[str, object], *,
             now: datetime) -> None:
    files = manifest["files"]
    audit.record(session, actor, "iso_pack.export", object_type="unit", object_id=unit.id, unit_id=unit.id, now=now,
                 period=period.slug, files=len(files) if isinstance(files, list) else 0)


Progress = Callable[[int, int, str], None]  # (files made, files in all, what is being made)


def write(session: Session, actor: User, unit: Unit, period: Period, first: date, last: date, out: IO[bytes], *,
          base_url: str, now: datetime, progress: Progress | None = None, helpers: int = 0) -> dict[str, object]:
    """Write the pack into ``out`` (reading only: the caller logs it) and return its manifest.

    Memory stays bounded: each file is compressed into ``out`` as soon as it is made, and the control slips are
    rendered a few at a time, by ``helpers`` other processes if any (``printing.parallel``).
    """
    review = iso_records.review_of(session, unit, period, now=now)
    return _write(session, actor, unit, period, review, first, last, out, base_url=base_url, now=now,
                  progress=progress or (lambda done, total, step: None), helpers=helpers)


def _write(session: Session, actor: User, unit: Unit, period: Period, review: iso_records.Review, first: date,
           last: date, spool: IO[bytes], *, base_url: str, now: datetime, progress: Progress,
           helpers: int) -> dict[str, object]:
    heading = Heading(unit.governing_body_name, documents.receiving_unit_name(unit), period.label, now)
    files: list[PackFile] = []  # for the manifest
    received = documents.received_dossiers(session, unit, first, last)
    logbook = documents.logbook_data(unit, first, last, received, now=now)
    slip_ids = [d.id for d in received]
    del received  # the slips load their dossiers a batch at a time: a commune-year never sits in memory whole
    total = len(slip_ids) + FIXED_FILES
    progress(0, total, "Số liệu xem xét của lãnh đạo")
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, content: bytes, next_step: str = "") -> None:
            # PDFs and XLSX are compressed inside already: stored as they are (deflating them again costs
            # seconds per commune-year and saves almost nothing).
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED)
            files.append(PackFile(name, len(content), hashlib.sha256(content).hexdigest()))
            progress(len(files), total, next_step)

        add("00-tong-hop-xem-xet-lanh-dao.xlsx", sheets.render(heading, [summary_sheet(review)]),
            "Sổ theo dõi hồ sơ (Mẫu 07)")
        add("01-mau-07-so-theo-doi-ho-so.pdf", form07_logbook.render(logbook))
        add("01-mau-07-so-theo-doi-ho-so.xlsx", form07_logbook.render_xlsx(logbook), "Phiếu kiểm soát (Mẫu 06)")
        calendar = unit_calendar(session, unit)
        render = functools.partial(form06_control_slip.render, paper=unit.control_slip_paper)

        def slips() -> Iterator[tuple[str, Callable[..., bytes], tuple[object, ...]]]:
            for start in range(0, len(slip_ids), SLIP_BATCH):
                for dossier in documents.dossiers_in_order(session, slip_ids[start:start + SLIP_BATCH]):
                    yield dossier.code, render, (documents.control_slip_data(session, dossier, base_url=base_url,
                                                                             calendar=calendar),)

        with Renderers[str](helpers if len(slip_ids) >= HELPED_FROM else 0) as renderers:
            for code, pdf in renderers.in_order(slips()):
                add(f"{SLIP_DIR}/{_safe(code)}.pdf", pdf, "Phiếu kiểm soát (Mẫu 06)")
        add("03-ho-so-qua-han-va-van-ban-xin-loi.xlsx", sheets.render(heading, [overdue_sheet(review)]),
            "Sự không phù hợp và hành động khắc phục")
        records = iso_records.nonconformities_in(session, unit.id, review.start, review.cut)
        add("04-su-khong-phu-hop-va-hanh-dong-khac-phuc.xlsx", sheets.render(heading, [nonconformity_sheet(records)]),
            "Mục tiêu chất lượng")
        table = objectives.year_table(session, actor, unit.id, period.start.year, now=now)
        add("05-muc-tieu-chat-luong-va-ket-qua.xlsx", sheets.render(heading, [objectives_sheet(table, period, local_date(now))]),
            "Danh mục tài liệu và hồ sơ")
        add("06-danh-muc-tai-lieu-va-ho-so.xlsx", sheets.render(heading, register_sheets(review, local_date(now))),
            "Danh sách tệp")
        manifest = {
            "unit": {"code": unit.code, "name": unit.governing_body_name},
            "period": {"slug": period.slug, "label": period.label, "from": first.isoformat(),
                       "to": last.isoformat(), "cut_off": review.cut.isoformat()},
            "generated_at": now.isoformat(),
            "generated_by": actor.username,
            "counts": {
                "logbook_entries": len(logbook.entries),
                "control_slips": len(slip_ids),
                "dossiers_in_period": review.counts.population,
                "overdue": len(review.overdue),
                "overdue_with_apology": review.apologised,
                "nonconformities": len(records),
                "nonconformities_opened": review.nonconformities.opened,
                "internal_documents": len(review.registers.internal),
                "external_documents": len(review.registers.external),
                "record_types": len(review.registers.records),
            },
            "measures": {
                indicator.value: {
                    "numerator": review.measures[indicator].numerator,
                    "denominator": review.measures[indicator].denominator,
                    "rate": str(review.measures[indicator].rate) if review.measures[indicator].rate is not None else None,
                    "target": str(review.targets[indicator]) if indicator in review.targets else None,
                }
                for indicator in Indicator
            },
            "files": [{"name": f.name, "bytes": f.size, "sha256": f.sha256} for f in files],
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("doc-truoc.txt", _readme(manifest, unit, period, first, last, now))
    return manifest


def _safe(code: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]", "_", code)[:120]


# --- the sheets -----------------------------------------------------------------------------------


def objective_line(review: iso_records.Review, indicator: Indicator) -> str:
    """“85,71 % (6/7) — mục tiêu ≥ 98 %: chưa đạt”."""
    value, target = review.measures[indicator], review.targets.get(indicator)
    result = f"{value.shown} ({value.numerator}/{value.denominator})" if value.denominator else "chưa có dữ liệu"
    if target is None:
        return result + " — chưa đặt mục tiêu"
    result += f" — mục tiêu ≥ {target.normalize():f}".replace(".", ",") + " %"
    met = review.met(indicator)
    return result if met is None else result + (": đạt" if met else ": CHƯA ĐẠT")


def summary_rows(review: iso_records.Review, *, with_objectives: bool = True) -> list[tuple[str, str, str]]:
    """(section, item, value) — the rows of the pack's summary sheet and of the review page (which shows the
    objectives in a table of their own)."""
    c, n = review.counts, review.nonconformities
    rows = [
        ("Kết quả giải quyết hồ sơ", "Hồ sơ tiếp nhận hoặc đang giải quyết trong kỳ", str(c.population)),
        ("Kết quả giải quyết hồ sơ", "Hồ sơ tiếp nhận trong kỳ", str(c.received)),
        ("Kết quả giải quyết hồ sơ", "Hồ sơ hoàn thành trong kỳ", str(c.finished)),
        ("Kết quả giải quyết hồ sơ", "— hoàn thành đúng hạn", str(c.finished_on_time)),
        ("Kết quả giải quyết hồ sơ", "— hoàn thành quá hạn", str(c.finished_late)),
        ("Kết quả giải quyết hồ sơ", "Đang giải quyết cuối kỳ, còn trong hạn", str(c.open_in_time)),
        ("Kết quả giải quyết hồ sơ", "Đang giải quyết cuối kỳ, đã quá hạn", str(c.open_late)),
        ("Kết quả giải quyết hồ sơ", "Hồ sơ bị yêu cầu bổ sung quá một lần", str(c.over_one_supplement)),
        ("Hồ sơ quá hạn", "Hồ sơ quá hạn trong kỳ", str(len(review.overdue))),
        ("Hồ sơ quá hạn", "— có văn bản xin lỗi (Mẫu 04)", str(review.apologised)),
    ]
    if with_objectives:
        rows += [("Mục tiêu chất lượng", i.label, objective_line(review, i)) for i in Indicator]
    rows += [
        ("Sự không phù hợp", "Mở trong kỳ", str(n.opened)),
        *[("Sự không phù hợp", f"— {source.label.lower()}", str(n.by_source[source])) for source in Source
          if n.by_source[source]],
        ("Sự không phù hợp", "Đóng trong kỳ (đã đánh giá hiệu lực)", str(n.closed_in_period)),
        ("Sự không phù hợp", "Chưa đóng (mọi thời điểm)", str(n.open_now)),
        ("Sự không phù hợp", "Hành động khắc phục quá thời hạn", str(n.actions_overdue)),
        ("Sự hài lòng", "Số đánh giá nhận được", str(review.measures[Indicator.SATISFACTION].denominator)),
        ("Sự hài lòng", "Hài lòng hoặc rất hài lòng", str(review.measures[Indicator.SATISFACTION].numerator)),
        ("Thông tin dạng văn bản", "Tài liệu nội bộ", str(len(review.registers.internal))),
        ("Thông tin dạng văn bản", "— đang áp dụng chưa ghi người phê duyệt", str(review.unapproved_documents)),
        ("Thông tin dạng văn bản", "Tài liệu có nguồn gốc bên ngoài", str(len(review.registers.external))),
        ("Thông tin dạng văn bản", "— đã hết hiệu lực", str(review.expired_texts)),
        ("Thông tin dạng văn bản", "Loại hồ sơ trong danh mục hồ sơ", str(len(review.registers.records))),
    ]
    return rows


def summary_sheet(review: iso_records.Review) -> Sheet:
    cut = "" if not review.running else f" Kỳ đang diễn ra: số liệu tính đến {to_local(review.cut):%H:%M %d/%m/%Y}."
    return Sheet("Tổng hợp", "Số liệu cho xem xét của lãnh đạo (ISO 9001:2015, điều 9.3)",
                 [Column("Nội dung", 28), Column("Chỉ tiêu", 52), Column("Số liệu", 44)],
                 summary_rows(review), notes=(
                     "Cách tính theo mục tiêu chất lượng: hồ sơ tiếp nhận trước thời điểm cuối kỳ và chưa hoàn "
                     "thành trước đầu kỳ; hạn là hạn ban đầu (hẹn lại theo Mẫu 04 không làm hồ sơ thành đúng hạn)."
                     + cut,))


def overdue_sheet(review: iso_records.Review) -> Sheet:
    rows = [(index, r.code, r.procedure, r.received_at, r.due_at, r.finished_at, r.situation, r.supplement_count,
             r.apology_number or "CHƯA CÓ", r.apology_at, r.nonconformity)
            for index, r in enumerate(review.overdue, start=1)]
    return Sheet("Quá hạn và xin lỗi", "Sổ theo dõi hồ sơ quá hạn và văn bản xin lỗi", [
        Column("TT", 5), Column("Mã hồ sơ", 26), Column("Thủ tục", 36), Column("Tiếp nhận", 16),
        Column("Hạn giải quyết", 16), Column("Hoàn thành", 16), Column("Tình trạng", 22),
        Column("Số lần yêu cầu bổ sung", 12), Column("Văn bản xin lỗi (Mẫu 04)", 14), Column("Ngày xin lỗi", 16),
        Column("Hồ sơ không phù hợp", 14),
    ], rows, notes=(f"Tổng số: {len(rows)} hồ sơ quá hạn; {review.apologised} có văn bản xin lỗi.",))


def nonconformity_sheet(records: list) -> Sheet:  # type: ignore[type-arg]
    rows = [(reference(r), r.opened_at, r.source.label, r.dossier.code if r.dossier else "",
             what_happened(r), r.step_name, r.holder_name, r.cause, r.correction, r.corrective_action,
             r.owner.full_name if r.owner else "", r.action_due_on, r.action_done_at, r.action_report,
             r.effectiveness, r.closed_at, r.status.label)
            for r in records]
    return Sheet("Không phù hợp", "Sổ theo dõi sự không phù hợp và hành động khắc phục", [
        Column("Số", 13), Column("Phát hiện", 16), Column("Nguồn", 20), Column("Mã hồ sơ", 24),
        Column("Mô tả", 40), Column("Bước trễ", 20), Column("Người giữ hồ sơ", 18), Column("Nguyên nhân", 30),
        Column("Xử lý ngay", 30), Column("Hành động khắc phục", 30), Column("Người thực hiện", 18),
        Column("Thời hạn", 12), Column("Đã thực hiện", 16), Column("Kết quả thực hiện", 30),
        Column("Đánh giá hiệu lực", 30), Column("Đóng", 16), Column("Trạng thái", 18),
    ], rows, notes=(f"Gồm hồ sơ không phù hợp mở trong kỳ và hồ sơ mở trước đó còn xử lý hoặc đóng trong kỳ: "
                    f"{len(rows)} hồ sơ; đã đóng: {sum(1 for r in records if r.status is Status.CLOSED)}.",))


def objectives_sheet(table: objectives.YearTable, period: Period, today: date) -> Sheet:
    """The months and quarters of ``period`` that have begun, against the year's targets."""
    inside = [i for i, p in enumerate(table.periods)
              if period.start <= p.start and p.end <= period.end and p.start <= today]
    columns = [Column("Kỳ", 16)]
    for indicator in Indicator:
        columns += [Column(f"{indicator.label} (%)", 16), Column("Tử số / mẫu số", 12)]
    target_row: list[object] = ["Mục tiêu"]
    for indicator in Indicator:
        row = table.targets.get(indicator)
        target_row += [float(row.target) if row else "chưa đặt", ""]
    rows: list[list[object]] = [target_row]
    for index in inside:
        line: list[object] = [table.periods[index].label]
        for indicator in Indicator:
            cell = table.cells[indicator][index]
            rate = cell.measure.rate
            verdict = "" if cell.met is None else (" đạt" if cell.met else " CHƯA ĐẠT")
            line += [float(rate) if rate is not None else "—",
                     f"{cell.measure.numerator}/{cell.measure.denominator}{verdict}"]
        rows.append(line)
    return Sheet("Mục tiêu chất lượng", "Mục tiêu chất lượng và kết quả đo lường", columns, rows,
                 notes=tuple(f"{i.label}: {i.formula}." for i in Indicator))


def register_sheets(review: iso_records.Review, today: date) -> list[Sheet]:
    data = review.registers
    return [
        Sheet("Tài liệu nội bộ", "Danh mục tài liệu nội bộ", [
            Column("Mã", 16), Column("Tên tài liệu", 50), Column("Loại", 12), Column("Lần ban hành", 10),
            Column("Ngày ban hành", 14), Column("Người phê duyệt", 22), Column("Tình trạng", 14), Column("Ghi chú", 30),
        ], [(d.code, d.title, DocumentKind(d.kind).label, d.edition, d.issued_on, d.approver,
             "Đang áp dụng" if d.is_current else "Hết hiệu lực", d.note) for d in data.internal]),
        Sheet("Tài liệu bên ngoài", "Danh mục tài liệu có nguồn gốc bên ngoài", [
            Column("Số, ký hiệu", 20), Column("Trích yếu", 50), Column("Cơ quan ban hành", 20),
            Column("Ngày ban hành", 14), Column("Hiệu lực từ", 14), Column("Hết hiệu lực", 14), Column("Tình trạng", 16),
            Column("Ghi chú", 30),
        ], [(d.number, d.title, d.issuer, d.issued_on, d.effective_on, d.expired_on,
             registers.state_of(d, today).label, d.note)
            for d in data.external]),
        Sheet("Danh mục hồ sơ", "Danh mục hồ sơ", [
            Column("Mã", 12), Column("Tên hồ sơ", 44), Column("Nơi lưu", 30), Column("Người lưu", 22),
            Column("Thời hạn lưu", 12), Column("Phương pháp huỷ", 40), Column("Ghi chú", 30),
        ], [(r.code, r.name, r.kept_at, r.owner, retention_label(r.retention_years), r.disposal, r.note)
            for r in data.records]),
    ]


def _readme(manifest: dict, unit: Unit, period: Period, first: date, last: date,  # type: ignore[type-arg]
            now: datetime) -> str:
    counts = manifest["counts"]
    lines = [
        f"BỘ HỒ SƠ ISO 9001:2015 — {unit.governing_body_name}",
        f"Kỳ: {period.label} (từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y})",
        f"Lập lúc: {to_local(now):%H:%M ngày %d/%m/%Y} — người lập: {manifest['generated_by']}",
        "",
        "Nội dung:",
        "- 00: số liệu xem xét của lãnh đạo (giống trang Xem xét của lãnh đạo trên phần mềm)",
        f"- 01: Sổ theo dõi hồ sơ (Mẫu 07), PDF và XLSX: {counts['logbook_entries']} hồ sơ tiếp nhận trong kỳ",
        f"- 02: Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06): {counts['control_slips']} phiếu",
        f"- 03: hồ sơ quá hạn và văn bản xin lỗi: {counts['overdue']} hồ sơ, {counts['overdue_with_apology']} có Mẫu 04",
        f"- 04: sự không phù hợp và hành động khắc phục: {counts['nonconformities']} hồ sơ",
        "- 05: mục tiêu chất lượng và kết quả đo lường",
        f"- 06: danh mục tài liệu nội bộ ({counts['internal_documents']}), tài liệu bên ngoài "
        f"({counts['external_documents']}), danh mục hồ sơ ({counts['record_types']})",
        "- manifest.json: danh sách tệp kèm kích thước và mã băm SHA-256 để kiểm tra tính toàn vẹn",
        "",
        "Bộ hồ sơ có dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): chỉ lưu, chuyển theo quy định.",
    ]
    return "\n".join(lines) + "\n"
