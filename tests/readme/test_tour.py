"""Runs the README's tour of the API as written, against real demo servers started on several days of the week.

The shell blocks between "## A tour of the API" and the list of resources are run by bash, top to bottom, with `curl`
wrapped so that every answer's HTTP status is recorded: a command passes when its status is 2xx, or one of those its
README line names after "# →" ("# → 409", "# → 409 or 200"); a command marked "(when …)" runs only in some plants
(the tour says when). The IDs the tour picks with jq must exist. A failing day
is replayed with: python3 tests/readme/test_tour.py <takt binary> <clock start>, e.g. 2026-11-29T10:00:00Z.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "browser"))
from takt_server import ADMIN_TOKEN, TaktServer  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
# A Wednesday morning, a Friday afternoon, a Sunday and a Monday before the first shift (UTC; the plant is in Berlin).
DAYS = ["2026-11-25T06:00:00Z", "2026-11-27T14:00:00Z", "2026-11-29T10:00:00Z", "2026-11-30T04:30:00Z"]

WRAPPER = r'''
set -u
curl() {
    local limit=(--max-time 60) a
    for a in "$@"; do [ "$a" = "-N" ] && limit=(--max-time 2); done
    local out
    out=$(command curl "${limit[@]}" -w '\n%{http_code}' "$@")
    local code=${out##*$'\n'}
    # The call is logged before its output is written: a reader that stops early (`| head -c 400`) ends this subshell
    # with SIGPIPE while it writes, and a log line written after would then be lost (the step would seem never to run).
    printf '%s\t%s\t%s\n' "$TOUR_STEP" "$code" "${*: -1}" >> "$TOUR_LOG"
    printf '%s\n' "${out%$'\n'*}" || true
}
'''


def tour_blocks():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    start = text.index("## A tour of the API")
    end = text.index("Every resource: `/sites`", start)
    return re.findall(r"```sh\n(.*?)```", text[start:end], re.S)


def script(base):
    """The tour as one bash script; before each command, TOUR_STEP names it and its expected statuses."""
    lines, expected = [], {}
    step = 0
    for block in tour_blocks():
        command = []
        for line in block.replace("http://127.0.0.1:8080", base).splitlines():
            command.append(line)
            if line.rstrip().endswith("\\"):
                continue
            joined = "\n".join(command)
            command = []
            stripped = joined.strip()
            if "curl " in stripped and not stripped.startswith("#"):
                step += 1
                m = re.search(r"# → ([0-9 or]+)", joined)
                # "(when …)": the command runs only in some plants (the tour says when); the others must run.
                optional = m is not None and "(when" in joined[m.start():]
                expected[step] = (set(re.findall(r"\d{3}", m.group(1))) if m else None, stripped.splitlines()[0][:120], optional)
                lines.append(f"TOUR_STEP={step}")
            lines.append(joined)
    lines.append('echo "TOUR-IDS PO=${PO:-} SEQ=${SEQ:-} LOT=${LOT:-} WI=${WI:-} EXC=${EXC:-} NEW=${NEW:-}"')
    return WRAPPER + "\n".join(lines) + "\n", expected


def run(binary, clock_start):
    failures = []
    with TaktServer(binary, clock_start=clock_start) as server, tempfile.TemporaryDirectory() as tmp:
        text, expected = script(server.base)
        log = os.path.join(tmp, "statuses.tsv")
        env = dict(os.environ, TAKT_BOOTSTRAP_TOKEN=ADMIN_TOKEN, TOUR_LOG=log, TOUR_STEP="0")
        proc = subprocess.run(["bash", "-c", text], cwd=tmp, env=env, capture_output=True, text=True, timeout=600)
        seen = {}
        if os.path.exists(log):
            for row in open(log):
                step, code, target = row.rstrip("\n").split("\t", 2)
                seen.setdefault(int(step), []).append((code, target))
        for step, (allowed, line, optional) in expected.items():
            calls = seen.get(step)
            if not calls and optional:
                continue
            if not calls:
                failures.append(f"step {step} never ran: {line}")
                continue
            for code, target in calls:
                ok = code in allowed if allowed else code.startswith("2")
                if not ok:
                    failures.append(f"step {step} answered {code} ({target}): {line}")
        ids = re.search(r"TOUR-IDS (.*)", proc.stdout)
        if not ids:
            failures.append("the tour did not reach its end; stderr:\n" + proc.stderr[-2000:])
        else:
            for pair in ids.group(1).split():
                name, _, value = pair.partition("=")
                if value in ("", "null"):
                    failures.append(f"the tour could not pick {name} from the plant's answers")
        if failures:
            failures.append("stderr of the tour:\n" + proc.stderr[-3000:])
    return failures


def main():
    binary = sys.argv[1]
    days = sys.argv[2:] or DAYS
    failed = False
    for day in days:
        failures = run(binary, day)
        if failures:
            failed = True
            print(f"FAIL README tour on a demo started at {day} (replay: python3 tests/readme/test_tour.py {binary} {day})")
            for f in failures:
                print("  " + f)
        else:
            print(f"ok   README tour on a demo started at {day}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
