"""What the generator, the baseline server and the scenario driver share: reading CPU,
memory and steal from /proc, percentiles, and the note marker.

Everything here reads /proc directly (no psutil) so the bench needs nothing beyond the
project's own dependencies. CPU time is the figure that carries across machines, so it
is read for the whole process tree: `paja serve --workers 2` forks its workers."""

from __future__ import annotations

import math
import os
import resource
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MARKER_PREFIX = "bench"


def marker(run_id: int, index: int, scheduled_ns: int) -> str:
    """The note text: the run, the note's number and when it was *scheduled* to be posted
    (not when it was sent), so a server that delays the POST cannot hide that delay."""
    return f"{MARKER_PREFIX}|{run_id}|{index}|{scheduled_ns}"


def marker_prefix(run_id: int) -> bytes:
    """What precedes a note's number in this run's frames. Frames are scanned with
    bytes.find for it rather than a regex: a regex alternation costs ~20 us per 2.7 KB
    frame, find ~3 us, and the generator has one core for up to 40,000 frames a second."""
    return f"{MARKER_PREFIX}|{run_id}|".encode()


def percentiles(values: Sequence[float], quantiles: Iterable[float] = (50, 90, 99)) -> dict:
    """Nearest-rank percentiles plus max and count; empty input gives None values."""
    ordered = sorted(values)
    result: dict[str, float | int | None] = {"count": len(ordered)}
    for q in quantiles:
        rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
        result[f"p{q:g}"] = round(ordered[rank], 2) if ordered else None
    result["max"] = round(ordered[-1], 2) if ordered else None
    return result


def process_tree(root: int) -> list[int]:
    """The root and all its descendants (uvicorn's supervisor and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def pids_by_name(names: Iterable[str]) -> list[int]:
    """Processes whose comm is one of `names` (PostgreSQL and Redis, to report their
    share of the work in the two-worker run; they are read, never touched)."""
    wanted = set(names)
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as handle:
                    if handle.read().strip() in wanted:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def cpu_seconds(pids: Iterable[int]) -> float:
    """utime + stime of each process (its threads included), in seconds."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICKS


def rss_bytes(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except OSError:
            continue
    return total


def written_bytes(pids: Iterable[int]) -> int:
    """Bytes the processes passed to write()/send(): socket output plus the database's
    own writes, a rough check of what compression saves."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/io") as handle:
                for line in handle:
                    if line.startswith("wchar:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


@dataclass(frozen=True, slots=True)
class CpuSample:
    """One reading of /proc/stat: per-core busy, steal and total jiffies."""

    busy: tuple[int, ...]
    steal: tuple[int, ...]
    total: tuple[int, ...]
    at: float

    @classmethod
    def read(cls) -> CpuSample:
        busy, steal, total = [], [], []
        with open("/proc/stat") as handle:
            for line in handle:
                if not line.startswith("cpu") or line.startswith("cpu "):
                    continue
                values = [int(v) for v in line.split()[1:]]
                # user nice system idle iowait irq softirq steal ...
                busy.append(sum(values[:8]) - values[3] - values[4] - values[7])
                steal.append(values[7])
                total.append(sum(values[:8]))
        return cls(tuple(busy), tuple(steal), tuple(total), time.monotonic())

    def since(self, earlier: CpuSample) -> dict:
        """Steal % of all time, and each core's busy fraction, over the interval."""
        d_total = sum(self.total) - sum(earlier.total)
        d_steal = sum(self.steal) - sum(earlier.steal)
        elapsed = max(self.at - earlier.at, 1e-9)
        cores = [
            round((now - then) / CLOCK_TICKS / elapsed, 3)
            for now, then in zip(self.busy, earlier.busy, strict=True)
        ]
        return {
            "steal_pct": round(100 * d_steal / d_total, 2) if d_total else 0.0,
            "core_busy": cores,
            "all_busy_cpu_s": round((sum(self.busy) - sum(earlier.busy)) / CLOCK_TICKS, 3),
        }


def raise_open_files() -> int:
    """1,000 WebSockets need more than the usual 1,024 descriptors on either side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def listener_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:`port`, found through its socket inode, for
    when the generator is run by hand without --server-pid."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(fields[9])
        except OSError:
            continue
    owners = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                link = os.readlink(f"/proc/{entry}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    owners.add(int(entry))
                    break
        except OSError:
            continue
    # With several workers the listening socket is shared: take the supervisor, the
    # one owner whose parent is not an owner too.
    for pid in sorted(owners):
        with open(f"/proc/{pid}/stat", "rb") as handle:
            parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
        if parent not in owners:
            return pid
    return None


def socket_state(local_port: int, remote_port: int) -> dict | None:
    """The server side of one TCP connection as the kernel sees it: state and unsent
    bytes. Shows whether a frozen client was really disconnected."""
    states = {
        "01": "ESTABLISHED",
        "04": "FIN_WAIT1",
        "05": "FIN_WAIT2",
        "06": "TIME_WAIT",
        "07": "CLOSE",
        "08": "CLOSE_WAIT",
        "09": "LAST_ACK",
        "0B": "CLOSING",
    }
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as handle:
            next(handle)
            for line in handle:
                fields = line.split()
                local = int(fields[1].rsplit(":", 1)[1], 16)
                remote = int(fields[2].rsplit(":", 1)[1], 16)
                if local == local_port and remote == remote_port:
                    tx_queue = int(fields[4].split(":")[0], 16)
                    return {"state": states.get(fields[3], fields[3]), "unsent_bytes": tx_queue}
    return None
