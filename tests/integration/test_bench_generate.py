"""The benchmark's data generator makes what it is asked for (counts only: speed is never
asserted in tests), on the suite's database backend."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.databases import scratch_database
from vendorrisk import PROJECT_ROOT


def test_generator_makes_the_requested_counts(tmp_path: Path) -> None:
    with scratch_database(tmp_path, "bench") as url:
        manifest = tmp_path / "manifest.json"
        subprocess.run([sys.executable, "-m", "bench.generate", "--database-url", url,  # noqa: S603
                        "--instance", str(tmp_path / "instance"), "--vendors", "50",
                        "--assessments", "10", "--answers", "100", "--manifest", str(manifest)],
                       check=True, cwd=PROJECT_ROOT, capture_output=True)
        made = json.loads(manifest.read_text())
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                counts = {table: conn.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                          for table in ("vendor", "assessment", "answer", "audit_event")}
                sealed = conn.scalar(text("SELECT value_json FROM answer LIMIT 1"))
        finally:
            engine.dispose()
    assert counts["vendor"] == made["counts"]["vendor"] == 50
    assert counts["assessment"] == made["counts"]["assessment"] == 10
    assert counts["answer"] == made["counts"]["answer"] == 100
    assert sealed.startswith("vrf1:")  # written through the app's engine, so encrypted
    assert counts["audit_event"] >= 1  # the accounts went through the audited service
