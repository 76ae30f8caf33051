"""Plots and tables for docs/benchmarks.md from the JSON files bench/run.py wrote.

    python bench/report.py bench/results/*.json --images docs/img > /tmp/tables.md

Writes sync-time-and-memory.png and query-latency.png into --images and prints the markdown tables.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt


def load(paths: list[Path]) -> list[dict[str, Any]]:
    return sorted((json.loads(p.read_text()) for p in paths), key=lambda r: r["scale"])


def plot_sync(results: list[dict[str, Any]], out: Path) -> None:
    scales = [r["account"]["lineage_entities"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for mode in ("full", "incremental"):
        left.plot(scales, [r["sync"][mode]["seconds"] for r in results], marker="o", label=f"{mode} sync")
        right.plot(scales, [r["sync"][mode]["peak_rss_mb"] for r in results], marker="o", label=f"{mode} sync")
    right.axhline(500, color="grey", linestyle="--", label="target (500 MB)")
    for axis, title, unit in ((left, "Sync wall time", "seconds"), (right, "Peak memory of the sync", "MB")):
        axis.set_xscale("log")
        axis.set_xlabel("lineage entities")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, alpha=0.3)
        axis.legend()
    left.set_yscale("log")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def with_queries(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs that measured lookups (a 1M run may skip them: `--skip-queries`)."""
    return [r for r in results if r.get("queries")]


def plot_queries(results: list[dict[str, Any]], out: Path) -> None:
    results = with_queries(results)
    largest = results[-1]
    names = list(largest["queries"])
    fig, axis = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(results), 1)
    for i, result in enumerate(results):
        p99 = [result["queries"].get(n, {}).get("p99_ms", 0) for n in names]
        axis.bar([x + i * width for x in range(len(names))], p99, width, label=f"{result['scale']:,} entities")
    axis.axhline(50, color="grey", linestyle="--", label="target p99 (50 ms)")
    axis.set_xticks([x + width * (len(results) - 1) / 2 for x in range(len(names))])
    axis.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
    axis.set_ylabel("p99 latency (ms)")
    axis.set_title("Lookup latency, warm, p99")
    axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def _figure(value: Any) -> str:
    """A table cell: thousands separated, '-' where the run did not measure it."""
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else str(value)


def tables(results: list[dict[str, Any]]) -> str:
    lines = [
        "| entities | associations | full sync s (fresh JVM) | rows | rows/s | ceiling rows/s | ratio | "
        "API calls/entity (repeat full) | peak RSS MB | incremental s | ratio to full | incr. peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        sync, ceiling = r["sync"], r.get("write_ceiling", {})
        full, incr = sync["full"], sync["incremental"]
        fresh = sync.get("full_fresh_jvm", {}).get("seconds")
        repeat = sync.get("full_repeat", {}).get("api_calls_per_entity")
        cells = [
            _figure(r["account"]["lineage_entities"]),
            _figure(r["account"]["associations"]),
            f"{full['seconds']} ({_figure(fresh)})",
            _figure(full["rows"]),
            _figure(full["rows_per_second"]),
            _figure(ceiling.get("rows_per_second")),
            _figure(ceiling.get("ratio")),
            f"{full['api_calls_per_entity']} ({_figure(repeat)})",
            _figure(full["peak_rss_mb"]),
            _figure(incr["seconds"]),
            _figure(incr["ratio_to_full"]),
            _figure(incr["peak_rss_mb"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    measured = with_queries(results)
    lines += ["", "| lookup | " + " | ".join(f"{r['scale']:,}: p50 / p95 / p99 ms" for r in measured) + " |"]
    lines.append("|---|" + "---:|" * len(measured))
    for name in measured[-1]["queries"]:
        cells = []
        for r in measured:
            q = r["queries"].get(name)
            cells.append(f"{q['p50_ms']} / {q['p95_ms']} / {q['p99_ms']}" if q else "-")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for r in results:
        if "sdk" not in r:
            continue
        lines += [
            "",
            f"SDK side by side at {r['scale']:,} entities, {r['sdk']['api_latency_ms']} ms per SageMaker call:",
            "",
            "| helper | questions | SDK ms (median) | ours ms (median) | speedup | SDK API calls | ours | agree | "
            "SDK truncated | disagree |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, s in r["sdk"].items():
            if isinstance(s, dict):
                lines.append(
                    f"| {name} | {s['questions']} | {s['sdk_ms_median']} | {s['ours_ms_median']} | {s['speedup']} | "
                    f"{s['sdk_api_calls']} | {s['ours_api_calls']} | {s['answers_agree']} | {s['sdk_truncated']} | "
                    f"{s['disagree']} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--images", type=Path, required=True)
    args = parser.parse_args()
    results = load(args.results)
    args.images.mkdir(parents=True, exist_ok=True)
    plot_sync(results, args.images / "sync-time-and-memory.png")
    plot_queries(results, args.images / "query-latency.png")
    print(tables(results))


if __name__ == "__main__":
    main()
