#include "daemon/engine/check.hpp"

#include <SQLiteCpp/Database.h>
#include <stdlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>

#include "daemon/engine/runtime.hpp"

namespace ozw::daemon {

namespace asio = boost::asio;
namespace fs = std::filesystem;

CheckResult run_check(const Config& cfg, const Clock& clock, const std::string& format,
                      std::ostream& out, std::ostream& err) {
    CheckResult result;
    std::string tmp = (fs::temp_directory_path() / "ozonwatch-check-XXXXXX").string();
    if (!mkdtemp(tmp.data())) {
        err << "ozonwatch check: cannot create a temporary directory\n";
        result.exit_code = 3;
        return result;
    }
    struct Cleanup {
        std::string dir;
        ~Cleanup() { std::error_code ec; fs::remove_all(dir, ec); }
    } cleanup{tmp};

    // check never writes to the daemon's database: it works on a copy (so the transitions it
    // sees are still announced by the daemon), or on an empty one (a baseline).
    const std::string db_copy = tmp + "/ozonwatch.db";
    const fs::path state_db = fs::path(cfg.state_dir) / "ozonwatch.db";
    std::error_code ec;
    if (fs::exists(state_db, ec)) {
        try {
            SQLite::Database src(state_db.string(), SQLite::OPEN_READONLY);
            src.backup(db_copy.c_str(), SQLite::Database::Save);
        } catch (const std::exception& e) {
            err << "ozonwatch check: cannot read " << state_db.string() << " (" << e.what()
                << "); checking without it\n";
            fs::remove(db_copy, ec);
        }
    }

    try {
        Store store(db_copy);
        asio::io_context ioc;
        RuntimeOptions po;
        po.notify = false;
        po.jitter_fraction = 0;
        ozon::RetryPolicy retry;
        retry.total_deadline = std::chrono::seconds(30);
        po.retry = retry;
        Runtime runtime(cfg, store, clock, ioc.get_executor(), po);
        bool source_failed = false;
        auto& sched = runtime.scheduler();
        for (std::size_t i = 0; i < sched.size(); ++i) {
            std::exception_ptr fail;
            asio::co_spawn(ioc, sched.run_watch(i), [&](std::exception_ptr e) { fail = e; });
            ioc.run();
            ioc.restart();
            if (fail) std::rethrow_exception(fail);
            auto& sw = sched.at(i);
            if (sw.health.consecutive_failures > 0) {
                source_failed = true;
                err << "ozonwatch check: " << sw.runner->watch().account() << "/"
                    << sw.runner->watch().name() << ": could not check: " << sw.health.last_error
                    << "\n";
            } else if (sw.last_result) {
                for (const auto& e : sw.last_result->recorded)
                    if (e.kind == EventKind::transition) result.events.push_back(e);
            }
        }
        result.reports = runtime.reports();
        bool warning = false, critical = false;
        for (const auto& r : result.reports)
            for (const auto& e : r.firing) {
                result.events.push_back(e);
                if (e.severity == Severity::critical) critical = true;
                if (e.severity == Severity::warning) warning = true;
            }
        if (format == "json") {
            for (const auto& e : result.events) out << to_json(e).dump() << "\n";
        } else {
            out << render_report(result.reports, clock.now(), runtime.report_options());
        }
        out.flush();
        result.exit_code = source_failed ? 3 : critical ? 2 : warning ? 1 : 0;
    } catch (const std::exception& e) {
        err << "ozonwatch check: " << e.what() << "\n";
        result.exit_code = 3;
    }
    return result;
}

}  // namespace ozw::daemon
