// `run` (the daemon) and `check` (one full check now). `demo` lives in daemon/demo.cpp.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "common/logging.hpp"
#include "daemon/engine/check.hpp"
#include "daemon/commands.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/metrics_endpoint.hpp"
#include "daemon/push_receiver.hpp"
#include "daemon/systemd_notify.hpp"

namespace ozw::cli {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using daemon::Runtime;
using daemon::RuntimeOptions;

namespace {

std::optional<Config> load_or_report(const std::string& path) {
    try {
        auto r = load_config(path);
        for (const auto& w : r.warnings) std::cerr << "ozonwatch: warning: " << w << "\n";
        return std::move(r.config);
    } catch (const ConfigError& e) {
        std::cerr << "ozonwatch: " << e.what() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "ozonwatch: cannot load " << path << ": " << e.what() << "\n";
    }
    return std::nullopt;
}

}  // namespace

// ------------------------------------------------------------------------------------ check

int cmd_check(const GlobalOptions& g, const CheckOptions& o) {
    auto cfg = load_or_report(g.config_path);
    if (!cfg) return kExitConfig;
    if (o.format != "text" && o.format != "json") {
        std::cerr << "ozonwatch check: --format must be text or json\n";
        return kExitUsage;
    }
    log::init_logging_for(*cfg, g.log_level.empty() ? "warn" : g.log_level);
    SystemClock clock;
    return daemon::run_check(*cfg, clock, o.format, std::cout, std::cerr).exit_code;
}

// -------------------------------------------------------------------------------------- run

namespace {

// One generation of the daemon (until SIGTERM/SIGINT, or SIGHUP with a valid new config).
// Returns the config to continue with after a reload, or nullopt to exit.
std::optional<Config> run_generation(const Config& cfg, const GlobalOptions& g, Store& store,
                                     daemon::SystemdNotifier& sd, bool first) {
    SystemClock clock;
    asio::io_context ioc;
    Runtime pipeline(cfg, store, clock, ioc.get_executor(), RuntimeOptions{});
    std::atomic<bool> stop{false};
    std::optional<Config> next;
    auto lg = log::get("daemon");
    // /metrics and /healthz on the generation's io_context (README "Metrics"). At start a
    // listener that cannot bind ends `run` (cmd_run: exit 69, or 78 for a bad address): a port
    // in use usually means another ozonwatch, and monitoring would see no metrics anyway. After
    // a reload the daemon keeps watching without metrics: alerts matter more than the page.
    std::unique_ptr<daemon::MetricsEndpoint> metrics;
    if (cfg.metrics.enabled) {
        metrics = std::make_unique<daemon::MetricsEndpoint>(ioc.get_executor(), cfg.metrics.listen,
                                                            pipeline.scheduler(), store, clock);
        try {
            metrics->start();
        } catch (const daemon::MetricsListenError& e) {
            if (first) throw;
            lg->error("{}; running without /metrics until the next reload", e.what());
            metrics.reset();
        }
    }

    // The Ozon push receiver (README "Ozon push notifications"), same rules as /metrics: at
    // start a listener that cannot bind ends `run`; after a reload the daemon keeps polling
    // without pushes (push is a hint, the watches poll anyway). A push wakes the watches it
    // concerns (Runtime::accept_push); pushes stored but not acted upon before a crash or a
    // reload are offered again now.
    std::unique_ptr<daemon::PushReceiver> push;
    if (cfg.push.enabled) {
        push = std::make_unique<daemon::PushReceiver>(ioc.get_executor(), cfg, store, clock);
        push->on_push = [&pipeline](long long id, const std::string& account, const push::PushMessage& m) {
            return pipeline.accept_push(id, account, m) > 0;
        };
        try {
            push->start();
            if (auto n = push->replay_unprocessed())
                lg->info("push: {} notification(s) received before the restart offered to the watches again", n);
        } catch (const daemon::PushListenError& e) {
            if (first) throw;
            lg->error("{}; running without push notifications until the next reload", e.what());
            push.reset();
        }
    }

    asio::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
    asio::steady_timer grace(ioc);
    asio::steady_timer watchdog_timer(ioc);
    int running = 0;  // the generation's main coroutines still running
    std::function<void()> arm;
    auto begin_stop = [&]() {
        if (stop) return;
        stop = true;
        // Every loop sleeps until its next due instant: wake them so that they see `stop` now.
        pipeline.wake_for_stop();
        watchdog_timer.cancel();
        if (metrics) metrics->stop();  // its listener would keep ioc.run() going
        if (push) push->stop();
        // In-flight requests have their own deadlines; do not wait for them past 8 s.
        grace.expires_after(std::chrono::seconds(8));
        grace.async_wait([&](boost::system::error_code ec) {
            if (!ec) {
                lg->warn("shutdown: still busy after 8 s, stopping anyway");
                ioc.stop();
            }
        });
    };
    // Signals stay handled until every main coroutine has finished, so a SIGTERM during a
    // reload still ends the process cleanly.
    arm = [&]() {
        signals.async_wait([&](boost::system::error_code ec, int sig) {
            if (ec) return;
            if (sig == SIGHUP) {
                if (!stop) {
                    lg->info("SIGHUP: reloading {}", g.config_path);
                    try {
                        auto r = load_config(g.config_path);
                        for (const auto& w : r.warnings) lg->warn("{}", w);
                        next = std::move(r.config);
                        sd.reloading();
                        begin_stop();
                    } catch (const std::exception& e) {
                        lg->error("new configuration refused, keeping the running one: {}", e.what());
                    }
                }
            } else {
                lg->info("signal {}: stopping", sig);
                next.reset();
                sd.stopping();
                begin_stop();
            }
            arm();
        });
    };
    arm();

    auto done = [&](const char* what) {
        ++running;
        return [&, what](std::exception_ptr e) {
            if (e) {
                try { std::rethrow_exception(e); } catch (const std::exception& ex) {
                    lg->error("{} ended: {}", what, ex.what());
                }
            }
            if (--running == 0) {
                grace.cancel();
                signals.cancel();
                if (metrics) metrics->stop();
                if (push) push->stop();
            }
        };
    };
    asio::co_spawn(ioc, pipeline.scheduler().run(), done("scheduler"));
    if (pipeline.dispatcher()) asio::co_spawn(ioc, pipeline.dispatcher()->run(stop), done("dispatcher"));
    asio::co_spawn(ioc, pipeline.report_loop(stop), done("report"));
    asio::co_spawn(ioc, pipeline.maintenance_loop(stop), done("retention"));
    if (auto wd = sd.watchdog_interval()) {
        // wd is already half of WatchdogSec, as sd_watchdog_enabled(3) advises.
        asio::co_spawn(ioc, [&, wd]() -> asio::awaitable<void> {
            while (!stop) {
                sd.watchdog();
                watchdog_timer.expires_after(*wd);
                boost::system::error_code ec;
                co_await watchdog_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
        }, asio::detached);
    }
    std::size_t watches = pipeline.scheduler().size();
    lg->info("ozonwatch {}: {} account(s), {} watch(es), state {}", first ? "started" : "reloaded",
             cfg.accounts.size(), watches, store.path());
    sd.ready("watching " + std::to_string(cfg.accounts.size()) + " account(s)");
    ioc.run();
    return next;
}

}  // namespace

int cmd_run(const GlobalOptions& g) {
    auto cfg = load_or_report(g.config_path);
    if (!cfg) return kExitConfig;
    log::init_logging_for(*cfg, g.log_level);
    daemon::SystemdNotifier sd;
    try {
        fs::create_directories(cfg->state_dir);
        Store store((fs::path(cfg->state_dir) / "ozonwatch.db").string());
        bool first = true;
        while (true) {
            auto next = run_generation(*cfg, g, store, sd, first);
            if (!next) break;
            if (next->state_dir != cfg->state_dir)
                log::get("daemon")->warn("state_dir changed: takes effect after a restart");
            next->state_dir = cfg->state_dir;
            cfg = std::move(next);
            log::init_logging_for(*cfg, g.log_level);
            first = false;
        }
    } catch (const StoreUnusable& e) {
        log::get("daemon")->critical("ozonwatch run: {}", e.what());
        sd.stopping();
        return kExitStateUnusable;
    } catch (const daemon::MetricsListenError& e) {
        log::get("daemon")->critical("ozonwatch run: {}", e.what());
        sd.stopping();
        return e.bad_address() ? kExitConfig : kExitUnavailable;
    } catch (const daemon::PushListenError& e) {
        log::get("daemon")->critical("ozonwatch run: {}", e.what());
        sd.stopping();
        return e.bad_address() ? kExitConfig : kExitUnavailable;
    } catch (const std::exception& e) {
        log::get("daemon")->critical("ozonwatch run: {}", e.what());
        sd.stopping();
        return kExitSoftware;
    }
    log::get("daemon")->info("stopped");
    return kExitOk;
}

}  // namespace ozw::cli
