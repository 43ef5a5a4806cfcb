// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/engine/watch.hpp"

#include "common/logging.hpp"
#include "common/memory.hpp"
#include "common/time.hpp"

namespace ozw::daemon {

namespace {
constexpr const char* kStateVersion = "state_version";
// Snapshot rows written by one poll above which the freed heap is returned to the system.
constexpr std::size_t kTrimAfterRows = 1000;
// ... or that many API pages (a whole-list read: 100 pages of 1,000 articles, InSales' pages with
// them) even when few rows changed.
constexpr long long kTrimAfterCalls = 20;
}

WatchRunner::WatchRunner(std::shared_ptr<Watch> watch, Store& store, Router router,
                         const Clock& clock)
    : watch_(std::move(watch)), store_(store), router_(std::move(router)), clock_(clock) {}

void WatchRunner::load() {
    const std::string& account = watch_->account();
    const std::string& name = watch_->name();
    auto cursors = store_.cursors(account, name);
    const std::string version = std::to_string(watch_->state_version());
    baseline_ = !store_.has_snapshot(account, name);
    rebaseline_ = false;
    if (!baseline_) {
        auto it = cursors.find(kStateVersion);
        // A snapshot without a version was written by the first release: version 1.
        const std::string stored = it == cursors.end() ? "1" : it->second;
        if (stored != version) {
            log::get(name)->info("{}/{}: stored state is version {}, this build keeps version {}: "
                                 "rebuilding it as a silent baseline",
                                 account, name, stored, version);
            baseline_ = true;
            rebaseline_ = true;
        }
    }
    // The store, not this runner: a report may read the watch after its runner has gone.
    watch_->attach_rows(SnapshotRows{
        [store = &store_, account, name](const std::string& key) { return store->snapshot_row(account, name, key); },
        [store = &store_, account, name](const SnapshotRowFilter& wanted) {
            return store->load_snapshot(account, name, wanted);
        }});
    if (rebaseline_) watch_->load({}, {});
    else watch_->load(store_.load_snapshot(account, name), cursors);
    loaded_ = true;
}

awaitable<CycleResult> WatchRunner::run_once() {
    if (!loaded_) load();
    const TimePoint now = clock_.now();
    WatchOutput out = co_await watch_->poll(now, baseline_);
    co_return apply(std::move(out), now, true);
}

awaitable<std::optional<CycleResult>> WatchRunner::run_push() {
    if (!loaded_) load();
    if (baseline_) co_return std::nullopt;
    const TimePoint now = clock_.now();
    WatchOutput out = co_await watch_->poll_push(now);
    co_return apply(std::move(out), now, false);
}

CycleResult WatchRunner::apply(WatchOutput out, TimePoint now, bool regular) {
    const std::string& account = watch_->account();
    const std::string& name = watch_->name();
    ApplyBatch batch;
    batch.now = now;
    SnapshotDelta delta;
    delta.account = account;
    delta.watch = name;
    delta.upserts = std::move(out.upserts);
    delta.more_upserts = std::move(out.more_upserts);
    delta.removals = std::move(out.removals);
    delta.replace_all = out.replace_all || rebaseline_;
    delta.cursors = std::move(out.cursors);
    if (regular) {
        // Marks "this watch has a baseline" even for an empty snapshot (Store::has_snapshot),
        // and is the last successful poll after a restart.
        delta.cursors["baseline"] = format_iso8601(now);
        delta.cursors[kStateVersion] = std::to_string(watch_->state_version());
    } else if (auto last = store_.cursor(account, name, "baseline")) {
        // The store stamps "baseline" on every write that lacks it; a push's re-read is not a
        // poll and must not pass for the last successful one.
        delta.cursors["baseline"] = *last;
    }
    batch.snapshots.push_back(std::move(delta));
    if (!baseline_) batch.transitions = std::move(out.transitions);
    for (auto& e : out.announcements) batch.transitions.push_back(std::move(e));
    ConditionSet conditions{account, name, std::move(out.holding)};
    conditions.partial = out.conditions_partial;
    conditions.released = std::move(out.released);
    batch.conditions.push_back(std::move(conditions));

    CycleResult result;
    result.baseline = baseline_;
    result.api_calls = out.api_calls;
    std::size_t written = 0;
    try {
        ApplyResult applied = store_.apply(batch, router_);
        result.recorded = std::move(applied.recorded);
        written = applied.snapshot_rows;
    } catch (const std::exception& e) {
        watch_->rollback();
        loaded_ = false;  // and reload the committed state from the store next time
        // The source answered; the state database did not take it (disk full, I/O error). Said
        // as such, so that the scheduler does not take it for the source's failure.
        if (dynamic_cast<const StoreError*>(&e)) throw;
        throw StoreError(std::string("cannot write the state database: ") + e.what());
    } catch (...) {
        watch_->rollback();
        loaded_ = false;
        throw;
    }
    watch_->commit();
    baseline_ = false;
    rebaseline_ = false;
    batch = {};
    // A large poll (the first load, a whole-window re-read, a whole stock list) frees tens of
    // megabytes of pages, models and snapshot rows; the heap keeps them mapped for a while. Hand
    // them back at once so that a steady daemon's RSS is its state, not its largest poll.
    if (written >= kTrimAfterRows || result.api_calls >= kTrimAfterCalls) release_free_memory();
    return result;
}

awaitable<WatchOutput> Watch::poll_push(TimePoint /*now*/) { co_return WatchOutput{}; }

Router null_router() {
    return [](const Event&) { return std::vector<OutboxTarget>{}; };
}

}  // namespace ozw::daemon
