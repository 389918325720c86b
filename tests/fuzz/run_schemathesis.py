#!/usr/bin/env python3
"""Fuzzes every operation of Takt's OpenAPI document with schemathesis against a real `takt serve --demo`.

Usage: tests/fuzz/run_schemathesis.py PATH/TO/takt [--max-examples N] [--seed N]

Starts the server on a free 127.0.0.1 port with a temporary database (tests/browser/takt_server.py), reads the
document the server itself serves (GET /api/v1/openapi.json), and runs `schemathesis run` over every operation,
/commands and /commands/batch included, as the admin, with a bounded number of examples per operation and a fixed
seed. Checks: not_a_server_error (no 5xx, and the server must still answer /healthz afterwards) and
response_schema_conformance (every documented answer validates against its schema). Prints the number of
requests made; exits non-zero on any failure. The schemathesis executable is taken from $SCHEMATHESIS, else PATH.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
from takt_server import ADMIN_TOKEN, TaktServer  # noqa: E402

CHECKS = "not_a_server_error,response_schema_conformance"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="path of the takt executable")
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("TAKT_FUZZ_EXAMPLES", "8")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("TAKT_FUZZ_SEED", "1")))
    args = parser.parse_args()
    tool = os.environ.get("SCHEMATHESIS") or shutil.which("schemathesis")
    if not tool:
        print("schemathesis is not installed: pip install 'schemathesis==4.32.5' (.ci/run does)", file=sys.stderr)
        return 2
    out = tempfile.mkdtemp(prefix="takt-fuzz-")
    with TaktServer(args.binary) as server:
        with urllib.request.urlopen(server.base + "/api/v1/openapi.json", timeout=30) as r:
            spec = json.load(r)
        operations = sum(1 for item in spec["paths"].values() for m in item if m in ("get", "put", "post", "delete", "patch"))
        spec_path = os.path.join(out, "openapi.json")
        with open(spec_path, "w", encoding="utf-8") as f:
            json.dump(spec, f)
        har = os.path.join(out, "requests.har")
        command = [tool, "run", spec_path, "--url", server.base,
                   "--header", f"Authorization: Bearer {ADMIN_TOKEN}",
                   "--checks", CHECKS, "--max-examples", str(args.max_examples), "--seed", str(args.seed),
                   "--phases", "examples,coverage,fuzzing", "--mode", "all", "--workers", "2",
                   "--request-timeout", "60", "--suppress-health-check", "all", "--no-color",
                   "--report", "har", "--report-har-path", har]
        print(f"fuzz: {operations} operations, up to {args.max_examples} generated examples each, seed {args.seed}", flush=True)
        status = subprocess.call(command)
        alive = True
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=10) as r:
                alive = r.status == 200
        except OSError:
            alive = False
        log = open(server.log.name, encoding="utf-8", errors="replace").read()
    requests = 0
    if os.path.exists(har):
        with open(har, encoding="utf-8") as f:
            requests = len(json.load(f)["log"]["entries"])
    print(f"fuzz: {requests} requests over {operations} operations; schemathesis exit status {status}; "
          f"server {'still answering' if alive else 'DOWN'}")
    if not alive:
        print("server log:\n" + log[-4000:], file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)
    return 0 if status == 0 and alive else 1


if __name__ == "__main__":
    sys.exit(main())
