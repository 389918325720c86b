#!/usr/bin/env python3
"""Validate a saved Takt OpenAPI document, offline.

Usage: scripts/check_openapi.py PATH/TO/openapi.json

Checks the document against the OpenAPI 3.1 specification with the PyPI package
`openapi-spec-validator` (pip install openapi-spec-validator), and every component
schema against the JSON Schema 2020-12 meta-schema with `jsonschema` (which it brings).
Nothing is fetched from the network: the document only refers to its own components.

To save a document: GET /api/v1/openapi.json from a running server, or run the tests with
OPENAPI_OUT=/tmp/openapi.json swift test --filter OpenAPITests
"""
import json
import sys


def pointer(parts) -> str:
    """A JSON Pointer (RFC 6901) to where an error is."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        from jsonschema import Draft202012Validator
        from openapi_spec_validator import OpenAPIV31SpecValidator
    except ImportError as e:
        print(f"missing package: {e.name}; pip install openapi-spec-validator", file=sys.stderr)
        return 2

    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)

    problems = []
    if spec.get("openapi") != "3.1.0":
        problems.append(f"openapi is {spec.get('openapi')!r}, expected '3.1.0'")
    for error in OpenAPIV31SpecValidator(spec).iter_errors():
        problems.append(f"{pointer(error.absolute_path)}: {error.message}")
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        for error in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema):
            where = pointer(["components", "schemas", name, *error.absolute_path])
            problems.append(f"{where}: {error.message}")

    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"{argv[1]}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    operations = sum(len(item) for item in spec.get("paths", {}).values())
    schemas = len(spec.get("components", {}).get("schemas", {}))
    print(f"{argv[1]}: valid OpenAPI 3.1 ({operations} operations, {schemas} component schemas)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
