"""LangGraph's SqliteSaver, pointed at a tenant file we created, needs no DDL of its own."""
import os
import sqlite3

from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.sqlite import SqliteSaver


def schema(conn):
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return {name: " ".join((sql or "").split()) for name, sql in rows}


def test_saver_runs_on_a_tenant_file_unchanged():
    conn = sqlite3.connect(os.environ["RATIBA_TENANT_DB"], check_same_thread=False)
    before = schema(conn)
    assert "checkpoints" in before and "writes" in before
    saver = SqliteSaver(conn)
    saver.setup()
    assert schema(conn) == before, "setup() changed nothing: the tables were already exactly LangGraph's"

    config = {"configurable": {"thread_id": "whatsapp:+254712345678", "checkpoint_ns": ""}}
    checkpoint = empty_checkpoint()
    saved = saver.put(config, checkpoint, {"source": "input", "step": -1}, {})
    saver.put_writes(saved, [("messages", "Habari! Nataka kukata nywele")], task_id="task-1")
    got = saver.get_tuple({"configurable": {"thread_id": "whatsapp:+254712345678"}})
    assert got is not None
    assert got.checkpoint["id"] == checkpoint["id"]
    assert got.pending_writes[0][1:] == ("messages", "Habari! Nataka kukata nywele")
    assert len(list(saver.list(config))) == 1
