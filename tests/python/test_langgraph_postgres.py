"""LangGraph's PostgresSaver on a tenant schema made by `ratiba tenants create`.

RATIBA_PG_URL is the database, RATIBA_TENANT_SCHEMA the tenant's schema. The saver
connects the way LangGraph documents (autocommit, prepare_threshold=0, dict rows),
with the schema as its search_path.
"""

import os

import psycopg
import pytest
from psycopg.rows import dict_row

from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.postgres import PostgresSaver

URL = os.environ["RATIBA_PG_URL"]
SCHEMA = os.environ["RATIBA_TENANT_SCHEMA"]


def catalog_state(conn):
    """Every table, column and index of the tenant schema and of public, and the
    checkpoint migration rows: what any DDL would change."""
    tables = conn.execute(
        "SELECT schemaname, tablename FROM pg_tables"
        " WHERE schemaname IN (%s, 'public') ORDER BY 1, 2",
        (SCHEMA,),
    ).fetchall()
    columns = conn.execute(
        "SELECT table_schema, table_name, column_name, data_type, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_schema IN (%s, 'public')"
        " ORDER BY 1, 2, ordinal_position",
        (SCHEMA,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT schemaname, indexname, indexdef FROM pg_indexes"
        " WHERE schemaname IN (%s, 'public') ORDER BY 1, 2",
        (SCHEMA,),
    ).fetchall()
    migrations = conn.execute(
        f'SELECT v FROM "{SCHEMA}".checkpoint_migrations ORDER BY v'
    ).fetchall()
    return tables, columns, indexes, migrations


@pytest.fixture
def admin():
    with psycopg.connect(URL, autocommit=True) as conn:
        yield conn


def saver_connection():
    return psycopg.connect(
        URL,
        autocommit=True,
        prepare_threshold=0,
        row_factory=dict_row,
        options=f"-csearch_path={SCHEMA}",
    )


def test_the_schema_is_already_at_langgraphs_last_migration(admin):
    rows = [r[0] for r in catalog_state(admin)[3]]
    assert rows == list(range(len(PostgresSaver.MIGRATIONS))), rows
    assert rows == list(range(10))


def test_setup_migrates_nothing_and_creates_nothing_in_public(admin):
    before = catalog_state(admin)
    with saver_connection() as conn:
        PostgresSaver(conn).setup()
    after = catalog_state(admin)
    assert after == before
    public = [t for s, t in after[0] if s == "public"]
    assert not any(t.startswith("checkpoint") for t in public), public


def test_put_and_read_back_a_checkpoint(admin):
    with saver_connection() as conn:
        saver = PostgresSaver(conn)
        saver.setup()
        config = {"configurable": {"thread_id": "customer-254712345678", "checkpoint_ns": ""}}
        checkpoint = empty_checkpoint()
        version = saver.get_next_version(None, None)
        checkpoint["channel_values"] = {"messages": ["Habari! Manicure kesho saa nne?"]}
        checkpoint["channel_versions"] = {"messages": version}
        saved = saver.put(config, checkpoint, {"source": "input", "step": 0}, {"messages": version})
        saver.put_writes(saved, [("messages", "Sawa, booked.")], task_id="task-1")

        got = saver.get_tuple(saved)
        assert got is not None
        assert got.checkpoint["id"] == checkpoint["id"]
        assert got.checkpoint["channel_values"]["messages"] == ["Habari! Manicure kesho saa nne?"]
        assert got.metadata["source"] == "input"
        assert [(w[1], w[2]) for w in got.pending_writes] == [("messages", "Sawa, booked.")]
        latest = saver.get_tuple(config)
        assert latest is not None and latest.checkpoint["id"] == checkpoint["id"]
        assert len(list(saver.list(config))) == 1

    # The rows are in the tenant's schema, and only there.
    count = admin.execute(f'SELECT count(*) FROM "{SCHEMA}".checkpoints').fetchone()[0]
    assert count == 1
    blobs = admin.execute(f'SELECT count(*) FROM "{SCHEMA}".checkpoint_blobs').fetchone()[0]
    writes = admin.execute(
        f'SELECT task_path FROM "{SCHEMA}".checkpoint_writes'
    ).fetchall()
    assert blobs >= 1 and len(writes) == 1
