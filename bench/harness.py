#!/usr/bin/env python3
"""The real daemon against the sandbox, beside a plain Python poller (issue 9's yardstick).

For each shop size (postings in the 14-day window) it starts `ozonwatch sandbox` with a generated
shop (`generate: {shop: N}`), then, one after the other on the same sandbox:
  daemon       `ozonwatch run` with only the postings watch, alerts to the sandbox's Telegram and
               an event log; CPU of the whole process (every thread, from
               /proc/PID/task/*/schedstat, in nanoseconds) over whole intervals;
  py-incr      bench/plain_poller.py --mode incremental;
  py-full      bench/plain_poller.py --mode full.
Every interval the harness marks `--changes` postings on the way as delivered (right after the
daemon's poll, so each poll sees one interval's changes) and keeps the sandbox's clock on the
real time. The daemon's reconciliation (re-reading every posting that can still change) is set
to fall on the poll after the measured intervals and is measured on its own.

Figures, per size:
  load      the first poll (a silent baseline of the whole window): CPU, API calls, wall time;
  interval  CPU per whole interval, poll + idle, measured over `--intervals` intervals of
            `--interval` seconds; for the daemon also the idle CPU per second between polls and
            the same figure scaled to the production interval of 2 minutes
            (poll + idle rate x 120 s); a sleeping script's idle costs nothing;
  reconcile the daemon's reconciliation poll; a full re-read is py-full's every poll;
  RSS       steady (after the intervals) and peak (VmHWM);
and the ratios Python / daemon. Usage:
  bench/harness.py --ozonwatch build/ozonwatch [--sizes 5000,50000,200000] [--interval 30]
                   [--intervals 3] [--changes 20]
"""
import argparse
import datetime as dt
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
WINDOW_MS = (14 * 24 - 1) * 3600 * 1000  # sandbox::add_generated_shop's spread
TG_TOKEN = "123456789:bench-bot-token"
TG_CHAT = "-1001234567890"


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


class Sandbox:
    def __init__(self, ozonwatch, workdir, postings):
        self.start = utcnow().replace(microsecond=0)
        scenario = os.path.join(workdir, "scenario.yaml")
        with open(scenario, "w", encoding="utf-8") as f:
            f.write(f"name: bench-{postings}\nstart: {iso(self.start)}\n"
                    "accounts:\n  - {client_id: bench, api_key: bench-key, key_expires_at: +90d}\n"
                    f"generate: {{shop: {postings}}}\n"
                    f"telegram:\n  - token: \"{TG_TOKEN}\"\n    chats:\n      - {{id: \"{TG_CHAT}\"}}\n")
        self.proc = subprocess.Popen([ozonwatch, "sandbox", "--scenario", scenario, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"sandbox did not start: {line!r}")
        self.url = line.split("listening on", 1)[1].strip()

    def admin(self, path, body=None):
        data = json.dumps(body or {}).encode()
        req = urllib.request.Request(self.url + "/__sandbox/" + path, data=data,
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def ozon_requests(self):
        return [r for r in self.admin("requests")["requests"] if r["service"] == "ozon"]

    def sync_clock(self):
        self.admin("clock/set", {"time": iso(utcnow())})

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def on_the_way(n):
    """Numbers of the generated postings that are delivering and less than 3 days old (the same
    rule as sandbox::add_generated_shop), newest first: the ones the harness marks delivered."""
    out = []
    for i in range(n - 1, -1, -1):
        age = WINDOW_MS - (WINDOW_MS // n) * i
        if 24 * 3600 * 1000 < age <= 72 * 3600 * 1000 and (i * 7919) % 1000 < 850:
            out.append(f"{10000000 + i:08d}-0001-1")
    return out


class Changes:
    def __init__(self, sandbox, n, per_interval):
        self.sandbox = sandbox
        self.pool = on_the_way(n)
        self.per_interval = per_interval

    def make(self):
        self.sandbox.sync_clock()
        made = 0
        while made < self.per_interval and self.pool:
            self.sandbox.admin("postings/status", {"posting_number": self.pool.pop(0), "status": "delivered"})
            made += 1
        return made


def cpu_ns(pid):
    total = 0
    for f in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(f) as fh:
                total += int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that just ended
    return total


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def wait_poll_done(sandbox, seen_before, proc, quiet=1.0, timeout=600):
    """Waits until the daemon has made requests beyond `seen_before` and then none for `quiet`
    seconds; returns the number of Ozon requests seen so far."""
    deadline = time.monotonic() + timeout
    count = seen_before
    last_change = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the daemon exited with status {proc.returncode}")
        n = len(sandbox.ozon_requests())
        if n != count:
            count, last_change = n, time.monotonic()
        elif last_change and time.monotonic() - last_change >= quiet:
            return count
        time.sleep(0.1)
    raise RuntimeError("the daemon's poll did not finish in time")


def run_daemon(args, sandbox, workdir, changes):
    interval = args.interval
    daemon_log = os.path.join(workdir, "daemon.log")
    state = os.path.join(workdir, "state")
    cfg = os.path.join(workdir, "ozonwatch.yaml")
    # Reconciliation falls after the measured intervals: polls at 0 (the load), T (unmeasured),
    # 2T .. (K+1)T (measured), then (K+2)T.
    reconcile_s = int((args.intervals + 1.5) * interval)
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(f"""timezone: Europe/Moscow
state_dir: {state}
accounts:
  - name: main
    client_id: bench
    api_key: bench-key
    base_url: {sandbox.url}
    rate_limit: 50
watches:
  postings: {{interval: {int(interval)}s, reconcile_every: {reconcile_s}s}}
  returns: {{enabled: false}}
  finance: {{enabled: false}}
  stocks: {{enabled: false}}
  reviews: {{enabled: false}}
  chats: {{enabled: false}}
notify:
  group_wait: 5s
  group_interval: 10s
  telegram:
    bot_token: "{TG_TOKEN}"
    api_base: {sandbox.url}
    chats: [{{chat_id: "{TG_CHAT}"}}]
  event_log: {{path: {workdir}/events.jsonl}}
report: {{enabled: false}}
logging: {{level: warn}}
""")
    sandbox.admin("logs/clear")
    t0 = time.monotonic()
    proc = subprocess.Popen([args.ozonwatch, "run", "--config", cfg], stdout=subprocess.DEVNULL,
                            stderr=open(daemon_log, "w"))
    try:
        calls = wait_poll_done(sandbox, 0, proc)
        load_calls, load_wall, load_cpu = calls, time.monotonic() - t0 - 1.0, cpu_ns(proc.pid) / 1e6
        # One unmeasured poll puts us right after a regular poll, whatever the load's length.
        changes.make()
        calls = wait_poll_done(sandbox, calls, proc)
        changes.make()

        def one_interval():
            """From 1 s after a poll to 1 s after the next one: (calls of that poll, its CPU,
            idle CPU ms per second). Idle is measured from 8 s after the poll, past the alerts'
            dispatch (group_wait 5 s), to 3 s before the next."""
            nonlocal calls
            start, cpu0 = time.monotonic(), cpu_ns(proc.pid)
            time.sleep(7.0)
            a_t, a_cpu = time.monotonic(), cpu_ns(proc.pid)
            time.sleep(max(0.0, start + interval - 4.0 - time.monotonic()))
            b_t, b_cpu = time.monotonic(), cpu_ns(proc.pid)
            before = calls
            calls = wait_poll_done(sandbox, calls, proc)
            return calls - before, (cpu_ns(proc.pid) - cpu0) / 1e6, (b_cpu - a_cpu) / 1e6 / (b_t - a_t)

        # Steady intervals are those whose poll made a page or two of calls; the poll that
        # re-reads the changeable postings (reconciliation) is kept apart, whenever the
        # scheduler's jitter puts it.
        steady, reconcile = [], None
        for _ in range(args.intervals + 4):
            n, cpu, idle = one_interval()
            changes.make()
            if n <= 5:
                steady.append((n, cpu, idle))
            elif reconcile is None:
                reconcile = (n, cpu, idle)
            if len(steady) >= args.intervals and reconcile is not None:
                break
        steady = steady[:args.intervals]
        steady_rss = status_kb(proc.pid, "VmRSS:")
        peak_rss = status_kb(proc.pid, "VmHWM:")
        idle = sum(x[2] for x in steady) / len(steady)
        per_interval = sum(x[1] for x in steady) / len(steady)
        interval_calls = sum(x[0] for x in steady)
        poll = per_interval - idle * interval
        rec_calls, rec_cpu = (reconcile[0], reconcile[1] - idle * interval) if reconcile else (0, float("nan"))
        return {
            "load_cpu_ms": load_cpu, "load_calls": load_calls, "load_wall_s": load_wall,
            "interval_cpu_ms": per_interval, "interval_calls": interval_calls / len(steady),
            "idle_ms_per_s": idle, "poll_cpu_ms": poll, "interval_120s_cpu_ms": poll + idle * 120,
            "reconcile_cpu_ms": rec_cpu, "reconcile_calls": rec_calls,
            "rss_steady_kb": steady_rss, "rss_peak_kb": peak_rss,
        }
    except Exception:
        with open(daemon_log, encoding="utf-8", errors="replace") as f:
            sys.stderr.write("daemon's log:\n" + f.read()[-4000:])
        raise
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_python(args, sandbox, workdir, changes, mode):
    polls = args.intervals + 1
    out = os.path.join(workdir, f"py-{mode}.messages")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "plain_poller.py"), "--base-url", sandbox.url,
                             "--client-id", "bench", "--api-key", "bench-key", "--mode", mode,
                             "--interval", str(args.interval), "--polls", str(polls), "--messages", out],
                            stdout=subprocess.PIPE, text=True)
    rows = []
    peak = 0
    for line in proc.stdout:
        row = json.loads(line)
        rows.append(row)
        try:
            peak = max(peak, status_kb(proc.pid, "VmHWM:"))
        except OSError:
            pass
        if len(rows) < polls:
            changes.make()
    proc.wait()
    steady = rows[1:]
    return {
        "load_cpu_ms": rows[0]["cpu_ms"], "load_calls": rows[0]["calls"],
        "interval_cpu_ms": sum(r["cpu_ms"] for r in steady) / len(steady),
        "interval_calls": sum(r["calls"] for r in steady) / len(steady),
        "messages": sum(r["messages"] for r in steady),
        "rss_steady_kb": rows[-1]["rss_kb"], "rss_peak_kb": peak,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ozonwatch", required=True)
    ap.add_argument("--sizes", default="5000,50000,200000")
    ap.add_argument("--interval", type=int, default=30, help="seconds between polls (at least 15)")
    ap.add_argument("--intervals", type=int, default=3, help="measured intervals per run")
    ap.add_argument("--changes", type=int, default=20, help="status changes per interval")
    args = ap.parse_args()
    if args.interval < 15:
        ap.error("--interval must be at least 15 seconds (idle is measured from 8 s after a poll to 3 s before the next)")
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        workdir = tempfile.mkdtemp(prefix=f"ozw-harness-{size}-")
        sandbox = Sandbox(args.ozonwatch, workdir, size)
        try:
            changes = Changes(sandbox, size, args.changes)
            print(f"== {size} postings: daemon ...", file=sys.stderr, flush=True)
            d = run_daemon(args, sandbox, workdir, changes)
            print(f"== {size} postings: Python, incremental ...", file=sys.stderr, flush=True)
            pi = run_python(args, sandbox, workdir, changes, "incremental")
            print(f"== {size} postings: Python, full re-read ...", file=sys.stderr, flush=True)
            pf = run_python(args, sandbox, workdir, changes, "full")
            results.append((size, d, pi, pf))
        finally:
            sandbox.stop()
            shutil.rmtree(workdir, ignore_errors=True)
    T = args.interval
    print(f"\nozonwatch vs a plain Python poller; {args.changes} changes per {T:.0f} s interval, "
          f"{args.intervals} intervals measured; CPU of the whole process")
    for size, d, pi, pf in results:
        print(f"\n{size} postings")
        print(f"  {'':34} {'ozonwatch':>12} {'py-incr':>12} {'py-full':>12}")
        print(f"  {'first load, CPU ms':34} {d['load_cpu_ms']:12.0f} {pi['load_cpu_ms']:12.0f} {pf['load_cpu_ms']:12.0f}")
        print(f"  {'first load, API calls':34} {d['load_calls']:12d} {pi['load_calls']:12d} {pf['load_calls']:12d}")
        print(f"  {'first load, wall s':34} {d['load_wall_s']:12.1f} {'-':>12} {'-':>12}")
        print(f"  {f'CPU per {T:.0f} s interval, ms':34} {d['interval_cpu_ms']:12.1f} {pi['interval_cpu_ms']:12.1f} {pf['interval_cpu_ms']:12.1f}")
        print(f"  {'  of it: poll + dispatch, ms':34} {d['poll_cpu_ms']:12.1f} {pi['interval_cpu_ms']:12.1f} {pf['interval_cpu_ms']:12.1f}")
        print(f"  {'  of it: idle, ms per s':34} {d['idle_ms_per_s']:12.3f} {0:12.3f} {0:12.3f}")
        print(f"  {'CPU per 120 s interval, ms':34} {d['interval_120s_cpu_ms']:12.1f} {pi['interval_cpu_ms']:12.1f} {pf['interval_cpu_ms']:12.1f}")
        print(f"  {'API calls per interval':34} {d['interval_calls']:12.1f} {pi['interval_calls']:12.1f} {pf['interval_calls']:12.1f}")
        print(f"  {'reconciliation, CPU ms (calls)':34} {d['reconcile_cpu_ms']:7.0f} ({d['reconcile_calls']:3d}) "
              f"{'-':>12} {pf['interval_cpu_ms']:7.0f} ({pf['interval_calls']:3.0f})")
        print(f"  {'RSS steady, MB':34} {d['rss_steady_kb'] / 1024:12.1f} {pi['rss_steady_kb'] / 1024:12.1f} {pf['rss_steady_kb'] / 1024:12.1f}")
        print(f"  {'RSS peak, MB':34} {d['rss_peak_kb'] / 1024:12.1f} {pi['rss_peak_kb'] / 1024:12.1f} {pf['rss_peak_kb'] / 1024:12.1f}")
        base = d["interval_120s_cpu_ms"]
        print(f"  ratio per 120 s interval: py-incr / ozonwatch = {pi['interval_cpu_ms'] / base:.1f}x, "
              f"py-full / ozonwatch = {pf['interval_cpu_ms'] / base:.0f}x; reconciliation: "
              f"py-full re-read / ozonwatch = {pf['interval_cpu_ms'] / d['reconcile_cpu_ms']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
