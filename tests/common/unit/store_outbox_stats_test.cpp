// Store::outbox_stats() (the /metrics outbox gauges): pending rows per channel and since when
// the longest-waiting one has been due; a row held back (quiet hours) counts from its release,
// a row already tried from its creation; sent and failed rows are not pending.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "common/store.hpp"

namespace fs = std::filesystem;
using namespace ozw;
using namespace std::chrono_literals;

namespace {

struct TempDb {
    fs::path dir;
    TempDb() {
        std::string t = (fs::temp_directory_path() / "ozw-outbox-stats-XXXXXX").string();
        dir = ::mkdtemp(t.data());
    }
    ~TempDb() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string path() const { return (dir / "ozonwatch.db").string(); }
};

TimePoint at(long long seconds) { return TimePoint{Millis{seconds * 1000}}; }

Event posting_new(const std::string& key) {
    Event e;
    e.type = "posting.new";
    e.key = key;
    e.account = "main";
    e.kind = EventKind::transition;
    return e;
}

// Records one transition routed to `targets` at `now`.
void record(Store& s, const std::string& key, std::vector<OutboxTarget> targets, TimePoint now) {
    ApplyBatch b;
    b.now = now;
    b.transitions.push_back(posting_new(key));
    s.apply(b, [targets](const Event&) { return targets; });
}

}  // namespace

TEST(StoreOutboxStats, PendingRowsPerChannelAndTheLongestWaiting) {
    TempDb db;
    Store s(db.path());
    EXPECT_TRUE(s.outbox_stats().empty());

    record(s, "a", {{"event_log", {}}, {"telegram:1", {}}}, at(1000));
    record(s, "b", {{"event_log", {}}, {"telegram:1", at(5000)}}, at(2000));  // telegram held until 5000
    record(s, "c", {{"email", at(9000)}}, at(3000));                         // held, not due yet

    auto stats = s.outbox_stats();
    ASSERT_EQ(stats.size(), 3u);  // by channel name
    EXPECT_EQ(stats[0].channel, "email");
    EXPECT_EQ(stats[0].pending, 1);
    EXPECT_EQ(stats[0].oldest_waiting_since, at(9000));  // in the future: age 0 for now
    EXPECT_EQ(stats[1].channel, "event_log");
    EXPECT_EQ(stats[1].pending, 2);
    EXPECT_EQ(stats[1].oldest_waiting_since, at(1000));
    EXPECT_EQ(stats[2].channel, "telegram:1");
    EXPECT_EQ(stats[2].pending, 2);
    EXPECT_EQ(stats[2].oldest_waiting_since, at(1000));

    // The event log delivers its first row; a telegram row fails once and waits for a retry:
    // an attempted row counts from its creation, not from its next attempt.
    std::vector<long long> log_ids, tg_ids;
    for (const auto& r : s.pending_outbox("event_log")) log_ids.push_back(r.id);
    for (const auto& r : s.pending_outbox("telegram:1")) tg_ids.push_back(r.id);
    ASSERT_EQ(log_ids.size(), 2u);
    ASSERT_EQ(tg_ids.size(), 2u);
    s.mark_sent({log_ids[0]}, at(1001));
    s.mark_sent({tg_ids[0]}, at(1001));
    s.mark_retry({tg_ids[1]}, at(8000), "HTTP 502");
    stats = s.outbox_stats();
    ASSERT_EQ(stats.size(), 3u);
    EXPECT_EQ(stats[1].pending, 1);
    EXPECT_EQ(stats[1].oldest_waiting_since, at(2000));
    EXPECT_EQ(stats[2].pending, 1);
    EXPECT_EQ(stats[2].oldest_waiting_since, at(2000));  // created at 2000 (held until 5000, then tried)

    // Failed and sent rows are gone from the stats; a channel with none pending is absent.
    s.mark_failed({tg_ids[1]}, "gave up", at(9000));
    s.mark_sent({log_ids[1]}, at(9000));
    stats = s.outbox_stats();
    ASSERT_EQ(stats.size(), 1u);
    EXPECT_EQ(stats[0].channel, "email");
}
