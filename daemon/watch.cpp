#include "daemon/watch.hpp"

#include "common/time.hpp"


namespace ozw::daemon {

WatchRunner::WatchRunner(std::shared_ptr<Watch> watch, Store& store, Router router,
                         const Clock& clock)
    : watch_(std::move(watch)), store_(store), router_(std::move(router)), clock_(clock) {}

awaitable<CycleResult> WatchRunner::run_once() {
    const std::string account = watch_->account();
    const std::string name = watch_->name();
    if (!loaded_) {
        baseline_ = !store_.has_snapshot(account, name);
        std::map<std::string, std::string> cursors;
        for (const auto& c : watch_->cursor_names()) {
            if (auto v = store_.cursor(account, name, c)) cursors[c] = *v;
        }
        watch_->load(store_.load_snapshot(account, name), cursors);
        loaded_ = true;
    }
    const TimePoint now = clock_.now();
    WatchOutput out = co_await watch_->poll(now, baseline_);

    ApplyBatch batch;
    batch.now = now;
    SnapshotDelta delta;
    delta.account = account;
    delta.watch = name;
    delta.upserts = std::move(out.upserts);
    delta.removals = std::move(out.removals);
    delta.replace_all = out.replace_all;
    delta.cursors = std::move(out.cursors);
    // Marks "this watch has a baseline" even for an empty snapshot (Store::has_snapshot).
    delta.cursors["baseline"] = format_iso8601(now);
    batch.snapshots.push_back(std::move(delta));
    if (!baseline_) batch.transitions = std::move(out.transitions);
    batch.conditions.push_back(ConditionSet{account, name, std::move(out.holding)});

    CycleResult result;
    result.baseline = baseline_;
    result.api_calls = out.api_calls;
    try {
        result.recorded = store_.apply(batch, router_).recorded;
    } catch (...) {
        loaded_ = false;  // reload the committed state from the store next time
        throw;
    }
    watch_->commit();
    baseline_ = false;
    co_return result;
}

Router null_router() {
    return [](const Event&) { return std::vector<OutboxTarget>{}; };
}

}  // namespace ozw::daemon
