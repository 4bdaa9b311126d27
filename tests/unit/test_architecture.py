"""The dependency rule of docs/architecture.md, checked two ways."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_domain_loads_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, pkgutil, importlib, app.domain\n"
        "for m in pkgutil.iter_modules(app.domain.__path__): importlib.import_module('app.domain.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_streamed_responses_read_through_app_db_streamed():
    """A response body that reads after its request must own its sessions (issue 20): no other way."""
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "app").rglob("*.py")
                 if "stream_with_context" in path.read_text(encoding="utf-8")]
    assert offenders == []
