#pragma once
// The morning report (and `check`'s text output), assembled from the watches' own sections:
// per account, each watch's lines (or why it could not be checked), the watches this release
// does not have yet (so that nobody relies on their silence), then every firing condition with
// what to do. Each condition's block is rendered by alerts/ through the event-type registry.
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "common/event_types.hpp"
#include "daemon/engine/watch.hpp"

namespace ozw::daemon {

struct WatchReport {
    std::string watch;
    std::string title;                // "Отправления FBS"
    std::vector<std::string> lines;   // the watch's section (first line its heading)
    bool checked = true;              // false: the watch could not poll
    std::string error;                // why not
};

struct AccountReport {
    std::string account;
    std::vector<WatchReport> sections;
    std::vector<std::string> not_watched;  // configured watches this release does not have
    std::vector<std::string> health;       // the sources' health, one line each
    std::vector<Event> firing;             // every firing condition of the account
};

// The lines of one account (sections, the not-watched notice, the sources' health; no
// conditions).
std::vector<std::string> report_lines(const AccountReport& r, const ReportOptions& o);
// The whole report as plain text.
std::string render_report(const std::vector<AccountReport>& reports, TimePoint now,
                          const ReportOptions& o);
// The closing verdict: "nothing needs attention, all is well" with what was checked, or how
// many conditions fire; never "all is well" while a section could not be checked.
std::string verdict_line(const AccountReport& r, const ReportOptions& o);
// report.daily for one account (key "report.daily:<account>:<local date>"), details.lines =
// the account's lines + the verdict + one title line per firing condition, details.count.
Event make_report_event(const AccountReport& r, TimePoint now, const ReportOptions& o);
// report.daily's declaration.
std::vector<EventType> report_event_types();

}  // namespace ozw::daemon
