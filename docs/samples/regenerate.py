"""Write the sample import files of docs/samples through the app's own commands (make samples).

A throwaway SQLite database gets the demo data; then ``flask catalogue export``, ``flask units export`` and
``flask users export`` write what the app itself would read back. Usage: python docs/samples/regenerate.py [DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{scratch}/samples.sqlite3", "FLASK_APP": "app"}

        def flask(*args: str) -> None:
            subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)

        flask("db", "upgrade")
        flask("demo")
        for suffix in ("xlsx", "json"):
            flask("catalogue", "export", "--unit", "000.00.31.H99", "--date", "2026-01-01", str(out / f"catalogue.{suffix}"))
        flask("units", "export", str(out / "units.xlsx"))
        flask("users", "export", str(out / "users.xlsx"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
