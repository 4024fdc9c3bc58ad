"""Markdown tables from bench/results/*.json, every Paja figure beside the baseline's.

python -m bench.report        # reprint the tables without rerunning anything"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = ["grid", "knee", "compression", "frozen", "redis", "burst", "at_once", "join_storm"]
FANOUT_HEADER = (
    "| scenario | run | server | notes/s | p50 ms | p90 ms | p99 ms | max ms "
    "| all-seen p99 ms | POST p99 ms | deliveries/s | lost | out of order | 1013 "
    "| server µs/delivery | KiB/conn | gen core | other busy | steal % |"
)


def load(results: Path) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for path in results.glob("*.json"):
        runs = json.loads(path.read_text()).get("runs")  # others hold one bench's figures
        if runs is not None:
            found[path.stem] = runs
    return {name: found[name] for name in sorted(found, key=_rank)}


def _rank(name: str) -> int:
    return ORDER.index(name) if name in ORDER else len(ORDER)


def ratio(value: float | None, reference: float | None) -> str:
    if not value or not reference:
        return ""
    return f" (×{value / reference:.2f})"


def fanout_row(scenario: str, run: dict[str, Any], base: dict[str, Any] | None) -> str:
    d, cpu, setup = run["delivery"], run["cpu"], run["setup"]
    lat = d["latency_ms"]
    ref = base["delivery"] if base else {}
    ref_cpu = base["cpu"] if base else {}
    flags = " ⚠steal" if cpu["steal_high"] else ""
    flags += " ⚠gen-saturated" if cpu["generator_saturated"] else ""
    cells = [
        scenario,
        run["label"],
        run["server"],
        f"{d['achieved_rate']}",
        f"{lat['p50']}",
        f"{lat['p90']}",
        f"{lat['p99']}{ratio(lat['p99'], ref.get('latency_ms', {}).get('p99'))}",
        f"{lat['max']}",
        f"{d['everyone_seen_ms']['p99']}",
        f"{d['post_ms']['p99']}",
        f"{d['deliveries_per_s']:.0f}{ratio(d['deliveries_per_s'], ref.get('deliveries_per_s'))}",
        f"{d['lost_deliveries']}",
        f"{run['clients']['out_of_order']}",
        f"{run['clients']['reconnects_1013']}",
        f"{cpu['server_us_per_delivery']}"
        f"{ratio(cpu['server_us_per_delivery'], ref_cpu.get('server_us_per_delivery'))}",
        f"{setup['rss_per_connection_kib']}",
        f"{cpu['generator_cpu_util']}{flags}",
        f"{cpu['other_cpu_s'] / max(cpu['elapsed_s'], 1e-9):.2f}",
        f"{cpu['steal_pct']}",
    ]
    return "| " + " | ".join(cells) + " |"


def fanout_table(runs: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = [FANOUT_HEADER, "|" + "---|" * FANOUT_HEADER.count(" | ") + "---|"]
    for scenario, items in runs.items():
        baselines = {r["label"]: r for r in items if r.get("server") == "baseline"}
        for run in items:
            if "error" in run:
                lines.append(f"| {scenario} | {run['label']} | {run['server']} | error: "
                             f"{run['error'].splitlines()[-1][:80]} |")  # fmt: skip
            elif "delivery" in run:
                base = baselines.get(run["label"]) if run["server"] == "paja" else None
                lines.append(fanout_row(scenario, run, base))
    return lines


def storm_table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| join storm | server | all have the board s | per client p50 / p99 s "
        "| join POST p99 ms | snapshots | missing | server CPU s | bytes/frame |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        if "per_client_s" not in run:
            continue
        per = run["per_client_s"]
        lines.append(
            f"| {run['label']} | {run['server']} | {run['all_have_board_s']} "
            f"| {per['p50']} / {per['p99']} | {run['join_post_ms']['p99']} "
            f"| {run['clients'].get('snapshots', 'n/a')} | {run['missing']} "
            f"| {run['cpu']['server_cpu_s']} "
            f"| {run['clients']['bytes_per_frame']} |"
        )
    return lines


def frozen_lines(runs: list[dict[str, Any]]) -> list[str]:
    lines = []
    for run in runs:
        if "frozen" in run:
            f = run["frozen"]
            lines.append(
                f"- frozen client ({run['label']}): server side before it read anything: "
                f"{f['server_side_before_drain']}; server RSS {f['server_rss_mb']} MB; "
                f"on draining: {f['drained']}"
            )
    return lines


def burst_lines(runs: list[dict[str, Any]]) -> list[str]:
    return [
        f"- {run['label']}: {run['delivery']['stored_201']} answered 201, "
        f"{run.get('burst_stored')} stored on the board, "
        f"{run['delivery']['deliveries']} of {run['delivery']['stored_201'] * 200} delivered, "
        f"everyone saw all within {run['delivery']['everyone_seen_ms']['max']} ms"
        for run in runs
        if "delivery" in run
    ]


def at_once_table(runs: list[dict[str, Any]]) -> list[str]:
    """Posts at the same instant: stored, 5xx, listeners with every note, delivery."""
    lines = [
        "| at once | posted | stored | 5xx | other statuses | listeners with every note "
        "| delivery p50 / p99 ms | POST p99 ms | server CPU s | load (1 min) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        if "delivery" not in run:
            last = run.get("error", "").strip().splitlines()[-1:] or ["no result"]
            lines.append(f"| {run['label']} | did not finish: {last[0][:80]} |")
            continue
        d = run["delivery"]
        others = {k: v for k, v in d["post_statuses"].items() if k != "201"}
        complete = run["clients"].get("listeners_with_every_note")
        listeners = f"{complete} of {run['options']['clients']}"
        lines.append(
            f"| {run['label']} | {d['posted']} | {run.get('burst_stored') or d['stored_201']} "
            f"| {d.get('server_errors_5xx', 'n/a')} | {others or '–'} | {listeners} "
            f"| {d['latency_ms']['p50']} / {d['latency_ms']['p99']} | {d['post_ms']['p99']} "
            f"| {run['cpu']['server_cpu_s']} | {run.get('load_avg', ['n/a'])[0]} |"
        )
    return lines


def markdown_table(results: Path = RESULTS) -> str:
    runs = load(results)
    lines = fanout_table({k: v for k, v in runs.items() if k not in ("join_storm", "at_once")})
    if "at_once" in runs:
        lines += ["", *at_once_table(runs["at_once"])]
    if "join_storm" in runs:
        lines += ["", *storm_table(runs["join_storm"])]
    lines += ["", *frozen_lines(runs.get("frozen", [])), *burst_lines(runs.get("burst", []))]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table(Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS))
