#pragma once
// ProbeWatch<State>: a watch that has no items to diff, only conditions about one fetched state
// (the API key's expiry date and roles, a file's age). A concrete probe writes fetch() (I/O)
// and a pure evaluate(state, now) -> the conditions that hold; the engine sends the whole
// (small) set every poll and keeps the last state, stored as the single snapshot item "state"
// so that the report knows it after a restart.
//
// State needs: nlohmann::json to_json() const; static State from_json(const nlohmann::json&);
// std::string fingerprint() const.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/logging.hpp"
#include "daemon/engine/watch.hpp"

namespace ozw::daemon {

template <class State>
class ProbeWatch : public Watch {
public:
    const std::string& name() const override { return name_; }
    const std::string& account() const override { return account_; }

    void load(const std::map<std::string, SnapshotItem>& stored,
              const std::map<std::string, std::string>&) override {
        state_.reset();
        pending_.reset();
        auto it = stored.find("state");
        if (it == stored.end()) return;
        try {
            state_ = State::from_json(nlohmann::json::parse(it->second.data));
        } catch (const std::exception& e) {
            log::get(name_)->warn("{}/{}: stored state unreadable: {}", account_, name_, e.what());
        }
    }

    awaitable<WatchOutput> poll(TimePoint now, bool) override {
        pending_.reset();
        State fresh = co_await fetch(now);
        WatchOutput out;
        out.holding = evaluate(fresh, now);
        if (!state_ || state_->fingerprint() != fresh.fingerprint())
            out.upserts.push_back(SnapshotItem{"state", fresh.fingerprint(), fresh.to_json().dump(), {}, {}});
        pending_ = std::move(fresh);
        co_return out;
    }
    void commit() override {
        if (pending_) state_ = std::move(pending_);
        pending_.reset();
    }
    void rollback() override { pending_.reset(); }

    // The last committed state (none before the first successful probe).
    const std::optional<State>& state() const { return state_; }

    // Pure: the conditions that hold for this state now.
    virtual std::vector<Event> evaluate(const State& state, TimePoint now) const = 0;

protected:
    ProbeWatch(std::string name, std::string account)
        : name_(std::move(name)), account_(std::move(account)) {}
    virtual awaitable<State> fetch(TimePoint now) = 0;

private:
    std::string name_;
    std::string account_;
    std::optional<State> state_;
    std::optional<State> pending_;
};

}  // namespace ozw::daemon
