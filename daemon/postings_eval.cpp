#include "daemon/postings_eval.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_set>

#include "common/time.hpp"

namespace ozw::daemon {

namespace {

using nlohmann::json;

// "YYYY-MM-DDThh:mm:ssZ" without iostreams: evaluate formats thousands of times per poll.

json opt_time_json(const std::optional<TimePoint>& t) {
    return t ? json(format_iso8601(*t)) : json(nullptr);
}

std::optional<TimePoint> opt_time_from(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return parse_iso8601(it->get<std::string>());
}

std::string str_of(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool is_pre_shipment(const std::string& s) {
    return s == "awaiting_registration" || s == "acceptance_in_progress" ||
           s == "awaiting_approve" || s == "awaiting_packaging" || s == "awaiting_verification";
}

}  // namespace

json PostingState::to_json() const {
    json products_json = json::array();
    for (const auto& p : products)
        products_json.push_back({{"name", p.name}, {"offer_id", p.offer_id}, {"quantity", p.quantity}});
    json j = {{"posting_number", posting_number},
              {"status", status},
              {"substatus", substatus},
              {"in_process_at", opt_time_json(in_process_at)},
              {"shipment_date", opt_time_json(shipment_date)},
              {"delivering_date", opt_time_json(delivering_date)},
              {"status_since", format_iso8601_ms(status_since)},
              {"products", std::move(products_json)}};
    if (cancellation) {
        j["cancellation"] = {{"initiator", cancellation->initiator},
                             {"type", cancellation->type},
                             {"reason", cancellation->reason},
                             {"reason_id", cancellation->reason_id},
                             {"affects_rating", cancellation->affects_rating},
                             {"after_ship", cancellation->after_ship}};
    }
    return j;
}

PostingState PostingState::from_json(const json& j) {
    PostingState s;
    if (!j.is_object()) return s;
    s.posting_number = str_of(j, "posting_number");
    s.status = str_of(j, "status");
    s.substatus = str_of(j, "substatus");
    s.in_process_at = opt_time_from(j, "in_process_at");
    s.shipment_date = opt_time_from(j, "shipment_date");
    s.delivering_date = opt_time_from(j, "delivering_date");
    s.status_since = opt_time_from(j, "status_since").value_or(TimePoint{});
    if (auto it = j.find("products"); it != j.end() && it->is_array()) {
        for (const auto& p : *it) {
            if (!p.is_object()) continue;
            PostingProductInfo info;
            info.name = str_of(p, "name");
            info.offer_id = str_of(p, "offer_id");
            info.quantity = p.value("quantity", 0);
            s.products.push_back(std::move(info));
        }
    }
    if (auto it = j.find("cancellation"); it != j.end() && it->is_object()) {
        CancellationInfo c;
        c.initiator = str_of(*it, "initiator");
        c.type = str_of(*it, "type");
        c.reason = str_of(*it, "reason");
        c.reason_id = it->value("reason_id", 0LL);
        c.affects_rating = it->value("affects_rating", false);
        c.after_ship = it->value("after_ship", false);
        s.cancellation = std::move(c);
    }
    return s;
}

std::string PostingState::fingerprint() const {
    auto t = [](const std::optional<TimePoint>& v) {
        return v ? std::to_string(v->time_since_epoch().count()) : std::string("-");
    };
    std::string fp = status + '|' + substatus + '|' + t(shipment_date) + '|' + t(delivering_date) +
                     '|' + t(in_process_at) + '|' + std::to_string(products.size());
    if (cancellation) fp += "|c:" + cancellation->type + ':' + std::to_string(cancellation->reason_id);
    return fp;
}

bool is_final_status(const std::string& status) {
    return status == "delivered" || status == "cancelled" || status == "cancelled_from_split_pending";
}

bool is_awaiting_shipment(const std::string& status) {
    return status == "awaiting_packaging" || status == "awaiting_deliver";
}

TimePoint effective_deadline(TimePoint shipment_date, const TimeZone& tz, TimeOfDay handover) {
    return std::min(shipment_date, tz.at_local(shipment_date, handover));
}

MergeResult merge_postings_inplace(PostingMap& state, const MergeInput& input, TimePoint now,
                                   Millis lookback, MergeUndo& undo) {
    MergeResult r;
    const TimePoint window_start = now - lookback;
    std::unordered_set<std::string> seen, changed, added(undo.added.begin(), undo.added.end());
    auto remember = [&](const std::string& number, const PostingState& old) {
        if (!added.count(number) && !undo.previous.count(number)) undo.previous.emplace(number, old);
    };
    for (const auto& f : input.fetched) {
        if (f.posting_number.empty()) continue;
        if (input.full_window) seen.insert(f.posting_number);
        PostingState next = f;
        auto it = state.find(f.posting_number);
        if (it != state.end()) {
            next.status_since = it->second.status == f.status ? it->second.status_since : now;
            if (next.fingerprint() == it->second.fingerprint()) continue;
            remember(it->first, it->second);
            it->second = std::move(next);
        } else {
            std::optional<TimePoint> best;
            if (f.status == "delivering" || f.status == "driver_pickup") best = f.delivering_date;
            else if (is_pre_shipment(f.status)) best = f.in_process_at;
            next.status_since = best && *best <= now ? *best : now;
            undo.added.push_back(f.posting_number);
            added.insert(f.posting_number);
            state.emplace(f.posting_number, std::move(next));
        }
        if (changed.insert(f.posting_number).second) r.changed.push_back(f.posting_number);
    }
    std::unordered_set<std::string> dropped;
    for (auto it = state.begin(); it != state.end();) {
        const PostingState& p = it->second;
        const bool old = p.in_process_at && *p.in_process_at < window_start;
        bool drop = old && is_final_status(p.status);
        // A full load covers the window: what it did not return no longer exists at Ozon.
        if (input.full_window && !seen.count(it->first) && !old) drop = true;
        if (drop) {
            r.removed.push_back(it->first);
            dropped.insert(it->first);
            remember(it->first, it->second);
            it = state.erase(it);
        } else {
            ++it;
        }
    }
    // A posting both changed and dropped in one merge is only dropped.
    if (!dropped.empty())
        r.changed.erase(std::remove_if(r.changed.begin(), r.changed.end(),
                                       [&](const std::string& n) { return dropped.count(n) > 0; }),
                        r.changed.end());
    return r;
}

void undo_merge(PostingMap& state, const MergeResult&, MergeUndo& undo) {
    for (const auto& n : undo.added) state.erase(n);
    for (auto& [n, p] : undo.previous) state[n] = std::move(p);
    undo = MergeUndo{};
}

MergeResult merge_postings(const PostingMap& previous, const MergeInput& input, TimePoint now,
                           Millis lookback) {
    PostingMap state = previous;
    MergeUndo undo;
    MergeResult r = merge_postings_inplace(state, input, now, lookback, undo);
    r.current = std::move(state);
    return r;
}

std::string posting_url(const std::string& posting_number) {
    return "https://seller.ozon.ru/app/postings/fbs?search=" + posting_number;
}

namespace {

json products_json(const PostingState& p) {
    json a = json::array();
    for (const auto& pr : p.products)
        a.push_back({{"name", pr.name}, {"offer_id", pr.offer_id}, {"quantity", pr.quantity}});
    return a;
}

json base_details(const PostingState& p, const PostingState* prev, const PostingsEvalContext& ctx) {
    json d = {{"posting_number", p.posting_number},
              {"status", p.status},
              {"substatus", p.substatus},
              {"products", products_json(p)},
              {"status_since", format_iso8601(p.status_since)}};
    if (prev) d["previous_status"] = prev->status;
    if (p.in_process_at) d["in_process_at"] = format_iso8601(*p.in_process_at);
    if (p.delivering_date) d["delivering_date"] = format_iso8601(*p.delivering_date);
    if (p.shipment_date) {
        d["shipment_date"] = format_iso8601(*p.shipment_date);
        if (ctx.tz && ctx.config) {
            TimePoint dl = effective_deadline(*p.shipment_date, *ctx.tz, ctx.config->handover_deadline);
            d["deadline"] = format_iso8601(dl);
        }
    }
    if (p.cancellation) {
        d["cancellation"] = {{"initiator", p.cancellation->initiator},
                             {"type", p.cancellation->type},
                             {"reason", p.cancellation->reason},
                             {"reason_id", p.cancellation->reason_id},
                             {"affects_rating", p.cancellation->affects_rating},
                             {"after_ship", p.cancellation->after_ship}};
        // Flat copies: the names alerts/templates.hpp reads.
        d["cancel_reason"] = p.cancellation->reason;
        d["cancellation_initiator"] = p.cancellation->initiator;
        d["affects_rating"] = p.cancellation->affects_rating;
    }
    return d;
}

Event make_event(const std::string& type, Severity sev, EventKind kind, const std::string& key,
                 const PostingState& p, const PostingState* prev, TimePoint occurred, TimePoint now,
                 const PostingsEvalContext& ctx) {
    Event e;
    e.type = type;
    e.severity = sev;
    e.kind = kind;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = key;
    e.title = type + " " + p.posting_number;  // fallback only: alerts renders the real text
    e.occurred_at = occurred;
    e.detected_at = now;
    e.url = posting_url(p.posting_number);
    e.details = base_details(p, prev, ctx);
    return e;
}

}  // namespace

Evaluation evaluate_postings(const PostingMap* previous, const PostingMap& current, TimePoint now,
                             const PostingsEvalContext& ctx, const std::vector<std::string>* changed) {
    Evaluation ev;
    const PostingsWatchConfig defaults;
    const PostingsWatchConfig& cfg = ctx.config ? *ctx.config : defaults;
    const TimeZone* tz = ctx.tz;

    auto transitions_for = [&](const std::string& number, const PostingState& p,
                               const PostingState* prev) {
        if (!prev) {
            if (p.status == "cancelled") {
                ev.transitions.push_back(make_event("posting.cancelled", Severity::warning,
                                                    EventKind::transition,
                                                    "posting.cancelled:" + number, p, nullptr,
                                                    p.status_since, now, ctx));
            } else if (is_pre_shipment(p.status)) {
                ev.transitions.push_back(make_event(
                    "posting.new", Severity::info, EventKind::transition, "posting.new:" + number,
                    p, nullptr, p.in_process_at.value_or(now), now, ctx));
            }
        } else if (prev->status != p.status) {
            if (p.status == "cancelled") {
                ev.transitions.push_back(make_event("posting.cancelled", Severity::warning,
                                                    EventKind::transition,
                                                    "posting.cancelled:" + number, p, prev,
                                                    p.status_since, now, ctx));
            } else {
                ev.transitions.push_back(make_event(
                    "posting.status_changed", Severity::info, EventKind::transition,
                    "posting.status_changed:" + number + ":" + p.status, p, prev,
                    p.status_since, now, ctx));
            }
        }
    };
    if (previous && changed) {
        for (const auto& number : *changed) {
            auto cur = current.find(number);
            if (cur == current.end()) continue;
            auto it = previous->find(number);
            transitions_for(number, cur->second, it == previous->end() ? nullptr : &it->second);
        }
    }

    for (const auto& [number, p] : current) {
        // ---- transitions
        if (previous && !changed) {
            auto it = previous->find(number);
            transitions_for(number, p, it == previous->end() ? nullptr : &it->second);
        }

        // ---- conditions (stable keys: one per posting and type). cutoff_soon and
        // cutoff_missed share the key "posting.cutoff:<n>": at the deadline the condition
        // escalates (warning -> critical, the store re-fires it) instead of a misleading
        // "resolved" for cutoff_soon; handing the posting over resolves it once.
        if (is_awaiting_shipment(p.status) && p.shipment_date && tz) {
            TimePoint deadline = effective_deadline(*p.shipment_date, *tz, cfg.handover_deadline);
            if (now >= deadline) {
                ev.holding.push_back(make_event("posting.cutoff_missed", Severity::critical,
                                                EventKind::condition,
                                                "posting.cutoff:" + number, p, nullptr,
                                                deadline, now, ctx));
            } else if (now >= deadline - cfg.warn_before) {
                Event e = make_event("posting.cutoff_soon", Severity::warning, EventKind::condition,
                                     "posting.cutoff:" + number, p, nullptr,
                                     deadline - cfg.warn_before, now, ctx);
                e.details["minutes_left"] =
                    std::chrono::duration_cast<std::chrono::minutes>(deadline - now).count();
                ev.holding.push_back(std::move(e));
            }
        }
        if (p.status == "arbitration" || p.status == "client_arbitration") {
            ev.holding.push_back(make_event("posting.arbitration", Severity::critical,
                                            EventKind::condition, "posting.arbitration:" + number,
                                            p, nullptr, p.status_since, now, ctx));
        }
        if (p.status == "not_accepted") {
            ev.holding.push_back(make_event("posting.not_accepted", Severity::critical,
                                            EventKind::condition, "posting.not_accepted:" + number,
                                            p, nullptr, p.status_since, now, ctx));
        }
        std::optional<Millis> limit;
        if (p.status == "delivering") limit = cfg.stuck_delivering;
        else if (p.status == "driver_pickup") limit = cfg.stuck_driver_pickup;
        else if (p.status == "acceptance_in_progress" || p.status == "awaiting_registration")
            limit = cfg.stuck_acceptance;
        if (limit && now - p.status_since > *limit) {
            Event e = make_event("posting.stuck", Severity::warning, EventKind::condition,
                                 "posting.stuck:" + number, p, nullptr, p.status_since + *limit,
                                 now, ctx);
            e.details["limit"] = format_duration(*limit);
            e.details["days_in_status"] =
                std::chrono::duration_cast<std::chrono::hours>(now - p.status_since).count() / 24;
            ev.holding.push_back(std::move(e));
        }
    }
    return ev;
}

}  // namespace ozw::daemon
