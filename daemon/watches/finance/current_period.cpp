#include "daemon/watches/finance/current_period.hpp"

#include <nlohmann/json.hpp>

#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::finance {

using nlohmann::json;
using namespace item_json;

DayTotals day_totals(const std::vector<ozon::DayAccrual>& accruals, TimePoint read_at) {
    DayTotals t;
    t.read_at = read_at;
    for (const auto& a : accruals) {
        t.net += a.total_amount.amount;
        Decimal sale;
        for (const auto& p : a.products) sale += p.sale_amount.amount;
        t.sales += sale;
        if (sale > Decimal{}) ++t.sold;
    }
    return t;
}

Decimal CurrentPeriod::net() const {
    Decimal sum;
    for (const auto& [_, d] : days) sum += d.net;
    return sum;
}

Decimal CurrentPeriod::sales() const {
    Decimal sum;
    for (const auto& [_, d] : days) sum += d.sales;
    return sum;
}

int CurrentPeriod::sold() const {
    int n = 0;
    for (const auto& [_, d] : days) n += d.sold;
    return n;
}

std::string CurrentPeriod::to_json_text() const {
    json j = {{"id", id}, {"days", json::object()}};
    for (const auto& [date, d] : days)
        j["days"][date] = {{"net", d.net.to_string(2)},
                           {"sales", d.sales.to_string(2)},
                           {"sold", d.sold},
                           {"read_at", format_iso8601(d.read_at)}};
    return j.dump();
}

CurrentPeriod CurrentPeriod::from_json_text(const std::string& text) {
    CurrentPeriod c;
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return c;
    c.id = str_of(j, "id");
    auto days = j.find("days");
    if (days == j.end() || !days->is_object()) return c;
    for (const auto& [date, d] : days->items()) {
        if (!d.is_object()) continue;
        auto read_at = time_of(d, "read_at");
        if (!read_at) continue;  // unreadable: read the day again
        DayTotals t;
        t.net = decimal_of(d, "net");
        t.sales = decimal_of(d, "sales");
        t.sold = static_cast<int>(int_of(d, "sold"));
        t.read_at = *read_at;
        c.days.emplace(date, t);
    }
    return c;
}

std::vector<PeriodDay> days_begun(const PayoutPeriod& period, TimePoint now, const TimeZone& tz) {
    std::vector<PeriodDay> out;
    for (TimePoint day = period.start; day < period.end && day <= now;) {
        // The next local midnight: 25 hours on is always inside the next day (23- and 25-hour
        // days of a clock change included).
        const TimePoint next = tz.local_midnight(day + std::chrono::hours(25));
        out.push_back({tz.format_local(day + std::chrono::hours(12), "%Y-%m-%d"), next});
        day = next;
    }
    return out;
}

std::vector<std::string> days_to_read(const CurrentPeriod& known, const std::vector<PeriodDay>& days, TimePoint now,
                                      Millis refresh) {
    std::vector<std::string> out;
    for (const auto& d : days) {
        auto it = known.days.find(d.date);
        if (it == known.days.end() ||
            (it->second.read_at < d.end + kDaySettles && now - it->second.read_at >= refresh))
            out.push_back(d.date);
    }
    return out;
}

}  // namespace ozw::daemon::finance
