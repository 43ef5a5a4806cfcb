#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "common/store.hpp"

namespace fs = std::filesystem;
using namespace ozw;
using namespace std::chrono_literals;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("ozw-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    static int& counter() { static int c = 0; return c; }
    std::string db() const { return (path / "ozonwatch.db").string(); }
};

TimePoint at(long long seconds) { return TimePoint{Millis{seconds * 1000}}; }

Event transition(std::string key, std::string type = "posting.new") {
    Event e;
    e.type = std::move(type);
    e.key = std::move(key);
    e.account = "main";
    e.kind = EventKind::transition;
    e.details = {{"posting_number", "1-1"}};
    return e;
}

Event condition(std::string key, Severity s = Severity::critical) {
    Event e;
    e.type = "posting.arbitration";
    e.key = std::move(key);
    e.account = "main";
    e.kind = EventKind::condition;
    e.severity = s;
    return e;
}

Router to_channels(std::vector<std::string> channels) {
    return [channels](const Event&) {
        std::vector<OutboxTarget> t;
        for (auto& c : channels) t.push_back({c, {}});
        return t;
    };
}

std::size_t count_rows(const std::string& db, const char* table) {
    SQLite::Database d(db);
    return static_cast<std::size_t>(
        d.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64());
}

}  // namespace

TEST(Store, CreatesSchemaFromEmptyDatabaseInWalMode) {
    TempDir dir;
    Store store(dir.db());
    EXPECT_EQ(store.schema_version(), kSchemaVersion);
    SQLite::Database d(dir.db());
    EXPECT_EQ(d.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(Store, ReopeningKeepsDataAndVersion) {
    TempDir dir;
    {
        Store store(dir.db());
        ApplyBatch b;
        b.now = at(100);
        b.snapshots.push_back({"main", "postings", {{"1-1", "fp", "{}"}}, {}, false, {}});
        store.apply(b, {});
    }
    Store again(dir.db());
    EXPECT_EQ(again.load_snapshot("main", "postings").size(), 1u);
}

TEST(Store, RefusesDatabaseFromNewerVersionWithoutTouchingIt) {
    TempDir dir;
    { Store store(dir.db()); }
    {
        SQLite::Database d(dir.db(), SQLite::OPEN_READWRITE);
        d.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion + 5));
    }
    try {
        Store store(dir.db());
        FAIL() << "a newer schema must be refused";
    } catch (const StoreUnusable& e) {  // `run` exits 73 on it: a restart cannot mend a downgrade
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos);
    } catch (const StoreError& e) {
        FAIL() << "refused as a passing store error (run would exit 70 and be restarted): " << e.what();
    }
    SQLite::Database d(dir.db());
    EXPECT_EQ(d.execAndGet("PRAGMA user_version").getInt(), kSchemaVersion + 5);
}

TEST(Store, RefusesCorruptFileWithRecoveryHint) {
    TempDir dir;
    {
        std::ofstream f(dir.db(), std::ios::binary);
        f << std::string(8192, 'x');
    }
    try {
        Store store(dir.db());
        FAIL() << "a corrupt file must be refused";
    } catch (const StoreUnusable& e) {  // a restart cannot help: the service must not loop
        EXPECT_NE(std::string(e.what()).find("move"), std::string::npos) << e.what();
    }
    EXPECT_EQ(fs::file_size(dir.db()), 8192u) << "the corrupt file must be left as it was";
}

TEST(Store, ApplyWritesSnapshotEventsAndOutboxTogether) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(1000);
    b.snapshots.push_back({"main", "postings", {{"1-1", "awaiting_packaging", R"({"s":1})"}}, {},
                           false, {{"last_success", "2026-11-26T07:00:00Z"}}});
    b.transitions.push_back(transition("posting.new:1-1"));
    auto r = store.apply(b, to_channels({"telegram:1", "email"}));
    ASSERT_EQ(r.recorded.size(), 1u);
    EXPECT_EQ(r.outbox_rows, 2);
    EXPECT_FALSE(r.recorded[0].id.empty());
    EXPECT_EQ(store.cursor("main", "postings", "last_success"), "2026-11-26T07:00:00Z");
    EXPECT_TRUE(store.has_snapshot("main", "postings"));
    auto pending = store.pending_outbox();
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].event.key, "posting.new:1-1");
    EXPECT_EQ(pending[0].event.details["posting_number"], "1-1");
}

TEST(Store, EventsSinceWithALimitKeepsTheNewestOldestFirst) {
    TempDir dir;
    Store store(dir.db());
    for (int i = 1; i <= 5; ++i) {
        ApplyBatch b;
        b.now = at(1000 * i);
        b.transitions.push_back(transition("posting.new:" + std::to_string(i) + "-1"));
        store.apply(b, to_channels({}));
    }
    auto last = store.events_since(at(0), 3);
    ASSERT_EQ(last.size(), 3u);
    EXPECT_EQ(last[0].key, "posting.new:3-1");
    EXPECT_EQ(last[1].key, "posting.new:4-1");
    EXPECT_EQ(last[2].key, "posting.new:5-1");
    EXPECT_EQ(store.events_since(at(0)).size(), 5u);
}

TEST(Store, FailureHalfwayThroughApplyLeavesNoTrace) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(1000);
    b.snapshots.push_back({"main", "postings",
                           {{"1-1", "a", "{}"}, {"1-2", "b", "{}"}}, {}, false, {}});
    b.transitions.push_back(transition("posting.new:1-1"));
    b.transitions.push_back(transition("posting.new:1-2"));
    // Fail at every write step in turn (snapshot rows, cursors, events, outbox rows) until
    // the batch finally fits: 2 snapshot rows + 1 cursor + 2 events + 2 outbox rows = 7 steps.
    int fail_after = 0;
    for (;; ++fail_after) {
        store.set_fail_after_for_tests(fail_after);
        try {
            store.apply(b, to_channels({"telegram:1"}));
            break;
        } catch (const StoreError&) {
        }
        EXPECT_EQ(count_rows(dir.db(), "snapshots"), 0u) << fail_after;
        EXPECT_EQ(count_rows(dir.db(), "events"), 0u) << fail_after;
        EXPECT_EQ(count_rows(dir.db(), "outbox"), 0u) << fail_after;
        EXPECT_EQ(count_rows(dir.db(), "cursors"), 0u) << fail_after;
    }
    EXPECT_EQ(fail_after, 7) << "every write step must have been interrupted once";
    EXPECT_EQ(count_rows(dir.db(), "events"), 2u);
    EXPECT_EQ(count_rows(dir.db(), "outbox"), 2u);
}

TEST(Store, TransitionWithKnownKeyIsNotRecordedTwice) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(10);
    b.transitions.push_back(transition("posting.status_changed:1-1:delivering"));
    EXPECT_EQ(store.apply(b, to_channels({"log"})).recorded.size(), 1u);
    b.now = at(20);
    auto again = store.apply(b, to_channels({"log"}));
    EXPECT_TRUE(again.recorded.empty());
    EXPECT_EQ(again.outbox_rows, 0);
    EXPECT_EQ(store.pending_outbox().size(), 1u);
}

TEST(Store, ReplaceAllDeletesItemsMissingFromFullSnapshotAndKeepsFirstSeen) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(10);
    b.snapshots.push_back({"main", "stocks", {{"a", "1", "{}"}, {"b", "1", "{}"}}, {}, true, {}});
    store.apply(b, {});
    b.now = at(20);
    b.snapshots[0].upserts = {{"a", "2", "{}"}};
    store.apply(b, {});
    auto snap = store.load_snapshot("main", "stocks");
    ASSERT_EQ(snap.size(), 1u);
    EXPECT_EQ(snap["a"].fingerprint, "2");
    EXPECT_EQ(snap["a"].first_seen, at(10));
    EXPECT_EQ(snap["a"].last_seen, at(20));
}

TEST(Store, ARowFilterSeesEveryRowsHeadAndOnlyTheRowsItAcceptsAreHandedOver) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(10);
    b.snapshots.push_back({"main", "postings", {{"1-1", "f1", R"({"n":1})"}, {"2-2", "f2", R"({"n":2})"}}, {}, true, {}});
    b.snapshots.push_back({"other", "postings", {{"9-9", "f9", "{}"}}, {}, true, {}});
    store.apply(b, {});
    b.now = at(20);
    b.snapshots = {{"main", "postings", {{"3-3", "f3", R"({"n":3})"}}, {}, false, {}}};
    store.apply(b, {});

    std::vector<std::tuple<std::string, std::string, TimePoint>> seen;
    const auto rows = store.load_snapshot("main", "postings", [&](const SnapshotRowHead& row) {
        seen.emplace_back(std::string(row.key), std::string(row.fingerprint), row.last_seen);
        return row.key != "2-2";
    });
    const std::vector<std::tuple<std::string, std::string, TimePoint>> expected_seen = {
        {"1-1", "f1", at(10)}, {"2-2", "f2", at(10)}, {"3-3", "f3", at(20)}};
    EXPECT_EQ(seen, expected_seen);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows.at("1-1").data, R"({"n":1})");
    EXPECT_EQ(rows.at("1-1").first_seen, at(10));
    EXPECT_EQ(rows.at("3-3").data, R"({"n":3})");
    EXPECT_EQ(rows.at("3-3").fingerprint, "f3");
    EXPECT_EQ(rows.at("3-3").last_seen, at(20));
    EXPECT_FALSE(rows.contains("2-2"));
    EXPECT_TRUE(store.load_snapshot("main", "postings", [](const SnapshotRowHead&) { return false; }).empty());
}

// Writes snapshot deltas in one apply at `seconds`.
void write_snapshots(Store& store, long long seconds, std::vector<SnapshotDelta> deltas) {
    ApplyBatch b;
    b.now = at(seconds);
    b.snapshots = std::move(deltas);
    store.apply(b, {});
}

TEST(Store, SnapshotIndexMapsOneJsonFieldToAnotherForOneAccountAndWatchOnly) {
    TempDir dir;
    Store store(dir.db());
    write_snapshots(store, 10,
                    {{"main", "stocks",
                      {{"A-1", "f", R"({"offer_id":"A-1","sku":101})"},
                       {"B-2", "f", R"({"offer_id":"B-2","sku":202,"present":3})"},
                       {"group:suspicious", "f", R"({"kind":"suspicious","entries":[]})"},  // no sku
                       {"C-3", "f", R"({"offer_id":"C-3","sku":null})"},
                       {"D-4", "f", R"({"offer_id":"D-4","sku":)"}},  // damaged: left out, not fatal
                      {}, true, {}},
                     {"other", "stocks", {{"E-5", "f", R"({"offer_id":"E-5","sku":505})"}}, {}, true, {}},
                     {"main", "postings", {{"1-1", "f", R"({"offer_id":"X","sku":909})"}}, {}, true, {}}});
    const auto index = store.snapshot_index("main", "stocks", "sku", "offer_id");
    const std::unordered_map<std::string, std::string> expected = {{"101", "A-1"}, {"202", "B-2"}};
    EXPECT_EQ(index, expected);
    EXPECT_TRUE(store.snapshot_index("main", "returns", "sku", "offer_id").empty());
    // Only the keys asked for: 20 is inside 202's text and matches no row; 505 is another
    // account's; 909 is another watch's.
    const std::unordered_map<std::string, std::string> only_202 = {{"202", "B-2"}};
    EXPECT_EQ(store.snapshot_index("main", "stocks", "sku", "offer_id", {202, 20, 505, 909}), only_202);
    EXPECT_TRUE(store.snapshot_index("main", "stocks", "sku", "offer_id", {20}).empty());
    const std::unordered_map<std::string, std::string> both = {{"101", "A-1"}, {"202", "B-2"}};
    EXPECT_EQ(store.snapshot_index("main", "stocks", "sku", "offer_id", {101, 202}), both);
}

// The names of the snapshots table's indexes, read through a connection of the test's own.
std::vector<std::string> snapshot_indexes(const std::string& db) {
    sqlite3* h = nullptr;
    std::vector<std::string> names;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* q = nullptr;
        sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='snapshots' "
                              "AND sql IS NOT NULL ORDER BY name", -1, &q, nullptr);
        while (q && sqlite3_step(q) == SQLITE_ROW)
            names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
        sqlite3_finalize(q);
    }
    sqlite3_close(h);
    return names;
}

TEST(Store, SnapshotIndexLooksKeysUpInAFieldIndexThatLaterWritesAndRemovalsKeepCurrent) {
    TempDir dir;
    Store store(dir.db());
    write_snapshots(store, 10,
                    {{"main", "stocks",
                      {{"A-1", "f", R"({"offer_id":"A-1","sku":101})"},
                       {"B-2", "f", R"({"offer_id":"B-2","sku":202})"},
                       {"D-4", "f", R"({"offer_id":"D-4","sku":)"}},  // damaged
                      {}, true, {}},
                     {"other", "stocks", {{"E-5", "f", R"({"offer_id":"E-5","sku":505})"}}, {}, true, {}}});
    EXPECT_TRUE(snapshot_indexes(dir.db()).empty());
    // A lookup of every row makes no index; a lookup by key makes one, once.
    EXPECT_EQ(store.snapshot_index("main", "stocks", "sku", "offer_id").size(), 2u);
    EXPECT_TRUE(snapshot_indexes(dir.db()).empty());
    const std::unordered_map<std::string, std::string> a1 = {{"101", "A-1"}};
    EXPECT_EQ(store.snapshot_index("main", "stocks", "sku", "offer_id", {101, 505, 20}), a1);
    const std::vector<std::string> made = {"snapshots_stocks_sku"};
    EXPECT_EQ(snapshot_indexes(dir.db()), made);

    // Later writes: a new row, a row whose key field changed, the damaged row removed (its
    // index entry must not fail the delete), a row of another watch with the same field.
    write_snapshots(store, 20,
                    {{"main", "stocks",
                      {{"A-1", "f2", R"({"offer_id":"A-1","sku":111})"}, {"F-6", "f", R"({"offer_id":"F-6","sku":606})"}},
                      {"D-4"}, false, {}},
                     {"main", "returns", {{"R-1", "f", R"({"offer_id":"R-1","sku":707})"}}, {}, true, {}}});
    const std::unordered_map<std::string, std::string> now = {{"111", "A-1"}, {"202", "B-2"}, {"606", "F-6"}};
    EXPECT_EQ(store.snapshot_index("main", "stocks", "sku", "offer_id", {101, 111, 202, 606, 707}), now);
    EXPECT_EQ(store.load_snapshot("main", "stocks").size(), 3u);  // D-4 is gone

    // The index is in the file: another store on it finds it and answers the same.
    Store reopened(dir.db());
    EXPECT_EQ(reopened.snapshot_index("main", "stocks", "sku", "offer_id", {101, 111, 202, 606, 707}), now);
    EXPECT_EQ(snapshot_indexes(dir.db()), made);
}

TEST(Store, SnapshotIndexWithNamesThatCannotStandInSqlScansTheRowsInstead) {
    TempDir dir;
    Store store(dir.db());
    write_snapshots(store, 10, {{"main", "stocks-2", {{"A-1", "f", R"({"offer_id":"A-1","sku-id":101})"}}, {}, true, {}}});
    const std::unordered_map<std::string, std::string> a1 = {{"101", "A-1"}};
    EXPECT_EQ(store.snapshot_index("main", "stocks-2", "sku-id", "offer_id", {101, 102}), a1);
    EXPECT_TRUE(snapshot_indexes(dir.db()).empty());
}

TEST(Store, ConditionFiresOnceThenResolvesWhenItStopsHolding) {
    TempDir dir;
    Store store(dir.db());
    auto poll = [&](long long t, std::vector<Event> holding) {
        ApplyBatch b;
        b.now = at(t);
        b.conditions.push_back({"main", "postings", std::move(holding)});
        return store.apply(b, to_channels({"telegram:1"})).recorded;
    };
    auto first = poll(10, {condition("posting.arbitration:1-1")});
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].state, EventState::firing);
    EXPECT_TRUE(poll(20, {condition("posting.arbitration:1-1")}).empty()) << "no flapping";
    EXPECT_EQ(store.active_conditions("main", "postings").size(), 1u);
    auto cleared = poll(30, {});
    ASSERT_EQ(cleared.size(), 1u);
    EXPECT_EQ(cleared[0].state, EventState::resolved);
    EXPECT_EQ(cleared[0].key, "posting.arbitration:1-1");
    EXPECT_TRUE(store.active_conditions().empty());
    auto again = poll(40, {condition("posting.arbitration:1-1")});
    ASSERT_EQ(again.size(), 1u) << "a condition that returns fires again";
    EXPECT_EQ(again[0].state, EventState::firing);
    EXPECT_EQ(store.pending_outbox().size(), 3u);
}

TEST(Store, ConditionEscalationFiresAgainAndStillHoldingUpdatesDetails) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(10);
    auto w = condition("return.request_pending:7", Severity::warning);
    w.details = {{"hours_left", 20}};
    b.conditions.push_back({"main", "returns", {w}});
    ASSERT_EQ(store.apply(b, {}).recorded.size(), 1u);
    w.details = {{"hours_left", 10}};
    b.conditions[0].holding = {w};
    b.now = at(20);
    EXPECT_TRUE(store.apply(b, {}).recorded.empty());
    auto active = store.active_conditions();
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].event.details["hours_left"], 10);
    auto c = w;
    c.severity = Severity::critical;
    b.conditions[0].holding = {c};
    b.now = at(30);
    auto r = store.apply(b, {});
    ASSERT_EQ(r.recorded.size(), 1u);
    EXPECT_EQ(r.recorded[0].severity, Severity::critical);
}

TEST(Store, ConditionScopesAreIndependent) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(10);
    b.conditions.push_back({"main", "postings", {condition("posting.arbitration:1")}});
    b.conditions.push_back({"main", "source:postings", {condition("source.unavailable:postings")}});
    EXPECT_EQ(store.apply(b, {}).recorded.size(), 2u);
    ApplyBatch only_postings;
    only_postings.now = at(20);
    only_postings.conditions.push_back({"main", "postings", {condition("posting.arbitration:1")}});
    EXPECT_TRUE(store.apply(only_postings, {}).recorded.empty())
        << "a scope not in the batch is not resolved";
}

TEST(Store, OutboxLifecycleSentRetryFailed) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(100);
    b.transitions = {transition("k1"), transition("k2"), transition("k3")};
    store.apply(b, [](const Event& e) {
        return std::vector<OutboxTarget>{{"telegram:1", e.key == "k3" ? at(500) : TimePoint{}}};
    });
    auto due = store.due_outbox("telegram:1", at(100));
    ASSERT_EQ(due.size(), 2u) << "k3 waits for its not_before";
    store.mark_sent({due[0].id}, at(101));
    store.mark_retry({due[1].id}, at(200), "429");
    EXPECT_TRUE(store.due_outbox("telegram:1", at(150)).empty());
    auto later = store.due_outbox("telegram:1", at(500));
    ASSERT_EQ(later.size(), 2u);
    EXPECT_EQ(later[0].attempts, 1);
    EXPECT_EQ(later[0].last_error, "429");
    store.mark_failed({later[0].id}, "blocked", at(501));
    store.mark_sent({due[0].id}, at(600));  // marking twice is harmless
    EXPECT_EQ(store.outbox_rows(OutboxStatus::sent).size(), 1u);
    EXPECT_EQ(store.outbox_rows(OutboxStatus::failed).size(), 1u);
    EXPECT_EQ(store.channels_with_pending(), std::vector<std::string>{"telegram:1"});
}

TEST(Store, SilencesExpireByThemselves) {
    TempDir dir;
    Store store(dir.db());
    auto id = store.add_silence("posting.*", at(1000), "отпуск", at(0));
    EXPECT_EQ(store.silences(at(999)).size(), 1u);
    EXPECT_TRUE(store.silences(at(1000)).empty());
    EXPECT_EQ(store.silences(at(1000), true).size(), 1u);
    auto s = store.silences(at(1))[0];
    EXPECT_TRUE(s.matches(transition("x", "posting.new")));
    EXPECT_FALSE(s.matches(transition("x", "return.new")));
    EXPECT_TRUE(store.remove_silence(id));
    EXPECT_FALSE(store.remove_silence(id));
}

TEST(DiffConditions, IsPureNewResolvedAndEscalated) {
    ActiveCondition a;
    a.key = "k-old";
    a.event = condition("k-old", Severity::warning);
    ActiveCondition b;
    b.key = "k-keep";
    b.event = condition("k-keep", Severity::warning);
    auto out = diff_conditions({a, b}, {condition("k-keep", Severity::warning), condition("k-new")}, at(5));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].key, "k-new");
    EXPECT_EQ(out[0].state, EventState::firing);
    EXPECT_EQ(out[1].key, "k-old");
    EXPECT_EQ(out[1].state, EventState::resolved);
    EXPECT_EQ(out[1].detected_at, at(5));
}

TEST(Store, FailedApplyDoesNotDesynchroniseTheConditionCache) {
    TempDir dir;
    Store store(dir.db());
    auto batch = [](long long t, std::vector<Event> holding) {
        ApplyBatch b;
        b.now = at(t);
        b.conditions.push_back({"main", "postings", std::move(holding)});
        return b;
    };
    ASSERT_EQ(store.apply(batch(10, {condition("posting.arbitration:1")}), {}).recorded.size(), 1u);
    // The resolution fails halfway: the condition must still count as firing afterwards.
    store.set_fail_after_for_tests(1);
    EXPECT_THROW(store.apply(batch(20, {}), {}), StoreError);
    store.set_fail_after_for_tests(-1);
    auto resolved = store.apply(batch(30, {}), {}).recorded;
    ASSERT_EQ(resolved.size(), 1u) << "the resolution is recorded once the write succeeds";
    EXPECT_EQ(resolved[0].state, EventState::resolved);
    // A new firing that fails halfway must fire again on the next successful poll.
    store.set_fail_after_for_tests(1);
    EXPECT_THROW(store.apply(batch(40, {condition("posting.arbitration:2")}), {}), StoreError);
    store.set_fail_after_for_tests(-1);
    auto fired = store.apply(batch(50, {condition("posting.arbitration:2")}), {}).recorded;
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].state, EventState::firing);
    // The file agrees with what this instance believes.
    Store reopened(dir.db());
    auto active = reopened.active_conditions("main", "postings");
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].key, "posting.arbitration:2");
}

TEST(DiffConditions, ATypeChangeAtTheSameOrAHigherSeverityIsAnEscalationStep) {
    ActiveCondition a;
    a.key = "posting.cutoff:1";
    a.event = condition("posting.cutoff:1", Severity::warning);
    a.event.type = "posting.cutoff_soon";
    auto missed = condition("posting.cutoff:1", Severity::warning);
    missed.type = "posting.cutoff_missed";
    auto out = diff_conditions({a}, {missed}, at(5));
    ASSERT_EQ(out.size(), 1u) << "soon -> missed (both warnings) fires again";
    EXPECT_EQ(out[0].type, "posting.cutoff_missed");
    EXPECT_EQ(out[0].state, EventState::firing);
    // the same type at the same severity: nothing; a lower severity of another type: nothing
    EXPECT_TRUE(diff_conditions({a}, {a.event}, at(5)).empty());
    ActiveCondition c = a;
    c.event.severity = Severity::critical;
    c.event.type = "posting.overdue";
    EXPECT_TRUE(diff_conditions({c}, {missed}, at(5)).empty());
    EXPECT_TRUE(escalates(missed, a.event));
    EXPECT_FALSE(escalates(missed, c.event));
}

TEST(Store, APartialConditionSetTouchesOnlyTheKeysItNames) {
    TempDir dir;
    Store store(dir.db());
    auto apply = [&](long long t, std::vector<Event> holding, std::vector<std::string> released,
                     bool partial) {
        ApplyBatch b;
        b.now = at(t);
        ConditionSet set{"main", "postings", std::move(holding)};
        set.partial = partial;
        set.released = std::move(released);
        b.conditions.push_back(std::move(set));
        return store.apply(b, {}).recorded;
    };
    ASSERT_EQ(apply(10, {condition("a"), condition("b"), condition("c")}, {}, false).size(), 3u);
    // partial: a new key fires; keys not named stay active; a released key resolves
    auto r = apply(20, {condition("d")}, {"b"}, true);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].key, "d");
    EXPECT_EQ(r[0].state, EventState::firing);
    EXPECT_EQ(r[1].key, "b");
    EXPECT_EQ(r[1].state, EventState::resolved);
    std::vector<std::string> active;
    for (const auto& c : store.active_conditions("main", "postings")) active.push_back(c.key);
    std::sort(active.begin(), active.end());
    EXPECT_EQ(active, (std::vector<std::string>{"a", "c", "d"}));
    // releasing a key that is not active, or naming one still held, changes nothing
    EXPECT_TRUE(apply(30, {condition("a")}, {"zzz"}, true).empty());
    // details of a held key are updated silently in a partial set too
    auto a2 = condition("a");
    a2.details = {{"days", 3}};
    EXPECT_TRUE(apply(40, {a2}, {}, true).empty());
    Store reopened(dir.db());
    for (const auto& c : reopened.active_conditions("main", "postings")) {
        if (c.key == "a") {
            EXPECT_EQ(c.event.details["days"], 3);
        }
    }
    // a full set still resolves everything it does not hold
    EXPECT_EQ(apply(50, {}, {}, false).size(), 3u);
    EXPECT_TRUE(store.active_conditions().empty());
}

TEST(Store, CursorsOfAWatchComeBackTogether) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(10);
    SnapshotDelta d;
    d.account = "main";
    d.watch = "postings";
    d.cursors = {{"last_success", "x"}, {"state_version", "2"}};
    b.snapshots.push_back(d);
    store.apply(b, {});
    auto c = store.cursors("main", "postings");
    EXPECT_EQ(c.at("last_success"), "x");
    EXPECT_EQ(c.at("state_version"), "2");
    EXPECT_EQ(c.count("baseline"), 1u);  // written by every apply of a snapshot
    EXPECT_TRUE(store.cursors("main", "returns").empty());
}

TEST(Store, ChangeListenersHearNewOutboxRowsConditionChangesAndSilences) {
    TempDir dir;
    Store store(dir.db());
    std::vector<unsigned> heard;
    std::vector<ConditionChange> conditions_heard;
    long long id = store.subscribe([&](const StoreChangeSet& c) {
        heard.push_back(c.bits);
        conditions_heard.insert(conditions_heard.end(), c.conditions.begin(), c.conditions.end());
    });

    ApplyBatch b;
    b.now = at(100);
    b.transitions = {transition("k1")};
    store.apply(b, to_channels({"telegram:1"}));
    ASSERT_EQ(heard.size(), 1u);
    EXPECT_EQ(heard.back(), unsigned(kOutboxAdded));

    ApplyBatch c;
    c.now = at(110);
    c.conditions.push_back({"main", "postings", {condition("c1")}});
    store.apply(c, to_channels({}));  // fired, routed nowhere: a condition change, no rows
    ASSERT_EQ(heard.size(), 2u);
    EXPECT_EQ(heard.back(), unsigned(kConditionsChanged));
    ASSERT_EQ(conditions_heard.size(), 1u);  // which one, with its repeat inputs
    EXPECT_EQ(conditions_heard[0].meta.account, "main");
    EXPECT_EQ(conditions_heard[0].meta.key, "c1");
    EXPECT_EQ(conditions_heard[0].meta.severity, condition("c1").severity);
    EXPECT_EQ(conditions_heard[0].meta.last_announced_at, at(110));
    EXPECT_FALSE(conditions_heard[0].resolved);

    c.now = at(120);
    c.conditions[0].holding[0].details = {{"days", 2}};  // still holding, new details: no change
    store.apply(c, to_channels({"telegram:1"}));
    EXPECT_EQ(heard.size(), 2u);

    ApplyBatch nothing;  // a poll that found nothing new
    nothing.now = at(130);
    store.apply(nothing, to_channels({"telegram:1"}));
    EXPECT_EQ(heard.size(), 2u);
    EXPECT_EQ(conditions_heard.size(), 1u);

    store.enqueue(1, {{"email", at(140)}}, "repeat", at(140));
    ASSERT_EQ(heard.size(), 3u);
    EXPECT_EQ(heard.back(), unsigned(kOutboxAdded));
    store.enqueue(1, {}, "repeat", at(141));  // no rows: nothing to hear
    EXPECT_EQ(heard.size(), 3u);

    auto sid = store.add_silence("posting.*", at(1000), "", at(150));
    ASSERT_EQ(heard.size(), 4u);
    EXPECT_EQ(heard.back(), unsigned(kSilencesChanged));
    EXPECT_TRUE(store.remove_silence(sid));
    EXPECT_EQ(heard.size(), 5u);

    store.unsubscribe(id);
    b.transitions = {transition("k2")};
    store.apply(b, to_channels({"telegram:1"}));
    EXPECT_EQ(heard.size(), 5u);
}

TEST(Store, ChangeListenersAreToldWhichConditionsFiredEscalatedAndResolved) {
    TempDir dir;
    Store store(dir.db());
    std::vector<ConditionChange> told;
    store.subscribe([&](const StoreChangeSet& c) {
        if (c.bits & kConditionsChanged) {
            EXPECT_FALSE(c.conditions.empty());
        }
        told.insert(told.end(), c.conditions.begin(), c.conditions.end());
    });
    ApplyBatch a;
    a.now = at(100);
    a.conditions.push_back({"main", "postings", {condition("c1", Severity::warning), condition("c2", Severity::warning)}});
    store.apply(a, to_channels({"telegram:1"}));
    ASSERT_EQ(told.size(), 2u);

    told.clear();
    ApplyBatch b;  // c1 ended, c2 rose to critical
    b.now = at(200);
    b.conditions.push_back({"main", "postings", {condition("c2", Severity::critical)}});
    store.apply(b, to_channels({"telegram:1"}));
    ASSERT_EQ(told.size(), 2u);
    std::map<std::string, ConditionChange> by_key;
    for (const auto& c : told) by_key[c.meta.key] = c;
    ASSERT_EQ(by_key.count("c1"), 1u);
    EXPECT_TRUE(by_key["c1"].resolved);
    ASSERT_EQ(by_key.count("c2"), 1u);
    EXPECT_FALSE(by_key["c2"].resolved);
    EXPECT_EQ(by_key["c2"].meta.severity, Severity::critical);
    EXPECT_EQ(by_key["c2"].meta.last_announced_at, at(200));
    // What the listener was told is what the table now says.
    auto schedule = store.condition_schedule();
    ASSERT_EQ(schedule.size(), 1u);
    EXPECT_EQ(schedule[0].key, "c2");
    EXPECT_EQ(schedule[0].severity, Severity::critical);
    EXPECT_EQ(schedule[0].last_announced_at, at(200));
}

TEST(Store, ChangedElsewhereSeesCommitsOfOtherConnectionsOnly) {
    TempDir dir;
    Store ours(dir.db());
    Store theirs(dir.db());  // as `ozonwatch silence` in another process would open it
    EXPECT_TRUE(ours.changed_elsewhere());  // the first look: nothing known yet
    EXPECT_FALSE(ours.changed_elsewhere());
    ours.add_silence("posting.*", at(1000), "", at(100));  // our own write: listeners hear it
    EXPECT_FALSE(ours.changed_elsewhere());
    theirs.add_silence("return.*", at(1000), "", at(100));
    EXPECT_TRUE(ours.changed_elsewhere());
    EXPECT_FALSE(ours.changed_elsewhere());
}

TEST(Store, ScheduleReadsCarryTimesAndSeverityWithoutBodies) {
    TempDir dir;
    Store store(dir.db());
    ApplyBatch b;
    b.now = at(100);
    b.transitions = {transition("k1"), transition("k2")};
    b.transitions[1].severity = Severity::critical;
    b.conditions.push_back({"main", "postings", {condition("c1", Severity::critical), condition("c2", Severity::warning)}});
    store.apply(b, [](const Event& e) {
        return std::vector<OutboxTarget>{{"telegram:1", e.key == "k1" ? at(300) : TimePoint{}}};
    });
    auto pending = store.pending_schedule("telegram:1");
    ASSERT_EQ(pending.size(), 4u);
    for (std::size_t i = 1; i < pending.size(); ++i)
        EXPECT_LE(pending[i - 1].next_attempt_at, pending[i].next_attempt_at);
    EXPECT_EQ(pending.back().next_attempt_at, at(300));  // k1 waits for its not_before
    EXPECT_FALSE(pending.back().critical);
    EXPECT_EQ(std::count_if(pending.begin(), pending.end(), [](const PendingMeta& m) { return m.critical; }), 2);
    EXPECT_EQ(pending.front().created_at, at(100));
    EXPECT_TRUE(store.pending_schedule("email").empty());

    auto conds = store.condition_schedule();
    ASSERT_EQ(conds.size(), 2u);
    std::sort(conds.begin(), conds.end(), [](auto& x, auto& y) { return x.key < y.key; });
    EXPECT_EQ(conds[0].key, "c1");
    EXPECT_EQ(conds[0].severity, Severity::critical);
    EXPECT_EQ(conds[1].severity, Severity::warning);
    EXPECT_EQ(conds[0].last_announced_at, at(100));
    store.mark_announced("main", "c1", at(200));
    conds = store.condition_schedule();
    std::sort(conds.begin(), conds.end(), [](auto& x, auto& y) { return x.key < y.key; });
    EXPECT_EQ(conds[0].last_announced_at, at(200));

    auto one = store.active_condition("main", "c2");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->event.key, "c2");
    EXPECT_EQ(one->event.severity, Severity::warning);
    EXPECT_EQ(one->scope, "postings");
    EXPECT_FALSE(store.active_condition("main", "nope"));
    EXPECT_FALSE(store.active_condition("other", "c2"));

    // The kept statements are reset between uses: the same query twice, and a checkpoint passes.
    EXPECT_EQ(store.pending_schedule("telegram:1").size(), 4u);
    EXPECT_EQ(store.due_outbox("telegram:1", at(100)).size(), 3u);
    EXPECT_EQ(store.due_outbox("telegram:1", at(300)).size(), 4u);
    SQLite::Database other(dir.db(), SQLite::OPEN_READWRITE);
    EXPECT_EQ(other.execAndGet("PRAGMA wal_checkpoint(TRUNCATE)").getInt(), 0);  // not busy
}

TEST(Store, ReadCounterCountsEveryRead) {
    TempDir dir;
    Store store(dir.db());
    long long r0 = store.reads_for_tests();
    store.due_outbox("telegram:1", at(1));
    store.pending_schedule("telegram:1");
    store.condition_schedule();
    store.active_conditions();
    store.silences(at(1));
    EXPECT_EQ(store.reads_for_tests(), r0 + 5);
}

// Rows made one at a time (SnapshotDelta::more_upserts) are written like listed ones, counted,
// and count as present for replace_all: a row neither listed nor made is deleted.
TEST(Store, RowsMadeOneAtATimeAreWrittenAndKeptByReplaceAll) {
    TempDir dir;
    Store store(dir.db());
    {
        ApplyBatch b;
        b.now = at(100);
        b.snapshots.push_back({"main", "postings", {{"old", "fp", "{}"}, {"1-1", "fp", "{}"}}, {}, false, {}});
        store.apply(b, {});
    }
    ApplyBatch b;
    b.now = at(200);
    SnapshotDelta d{"main", "postings", {{"1-1", "fp2", R"({"listed":1})"}}, {}, true, {}};
    int made = 0;
    d.more_upserts = [&made](SnapshotItem& row) {
        if (made == 3) return false;
        ++made;
        row = SnapshotItem{"gen-" + std::to_string(made), "fp", R"({"made":)" + std::to_string(made) + "}", {}, {}};
        return true;
    };
    b.snapshots.push_back(std::move(d));
    const ApplyResult r = store.apply(b, {});
    EXPECT_EQ(made, 3);
    EXPECT_EQ(r.snapshot_rows, 5u);  // 1 listed + 3 made upserted, "old" deleted
    const auto rows = store.load_snapshot("main", "postings");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_FALSE(rows.count("old"));
    EXPECT_EQ(rows.at("1-1").data, R"({"listed":1})");
    EXPECT_EQ(rows.at("gen-2").data, R"({"made":2})");
    EXPECT_EQ(rows.at("1-1").first_seen, at(100));  // an upsert keeps first_seen
}

namespace {

// What a reader of the file sees: every field the dispatcher uses, the event as JSON.
std::vector<std::string> describe(const std::vector<OutboxRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows)
        out.push_back(std::to_string(r.id) + " " + std::to_string(r.event_id) + " " + r.channel + " " +
                      r.reason + " " + to_string(r.status) + " " + std::to_string(r.attempts) + " " +
                      std::to_string(r.created_at.time_since_epoch().count()) + " " +
                      std::to_string(r.next_attempt_at.time_since_epoch().count()) + " " + r.last_error +
                      " " + to_json(r.event).dump());
    return out;
}

// The same rows as a freshly opened Store (which has only the file to go by) reads them.
void expect_same_as_the_file(Store& store, const std::string& db, const std::string& channel, TimePoint now) {
    Store fresh(db);
    EXPECT_EQ(describe(store.due_outbox(channel, now)), describe(fresh.due_outbox(channel, now))) << channel;
    auto a = store.pending_schedule(channel), b = fresh.pending_schedule(channel);
    ASSERT_EQ(a.size(), b.size()) << channel;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].next_attempt_at, b[i].next_attempt_at);
        EXPECT_EQ(a[i].created_at, b[i].created_at);
        EXPECT_EQ(a[i].critical, b[i].critical);
    }
}

}  // namespace

TEST(Store, PendingRowsKeptInMemoryAreTheRowsOfTheFileThroughTheirLifecycle) {
    TempDir dir;
    Store store(dir.db());
    EXPECT_TRUE(store.due_outbox("telegram:1", at(0)).empty());  // the mirror is loaded (empty)

    ApplyBatch b;
    b.now = at(100);
    Event t = transition("k1");
    t.details = {{"posting_number", "1-1"}, {"sum", 12.5}, {"items", {{{"sku", 7}}}}, {"note", nullptr}};
    b.transitions = {t, transition("k2")};
    b.conditions.push_back({"main", "postings", {condition("c1"), condition("c2", Severity::warning)}});
    store.apply(b, to_channels({"telegram:1", "email"}));
    Event notice = transition("n1", "notify.delivery_failed");
    notice.details = nlohmann::json::array({1, 2});  // not an object: read back as {}
    store.record_notice(notice, {{"email", at(150)}}, at(100));
    for (const char* ch : {"telegram:1", "email"}) {
        expect_same_as_the_file(store, dir.db(), ch, at(100));
        expect_same_as_the_file(store, dir.db(), ch, at(200));
    }
    ASSERT_EQ(store.due_outbox("telegram:1", at(100)).size(), 4u);
    EXPECT_EQ(store.due_outbox("email", at(100)).size(), 4u);  // the notice waits until 150

    auto rows = store.due_outbox("telegram:1", at(100));
    store.mark_sent({rows[0].id}, at(110));
    store.mark_retry({rows[1].id, rows[2].id}, at(400), "429 Too Many Requests");
    store.mark_failed({rows[3].id}, "403 Forbidden", at(110));
    store.enqueue(rows[0].event_id, {{"telegram:1", at(120)}}, "repeat", at(120));
    for (const char* ch : {"telegram:1", "email"})
        for (long long s : {100, 130, 400}) expect_same_as_the_file(store, dir.db(), ch, at(s));
    auto later = store.due_outbox("telegram:1", at(400));
    ASSERT_EQ(later.size(), 3u);
    EXPECT_EQ(later[0].attempts, 1);
    EXPECT_EQ(later[0].last_error, "429 Too Many Requests");
    EXPECT_EQ(later[2].reason, "repeat");
}

TEST(Store, PendingRowsWrittenOrSentByAnotherConnectionAreSeen) {
    TempDir dir;
    Store ours(dir.db());
    Store theirs(dir.db());
    ApplyBatch b;
    b.now = at(100);
    b.transitions = {transition("k1")};
    ours.apply(b, to_channels({"telegram:1"}));
    ASSERT_EQ(ours.due_outbox("telegram:1", at(100)).size(), 1u);

    b.transitions = {transition("k2")};
    theirs.apply(b, to_channels({"telegram:1"}));
    auto rows = ours.due_outbox("telegram:1", at(100));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].event.key, "k2");

    theirs.mark_sent({rows[0].id}, at(110));
    rows = ours.due_outbox("telegram:1", at(110));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].event.key, "k2");
    EXPECT_EQ(ours.pending_schedule("telegram:1").size(), 1u);
}

TEST(Store, AFailedApplyLeavesNoPendingRowInMemory) {
    TempDir dir;
    Store store(dir.db());
    EXPECT_TRUE(store.due_outbox("telegram:1", at(0)).empty());
    ApplyBatch b;
    b.now = at(100);
    b.transitions = {transition("k1"), transition("k2")};
    store.set_fail_after_for_tests(3);
    EXPECT_ANY_THROW(store.apply(b, to_channels({"telegram:1"})));
    store.set_fail_after_for_tests(-1);
    EXPECT_TRUE(store.due_outbox("telegram:1", at(100)).empty());
    b.transitions = {transition("k3")};
    store.apply(b, to_channels({"telegram:1"}));
    auto rows = store.due_outbox("telegram:1", at(100));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].event.key, "k3");
}

TEST(Store, ANewDatabaseAndItsFolderAreTheOwnersAloneWhateverTheUmask) {
    TempDir dir;
    const mode_t old = ::umask(0);  // the most permissive umask
    const fs::path folder = dir.path / "state";
    const std::string db = (folder / "ozonwatch.db").string();
    {
        Store store(db);
        ApplyBatch b;
        b.now = at(100);
        b.transitions = {transition("k1")};
        store.apply(b, to_channels({"telegram:1"}));  // the -wal and -shm files exist now
        auto mode = [](const fs::path& p) { return fs::status(p).permissions() & fs::perms::all; };
        EXPECT_EQ(mode(folder), fs::perms::owner_all);
        EXPECT_EQ(mode(db), fs::perms::owner_read | fs::perms::owner_write);
        for (const char* suffix : {"-wal", "-shm"}) {
            if (fs::exists(db + suffix)) {
                EXPECT_EQ(mode(db + suffix), fs::perms::owner_read | fs::perms::owner_write) << suffix;
            }
        }
    }
    // An existing database keeps the mode its administrator gave it.
    fs::permissions(db, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    { Store again(db); }
    EXPECT_EQ(fs::status(db).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    ::umask(old);
}

// Root writes a 0444 file anyway (and CI runs as root): the open is tried in a child process
// that, as root, first becomes "nobody", for whom the file is as read-only as a mode or a
// read-only mount makes it for the service's user.
TEST(Store, AReadOnlyDatabaseIsReportedAsReadOnlyNotAsCorrupt) {
    TempDir dir;
    { Store store(dir.db()); }
    fs::permissions(dir.db(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const std::string path = dir.db();
    EXPECT_EXIT(
        {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(90);
            int rc = 2;  // opened: a read-only database must be refused at once
            try {
                Store store(path);
            } catch (const StoreUnusable& e) {
                const std::string what = e.what();
                std::fprintf(stderr, "%s\n", what.c_str());
                const bool says_read_only = what.find("cannot write") != std::string::npos &&
                                            what.find("do NOT move it aside") != std::string::npos;
                rc = says_read_only && what.find("corrupt") == std::string::npos ? 0 : 3;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "%s\n", e.what());
                rc = 4;
            }
            std::fflush(stderr);
            ::_exit(rc);
        },
        ::testing::ExitedWithCode(0), "cannot write the state database");
    fs::permissions(dir.db(), fs::perms::owner_read | fs::perms::owner_write);
}

TEST(Store, RetentionPrunesDeliveredHistoryButKeepsActiveConditionsAndPendingSends) {
    TempDir dir;
    Store store(dir.db());
    const long long day = 86400;
    auto apply = [&](long long t, std::vector<Event> transitions, std::vector<Event> holding) {
        ApplyBatch b;
        b.now = at(t);
        b.transitions = std::move(transitions);
        b.conditions.push_back({"main", "postings", std::move(holding)});
        return store.apply(b, to_channels({"telegram:1"})).recorded;
    };
    // Day 0: an old transition (delivered), a condition that resolves on day 1 (both delivered),
    // a condition that still holds at the end, and an old transition whose send is still pending.
    auto old_news = apply(0, {transition("posting.new:old")}, {condition("posting.arbitration:A"), condition("posting.arbitration:B")});
    ASSERT_EQ(old_news.size(), 3u);
    auto resolved = apply(day, {transition("posting.new:stuck")}, {condition("posting.arbitration:B")});
    ASSERT_EQ(resolved.size(), 2u);  // stuck's transition + A resolved
    std::vector<long long> delivered, stuck;
    for (const auto& row : store.pending_outbox())
        (row.event.key == "posting.new:stuck" ? stuck : delivered).push_back(row.id);
    store.mark_sent(delivered, at(day));
    // Day 100: new news.
    apply(100 * day, {transition("posting.new:recent")}, {condition("posting.arbitration:B")});
    store.add_silence("type=posting.new", at(2 * day), "old", at(0));
    store.add_silence("type=posting.cancelled", at(200 * day), "still on", at(0));
    ASSERT_EQ(count_rows(dir.db(), "events"), 6u);

    const auto r = store.prune(at(100 * day - 90 * day));  // retention 90 days on day 100
    // Gone: posting.new:old, A firing, A resolved (and their 3 delivered rows), the delivered
    // announcement of B (B's event stays: the condition still holds), the old silence.
    EXPECT_EQ(r.events, 3);
    EXPECT_EQ(r.outbox_rows, 4);
    EXPECT_EQ(r.silences, 1);
    std::vector<std::string> left;
    for (const auto& e : store.events_since(at(0))) left.push_back(e.key + "/" + to_string(e.state));
    EXPECT_EQ(left, (std::vector<std::string>{"posting.arbitration:B/firing", "posting.new:stuck/firing",
                                              "posting.new:recent/firing"}));
    ASSERT_EQ(store.active_conditions("main").size(), 1u);
    EXPECT_EQ(store.active_conditions("main")[0].event.key, "posting.arbitration:B");
    std::vector<std::string> pending;
    for (const auto& row : store.pending_outbox()) pending.push_back(row.event.key);
    EXPECT_EQ(pending, (std::vector<std::string>{"posting.new:stuck", "posting.new:recent"}));
    EXPECT_EQ(store.silences(at(100 * day)).size(), 1u);
    // Nothing more to prune: a second pass removes nothing.
    const auto again = store.prune(at(10 * day));
    EXPECT_EQ(again.events + again.outbox_rows + again.silences, 0);
}

TEST(Store, PushInboxRecordsOnceMarksProcessedAndRetentionKeepsUnprocessed) {
    TempDir dir;
    Store store(dir.db());
    const long long day = 86400;
    long long id1 = 0, id_dup = 0;
    EXPECT_TRUE(store.record_push("sha256:a", "main", "TYPE_NEW_POSTING", R"({"a":1})", at(0), &id1));
    // Ozon's retry of the same message: not written again, the first row's id given.
    EXPECT_FALSE(store.record_push("sha256:a", "main", "TYPE_NEW_POSTING", R"({"a":1})", at(60), &id_dup));
    EXPECT_EQ(id_dup, id1);
    EXPECT_TRUE(store.record_push("sha256:b", "main", "TYPE_STATE_CHANGED", R"({"b":1})", at(0)));
    EXPECT_TRUE(store.record_push("sha256:c", "", "TYPE_SOMETHING_NEW", R"({"c":1})", at(100 * day)));
    ASSERT_EQ(count_rows(dir.db(), "push_inbox"), 3u);

    auto pending = store.unprocessed_pushes();
    ASSERT_EQ(pending.size(), 3u);
    EXPECT_EQ(pending[0].id, id1);
    EXPECT_EQ(pending[0].dedup_key, "sha256:a");
    EXPECT_EQ(pending[0].account, "main");
    EXPECT_EQ(pending[0].message_type, "TYPE_NEW_POSTING");
    EXPECT_EQ(pending[0].body, R"({"a":1})");
    EXPECT_EQ(pending[0].received_at, at(0));
    EXPECT_EQ(pending[2].account, "");

    store.mark_push_processed(id1, at(10));
    pending = store.unprocessed_pushes();
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].dedup_key, "sha256:b");

    // Retention 90 days on day 100: the old processed push goes; the old unprocessed one and
    // the recent one stay. A pruned key is no longer a duplicate (Ozon retries for hours, not months).
    const auto r = store.prune(at(10 * day));
    EXPECT_EQ(r.pushes, 1);
    EXPECT_EQ(r.events + r.outbox_rows + r.silences, 0);
    EXPECT_EQ(count_rows(dir.db(), "push_inbox"), 2u);
    EXPECT_EQ(store.prune(at(10 * day)).pushes, 0);
    EXPECT_EQ(store.unprocessed_pushes().size(), 2u);
}

TEST(Store, SetCursorWritesAndOverwritesOneCursor) {
    TempDir dir;
    Store store(dir.db());
    store.set_cursor("", "push", "last_ping", "2026-11-26T07:00:00Z", at(1));
    store.set_cursor("", "push", "last_ping", "2026-11-26T08:00:00Z", at(2));
    EXPECT_EQ(store.cursor("", "push", "last_ping"), "2026-11-26T08:00:00Z");
    EXPECT_EQ(store.cursors("", "push").size(), 1u);
}

TEST(Store, MigratesAVersionOneDatabaseToThePushInbox) {
    TempDir dir;
    { Store store(dir.db()); }
    {
        // What a version-1 database looks like: no push_inbox.
        SQLite::Database d(dir.db(), SQLite::OPEN_READWRITE);
        d.exec("DROP TABLE push_inbox");
        d.exec("PRAGMA user_version=1");
    }
    Store store(dir.db());
    EXPECT_EQ(store.schema_version(), 2);
    EXPECT_TRUE(store.record_push("k", "main", "TYPE_PING", "{}", at(0)));
}
