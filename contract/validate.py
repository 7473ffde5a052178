"""Validates message bodies against the contract's JSON Schemas with Python's jsonschema.

    python3 contract/validate.py SCHEMA_DIR < cases.jsonl

Each input line is {"name", "schema" ($id), "body" (base64 of the message bytes)}; each output
line is {"name", "errors": [...]}, errors empty when the body is valid. The schemas are loaded by
examples/python-consumer/orderflow_contract.py, the loader the example consumer uses.
"""

import base64
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples" / "python-consumer"))
import orderflow_contract  # noqa: E402


def errors(contract, case):
    try:
        message = orderflow_contract.parse(base64.b64decode(case["body"]))
    except ValueError as e:
        return [f"not JSON: {e}"]
    return contract.errors(message, case["schema"])


def main():
    contract = orderflow_contract.Contract(sys.argv[1])
    for line in sys.stdin:
        if line.strip():
            case = json.loads(line)
            print(json.dumps({"name": case["name"], "errors": errors(contract, case)}), flush=False)


if __name__ == "__main__":
    main()
