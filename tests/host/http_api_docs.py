#!/usr/bin/env python3
"""Runs the curl examples of docs/http-api.md against a real privatechat-server.

    http_api_docs.py --server PATH --doc docs/http-api.md

Every ```sh block runs, in order, in one bash (set -euo pipefail, so a failing curl or jq
fails the test), with HOST pointing at the host. A ```json or ```text block right after it is
its documented answer: the real answer must have the same fields and the same values, but for
the ones that differ per run (IDs, tokens, times), which must only have the same type.
"""

import argparse
import json
import os
import re
import subprocess
import sys

VOLATILE = {"id", "roomId", "participantId", "token", "hostKey", "expiresAt", "timestamp", "ttl", "reason"}


def blocks(markdown):
    """[(sh source, (kind, expected) or None)] in document order."""
    found = [(m.group(1), m.group(2), m.end(), m.start())
             for m in re.finditer(r"^```(\w+)\n(.*?)^```\n", markdown, re.S | re.M)]
    out = []
    for i, (kind, body, end, _) in enumerate(found):
        if kind != "sh":
            continue
        expected = None
        if i + 1 < len(found) and found[i + 1][0] in ("json", "text") \
                and markdown[end:found[i + 1][3]].strip() == "":
            expected = (found[i + 1][0], found[i + 1][1])
        out.append((body, expected))
    return out


def same_shape(expected, actual, path="$"):
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(expected) != set(actual):
            return f"{path}: fields {sorted(actual) if isinstance(actual, dict) else actual!r}, documented {sorted(expected)}"
        for key in expected:
            if key in VOLATILE:
                if type(expected[key]) is not type(actual[key]):
                    return f"{path}.{key}: {actual[key]!r} is not like {expected[key]!r}"
                continue
            why = same_shape(expected[key], actual[key], f"{path}.{key}")
            if why:
                return why
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            return f"{path}: {len(actual) if isinstance(actual, list) else actual!r} items, documented {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            why = same_shape(e, a, f"{path}[{i}]")
            if why:
                return why
        return None
    return None if expected == actual else f"{path}: {actual!r}, documented {expected!r}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--doc", required=True)
    args = ap.parse_args()
    examples = blocks(open(args.doc, encoding="utf-8").read())
    if not examples:
        print("no examples found")
        return 1

    server = subprocess.Popen([args.server, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                              text=True)
    try:
        line = server.stdout.readline()
        m = re.search(r"wss?://127\.0\.0\.1:(\d+)/", line)  # plain HTTP from loopback works on a TLS host
        if not m:
            print(f"the host did not start: {line!r}")
            return 1
        host = f"http://127.0.0.1:{m.group(1)}"
        script = ["set -euo pipefail"]
        for i, (source, _) in enumerate(examples):
            script.append(source.replace("http://127.0.0.1:7878", host))
            script.append(f"printf '\\n@@@ {i} @@@\\n'")
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["NO_PROXY"] = "*"
        run = subprocess.run(["bash", "-c", "\n".join(script)], capture_output=True, text=True,
                             env=env, timeout=120)
        outputs = re.split(r"\n?@@@ \d+ @@@\n", run.stdout)
        passed = failed = 0
        for i, (source, expected) in enumerate(examples):
            name = source.strip().splitlines()[0][:70]
            if i >= len(outputs) - 1:
                print(f"FAIL {name}: did not run (exit {run.returncode}): {run.stderr.strip()}")
                failed += 1
                continue
            got = outputs[i].strip()
            why = None
            if expected and expected[0] == "json":
                try:
                    why = same_shape(json.loads(expected[1]), json.loads(got))
                except json.JSONDecodeError as e:
                    why = f"not JSON ({e}): {got!r}"
            elif expected:
                why = None if got == expected[1].strip() else f"{got!r}, documented {expected[1].strip()!r}"
            if why:
                print(f"FAIL {name}: {why}")
                failed += 1
            else:
                print(f"ok   {name}")
                passed += 1
        if run.returncode != 0 and failed == 0:
            print(f"FAIL the examples exited {run.returncode}: {run.stderr.strip()}")
            failed += 1
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
