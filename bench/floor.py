"""The framework floor: a bare Flask app serving a page of the same data with one raw SQL query
and a minimal template. No sessions, no login, no CSRF, no audit, no ORM.

Every portal page is measured as a ratio to this app's throughput, served by the same gunicorn
settings on the same database in the same run, so the ratio says what the portal adds to what
Flask and the database cost anyway. Served as ``gunicorn 'bench.floor:create_floor()'`` with the
database in ``BENCH_DATABASE_URL``.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string, request
from sqlalchemy import create_engine, text

PAGE = """<!doctype html><html><head><title>Partner firms</title></head><body>
<table><tr><th>Firm</th><th>Kind</th><th>City</th><th>Status</th><th>Tier</th></tr>
{% for row in rows %}<tr><td><a href="/vendors/{{ row.id }}">{{ row.name }}</a></td>
<td>{{ row.kind }}</td><td>{{ row.city }}</td><td>{{ row.status }}</td><td>{{ row.tier }}</td></tr>
{% endfor %}</table></body></html>"""
# The portal's list page, filtered, sorted and paged the same way (see run.py's scenarios).
QUERY = text("SELECT id, name, kind, city, status, tier FROM vendor "
             "WHERE status = :status AND tier = :tier ORDER BY name, id LIMIT 25 OFFSET :skip")


def create_floor() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["BENCH_DATABASE_URL"])

    @app.get("/")
    def page() -> str:
        number = max(1, request.args.get("page", 1, type=int))
        with engine.connect() as conn:
            rows = conn.execute(QUERY, {"status": request.args.get("status", "active"),
                                        "tier": request.args.get("tier", "high"),
                                        "skip": (number - 1) * 25}).all()
        return render_template_string(PAGE, rows=rows)

    @app.get("/healthz")
    def health() -> str:
        return "ok"

    return app
