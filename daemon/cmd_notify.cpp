// `ozonwatch notify test [--channel telegram|email|log]`: sends one test message through each
// configured channel (or the chosen one) and prints, per channel, "ok" or the exact error.
// Exit 0 when every tried channel accepted, 69 (unavailable) when one failed, 78 for a bad
// configuration or no channel to try. A short rate limit (429 with retry_after <= 30 s) is waited
// out once on the io_context's steady timer; a longer one is a failure that says how long.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "alerts/notifiers.hpp"
#include "alerts/templates.hpp"
#include "common/config.hpp"
#include "common/logging.hpp"
#include "common/time.hpp"
#include "daemon/commands.hpp"

namespace ozw::cli {

namespace {

// The longest rate-limit wait the test sits out before retrying once.
constexpr Millis kMaxTestWait{std::chrono::seconds(30)};

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return {};
    return buf;
}

bool wanted(const std::string& filter, const std::string& channel) {
    if (filter.empty()) return true;
    if (filter == "telegram") return channel.rfind("telegram:", 0) == 0;
    if (filter == "log" || filter == "event_log") return channel == "event_log";
    return filter == channel;
}

}  // namespace

int cmd_notify_test(const GlobalOptions& g, const NotifyTestOptions& o) {
    if (!o.channel.empty() && o.channel != "telegram" && o.channel != "email" && o.channel != "log" &&
        o.channel != "event_log" && o.channel.rfind("telegram:", 0) != 0) {
        std::cerr << "ozonwatch notify test: --channel must be telegram, email or log\n";
        return kExitUsage;
    }
    Config cfg;
    try {
        auto r = load_config(g.config_path);
        for (const auto& w : r.warnings) std::cerr << "ozonwatch: warning: " << w << "\n";
        cfg = std::move(r.config);
    } catch (const std::exception& e) {
        std::cerr << "ozonwatch: " << e.what() << "\n";
        return kExitConfig;
    }
    log::init_logging_for(cfg, g.log_level.empty() ? "warn" : g.log_level);

    SystemClock clock;
    boost::asio::io_context ioc;
    auto notifiers = alerts::make_notifiers(cfg, ioc.get_executor(), clock, false);

    Event e;
    e.type = "notify.test";
    e.kind = EventKind::transition;
    e.severity = Severity::info;
    e.key = "notify.test";
    e.id = "notify-test-" + std::to_string(clock.now().time_since_epoch().count());
    e.title = "ozonwatch notification test";
    e.occurred_at = e.detected_at = clock.now();
    e.details = nlohmann::json::object();
    if (auto host = host_name(); !host.empty()) e.details["host"] = host;  // texts: alerts' notify.test type
    alerts::RenderOptions ro;
    ro.language = cfg.notify.language;
    ro.timezone = cfg.timezone;
    alerts::RenderedMessage msg = alerts::render_group({e}, {"new"}, ro);
    msg.silent = false;  // a test should be heard

    int tried = 0, failed = 0;
    for (auto& n : notifiers) {
        const std::string ch = n->channel();
        if (!wanted(o.channel, ch)) continue;
        ++tried;
        alerts::SendResult res;
        std::exception_ptr err;
        boost::asio::co_spawn(
            ioc,
            [&]() -> boost::asio::awaitable<void> {
                res = co_await alerts::send_with_short_retry(*n, msg, kMaxTestWait, [&](Millis wait) {
                    std::cout << ch << ": rate limited, retrying in " << format_duration(wait) << "\n"
                              << std::flush;
                });
            },
            [&](std::exception_ptr ex) { err = ex; });
        ioc.restart();
        ioc.run();
        std::string error;
        if (err) {
            try {
                std::rethrow_exception(err);
            } catch (const std::exception& ex) {
                error = ex.what();
            }
        } else if (res.kind == alerts::SendResult::Kind::retry_after) {
            error = res.error + " (the channel asks to wait " + format_duration(res.retry_after) +
                    "; try again later)";
        } else if (!res.ok()) {
            error = res.error;
        }
        if (error.empty()) {
            std::cout << ch << ": ok\n";
        } else {
            ++failed;
            std::cout << ch << ": FAILED: " << log::mask(error) << "\n";
        }
    }
    if (tried == 0) {
        std::cerr << "ozonwatch notify test: no " << (o.channel.empty() ? "" : o.channel + " ")
                  << "channel is configured (notify: in " << g.config_path << ")\n";
        return kExitConfig;
    }
    return failed ? kExitUnavailable : kExitOk;
}

}  // namespace ozw::cli
