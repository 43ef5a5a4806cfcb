#include "daemon/watches/finance/periods.hpp"

#include "common/ozon/cabinet_links.hpp"

namespace ozw::daemon::finance {

namespace {

// The local day in the middle of Ozon's begin..end (Ozon may write either end as UTC or local
// midnight, or the last second of a day): the period containing it is the one meant.
std::optional<TimePoint> middle_of(const ozon::CashFlowPeriod& p) {
    if (p.begin && p.end && *p.end > *p.begin) return *p.begin + (*p.end - *p.begin) / 2;
    if (p.begin) return *p.begin + std::chrono::hours(36);
    if (p.end) return *p.end - std::chrono::hours(36);
    return std::nullopt;
}

bool same_period(const ozon::CashFlowPeriod& ozon_period, const PeriodItem& p, const TimeZone& tz) {
    const auto middle = middle_of(ozon_period);
    return middle && payout_period_containing(tz, *middle).start == p.start;
}

long long whole_days(Millis d) { return std::chrono::duration_cast<std::chrono::hours>(d).count() / 24; }

}  // namespace

PeriodItem period_item(const PayoutPeriod& pp, const TimeZone& tz) {
    PeriodItem p;
    p.start = pp.start;
    p.end = pp.end;
    p.label = pp.label;
    // The first local day; noon keeps it inside the day whatever the zone's offset.
    p.id = tz.format_local(pp.start + std::chrono::hours(12), "%Y-%m-%d");
    return p;
}

PayoutPeriod previous_period(TimePoint now, const TimeZone& tz) {
    return payout_period_containing(tz, payout_period_containing(tz, now).start - Millis(1));
}

bool fill_from_statement(PeriodItem& p, const ozon::CashFlowStatementPage& statement, const TimeZone& tz) {
    bool found = false;
    for (const auto& row : statement.cash_flows) {
        if (!same_period(row.period, p, tz)) continue;
        found = true;
        p.currency = row.currency_code;
        p.orders = row.orders_amount.amount;
        p.returns = row.returns_amount.amount;
        p.commission = row.commission_amount.amount;
        p.services = row.services_amount.amount;
        p.delivery = row.item_delivery_and_return_amount.amount;
        break;
    }
    for (const auto& d : statement.details) {
        if (!same_period(d.period, p, tz)) continue;
        found = true;
        p.to_pay = d.invoice_transfer.amount;
        p.paid = Decimal{};
        for (const auto& payment : d.payments) p.paid += payment.amount;
        p.payment_seen = !d.payments.empty();
        if (p.currency.empty() && !d.payments.empty()) p.currency = d.payments.front().currency;
        break;
    }
    p.statement = p.statement || found;
    return found;
}

void count_postings(PeriodItem& p, const std::map<std::string, DeliveredPosting>& postings) {
    p.delivered = p.accrued = p.waiting = 0;
    p.missing.clear();
    for (const auto& [number, d] : postings) {
        if (d.delivered_at < p.start || d.delivered_at >= p.end) continue;
        ++p.delivered;
        if (d.paid) ++p.accrued;
        else if (d.asked) p.missing.push_back(number);
        else ++p.waiting;
    }
}

bool is_previous_period(const PeriodItem& p, TimePoint now, const TimeZone& tz) {
    return p.end == payout_period_containing(tz, now).start;
}

std::vector<Event> period_transitions(const PeriodItem* previous, const PeriodItem& p, TimePoint now,
                                      const EvalContext& ctx) {
    if (!p.closed || (previous && previous->closed) || !is_previous_period(p, now, ctx.tz)) return {};
    Event e;
    e.type = "finance.period_closed";
    e.severity = Severity::info;
    e.kind = EventKind::transition;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = "finance.period_closed:" + p.id;
    e.title = e.type + " " + p.label;  // fallback only: alerts renders the real text
    e.occurred_at = p.end;
    e.detected_at = now;
    e.url = kAccrualsUrl;
    nlohmann::json missing = nlohmann::json::array(), links = nlohmann::json::array();
    for (std::size_t i = 0; i < p.missing.size() && i < kSummaryListed; ++i) {
        missing.push_back(p.missing[i]);
        links.push_back(ozon::posting_url(p.missing[i]));
    }
    e.details = {{"period", p.label},
                 {"period_start", format_iso8601(p.start)},
                 {"period_end", format_iso8601(p.end)},
                 {"statement", p.statement},
                 {"delivered", p.delivered},
                 {"accrued", p.accrued},
                 {"waiting", p.waiting},
                 {"missing_count", static_cast<long long>(p.missing.size())},
                 {"missing", missing},
                 {"missing_links", links},
                 {"grace_days", ctx.settings.grace_days}};
    if (p.counted_since) e.details["counted_since"] = format_iso8601(*p.counted_since);
    if (p.statement) {
        e.details["currency"] = p.currency;
        e.details["orders"] = p.orders.to_string(2);
        e.details["returns"] = p.returns.to_string(2);
        e.details["commission"] = p.commission.to_string(2);
        e.details["services"] = p.services.to_string(2);
        e.details["delivery"] = p.delivery.to_string(2);
        e.details["to_pay"] = p.to_pay.to_string(2);
        e.details["paid"] = p.payment_seen ? nlohmann::json(p.paid.to_string(2)) : nlohmann::json(nullptr);
    }
    return {std::move(e)};
}

ItemConditions payout_conditions(const PeriodItem& p, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    if (!p.payout_pending()) return c;
    const TimePoint due = p.end + std::chrono::hours(24) * ctx.settings.payout_days;
    if (now < due) {
        c.next_change = due;
        return c;
    }
    const long long days = whole_days(now - p.end);
    Event e;
    e.type = "finance.payout_missing";
    e.severity = Severity::warning;
    e.kind = EventKind::condition;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = "finance.payout_missing:" + p.id;
    e.title = e.type + " " + p.label;  // fallback only
    e.occurred_at = due;
    e.detected_at = now;
    e.url = kAccrualsUrl;
    e.details = {{"period", p.label},
                 {"period_end", format_iso8601(p.end)},
                 {"to_pay", p.to_pay.to_string(2)},
                 {"currency", p.currency},
                 {"days_since_close", days},
                 {"payout_days", ctx.settings.payout_days}};
    c.holding.push_back(std::move(e));
    c.next_change = p.end + std::chrono::hours(24) * (days + 1);  // the day count grows
    return c;
}

}  // namespace ozw::daemon::finance
