"""Who may see and change which unit's rows (unit separation).

- Everyone sees their own unit.
- An admin also manages every unit below their own in the unit tree.
- An inspector sees every unit, read-only.
- Clerks, officers and leaders never see another unit's rows.

A row outside what a user may see is reported as not found, so that its
existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.roles import Role
from app.services.errors import Forbidden, NotFound
from app.services.rows import find
from models import Unit, User


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """Ids of ``root_id`` and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, todo = set(), [root_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, ()))
    return found


def manageable_unit_ids(session: Session, user: User) -> set[int]:
    """Units whose settings, users and catalogue ``user`` may change."""
    if not user.has_role(Role.ADMIN):
        return set()
    return subtree_ids(session, user.unit_id)


def visible_unit_ids(session: Session, user: User) -> set[int] | None:
    """Units whose rows ``user`` may read; None means every unit."""
    if user.has_role(Role.INSPECTOR):
        return None
    return {user.unit_id} | manageable_unit_ids(session, user)


def can_see_unit(session: Session, user: User, unit_id: int) -> bool:
    """Whether ``user`` may read rows of unit ``unit_id``."""
    visible = visible_unit_ids(session, user)
    return visible is None or unit_id in visible


def get_visible_unit(session: Session, user: User, unit_id: int) -> Unit:
    """The unit if ``user`` may read it; NotFound otherwise."""
    unit = find(session, Unit, unit_id)
    if unit is None or not can_see_unit(session, user, unit_id):
        raise NotFound("Không tìm thấy đơn vị.")
    return unit


def get_manageable_unit(session: Session, user: User, unit_id: int) -> Unit:
    """The unit if ``user`` may change it; NotFound or Forbidden otherwise."""
    unit = get_visible_unit(session, user, unit_id)
    if unit_id not in manageable_unit_ids(session, user):
        raise Forbidden("Bạn chỉ có quyền xem, không có quyền thay đổi dữ liệu của đơn vị này.")
    return unit
