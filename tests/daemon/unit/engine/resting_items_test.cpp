// Items at rest (SnapshotWatch::rest_until): finished items leave memory for the store and come
// back when the source changes them. A scripted "parcels" watch under the real runner and Store:
// what rests, what is read back and when, that a woken item is diffed against its stored self,
// that a whole-window answer and expiry forget resting items, that a failed write puts everything
// back, and, as the oracle, that a long random life gives the same events and rows as the same
// watch keeping everything in memory.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "daemon/engine/snapshot_watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

struct Parcel {
    std::string id;
    bool open = true;
    int weight = 0;
    TimePoint opened_at{};
    nlohmann::json to_json() const {
        return {{"id", id}, {"open", open}, {"weight", weight}, {"opened_at", opened_at.time_since_epoch().count()}};
    }
    static Parcel from_json(const nlohmann::json& j) {
        Parcel p;
        p.id = j.value("id", std::string());
        p.open = j.value("open", true);
        p.weight = j.value("weight", 0);
        p.opened_at = TimePoint(TimePoint::duration(j.value("opened_at", TimePoint::rep{0})));
        return p;
    }
    std::string fingerprint() const {
        return (open ? "o|" : "c|") + std::to_string(weight) + "|" + std::to_string(opened_at.time_since_epoch().count());
    }
};

constexpr auto kWindow = 24h;
constexpr int kHeavy = 10;

// What the source says; the test sets it.
struct ParcelWorld {
    std::vector<Parcel> parcels;
    bool full_window = true;
    bool forget_expired = false;
    std::vector<std::string> gone;
};

class ParcelWatch final : public SnapshotWatch<Parcel> {
public:
    explicit ParcelWatch(ParcelWorld& world, bool resting = true)
        : SnapshotWatch("parcels", "main"), world_(world), resting_(resting) {}
    Millis interval() const override { return 5min; }

    // Counts the rows read back (and, for the oracle, refuses the store: all in memory).
    void attach_rows(SnapshotRows rows) override {
        if (!resting_) return;
        auto one = rows.one;
        rows.one = [this, one](const std::string& key) {
            ++rows_read;
            return one(key);
        };
        SnapshotWatch::attach_rows(std::move(rows));
    }

    std::vector<Event> transitions(const Parcel* prev, const Parcel& cur, TimePoint now) const override {
        if (!prev) return {event("parcel.new", "parcel.new:" + cur.id, cur, now)};
        if (prev->open && !cur.open) return {event("parcel.closed", "parcel.closed:" + cur.id, cur, now)};
        // Only an item diffed against its stored self says "reopened"; a lost one would be "new".
        if (!prev->open && cur.open) return {event("parcel.reopened", "parcel.reopened:" + cur.id, cur, now)};
        return {};
    }
    ItemConditions conditions(const Parcel& cur, TimePoint now) const override {
        ItemConditions c;
        if (!cur.open) return c;
        if (cur.weight > kHeavy) c.holding.push_back(event("parcel.heavy", "parcel.heavy:" + cur.id, cur, now, EventKind::condition));
        // An open parcel is late a day after it opened: a time-driven condition.
        if (now >= cur.opened_at + 24h)
            c.holding.push_back(event("parcel.late", "parcel.late:" + cur.id, cur, now, EventKind::condition));
        else
            c.next_change = cur.opened_at + 24h;
        return c;
    }

    int rows_read = 0;

protected:
    awaitable<Fetched<Parcel>> fetch(TimePoint, bool) override {
        Fetched<Parcel> f;
        f.items = world_.parcels;
        f.full_window = world_.full_window;
        f.forget_expired = world_.forget_expired;
        f.gone = world_.gone;
        co_return f;
    }
    std::string key_of(const Parcel& p) const override { return p.id; }
    bool in_window(const Parcel& p, TimePoint now) const override { return p.opened_at >= now - kWindow; }
    bool expired(const Parcel& p, TimePoint now) const override { return !p.open && !in_window(p, now); }
    std::optional<TimePoint> rest_until(const Parcel& p) const override {
        if (p.open) return std::nullopt;
        return p.opened_at + kWindow;
    }

private:
    Event event(const char* type, std::string key, const Parcel& p, TimePoint now,
                EventKind kind = EventKind::transition) const {
        Event e;
        e.type = type;
        e.severity = Severity::info;
        e.kind = kind;
        e.account = account();
        e.key = std::move(key);
        e.occurred_at = e.detected_at = now;
        e.details = {{"parcel", p.id}, {"weight", p.weight}};
        return e;
    }
    ParcelWorld& world_;
    bool resting_;
};

struct ParcelEnv {
    ParcelWorld world;
    ozw::test::DaemonEnv env{at("2026-11-26T06:00:00Z")};
    std::shared_ptr<ParcelWatch> watch;
    std::unique_ptr<WatchRunner> runner;
    explicit ParcelEnv(bool resting = true) { make(resting); }
    void make(bool resting = true) {
        watch = std::make_shared<ParcelWatch>(world, resting);
        runner = std::make_unique<WatchRunner>(watch, *env.store, null_router(), env.clock);
    }
    std::vector<std::string> cycle(TimePoint when) {
        env.clock.set(when);
        return ozw::test::recorded(env.run([&] { return runner->run_once(); }));
    }
    std::map<std::string, std::string> rows() {
        std::map<std::string, std::string> out;
        for (auto& [k, row] : env.store->load_snapshot("main", "parcels")) out[k] = row.data;
        return out;
    }
};

Parcel parcel(std::string id, bool open, int weight, TimePoint opened) { return {std::move(id), open, weight, opened}; }

using Strings = std::vector<std::string>;

}  // namespace

TEST(RestingItems, FinishedItemsLeaveMemoryAndReportsStillSeeThem) {
    ParcelEnv p;
    const TimePoint t0 = at("2026-11-26T06:00:00Z");
    p.world.parcels = {parcel("a", true, 1, t0), parcel("b", false, 2, t0), parcel("c", false, 3, t0),
                       parcel("d", true, 20, t0)};
    EXPECT_EQ(p.cycle(t0), Strings{"parcel.heavy parcel.heavy:d"});  // a baseline: conditions only
    EXPECT_EQ(p.watch->items().size(), 2u);                            // a and d, open
    EXPECT_TRUE(p.watch->items().count("a") && p.watch->items().count("d"));
    EXPECT_EQ(p.watch->resting_count(), 2u);
    const auto all = p.watch->all_items();
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all.at("b").weight, 2);
    EXPECT_FALSE(all.at("c").open);
    EXPECT_EQ(p.watch->remembered("c")->weight, 3);
    EXPECT_FALSE(p.watch->remembered("zz").has_value());
    EXPECT_EQ(p.watch->resting_in_window(t0 + kWindow), 2u);
    EXPECT_EQ(p.watch->resting_in_window(t0 + kWindow + 1ms), 0u);
}

TEST(RestingItems, AnUnchangedRestingItemIsNotReadBackAndAChangedOneIsDiffedAgainstItsStoredSelf) {
    ParcelEnv p;
    const TimePoint t0 = at("2026-11-26T06:00:00Z");
    p.world.parcels = {parcel("a", true, 1, t0), parcel("b", false, 2, t0)};
    p.cycle(t0);
    ASSERT_EQ(p.watch->resting_count(), 1u);
    EXPECT_TRUE(p.cycle(t0 + 5min).empty());
    EXPECT_EQ(p.watch->rows_read, 0);  // b came back the same: compared by its fingerprint's hash

    p.world.parcels[1].open = true;  // b reopens, and is heavy now
    p.world.parcels[1].weight = 30;
    EXPECT_EQ(p.cycle(t0 + 10min), (Strings{"parcel.heavy parcel.heavy:b", "parcel.reopened parcel.reopened:b"}));
    EXPECT_EQ(p.watch->rows_read, 1);
    EXPECT_EQ(p.watch->items().count("b"), 1u);
    EXPECT_EQ(p.watch->resting_count(), 0u);
    EXPECT_EQ(nlohmann::json::parse(p.rows().at("b")).at("weight"), 30);

    p.world.parcels[1].open = false;  // closes again: the condition resolves, and b rests again
    EXPECT_EQ(p.cycle(t0 + 15min), (Strings{"parcel.closed parcel.closed:b", "parcel.heavy/resolved parcel.heavy:b"}));
    EXPECT_EQ(p.watch->resting_count(), 1u);
    EXPECT_EQ(p.watch->items().count("b"), 0u);
}

TEST(RestingItems, AWholeWindowAnswerWithoutARestingItemRemovesItAndExpiryForgetsItsRow) {
    ParcelEnv p;
    const TimePoint t0 = at("2026-11-26T06:00:00Z");
    p.world.parcels = {parcel("a", true, 1, t0), parcel("b", false, 2, t0), parcel("c", false, 3, t0 - 20h),
                       parcel("d", false, 4, t0)};
    p.cycle(t0);
    ASSERT_EQ(p.watch->resting_count(), 3u);

    // A partial answer (not the whole window) without b and c: they stay.
    p.world.full_window = false;
    p.world.parcels = {parcel("a", true, 1, t0)};
    p.cycle(t0 + 5min);
    EXPECT_EQ(p.watch->resting_count(), 3u);

    // The source says d is gone.
    p.world.gone = {"d"};
    p.cycle(t0 + 10min);
    p.world.gone.clear();
    EXPECT_EQ(p.watch->resting_count(), 2u);
    EXPECT_FALSE(p.rows().count("d"));

    // A whole-window answer without b (inside the window): b no longer exists.
    p.world.full_window = true;
    p.world.parcels = {parcel("a", true, 1, t0), parcel("c", false, 3, t0 - 20h)};
    p.cycle(t0 + 15min);
    EXPECT_FALSE(p.rows().count("b"));
    EXPECT_EQ(p.watch->resting_count(), 1u);

    // c leaves the window (opened 20 h before t0): forgotten on an expiring poll, though named.
    p.world.full_window = false;
    p.world.forget_expired = true;
    p.cycle(t0 + 4h + 1min);
    EXPECT_FALSE(p.rows().count("c"));
    EXPECT_EQ(p.watch->resting_count(), 0u);
    EXPECT_EQ(p.rows().size(), 1u);
    EXPECT_EQ(p.watch->rows_read, 0);
}

TEST(RestingItems, AWriteThatFailsPutsWokenAndForgottenItemsBackToRest) {
    // Driven without the runner: the test plays the store (rows in a map) and the failed write.
    ParcelWorld world;
    ParcelWatch w(world);
    std::map<std::string, std::string> rows;
    w.attach_rows(SnapshotRows{[&](const std::string& k) -> std::optional<std::string> {
                                   auto it = rows.find(k);
                                   return it == rows.end() ? std::nullopt : std::optional(it->second);
                               },
                               [&](const SnapshotRowFilter&) { return std::map<std::string, SnapshotItem>{}; }});
    const TimePoint t0 = at("2026-11-26T06:00:00Z");
    world.parcels = {parcel("a", true, 1, t0), parcel("b", false, 2, t0), parcel("c", false, 3, t0)};
    ozw::test::DaemonEnv env;
    auto poll = [&](TimePoint now, bool baseline) {
        WatchOutput out = env.run([&] { return w.poll(now, baseline); });
        SnapshotItem row;
        while (out.more_upserts && out.more_upserts(row)) rows[row.key] = row.data;
        for (const auto& k : out.removals) rows.erase(k);
        return out;
    };
    poll(t0, true);
    w.commit();
    ASSERT_EQ(w.resting_count(), 2u);
    const auto rows_before = rows;

    world.parcels = {parcel("a", true, 1, t0), parcel("b", true, 2, t0)};  // b reopens, c is gone
    WatchOutput out = env.run([&] { return w.poll(t0 + 5min, false); });
    ASSERT_EQ(out.transitions.size(), 1u);
    EXPECT_EQ(out.transitions[0].type, "parcel.reopened");
    EXPECT_EQ(out.removals, Strings{"c"});
    w.rollback();  // the write failed
    EXPECT_EQ(w.resting_count(), 2u);
    EXPECT_EQ(w.items().size(), 1u);
    EXPECT_EQ(w.items().count("b"), 0u);

    // The same poll again says the same, against the same remembered state.
    out = env.run([&] { return w.poll(t0 + 5min, false); });
    ASSERT_EQ(out.transitions.size(), 1u);
    EXPECT_EQ(out.transitions[0].type, "parcel.reopened");
    EXPECT_EQ(out.removals, Strings{"c"});
    EXPECT_EQ(rows, rows_before);
}

TEST(RestingItems, ALongRandomLifeGivesTheSameEventsAndRowsAsKeepingEverythingInMemory) {
    // The oracle: the same watch refusing the store (every item in memory, the behaviour before
    // items could rest), fed the same source, on a database of its own.
    ParcelEnv resting(true), in_memory(false);
    std::mt19937 rng(20261202);
    const TimePoint t0 = at("2026-11-26T06:00:00Z");
    std::map<std::string, Parcel> world;
    int next_id = 0;
    std::size_t rested_max = 0;
    int woken = 0;
    for (int step = 0; step < 400; ++step) {
        const TimePoint now = t0 + step * 5min;
        // The shop's life: parcels open, change weight, close, reopen, vanish.
        for (int i = 0; i < 3; ++i) {
            auto id = "p" + std::to_string(next_id++);
            world[id] = parcel(id, true, int(rng() % 15), now - std::chrono::minutes(rng() % 600));
        }
        for (auto& [id, p] : world) {
            const unsigned r = rng() % 100;
            if (r < 6) p.open = !p.open;
            else if (r < 9) p.weight = int(rng() % 15);
        }
        if (rng() % 10 == 0 && !world.empty()) {
            auto it = world.begin();
            std::advance(it, rng() % world.size());
            world.erase(it);
        }
        ParcelWorld w;
        const unsigned mode = rng() % 3;
        w.full_window = mode == 0;
        w.forget_expired = mode == 1;
        for (const auto& [id, p] : world) {
            const bool in_window = p.opened_at >= now - kWindow;
            // A whole-window answer names what is in the window (and some older open ones);
            // otherwise a random part of the world.
            if (w.full_window ? (in_window || p.open) : rng() % 3 == 0) w.parcels.push_back(p);
        }
        resting.world = w;
        in_memory.world = w;
        const auto a = resting.cycle(now), b = in_memory.cycle(now);
        ASSERT_EQ(a, b) << "step " << step;
        rested_max = std::max(rested_max, resting.watch->resting_count());
        woken = resting.watch->rows_read;
        if (step % 50 == 49) {
            ASSERT_EQ(resting.rows(), in_memory.rows()) << "step " << step;
        }
        // Forgotten items leave the world too (the source forgets them as well).
        const auto kept = resting.rows();
        std::erase_if(world, [&](const auto& e) {
            return !e.second.open && e.second.opened_at < now - kWindow && !kept.count(e.first);
        });
    }
    EXPECT_EQ(resting.rows(), in_memory.rows());
    EXPECT_EQ(resting.env.active_keys(), in_memory.env.active_keys());
    // The run exercised what it claims to: many items rested, and many were woken.
    EXPECT_GT(rested_max, 50u);
    EXPECT_GT(woken, 20);
    EXPECT_EQ(in_memory.watch->resting_count(), 0u);
}

TEST(RestingItems, AnItemGonePastItsDueInstantIsForgottenNotEvaluated) {
    // Found by the random life above, in the engine as it was before items could rest: an item
    // removed by a poll that came after its next_change instant was still evaluated, after it
    // had been forgotten; the poll threw, and every later one the same (the watch stuck).
    for (const bool resting : {true, false}) {
        ParcelEnv p(resting);
        const TimePoint t0 = at("2026-11-26T06:00:00Z");
        p.world.parcels = {parcel("a", true, 1, t0), parcel("b", true, 2, t0)};
        p.world.full_window = false;
        EXPECT_TRUE(p.cycle(t0).empty());
        p.world.parcels = {parcel("b", true, 2, t0)};
        p.world.gone = {"a"};  // a's "late" instant (t0 + 24 h) has passed when it goes
        EXPECT_EQ(p.cycle(t0 + 25h), Strings{"parcel.late parcel.late:b"}) << resting;
        EXPECT_EQ(p.rows().count("a"), 0u);
        EXPECT_EQ(p.watch->items().count("a"), 0u);
        EXPECT_EQ(p.env.active_keys(), Strings{"parcel.late:b"});
    }
}
