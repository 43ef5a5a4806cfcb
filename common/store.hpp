#pragma once
// The state store: one SQLite file (WAL) at state_dir/ozonwatch.db.
//
// Tables: snapshots (per account/watch/item), cursors, events (append-only log of what
// happened: transitions and condition state changes), conditions (the current state of each
// condition key), outbox (one row per event and channel), silences, meta, push_inbox (Ozon
// push notifications as received, deduplicated).
//
// The key promise (design.md): snapshot changes, new events and their outbox rows are written
// in ONE transaction (Store::apply). A kill -9 at any moment loses no event and repeats none
// recorded as sent.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"

namespace ozw {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// The state database cannot be used as it is and restarting will not change that: corrupt,
// read-only (file, folder or file system), or owned by someone else. The text says what to do.
class StoreUnusable : public StoreError {
public:
    using StoreError::StoreError;
};

inline constexpr int kSchemaVersion = 2;

struct SnapshotItem {
    std::string key;          // item key, e.g. a posting number
    std::string fingerprint;  // cheap change detector (e.g. hash or status)
    std::string data;         // JSON text of the item as the watch keeps it
    TimePoint first_seen{};   // filled by load_snapshot
    TimePoint last_seen{};
};

// What a reader keeping what it parsed of a watch's rows sees of a row before the row itself:
// its key, fingerprint and when it was last written (the store writes a row only when it
// changed, and always with its fingerprint, so the three change whenever the row does).
struct SnapshotRowHead {
    std::string_view key;
    std::string_view fingerprint;
    TimePoint last_seen{};
};
// Whether to hand a row over (load_snapshot); called for every row of the watch, in key order,
// while the store's lock is held: a filter must not call the store.
using SnapshotRowFilter = std::function<bool(const SnapshotRowHead&)>;

// Changes to one watch's snapshot.
struct SnapshotDelta {
    std::string account;
    std::string watch;
    std::vector<SnapshotItem> upserts;
    std::vector<std::string> removals;
    bool replace_all = false;  // true: items absent from the upserts (both kinds) are deleted
    std::map<std::string, std::string> cursors;  // cursor name -> value, written with the delta
    // More upserts, made one at a time inside the transaction (fills its argument, false when
    // there are no more): a first load of 50,000 items is never held as rows all at once.
    std::function<bool(SnapshotItem&)> more_upserts;
};

// The complete set of conditions that hold now for one scope (e.g. account "main", scope
// "postings"). Store::apply turns it into firing/resolved events by comparing with the
// conditions table (see diff_conditions).
struct ConditionSet {
    std::string account;
    std::string scope;
    std::vector<Event> holding;  // kind = condition, state = firing
    // partial: `holding` lists only the conditions of what was re-evaluated, `released` the keys
    // that stopped holding; every other active key of the scope is left as it is. Lets a watch
    // that re-evaluates only changed items pay for what changed, not for all it watches.
    bool partial = false;
    std::vector<std::string> released;
};

// Where an event must be delivered: computed by the alert router, recorded by the store.
struct OutboxTarget {
    std::string channel;     // "telegram:-100123", "email", "event_log", "console"
    TimePoint not_before{};  // quiet hours / group_wait may push this later
};
using Router = std::function<std::vector<OutboxTarget>(const Event&)>;

struct ApplyBatch {
    std::vector<SnapshotDelta> snapshots;
    std::vector<Event> transitions;  // deduplicated by key: a key already recorded is ignored
    std::vector<ConditionSet> conditions;
    TimePoint now{};
};

struct ApplyResult {
    std::vector<Event> recorded;  // events actually written (with ids), in order
    int outbox_rows = 0;
    std::size_t snapshot_rows = 0;  // snapshot rows upserted or deleted
};

struct ActiveCondition {
    std::string account;
    std::string scope;
    std::string key;
    Event event;  // the last firing event (with current details/severity)
    TimePoint first_fired_at{};
    TimePoint last_announced_at{};
    long long last_event_id = 0;
};

// Pure: what the holding set means given the active (firing) conditions of the same scope.
// New key -> firing; a key that left -> resolved (copy of the last firing event, state
// resolved, detected_at = now); a key whose severity rose, or whose type changed at the same or
// a higher severity (one condition escalating through steps, e.g. cutoff_soon -> cutoff_missed)
// -> firing again. Keys that still hold otherwise produce nothing.
std::vector<Event> diff_conditions(const std::vector<ActiveCondition>& active,
                                   const std::vector<Event>& holding, TimePoint now);
// The same for a partial set: only keys in `holding` or `released` are looked at.
std::vector<Event> diff_conditions_partial(const std::map<std::string, ActiveCondition>& active,
                                           const std::vector<Event>& holding,
                                           const std::vector<std::string>& released,
                                           TimePoint now);
// True when a holding event must fire again over the active one (escalation).
bool escalates(const Event& holding, const Event& active);

enum class OutboxStatus { pending, sent, failed };

struct OutboxRow {
    long long id = 0;
    long long event_id = 0;
    std::string channel;
    std::string reason;  // "new" | "repeat" | "notice"
    OutboxStatus status = OutboxStatus::pending;
    int attempts = 0;
    TimePoint created_at{};
    TimePoint next_attempt_at{};
    std::string last_error;
    Event event;
};

// What the dispatcher's schedule needs of a pending outbox row (no event body, no JSON).
struct PendingMeta {
    TimePoint next_attempt_at{};
    TimePoint created_at{};
    bool critical = false;
};

// What the dispatcher's repeat index needs of an active condition (no event body, no JSON).
struct ConditionMeta {
    std::string account;
    std::string key;
    Severity severity = Severity::info;
    TimePoint last_announced_at{};
};

// What a commit changed, as told to change listeners (bit set).
enum StoreChange : unsigned {
    kOutboxAdded = 1u,        // new outbox rows (apply, enqueue, record_notice)
    kConditionsChanged = 2u,  // a condition fired, escalated or resolved (apply)
    kSilencesChanged = 4u,    // a silence was added or removed
};

// What a commit changed, as told to change listeners. With kConditionsChanged, `conditions`
// lists, in commit order, every condition that fired or escalated (its new repeat inputs) or
// resolved, so a listener can update its index entry by entry instead of re-reading them all.
struct ConditionChange {
    ConditionMeta meta;     // account and key always; severity and last_announced_at if fired
    bool resolved = false;  // the condition ended (its row is gone)
};
struct StoreChangeSet {
    unsigned bits = 0;  // StoreChange
    std::vector<ConditionChange> conditions;
};

struct Silence {
    long long id = 0;
    std::string matcher;  // an event type ("posting.stuck"), a type prefix ("posting.*") or a key
    std::string reason;
    TimePoint created_at{};
    TimePoint expires_at{};
    bool matches(const Event& e) const;
};

class Store {
public:
    // Opens (creating if needed) the database; runs forward migrations. Throws StoreError with
    // a recovery hint for a corrupt file or a schema newer than this build understands.
    // `vfs`: an SQLite VFS by name (tests open the store on one whose disk fills up); empty =
    // SQLite's default.
    explicit Store(const std::string& path, const std::string& vfs = {});
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::string& path() const { return path_; }
    int schema_version();

    // --- snapshots and cursors
    // A watch's rows; with `wanted`, only those it accepts (the others are neither copied nor
    // handed over: a reader that keeps what it parsed takes only the rows that changed).
    std::map<std::string, SnapshotItem> load_snapshot(const std::string& account, const std::string& watch,
                                                      const SnapshotRowFilter& wanted = {});
    bool has_snapshot(const std::string& account, const std::string& watch);
    // One row's JSON text by its key (a kept statement: a watch reads back an item it let rest
    // here, see SnapshotWatch); nullopt when there is no such row.
    std::optional<std::string> snapshot_row(const std::string& account, const std::string& watch,
                                            const std::string& key);
    // One field of a watch's items against another (e.g. the stocks' SKU -> offer_id), read by
    // SQLite from the rows' JSON without handing the rows over; rows lacking either field (or
    // whose JSON is damaged) are left out. Values as text (an integer 42 as "42").
    // `only_keys` (integers): just the rows whose key field is one of them. The rows' text is
    // searched for `"field":value` first (the engine writes compact JSON), so that only those
    // rows are parsed: a lookup in 100,000 rows costs a text scan, not 100,000 JSON parses.
    // With `only_keys`, and names of lowercase letters, digits and '_', the key field gets an
    // expression index on first use (kept in the file), so a lookup reads just those rows.
    std::unordered_map<std::string, std::string> snapshot_index(const std::string& account,
                                                                const std::string& watch,
                                                                const std::string& key_field,
                                                                const std::string& value_field,
                                                                const std::vector<long long>& only_keys = {});
    // Every cursor of a watch (name -> value).
    std::map<std::string, std::string> cursors(const std::string& account, const std::string& watch);
    std::optional<std::string> cursor(const std::string& account, const std::string& watch,
                                      const std::string& name);

    // --- the one atomic write. `route` is called for each event actually recorded; its
    // targets become outbox rows in the same transaction. `fail_after` (tests only) throws
    // after that many statements to prove that a failure halfway leaves no trace.
    ApplyResult apply(const ApplyBatch& batch, const Router& route);

    // --- conditions
    std::vector<ActiveCondition> active_conditions(const std::string& account = {},
                                                   const std::string& scope = {});
    void mark_announced(const std::string& account, const std::string& key, TimePoint when);
    // One active condition with its last event (one row, one JSON parse); nullopt if gone.
    std::optional<ActiveCondition> active_condition(const std::string& account, const std::string& key);
    // Every active condition's repeat inputs, without bodies (the dispatcher's repeat index).
    std::vector<ConditionMeta> condition_schedule();

    // --- outbox
    // Adds rows for an existing event (repeat announcements, failure notices).
    void enqueue(long long event_id, const std::vector<OutboxTarget>& targets,
                 const std::string& reason, TimePoint now);
    // Records a free-standing event (e.g. a delivery-failure notice) with outbox rows.
    Event record_notice(Event e, const std::vector<OutboxTarget>& targets, TimePoint now);
    std::vector<OutboxRow> due_outbox(const std::string& channel, TimePoint now, int limit = 500);
    std::vector<OutboxRow> pending_outbox(const std::string& channel = {});
    // The pending rows of a channel without bodies, by next_attempt_at (the dispatcher's schedule).
    std::vector<PendingMeta> pending_schedule(const std::string& channel);
    std::vector<std::string> channels_with_pending();
    void mark_sent(const std::vector<long long>& ids, TimePoint now);
    void mark_retry(const std::vector<long long>& ids, TimePoint next_attempt,
                    const std::string& error);
    void mark_failed(const std::vector<long long>& ids, const std::string& error, TimePoint now);
    // The channel answers again after an outage: its pending rows that wait for a later retry
    // become due at `now` (their attempt counts stay). Returns how many rows moved.
    int retry_now(const std::string& channel, TimePoint now);
    std::vector<OutboxRow> outbox_rows(std::optional<OutboxStatus> status = std::nullopt);

    // --- events
    std::vector<Event> events_since(TimePoint since, int limit = 1000);

    // --- retention: removes what was detected, created or expired before `cutoff` and is
    // history only: events no active condition and no outbox row still needs, delivered or
    // failed outbox rows, expired silences. Pending deliveries and every active condition's
    // event stay, however old. One transaction.
    struct PruneResult {
        long long events = 0;
        long long outbox_rows = 0;
        long long silences = 0;
        long long pushes = 0;  // processed push_inbox rows received before the cutoff
    };
    PruneResult prune(TimePoint cutoff);

    // --- Ozon push notifications (daemon/push_receiver.cpp): the inbox is written before the
    // push is answered; a consumer marks a row processed when it is done with it.
    struct PushInboxRow {
        long long id = 0;
        std::string dedup_key;
        std::string account;  // "" = not bound to an account (e.g. a category tree change)
        std::string message_type;
        std::string body;  // as received
        TimePoint received_at{};
    };
    // Records a push; false (and nothing written) when a push with this dedup key is already
    // there: Ozon's retry of the same message. `id`: the row's id (the existing row's on a
    // duplicate).
    bool record_push(const std::string& dedup_key, const std::string& account,
                     const std::string& message_type, const std::string& body, TimePoint now,
                     long long* id = nullptr);
    // Rows not yet processed, oldest first.
    std::vector<PushInboxRow> unprocessed_pushes(int limit = 1000);
    void mark_push_processed(long long id, TimePoint now);
    // Sets one cursor outside apply() (e.g. the push receiver's "last_ping").
    void set_cursor(const std::string& account, const std::string& watch, const std::string& name,
                    const std::string& value, TimePoint now);

    // --- silences
    long long add_silence(const std::string& matcher, TimePoint expires_at,
                          const std::string& reason, TimePoint now);
    std::vector<Silence> silences(TimePoint now, bool include_expired = false);
    bool remove_silence(long long id);

    // --- change listeners: called after a commit with what it changed, on the writer's
    // thread (keep them short: copy, set a flag, post to an executor). Thread-safe; once
    // unsubscribe() returns, the listener is not running and will not be called again.
    using ChangeListener = std::function<void(const StoreChangeSet& changes)>;
    long long subscribe(ChangeListener listener);
    void unsubscribe(long long id);

    // True when another connection (another process: `ozonwatch silence`, a second daemon)
    // has committed to the database since the previous call; the first call returns true.
    // Writes through this Store are told to listeners instead. One PRAGMA, no table read.
    bool changed_elsewhere();

    // Test hook: how many read queries the store has run (every public read method counts).
    long long reads_for_tests() const { return reads_.load(); }

    // Test hook: make apply() throw after N statements inside its transaction.
    void set_fail_after_for_tests(int statements) { fail_after_ = statements; statements_ = 0; }

private:
    using ScopeKey = std::pair<std::string, std::string>;  // account, scope
    // The active conditions of a scope as apply() last left them. apply() is the only writer
    // of the conditions table, so the copy saves parsing every stored body on every poll.
    const std::map<std::string, ActiveCondition>& cached_active(const ScopeKey& scope_key);
    void migrate();
    void notify(const StoreChangeSet& changes);
    void notify(unsigned changes) { notify(StoreChangeSet{changes, {}}); }
    void count_read() { reads_.fetch_add(1, std::memory_order_relaxed); }
    // A kept prepared statement (created on first use), reset with bindings cleared; call
    // under mu_ and reset it again when done (StatementReset) so it holds no read snapshot.
    SQLite::Statement& prepared(std::unique_ptr<SQLite::Statement>& slot, const char* sql);
    void check_statement_budget();
    long long insert_event(const Event& e, const std::string& scope);
    // `event`: the event the rows announce, as stored, for the pending mirror (nullptr: not
    // at hand, the mirror is reloaded after the commit).
    void insert_outbox(long long event_id, const std::vector<OutboxTarget>& targets,
                       const std::string& reason, TimePoint now, const Event* event);
    // The pending mirror, current with the file (reloaded when another connection wrote).
    std::map<std::string, std::map<long long, OutboxRow>>& pending_rows();
    // After a commit: rows staged by insert_outbox join the mirror (or it is dropped).
    void publish_staged_outbox();
    void forget_pending(const std::vector<long long>& ids);  // sent or failed: out of the mirror
    long long data_version();
    // The name of the expression index of (watch, field), made if missing; nullopt when the
    // names cannot be used in SQL text as they are, or the index could not be made.
    std::optional<std::string> field_index(const std::string& watch, const std::string& field);

    std::string path_;
    std::unique_ptr<SQLite::Database> db_;
    // Kept prepared statements of the hot queries (declared after db_: finalized before it).
    std::unique_ptr<SQLite::Statement> st_due_outbox_, st_pending_meta_, st_condition_meta_,
        st_condition_one_, st_mark_announced_, st_mark_sent_, st_mark_retry_, st_retry_now_, st_mark_failed_,
        st_silences_, st_insert_outbox_, st_insert_event_, st_transition_seen_, st_snapshot_keys_,
        st_upsert_snapshot_, st_delete_snapshot_, st_upsert_cursor_, st_upsert_condition_,
        st_delete_condition_, st_update_event_body_, st_data_version_, st_snapshot_row_;
    std::atomic<long long> reads_{0};
    std::mutex listeners_mu_;
    long long next_listener_ = 0;
    std::map<long long, ChangeListener> listeners_;
    std::recursive_mutex mu_;
    std::optional<long long> data_version_;  // changed_elsewhere()'s last look
    std::map<std::pair<std::string, std::string>, std::optional<std::string>> field_indexes_;
    // The pending outbox rows by channel and id, with their events: the dispatcher reads them
    // at every flush, and a query that parses every event body again cost more than the rest
    // of a poll. Loaded from the file on first use; every outbox write here updates it after
    // its commit; dropped when another connection wrote (PRAGMA data_version moved).
    struct PendingMirror {
        bool loaded = false;
        long long data_version = 0;
        std::map<std::string, std::map<long long, OutboxRow>> by_channel;
    } pending_;
    std::vector<OutboxRow> staged_outbox_;  // inserted by the open transaction
    bool staged_unknown_ = false;           // ... and rows whose event was not at hand
    int fail_after_ = -1;
    int statements_ = 0;
    std::map<ScopeKey, std::map<std::string, ActiveCondition>> active_cache_;

public:
    // --- metrics (daemon/metrics_endpoint.cpp, at each scrape): the pending outbox rows of
    // each channel that has any, by channel. `oldest_waiting_since`: when the longest-waiting
    // row became due; a row never tried counts from its first due time (a row held back by
    // quiet hours counts from their end, and one not due yet from the future), a row already
    // tried from its creation. One aggregate query.
    struct OutboxChannelStats {
        std::string channel;
        long long pending = 0;
        TimePoint oldest_waiting_since{};
    };
    std::vector<OutboxChannelStats> outbox_stats();
};

const char* to_string(OutboxStatus s);

}  // namespace ozw
