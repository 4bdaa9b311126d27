"""The app's URL map as the security walks see it (tests/web/test_route_walk.py, test_csrf_walk.py)."""

from __future__ import annotations

import re

# Routes anyone may use without logging in (the citizen's QR pages, the login page, static files).
PUBLIC = {"static", "public.robots", "public.health", "public.lookup", "public.status", "public.rate", "auth.login", "api.openapi"}
METHODS = ("GET", "POST")
# Arguments naming a row that belongs to a unit.
ROW_ARGUMENTS = {"dossier_id", "record_id", "entry_id", "override_id", "token_id", "department_id", "unit_id",
                 "user_id", "procedure_id", "notice_id", "code", "online_id", "portal_code", "job_id"}


def path_arguments(rule) -> set[str]:  # type: ignore[no-untyped-def]
    """The variables of the rule's path (``rule.arguments`` also holds the defaults' keys)."""
    return set(re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule.rule))


def routes(app):  # type: ignore[no-untyped-def]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (("xoa" in r.rule or "thu-hoi" in r.rule), r.rule)):
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def url_of(rule, rows) -> str:  # type: ignore[no-untyped-def]
    values = {}
    for argument in path_arguments(rule):
        if argument == "record_id":
            values[argument] = rows["_non_reception"] if rule.rule.startswith("/phieu") else rows["_nonconformity"]
        elif argument == "name" and rule.endpoint == "reports.export":
            values[argument] = "bieu-06"
        elif argument == "filename":
            values[argument] = "css/app.css"
        elif argument == "token":
            values[argument] = "x" * 43
        else:
            values[argument] = rows[argument]
    return rule.build(values, append_unknown=False)[1]
