#include "daemon/engine/report.hpp"

#include <algorithm>
#include <sstream>

#include "alerts/templates.hpp"
#include "common/time.hpp"

namespace ozw::daemon {

namespace {

bool ru(const ReportOptions& o) { return o.language != "en"; }

std::vector<Event> sorted_firing(std::vector<Event> firing) {
    std::stable_sort(firing.begin(), firing.end(), [](const Event& a, const Event& b) {
        if (a.severity != b.severity) return a.severity > b.severity;
        return a.key < b.key;
    });
    return firing;
}

}  // namespace

std::vector<std::string> report_lines(const AccountReport& r, const ReportOptions& o) {
    std::vector<std::string> lines;
    for (const auto& s : r.sections) {
        if (!s.checked) {
            lines.push_back(s.title + (ru(o) ? ": проверить не удалось: " : ": could not be checked: ") +
                            s.error);
            continue;
        }
        for (const auto& l : s.lines) lines.push_back(l);
    }
    if (!r.health.empty()) {
        lines.push_back(ru(o) ? "Источники:" : "Sources:");
        for (const auto& h : r.health) lines.push_back("  " + h);
    }
    if (!r.not_watched.empty()) {
        std::string names;
        for (const auto& n : r.not_watched) names += (names.empty() ? "" : ", ") + n;
        lines.push_back(ru(o) ? "Не проверяется в этой версии (смотрите в кабинете сами): " + names
                              : "Not watched in this release (check the cabinet yourself): " + names);
    }
    return lines;
}

std::string verdict_line(const AccountReport& r, const ReportOptions& o) {
    std::size_t checked = 0;
    std::string unchecked;
    for (const auto& s : r.sections) {
        if (s.checked) ++checked;
        else unchecked += (unchecked.empty() ? "" : ", ") + s.title;
    }
    const std::string of = std::to_string(checked) + (ru(o) ? " из " : " of ") + std::to_string(r.sections.size());
    if (!r.firing.empty()) {
        std::size_t critical = 0;
        for (const auto& e : r.firing)
            if (e.severity == Severity::critical) ++critical;
        std::string line = ru(o) ? "Требует внимания (" + std::to_string(r.firing.size()) + ", из них критично " +
                                       std::to_string(critical) + "; проверено разделов: " + of
                                 : "Needs attention (" + std::to_string(r.firing.size()) + ", critical " +
                                       std::to_string(critical) + "; sections checked: " + of;
        if (!unchecked.empty()) line += (ru(o) ? "; не проверено: " : "; not checked: ") + unchecked;
        return line + "):";
    }
    if (!unchecked.empty())
        return ru(o) ? "Активных проблем нет, но проверено разделов только " + of + ". Не проверено: " + unchecked +
                           " — смотрите в кабинете сами."
                     : "No active problems, but only " + of + " sections were checked. Not checked: " + unchecked +
                           " — check the cabinet yourself.";
    return ru(o) ? "Требует внимания: ничего, всё в порядке (проверено разделов: " + of + ", активных проблем: 0)."
                 : "Needs attention: nothing, all is well (sections checked: " + of + ", active problems: 0).";
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
        for (const auto& l : report_lines(r, o)) out << l << "\n";
        auto firing = sorted_firing(r.firing);
        out << "\n" << verdict_line(r, o) << "\n";
        if (firing.empty()) continue;
        for (const auto& e : firing)
            out << "\n" << alerts::render_event(e, "new", ro, alerts::Format::text) << "\n";
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
    e.url = "https://seller.ozon.ru/app/dashboard/main";
    auto lines = report_lines(r, o);
    auto firing = sorted_firing(r.firing);
    lines.push_back(verdict_line(r, o));
    for (const auto& f : firing) lines.push_back("• " + alerts::event_title(f, o.language));
    e.details = {{"lines", lines}, {"count", firing.size()}};
    return e;
}

std::vector<EventType> report_event_types() {
    EventType t;
    t.type = "report.daily";
    t.kind = EventKind::transition;
    t.severity = Severity::info;
    t.source = "ozonwatch";
    t.title_ru = "Утренний отчёт";
    t.title_en = "Morning report";
    t.facts = [](const DetailsView& d, FactSink& s) {
        const auto& lines = d.at("lines");
        if (!lines.is_array()) return;
        for (const auto& l : lines)
            if (l.is_string()) s.line(l.get<std::string>());
    };
    t.hidden_keys = {"count"};
    return {t};
}

}  // namespace ozw::daemon
