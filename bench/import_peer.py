#!/usr/bin/env python3
"""Python peer of bench/import.bench.mts: the same import steps in plain Python.

Reads a chat JSONL file line by line with json.loads, runs the seven format checks of OpenAI's
cookbook notebook "Data preparation and analysis for chat model fine-tuning" on every example,
and writes the valid rows (messages as JSON text, the intent, the source line) with pandas: to
Parquet when pyarrow is importable, else to CSV. Prints one JSON line with counts, the output
format and the peak RSS (ru_maxrss).

    python3 bench/import_peer.py IN.jsonl OUT_WITHOUT_EXTENSION
"""
import json
import resource
import sys
from collections import Counter

import pandas as pd

try:
    import pyarrow  # noqa: F401
    HAVE_ARROW = True
except ImportError:
    HAVE_ARROW = False

ROLES = {"system", "user", "assistant", "function"}
KEYS = {"role", "content", "name", "function_call", "weight"}


def format_errors(ex):
    """The cookbook's checks, as in the notebook (one key per failed check)."""
    errors = []
    if not isinstance(ex, dict):
        return ["data_type"]
    messages = ex.get("messages", None)
    if not messages:
        return ["missing_messages_list"]
    for message in messages:
        if "role" not in message or "content" not in message:
            errors.append("message_missing_key")
        if any(k not in KEYS for k in message):
            errors.append("message_unrecognized_key")
        if message.get("role", None) not in ROLES:
            errors.append("unrecognized_role")
        content = message.get("content", None)
        function_call = message.get("function_call", None)
        if (not content and not function_call) or not isinstance(content, str):
            errors.append("missing_content")
    if not any(message.get("role", None) == "assistant" for message in messages):
        errors.append("example_missing_assistant_message")
    return errors


def main(path, out):
    rows = []
    counts = Counter()
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            try:
                ex = json.loads(line)
            except json.JSONDecodeError:
                counts["json"] += 1
                continue
            errs = format_errors(ex)
            if errs:
                counts.update(errs)
                continue
            rows.append((json.dumps(ex["messages"], ensure_ascii=False), ex.get("intent"), line_no))
    df = pd.DataFrame(rows, columns=["messages", "intent", "source_line"])
    if HAVE_ARROW:
        target = out + ".parquet"
        df.to_parquet(target, index=False)
    else:
        target = out + ".csv"
        df.to_csv(target, index=False)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"rows": len(df), "errors": dict(counts), "output": target, "format": "parquet" if HAVE_ARROW else "csv",
                      "peak_rss_kb": usage.ru_maxrss, "cpu_ms": round((usage.ru_utime + usage.ru_stime) * 1000)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
