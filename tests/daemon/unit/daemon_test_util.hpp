#pragma once
// Shared by the daemon's unit tests: a real Store in a temporary folder, a ManualClock and an
// io_context to run one coroutine to completion; a scripted watch under the real runner.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/store.hpp"
#include "common/time.hpp"
#include "daemon/engine/watch.hpp"

namespace ozw::test {

inline TimePoint at(const char* iso) {
    auto t = parse_iso8601(iso);
    EXPECT_TRUE(t.has_value()) << iso;
    return t.value_or(TimePoint{});
}

struct DaemonEnv {
    std::filesystem::path dir;
    std::unique_ptr<Store> store;
    ManualClock clock;
    boost::asio::io_context ioc;

    explicit DaemonEnv(TimePoint start = at("2026-11-26T06:00:00Z")) : clock(start) {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = std::filesystem::temp_directory_path() /
              ("ozw-daemon-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
               info->name());
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        store = std::make_unique<Store>((dir / "state.db").string());
    }
    ~DaemonEnv() {
        store.reset();
        std::filesystem::remove_all(dir);
    }
    // A second store on the same file (a restart).
    void reopen() {
        store.reset();
        store = std::make_unique<Store>((dir / "state.db").string());
    }

    // Runs one coroutine to completion; rethrows what it threw.
    template <class F>
    auto run(F&& f) {
        using R = typename decltype(f())::value_type;
        std::exception_ptr err;
        if constexpr (std::is_void_v<R>) {
            boost::asio::co_spawn(ioc, f(), [&](std::exception_ptr e) { err = e; });
            ioc.run();
            ioc.restart();
            if (err) std::rethrow_exception(err);
        } else {
            std::optional<R> result;
            boost::asio::co_spawn(ioc, f(), [&](std::exception_ptr e, R r) {
                err = e;
                if (!e) result = std::move(r);
            });
            ioc.run();
            ioc.restart();
            if (err) std::rethrow_exception(err);
            return std::move(*result);
        }
    }

    std::vector<std::string> active_keys() {
        std::vector<std::string> k;
        for (const auto& c : store->active_conditions()) k.push_back(c.key);
        std::sort(k.begin(), k.end());
        return k;
    }
};

// A scripted watch (W: default-constructible, its answer set by the test) under the real
// WatchRunner and Store: the set-up every watch's cycle tests share.
template <class W>
struct RunnerHarness {
    DaemonEnv env;
    std::shared_ptr<W> watch;
    std::unique_ptr<daemon::WatchRunner> runner;
    explicit RunnerHarness(TimePoint start = at("2026-11-26T04:00:00Z")) : env(start) { make(); }
    void make() {
        watch = std::make_shared<W>();
        runner = std::make_unique<daemon::WatchRunner>(watch, *env.store, daemon::null_router(), env.clock);
    }
    // A process restart on the same database: a new watch and runner load what was committed.
    void restart() {
        runner.reset();
        watch.reset();
        env.reopen();
        make();
    }
    // One cycle at `when` with whatever the watch was told to answer.
    daemon::CycleResult cycle(TimePoint when) {
        env.clock.set(when);
        return env.run([&] { return runner->run_once(); });
    }
};

// "type[/resolved] key" of each event a cycle recorded, sorted.
inline std::vector<std::string> recorded(const daemon::CycleResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.recorded)
        out.push_back(e.type + (e.state == EventState::resolved ? "/resolved" : "") + " " + e.key);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ozw::test
