// send_with_short_retry: what `ozonwatch notify test` does with a rate limit.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "alerts/notifiers.hpp"
#include "alerts_test_util.hpp"

using namespace ozw;
using namespace ozw::alerts;
using namespace ozw::alerts::testing;
using namespace std::chrono_literals;

namespace {

struct Outcome {
    SendResult result;
    std::vector<Millis> waits;  // what on_wait was told
};

Outcome send(FakeNotifier& n, Millis max_wait) {
    boost::asio::io_context ioc;
    Outcome o;
    std::exception_ptr err;
    RenderedMessage m;
    m.text = "test";
    boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<void> {
            o.result = co_await send_with_short_retry(n, m, max_wait, [&](Millis w) { o.waits.push_back(w); });
        },
        [&](std::exception_ptr e) { err = e; });
    ioc.run();
    if (err) std::rethrow_exception(err);
    return o;
}

}  // namespace

TEST(ShortRetry, AShortRateLimitIsWaitedOutAndSentAgain) {
    FakeNotifier n("telegram:-100");
    n.script = {SendResult::after(0ms, "telegram: 429 Too Many Requests: retry after 0")};
    auto o = send(n, 30s);
    EXPECT_TRUE(o.result.ok()) << o.result.error;
    EXPECT_EQ(n.attempts.size(), 2u);
    EXPECT_EQ(n.sent.size(), 1u);
    EXPECT_EQ(o.waits, std::vector<Millis>{0ms});
}

TEST(ShortRetry, RetriesOnlyOnce) {
    FakeNotifier n("telegram:-100");
    n.script = {SendResult::after(0ms, "429 first"), SendResult::after(0ms, "429 second")};
    auto o = send(n, 30s);
    EXPECT_EQ(o.result.kind, SendResult::Kind::retry_after);
    EXPECT_EQ(o.result.error, "429 second");
    EXPECT_EQ(n.attempts.size(), 2u);
    EXPECT_TRUE(n.sent.empty());
}

TEST(ShortRetry, ALongerWaitComesBackWithoutWaiting) {
    FakeNotifier n("telegram:-100");
    n.script = {SendResult::after(31s, "telegram: 429 Too Many Requests: retry after 31")};
    auto o = send(n, 30s);
    EXPECT_EQ(o.result.kind, SendResult::Kind::retry_after);
    EXPECT_EQ(o.result.retry_after, 31s);
    EXPECT_EQ(n.attempts.size(), 1u);
    EXPECT_TRUE(o.waits.empty());
}

TEST(ShortRetry, TheLimitIsInclusiveAndOtherErrorsAreNotRetried) {
    FakeNotifier at_limit("a");
    at_limit.script = {SendResult::after(0ms, "429")};
    EXPECT_TRUE(send(at_limit, 0ms).result.ok());  // wait == max_wait: retried
    FakeNotifier over("b");
    over.script = {SendResult::after(1ms, "429")};
    EXPECT_EQ(send(over, 0ms).result.kind, SendResult::Kind::retry_after);
    EXPECT_EQ(over.attempts.size(), 1u);
    FakeNotifier backoff("c");
    backoff.script = {SendResult::backoff("timeout")};
    EXPECT_EQ(send(backoff, 30s).result.kind, SendResult::Kind::retry_backoff);
    EXPECT_EQ(backoff.attempts.size(), 1u);
    FakeNotifier fatal("d");
    fatal.script = {SendResult::fatal("chat not found")};
    EXPECT_EQ(send(fatal, 30s).result.kind, SendResult::Kind::permanent);
    EXPECT_EQ(fatal.attempts.size(), 1u);
}
