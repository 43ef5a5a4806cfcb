#pragma once
// The morning report (seed step 5 + every firing condition): the FBS table counts exactly as
// the seller cabinet shows them, then what needs a human. alerts/templates.hpp has no report
// renderer, so the report's own texts (table labels, headings) live here; each condition's
// block (facts + what to do) is rendered by alerts::render_event.
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "common/time.hpp"
#include "daemon/postings_eval.hpp"

namespace ozw::daemon {

// The cabinet's FBS table ("FBS - Заказы с моих складов").
struct StatusCounts {
    int awaiting_packaging = 0;  // Ожидают сборки
    int awaiting_deliver = 0;    // Ожидают отгрузки
    int delivering = 0;          // Доставляются (delivering + driver_pickup)
    int disputed = 0;            // Спорные (arbitration + client_arbitration)
    int delivered = 0;           // Доставлены
    int cancelled = 0;           // Отменены
    int not_accepted = 0;        // not a cabinet column; shown when non-zero
    bool operator==(const StatusCounts&) const = default;
};
StatusCounts count_statuses(const PostingMap& postings);

struct AccountReport {
    std::string account;
    StatusCounts counts;
    bool postings_checked = true;       // false: the watch could not poll (see source_error)
    std::string source_error;           // why the account could not be checked
    std::vector<Event> firing;          // every firing condition of the account
};

struct ReportOptions {
    std::string language = "ru";
    std::string timezone = "Europe/Moscow";
    Millis lookback = std::chrono::hours(24 * 14);
};

// The table lines only (no conditions), e.g. for report.daily details.lines.
std::vector<std::string> report_table_lines(const AccountReport& r, const ReportOptions& o);
// The whole report as plain text.
std::string render_report(const std::vector<AccountReport>& reports, TimePoint now,
                          const ReportOptions& o);
// report.daily transition for one account (key "report.daily:<account>:<local date>"),
// details.lines = table lines + one title line per firing condition, details.count.
Event make_report_event(const AccountReport& r, TimePoint now, const ReportOptions& o);

}  // namespace ozw::daemon
