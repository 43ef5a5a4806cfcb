#include "daemon/watches/finance/evaluate.hpp"

#include <algorithm>
#include <cctype>

#include "common/time.hpp"

namespace ozw::daemon::finance {

namespace {

std::string ascii_lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

}  // namespace

const std::vector<std::string>& default_sale_type_names() {
    // Ozon's own words for the sale in the cabinet's accrual reports; Russian as written
    // (capitalised and not), English for an English cabinet.
    static const std::vector<std::string> names = {"Реализация", "реализация", "Продажа", "продажа",
                                                   "Выручка",    "выручка",    "sale",    "revenue"};
    return names;
}

std::set<int> sale_type_ids(const std::vector<ozon::AccrualType>& types, const std::vector<std::string>& names) {
    const auto& wanted = names.empty() ? default_sale_type_names() : names;
    std::set<int> ids;
    for (const auto& t : types) {
        const std::string name = ascii_lower(t.name);
        for (const auto& w : wanted)
            if (!w.empty() && name.find(ascii_lower(w)) != std::string::npos) ids.insert(t.id);
    }
    return ids;
}


AccrualSummary summarize(const ozon::PostingAccruals& accruals, const std::set<int>& sale_types) {
    AccrualSummary s;
    for (const auto& a : accruals.accruals) {
        const Decimal amount = a.accrued.amount;
        const bool sale = sale_types.empty() ? amount > Decimal{} : sale_types.count(a.type_id) > 0;
        if (sale) {
            s.paid = true;
            s.sale += amount;
            if (s.paid_on.empty() || a.accrual_date < s.paid_on) s.paid_on = a.accrual_date;
        } else {
            s.charges += amount;
        }
    }
    return s;
}

ItemConditions accrual_conditions(const AccrualItem& item, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    if (item.paid) return c;
    const TimePoint due = item.delivered_at + std::chrono::hours(24) * ctx.settings.grace_days;
    if (now < due) {
        c.next_change = due;
        return c;
    }
    const long long days = std::chrono::duration_cast<std::chrono::hours>(now - item.delivered_at).count() / 24;
    Event e;
    e.type = "finance.accrual_missing";
    e.severity = Severity::warning;
    e.kind = EventKind::condition;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = "finance.accrual_missing:" + item.posting_number;
    e.title = e.type + " " + item.posting_number;  // fallback only: alerts renders the real text
    e.occurred_at = due;
    e.detected_at = now;
    e.url = kAccrualsUrl;
    e.details = {{"posting_number", item.posting_number},
                 {"delivered_at", format_iso8601(item.delivered_at)},
                 {"days_since_delivery", days},
                 {"grace_days", ctx.settings.grace_days}};
    if (!item.charges.is_zero()) e.details["charges"] = item.charges.to_string(2);
    c.holding.push_back(std::move(e));
    // The day count in the text grows once a day.
    c.next_change = item.delivered_at + std::chrono::hours(24) * (days + 1);
    return c;
}

}  // namespace ozw::daemon::finance
