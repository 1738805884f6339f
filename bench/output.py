"""What the run leaves: the printed tables, bench-results/bench.json."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.report import Ratio, Summary, ratio_rows, table
from bench.targets import Target


def _ms(value: float) -> str:
    return f"{value:.2f}"


def target_rows(
    targets: dict[str, Target], summaries: dict[tuple[str, int], Summary], busy: int, single: int
) -> list[list[str]]:
    rows = []
    for key, target in targets.items():
        main = summaries.get((key, busy))
        if main is None:
            why = target.missing or "no run completed"
            rows.append([target.label, f"not measured: {why}", "", "", "", "", "", "", ""])
            continue
        one = summaries.get((key, single))
        rows.append(
            [
                target.label,
                f"{main.rps:,.0f}",
                _ms(main.p50_ms),
                _ms(main.p99_ms),
                f"{main.cpu_us_per_request:.0f}",
                f"{main.loadgen_cpu_us_per_request:.0f}",
                str(main.errors),
                _ms(one.p50_ms) if one else "-",
                f"{main.others_cores:.2f}",
            ]
        )
    return rows


def target_table(
    targets: dict[str, Target], summaries: dict[tuple[str, int], Summary], busy: int, single: int
) -> str:
    rows = target_rows(targets, summaries, busy, single)
    # A "not measured" row spans the table: print it after the label, without columns.
    measured = [r for r in rows if not r[1].startswith("not measured")]
    header = [
        "GET /v1/pets/{id}",
        "req/s",
        "p50 ms",
        "p99 ms",
        "CPU µs/req",
        "loadgen µs/req",
        "errors",
        f"-c{single} p50 ms",
        "others, cores",
    ]
    text = table(measured, header) if measured else ""
    skipped = [f"{r[0]}: {r[1]}" for r in rows if r[1].startswith("not measured")]
    return "\n".join([text, *skipped]).strip("\n")


def ratio_table(items: list[Ratio]) -> str:
    return table(ratio_rows(items), ["ratio", "value", "goal", "verdict"], left=(0, 3))


def pipeline_text(pipeline: dict[str, Any]) -> str:
    if not pipeline.get("measured"):
        return f"202 pipeline: not measured: {pipeline.get('why', 'unknown')}"
    lines = [
        "202 pipeline (POST medical-records → Kafka → records worker → COMPLETED, "
        f"RECORD_PROCESSING_DELAY_MS={pipeline['record_delay_ms']}):",
        f"  throughput: {pipeline['burst_completed']} of {pipeline['burst_records']} records "
        f"COMPLETED in {pipeline['burst_seconds']:.2f} s = {pipeline['records_per_s']:.0f} "
        f"records/s ({pipeline['cpu_us_per_record']:.0f} µs CPU per record: Redis, Kafka, "
        "pets service, worker)",
        f"  202 → COMPLETED, {pipeline['latency_records']} records one at a time per client: "
        f"p50 {pipeline['p50_ms']:.1f} ms, p99 {pipeline['p99_ms']:.1f} ms "
        f"(clock: {pipeline['clock']})",
    ]
    lines += [f"  note: {note}" for note in pipeline.get("notes", [])]
    return "\n".join(lines)


def document(
    meta: dict[str, Any],
    targets: dict[str, Target],
    summaries: dict[tuple[str, int], Summary],
    items: list[Ratio],
    raw: dict[str, Any],
) -> dict[str, Any]:
    by_target: dict[str, Any] = {}
    for key, target in targets.items():
        runs = {f"c{c}": asdict(s) for (k, c), s in summaries.items() if k == key}
        by_target[key] = {
            "label": target.label,
            "url": target.url,
            "serving": list(target.serving),
            "missing": target.missing,
            **runs,
        }
    return {
        "meta": meta,
        "targets": by_target,
        "ratios": [r.as_dict() for r in items],
        "pipeline": raw["pipeline"],
        "overload": raw["overload"],
        "exactness": raw["exactness"],
        "notes": raw["notes"],
        "samples": raw["samples"],
    }


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)
