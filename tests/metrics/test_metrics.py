"""Scrapes `/metrics` of a real `takt serve --demo` and reads it with Prometheus' own text-format parser
(the PyPI/Debian `prometheus_client`), as a Prometheus server would; then receives the OpenTelemetry traces another
such server sends over OTLP/HTTP to a collector on loopback, continuing the trace a client started.

Usage: test_metrics.py PATH/TO/takt   (scripts/test runs it; exits non-zero on the first failure)
"""
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "browser"))
from takt_server import ADMIN_TOKEN, TaktServer  # noqa: E402

SCRAPE_TOKEN = "metrics-test-scrape-token-42"


def scrape(server, token=SCRAPE_TOKEN):
    req = urllib.request.Request(server.base + "/metrics")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers["Content-Type"]
        families = {f.name: f for f in text_string_to_metric_families(r.read().decode())}
    return families


def value(families, family, sample_name, **labels):
    for s in families[family].samples:
        if s.name == sample_name and s.labels == labels:
            return s.value
    return None


def main(binary):
    with TaktServer(binary, env={"TAKT_METRICS_TOKEN": SCRAPE_TOKEN}) as server:
        # Without the scrape token: 401, and the API's admin token is not it.
        for token in (None, "wrong", ADMIN_TOKEN):
            try:
                scrape(server, token=token)
                raise AssertionError("a scrape without the token was served")
            except urllib.error.HTTPError as e:
                assert e.code == 401, e.code

        before = scrape(server)
        item = server.api("GET", "/api/v1/production-orders?limit=1")["items"][0]["item"]
        server.api("POST", "/api/v1/commands", {"type": "createProductionOrder",
                                                "data": {"id": "PO-PROM-1", "item": item, "quantity": 3,
                                                         "dueDate": "2026-12-10"}})
        server.api("POST", "/api/v1/commands", {"type": "createProductionOrder",
                                                "data": {"id": "PO-PROM-2", "item": item, "quantity": -3,
                                                         "dueDate": "2026-12-10"}}, ok=(422,))
        sequence = server.api("GET", "/healthz")["sequence"]
        after = scrape(server)

        # Types as Prometheus reads them (the parser strips a counter's _total from the family name).
        kinds = {"takt_commands": "counter", "takt_events_appended": "counter", "takt_http_requests": "counter",
                 "takt_http_request_duration_seconds": "histogram", "takt_store_commit_duration_seconds": "histogram",
                 "takt_log_sequence": "gauge", "takt_store_size_bytes": "gauge", "takt_orchestrator_queue_depth": "gauge",
                 "takt_orchestrator_reaction_seconds": "histogram"}
        for name, kind in kinds.items():
            assert name in after, f"{name} missing from /metrics: {sorted(after)}"
            assert after[name].type == kind, f"{name} is a {after[name].type}, not a {kind}"

        for outcome in ("accepted", "refused"):
            labels = {"command": "createProductionOrder", "outcome": outcome}
            was = value(before, "takt_commands", "takt_commands_total", **labels) or 0
            now = value(after, "takt_commands", "takt_commands_total", **labels)
            assert now == was + 1, f"{outcome}: {was} then {now}"
        # The gauge is read at scrape time: no command ran between /healthz and the scrape but the orchestrator's.
        log = value(after, "takt_log_sequence", "takt_log_sequence")
        assert log >= sequence, (log, sequence)
        assert value(after, "takt_store_size_bytes", "takt_store_size_bytes") > 0
        for lane in ("urgent", "routine"):
            depth = value(after, "takt_orchestrator_queue_depth", "takt_orchestrator_queue_depth", lane=lane)
            assert depth is not None and depth >= 0, (lane, depth)

        # Every histogram: cumulative buckets, +Inf equals the count.
        for family in after.values():
            if family.type != "histogram":
                continue
            series = {}
            for s in family.samples:
                key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
                series.setdefault(key, {"buckets": [], "count": None})
                if s.name.endswith("_bucket"):
                    series[key]["buckets"].append((float(s.labels["le"]), s.value))
                elif s.name.endswith("_count"):
                    series[key]["count"] = s.value
            for key, h in series.items():
                values = [v for _, v in sorted(h["buckets"])]
                assert values == sorted(values), f"{family.name}{key}: buckets not cumulative: {values}"
                assert values and values[-1] == h["count"], f"{family.name}{key}: +Inf {values[-1:]} != count {h['count']}"

        # Routes by template: no series carries an order ID or a raw path.
        for family in after.values():
            for s in family.samples:
                assert not any("PO-PROM" in v for v in s.labels.values()), s
        route = {"route": "/api/v1/commands", "method": "POST"}
        assert value(after, "takt_http_requests", "takt_http_requests_total", status="2xx", **route) >= 1
        assert value(after, "takt_http_requests", "takt_http_requests_total", status="4xx", **route) >= 1
    print("metrics: /metrics parsed by prometheus_client; counters, gauges and histograms agree with the API")
    traces(binary)


class Collector(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP collector that keeps what it is sent (protobuf bodies, read as bytes)."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Collector.received.append((self.path, self.headers.get("Content-Type"), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def traces(binary):
    collector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    try:
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_address[1]}",
               "OTEL_BSP_SCHEDULE_DELAY": "100"}
        with TaktServer(binary, env=env) as server:
            trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
            req = urllib.request.Request(server.base + "/api/v1/production-orders?limit=1")
            req.add_header("Authorization", "Bearer " + ADMIN_TOKEN)
            req.add_header("traceparent", f"00-{trace_id}-{parent}-01")
            with urllib.request.urlopen(req, timeout=30) as r:
                assert r.status == 200
            found = None
            for _ in range(300):  # at most 30 s
                found = next((r for r in Collector.received if bytes.fromhex(trace_id) in r[2]), None)
                if found:
                    break
                time.sleep(0.1)
            assert found, f"no span of trace {trace_id} reached the collector ({len(Collector.received)} posts)"
            path, content_type, body = found
            assert path == "/v1/traces", path
            assert content_type == "application/x-protobuf", content_type
            assert b"/api/v1/production-orders" in body, "the span is not named by its route"
            assert b"takt" in body, "service.name is not takt"
            assert bytes.fromhex(parent) in body, "the span is not a child of the caller's span"

            # A command: the request's span and, inside it, the service's `command <type>` span, in the caller's trace.
            trace_id = secrets.token_hex(16)
            item = server.api("GET", "/api/v1/production-orders?limit=1")["items"][0]["item"]
            req = urllib.request.Request(server.base + "/api/v1/commands", method="POST", data=json.dumps(
                {"type": "createProductionOrder",
                 "data": {"id": "PO-TRACE-1", "item": item, "quantity": 2, "dueDate": "2026-12-10"}}).encode())
            req.add_header("Authorization", "Bearer " + ADMIN_TOKEN)
            req.add_header("Content-Type", "application/json")
            req.add_header("traceparent", f"00-{trace_id}-{secrets.token_hex(8)}-01")
            with urllib.request.urlopen(req, timeout=30) as r:
                assert r.status == 201
            spans = b""
            for _ in range(300):  # at most 30 s
                spans = b"".join(r[2] for r in Collector.received if bytes.fromhex(trace_id) in r[2])
                if b"command createProductionOrder" in spans and b"/api/v1/commands" in spans:
                    break
                time.sleep(0.1)
            assert b"command createProductionOrder" in spans, "no command span in the caller's trace"
            assert b"/api/v1/commands" in spans, "no request span in the caller's trace"
    finally:
        collector.shutdown()
    print("traces: a request's span reached an OTLP/HTTP collector, in the caller's trace")


if __name__ == "__main__":
    main(sys.argv[1])
