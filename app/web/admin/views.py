"""Views of the admin blueprint: units, departments, users."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from app.domain.audit import AuditKind, describe, label_of
from app.domain.paper import PaperSize
from app.domain.registers import retention_label
from app.domain.roles import Role
from app.services import audit, privacy
from app.services.documents import XLSX
from app.services.errors import ValidationFailed
from app.services import units as unit_service
from app.services import users as user_service
from app.services.access import get_manageable_unit, get_visible_unit, manageable_unit_ids
from app.services.units import UnitInput
from app.services.users import UserInput
from app.web.admin.forms import DepartmentForm, PersonLookupForm, UnitForm, UserForm
from app.web.context import actor, get_session, now, role_required
from app.web.filters import unit_label
from app.web.forms import choices, query_int
from app.web.views import apply_errors, form_status, submit

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


# --- units -----------------------------------------------------------------


@bp.get("/don-vi")
@role_required(Role.ADMIN, Role.INSPECTOR)
def units():  # type: ignore[no-untyped-def]
    """Units the user may see, as a tree."""
    session, user = get_session(), actor()
    rows = unit_service.list_units(session, user)
    return render_template(
        "admin/units.html",
        tree=_as_tree(rows),
        manageable=manageable_unit_ids(session, user),
    )


def _as_tree(rows):  # type: ignore[no-untyped-def]
    """(depth, unit) pairs, each unit under its parent, siblings by name."""
    ids = {u.id for u in rows}
    children: dict[int | None, list] = {}
    for unit in rows:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list = []

    def walk(parent_id, depth):  # type: ignore[no-untyped-def]
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.name):
            ordered.append((depth, unit))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def _unit_input(form: UnitForm) -> UnitInput:
    return UnitInput(
        code=form.code.data or "",
        governing_body_name=form.governing_body_name.data or "",
        name=form.name.data or "",
        place_name=form.place_name.data or "",
        address=form.address.data or "",
        phone=form.phone.data or "",
        email=form.email.data or "",
        working_windows=form.working_windows.data or "",
        same_day_cutoff=form.same_day_cutoff.data or "",
        receipt_paper=PaperSize(form.receipt_paper.data),
        control_slip_paper=PaperSize(form.control_slip_paper.data),
        is_active=form.is_active.data,
    )


@bp.route("/don-vi/moi", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_unit():  # type: ignore[no-untyped-def]
    """Create a unit below one the admin manages (``?parent=<id>``)."""
    session, user = get_session(), actor()
    parent_id = request.args.get("parent", type=query_int) or user.unit_id
    parent = get_manageable_unit(session, user, parent_id)
    form = UnitForm()
    if request.method == "GET":
        form.working_windows.data = parent.working_windows
        form.same_day_cutoff.data = f"{parent.same_day_cutoff:%H:%M}"
    done = submit(
        form,
        lambda: unit_service.create_unit(session, user, parent_id=parent.id, data=_unit_input(form), now=now()),
        message=lambda unit: f"Đã tạo đơn vị “{unit.governing_body_name}”.",
        then=lambda unit: url_for("admin.edit_unit", unit_id=unit.id),
    )
    if done:
        return done
    return render_template("admin/unit_form.html", form=form, parent=parent, unit=None), form_status(form)


@bp.route("/don-vi/<int:unit_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.INSPECTOR)
def edit_unit(unit_id: int):  # type: ignore[no-untyped-def]
    """Show a unit's settings and departments; let its admins change them."""
    session, user = get_session(), actor()
    unit = get_visible_unit(session, user, unit_id)
    can_edit = unit_service.can_manage(session, user, unit.id)
    form = UnitForm(obj=unit) if request.method == "GET" else UnitForm()
    if request.method == "GET":
        form.same_day_cutoff.data = f"{unit.same_day_cutoff:%H:%M}"
        form.receipt_paper.data = unit.receipt_paper.value
        form.control_slip_paper.data = unit.control_slip_paper.value
    if request.method == "POST":
        get_manageable_unit(session, user, unit.id)
        done = submit(
            form,
            lambda: unit_service.update_unit(
                session, user, unit.id, data=_unit_input(form), expected_version=form.version.data, now=now()
            ),
            message=lambda _unit: "Đã lưu thông tin đơn vị.",
            then=lambda saved: url_for("admin.edit_unit", unit_id=saved.id),
        )
        if done:
            return done
    return (
        render_template(
            "admin/unit_form.html",
            form=form,
            unit=unit,
            parent=unit.parent,
            can_edit=can_edit,
            departments=unit_service.list_departments(session, unit.id),
            department_form=DepartmentForm(formdata=None),
        ),
        form_status(form),
    )


@bp.post("/don-vi/<int:unit_id>/bo-phan")
@role_required(Role.ADMIN)
def add_department(unit_id: int):  # type: ignore[no-untyped-def]
    """Add a department to a unit."""
    session, user = get_session(), actor()
    unit = get_manageable_unit(session, user, unit_id)
    form = DepartmentForm()
    done = submit(
        form,
        lambda: unit_service.add_department(session, user, unit.id, name=form.name.data, now=now()),
        message=lambda department: f"Đã thêm bộ phận “{department.name}”.",
        then=lambda department: url_for("admin.edit_unit", unit_id=department.unit_id) + "#bo-phan",
    )
    return done or (_department_page(unit, form), 400)


@bp.post("/bo-phan/<int:department_id>")
@role_required(Role.ADMIN)
def update_department(department_id: int):  # type: ignore[no-untyped-def]
    """Rename or (de)activate a department."""
    session, user = get_session(), actor()
    form = DepartmentForm()
    done = submit(
        form,
        lambda: unit_service.update_department(
            session, user, department_id, name=form.name.data, is_active=form.is_active.data, now=now()
        ),
        message=lambda department: f"Đã lưu bộ phận “{department.name}”.",
        then=lambda department: url_for("admin.edit_unit", unit_id=department.unit_id) + "#bo-phan",
    )
    if done:
        return done
    department = unit_service.get_department(session, user, department_id)
    return _department_page(department.unit, form), 400


def _department_page(unit, department_form):  # type: ignore[no-untyped-def]
    session = get_session()
    form = UnitForm(obj=unit, formdata=None)
    form.same_day_cutoff.data = f"{unit.same_day_cutoff:%H:%M}"
    return render_template(
        "admin/unit_form.html",
        form=form,
        unit=unit,
        parent=unit.parent,
        can_edit=True,
        departments=unit_service.list_departments(session, unit.id),
        department_form=department_form,
    )


# --- users -----------------------------------------------------------------


@bp.get("/nguoi-dung")
@role_required(Role.ADMIN, Role.INSPECTOR)
def users():  # type: ignore[no-untyped-def]
    """Users of the units the user may see, optionally one unit."""
    session, user = get_session(), actor()
    unit_id = request.args.get("unit", type=query_int)
    if unit_id is not None:
        get_visible_unit(session, user, unit_id)
    rows = user_service.list_users(session, user, unit_id=unit_id)
    return render_template(
        "admin/users.html",
        users=rows,
        units=unit_service.list_units(session, user),
        selected_unit=unit_id,
        manageable=manageable_unit_ids(session, user),
        locks={row.id: lock for row in rows if (lock := user_service.locked_until(get_session(), row, now()))},
    )


def _user_choices(form: UserForm, edited=None) -> None:  # type: ignore[no-untyped-def]
    """Units the admin manages, their departments grouped by unit, grantable roles."""
    session, user = get_session(), actor()
    manageable = manageable_unit_ids(session, user)
    units = [u for u in unit_service.list_units(session, user) if u.id in manageable]
    form.unit_id.choices = choices((u.id, unit_label(u)) for u in units)
    departments = choices([("", "— Không thuộc bộ phận nào —")])
    for unit in units:
        departments += choices(
            (
                (d.id, d.name)
                for d in unit_service.list_departments(session, unit.id)
                if d.is_active or d.id == form.department_id.data
            ),
            group=unit.governing_body_name,
        )
    form.department_id.choices = departments
    # Only a top-level admin may grant the inspector role (see services.users).
    if user.unit.parent_id is not None and not (edited and Role.INSPECTOR in edited.roles):
        form.roles.choices = choices((r.value, r.label) for r in Role if r is not Role.INSPECTOR)


def _user_input(form: UserForm) -> UserInput:
    return UserInput(
        username=form.username.data or "",
        full_name=form.full_name.data or "",
        unit_id=form.unit_id.data,
        roles=frozenset(Role(r) for r in form.roles.data or ()),
        department_id=form.department_id.data,
        position=form.position.data or "",
        email=form.email.data or "",
        is_active=form.is_active.data,
        password=form.password.data or "",
    )


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():  # type: ignore[no-untyped-def]
    """Create an account."""
    session, user = get_session(), actor()
    form = UserForm()
    if request.method == "GET":
        form.unit_id.data = request.args.get("unit", type=query_int) or user.unit_id
    _user_choices(form)
    done = submit(
        form,
        lambda: user_service.create_user(session, user, _user_input(form), now=now()),
        message=lambda created: f"Đã tạo tài khoản “{created.username}”.",
        then=lambda created: url_for("admin.users", unit=created.unit_id),
    )
    return done or (render_template("admin/user_form.html", form=form, edited=None), form_status(form))


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):  # type: ignore[no-untyped-def]
    """Change an account (a new password is optional)."""
    session, user = get_session(), actor()
    edited = user_service.get_user(session, user, user_id)
    form = UserForm(obj=edited) if request.method == "GET" else UserForm()
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in edited.roles)
    _user_choices(form, edited)
    done = submit(
        form,
        lambda: user_service.update_user(
            session, user, edited.id, _user_input(form), expected_version=form.version.data, now=now()
        ),
        message=lambda saved: f"Đã lưu tài khoản “{saved.username}”.",
        then=lambda saved: url_for("admin.users", unit=saved.unit_id),
    )
    return done or (render_template("admin/user_form.html", form=form, edited=edited), form_status(form))


# --- audit log ---------------------------------------------------------------


@bp.get("/nhat-ky")
@role_required(Role.ADMIN, Role.INSPECTOR, Role.LEADER)
def audit_log():  # type: ignore[no-untyped-def]
    """The audit log of the units the user may see: logins, changes, views and exports of personal data."""
    session, user = get_session(), actor()
    kind_text = request.args.get("loai", "")
    kind = AuditKind(kind_text) if kind_text in {k.value for k in AuditKind} else None
    units = unit_service.list_units(session, user)
    unit_id = request.args.get("unit", type=query_int)
    if unit_id is not None and unit_id not in {u.id for u in units}:
        unit_id = None
    page = max(request.args.get("trang", 1, type=query_int), 1)
    entries, total = audit.list_entries(session, user, audit.AuditFilter(kind=kind, unit_id=unit_id, page=page))
    return render_template(
        "admin/audit_log.html", entries=entries, total=total, page=page,
        pages=max(1, -(-total // audit.PAGE_SIZE)), kinds=list(AuditKind), kind=kind, units=units,
        selected_unit=unit_id, units_by_id={u.id: u for u in units}, label_of=label_of, describe=describe,
        objects=audit.object_labels(session, entries),
    )


# --- personal data (Luật 91/2025/QH15) ------------------------------------------------


@bp.route("/du-lieu-ca-nhan", methods=["GET", "POST"])
@role_required(Role.LEADER, Role.ADMIN)
def personal_data():  # type: ignore[no-untyped-def]
    """Answer an access request (what we hold about one person), and see the retention of each kind of data."""
    session, user = get_session(), actor()
    form = PersonLookupForm()
    answerable = privacy.request_unit_ids(session, user)
    units = [u for u in unit_service.list_units(session, user) if u.id in answerable]
    unit_id = request.args.get("unit", type=query_int)
    unit = next((u for u in units if u.id == unit_id), None) or next((u for u in units if u.id == user.unit_id),
                                                                      units[0] if units else None)
    found, status = None, 200
    if form.validate_on_submit():
        try:
            found = privacy.find_person(session, user, form.id_number.data or "", now=now())
            session.commit()
        except ValidationFailed as error:
            apply_errors(form, error)
            status = 400
    elif form.is_submitted():
        status = 400
    plan = privacy.retention_plan(session, unit, now=now()) if unit else []
    response = Response(render_template("admin/personal_data.html", form=form, found=found, plan=plan, units=units,
                                        unit=unit, export_form=PersonLookupForm(formdata=None),
                                        label_of=label_of, retention_label=retention_label), status)
    response.headers["Cache-Control"] = "no-store"  # personal data
    return response


@bp.post("/du-lieu-ca-nhan/xuat")
@role_required(Role.LEADER, Role.ADMIN)
def personal_data_export():  # type: ignore[no-untyped-def]
    """The PDF or XLSX of one person's data, to hand to them; logged against every row it shows."""
    session, user = get_session(), actor()
    form = PersonLookupForm()
    if not form.validate_on_submit():
        raise ValidationFailed({"id_number": "Yêu cầu không hợp lệ; vui lòng tìm lại."})
    content, filename = privacy.person_export(session, user, form.id_number.data or "", now=now(),
                                              fmt=form.format.data or "")
    session.commit()
    response = Response(content, mimetype="application/pdf" if filename.endswith(".pdf") else XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
