"""dossier tally: dossiers by the local months of reception, finish and due date, kept by triggers as deltas

A trigger inserts +1 under a dossier's key when it is inserted, −1 when it is
deleted, and both when a column of its key or its processing time changes (only then); nothing is
updated in place, so two desks never wait on the same tally row. The scheduler
folds the deltas (app.services.tallies). Existing dossiers are counted here.

Revision ID: e0ad0f850d8c
Revises: fb2582b529e9
Create Date: 2026-12-07 23:36:28.916220
"""

from alembic import op
import sqlalchemy as sa
import models.base

# what the key and the processing time are made of
KEYED = "unit_id, procedure_id, channel, received_at, finished_at, due_at, supplement_count, status, paused_at, " \
        "work_minutes"


def _key(row: str, month, day) -> str:  # type: ignore[no-untyped-def]
    """The tally key of ``row`` (NEW, OLD or a table alias), as a SQL select list."""
    return (
        f"{row}.unit_id, {row}.procedure_id, {month(f'{row}.received_at')}, "
        f"CASE WHEN {row}.finished_at IS NULL THEN NULL ELSE {month(f'{row}.finished_at')} END, "
        f"{month(f'{row}.due_at')}, "
        f"CASE WHEN {row}.finished_at IS NULL THEN 'open' "
        f"WHEN {row}.supplement_count > 1 OR {row}.finished_at > {row}.due_at THEN 'late' "
        f"WHEN {day(f'{row}.finished_at')} < {day(f'{row}.due_at')} THEN 'early' ELSE 'on_time' END, "
        f"CASE WHEN {row}.supplement_count > 1 THEN 'over' "
        f"WHEN {row}.status = 'supplement_requested' AND {row}.paused_at IS NOT NULL "
        f"AND {row}.paused_at <= {row}.due_at THEN 'paused' ELSE 'due' END, "
        f"CASE WHEN {row}.channel = 'online' THEN 'online' ELSE 'direct' END, "
        f"CASE WHEN {row}.status IN ('done', 'returned') THEN 'done' WHEN {row}.status = 'refused' THEN 'refused' "
        f"WHEN {row}.status IN ('withdrawn', 'stopped') THEN 'withdrawn' ELSE '' END, "
        f"CASE WHEN {row}.supplement_count > 1 THEN 2 ELSE {row}.supplement_count END"
    )


def _amounts(row: str, sign: str) -> str:
    """The delta's count, processing times and their sum for ``row`` (sign "" or "-")."""
    return (f"{sign}1, {sign}(CASE WHEN {row}.work_minutes IS NULL THEN 0 ELSE 1 END), "
            f"{sign}COALESCE({row}.work_minutes, 0)")


def _pg_month(column: str) -> str:
    return f"CAST(date_trunc('month', ({column} AT TIME ZONE 'UTC') + INTERVAL '7 hours') AS DATE)"


def _pg_day(column: str) -> str:
    return f"CAST(({column} AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)"


def _sqlite_month(column: str) -> str:
    return f"date({column}, '+7 hours', 'start of month')"


def _sqlite_day(column: str) -> str:
    return f"date({column}, '+7 hours')"


COLUMNS = ("unit_id, procedure_id, received_month, finished_month, due_month, finish, due_kind, channel, closed, "
           "supplements, n, timed, minutes")

POSTGRESQL = [
    f"""
    CREATE FUNCTION dossier_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND ROW({_key('OLD', _pg_month, _pg_day)}, OLD.work_minutes) IS NOT DISTINCT FROM
                              ROW({_key('NEW', _pg_month, _pg_day)}, NEW.work_minutes) THEN
        RETURN NULL;  -- neither the key nor the processing time changed
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO dossier_tally ({COLUMNS}) SELECT {_key('OLD', _pg_month, _pg_day)}, {_amounts('OLD', '-')};
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO dossier_tally ({COLUMNS}) SELECT {_key('NEW', _pg_month, _pg_day)}, {_amounts('NEW', '')};
      END IF;
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER dossier_tally_count AFTER INSERT OR DELETE OR UPDATE OF {KEYED} ON dossier
    FOR EACH ROW EXECUTE FUNCTION dossier_tally_count()
    """,
]

SQLITE = [
    f"""CREATE TRIGGER dossier_tally_insert AFTER INSERT ON dossier BEGIN
      INSERT INTO dossier_tally ({COLUMNS}) SELECT {_key('NEW', _sqlite_month, _sqlite_day)}, {_amounts('NEW', '')};
    END""",
    f"""CREATE TRIGGER dossier_tally_delete AFTER DELETE ON dossier BEGIN
      INSERT INTO dossier_tally ({COLUMNS}) SELECT {_key('OLD', _sqlite_month, _sqlite_day)}, {_amounts('OLD', '-')};
    END""",
    f"""CREATE TRIGGER dossier_tally_update AFTER UPDATE OF {KEYED} ON dossier
    WHEN (SELECT {_key('OLD', _sqlite_month, _sqlite_day)}, OLD.work_minutes)
         IS NOT (SELECT {_key('NEW', _sqlite_month, _sqlite_day)}, NEW.work_minutes)
    BEGIN
      INSERT INTO dossier_tally ({COLUMNS}) SELECT {_key('OLD', _sqlite_month, _sqlite_day)}, {_amounts('OLD', '-')};
      INSERT INTO dossier_tally ({COLUMNS}) SELECT {_key('NEW', _sqlite_month, _sqlite_day)}, {_amounts('NEW', '')};
    END""",
]


def _backfill(month, day) -> str:  # type: ignore[no-untyped-def]
    return (f"INSERT INTO dossier_tally ({COLUMNS}) SELECT {_key('d', month, day)}, count(*), count(d.work_minutes), "
            "COALESCE(sum(d.work_minutes), 0) FROM dossier d GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10")


revision = 'e0ad0f850d8c'
down_revision = 'fb2582b529e9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('dossier_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('received_month', sa.Date(), nullable=False),
    sa.Column('finished_month', sa.Date(), nullable=True),
    sa.Column('due_month', sa.Date(), nullable=False),
    sa.Column('finish', sa.String(length=8), nullable=False),
    sa.Column('due_kind', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('closed', sa.String(length=10), nullable=False),
    sa.Column('supplements', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('timed', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_tally'))
    )
    with op.batch_alter_table('dossier_tally', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_tally_unit', ['unit_id', 'finished_month', 'received_month'], unique=False)

    # ### end Alembic commands ###
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_backfill(_pg_month, _pg_day))
        for statement in POSTGRESQL:
            op.execute(statement)
    else:
        op.execute(_backfill(_sqlite_month, _sqlite_day))
        for statement in SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER dossier_tally_count ON dossier")
        op.execute("DROP FUNCTION dossier_tally_count()")
    else:
        for name in ("dossier_tally_update", "dossier_tally_delete", "dossier_tally_insert"):
            op.execute(f"DROP TRIGGER {name}")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('dossier_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_tally_unit')

    op.drop_table('dossier_tally')
    # ### end Alembic commands ###
