#include "daemon/report.hpp"

#include <algorithm>
#include <sstream>

#include "alerts/templates.hpp"

namespace ozw::daemon {

StatusCounts count_statuses(const PostingMap& postings) {
    StatusCounts c;
    for (const auto& [_, p] : postings) {
        const std::string& s = p.status;
        if (s == "awaiting_packaging") ++c.awaiting_packaging;
        else if (s == "awaiting_deliver") ++c.awaiting_deliver;
        else if (s == "delivering" || s == "driver_pickup") ++c.delivering;
        else if (s == "arbitration" || s == "client_arbitration") ++c.disputed;
        else if (s == "delivered") ++c.delivered;
        else if (s == "cancelled") ++c.cancelled;
        else if (s == "not_accepted") ++c.not_accepted;
    }
    return c;
}

namespace {

bool ru(const ReportOptions& o) { return o.language != "en"; }

std::string row(const std::string& label, int n) {
    // Pad by code points so the numbers line up in a monospace terminal.
    std::size_t len = alerts::utf8_length(label);
    std::string pad = len < 20 ? std::string(20 - len, ' ') : " ";
    return "  " + label + pad + std::to_string(n);
}

int severity_rank(const Event& e) { return static_cast<int>(e.severity); }

std::vector<Event> sorted_firing(std::vector<Event> firing) {
    std::stable_sort(firing.begin(), firing.end(), [](const Event& a, const Event& b) {
        if (severity_rank(a) != severity_rank(b)) return severity_rank(a) > severity_rank(b);
        return a.key < b.key;
    });
    return firing;
}

}  // namespace

std::vector<std::string> report_table_lines(const AccountReport& r, const ReportOptions& o) {
    std::vector<std::string> lines;
    const long long days = std::chrono::duration_cast<std::chrono::hours>(o.lookback).count() / 24;
    if (!r.postings_checked) {
        lines.push_back(ru(o) ? "Отправления FBS: проверить не удалось: " + r.source_error
                              : "FBS postings: could not be checked: " + r.source_error);
        return lines;
    }
    const auto& c = r.counts;
    if (ru(o)) {
        lines.push_back("Отправления FBS (за " + std::to_string(days) + " дн.):");
        lines.push_back(row("Ожидают сборки", c.awaiting_packaging));
        lines.push_back(row("Ожидают отгрузки", c.awaiting_deliver));
        lines.push_back(row("Доставляются", c.delivering));
        lines.push_back(row("Спорные", c.disputed));
        lines.push_back(row("Доставлены", c.delivered));
        lines.push_back(row("Отменены", c.cancelled));
        if (c.not_accepted) lines.push_back(row("Не приняты на СЦ", c.not_accepted));
    } else {
        lines.push_back("FBS postings (last " + std::to_string(days) + " days):");
        lines.push_back(row("Awaiting packaging", c.awaiting_packaging));
        lines.push_back(row("Awaiting shipment", c.awaiting_deliver));
        lines.push_back(row("Delivering", c.delivering));
        lines.push_back(row("Disputed", c.disputed));
        lines.push_back(row("Delivered", c.delivered));
        lines.push_back(row("Cancelled", c.cancelled));
        if (c.not_accepted) lines.push_back(row("Not accepted", c.not_accepted));
    }
    return lines;
}

std::string render_report(const std::vector<AccountReport>& reports, TimePoint now,
                          const ReportOptions& o) {
    TimeZone tz(o.timezone);
    std::ostringstream out;
    out << (ru(o) ? "Утренний отчёт ozonwatch — " : "ozonwatch morning report — ")
        << tz.format_local(now) << " (" << o.timezone << ")\n";
    alerts::RenderOptions ro;
    ro.language = o.language;
    ro.timezone = o.timezone;
    for (const auto& r : reports) {
        out << "\n" << (ru(o) ? "Аккаунт: " : "Account: ") << r.account << "\n";
        for (const auto& l : report_table_lines(r, o)) out << l << "\n";
        auto firing = sorted_firing(r.firing);
        if (firing.empty()) {
            out << "\n" << (ru(o) ? "Требует внимания: ничего, всё в порядке.\n"
                                  : "Needs attention: nothing, all is well.\n");
            continue;
        }
        out << "\n" << (ru(o) ? "Требует внимания (" : "Needs attention (") << firing.size() << "):\n";
        for (const auto& e : firing) {
            out << "\n" << alerts::render_event(e, "new", ro, alerts::Format::text) << "\n";
        }
    }
    return out.str();
}

Event make_report_event(const AccountReport& r, TimePoint now, const ReportOptions& o) {
    TimeZone tz(o.timezone);
    Event e;
    e.type = "report.daily";
    e.severity = Severity::info;
    e.kind = EventKind::transition;
    e.account = r.account;
    e.key = "report.daily:" + r.account + ":" + tz.format_local(now, "%Y-%m-%d");
    e.title = ru(o) ? "Утренний отчёт" : "Morning report";
    e.occurred_at = now;
    e.detected_at = now;
    e.url = "https://seller.ozon.ru/app/postings/fbs";
    auto lines = report_table_lines(r, o);
    auto firing = sorted_firing(r.firing);
    if (!firing.empty())
        lines.push_back(ru(o) ? "Требует внимания (" + std::to_string(firing.size()) + "):"
                              : "Needs attention (" + std::to_string(firing.size()) + "):");
    for (const auto& f : firing) lines.push_back("• " + alerts::event_title(f, o.language));
    e.details = {{"lines", lines}, {"count", firing.size()}, {"account", r.account}};
    const auto& c = r.counts;
    e.details["counts"] = {{"awaiting_packaging", c.awaiting_packaging},
                           {"awaiting_deliver", c.awaiting_deliver},
                           {"delivering", c.delivering},
                           {"disputed", c.disputed},
                           {"delivered", c.delivered},
                           {"cancelled", c.cancelled}};
    return e;
}

}  // namespace ozw::daemon
