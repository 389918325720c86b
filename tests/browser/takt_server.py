"""Starts a real `takt serve --demo` on a free loopback port with a temporary database, and talks to its JSON API.

Shared by the browser tests (tests/browser/test_web.py), the metrics test (tests/metrics/test_metrics.py) and
scripts/screenshots.
"""
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
# The plant's clock starts on a Wednesday at 07:00 in the plant (06:00 UTC), so the tests see the same shifts
# whatever day and hour they run.
CLOCK_START = "2026-11-25T06:00:00Z"

# The screen sizes the web app is made for: a desktop, a tablet and a phone (CSS pixels).
SIZES = {"desktop": (1400, 900), "tablet": (1024, 768), "phone": (390, 844)}

# Pages of the demo plant that need no IDs from a running scenario, with their screenshot names (the screenshots add
# an exception, its comparison, a work center's schedule and a lot's genealogy).
WEB_PAGES = [
    ("/tower", "control-tower"),
    ("/schedule?zoom=day", "schedule-day"),
    ("/schedule?zoom=week", "schedule-week"),
    ("/exceptions", "exception-inbox"),
    ("/orders", "orders"),
    ("/orders/SO-10001", "order-detail"),
    ("/production-orders", "production-orders"),
    ("/production-orders/PO-000002", "production-order-detail"),
    ("/genealogy", "genealogy"),
    ("/warehouse", "warehouse-board"),
    ("/quality", "quality-board"),
    ("/admin", "users-and-tokens"),
    ("/admin/webhooks", "webhooks"),
    ("/setup", "setup"),
    ("/setup/items", "setup-items"),
    ("/setup/boms", "setup-boms"),
    ("/setup/routings", "setup-routings"),
    ("/setup/work-centers", "setup-work-centers"),
    ("/setup/skills", "setup-skills"),
    ("/setup/customers", "setup-customers"),
    ("/setup/locations", "setup-locations"),
    ("/admin/users", "setup-users"),
    ("/print/orders/PO-000002", "print-traveler"),
    ("/print/pick-list", "print-pick-list"),
    ("/terminal", "terminal-index"),
    ("/terminal/WC-MILL-1", "terminal"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TaktServer:
    def __init__(self, binary, scale=1, env=None, clock_start=CLOCK_START, demo=True):
        self.binary = binary
        self.demo = demo
        self.clock_start = clock_start
        self.extra_env = env or {}
        self.scale = scale
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="takt-browser-")
        self.proc = None

    def __enter__(self):
        env = dict(os.environ, TAKT_BOOTSTRAP_TOKEN=ADMIN_TOKEN, **self.extra_env)
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve"] + (["--demo", "--scale", str(self.scale)] if self.demo else [])
            + ["--db", os.path.join(self.dir, "takt.sqlite"),
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", "--clock-start", self.clock_start,
             "--webhooks-loopback-only"],
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


def parse(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def real_disruption(server):
    """Publishes a schedule, then reports through the API that the work center with the most work until tomorrow
    evening runs at 30 % of its rate (worn tooling) until then, the repair time maintenance gave; the orchestrator
    (running inside `takt serve`) raises an exception with simulated, ranked actions. Returns the published schedule,
    the exception (as GET /api/v1/exceptions/{id} answers) and the work center."""
    published = server.api("POST", "/api/v1/schedule/runs", {"iterations": 300, "seed": 7})  # the same plan on every machine
    now = parse(published["origin"])
    until = now + datetime.timedelta(hours=39)  # Wednesday 07:00 → Thursday 22:00 in the plant: two days of two shifts
    load = {}
    for step in published["steps"]:
        start, end = max(parse(step["start"]), now), min(parse(step["end"]), until)
        if end > start:
            load[step["workCenter"]] = load.get(step["workCenter"], 0) + (end - start).total_seconds() / 60
    assert load, "the published schedule has work before tomorrow evening"
    wc = max(sorted(load), key=lambda w: load[w])
    server.api("POST", f"/api/v1/work-centers/{wc}/machine-state",
               {"state": "slow", "reason": "Worn tooling, feed reduced", "actualRate": 15, "idealRate": 50,
                "expectedUntil": until.strftime("%Y-%m-%dT%H:%M:%SZ")})
    for _ in range(300):  # at most 30 s
        items = server.api("GET", "/api/v1/exceptions?kind=machine-slow")["items"]
        if items:
            return published, server.api("GET", f"/api/v1/exceptions/{items[0]['id']}"), wc
        time.sleep(0.1)
    raise AssertionError(f"no exception raised within 30 s for the slowdown of {wc}")
