"""``make bench``: generate (cached), serve under gunicorn, load with wrk, measure, write results.

    python -m bench.run --database sqlite [--database postgresql] [--vendors 100000 ...]

For each database: the data at the comparison size (1,000 firms) and at the main size (100,000
by default) is generated once and cached by its parameters (``bench/.work``); each run works on a
fresh copy, since the benchmark writes (sessions, audit events, saved answers, the sweep). For
each size, the portal and the floor (``bench/floor.py``) are served by gunicorn with
workers = cores on 127.0.0.1, and wrk drives each scenario with 2 x workers connections: the
floor first, the portal's pages, the floor again (the floor figure is the mean of the two, so
drift during the run hits both sides of the ratio). Then, in this process and not under load,
the SQL statements of each page are counted; at the main size the PDF rendering, the
reassessment sweep and the worker's memory are measured; scoring once. Results go to
``bench/results/<database>.json`` and, for every database measured so far, ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from bench import generate, inprocess, load, web
from bench.report import render_markdown
from vendorrisk.db import make_engine
from vendorrisk.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-key-not-a-secret"  # noqa: S105 - signs the benchmark's own sessions
LIST_PATH = "/vendors/?status=active&tier=high&sort=name&page=2"
FLOOR_PATH = "/?status=active&tier=high&page=2"
# Throughput targets, as a share of the floor's (issue 10).
TARGETS = {"vendor_list": 0.5, "vendor_detail": 0.5, "dashboard": 0.3}
P95_GROWTH_LIMIT = 2.0


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- data --------------------------------------------------------------------------------------

def _source_digest() -> str:
    digest = hashlib.sha256(generate.GENERATOR_VERSION.encode())
    for path in (BENCH / "generate.py", BENCH / "questionnaires.py",
                 ROOT / "questionnaires" / f"{generate.MAIN}.yaml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _instance(work: Path) -> Path:
    instance = work / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    from vendorrisk.storage.keyring import create_keyring_file

    create_keyring_file(instance / "storage_keys.json")
    return instance


def _pg_admin() -> psycopg.Connection[Any]:
    url = make_url(PG_SERVER).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def _pg_url(name: str) -> str:
    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


def _pg_exists(name: str) -> bool:
    with _pg_admin() as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (name,)).fetchone() is not None


def _pg_drop(name: str) -> None:
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cached_database(backend: str, sizes: generate.Sizes, seed: int, work: Path,
                    instance: Path) -> tuple[str, dict[str, Any]]:
    """The generated database for these parameters (made now if missing) and its manifest."""
    keys = hashlib.sha256((instance / "storage_keys.json").read_bytes()).hexdigest()[:6]
    key = f"{sizes.label()}-s{seed}-{_source_digest()}-{keys}"
    folder = work / "data"
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / f"{backend}-{key}.json"
    stale_prefix = f"{sizes.label()}-s{seed}-"  # the same data made by older code or keys
    if backend == "sqlite":
        path = folder / f"{key}.db"
        url = f"sqlite:///{path}"
        if not (manifest_path.exists() and path.exists()):
            for stale in [*folder.glob(f"{stale_prefix}*.db*"),
                          *folder.glob(f"{backend}-{stale_prefix}*.json")]:
                stale.unlink()
            _generate(url, sizes, seed, instance, manifest_path)
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        name = f"vrb_{key.replace('-', '_')}"
        url = _pg_url(name)
        if not (manifest_path.exists() and _pg_exists(name)):
            with _pg_admin() as admin:
                stale = [row[0] for row in admin.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    (f"vrb_{stale_prefix.replace('-', '_')}%",))]
            for old in [*stale, name]:
                _pg_drop(old)
            for old_manifest in folder.glob(f"{backend}-{stale_prefix}*.json"):
                old_manifest.unlink()
            with _pg_admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                _generate(url, sizes, seed, instance, manifest_path)
            except BaseException:
                _pg_drop(name)
                raise
    _upgrade(url)
    return url, json.loads(manifest_path.read_text())


def _upgrade(url: str) -> None:
    """Bring cached data made before a newer migration up to date, as an operator's upgrade
    would (the generator's own sources, not the schema, decide when data is made anew)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _generate(url: str, sizes: generate.Sizes, seed: int, instance: Path,
              manifest: Path) -> None:
    log(f"generating {sizes.label()} into {make_url(url).render_as_string()}")
    partial = manifest.with_suffix(".partial")
    subprocess.run([sys.executable, "-m", "bench.generate", "--database-url", url,
                    "--instance", str(instance), "--vendors", str(sizes.vendors),
                    "--assessments", str(sizes.assessments), "--answers", str(sizes.answers),
                    "--seed", str(seed), "--manifest", str(partial)], check=True, cwd=ROOT)
    partial.rename(manifest)


@contextmanager
def working_copy(backend: str, url: str, work: Path, label: str) -> Iterator[str]:
    """A throwaway copy of the generated database."""
    if backend == "sqlite":
        source = Path(make_url(url).database or "")
        target = work / "run" / f"{label}.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob(f"{label}.db*"):
            old.unlink()
        shutil.copyfile(source, target)
        try:
            yield f"sqlite:///{target}"
        finally:
            for old in target.parent.glob(f"{label}.db*"):
                old.unlink()
        return
    template = make_url(url).database
    name = f"vrb_run_{os.getpid()}"
    _pg_drop(name)
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _pg_url(name)
    finally:
        _pg_drop(name)


# --- serving -----------------------------------------------------------------------------------

def portal_env(url: str, instance: Path, run_dir: Path) -> dict[str, str]:
    """Production settings, except plain-http cookies (loopback) and the mailbox transport."""
    return {"VENDORRISK_ENV": "production", "VENDORRISK_INSTANCE": str(instance),
            "VENDORRISK_DATABASE_URL": url, "VENDORRISK_SECRET_KEY": SECRET,
            "VENDORRISK_SESSION_COOKIE_SECURE": "false",
            "VENDORRISK_WTF_CSRF_SSL_STRICT": "false", "VENDORRISK_MAIL_TRANSPORT": "mailbox",
            "VENDORRISK_REPORT_CACHE_DIR": str(run_dir / "report-cache"),
            "VENDORRISK_UPLOAD_DIR": str(run_dir / "uploads"),
            "VENDORRISK_CERTIFICATES_DIR": str(run_dir / "certificates"),
            "VENDORRISK_AGREEMENTS_DIR": str(run_dir / "agreements"),
            "BENCH_DATABASE_URL": url}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int, log_path: Path) -> Iterator[str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as output:
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind",
             f"127.0.0.1:{port}", "--timeout", "120", "--backlog", "256", app_spec],
            env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):  # refused, reset, or slow to boot
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app_spec} did not start; see {log_path}")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- one size ----------------------------------------------------------------------------------

def _scenarios(base: str, manifest: dict[str, Any], connections: int
               ) -> dict[str, Callable[[], load.Scenario]]:
    password = manifest["password"]
    manager = web.Browser(base)
    manager.sign_in(manifest["users"]["manager"], password)
    partners = []
    for partner in manifest["partners"][:connections]:
        browser = web.Browser(base)
        browser.sign_in(partner["email"], password)
        path = f"/partner/assessments/{partner['assessment_id']}/{partner['section_id']}"
        partners.append((browser, path, partner["question_id"]))
    if not partners:
        raise RuntimeError("the generated data has no partner accounts; give more assessments")
    report = f"/assessments/{manifest['report_assessment_id']}/report.pdf"
    manager.get(report)  # rendered once: the scenario measures the cached download
    cookie = manager.cookie_header()

    def saves() -> load.Scenario:
        items = []
        for browser, path, question_id in partners:
            page = browser.get(path)
            items.append(load.Save(browser.cookie_header(), web.csrf_token(page), path,
                                   question_id, web.answer_version(page, question_id)))
        return load.Scenario("save_answer", saves=tuple(items))

    def get(name: str, paths: list[str], who: str = cookie) -> Callable[[], load.Scenario]:
        return lambda: load.Scenario(name, paths=tuple(paths), cookie=who)

    return {
        "vendor_list": get("vendor_list", [LIST_PATH]),
        "vendor_detail": get("vendor_detail", [f"/vendors/{i}" for i in manifest["vendor_ids"]]),
        "dashboard": get("dashboard", ["/dashboard"]),
        "partner_page": get("partner_page", [partners[0][1]], partners[0][0].cookie_header()),
        "save_answer": saves,
        "report_pdf": get("report_pdf", [report]),
    }


def measure_size(backend: str, sizes: generate.Sizes, args: argparse.Namespace, work: Path,
                 instance: Path, main_size: bool) -> dict[str, Any]:
    url, manifest = cached_database(backend, sizes, args.seed, work, instance)
    label = f"{backend}-{sizes.label()}"
    run_dir = work / "run" / label
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    result: dict[str, Any] = {"sizes": asdict(sizes), "generated_in_s": manifest["seconds"],
                              "counts": manifest["counts"]}
    with working_copy(backend, url, work, label) as copy_url:
        env = portal_env(copy_url, instance, run_dir)
        connections = args.connections or 2 * args.workers
        runs: dict[str, Any] = {}
        with gunicorn("vendorrisk:create_app()", env, args.workers, run_dir / "portal.log") \
                as portal, \
                gunicorn("bench.floor:create_floor()", env, args.workers,
                         run_dir / "floor.log") as floor:
            scenarios = _scenarios(portal, manifest, connections)
            floor_scenario = lambda: load.Scenario("floor", paths=(FLOOR_PATH,))  # noqa: E731

            def measure(name: str, base: str, make: Callable[[], load.Scenario]) -> None:
                log(f"{label}: {name} ({args.warmup:g} s warm-up, {args.duration:g} s)")
                outcome = load.measure(base, make, connections, args.duration, args.warmup)
                runs[name] = {"rps": round(outcome.rps, 1), "p50_ms": round(outcome.p50_ms, 1),
                              "p95_ms": round(outcome.p95_ms, 1), "requests": outcome.requests,
                              "errors": outcome.errors}
                log(f"  {runs[name]}")

            measure("floor_before", floor, floor_scenario)
            for name, make in scenarios.items():
                measure(name, portal, make)
            measure("floor_after", floor, floor_scenario)
        result["load"] = runs
        result["connections"], result["workers"] = connections, args.workers
        result.update(_in_process(env, manifest, main_size, run_dir))
    return result


def _in_process(env: dict[str, str], manifest: dict[str, Any], main_size: bool,
                run_dir: Path) -> dict[str, Any]:
    """Statement counts (and, at the main size, PDF, sweep and worker) in this process."""
    os.environ.update(env)
    from vendorrisk import create_app
    from vendorrisk.db import get_db

    app = create_app()
    try:
        password, manager = manifest["password"], manifest["users"]["manager"]
        partner = manifest["partners"][0]
        section = f"/partner/assessments/{partner['assessment_id']}/{partner['section_id']}"
        report = f"/assessments/{manifest['report_assessment_id']}/report.pdf"
        log("counting SQL statements per page")
        vendor_id = manifest["vendor_ids"][len(manifest["vendor_ids"]) // 2]
        counts = inprocess.statements_per_page(app, {
            "vendor_list": (manager, LIST_PATH),
            "vendor_detail": (manager, f"/vendors/{vendor_id}"),
            "dashboard": (manager, "/dashboard"),
            "partner_page": (partner["email"], section),
            "report_pdf": (manager, report),
        }, password)
        counts["save_answer"] = inprocess.statements_per_save(
            app, partner["email"], password, section, partner["question_id"])
        out: dict[str, Any] = {"statements": counts}
        if main_size and manifest["pdf_assessment_id"]:
            log("PDF: 200-question assessment")
            out["pdf"] = inprocess.pdf_times(app, manager, password, manifest["pdf_assessment_id"])
            out["pdf"]["questions"] = manifest["pdf_questions"]
        log("reassessment sweep")
        out["sweep"] = inprocess.sweep(app)
        if main_size:
            log("worker memory (one round of every job)")
            out["worker"] = inprocess.worker_memory({**os.environ, **env},
                                                    str(VENV_BIN / "flask"), app,
                                                    run_dir / "worker.log")
        return out
    finally:
        get_db(app).engine.dispose()


# --- the run -----------------------------------------------------------------------------------

def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def machine(backends: list[str]) -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    wrk = subprocess.run([load.wrk_path(), "--version"], capture_output=True,
                         text=True, check=False)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,  # noqa: S607
                            text=True, cwd=ROOT, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
                           capture_output=True, text=True, cwd=ROOT, check=False).stdout.strip()
    info = {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024**2, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "flask": _version("flask"),
            "sqlalchemy": _version("sqlalchemy"), "gunicorn": _version("gunicorn"),
            "weasyprint": _version("weasyprint"),
            "wrk": (wrk.stdout + wrk.stderr).split("[")[0].strip(),
            "commit": commit + ("+dirty" if dirty else ""),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    if "postgresql" in backends:
        with _pg_admin() as admin:
            row = admin.execute("SHOW server_version").fetchone()
            info["postgresql"] = row[0] if row else "?"
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", action="append", choices=("sqlite", "postgresql"),
                        help="repeat for both (default: sqlite)")
    parser.add_argument("--vendors", type=int, default=100_000)
    parser.add_argument("--assessments", type=int)
    parser.add_argument("--answers", type=int)
    parser.add_argument("--compare-vendors", type=int, default=1_000,
                        help="the small size for the p95 and statement comparisons")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--connections", type=int, help="default: 2 x workers")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before each")
    parser.add_argument("--work", type=Path, default=BENCH / ".work")
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    parser.add_argument("--markdown", type=Path, default=BENCH / "results.md")
    args = parser.parse_args(argv)
    backends = args.database or ["sqlite"]

    def scaled(vendors: int, given_a: int | None, given_n: int | None) -> generate.Sizes:
        return generate.Sizes(vendors, given_a if given_a is not None else vendors // 5,
                              given_n if given_n is not None else vendors * 10)

    main_sizes = scaled(args.vendors, args.assessments, args.answers)
    compare = scaled(args.compare_vendors, None, None)
    work = args.work.resolve()
    instance = _instance(work)
    info = machine(backends)
    args.results.mkdir(parents=True, exist_ok=True)
    scoring = None
    for backend in backends:
        started = time.perf_counter()
        sizes: dict[str, Any] = {}
        if compare != main_sizes:
            sizes["compare"] = measure_size(backend, compare, args, work, instance, False)
        sizes["main"] = measure_size(backend, main_sizes, args, work, instance, True)
        if scoring is None:
            log("scoring 1,000 answers")
            scoring = inprocess.scoring_time()
        record = {"database": backend, "machine": info, "sizes": sizes, "scoring": scoring,
                  "duration_s": args.duration, "warmup_s": args.warmup,
                  "minutes": round((time.perf_counter() - started) / 60, 1)}
        (args.results / f"{backend}.json").write_text(json.dumps(record, indent=2) + "\n")
        log(f"{backend} done in {record['minutes']} min")
    records = [json.loads(path.read_text()) for path in sorted(args.results.glob("*.json"))]
    args.markdown.write_text(render_markdown(records, TARGETS, P95_GROWTH_LIMIT))
    log(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
