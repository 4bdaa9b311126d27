"""Schemathesis, the OpenAPI fuzzer, against /api/v1/openapi.json: the document and the code agree (issue 20).

The app runs on a real HTTP server on loopback over a scratch database of the
suite's kind with the demo province loaded; Schemathesis reads the document
the app serves and sends a few thousand requests (examples, coverage,
fuzzing, and stateful sequences along the document's links) with a fixed
seed, every check it has, and its default expected statuses. A request the
document calls valid must be accepted or refused for the user's rights
(403, 404) or the dossier's state (409), never as malformed; an invalid one
must be refused; every answer must be documented and match its schema.
"""

from __future__ import annotations

import collections
import threading
from datetime import datetime, timezone

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.clock import FixedClock
from app.db import new_session
from app.services import api_tokens
from models import User

SEED = 20261207
MAX_EXAMPLES = 200  # per operation and phase: about 5,000 requests in all
ONLINE_EXAMPLES = 60  # for the two operations of the provincial platform


@pytest.fixture
def served(scratch_url, tmp_path):
    at = datetime(2026, 11, 26, 3, tzinfo=timezone.utc)
    app = create_app({"SECRET_KEY": "contract", "DATABASE_URL": scratch_url, "INSTANCE_PATH": str(tmp_path / "i"),
                      "CLOCK": FixedClock(at), "RATELIMIT_ENABLED": False})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    session = new_session(app)
    clerk = session.scalars(select(User).where(User.username == "anbinh.tiepnhan")).one()
    _, token = api_tokens.create_token(session, clerk, clerk.id, "Schemathesis", now=at)
    _, platform = api_tokens.create_integration_token(session, "Schemathesis", unit_id=None, now=at)
    session.commit()
    session.close()
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", token, platform
    server.shutdown()
    thread.join(10)
    app.extensions["motcua.engine"].dispose()


def test_schemathesis_finds_no_failure_with_every_check(served):
    base, token, platform = served
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "headers": {"Authorization": f"Bearer {token}"},
        # The platform's operations, with its token; fewer examples: one schema, two operations (a full run of
        # them doubled the test's time, and CI runs it on both databases).
        "operations": [{"include-path-regex": "^/online-dossiers", "headers": {"Authorization": f"Bearer {platform}"},
                        "generation": {"max-examples": ONLINE_EXAMPLES}}],
        "generation": {"max-examples": MAX_EXAMPLES},
        "checks": {"enabled": True},
        "phases": {"stateful": {"enabled": True}},
    })
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json", config=config)
    failures: dict[tuple[str, str], str] = {}
    checks: collections.Counter[str] = collections.Counter()
    scenarios, errors = set(), []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            scenarios.add(event.recorder.label)
            for case_id, nodes in event.recorder.checks.items():
                for node in nodes:
                    checks[node.name] += 1
                    if node.status.name == "FAILURE":
                        case = event.recorder.cases[case_id].value
                        failures.setdefault((event.recorder.label, node.name), (
                            f"{node.failure_info.failure}; {case.method} {case.formatted_path} "
                            f"query={case.query} body={case.body!r}"[:800]))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(str(getattr(event, "info", event))[:500])
    print(f"\nschemathesis: {sum(checks.values())} checks over {len(scenarios)} scenarios: {dict(checks)}")
    assert errors == []
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    # Every operation, the stateful sequences and all 14 checks ran, thousands of times.
    assert {"GET /dossiers", "GET /dossiers/{code}", "POST /dossiers/{code}/actions/hand_over",
            "POST /online-dossiers", "GET /online-dossiers/{portal_code}", "Stateful tests"} <= scenarios
    assert len(checks) >= 14 and checks["not_a_server_error"] > 2000
