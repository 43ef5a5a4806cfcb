#pragma once
// The watch framework (design.md "How data flows"): a watch = a poller (async, talks to a
// source) + a pure evaluation. WatchRunner is the thin wrapper that loads the previous state
// from the Store once, polls, and writes snapshot delta + cursors + transitions + the watch's
// condition set in ONE Store::apply. The first poll of a watch (nothing stored yet) is a silent
// baseline for transitions; its conditions fire at once.
#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "common/store.hpp"

namespace ozw::daemon {

template <class T>
using awaitable = boost::asio::awaitable<T>;

// What one poll produced (not yet committed).
struct WatchOutput {
    std::vector<SnapshotItem> upserts;
    std::vector<std::string> removals;
    bool replace_all = false;
    std::map<std::string, std::string> cursors;
    std::vector<Event> transitions;
    std::vector<Event> holding;  // every condition of this watch that holds now
    long long api_calls = 0;
};

class Watch {
public:
    virtual ~Watch() = default;
    // Watch name: the snapshot name and the condition scope ("postings").
    virtual std::string name() const = 0;
    virtual const std::string& account() const = 0;
    virtual Millis interval() const = 0;
    // Cursors the watch wants back from the store on load.
    virtual std::vector<std::string> cursor_names() const { return {}; }
    // The stored state (called before the first poll, and again after a failed apply).
    virtual void load(const std::map<std::string, SnapshotItem>& items,
                      const std::map<std::string, std::string>& cursors) = 0;
    // Polls the source and evaluates against the committed state. A throw (source failure)
    // leaves the committed state as it was; an output that is never committed is undone by
    // the next poll (or replaced by load() after a failed apply).
    virtual awaitable<WatchOutput> poll(TimePoint now, bool baseline) = 0;
    // The last poll's output was written: it becomes the committed state.
    virtual void commit() = 0;
};

struct CycleResult {
    bool baseline = false;
    std::vector<Event> recorded;  // what Store::apply recorded (transitions, firing, resolved)
    long long api_calls = 0;
};

class WatchRunner {
public:
    WatchRunner(std::shared_ptr<Watch> watch, Store& store, Router router, const Clock& clock);

    // One cycle: load (first time), poll, evaluate, apply. Throws what the poll throws
    // (ozon::ApiError, ...) or StoreError; nothing is written then.
    awaitable<CycleResult> run_once();

    Watch& watch() { return *watch_; }
    const std::shared_ptr<Watch>& watch_ptr() const { return watch_; }

private:
    std::shared_ptr<Watch> watch_;
    Store& store_;
    Router router_;
    const Clock& clock_;
    bool loaded_ = false;
    bool baseline_ = false;
};

// A router that sends nothing (check: print only).
Router null_router();

}  // namespace ozw::daemon
