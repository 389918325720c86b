#!/usr/bin/env python3
"""Checks that Package.swift and the imports agree: every module a target imports is one of its declared dependencies,
and every declared dependency is imported by at least one of its files. Toolchain modules (Foundation, Testing, …)
are not dependencies. Exits 1 and names each disagreement (target, module, which way); 0 when they agree.

Run from the repository root: `python3 scripts/check_manifest.py` (the README's test command runs it)."""
import json, os, re, subprocess, sys

TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationInternationalization", "FoundationNetworking", "Dispatch",
             "FoundationXML", "Synchronization", "Testing", "XCTest", "Glibc", "Musl", "Darwin", "_Concurrency", "os", "RegexBuilder"}
IMPORT = re.compile(r'^\s*(?:@[\w()":, ]+\s+)*(?:public\s+|package\s+|internal\s+|fileprivate\s+|private\s+)?import\s+'
                    r'(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)')

def main() -> int:
    dump = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    problems = []
    for target in dump["targets"]:
        name, kind = target["name"], target["type"]
        declared = set()
        for dep in target.get("dependencies", []):
            for key in ("byName", "target", "product"):
                if key in dep:
                    declared.add(dep[key][0])
        root = target.get("path") or os.path.join("Tests" if kind == "test" else "Sources", name)
        imported = {}
        for folder, _, files in os.walk(root):
            for file in files:
                if not file.endswith(".swift"):
                    continue
                path = os.path.join(folder, file)
                with open(path, encoding="utf-8") as source:
                    for line in source:
                        match = IMPORT.match(line)
                        if match:
                            imported.setdefault(match.group(1), path)
        modules = set(imported) - TOOLCHAIN - {name}
        for module in sorted(modules - declared):
            problems.append(f"{name}: imports {module} ({imported[module]}) but Package.swift does not declare it")
        for module in sorted(declared - modules):
            problems.append(f"{name}: Package.swift declares {module} but no file of the target imports it")
    for problem in problems:
        print("manifest:", problem)
    if problems:
        print(f"manifest: {len(problems)} disagreement(s) between Package.swift and the imports")
        return 1
    print(f"manifest: the imports of {len(dump['targets'])} targets match Package.swift")
    return 0

if __name__ == "__main__":
    sys.exit(main())
