"""`make bench`: run the benchmarks, print one table and write it to docs/PERFORMANCE.md.

`python -m benchmarks timers` runs just the named ones. Each benchmark module has `run() -> list[dict]` rows
with: benchmark, measure, value, reference (what the same run measured to compare against), bar.
"""
import importlib
import os
import platform
import sys
from datetime import date
from pathlib import Path

MODULES = ["engine_throughput", "timers", "editor"]
COLUMNS = ("benchmark", "measure", "value", "reference", "bar")
REPORT = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return (f"{os.cpu_count()} cores ({cpu}), {int(memory) / 1024 / 1024:.0f} GiB, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def main(names: list[str]) -> None:
    rows = []
    for name in names or MODULES:
        print(f"running {name} ...", file=sys.stderr)
        rows += importlib.import_module(f"benchmarks.{name}").run()
    text = table(rows)
    print(text)
    REPORT.write_text(f"# Performance\n\nMeasured by `make bench` on {date.today().isoformat()}, on {machine()}.\n"
                      f"Each figure sits beside its reference from the same run.\n\n{text}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
