"""`make bench`: run the benchmarks, print one table and write it to docs/PERFORMANCE.md.

`python -m benchmarks layout timers` runs just the named ones. A benchmark is a module here with
`run() -> list[dict]` rows of: benchmark, measure, value, reference (what the same run measured to
compare against), bar; its docstring says how it measures. Add one by naming its module in MODULES.

docs/PERFORMANCE.md keeps one section per benchmark, with the date and machine of its last run:
running some benchmarks rewrites their sections and leaves the others as they were.
"""
import importlib
import os
import platform
import sys
from datetime import date
from pathlib import Path

MODULES = ["engine_throughput", "timers", "layout", "memory", "http_load", "http_requests", "editor", "workflow_list",
           "time_triggers"]
COLUMNS = ("benchmark", "measure", "value", "reference", "bar")
REPORT = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"
TITLE = ("# Performance\n\nWritten by `make bench`; `python -m benchmarks NAME ...` rewrites the sections of the\n"
         "benchmarks it runs. Each figure sits beside its reference from the same run.\n")


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


def section(name: str, module, rows: list[dict], load: float) -> str:
    """The load average at the start says how busy the (shared) machine was: the figures are noisier above ~1."""
    return (f"## {name}\n\nMeasured on {date.today().isoformat()}, on {machine()}; load average {load:.1f} "
            f"at the start.\n\n"
            f"{(module.__doc__ or '').strip()}\n\n{table(rows)}\n")


def sections(text: str) -> dict:
    """The sections of a report, by benchmark name."""
    found = {}
    for chunk in text.split("\n## ")[1:]:
        name, _, body = chunk.partition("\n")
        found[name.strip()] = f"## {name.strip()}\n{body.rstrip()}\n"
    return found


def main(names: list[str]) -> None:
    rows = []
    for name in names or MODULES:
        print(f"running {name} ...", file=sys.stderr)
        module = importlib.import_module(f"benchmarks.{name}")
        load = os.getloadavg()[0]
        found = module.run()
        rows += found
        # Written after each benchmark (one failing later loses nothing), into the report as it is *now*:
        # benchmarks run meanwhile by someone else on this tree keep their sections.
        write(name, section(name, module, found, load))
    print(table(rows))


def write(name: str, text: str) -> None:
    report = sections(REPORT.read_text()) if REPORT.exists() else {}
    report[name] = text
    ordered = [each for each in MODULES if each in report] + [each for each in report if each not in MODULES]
    REPORT.write_text("\n".join([TITLE] + [report[each] for each in ordered]))


if __name__ == "__main__":
    main(sys.argv[1:])
