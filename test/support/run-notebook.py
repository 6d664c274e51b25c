"""Executes one notebook headless with nbclient against a Jupyter kernel (the project's
registered tslab kernel by default) and writes the executed notebook.

tslab reports a failed cell (a type error, an exception) as stderr text plus an execute
reply with status "error", not as an "error" output; this runner turns such a reply into
an "error" output holding the cell's stderr, so the executed notebook shows every failure
and "no error outputs" means every cell succeeded. Every cell runs even after a failure.

usage: run-notebook.py NOTEBOOK OUTPUT [--kernel tslab] [--timeout SECONDS]
Prints one JSON line: {"cells": [{"index", "status", "seconds"}...], "seconds": total}.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=300, help="seconds one cell may take")
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    cells = []
    started = {}

    def on_cell_start(cell, cell_index, **_):
        started[cell_index] = time.monotonic()

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        content = execute_reply.get("content", {})
        status = content.get("status", "ok")
        count = content.get("execution_count")
        if isinstance(count, int):
            cell["execution_count"] = count
        cells.append({"index": cell_index, "status": status, "seconds": round(time.monotonic() - started.get(cell_index, time.monotonic()), 3)})
        if status != "ok" and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            stderr = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")
            cell.setdefault("outputs", []).append(nbformat.v4.new_output(
                "error",
                ename=content.get("ename") or "CellError",
                evalue=content.get("evalue") or (stderr.strip() or f"the kernel replied {status}"),
                traceback=content.get("traceback") or stderr.splitlines(),
            ))

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    t0 = time.monotonic()
    client.execute()
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, args.output)
    print(json.dumps({"cells": cells, "seconds": round(time.monotonic() - t0, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
