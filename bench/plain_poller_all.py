#!/usr/bin/env python3
"""A plain Python poller of every ozonwatch watch: the yardstick of bench/bench_scale.cpp.

Standard library only, no threads: what a shop owner's own script would be. Per Ozon account it
does what each of the daemon's watches does, on the daemon's default intervals and with its
methods, filters and page sizes (so that API calls compare), in the simplest incremental way:
  postings  2 min  /v4/posting/fbs/list: the 14-day window first, then last_changed_status_date
                   from the last poll - 10 min; every 6 h the statuses that can still change (the
                   remembered ones missing there by /v3/posting/fbs/get); every 30 min
                   /v4/posting/fbs/unfulfilled/list. New posting, status or ship-by change.
  finance   1 h    accruals of postings delivered 3+ days ago, the last payout period's cash-flow
                   statement, the current period by day. No accrual, period closed, no payout.
  chats     5 min  /v3/chat/list, unread only. A buyer's chat that became unread.
  returns  10 min  /v1/returns/list by status change from the last poll - 10 min (daily the 30-day
                   window and the open statuses), drop-off points, rFBS requests. New, changed.
  reviews  10 min  /v2/review/list of the last 3 days. New review.
  stocks   15 min  Ozon /v4/product/info/stocks, InSales products.json, 1C offers.xml (when its
                   mtime changed). Suspicious figure, stock out, mismatch held for 30 min.
  api_key  24 h    /v1/roles. Key expiring, a needed method not covered.
Each stdin line is "now" (virtual time); the due watches run (the first poll of each is a silent
baseline) and one JSON line is printed: calls, ozon_calls, insales_calls, messages, errors, rss_kb.
Usage: plain_poller_all.py --accounts ACCOUNTS.json --messages OUT.txt < instants
"""
import argparse
import base64
import datetime as dt
import json
import os
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

MIN, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
FINANCE_GRACE = 3 * DAY  # watches.finance.grace_days (--finance-grace-days)
INTERVAL = {"postings": 2 * MIN, "finance": HOUR, "chats": 5 * MIN, "returns": 10 * MIN,  # postings first:
            "reviews": 10 * MIN, "stocks": 15 * MIN, "api_key": DAY}                        # finance reads them
MSK = dt.timezone(dt.timedelta(hours=3))  # the shop's time zone, Europe/Moscow
CALLS = {"ozon": 0, "insales": 0}

CHANGEABLE = ["awaiting_registration", "acceptance_in_progress", "awaiting_approve", "awaiting_packaging",
              "awaiting_deliver", "awaiting_verification", "arbitration", "client_arbitration",
              "delivering", "driver_pickup", "not_accepted", "sent_by_seller"]
NOT_HANDED_OVER = CHANGEABLE[:6]  # a posting first seen in these is news
STATUS_RU = {"awaiting_packaging": "ожидает сборки", "awaiting_deliver": "ожидает отгрузки",
             "delivering": "доставляется", "driver_pickup": "у водителя", "delivered": "доставлено",
             "cancelled": "отменено", "arbitration": "спорное", "not_accepted": "не принято на сортировке"}
OPEN_RETURNS = ["ArrivedAtReturnPlace", "OnSellerApproval", "OnSellerClarification",
                "OnSellerClarificationAfterPartialCompensation", "OfferedPartialCompensation",
                "DisputeOpened", "DisputeYouOpened", "DisputeOpening"]
SALE_WORDS = ["реализация", "продажа", "выручка", "sale", "revenue"]
NEEDED = ["/v4/posting/fbs/list", "/v4/posting/fbs/unfulfilled/list", "/v3/posting/fbs/get", "/v1/returns/list",
          "/v2/returns/rfbs/list", "/v2/returns/rfbs/get", "/v1/returns/company/fbs/info",
          "/v1/finance/accrual/postings", "/v1/finance/accrual/by-day", "/v1/finance/accrual/types",
          "/v1/finance/cash-flow-statement/list", "/v4/product/info/stocks",
          "/v2/product/info/stocks-by-warehouse/fbs", "/v2/review/list", "/v3/chat/list"]


def iso(t):
    t = t.astimezone(dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_time(s):
    return dt.datetime.fromisoformat(s) if s else None  # Python 3.11 reads "...Z"


def local(t):
    return t.astimezone(MSK).strftime("%d.%m.%Y %H:%M") if t else "—"


def number(text):
    try:
        x = float(text.replace("\xa0", "").replace(" ", "").replace(",", "."))
        return int(x) if x == int(x) else x
    except (AttributeError, ValueError):
        return None


def payout_period(t):
    """The payout period containing t: the 1st-15th or the 16th-last day of a month, Moscow days."""
    d = t.astimezone(MSK).date()
    start = d.replace(day=1 if d.day <= 15 else 16)
    end = d.replace(day=16) if d.day <= 15 else (d.replace(day=28) + 4 * DAY).replace(day=1)
    midnight = lambda x: dt.datetime(x.year, x.month, x.day, tzinfo=MSK)
    return {"id": start.isoformat(), "start": midnight(start), "end": midnight(end),
            "label": f"{start:%d.%m.%Y}–{end - DAY:%d.%m.%Y}"}


def posting_row(p):
    products = ", ".join(f'{x.get("name") or x.get("offer_id")} × {x.get("quantity", 1)}' for x in p.get("products") or [])
    return (p.get("posting_number"), p.get("status"), p.get("shipment_date"), p.get("in_process_at"),
            p.get("delivering_date"), products)


def return_row(r):
    visual = (r.get("visual") or {}).get("status") or {}
    return (r["id"], visual.get("sys_name"), visual.get("display_name"), r.get("posting_number"),
            (r.get("product") or {}).get("name"), r.get("return_reason_name"))


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Account:
    def __init__(self, cfg):
        self.name = cfg["name"]
        self.url = cfg["ozon_url"].rstrip("/")
        self.headers = {"Client-Id": str(cfg["client_id"]), "Api-Key": cfg["api_key"],
                        "Content-Type": "application/json"}
        self.insales_url = (cfg.get("insales_url") or "").rstrip("/")
        login = f'{cfg.get("insales_login") or ""}:{cfg.get("insales_password") or ""}'
        self.insales_auth = "Basic " + base64.b64encode(login.encode()).decode()
        self.onec_path = cfg.get("onec_offers")
        self.due = dict.fromkeys(INTERVAL)
        self.errors = 0  # failures that do not stop a watch (InSales, the 1C file)
        # None until the watch's first poll (its silent baseline)
        self.postings = None  # posting_number -> (status, shipment date, in_process_at, status since)
        self.returns = None  # "fbs:ID" -> status, "rfbs:ID" -> (state, group state)
        self.chats = self.reviews = self.stocks = self.key_alerts = None
        self.last = {}  # "postings", "reconcile", "unfulfilled", "returns", ...: when last done
        self.suspicious, self.mismatch, self.mismatch_sent = set(), {}, set()
        self.insales_values, self.onec_values, self.onec_mtime = {}, {}, None
        self.accruals = {}  # posting_number -> [delivered_at, paid]
        self.missing_sent, self.payout_sent, self.sale_types = set(), set(), set()
        self.periods = {}  # closed payout periods: id -> payout_period() + to_pay, payment_seen
        self.current = {"id": None, "days": {}}  # the current period: date -> (read_at, net, sales)

    # ---------------------------------------------------------------- HTTP

    def ozon(self, path, body):
        CALLS["ozon"] += 1
        req = urllib.request.Request(self.url + path, json.dumps(body).encode(), self.headers, method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    # The page walks: keep() takes from each row what the watch needs as the page arrives, so that a
    # 50,000-posting window is never held as Ozon's full objects.
    def cursor_pages(self, path, body, key, keep=None):
        out, cursor = [], ""
        while True:
            page = self.ozon(path, dict(body, cursor=cursor))
            rows = page.get(key) or []
            out += map(keep, rows) if keep else rows
            nxt = page.get("cursor") or ""
            if not rows or not page.get("has_next", True) or not nxt or nxt == cursor:
                return out
            cursor = nxt

    def id_pages(self, path, body_for, key, id_key, limit=None, keep=None):
        """last_id paging: has_next says whether there is more, or (with limit) a full page does."""
        out, last_id = [], 0
        while True:
            page = self.ozon(path, body_for(last_id))
            rows = page.get(key) or []
            out += map(keep, rows) if keep else rows
            more = len(rows) >= limit if limit else page.get("has_next")
            if not rows or not more or rows[-1][id_key] == last_id:
                return out
            last_id = rows[-1][id_key]

    def postings_list(self, flt, unfulfilled=False):
        if unfulfilled:
            body = {"filter": flt, "limit": 100, "sort_dir": "ASC", "with": {"financial_data": False}}
            return self.cursor_pages("/v4/posting/fbs/unfulfilled/list", body, "postings", posting_row)
        body = {"filter": flt, "limit": 100, "sort_dir": "ASC",
                "with": {"financial_data": False, "analytics_data": False}}
        return self.cursor_pages("/v4/posting/fbs/list", body, "postings", posting_row)

    def returns_list(self, flt):
        return self.id_pages("/v1/returns/list", lambda last: {"filter": flt, "last_id": last, "limit": 500},
                             "returns", "id", keep=return_row)

    # ---------------------------------------------------------------- postings

    def poll_postings(self, now):
        first, snap, last = self.postings is None, self.postings or {}, self.last
        reconcile = not first and now - last["reconcile"] >= 6 * HOUR
        sweep = first or reconcile or now - last["unfulfilled"] >= 30 * MIN
        window = {"since": iso(now - 14 * DAY), "to": iso(now)}
        got, gone = [], []
        if first:
            got = self.postings_list(window)
        elif reconcile:  # what can still change; what is missing from that changed behind our back
            got = self.postings_list(dict(window, statuses=CHANGEABLE))
            answered = {p[0] for p in got}
            missing = [n for n, s in snap.items() if s[0] in CHANGEABLE and n not in answered
                       and (s[2] or now) >= now - 14 * DAY]
            if len(missing) > 100:
                got = self.postings_list(window)
            for n in missing if len(missing) <= 100 else []:
                try:
                    body = {"posting_number": n, "with": {"financial_data": True}}
                    got.append(posting_row(self.ozon("/v3/posting/fbs/get", body)["result"]))
                except urllib.error.HTTPError as e:
                    if e.code != 404:
                        raise
                    gone.append(n)
        else:
            changed = {"from": iso(last["postings"] - 10 * MIN), "to": iso(now)}
            got = self.postings_list({"since": iso(now - 360 * DAY), "to": iso(now),
                                      "last_changed_status_date": changed})
        delivered_on = self.date_delivered(now, got) if first else {}
        if sweep:  # ship-by dates move without a status change
            got += self.postings_list({"cutoff_from": iso(now - 14 * DAY), "cutoff_to": iso(now + 60 * DAY)}, True)
        messages = []
        for n, status, ship, in_process, delivering, products in got:
            if not n or not status:
                continue
            ship, before = parse_time(ship), snap.get(n)
            since = before[3] if before and before[0] == status else now
            if first:
                since = delivered_on.get(n) or parse_time(delivering) or now
            snap[n] = (status, ship, parse_time(in_process), since)
            if first or (before and before[:2] == (status, ship)):
                continue
            if before is None and status in NOT_HANDED_OVER:
                messages.append(f"[{self.name}] Новое отправление {n}: {products}; отгрузить до {local(ship)}")
            elif before is None and status == "cancelled":
                messages.append(f"[{self.name}] Отправление {n} отменено ({products})")
            elif before and before[0] != status:
                messages.append(f"[{self.name}] Отправление {n}: {STATUS_RU.get(before[0], before[0])} → "
                                f"{STATUS_RU.get(status, status)} ({products})")
            elif before:
                messages.append(f"[{self.name}] Отправление {n}: срок отгрузки {local(before[1])} → {local(ship)}")
        for n in gone:
            snap.pop(n, None)
        if first or reconcile:  # forget the finished postings that left the window
            for n in [n for n, s in snap.items() if s[0] not in CHANGEABLE and (s[2] or now) < now - 14 * DAY]:
                del snap[n]
            last["reconcile"] = now
        if sweep:
            last["unfulfilled"] = now
        self.postings, last["postings"] = snap, now
        return messages

    def date_delivered(self, now, got):
        """At the first load: the day each delivered posting was delivered (its last status change)."""
        undated, found = {p[0] for p in got if p[1] == "delivered"}, {}
        for d in range(15):
            if not undated:
                break
            flt = {"since": iso(now - 360 * DAY), "to": iso(now), "statuses": ["delivered"],
                   "last_changed_status_date": {"from": iso(now - (d + 1) * DAY), "to": iso(now - d * DAY)}}
            for p in self.postings_list(flt):
                if p[0] in undated:
                    found[p[0]] = now - d * DAY
                    undated.discard(p[0])
        return found

    # ---------------------------------------------------------------- returns

    def poll_returns(self, now):
        first, snap, last = self.returns is None, self.returns or {}, self.last
        full = first or now - last["returns_full"] >= DAY
        storage = full or now - last["returns_storage"] >= 6 * HOUR  # pickup points' storage sums move
        since = now - 30 * DAY if full else last["returns"] - 10 * MIN
        fbs = self.returns_list({"visual_status_change_moment": {"time_from": iso(since), "time_to": iso(now)}})
        for status in OPEN_RETURNS:  # they can wait longer than the window
            if full or (storage and status == "ArrivedAtReturnPlace"):
                fbs += self.returns_list({"visual_status_name": status})
        def points_page(last_id):
            return {"pagination": {"limit": 500, "last_id": last_id} if last_id else {"limit": 500}}
        self.id_pages("/v1/returns/company/fbs/info", points_page, "drop_off_points", "id")  # for a report, no alert
        created = {"created_at": {"from": iso(now - 30 * DAY), "to": iso(now)}}
        requests = self.id_pages("/v2/returns/rfbs/list", lambda last_id: {"filter": created, "last_id": last_id,
                                                                            "limit": 100}, "returns", "return_id", 100)
        comments = {}
        for r in requests:  # the details of open requests that are new or changed
            st = r.get("state") or {}
            if st.get("group_state") in ("New", "Checkout", "Arbitration") and \
                    snap.get(f'rfbs:{r["return_id"]}') != (st.get("state"), st.get("group_state")):
                try:
                    got = self.ozon("/v2/returns/rfbs/get", {"return_id": r["return_id"]})
                    comments[r["return_id"]] = (got.get("returns") or {}).get("comment")
                except urllib.error.HTTPError as e:
                    if e.code != 404:
                        raise
        messages = []
        for return_id, status, shown, posting, product, reason in fbs:
            before, snap[f"fbs:{return_id}"] = snap.get(f"fbs:{return_id}"), status
            if first or before == status:
                continue
            if before is None:
                messages.append(f"[{self.name}] Новый возврат {return_id} по отправлению {posting}: {product}, "
                                f"{reason}; {shown}")
            else:
                messages.append(f"[{self.name}] Возврат {return_id} ({product}): {before} → {status} ({shown})")
        for r in requests:
            st = r.get("state") or {}
            key, state = f'rfbs:{r["return_id"]}', (st.get("state"), st.get("group_state"))
            before, snap[key] = snap.get(key), state
            if not first and before != state:
                comment = comments.get(r["return_id"])
                messages.append(f'[{self.name}] Заявка на возврат rFBS {r.get("return_number")} по '
                                f'{r.get("posting_number")}: {st.get("state_name")}' +
                                (f"; покупатель пишет: {comment}" if comment else ""))
        self.returns, last["returns"] = snap, now
        if full:
            last["returns_full"] = now
        if storage:
            last["returns_storage"] = now
        return messages

    # ---------------------------------------------------------------- chats, reviews, API key

    def poll_chats(self, now):
        body = {"filter": {"chat_status": "ALL", "unread_only": True}, "limit": 100}
        unread = {}
        for c in self.cursor_pages("/v3/chat/list", body, "chats"):
            chat = c.get("chat") or {}
            if chat.get("chat_type", "").upper() in ("BUYER_SELLER", "BUYER_SELLER_SELECT") and c.get("unread_count"):
                unread[chat.get("chat_id")] = c["unread_count"]
        messages = [f"[{self.name}] Непрочитанный чат покупателя {chat_id}: сообщений {n}"
                    for chat_id, n in unread.items() if self.chats is not None and chat_id not in self.chats]
        self.chats = unread
        return messages

    def poll_reviews(self, now):
        body = {"filters": {"status": "ALL", "published_from": iso(now - 3 * DAY)}, "limit": 100, "sort_dir": "DESC"}
        reviews, last_id = [], ""
        while True:
            try:
                page = self.ozon("/v2/review/list", dict(body, last_id=last_id))
            except urllib.error.HTTPError as e:
                if e.code != 403:
                    raise
                self.reviews, self.due["reviews"] = None, now + DAY  # no subscription: ask again in a day
                return []
            reviews += page.get("reviews") or []
            if not page.get("has_next") or not page.get("last_id") or page["last_id"] == last_id:
                break
            last_id = page["last_id"]
        messages = [f'[{self.name}] Новый отзыв {"★" * int(r.get("rating") or 0)} на SKU {r.get("sku")}: '
                    f'{r.get("text", "")}' for r in reviews if self.reviews is not None and r.get("id") not in self.reviews]
        self.reviews = {r.get("id") for r in reviews}
        return messages

    def poll_api_key(self, now):
        info = self.ozon("/v1/roles", {})
        alerts = {}
        expires = parse_time(info.get("expires_at"))
        if expires and expires - now <= 14 * DAY:
            level = "urgent" if expires - now <= 2 * DAY else "soon"
            alerts[level] = f"[{self.name}] API-ключ Ozon истекает {local(expires)}"

        def covered(method):
            for role in info.get("roles") or []:
                if role.get("name", "").lower() in ("admin", "администратор"):
                    return True
                for e in role.get("methods") or []:
                    if e and method.startswith(e) and (len(method) == len(e) or e[-1] == "/" or method[len(e)] == "/"):
                        return True
            return False
        missing = [m for m in NEEDED if not covered(m)]
        if missing:
            alerts["roles " + " ".join(missing)] = f"[{self.name}] API-ключу не хватает доступа к: {', '.join(missing)}"
        messages = [] if self.key_alerts is None else [t for k, t in alerts.items() if k not in self.key_alerts]
        self.key_alerts = set(alerts)
        return messages

    # ---------------------------------------------------------------- stocks

    def read_insales(self):
        values, page = {}, 1
        while True:
            url = f"{self.insales_url}/admin/products.json?page={page}&per_page=250"
            req = urllib.request.Request(url, headers={"Authorization": self.insales_auth, "Accept": "application/json"})
            CALLS["insales"] += 1
            with urllib.request.urlopen(req, timeout=60) as r:
                products = json.loads(r.read())
            for p in products:
                for v in p.get("variants") or []:
                    if v.get("sku") and v.get("quantity") is not None:  # null: stock not tracked
                        values[v["sku"]] = values.get(v["sku"], 0) + round(float(v["quantity"]))
            if len(products) < 250:
                return values
            page += 1

    def read_onec(self, now):
        """1C's offers.xml (CommerceML), read again only when its mtime changed; False when stale."""
        mtime = os.stat(self.onec_path).st_mtime
        if mtime != self.onec_mtime:
            values, offers, partial = {}, None, False
            for event, el in ET.iterparse(self.onec_path, events=("start", "end")):
                tag = el.tag.rsplit("}", 1)[-1]
                if event == "start" and tag == "ПакетПредложений":
                    partial = el.get("СодержитТолькоИзменения") == "true"
                elif event == "start" and tag == "Предложения":
                    offers = el
                elif event == "end" and tag == "Предложение":
                    article, total, at_warehouses = None, None, None
                    for child in el:
                        name = child.tag.rsplit("}", 1)[-1]
                        if name == "Артикул":
                            article = (child.text or "").strip()
                        elif name == "Количество":
                            total = number(child.text)
                        elif name == "Склад" and number(child.get("КоличествоНаСкладе")) is not None:
                            at_warehouses = (at_warehouses or 0) + number(child.get("КоличествоНаСкладе"))
                    if article:
                        values[article] = total if total is not None else at_warehouses
                    offers.clear()  # keep the memory flat on a 100,000-offer file
            if partial:  # only the changes: over the last full figures
                values = dict(self.onec_values, **values)
            self.onec_values = {a: q for a, q in values.items() if q is not None}
            self.onec_mtime = mtime
        return now - dt.datetime.fromtimestamp(mtime, dt.timezone.utc) <= DAY  # older: not compared

    def poll_stocks(self, now):
        first, prev = self.stocks is None, self.stocks or {}
        def figures_of(x):  # FBS and rFBS: the shop's own warehouses (FBO is Ozon's)
            mine = [s for s in x.get("stocks") or [] if s.get("type") in ("fbs", "rfbs")]
            return (x.get("offer_id"), sum(s.get("present") or 0 for s in mine),
                    sum(s.get("reserved") or 0 for s in mine))
        stocks = {}  # offer_id -> (present, reserved, jumped_from)
        for offer, present, reserved in self.cursor_pages(
                "/v4/product/info/stocks", {"filter": {"visibility": "ALL"}, "limit": 1000}, "items", figures_of):
            before, jumped = prev.get(offer), None
            if before and before[0] == present:
                jumped = before[2]
            elif before and min(before[0], present) >= 5 and max(before[0], present) > 10 * min(before[0], present):
                jumped = before[0]
            if offer:
                stocks[offer] = (present, reserved, jumped)
        insales = onec = False  # compared this time
        if self.insales_url:
            try:
                self.insales_values, insales = self.read_insales(), True
            except Exception as e:  # its last figures are kept, not compared
                self.errors += 1
                print(f"{self.name} stocks: InSales: {e!r}", file=sys.stderr)
        if self.onec_path:
            try:
                onec = self.read_onec(now)
            except (OSError, ET.ParseError) as e:
                self.errors += 1
                print(f"{self.name} stocks: 1C: {e!r}", file=sys.stderr)
        ins, one = self.insales_values if insales else {}, self.onec_values if onec else {}
        suspicious = {o for o, s in stocks.items() if s[0] in (100, 1000) or s[2] is not None}
        where, ids = {}, sorted(suspicious)
        for i in range(0, len(ids), 1000):  # the warehouses of the suspicious figures
            for w in self.cursor_pages("/v2/product/info/stocks-by-warehouse/fbs",
                                       {"offer_id": ids[i:i + 1000], "limit": 1000}, "stocks"):
                where.setdefault(w["offer_id"], []).append(f'{w.get("warehouse_name")} {w.get("present")}')
        mismatch = {}
        for o in set(stocks) | set(ins) | set(one):
            links = ["1С → InSales"] if o in ins and o in one and ins[o] != one[o] else []
            if o in stocks:
                free = stocks[o][0] - stocks[o][1]
                if o in ins and free != ins[o]:
                    links.append("InSales → Ozon")
                elif not insales and o in one and free != one[o]:
                    links.append("1С → Ozon")
            for link in links:
                mismatch[(o, link)] = self.mismatch.get((o, link), now)
        figures = lambda o: f"Ozon {stocks[o][0] if o in stocks else '—'}, InSales {ins.get(o, '—')}, 1С {one.get(o, '—')}"
        messages = []
        if not first:
            for o in sorted(suspicious - self.suspicious):
                was = f" (было {stocks[o][2]})" if stocks[o][2] is not None else ""
                messages.append(f"[{self.name}] Подозрительный остаток {o}{was}: {figures(o)}; "
                                f"склады: {'; '.join(where.get(o, []))}")
            messages += [f"[{self.name}] Товар {o} закончился на Ozon (было {prev[o][0]})"
                         for o, s in stocks.items() if s[0] == 0 and o in prev and prev[o][0] > 0]
        for (o, link), since in mismatch.items():  # InSales queues its updates, Ozon takes a few minutes
            if now - since >= 30 * MIN and (o, link) not in self.mismatch_sent:
                messages.append(f"[{self.name}] Остатки {o} расходятся ({link}) с {local(since)}: {figures(o)}")
                self.mismatch_sent.add((o, link))
        self.mismatch_sent &= set(mismatch)
        self.stocks, self.suspicious, self.mismatch = stocks, suspicious, mismatch
        return messages

    # ---------------------------------------------------------------- finance

    def poll_finance(self, now):
        first = "finance" not in self.last
        delivered = None if self.postings is None else {
            n: s[3] for n, s in self.postings.items() if s[0] == "delivered"}  # number -> delivered at
        messages = self.check_accruals(now, delivered, first) if delivered is not None else []
        messages += self.check_periods(now, delivered, first)
        period = payout_period(now)
        if self.current["id"] != period["id"]:
            self.current = {"id": period["id"], "days": {}}
        day = period["start"]
        while day < period["end"] and day <= now:  # the current period by day, for a report
            date, known = day.date().isoformat(), self.current["days"].get(day.date().isoformat())
            if known is None or (known[0] < day + 3 * DAY and now - known[0] >= 6 * HOUR):  # late accruals
                net = sales = 0.0
                last_id = ""
                while True:
                    page = self.ozon("/v1/finance/accrual/by-day", {"date": date, "last_id": last_id})
                    for a in page.get("accruals") or []:
                        net += float((a.get("total_amount") or {}).get("amount") or 0)
                        for pr in (a.get("posting") or {}).get("products") or []:
                            sales += float(((pr.get("commission") or {}).get("sale_amount") or {}).get("amount") or 0)
                    if not page.get("accruals") or not page.get("last_id") or page["last_id"] == last_id:
                        break
                    last_id = page["last_id"]
                self.current["days"][date] = (now, net, sales)
            day += DAY
        self.last["finance"] = now
        return messages

    def check_accruals(self, now, delivered, first):
        due_before, oldest = now - FINANCE_GRACE, now - 60 * DAY
        first_of_day = first or now.astimezone(MSK).date() != self.last["finance"].astimezone(MSK).date()
        # still unpaid a week after it was due: asked once a day, not every hour
        wanted = lambda at: oldest <= at <= due_before and (at >= due_before - 7 * DAY or first_of_day)
        ask = {n: at for n, at in delivered.items() if not self.accruals.get(n, [0, False])[1] and wanted(at)}
        for n, (at, paid) in self.accruals.items():
            if not paid and wanted(at):
                ask.setdefault(n, at)
        if not ask:
            return []
        if now - self.last.get("accrual_types", now - DAY) >= DAY:
            types = self.ozon("/v1/finance/accrual/types", {}).get("accrual_types") or []
            self.sale_types = {t["id"] for t in types if any(w in (t.get("name") or "").lower() for w in SALE_WORDS)}
            self.last["accrual_types"] = now
        numbers, paid = sorted(ask), set()
        for i in range(0, len(numbers), 200):
            page = self.ozon("/v1/finance/accrual/postings", {"posting_numbers": numbers[i:i + 200]})
            for pa in page.get("posting_accruals") or []:
                for a in pa.get("accruals") or []:
                    amount = float((a.get("accrued") or {}).get("amount") or 0)
                    if (a.get("type_id") in self.sale_types) if self.sale_types else amount > 0:
                        paid.add(pa.get("posting_number"))
        messages = []
        for n, at in ask.items():
            self.accruals[n] = [at, n in paid]
            if n not in paid and n not in self.missing_sent:
                self.missing_sent.add(n)
                if not first:
                    messages.append(f"[{self.name}] Нет начисления за отправление {n}: доставлено {local(at)}, "
                                    f"прошло {(now - at).days} дн.")
        for n in [n for n, (at, _) in self.accruals.items() if at < oldest]:
            del self.accruals[n]
        return messages

    def check_periods(self, now, delivered, first):
        previous = payout_period(payout_period(now)["start"] - MIN)
        summary_due = not self.periods.get(previous["id"])
        awaited = [p for p in self.periods.values() if p["to_pay"] > 0 and not p["payment_seen"]
                   and p["end"] >= now - 60 * DAY]  # re-read until the payment appears
        may_wait = now < previous["end"] + 2 * DAY  # for Ozon's statement (and the postings watch)
        if not awaited and (not summary_due or (delivered is None and may_wait)):
            return self.payouts_missing(now, first)
        start = previous["start"] if summary_due else now
        if summary_due and not self.periods:  # the first summary: the last 60 days too (silently)
            start = payout_period(now - 60 * DAY)["start"]
        start = min([start] + [p["start"] for p in awaited])
        rows, page = {}, 1
        while True:
            body = {"date": {"from": iso(start), "to": iso(previous["end"] - dt.timedelta(seconds=1))},
                    "with_details": True, "page": page, "page_size": 50}
            result = self.ozon("/v1/finance/cash-flow-statement/list", body).get("result") or {}
            flows, count = result.get("cash_flows") or [], result.get("page_count") or 0
            for row in flows + (result.get("details") or []):  # by the payout period of its middle
                begin, end = parse_time(row["period"]["begin"]), parse_time(row["period"]["end"])
                rows.setdefault(payout_period(begin + (end - begin) / 2)["id"], {}).update(row)
            if not (flows or result.get("details")) or (page >= count if count else len(flows) < 50):
                break
            page += 1
        for p in awaited:
            p["payment_seen"] = bool(rows.get(p["id"], {}).get("payments"))
        messages = []
        if summary_due and (delivered is not None or not may_wait):
            p = payout_period(start)
            while p["start"] <= previous["start"]:
                row = rows.get(p["id"])
                if row or (p["id"] == previous["id"] and not may_wait):  # no statement after 2 days: without it
                    self.periods[p["id"]] = dict(p, to_pay=float((row or {}).get("invoice_transfer") or 0),
                                                 payment_seen=bool((row or {}).get("payments")))
                p = payout_period(p["end"])
            closed, row = self.periods.get(previous["id"]), rows.get(previous["id"]) or {}
            if closed and not first:
                mine = [n for n, at in (delivered or {}).items() if previous["start"] <= at < previous["end"]]
                accrued = sum(1 for n in mine if self.accruals.get(n, [0, False])[1])
                paid = sum(float(x.get("payment") or 0) for x in row.get("payments") or [])
                messages.append(f"[{self.name}] Период {previous['label']} закрыт: продажи "
                                f"{float(row.get('orders_amount') or 0):.2f} ₽, к выплате {closed['to_pay']:.2f} ₽, " +
                                (f"выплачено {paid:.2f} ₽" if closed["payment_seen"] else "выплаты ещё нет") +
                                f"; доставлено {len(mine)}, с начислением {accrued}")
        return messages + self.payouts_missing(now, first)

    def payouts_missing(self, now, first):
        messages = []
        for p in self.periods.values():
            if p["to_pay"] > 0 and not p["payment_seen"] and now >= p["end"] + 7 * DAY and p["id"] not in self.payout_sent:
                self.payout_sent.add(p["id"])
                if not first:
                    messages.append(f"[{self.name}] Нет выплаты за период {p['label']}: к выплате {p['to_pay']:.2f} ₽, "
                                    f"прошло {(now - p['end']).days} дн.")
        return messages


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", required=True, help="JSON list of accounts")
    ap.add_argument("--messages", required=True, help="file the formatted messages are appended to")
    ap.add_argument("--finance-grace-days", type=int, default=3, help="the daemon's watches.finance.grace_days")
    a = ap.parse_args()
    global FINANCE_GRACE
    FINANCE_GRACE = a.finance_grace_days * DAY
    with open(a.accounts) as f:
        accounts = [Account(cfg) for cfg in json.load(f)]
    with open(a.messages, "a", encoding="utf-8") as out:
        for line in sys.stdin:
            if not line.strip():
                continue
            now = dt.datetime.fromisoformat(line.strip())
            CALLS["ozon"] = CALLS["insales"] = 0
            sent = errors = 0
            for acc in accounts:
                acc.errors = 0
                for name, interval in INTERVAL.items():
                    if acc.due[name] is not None and acc.due[name] > now:
                        continue
                    acc.due[name] = now + interval
                    try:
                        messages = getattr(acc, "poll_" + name)(now)
                    except Exception as e:  # HTTP error, timeout, a broken answer: again at the next step
                        acc.due[name], errors = now, errors + 1
                        print(f"{now:%Y-%m-%d %H:%M} {acc.name} {name}: {e!r}", file=sys.stderr)
                        continue
                    if messages:
                        out.write("\n".join(messages) + "\n")
                        sent += len(messages)
                errors += acc.errors
            out.flush()
            print(json.dumps({"calls": CALLS["ozon"] + CALLS["insales"], "ozon_calls": CALLS["ozon"],
                              "insales_calls": CALLS["insales"], "messages": sent, "errors": errors,
                              "rss_kb": rss_kb()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
