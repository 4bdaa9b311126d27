"""text in unicode nfc

Every text column of every table put in Unicode NFC: rows typed with combining
marks ("Unicode tổ hợp") before the app normalised its input print with the
accents on the wrong letters, slip past the public page's redaction and miss
exact lookups. PostgreSQL does it in SQL (``normalize``); SQLite row by row.
Nothing to undo: NFC text is the same text.

Revision ID: ac18a5c5b4e7
Revises: f5bd779d063b
Create Date: 2026-12-07 12:03:04.115694
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = 'ac18a5c5b4e7'
down_revision = 'f5bd779d063b'
branch_labels = None
depends_on = None

BATCH = 1000


def _text_columns(bind):  # type: ignore[no-untyped-def]
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        columns = [c["name"] for c in inspector.get_columns(table) if isinstance(c["type"], sa.String)]
        if columns:
            yield table, columns


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, columns in _text_columns(bind):
            for column in columns:
                bind.execute(sa.text(f'UPDATE "{table}" SET "{column}" = normalize("{column}", NFC) '
                                     f'WHERE "{column}" IS NOT NFC NORMALIZED'))
        return
    for table, columns in _text_columns(bind):
        listed = ", ".join(f'"{c}"' for c in columns)
        last = 0
        while True:
            rows = bind.execute(sa.text(f'SELECT rowid, {listed} FROM "{table}" WHERE rowid > :last '
                                        f'ORDER BY rowid LIMIT {BATCH}'), {"last": last}).all()
            if not rows:
                break
            for row in rows:
                changed = {c: unicodedata.normalize("NFC", v) for c, v in zip(columns, row[1:])
                           if isinstance(v, str) and not v.isascii() and unicodedata.normalize("NFC", v) != v}
                if changed:
                    assignments = ", ".join(f'"{c}" = :{c}' for c in changed)
                    bind.execute(sa.text(f'UPDATE "{table}" SET {assignments} WHERE rowid = :rowid'),
                                 {**changed, "rowid": row[0]})
            last = rows[-1][0]


def downgrade() -> None:
    pass
