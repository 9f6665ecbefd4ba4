"""``bench/results.md`` from the runs' JSON records: one section per database."""

from __future__ import annotations

from typing import Any

SCENARIOS = (
    ("vendor_list", "Vendor list (status + tier filter, by name, page 2)"),
    ("vendor_detail", "Vendor detail (200 firms in turn)"),
    ("dashboard", "Managers' dashboard"),
    ("partner_page", "Partner questionnaire page (one section)"),
    ("save_answer", "Saving an answer (autosave POST)"),
    ("report_pdf", "Assessment PDF, cached"),
)


def _floor(runs: dict[str, Any]) -> float:
    return (runs["floor_before"]["rps"] + runs["floor_after"]["rps"]) / 2


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else "pass" if ok else "**FAIL**"


def _size_label(size: dict[str, Any]) -> str:
    s = size["sizes"]
    return f"{s['vendors']:,} firms, {s['assessments']:,} assessments, {s['answers']:,} answers"


def _load_table(size: dict[str, Any], other: dict[str, Any] | None, targets: dict[str, float],
                growth_limit: float) -> list[str]:
    runs, floor = size["load"], _floor(size["load"])
    lines = [
        "| scenario | req/s | p50 ms | p95 ms | ratio to floor | target | pass | "
        "p95 vs small | SQL statements (small → this) | errors |",
        "|---|---:|---:|---:|---:|---|---|---:|---|---:|",
        f"| Floor: bare Flask, one SQL query (before / after) | {floor:.1f} "
        f"({runs['floor_before']['rps']:.0f} / {runs['floor_after']['rps']:.0f}) | "
        f"{runs['floor_before']['p50_ms']:.1f} | {runs['floor_before']['p95_ms']:.1f} | 1.00 | "
        "| | | | |"]
    for key, title in SCENARIOS:
        run = runs.get(key)
        if run is None:
            continue
        ratio = run["rps"] / floor if floor else 0.0
        target = targets.get(key)
        ratio_ok = None if target is None else ratio >= target
        growth = growth_ok = None
        statements = str(size.get("statements", {}).get(key, "?"))
        if other is not None:
            small = other["load"].get(key)
            if small and small["p95_ms"]:
                growth = run["p95_ms"] / small["p95_ms"]
                growth_ok = growth <= growth_limit
            before = other.get("statements", {}).get(key)
            statements = f"{before} → {statements}" + (
                "" if before == size.get("statements", {}).get(key) else " **grows**")
        verdicts = [v for v in (ratio_ok, growth_ok) if v is not None]
        wanted = f"≥ {target:.1f}x" if target else "—"
        errors = sum(run["errors"].values())
        lines.append(
            f"| {title} | {run['rps']:.1f} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f} | "
            f"{ratio:.2f} | {wanted} | "
            f"{_verdict(all(verdicts) if verdicts else None)} | "
            f"{'—' if growth is None else f'{growth:.2f}x ({_verdict(growth_ok)})'} | "
            f"{statements} | {errors} |")
    return lines


def render_markdown(records: list[dict[str, Any]], targets: dict[str, float],
                    growth_limit: float) -> str:
    out = ["# Benchmark results", "",
           "Written by `make bench` (`bench/run.py`); see the README's \"Benchmark\" section for "
           "what is measured and how. Throughput is measured, never asserted in tests.", ""]
    for record in records:
        m = record["machine"]
        main, compare = record["sizes"]["main"], record["sizes"].get("compare")
        out += [f"## {record['database']} — {m['date']}", "",
                f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; {m['os']}",
                f"- Versions: Python {m['python']}, SQLite {m['sqlite']}"
                + (f", PostgreSQL {m['postgresql']}" if "postgresql" in m else "")
                + f", Flask {m['flask']}, SQLAlchemy {m['sqlalchemy']}, gunicorn {m['gunicorn']}, "
                f"WeasyPrint {m['weasyprint']}, {m['wrk']}; commit {m['commit']}",
                f"- Load: gunicorn, {main['workers']} sync workers; wrk, {main['connections']} "
                f"connections over loopback, closed loop; {record['warmup_s']:g} s warm-up then "
                f"{record['duration_s']:g} s per scenario. The machine is shared with other "
                "work: compare ratios within one run, not absolute figures across runs.",
                f"- Whole run: {record['minutes']} min.", ""]
        sizes = [(compare, None)] if compare else []
        sizes.append((main, compare))
        for size, other in sizes:
            out += [f"### {_size_label(size)}", ""]
            out += _load_table(size, other if size is main else None, targets, growth_limit)
            out += [""]
        out += ["### Other figures", "", "| what | figure |", "|---|---|"]
        if "pdf" in main:
            p = main["pdf"]
            out.append(f"| PDF of a {p['questions']}-question assessment ({p['html_kb']} KB of "
                       f"HTML, {p['pdf_kb']} KB PDF) | `pdf.render` {p['render_ms']} ms vs "
                       f"WeasyPrint alone {p['weasyprint_ms']} ms: {p['ratio']:.2f}x "
                       f"(median of {p['runs']}) |")
        s = record["scoring"]
        out.append(f"| Scoring {s['answers']:,} answers (`scoring.score`, "
                   f"{s['questions']:,}-question file) | {s['median_ms']} ms (median of "
                   f"{s['runs']}) |")
        for size in ([compare] if compare else []) + [main]:
            w = size["sweep"]
            out.append(f"| Reassessment sweep, {size['sizes']['vendors']:,} firms | "
                       f"{w['seconds']} s, {w['statements']:,} SQL statements ({w['summary']}) |")
        if "worker" in main:
            w = main["worker"]
            out.append(f"| Worker memory at {main['sizes']['vendors']:,} firms, after one round "
                       f"of every job ({w['first_round_seconds']} s) | RSS {w['rss_mb']} MB, "
                       f"peak {w['hwm_mb']} MB"
                       + (f"; failed: {', '.join(w['failed_jobs'])}" if w["failed_jobs"] else "")
                       + " |")
        out.append(f"| Data generation (cached between runs) | {main['generated_in_s']} s at "
                   f"{main['sizes']['vendors']:,} firms |")
        out.append("")
    return "\n".join(out)
