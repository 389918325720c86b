#!/usr/bin/env python3
"""Run OR-Tools CP-SAT on job-shop instances with the same output as `takt bench jssp`.

Standard model: one interval per operation, a no-overlap constraint per machine, precedence
within each job, minimise the makespan. Usage (pip install ortools):

    python3 scripts/cpsat_jssp.py --instances ../shared/benchmarks/jssp --time-limit 1 --workers 2
    python3 scripts/cpsat_jssp.py --instances ../shared/benchmarks/jssp/ft10.txt ../shared/benchmarks/jssp/la21.txt --time-limit 10

Prints one JSON line per instance, then a summary line; progress goes to stderr only on a terminal.
"""
import argparse
import json
import os
import sys
import time

from ortools.sat.python import cp_model


def read_instance(path):
    with open(path) as f:
        lines = [l.split() for l in f if l.strip()]
    n, m = int(lines[0][0]), int(lines[0][1])
    jobs = []
    for j in range(n):
        fields = list(map(int, lines[1 + j]))
        if len(fields) != 2 * m:
            raise ValueError(f"{path}: line {j + 2}: expected {2 * m} numbers, found {len(fields)}")
        jobs.append([(fields[2 * k], fields[2 * k + 1]) for k in range(m)])
    return n, m, jobs


def solve(jobs, machines, time_limit, workers, seed):
    model = cp_model.CpModel()
    horizon = sum(d for job in jobs for _, d in job)
    per_machine = [[] for _ in range(machines)]
    ends = []
    for j, job in enumerate(jobs):
        prev_end = None
        for k, (machine, duration) in enumerate(job):
            start = model.new_int_var(0, horizon, f"s{j}_{k}")
            end = model.new_int_var(0, horizon, f"e{j}_{k}")
            per_machine[machine].append(model.new_interval_var(start, duration, end, f"i{j}_{k}"))
            if prev_end is not None:
                model.add(start >= prev_end)
            prev_end = end
        ends.append(prev_end)
    for intervals in per_machine:
        model.add_no_overlap(intervals)
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, ends)
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return int(solver.objective_value)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", nargs="+", required=True, help="a directory with bounds.json, or instance files")
    ap.add_argument("--time-limit", type=float, required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    files = []
    for p in args.instances:
        if os.path.isdir(p):
            files += [os.path.join(p, f) for f in sorted(os.listdir(p)) if f.endswith(".txt")]
        else:
            files.append(p)
    bounds_cache = {}
    gaps = []
    progress = sys.stderr.isatty()
    for i, path in enumerate(files):
        name = os.path.splitext(os.path.basename(path))[0]
        directory = os.path.dirname(path) or "."
        if directory not in bounds_cache:
            with open(os.path.join(directory, "bounds.json")) as f:
                bounds_cache[directory] = json.load(f)
        upper = bounds_cache[directory][name]["upper"]
        if progress:
            print(f"[{i + 1}/{len(files)}] {name}...", file=sys.stderr)
        n, m, jobs = read_instance(path)
        t0 = time.monotonic()
        makespan = solve(jobs, m, args.time_limit, args.workers, args.seed)
        seconds = time.monotonic() - t0
        if makespan is None:
            print(json.dumps({"instance": name, "makespan": None, "upper_bound": upper, "gap_pct": None,
                              "seconds": round(seconds, 2)}))
            continue
        gap = (makespan - upper) / upper * 100
        gaps.append(gap)
        print(json.dumps({"instance": name, "makespan": makespan, "upper_bound": upper,
                          "gap_pct": round(gap, 2), "seconds": round(seconds, 2)}), flush=True)
    mean = sum(gaps) / len(gaps) if gaps else 0.0
    print(json.dumps({"summary": True, "instances": len(gaps), "mean_gap_pct": round(mean, 3),
                      "time_limit": args.time_limit}))


if __name__ == "__main__":
    main()
