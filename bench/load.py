"""The load driver: wrk (Debian's ``wrk`` package), scripted in Lua, closed loop over loopback.

Why wrk: it is a small, long-maintained C load generator with an event loop, so on a two-core
machine it takes far less CPU from the server under test than a Python driver would, and it
keeps exact latency statistics (its own histogram) from which the Lua ``done`` hook prints the
median and the 95th percentile. ``make bench`` installs it with apt-get when it is missing.

Each scenario runs ``connections`` connections, one per wrk thread, each sending its next request
as soon as the previous answer arrives (closed loop): first a warm-up run whose figures are
thrown away, then the measured run of a fixed duration. gunicorn's sync workers close the
connection after each response, so every request opens a new loopback connection, for the floor
and the portal alike.

A scenario is a list of requests per connection, cycled through: a GET list (a page, or several
firms' pages in turn), or a save, which posts the answer form as the autosave script does
(``Accept: application/json``), alternating "yes" and "no", and takes the answer's new version
from each response so every save is a real change and never an edit conflict. Every connection
saves as its own partner user, on its own firm's assessment.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RESULT_MARK = "BENCH_RESULT "


@dataclass(frozen=True)
class Save:
    """One connection's autosave: who it is, which form it posts, the version it starts from."""

    cookie: str
    csrf_token: str
    path: str
    question_id: str
    version: int | None


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: tuple[str, ...] = ()  # GET these in turn
    cookie: str = ""
    saves: tuple[Save, ...] = ()  # or post these, one per connection
    accept: str = "text/html"


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def _pattern(text: str) -> str:
    return re.sub(r"([%().+\-*?\[\]^$])", r"%\1", text)


DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    MARK, summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _save_config(save: Save) -> str:
    # The answer's version in the JSON reply: "versions": {..., "<question id>": 7, ...}
    pattern = '"' + _pattern(save.question_id) + '":(%d+)'
    version = "" if save.version is None else str(save.version)
    return ("{" + f"cookie={_lua_string(save.cookie)}, token={_lua_string(save.csrf_token)}, "
            f"path={_lua_string(save.path)}, qid={_lua_string(save.question_id)}, "
            f"pattern={_lua_string(pattern)}, version={_lua_string(version)}" + "}")


def lua_script(scenario: Scenario) -> str:
    head = f"MARK = {_lua_string(RESULT_MARK)}\n"
    if not scenario.saves:
        paths = ", ".join(_lua_string(p) for p in scenario.paths)
        return head + f"""
wrk.headers["Cookie"] = {_lua_string(scenario.cookie)}
wrk.headers["Accept"] = {_lua_string(scenario.accept)}
local paths = {{{paths}}}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
""" + DONE
    configs = ",\n".join(_save_config(save) for save in scenario.saves)
    return head + f"""
local configs = {{{configs}}}
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("slot", counter)
end
local conf, version, value
init = function(args)
  conf = configs[slot]
  version = conf.version
  value = "no"
end
request = function()
  value = (value == "yes") and "no" or "yes"
  local body = "csrf_token=" .. conf.token .. "&v-" .. conf.qid .. "=" .. version ..
               "&q-" .. conf.qid .. "=" .. value
  return wrk.format("POST", conf.path, {{
    ["Cookie"] = conf.cookie, ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end
response = function(status, headers, body)
  local seen = string.match(body, conf.pattern)
  if seen then version = seen end
end
""" + DONE


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (make bench does it)")
    return found


def run(base_url: str, scenario: Scenario, connections: int, seconds: float,
        timeout: float = 30.0) -> Result:
    """One wrk run of ``scenario``: its requests per second, latencies and errors."""
    if scenario.saves and len(scenario.saves) < connections:
        raise ValueError(f"{scenario.name}: {connections} connections but only "
                         f"{len(scenario.saves)} partner accounts to save as")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(scenario))
    try:
        completed = subprocess.run(
            [wrk_path(), f"-t{connections}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             f"--timeout={timeout:g}s", "-s", script.name, base_url],
            capture_output=True, text=True, check=True)
    finally:
        Path(script.name).unlink()
    line = next((line for line in completed.stdout.splitlines()
                 if line.startswith(RESULT_MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result for {scenario.name}: {completed.stdout}"
                           f"{completed.stderr}")
    data = json.loads(line.removeprefix(RESULT_MARK))
    return Result(requests=data["requests"], seconds=data["duration_us"] / 1e6,
                  p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000,
                  errors={k: v for k, v in data["errors"].items() if v})


def measure(base_url: str, scenario: Callable[[], Scenario], connections: int,
            seconds: float, warmup: float) -> Result:
    """Warm up (figures dropped), then measure; ``scenario()`` is asked again before each run,
    so a save starts from the answers' current versions."""
    if warmup > 0:
        run(base_url, scenario(), connections, warmup)
    return run(base_url, scenario(), connections, seconds)
