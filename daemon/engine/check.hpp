#pragma once
// `ozonwatch check` as a library function: every enabled watch once (on a copy of the state
// database if there is one, else as a baseline), nothing sent; prints the morning report (text)
// or the events as JSON lines. Exit 0 OK, 1 warnings, 2 critical, 3 a source not checked.
#include <ostream>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "daemon/engine/report.hpp"

namespace ozw::daemon {

struct CheckResult {
    int exit_code = 0;
    std::vector<AccountReport> reports;
    std::vector<Event> events;  // transitions recorded now + every firing condition
};

CheckResult run_check(const Config& cfg, const Clock& clock, const std::string& format,
                      std::ostream& out, std::ostream& err);

}  // namespace ozw::daemon
