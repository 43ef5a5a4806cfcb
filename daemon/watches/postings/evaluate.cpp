#include "daemon/watches/postings/evaluate.hpp"

#include "common/ozon/cabinet_links.hpp"

#include <algorithm>

namespace ozw::daemon::postings {

namespace {

using nlohmann::json;

json products_json(const PostingState& p) {
    json a = json::array();
    for (const auto& pr : p.products)
        a.push_back({{"name", pr.name}, {"offer_id", pr.offer_id}, {"quantity", pr.quantity}});
    return a;
}

// The details every posting event carries; each type adds only what its text shows.
json base_details(const PostingState& p) {
    return {{"posting_number", p.posting_number}, {"status", p.status}, {"products", products_json(p)}};
}

Event make_event(const std::string& type, Severity sev, EventKind kind, std::string key,
                 const PostingState& p, TimePoint occurred, TimePoint now, const EvalContext& ctx,
                 json details) {
    Event e;
    e.type = type;
    e.severity = sev;
    e.kind = kind;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = std::move(key);
    e.title = type + " " + p.posting_number;  // fallback only: alerts renders the real text
    e.occurred_at = occurred;
    e.detected_at = now;
    const bool arbitration = p.status == "arbitration" || p.status == "client_arbitration";
    e.url = posting_url(p.posting_number, arbitration);
    e.details = std::move(details);
    return e;
}

std::optional<TimePoint> earliest(std::optional<TimePoint> a, std::optional<TimePoint> b) {
    if (!a) return b;
    if (!b) return a;
    return std::min(*a, *b);
}

}  // namespace

std::optional<Deadlines> deadlines(const PostingState& p, const TimeZone& tz, TimeOfDay handover) {
    if (!p.shipment_date) return std::nullopt;
    Deadlines d;
    d.d1 = std::min(*p.shipment_date, tz.at_local(*p.shipment_date, handover));
    d.d2 = d.d1;
    if (p.shipment_date_without_delay) {
        const TimePoint w = *p.shipment_date_without_delay;
        d.d2 = std::max(d.d1, std::min(w, tz.at_local(w, handover)));
    }
    return d;
}

TimePoint status_since_for(const PostingState* previous, const PostingState& next, TimePoint now) {
    if (previous) return previous->status == next.status ? previous->status_since : now;
    // Dated by the fetch (a posting already delivered at the first load: date_delivered()).
    if (next.found_since && *next.found_since <= now) return *next.found_since;
    std::optional<TimePoint> best;
    if (next.status == "delivering" || next.status == "driver_pickup") best = next.delivering_date;
    else if (is_before_handover(next.status)) best = next.in_process_at;
    return best && *best <= now ? *best : now;
}

std::string posting_url(const std::string& posting_number, bool arbitration) {
    return ozon::posting_url(posting_number, arbitration);
}

std::vector<Event> posting_transitions(const PostingState* prev, const PostingState& p,
                                       TimePoint now, const EvalContext& ctx) {
    std::vector<Event> out;
    const std::string& n = p.posting_number;
    auto cancelled = [&] {
        json d = base_details(p);
        if (prev) d["previous_status"] = prev->status;
        if (p.cancellation) {
            d["cancellation_initiator"] = p.cancellation->initiator;
            d["cancel_reason"] = p.cancellation->reason;
            d["affects_rating"] = p.cancellation->affects_rating;
            d["cancelled_after_ship"] = p.cancellation->after_ship;
            d["cancellation_type"] = p.cancellation->type;
        }
        out.push_back(make_event("posting.cancelled", Severity::warning, EventKind::transition,
                                 "posting.cancelled:" + n, p, p.status_since, now, ctx, std::move(d)));
    };
    if (!prev) {
        if (p.status == "cancelled") {
            cancelled();
        } else if (is_before_handover(p.status) || is_awaiting_shipment(p.status)) {
            // First seen before the hand-over, in any such status (after a gap it may be
            // packed already): it still has to be handed over, so it is news.
            json d = base_details(p);
            if (p.shipment_date) d["shipment_date"] = format_iso8601(*p.shipment_date);
            d["handover_deadline"] = format_time_of_day(ctx.settings.handover_deadline);
            out.push_back(make_event("posting.new", Severity::info, EventKind::transition,
                                     "posting.new:" + n, p, p.in_process_at.value_or(now), now, ctx,
                                     std::move(d)));
        }
    } else if (prev->status != p.status) {
        if (p.status == "cancelled") {
            cancelled();
        } else {
            json d = base_details(p);
            d["previous_status"] = prev->status;
            out.push_back(make_event("posting.status_changed", Severity::info, EventKind::transition,
                                     "posting.status_changed:" + n + ":" + p.status, p,
                                     p.status_since, now, ctx, std::move(d)));
        }
    }
    return out;
}

ItemConditions posting_conditions(const PostingState& p, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    const PostingsSettings& cfg = ctx.settings;
    const std::string& n = p.posting_number;
    const std::string handover = format_time_of_day(cfg.handover_deadline);

    if (is_awaiting_shipment(p.status)) {
        if (auto dl = deadlines(p, ctx.tz, cfg.handover_deadline)) {
            json d = base_details(p);
            d["deadline"] = format_iso8601(dl->d1);
            d["overdue_at"] = format_iso8601(dl->d2);
            d["handover_deadline"] = handover;
            // Ozon's own figures, for programs; the text shows D1 and D2, which they produce.
            d["shipment_date"] = format_iso8601(*p.shipment_date);
            if (p.shipment_date_without_delay)
                d["shipment_date_without_delay"] = format_iso8601(*p.shipment_date_without_delay);
            const std::string key = "posting.cutoff:" + n;
            if (now >= dl->d2) {
                c.holding.push_back(make_event("posting.overdue", Severity::critical,
                                               EventKind::condition, key, p, dl->d2, now, ctx,
                                               std::move(d)));
            } else if (now >= dl->d1) {
                if (p.tariff && !p.tariff->type.empty()) {
                    d["tariff_type"] = p.tariff->type;
                    d["tariff_rate"] = p.tariff->rate;
                    if (p.tariff->charge) d["tariff_charge"] = *p.tariff->charge;
                }
                c.holding.push_back(make_event("posting.cutoff_missed", Severity::warning,
                                               EventKind::condition, key, p, dl->d1, now, ctx,
                                               std::move(d)));
                c.next_change = dl->d2;
            } else if (now >= dl->d1 - cfg.warn_before) {
                c.holding.push_back(make_event("posting.cutoff_soon", Severity::warning,
                                               EventKind::condition, key, p,
                                               dl->d1 - cfg.warn_before, now, ctx, std::move(d)));
                c.next_change = dl->d1;
            } else {
                c.next_change = dl->d1 - cfg.warn_before;
            }
        }
    }
    if (p.status == "arbitration" || p.status == "client_arbitration") {
        json d = base_details(p);
        d["status_since"] = format_iso8601(p.status_since);
        d["handover_deadline"] = handover;
        c.holding.push_back(make_event("posting.arbitration", Severity::critical, EventKind::condition,
                                       "posting.arbitration:" + n, p, p.status_since, now, ctx,
                                       std::move(d)));
    }
    if (p.status == "not_accepted") {
        json d = base_details(p);
        d["status_since"] = format_iso8601(p.status_since);
        c.holding.push_back(make_event("posting.not_accepted", Severity::critical,
                                       EventKind::condition, "posting.not_accepted:" + n, p,
                                       p.status_since, now, ctx, std::move(d)));
    }
    std::optional<Millis> limit;
    if (p.status == "delivering") limit = cfg.stuck_delivering;
    else if (p.status == "driver_pickup") limit = cfg.stuck_driver_pickup;
    else if (is_after_handover_check(p.status)) limit = cfg.stuck_acceptance;
    if (limit) {
        const TimePoint from = p.status_since + *limit;
        if (now > from) {
            const auto days = std::chrono::duration_cast<std::chrono::hours>(now - p.status_since).count() / 24;
            json d = base_details(p);
            d["status_since"] = format_iso8601(p.status_since);
            d["limit"] = format_duration(*limit);
            d["days_in_status"] = days;
            c.holding.push_back(make_event("posting.stuck", Severity::warning, EventKind::condition,
                                           "posting.stuck:" + n, p, from, now, ctx, std::move(d)));
            // days_in_status grows at each whole day in the status.
            c.next_change = earliest(c.next_change, p.status_since + std::chrono::hours(24 * (days + 1)));
        } else {
            c.next_change = earliest(c.next_change, from + Millis{1});
        }
    }
    return c;
}

}  // namespace ozw::daemon::postings
