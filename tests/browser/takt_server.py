"""Starts a real `takt serve --demo` on a free loopback port with a temporary database, and talks to its JSON API.

Shared by the browser tests (tests/browser/test_web.py), scripts/screenshots and nothing else.
"""
import copy
import datetime
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ADMIN_TOKEN = "browser-test-admin-token-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TaktServer:
    def __init__(self, binary, scale=1):
        self.binary = binary
        self.scale = scale
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="takt-browser-")
        self.proc = None

    def __enter__(self):
        env = dict(os.environ, TAKT_BOOTSTRAP_TOKEN=ADMIN_TOKEN)
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--demo", "--scale", str(self.scale), "--db", os.path.join(self.dir, "takt.sqlite"),
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("takt serve exited early:\n" + open(self.log.name).read())
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("takt serve did not answer /healthz within 120 s")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def api(self, method, path, body=None, token=ADMIN_TOKEN, ok=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                text = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            status = e.code
        if status not in ok:
            raise AssertionError(f"{method} {path} answered {status}: {text}")
        return json.loads(text) if text else None

    def token_for(self, user):
        return self.api("POST", f"/api/v1/users/{user}/tokens", {"label": "browser test"})["secret"]


def chrome():
    """Headless Debian chromium through chromium-driver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                "--force-device-scale-factor=1", "--lang=en-GB"):
        options.add_argument(arg)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(0)
    return driver


def shifted(schedule, new_id, minutes):
    """A copy of a schedule with the first work center's operations `minutes` later."""
    alt = copy.deepcopy(schedule)
    alt["id"] = new_id
    wc = sorted({s["workCenter"] for s in alt["steps"]})[0]
    for s in alt["steps"]:
        if s["workCenter"] == wc:
            for k in ("start", "end"):
                t = datetime.datetime.strptime(s[k], "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(minutes=minutes)
                s[k] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return alt, wc


def raise_demo_exception(server):
    """Publishes a schedule, then raises a hand-made exception (as the admin, through POST /api/v1/commands) whose
    action A1 would publish a changed schedule. After the orchestration issue lands, a real disruption does this."""
    published = server.api("POST", "/api/v1/schedule/runs", {"timeLimitSeconds": 1})
    alt, wc = shifted(published, "SCH-900001", 120)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    kpis = {"lateOrders": 3, "totalLatenessMinutes": 600, "weightedTardinessMinutes": 900, "lateCustomerLines": 2,
            "customerLatenessMinutes": 500, "overtimeMinutes": 0, "setupMinutes": 300, "movedOperations": 0}
    moved = len([s for s in alt["steps"] if s["workCenter"] == wc])
    better = dict(kpis, lateOrders=1, totalLatenessMinutes=120, movedOperations=moved)
    exception = {
        "id": "EXC-000000", "kind": "machine-down", "title": f"{wc} is down: spindle failure", "subject": f"machine-down:{wc}",
        "disruption": {"kind": "machine-down", "workCenter": wc, "from": now, "lots": []},
        "raisedAt": now, "severity": "high", "functions": ["production", "sales"],
        "causeChain": [{"kind": "event", "text": f"{wc} went down (spindle failure)", "refs": [wc]},
                       {"kind": "effect", "text": "3 orders finish late without action", "refs": []}],
        "impact": {"baseline": dict(kpis, lateOrders=0), "predicted": kpis, "operations": [], "orders": [], "stagingTasks": [], "labour": [],
                   "checksDue": [], "affected": {"productionOrders": [], "salesOrders": [], "lots": [], "workCenters": [wc], "people": []}},
        "actions": [{"id": "A1", "title": f"Run {wc}'s work two hours later", "steps": [], "predicted": better,
                     "effect": f"late orders 3 → 1; {moved} operations on {wc} move two hours later", "cost": 42, "costTerms": [], "rank": 1,
                     "rationale": "fewest late orders", "approvals": ["planner"], "decisions": [], "status": "proposed", "schedule": alt},
                    {"id": "A2", "title": "Add 4 h overtime on Saturday", "steps": [], "predicted": dict(kpis, lateOrders=2, overtimeMinutes=240),
                     "effect": "late orders 3 → 2, +4 h overtime", "cost": 75, "costTerms": [], "rank": 2,
                     "rationale": "overtime costs more and leaves two orders late", "approvals": ["supervisor"], "decisions": [],
                     "status": "proposed"}],
        "tasks": [{"role": "sales", "text": "Tell the customers of the late orders"}], "notify": [], "status": "open", "verifications": []}
    server.api("POST", "/api/v1/commands", {"type": "raiseException", "data": exception})
    return published, alt, wc
