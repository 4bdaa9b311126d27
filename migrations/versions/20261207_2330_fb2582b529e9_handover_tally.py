"""handover tally: the handovers of each day by unit, procedure, step and giver, kept by triggers

The triggers count a handover with a result when it is inserted, move it when its
day, step, giver, result or dossier changes, and take it away when it is deleted,
or when its dossier is (before the cascade, while the dossier still says which
unit and procedure it was counted under). Existing handovers are counted here.

Revision ID: fb2582b529e9
Revises: 1e09f6256477
Create Date: 2026-12-07 23:30:11.210652
"""

from alembic import op
import sqlalchemy as sa
import models.base

POSTGRESQL = [
    """
    CREATE FUNCTION handover_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.step_result IS NOT NULL THEN
        UPDATE handover_tally t
           SET early = t.early - (OLD.step_result = 'early')::int,
               on_time = t.on_time - (OLD.step_result = 'on_time')::int,
               late = t.late - (OLD.step_result = 'late')::int
          FROM dossier d
         WHERE d.id = OLD.dossier_id AND t.unit_id = d.unit_id AND t.procedure_id = d.procedure_id
           AND t.day = CAST((OLD.at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)
           AND t.step_position = OLD.step_position AND t.giver_user_id = COALESCE(OLD.giver_user_id, 0);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.step_result IS NOT NULL THEN
        INSERT INTO handover_tally (unit_id, day, procedure_id, step_position, giver_user_id, early, on_time, late)
        SELECT d.unit_id, CAST((NEW.at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE), d.procedure_id,
               NEW.step_position, COALESCE(NEW.giver_user_id, 0), (NEW.step_result = 'early')::int,
               (NEW.step_result = 'on_time')::int, (NEW.step_result = 'late')::int
          FROM dossier d WHERE d.id = NEW.dossier_id
        ON CONFLICT (unit_id, day, procedure_id, step_position, giver_user_id) DO UPDATE
           SET early = handover_tally.early + EXCLUDED.early, on_time = handover_tally.on_time + EXCLUDED.on_time,
               late = handover_tally.late + EXCLUDED.late;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER handover_tally_count
    AFTER INSERT OR DELETE OR UPDATE OF dossier_id, at, step_position, giver_user_id, step_result ON dossier_handover
    FOR EACH ROW EXECUTE FUNCTION handover_tally_count()
    """,
    """
    CREATE FUNCTION handover_tally_forget_dossier() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE handover_tally t
         SET early = t.early - s.early, on_time = t.on_time - s.on_time, late = t.late - s.late
        FROM (SELECT CAST((h.at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE) AS day, h.step_position,
                     COALESCE(h.giver_user_id, 0) AS giver_user_id,
                     sum((h.step_result = 'early')::int) AS early, sum((h.step_result = 'on_time')::int) AS on_time,
                     sum((h.step_result = 'late')::int) AS late
                FROM dossier_handover h WHERE h.dossier_id = OLD.id AND h.step_result IS NOT NULL
               GROUP BY 1, 2, 3) s
       WHERE t.unit_id = OLD.unit_id AND t.procedure_id = OLD.procedure_id AND t.day = s.day
         AND t.step_position = s.step_position AND t.giver_user_id = s.giver_user_id;
      RETURN OLD;
    END $$
    """,
    """
    CREATE TRIGGER handover_tally_forget_dossier BEFORE DELETE ON dossier
    FOR EACH ROW EXECUTE FUNCTION handover_tally_forget_dossier()
    """,
]


def _sqlite_add(row: str) -> str:
    return f"""
      INSERT INTO handover_tally (unit_id, day, procedure_id, step_position, giver_user_id, early, on_time, late)
      SELECT d.unit_id, date({row}.at, '+7 hours'), d.procedure_id, {row}.step_position,
             COALESCE({row}.giver_user_id, 0), {row}.step_result = 'early', {row}.step_result = 'on_time',
             {row}.step_result = 'late'
        FROM dossier d WHERE d.id = {row}.dossier_id AND {row}.step_result IS NOT NULL
      ON CONFLICT (unit_id, day, procedure_id, step_position, giver_user_id) DO UPDATE
         SET early = early + excluded.early, on_time = on_time + excluded.on_time, late = late + excluded.late;"""


def _sqlite_take(row: str) -> str:
    return f"""
      UPDATE handover_tally
         SET early = early - ({row}.step_result = 'early'), on_time = on_time - ({row}.step_result = 'on_time'),
             late = late - ({row}.step_result = 'late')
       WHERE {row}.step_result IS NOT NULL
         AND (unit_id, procedure_id) = (SELECT unit_id, procedure_id FROM dossier WHERE id = {row}.dossier_id)
         AND day = date({row}.at, '+7 hours') AND step_position = {row}.step_position
         AND giver_user_id = COALESCE({row}.giver_user_id, 0);"""


SQLITE = [
    f"CREATE TRIGGER handover_tally_insert AFTER INSERT ON dossier_handover BEGIN {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER handover_tally_delete AFTER DELETE ON dossier_handover BEGIN {_sqlite_take('OLD')} END",
    "CREATE TRIGGER handover_tally_update AFTER UPDATE OF dossier_id, at, step_position, giver_user_id, step_result "
    f"ON dossier_handover BEGIN {_sqlite_take('OLD')} {_sqlite_add('NEW')} END",
    """
    CREATE TRIGGER handover_tally_forget_dossier BEFORE DELETE ON dossier BEGIN
      UPDATE handover_tally
         SET early = handover_tally.early - s.early, on_time = handover_tally.on_time - s.on_time,
             late = handover_tally.late - s.late
        FROM (SELECT date(h.at, '+7 hours') AS day, h.step_position AS step_position,
                     COALESCE(h.giver_user_id, 0) AS giver_user_id, sum(h.step_result = 'early') AS early,
                     sum(h.step_result = 'on_time') AS on_time, sum(h.step_result = 'late') AS late
                FROM dossier_handover h WHERE h.dossier_id = OLD.id AND h.step_result IS NOT NULL
               GROUP BY 1, 2, 3) AS s
       WHERE handover_tally.unit_id = OLD.unit_id AND handover_tally.procedure_id = OLD.procedure_id
         AND handover_tally.day = s.day AND handover_tally.step_position = s.step_position
         AND handover_tally.giver_user_id = s.giver_user_id;
    END""",
]


def _backfill(day: str, flag: str) -> str:
    return (
        "INSERT INTO handover_tally (unit_id, day, procedure_id, step_position, giver_user_id, early, on_time, late) "
        f"SELECT d.unit_id, {day}, d.procedure_id, h.step_position, COALESCE(h.giver_user_id, 0), "
        f"sum({flag.format(value='early')}), sum({flag.format(value='on_time')}), sum({flag.format(value='late')}) "
        "FROM dossier_handover h JOIN dossier d ON d.id = h.dossier_id WHERE h.step_result IS NOT NULL "
        "GROUP BY d.unit_id, 2, d.procedure_id, h.step_position, 5"
    )


revision = 'fb2582b529e9'
down_revision = '1e09f6256477'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('handover_tally',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('step_position', sa.Integer(), nullable=False),
    sa.Column('giver_user_id', sa.Integer(), nullable=False),
    sa.Column('early', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'day', 'procedure_id', 'step_position', 'giver_user_id', name=op.f('pk_handover_tally'))
    )
    # ### end Alembic commands ###
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_backfill("CAST((h.at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)",
                             "CASE WHEN h.step_result = '{value}' THEN 1 ELSE 0 END"))
        for statement in POSTGRESQL:
            op.execute(statement)
    else:
        op.execute(_backfill("date(h.at, '+7 hours')", "h.step_result = '{value}'"))
        for statement in SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER handover_tally_forget_dossier ON dossier")
        op.execute("DROP TRIGGER handover_tally_count ON dossier_handover")
        op.execute("DROP FUNCTION handover_tally_forget_dossier()")
        op.execute("DROP FUNCTION handover_tally_count()")
    else:
        for name in ("handover_tally_forget_dossier", "handover_tally_update", "handover_tally_delete",
                     "handover_tally_insert"):
            op.execute(f"DROP TRIGGER {name}")
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('handover_tally')
    # ### end Alembic commands ###
