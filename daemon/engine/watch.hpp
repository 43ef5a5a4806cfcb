#pragma once
// The generic watch (design.md "How data flows"): a watch = a poller (async, talks to a source)
// + a pure evaluation. WatchRunner is the thin load-poll-apply wrapper (osquery's pattern):
// it loads the previous state from the Store once, polls, and writes snapshot delta + cursors +
// transitions + the watch's conditions in ONE Store::apply. The first poll of a watch (nothing
// stored, or a snapshot of another state_version) is a silent baseline for transitions; its
// conditions fire at once.
//
// A concrete watch is written as a SnapshotWatch<Item> (snapshot_watch.hpp): fetch() + pure
// transitions()/conditions(). The engine never names a concrete watch.
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "common/store.hpp"

namespace ozw::push {
struct PushMessage;
}

namespace ozw::daemon {

template <class T>
using awaitable = boost::asio::awaitable<T>;

// What one poll produced (not yet committed).
struct WatchOutput {
    std::vector<SnapshotItem> upserts;
    std::function<bool(SnapshotItem&)> more_upserts;  // see SnapshotDelta::more_upserts
    std::vector<std::string> removals;
    bool replace_all = false;
    std::map<std::string, std::string> cursors;
    std::vector<Event> transitions;
    // Transitions recorded on a baseline too: statements rather than changes (the summary of
    // the payout period that has just closed), see SnapshotWatch::announced_on_baseline.
    std::vector<Event> announcements;
    // The watch's conditions: every one that holds now, or (conditions_partial) only those of
    // the items re-evaluated by this poll, with `released` the keys that stopped holding.
    std::vector<Event> holding;
    bool conditions_partial = false;
    std::vector<std::string> released;
    long long api_calls = 0;
    std::string mode;  // what the poll did, for logs ("full", "incremental")
};

// A watch's own stored rows, read back (SnapshotWatch lets items that can raise nothing more
// rest there instead of in memory). Set by WatchRunner; empty functions = nothing to read (a
// watch polled without a store, as unit tests do): then every item stays in memory.
struct SnapshotRows {
    // One row's JSON text; nullopt when absent.
    std::function<std::optional<std::string>(const std::string& key)> one;
    // The rows the filter accepts, by key.
    std::function<std::map<std::string, SnapshotItem>(const SnapshotRowFilter&)> some;
};

// How the morning report and `check` are worded.
struct ReportOptions {
    std::string language = "ru";
    std::string timezone = "Europe/Moscow";
    TimePoint now{};  // when the report is made: a section may say "waits 3 days"
};

class Watch {
public:
    virtual ~Watch() = default;
    // The module's name: the snapshot name and the condition scope ("postings").
    virtual const std::string& name() const = 0;
    virtual const std::string& account() const = 0;
    // The source it reads (one health, one "unavailable" per account and source): "ozon".
    virtual std::string source() const { return "ozon"; }
    virtual Millis interval() const = 0;
    // Bumped when what the watch stores changes shape: a snapshot of another version is
    // dropped and rebuilt as a silent baseline.
    virtual int state_version() const { return 1; }
    // The stored state (before the first poll, and again after a failed apply).
    virtual void load(const std::map<std::string, SnapshotItem>& items,
                      const std::map<std::string, std::string>& cursors) = 0;
    // Where the stored rows can be read back (before load()).
    virtual void attach_rows(SnapshotRows /*rows*/) {}
    // Polls the source and evaluates against the committed state. A throw (source failure)
    // leaves the committed state as it was.
    virtual awaitable<WatchOutput> poll(TimePoint now, bool baseline) = 0;
    // The last poll's output was written / was not written.
    virtual void commit() = 0;
    virtual void rollback() = 0;
    // The watch's section of the morning report (first line its heading); empty = none.
    virtual std::vector<std::string> report_lines(const ReportOptions&) const { return {}; }
    // How the report names the watch ("Отправления FBS"), also when it could not be checked.
    virtual std::string report_title(const ReportOptions&) const { return name(); }
    // Lines for the report's health section about sources only this watch reads (the shop's
    // InSales, the 1C file, the API key's expiry); the engine adds each Ozon source's health.
    virtual std::vector<std::string> health_lines(const ReportOptions&) const { return {}; }

    // Ozon push notifications: a push says that something of this account changed just now;
    // polling stays the truth (pushes can be late, lost or paused). take_push() says whether
    // this watch acts on `m` and, if so, remembers what to read again; the engine then calls
    // poll_push() soon, which reads only that and is evaluated against the committed state and
    // written exactly like a poll (one Store::apply), so the next poll finds nothing new and
    // nothing is announced twice. poll_push() must not move the cursors the regular polls
    // continue from. Both run on the executor's thread; take_push() may come while a poll is
    // suspended and must not disturb it.
    virtual bool take_push(const push::PushMessage& /*m*/) { return false; }
    virtual awaitable<WatchOutput> poll_push(TimePoint now);
};

struct CycleResult {
    bool baseline = false;
    std::vector<Event> recorded;  // what Store::apply recorded (transitions, firing, resolved)
    long long api_calls = 0;
};

class WatchRunner {
public:
    WatchRunner(std::shared_ptr<Watch> watch, Store& store, Router router, const Clock& clock);

    // One cycle: load (first time), poll, apply. Throws what the poll throws (ozon::ApiError,
    // ...) or StoreError; nothing is written then and the watch's memory is as committed.
    awaitable<CycleResult> run_once();
    // The watch's poll_push() written like a poll; nullopt when the watch has no baseline yet
    // (its first poll will read everything anyway). Does not stamp the last successful poll.
    awaitable<std::optional<CycleResult>> run_push();

    Watch& watch() { return *watch_; }
    const std::shared_ptr<Watch>& watch_ptr() const { return watch_; }

private:
    void load();
    // Writes one poll's output (snapshot delta, cursors, transitions, conditions) in one
    // Store::apply; `regular`: a poll (stamps the baseline cursor and the state version).
    CycleResult apply(WatchOutput out, TimePoint now, bool regular);

    std::shared_ptr<Watch> watch_;
    Store& store_;
    Router router_;
    const Clock& clock_;
    bool loaded_ = false;
    bool baseline_ = false;
    bool rebaseline_ = false;  // stored state of another version: replace it all
};

// A router that sends nothing (check: print only).
Router null_router();

}  // namespace ozw::daemon
