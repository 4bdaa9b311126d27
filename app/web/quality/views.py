"""Views of the ISO pages: thin wrappers around services.nonconformities, objectives, registers, iso_pack."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from wtforms import BooleanField, HiddenField, SelectField, StringField

from app.domain.localtime import local_date
from app.domain.nonconformity import Source, Status, Step
from app.domain.errors import DomainError
from app.domain.objectives import Indicator, Period, parse_period, recent_periods
from app.domain.roles import Role
from app.domain.registers import DocumentKind, Register, retention_label
from app.services import exports, iso_pack, iso_records, nonconformities, objectives, registers
from app.services.errors import ValidationFailed
from app.services.rows import MAX_ID
from app.services.units import list_units
from app.web.forms import choices, Form, PostForm, query_int
from app.services.nonconformities import MoveInput, NonconformityFilter
from app.web.context import actor, get_session, now, role_required
from app.web.quality.forms import NonconformityMoveForm, NonconformityOpenForm, RegisterEntryForm, Versioned
from app.web.reception.views import base_url
from app.web.views import form_status, submit

bp = Blueprint("quality", __name__, url_prefix="/iso")

PROCESSING = (Role.CLERK, Role.OFFICER, Role.LEADER)
READERS = (*PROCESSING, Role.INSPECTOR, Role.ADMIN)


def _id_arg(name: str) -> int | None:
    """A row id from the query string, or None when it is not one (so it never reaches the database)."""
    value = request.args.get(name, type=query_int)
    return value if value is not None and 0 < value <= MAX_ID else None


def _enum_arg(enum, name: str):  # type: ignore[no-untyped-def]
    try:
        return enum(request.args.get(name, ""))
    except ValueError:
        return None


# --- nonconformities (ISO 10.2) ------------------------------------------------------------------


@bp.get("/khong-phu-hop")
@role_required(*READERS)
def nonconformities_list():  # type: ignore[no-untyped-def]
    filters = NonconformityFilter(
        status=_enum_arg(Status, "trang-thai"), source=_enum_arg(Source, "nguon"),
        unit_id=_id_arg("don-vi"), page=request.args.get("trang", type=query_int) or 1,
    )
    session, user = get_session(), actor()
    rows, total = nonconformities.list_records(session, user, filters)
    pages = max(1, -(-total // nonconformities.PER_PAGE))
    counts = nonconformities.counts_by_status(session, [user.unit_id]) if not user.has_role(Role.INSPECTOR) else None
    return render_template(
        "quality/nonconformities.html", rows=rows, total=total, filters=filters, pages=pages,
        page=min(max(filters.page, 1), pages), counts=counts, Status=Status, Source=Source,
        what_happened=nonconformities.what_happened, reference=nonconformities.reference,
    )


@bp.route("/khong-phu-hop/moi", methods=["GET", "POST"])
@role_required(*PROCESSING)
def nonconformity_open():  # type: ignore[no-untyped-def]
    """A record opened by hand: a complaint, a wrong or lost result, an audit finding."""
    form, session = NonconformityOpenForm(), get_session()
    if request.method == "GET" and request.args.get("ma"):
        form.dossier_code.data = request.args["ma"][:64]
    done = submit(
        form,
        lambda: nonconformities.open_record(
            session, actor(), source=Source(form.source.data), description=form.description.data or "",
            dossier_code=form.dossier_code.data or "", now=now()),
        message=lambda r: f"Đã mở hồ sơ không phù hợp số {nonconformities.reference(r)}.",
        then=lambda r: url_for("quality.nonconformity", record_id=r.id),
    )
    return done or (render_template("quality/nonconformity_open.html", form=form), form_status(form))


@bp.get("/khong-phu-hop/<int:record_id>")
@role_required(*READERS)
def nonconformity(record_id: int):  # type: ignore[no-untyped-def]
    return nonconformity_page(record_id)


def nonconformity_page(record_id: int, *, form: NonconformityMoveForm | None = None, step: Step | None = None,
                       status: int = 200):  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    row = nonconformities.get_record(session, user, record_id)
    if form is None:
        form = NonconformityMoveForm(formdata=None, obj=row)
        form.version.data = str(row.version)
    form.owner_id.choices = choices([("", "— Chọn người —")] + [
        (u.id, f"{u.full_name}{' — ' + u.position if u.position else ''}")
        for u in nonconformities.possible_owners(session, row.unit_id)
    ])
    return render_template(
        "quality/nonconformity.html", row=row, form=form, failed_step=step,
        steps=nonconformities.available_steps(user, row), Step=Step, Status=Status,
        what_happened=nonconformities.what_happened(row), reference=nonconformities.reference(row),
    ), status


@bp.post("/khong-phu-hop/<int:record_id>/<step>")
@role_required(*PROCESSING)
def nonconformity_move(record_id: int, step: str):  # type: ignore[no-untyped-def]
    try:
        chosen = Step(step)
    except ValueError:
        abort(404)
    form, session = NonconformityMoveForm(), get_session()
    form.owner_id.choices = []  # checked by the service against the record's unit
    done = submit(
        form,
        lambda: nonconformities.move(session, actor(), record_id, MoveInput(
            step=chosen, version=form.version_number, cause=form.cause.data or "",
            correction=form.correction.data or "", corrective_action=form.corrective_action.data or "",
            owner_id=form.owner_id.data, action_due_on=form.action_due_on.data, report=form.report.data or "",
            effectiveness=form.effectiveness.data or ""), now=now()),
        message=lambda r: f"Đã cập nhật hồ sơ không phù hợp: {r.status.label.lower()}.",
        then=lambda r: url_for("quality.nonconformity", record_id=r.id),
    )
    if done:
        return done
    session.rollback()
    return nonconformity_page(record_id, form=form, step=chosen, status=400)


# --- quality objectives (ISO 6.2, 9.1) -----------------------------------------------------------


def _unit_id() -> int:
    """The unit a page is about: the user's own, or one an inspector chose (checked by the services)."""
    return request.args.get("don-vi", type=query_int) or actor().unit_id


def _year() -> int:
    year = request.args.get("nam", type=query_int)
    return year if year is not None and 2000 <= year <= 2100 else local_date(now()).year


def _units_to_choose() -> list:  # type: ignore[type-arg]
    units = list_units(get_session(), actor())
    return units if len(units) > 1 else []


def targets_form(table: objectives.YearTable, formdata=None) -> Form:  # type: ignore[no-untyped-def]
    """One text field per indicator (and its row's version), filled with the year's targets."""

    class TargetsForm(Form):
        pass

    for indicator in Indicator:
        row = table.targets.get(indicator)
        shown = f"{row.target.normalize():f}".replace(".", ",") if row else ""
        setattr(TargetsForm, f"target_{indicator.value}",
                StringField(indicator.label, default=shown, render_kw={"inputmode": "decimal", "maxlength": 8}))
        setattr(TargetsForm, f"version_{indicator.value}", HiddenField(default=str(row.version) if row else ""))
    return TargetsForm(formdata=formdata)


@bp.get("/muc-tieu", endpoint="objectives")
@role_required(*READERS)
def objectives_view():  # type: ignore[no-untyped-def]
    return objectives_page()


def objectives_page(form: Form | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    table = objectives.year_table(session, user, _unit_id(), _year(), now=now())
    can_set = user.unit_id == table.unit.id and user.has_role(Role.LEADER)
    return render_template(
        "quality/objectives.html", table=table, Indicator=Indicator, units=_units_to_choose(),
        form=form or (targets_form(table, formdata=None) if can_set else None), can_set=can_set,
        this_year=local_date(now()).year,
    ), status


@bp.post("/muc-tieu", endpoint="objectives_save")
@role_required(Role.LEADER)
def objectives_save():  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    year = _year()
    table = objectives.year_table(session, user, user.unit_id, year, now=now())
    form = targets_form(table, formdata=request.form)

    def values() -> dict[Indicator, tuple[str, int | None]]:
        result = {}
        for indicator in Indicator:
            version = form[f"version_{indicator.value}"].data or ""
            result[indicator] = (form[f"target_{indicator.value}"].data or "",
                                 int(version) if version.isdigit() else None)
        return result

    done = submit(
        form, lambda: objectives.set_targets(session, user, user.unit_id, year, values(), now=now()),
        message=lambda n: f"Đã lưu mục tiêu chất lượng năm {year} ({n} chỉ tiêu thay đổi).",
        then=lambda n: url_for("quality.objectives", nam=year),
    )
    if done:
        return done
    session.rollback()
    return objectives_page(form=form, status=400)


# --- documented-information registers (ISO 7.5) --------------------------------------------------


def _register(name: str) -> Register:
    try:
        return Register(name)
    except ValueError:
        abort(404)


@bp.get("/danh-muc", endpoint="registers")
@role_required(*READERS)
def registers_view():  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    data = registers.registers_of(session, user, _unit_id())
    return render_template(
        "quality/registers.html", data=data, units=_units_to_choose(), can_edit=registers.can_edit(user, data.unit.id),
        today=local_date(now()), state_of=registers.state_of, retention_label=retention_label,
        DocumentKind=DocumentKind, Register=Register, form=PostForm(),
    )


@bp.post("/danh-muc/bo-sung")
@role_required(Role.LEADER, Role.ADMIN)
def registers_prefill():  # type: ignore[no-untyped-def]
    form, session = PostForm(), get_session()
    done = submit(form, lambda: registers.prefill_for(session, actor(), actor().unit_id),
                  message=lambda n: f"Đã thêm {n} mục mặc định còn thiếu vào danh mục." if n
                  else "Danh mục đã có đủ các mục mặc định.",
                  then=lambda n: url_for("quality.registers"))
    return done or abort(400)


@bp.route("/danh-muc/<name>/moi", methods=["GET", "POST"], defaults={"entry_id": None})
@bp.route("/danh-muc/<name>/<int:entry_id>", methods=["GET", "POST"])
@role_required(*READERS)
def register_entry(name: str, entry_id: int | None):  # type: ignore[no-untyped-def]
    register, session, user = _register(name), get_session(), actor()
    row = registers.get_entry(session, user, register, entry_id) if entry_id is not None else None
    unit_id = row.unit_id if row is not None else user.unit_id
    editable = registers.can_edit(user, unit_id)
    if request.method == "POST" and not editable:
        abort(403)
    if row is not None and request.method == "GET":
        form = RegisterEntryForm(obj=row)
        if register is Register.RECORDS:
            form.retention.data = retention_label(row.retention_years)
    else:
        form = RegisterEntryForm()
    used = RegisterEntryForm.FIELDS[register.value]
    for field in {f for fields in RegisterEntryForm.FIELDS.values() for f in fields} - set(used):
        del form[field]
    if row is not None and not form.is_submitted():
        form.version.data = str(row.version)
    elif row is None and not form.is_submitted() and "is_current" in form:
        form.is_current.data = True
    done = submit(
        form,
        lambda: registers.save_entry(session, user, register, unit_id, registers.EntryInput(**{
            name: form[name].data for name in used if form[name].data is not None}),
            entry_id=entry_id, version=form.version_number, now=now()),
        message=lambda r: "Đã lưu vào " + register.label.lower() + ".",
        then=lambda r: url_for("quality.registers", _anchor=register.value),
    )
    if done:
        return done
    session.rollback()
    return render_template("quality/register_entry.html", form=form, register=register, row=row,
                           fields=used, editable=editable, shown={name: _shown(form[name]) for name in used},
                           delete_form=PostForm()), form_status(form)


def _shown(field) -> str:  # type: ignore[no-untyped-def]
    """A field's value as a reader sees it: "Có"/"Không", a choice's label, a date as dd/mm/yyyy, "—" if none."""
    data = field.data
    if isinstance(field, BooleanField):
        return "Có" if data else "Không"
    if data in (None, ""):
        return "—"
    if isinstance(field, SelectField):
        return dict((str(value), label) for value, label, *_ in field.iter_choices()).get(str(data), str(data))
    if isinstance(data, date):
        return f"{data:%d/%m/%Y}"
    return str(data)


@bp.post("/danh-muc/<name>/<int:entry_id>/xoa")
@role_required(Role.LEADER, Role.ADMIN)
def register_delete(name: str, entry_id: int):  # type: ignore[no-untyped-def]
    register, form, session = _register(name), Versioned(), get_session()
    done = submit(form, lambda: registers.delete_entry(session, actor(), register, entry_id,
                                                       version=form.version_number, now=now()),
                  message=lambda r: "Đã xoá khỏi " + register.label.lower() + ".",
                  then=lambda r: url_for("quality.registers", _anchor=register.value))
    return done or abort(400)


# --- management review (ISO 9.3) and the record pack ---------------------------------------------


def _period() -> Period:
    text = request.args.get("ky") or request.form.get("ky") or str(local_date(now()).year)
    try:
        return parse_period(text)
    except DomainError as error:
        raise ValidationFailed({"ky": error.message}) from None


@bp.get("/", endpoint="review")
@role_required(Role.LEADER, Role.INSPECTOR, Role.ADMIN)
def review_view():  # type: ignore[no-untyped-def]
    session, user = get_session(), actor()
    period = _period()
    data = iso_records.review(session, user, _unit_id(), period, now=now())
    return render_template(
        "quality/review.html", review=data, period=period, periods=recent_periods(local_date(now())),
        units=_units_to_choose(), rows=iso_pack.summary_rows(data, with_objectives=False), Indicator=Indicator, Source=Source,
        can_pack=iso_pack.can_make(user, data.unit.id), form=PostForm(),
    )


@bp.post("/bo-ho-so")
@role_required(Role.LEADER, Role.INSPECTOR)
def pack():  # type: ignore[no-untyped-def]
    """Queue the pack (minutes of work for a commune-year): the scheduler makes it, the job page shows progress."""
    form = PostForm()
    if not form.validate_on_submit():
        raise ValidationFailed({"ky": "Phiên làm việc đã hết hạn; vui lòng tải lại trang."})
    session = get_session()
    job = exports.request_iso_pack(session, actor(), request.form.get("don-vi", type=query_int) or actor().unit_id,
                                   _period(), base_url=base_url(), now=now())
    session.commit()
    flash("Đã gửi yêu cầu tạo bộ hồ sơ ISO; khi xong sẽ có thông báo và nút tải về trên trang này.", "success")
    return redirect(url_for("exports.job", job_id=job.id), code=303)
