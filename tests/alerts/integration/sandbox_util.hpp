#pragma once
// Helpers of the alerts integration tests that use the sandbox's Telegram Bot API, and the
// tests' own event types (../test_event_types.hpp: register_test_types()).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>

#include "alerts/notifier.hpp"
#include "common/time.hpp"
#include "../test_event_types.hpp"
#include "sandbox/sandbox.hpp"

namespace ozw::alerts::testing {

inline constexpr const char* kToken = "123456:TEST-token-value-AAAA";

// A sandbox whose bot knows: -1001 (ok), -1002 (blocked), -1003 (migrated to -1004), -1004.
inline std::unique_ptr<sandbox::Sandbox> start_sandbox() {
    sandbox::Scenario sc;
    sc.name = "alerts";
    sc.start = *parse_iso8601("2026-11-26T06:00:00Z");
    sandbox::TelegramBot bot;
    bot.token = kToken;
    bot.chats.push_back({"-1001", false, std::nullopt});
    bot.chats.push_back({"-1002", true, std::nullopt});
    bot.chats.push_back({"-1003", false, -1004});
    bot.chats.push_back({"-1004", false, std::nullopt});
    sc.telegram.push_back(bot);
    auto sb = std::make_unique<sandbox::Sandbox>(sc);
    sb->start("127.0.0.1:0");
    return sb;
}

inline SendResult send_sync(boost::asio::io_context& ioc, Notifier& n, const RenderedMessage& m) {
    SendResult r;
    std::exception_ptr err;
    boost::asio::co_spawn(ioc, [&]() -> boost::asio::awaitable<void> { r = co_await n.send(m); },
                          [&](std::exception_ptr e) { err = e; });
    ioc.restart();
    ioc.run();
    if (err) std::rethrow_exception(err);
    return r;
}

}  // namespace ozw::alerts::testing
