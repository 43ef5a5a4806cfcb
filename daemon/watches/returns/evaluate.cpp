#include "daemon/watches/returns/evaluate.hpp"

#include <algorithm>

namespace ozw::daemon::returns {

namespace {

using nlohmann::json;

constexpr Millis kDay = std::chrono::hours(24);

// The details every return event carries; each type adds only what its text shows.
json base_details(const ReturnItem& r) {
    json d = {{"return_id", r.id},
              {"return_kind", r.kind == ItemKind::rfbs_request ? "rfbs" : "return"},
              {"return_type", r.type},
              {"posting_number", r.posting_number},
              {"product", r.product_name},
              {"offer_id", r.offer_id},
              {"quantity", r.quantity},
              {"amount", r.amount},
              {"status", r.status},
              {"status_name", r.status_name}};
    if (!r.reason.empty()) d["reason"] = r.reason;
    if (!r.return_number.empty()) d["return_number"] = r.return_number;
    return d;
}

Event make_event(const std::string& type, Severity sev, EventKind kind, std::string key, const ReturnItem& r,
                 TimePoint occurred, TimePoint now, const EvalContext& ctx, json details) {
    Event e;
    e.type = type;
    e.severity = sev;
    e.kind = kind;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = std::move(key);
    e.title = type + " " + r.posting_number;  // fallback only: alerts renders the real text
    e.occurred_at = occurred;
    e.detected_at = now;
    e.url = return_url(r.kind == ItemKind::rfbs_request);
    e.details = std::move(details);
    return e;
}

std::optional<TimePoint> earliest_after(TimePoint now, std::initializer_list<std::optional<TimePoint>> list) {
    std::optional<TimePoint> best;
    for (const auto& t : list)
        if (t && *t > now && (!best || *t < *best)) best = t;
    return best;
}

void request_condition(const ReturnItem& r, TimePoint now, const EvalContext& ctx, ItemConditions& c) {
    const ReturnsSettings& cfg = ctx.settings;
    const TimePoint deadline = r.status_since + cfg.decision_window;
    const TimePoint urgent_from = deadline - cfg.urgent_before;
    json d = base_details(r);
    d["waiting_since"] = format_iso8601(r.status_since);
    d["deadline"] = format_iso8601(deadline);
    if (!r.client_comment.empty()) d["client_comment"] = r.client_comment;
    if (!r.photos.empty()) d["photos"] = r.photos;
    if (!r.actions.empty()) d["actions"] = r.actions;
    const std::string key = "return.request:" + r.key();
    if (now >= urgent_from) {
        c.holding.push_back(make_event("return.request_urgent", Severity::critical, EventKind::condition, key, r,
                                       urgent_from, now, ctx, std::move(d)));
    } else {
        c.holding.push_back(make_event("return.request_pending", Severity::warning, EventKind::condition, key, r,
                                       r.status_since, now, ctx, std::move(d)));
        c.next_change = urgent_from;
    }
}

void pickup_condition(const ReturnItem& r, TimePoint now, const EvalContext& ctx, ItemConditions& c) {
    const TimePoint arrived = r.arrived_at.value_or(r.status_since);
    const long long days = now > arrived ? std::chrono::duration_cast<std::chrono::hours>(now - arrived).count() / 24 : 0;
    const bool paid = r.paid_storage_from && now >= *r.paid_storage_from;
    const std::optional<TimePoint> disposal_warn_from =
        r.disposal_at ? std::optional<TimePoint>(*r.disposal_at - ctx.settings.disposal_warn) : std::nullopt;
    const bool disposal_near = disposal_warn_from && now >= *disposal_warn_from;
    json d = base_details(r);
    d["place"] = r.place_name;
    if (!r.place_address.empty() && r.place_address != r.place_name) d["place_address"] = r.place_address;
    d["arrived_at"] = format_iso8601(arrived);
    d["days_waiting"] = days;
    if (r.paid_storage_from) d["paid_storage_from"] = format_iso8601(*r.paid_storage_from);
    if (r.disposal_at) d["disposal_at"] = format_iso8601(*r.disposal_at);
    if (r.storage_sum > 0) d["storage_sum"] = r.storage_sum;
    if (r.disposal_sum > 0) d["disposal_sum"] = r.disposal_sum;
    if (paid) d["paid_storage_started"] = true;
    const std::string key = "return.pickup:" + r.key();
    if (paid || disposal_near) {
        const TimePoint from = paid ? *r.paid_storage_from : *disposal_warn_from;
        c.holding.push_back(make_event("return.pickup_urgent", Severity::critical, EventKind::condition, key, r,
                                       from, now, ctx, std::move(d)));
    } else {
        c.holding.push_back(make_event("return.ready_for_pickup", Severity::warning, EventKind::condition, key,
                                       r, arrived, now, ctx, std::move(d)));
    }
    // days_waiting grows at each whole day; paid storage and the disposal warning start by time.
    const TimePoint next_day = arrived + kDay * (days + 1);
    c.next_change = earliest_after(now, {next_day, r.paid_storage_from, disposal_warn_from});
}

}  // namespace

std::string return_url(bool rfbs) {
    return rfbs ? "https://seller.ozon.ru/app/returns/rfbs" : "https://seller.ozon.ru/app/returns/main";
}

void carry_over(const ReturnItem* prev, ReturnItem& next, TimePoint now) {
    const bool same_status = prev && prev->status == next.status && prev->group_state == next.group_state;
    const bool has_own_moment = next.kind == ItemKind::fbs_return && next.status_since != TimePoint{};
    if (!has_own_moment) {
        if (same_status) next.status_since = prev->status_since;
        else if (prev || next.status_since == TimePoint{} || next.status_since > now) next.status_since = now;
    }
    if (prev && prev->first_seen != TimePoint{}) next.first_seen = prev->first_seen;
    else if (next.first_seen == TimePoint{} || next.first_seen > now) next.first_seen = now;
}

std::vector<Event> return_transitions(const ReturnItem* prev, const ReturnItem& r, TimePoint now,
                                      const EvalContext& ctx) {
    std::vector<Event> out;
    if (prev || r.kind != ItemKind::fbs_return) return out;
    if (awaits_seller(r.status) || is_dispute(r.status)) return out;
    json d = base_details(r);
    if (!r.place_name.empty()) d["place"] = r.place_name;
    out.push_back(make_event("return.new", Severity::info, EventKind::transition, "return.new:" + r.key(), r,
                             r.first_seen, now, ctx, std::move(d)));
    return out;
}

ItemConditions return_conditions(const ReturnItem& r, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    if (r.kind == ItemKind::dropoff_point) return c;
    const bool rfbs = r.kind == ItemKind::rfbs_request;
    if (rfbs ? rfbs_awaits_seller(r) : awaits_seller(r.status)) request_condition(r, now, ctx, c);
    if (rfbs ? r.group_state == "Arbitration" : is_dispute(r.status)) {
        json d = base_details(r);
        d["dispute_since"] = format_iso8601(r.status_since);
        c.holding.push_back(make_event("return.disputed", Severity::critical, EventKind::condition,
                                       "return.disputed:" + r.key(), r, r.status_since, now, ctx, std::move(d)));
    }
    if (!rfbs && r.status == "ArrivedAtReturnPlace") pickup_condition(r, now, ctx, c);
    return c;
}

}  // namespace ozw::daemon::returns
