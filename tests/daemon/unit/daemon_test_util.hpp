#pragma once
// Shared by the daemon's unit tests: a real Store in a temporary folder, a ManualClock and an
// io_context to run one coroutine to completion.
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

}  // namespace ozw::test
