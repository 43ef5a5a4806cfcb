#!/usr/bin/env python3
"""A plain Python poller of Ozon FBS postings: the yardstick for ozonwatch's CPU cost.

Standard library only (urllib + json), as a shop owner's own script would be. It does what the
daemon's postings watch does for the benchmark's stream, in the simplest way:
  fetch   /v4/posting/fbs/list, 100 per page with the cursor, the whole 14-day window
          ("full") or only postings whose status changed since the last poll minus 10 minutes
          ("incremental");
  diff    against the previous snapshot (a dict posting_number -> status, shipment date);
  format  one Russian message per new posting and per status change, appended to a file.
It polls `--polls` times, `--interval` seconds apart, and prints one JSON line per poll:
  {"poll": i, "cpu_ms": ..., "calls": ..., "postings": ..., "messages": ..., "rss_kb": ...}
cpu_ms is this process's CPU time (user + system) for that poll; a sleeping script costs nothing
between polls, so a poll's CPU is its whole interval's CPU.
"""
import argparse
import datetime as dt
import json
import sys
import time
import urllib.request

OVERLAP = dt.timedelta(minutes=10)
WINDOW = dt.timedelta(days=14)

STATUS_RU = {
    "awaiting_packaging": "ожидает сборки",
    "awaiting_deliver": "ожидает отгрузки",
    "delivering": "доставляется",
    "delivered": "доставлено",
    "cancelled": "отменено",
    "arbitration": "арбитраж",
}


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Poller:
    def __init__(self, base_url, client_id, api_key, mode, out):
        self.url = base_url.rstrip("/") + "/v4/posting/fbs/list"
        self.headers = {"Client-Id": client_id, "Api-Key": api_key, "Content-Type": "application/json"}
        self.mode = mode
        self.out = out
        self.snapshot = {}  # posting_number -> (status, shipment_date)
        self.last_poll = None
        self.calls = 0

    def fetch(self, now):
        flt = {"since": iso(now - WINDOW), "to": iso(now)}
        if self.mode == "incremental" and self.last_poll is not None:
            flt["last_changed_status_date"] = {"from": iso(self.last_poll - OVERLAP), "to": iso(now)}
        cursor = ""
        while True:
            body = json.dumps({"cursor": cursor, "filter": flt, "limit": 100, "sort_dir": "ASC",
                               "with": {"financial_data": False, "analytics_data": False}}).encode()
            req = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
            with urllib.request.urlopen(req, timeout=30) as r:
                page = json.loads(r.read())
            self.calls += 1
            yield from page.get("postings") or []
            nxt = page.get("cursor") or ""
            if not page.get("has_next") or not nxt or nxt == cursor:
                return
            cursor = nxt

    def poll(self, now):
        first = self.last_poll is None
        messages = []
        seen = 0
        for p in self.fetch(now):
            seen += 1
            number = p.get("posting_number") or ""
            state = (p.get("status") or "", p.get("shipment_date") or "")
            before = self.snapshot.get(number)
            self.snapshot[number] = state
            if first or before == state:
                continue  # the first poll is a silent baseline, like the daemon's
            products = ", ".join(f'{x.get("name", "")} × {x.get("quantity", 1)}'
                                 for x in p.get("products") or [])
            if before is None:
                messages.append(f"Новое отправление {number}: {products}; отгрузить до {state[1]}")
            elif before[0] != state[0]:
                messages.append(f"Отправление {number}: {STATUS_RU.get(before[0], before[0])} → "
                                f"{STATUS_RU.get(state[0], state[0])} ({products})")
            else:
                messages.append(f"Отправление {number}: срок отгрузки {before[1]} → {state[1]}")
        if messages:
            self.out.write("\n".join(messages) + "\n")
            self.out.flush()
        self.last_poll = now
        return seen, len(messages)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--api-key", required=True)
    ap.add_argument("--mode", choices=["full", "incremental"], required=True)
    ap.add_argument("--interval", type=float, required=True, help="seconds between poll starts")
    ap.add_argument("--polls", type=int, required=True, help="polls in all, the first is the baseline")
    ap.add_argument("--messages", required=True, help="file the formatted messages are appended to")
    a = ap.parse_args()
    with open(a.messages, "a", encoding="utf-8") as out:
        poller = Poller(a.base_url, a.client_id, a.api_key, a.mode, out)
        start = time.monotonic()
        for i in range(a.polls):
            due = start + i * a.interval
            time.sleep(max(0.0, due - time.monotonic()))
            cpu0 = time.process_time()
            calls0 = poller.calls
            seen, sent = poller.poll(dt.datetime.now(dt.timezone.utc))
            cpu_ms = (time.process_time() - cpu0) * 1000
            print(json.dumps({"poll": i, "cpu_ms": round(cpu_ms, 2), "calls": poller.calls - calls0,
                              "postings": seen, "messages": sent, "rss_kb": rss_kb()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
