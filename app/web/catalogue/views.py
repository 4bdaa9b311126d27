"""Views of the catalogue blueprint."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required

from app.domain.catalogue import DocumentSpec, ProcedureLevel, StepSpec
from app.domain.durations import DurationKind, SupplementPolicy, format_amount, parse_amount
from app.domain.errors import DomainError
from app.domain.localtime import local_date
from app.domain.roles import Role
from app.services import catalogue as service
from app.services.access import get_manageable_unit, get_visible_unit, manageable_unit_ids
from app.services.errors import ValidationFailed
from app.services.units import list_departments, list_units
from app.web.catalogue.forms import SPARE_ROWS, ProcedureForm
from app.web.context import actor, get_session, now, role_required
from app.web.forms import choices, query_int
from app.web.views import submit

bp = Blueprint("catalogue", __name__, url_prefix="/thu-tuc")


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    """Procedures of a unit: those in force today, or every version."""
    session, user = get_session(), actor()
    unit = get_visible_unit(session, user, request.args.get("unit", type=query_int) or user.unit_id)
    show_all = request.args.get("all") == "1"
    today = local_date(now())
    search = request.args.get("q", "")[:100]
    procedures = service.list_procedures(
        session, user, unit.id, in_force_on=None if show_all else today, search=search
    )
    return render_template(
        "catalogue/index.html",
        unit=unit,
        units=list_units(session, user),
        procedures=procedures,
        show_all=show_all,
        search=search,
        today=today,
        can_edit=unit.id in manageable_unit_ids(session, user),
    )


@bp.get("/<int:procedure_id>")
@login_required
def detail(procedure_id: int):  # type: ignore[no-untyped-def]
    """One procedure version with its documents, steps and other versions."""
    session, user = get_session(), actor()
    procedure = service.get_procedure(session, user, procedure_id)
    return render_template(
        "catalogue/detail.html",
        procedure=procedure,
        versions=service.list_versions(session, procedure),
        can_edit=procedure.unit_id in manageable_unit_ids(session, user),
        today=local_date(now()),
    )


def _prepare(form: ProcedureForm, unit_id: int) -> None:
    """Fill the department choices and add spare blank rows for typing."""
    departments = list_departments(get_session(), unit_id, active_only=True)
    options = choices([("", "—")] + [(d.id, d.name) for d in departments])
    if request.method == "GET":
        for _ in range(SPARE_ROWS):
            form.documents.append_entry()
            form.steps.append_entry()
    for row in form.steps:
        row.form.department_id.choices = options


def _input(form: ProcedureForm) -> service.ProcedureInput:
    """Turn the form into the service's input; row parse errors raise ValidationFailed."""
    documents = tuple(
        DocumentSpec(
            row.form.name.data or "",
            row.form.originals.data or 0,
            row.form.certified_copies.data or 0,
            row.form.photocopies.data or 0,
            row.form.requirement.data or "required",
            row.form.group.data or "",
        )
        for row in form.documents
        if not row.form.is_blank()
    )
    steps = []
    for index, row in enumerate((r for r in form.steps if not r.form.is_blank()), start=1):
        try:
            share = parse_amount(row.form.share.data)
        except DomainError as error:
            raise ValidationFailed({"steps": f"Bước {index}: {error.message}"}) from None
        try:
            role = Role(row.form.role.data) if row.form.role.data else None
        except ValueError:
            raise ValidationFailed({"steps": f"Bước {index}: vai trò không hợp lệ."}) from None
        steps.append(StepSpec(row.form.name.data or "", share, row.form.department_id.data, role))
    return service.ProcedureInput(
        code=form.code.data or "",
        name=form.name.data or "",
        field_name=form.field_name.data or "",
        level=ProcedureLevel(form.level.data),
        duration_kind=DurationKind(form.duration_kind.data),
        duration_value=form.duration_value.data or "",
        effective_from=form.effective_from.data,
        effective_to=form.effective_to.data,
        supplement_policy=SupplementPolicy(form.supplement_policy.data),
        fee_text=form.fee_text.data or "",
        result_text=form.result_text.data or "",
        legal_basis=form.legal_basis.data or "",
        published_by=form.published_by.data or "",
        documents=documents,
        steps=tuple(steps),
    )


def _fill_from(form: ProcedureForm, procedure) -> None:  # type: ignore[no-untyped-def]
    """Copy a stored version into a GET form (for edit and new version)."""
    form.code.data = procedure.code
    form.name.data = procedure.name
    form.field_name.data = procedure.field_name
    form.level.data = procedure.level.value
    form.duration_kind.data = procedure.duration_kind.value
    form.duration_value.data = (
        "" if procedure.duration_kind is DurationKind.SAME_DAY else format_amount(procedure.duration_value)
    )
    form.supplement_policy.data = procedure.supplement_policy.value
    form.fee_text.data = procedure.fee_text
    form.result_text.data = procedure.result_text
    form.legal_basis.data = procedure.legal_basis
    form.published_by.data = procedure.published_by
    form.effective_from.data = procedure.effective_from
    form.effective_to.data = procedure.effective_to
    while form.documents.entries:
        form.documents.pop_entry()
    while form.steps.entries:
        form.steps.pop_entry()
    for doc in procedure.documents:
        form.documents.append_entry(
            {
                "name": doc.name,
                "originals": doc.originals,
                "certified_copies": doc.certified_copies,
                "photocopies": doc.photocopies,
                "requirement": doc.requirement,
                "group": doc.alt_group,
            }
        )
    for step in procedure.steps:
        form.steps.append_entry(
            {
                "name": step.name,
                "department_id": step.department_id,
                "role": step.responsible_role.value if step.responsible_role else "",
                "share": format_amount(step.share),
            }
        )


def _render_form(form, *, unit, procedure, mode, status):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "catalogue/form.html",
            form=form,
            unit=unit,
            procedure=procedure,
            mode=mode,
            share_units={k.value: k.share_unit for k in DurationKind},
        ),
        status,
    )


def _form_page(form, *, unit, procedure, mode, action):  # type: ignore[no-untyped-def]
    """Show the procedure form (GET) or run ``action(input)`` for it (POST)."""
    _prepare(form, unit.id)
    if request.method == "GET":
        return _render_form(form, unit=unit, procedure=procedure, mode=mode, status=200)
    done = submit(
        form,
        lambda: action(_input(form)),
        message=lambda saved: f"Đã lưu thủ tục “{saved.name}”.",
        then=lambda saved: url_for("catalogue.detail", procedure_id=saved.id),
    )
    return done or _render_form(form, unit=unit, procedure=procedure, mode=mode, status=400)


def _managed_procedure(procedure_id: int):  # type: ignore[no-untyped-def]
    """The procedure and its unit, if the user may change them."""
    session, user = get_session(), actor()
    procedure = service.get_procedure(session, user, procedure_id)
    return procedure, get_manageable_unit(session, user, procedure.unit_id)


@bp.route("/moi", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new():  # type: ignore[no-untyped-def]
    """Add a procedure to a unit's catalogue (``?unit=<id>``)."""
    session, user = get_session(), actor()
    unit = get_manageable_unit(session, user, request.args.get("unit", type=query_int) or user.unit_id)
    form = ProcedureForm()
    if request.method == "GET":
        form.effective_from.data = local_date(now())
    return _form_page(
        form, unit=unit, procedure=None, mode="new",
        action=lambda data: service.create_procedure(session, user, unit.id, data, now=now()),
    )


@bp.route("/<int:procedure_id>/sua", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(procedure_id: int):  # type: ignore[no-untyped-def]
    """Correct a procedure version."""
    procedure, unit = _managed_procedure(procedure_id)
    form = ProcedureForm()
    if request.method == "GET":
        _fill_from(form, procedure)
        form.version.data = procedure.version
    return _form_page(
        form, unit=unit, procedure=procedure, mode="edit",
        action=lambda data: service.update_procedure(
            get_session(), actor(), procedure.id, data, expected_version=form.version.data, now=now()
        ),
    )


@bp.route("/<int:procedure_id>/phien-ban-moi", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_version(procedure_id: int):  # type: ignore[no-untyped-def]
    """Add a version that supersedes this one from a chosen date."""
    procedure, unit = _managed_procedure(procedure_id)
    form = ProcedureForm()
    if request.method == "GET":
        _fill_from(form, procedure)
        form.effective_from.data = max(
            local_date(now()) + timedelta(days=1), procedure.effective_from + timedelta(days=1)
        )
        form.effective_to.data = None
    return _form_page(
        form, unit=unit, procedure=procedure, mode="version",
        action=lambda data: service.create_next_version(get_session(), actor(), procedure.id, data, now=now()),
    )
