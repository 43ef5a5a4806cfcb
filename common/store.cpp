#include "common/store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <tuple>

#include "common/config.hpp"
#include "common/logging.hpp"
#include "common/time.hpp"

namespace ozw {
namespace {

long long ms(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint tp(long long v) { return TimePoint{Millis{v}}; }

// Resets a kept statement when the scope ends (also on an exception), so that it holds no
// read snapshot open between uses (a WAL checkpoint could not pass it).
struct StatementReset {
    SQLite::Statement& q;
    ~StatementReset() {
        try {
            q.reset();
        } catch (...) {
        }
    }
};

// Forward migrations: index i upgrades schema version i to i+1. Never edit a shipped entry;
// append a new one and bump kSchemaVersion.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE snapshots(
  account TEXT NOT NULL, watch TEXT NOT NULL, item_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL, data TEXT NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  PRIMARY KEY(account, watch, item_key)) WITHOUT ROWID;
CREATE TABLE cursors(
  account TEXT NOT NULL, watch TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY(account, watch, name)) WITHOUT ROWID;
CREATE TABLE events(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uid TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL, type TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
  state TEXT NOT NULL, account TEXT NOT NULL, scope TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  occurred_at INTEGER NOT NULL, detected_at INTEGER NOT NULL);
-- A transition happens once: its dedupe key is unique among transitions.
CREATE UNIQUE INDEX events_transition_key ON events(account, key) WHERE kind = 'transition';
CREATE INDEX events_detected ON events(detected_at);
CREATE TABLE conditions(
  account TEXT NOT NULL, scope TEXT NOT NULL, key TEXT NOT NULL,
  last_event_id INTEGER NOT NULL REFERENCES events(id),
  first_fired_at INTEGER NOT NULL, last_announced_at INTEGER NOT NULL,
  PRIMARY KEY(account, key)) WITHOUT ROWID;
CREATE INDEX conditions_scope ON conditions(account, scope);
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL REFERENCES events(id),
  channel TEXT NOT NULL, reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','sent','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
  sent_at INTEGER, last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX outbox_due ON outbox(channel, status, next_attempt_at);
CREATE TABLE silences(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  matcher TEXT NOT NULL, reason TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
)sql",
    // 1 -> 2: Ozon push notifications, written before they are answered.
    R"sql(
CREATE TABLE push_inbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedup_key TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL, message_type TEXT NOT NULL, body TEXT NOT NULL,
  received_at INTEGER NOT NULL, processed_at INTEGER);
CREATE INDEX push_inbox_unprocessed ON push_inbox(id) WHERE processed_at IS NULL;
CREATE INDEX push_inbox_received ON push_inbox(received_at);
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

std::string new_uid() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char* hex = "0123456789abcdef";
    std::string s(32, '0');
    for (auto& c : s) c = hex[rng() & 15];
    return s;
}

std::string event_body(const Event& e) {
    nlohmann::json j = to_json(e);
    return j.dump();
}

Event event_from_row(SQLite::Statement& q, int body_col, long long id) {
    Event e = event_from_json(nlohmann::json::parse(q.getColumn(body_col).getString()));
    if (e.id.empty()) e.id = std::to_string(id);
    return e;
}

// One row of "SELECT c.account, c.scope, c.key, c.last_event_id, c.first_fired_at,
// c.last_announced_at, e.body FROM conditions c JOIN events e ...".
ActiveCondition active_from_row(SQLite::Statement& q) {
    ActiveCondition a;
    a.account = q.getColumn(0).getString();
    a.scope = q.getColumn(1).getString();
    a.key = q.getColumn(2).getString();
    a.last_event_id = q.getColumn(3).getInt64();
    a.first_fired_at = tp(q.getColumn(4).getInt64());
    a.last_announced_at = tp(q.getColumn(5).getInt64());
    a.event = event_from_row(q, 6, a.last_event_id);
    return a;
}

OutboxStatus parse_status(const std::string& s) {
    if (s == "sent") return OutboxStatus::sent;
    if (s == "failed") return OutboxStatus::failed;
    return OutboxStatus::pending;
}

const char* const kOutboxSelect =
    "SELECT o.id, o.event_id, o.channel, o.reason, o.status, o.attempts, o.created_at, "
    "o.next_attempt_at, o.last_error, e.body FROM outbox o JOIN events e ON e.id = o.event_id ";

OutboxRow outbox_from_row(SQLite::Statement& q) {
    OutboxRow r;
    r.id = q.getColumn(0).getInt64();
    r.event_id = q.getColumn(1).getInt64();
    r.channel = q.getColumn(2).getString();
    r.reason = q.getColumn(3).getString();
    r.status = parse_status(q.getColumn(4).getString());
    r.attempts = q.getColumn(5).getInt();
    r.created_at = tp(q.getColumn(6).getInt64());
    r.next_attempt_at = tp(q.getColumn(7).getInt64());
    r.last_error = q.getColumn(8).getString();
    r.event = event_from_row(q, 9, r.event_id);
    return r;
}

}  // namespace

const char* to_string(OutboxStatus s) {
    switch (s) {
        case OutboxStatus::pending: return "pending";
        case OutboxStatus::sent: return "sent";
        case OutboxStatus::failed: return "failed";
    }
    return "pending";
}

bool Silence::matches(const Event& e) const {
    if (matcher.empty()) return false;
    if (matcher == e.type || matcher == e.key) return true;
    if (matcher.size() > 1 && matcher.back() == '*') {
        std::string_view prefix(matcher.data(), matcher.size() - 1);
        return std::string_view(e.type).starts_with(prefix) ||
               std::string_view(e.key).starts_with(prefix);
    }
    return false;
}

bool escalates(const Event& h, const Event& active) {
    return h.severity > active.severity || (h.type != active.type && h.severity >= active.severity);
}

namespace {

Event firing_event(const Event& h, TimePoint now) {
    Event e = h;
    e.kind = EventKind::condition;
    e.state = EventState::firing;
    if (e.detected_at == TimePoint{}) e.detected_at = now;
    if (e.occurred_at == TimePoint{}) e.occurred_at = now;
    return e;
}

Event resolved_event(const ActiveCondition& a, TimePoint now) {
    Event e = a.event;
    e.id.clear();
    e.kind = EventKind::condition;
    e.state = EventState::resolved;
    e.occurred_at = now;
    e.detected_at = now;
    return e;
}

// Both diffs: `partial` looks only at the keys named (holding, released); otherwise every
// active key not holding is resolved.
std::vector<Event> diff_impl(const std::map<std::string, ActiveCondition>& active,
                             const std::vector<Event>& holding,
                             const std::vector<std::string>& released, bool partial, TimePoint now) {
    std::vector<Event> out;
    std::set<std::string> seen;
    for (const auto& h : holding) {
        if (!seen.insert(h.key).second) continue;  // a watch listing a key twice fires once
        auto it = active.find(h.key);
        if (it == active.end() || escalates(h, it->second.event)) out.push_back(firing_event(h, now));
    }
    if (partial) {
        for (const auto& k : released) {
            if (seen.count(k)) continue;
            auto it = active.find(k);
            if (it != active.end()) out.push_back(resolved_event(it->second, now));
        }
    } else {
        for (const auto& [k, a] : active)
            if (!seen.count(k)) out.push_back(resolved_event(a, now));
    }
    return out;
}

}  // namespace

std::vector<Event> diff_conditions(const std::vector<ActiveCondition>& active,
                                   const std::vector<Event>& holding, TimePoint now) {
    std::map<std::string, ActiveCondition> by_key;
    for (const auto& a : active) by_key.emplace(a.key, a);
    return diff_impl(by_key, holding, {}, false, now);
}

std::vector<Event> diff_conditions_partial(const std::map<std::string, ActiveCondition>& active,
                                           const std::vector<Event>& holding,
                                           const std::vector<std::string>& released,
                                           TimePoint now) {
    return diff_impl(active, holding, released, true, now);
}

namespace {
// Read-only or not ours: the contents are fine, and they hold the queued alerts. Moving the file
// aside would lose them; the fix is the owner, the mode or the mount.
std::string readonly_hint(const std::string& path, const std::string& why) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    return "cannot write the state database " + path + " (" + why +
           "). Its contents are not at fault: do NOT move it aside (it holds the alerts not yet "
           "delivered). Make the folder " + dir + " and the files in it writable by the service's user "
           "(chown -R ozonwatch:ozonwatch " + dir + "), or remount the file system read-write, "
           "then start the service again.";
}
}  // namespace

Store::Store(const std::string& path, const std::string& vfs) : path_(path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    auto parent = fs::path(path).parent_path();
    // What we create is ours alone, whatever the umask: the folder 0700, the database 0600
    // (SQLite gives its -wal and -shm files the database's mode). Existing ones are left as
    // the administrator made them.
    if (!parent.empty() && !fs::exists(parent, ec)) {
        fs::create_directories(parent, ec);
        fs::permissions(parent, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    const bool created = path != ":memory:" && path.rfind("file:", 0) != 0 && !fs::exists(path, ec);
    try {
        if (created) {
            // Made empty with the right mode before SQLite opens it: never readable by others,
            // not even for a moment.
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd >= 0) ::close(fd);
        }
        db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                                           SQLite::OPEN_FULLMUTEX, 0, vfs);
        db_->setBusyTimeout(5000);
        // Fails with SQLITE_NOTADB on a file that is not a database.
        db_->exec("PRAGMA journal_mode=WAL");
        db_->exec("PRAGMA synchronous=FULL");
        db_->exec("PRAGMA foreign_keys=ON");
        std::string check = db_->execAndGet("PRAGMA quick_check").getString();
        if (check != "ok") throw StoreError("integrity check failed: " + check);
    } catch (const StoreError& e) {
        throw StoreUnusable("state database " + path + " is corrupt (" + e.what() +
                         "). ozonwatch will not touch it. To recover: stop the service, move the "
                         "file aside (mv " + path + " " + path + ".corrupt), and start again; "
                         "the first poll then rebuilds a silent baseline. Or try "
                         "`sqlite3 " + path + " .recover`.");
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xff;  // the primary result code
        if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_CANTOPEN || code == SQLITE_AUTH)
            throw StoreUnusable(readonly_hint(path, e.what()));
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            throw StoreUnusable("state database " + path + " is not a usable database (" + e.what() +
                                "). ozonwatch will not touch it. To recover: stop the service, move "
                                "the file aside (mv " + path + " " + path + ".corrupt), and start "
                                "again; the first poll then rebuilds a silent baseline.");
        throw StoreError("cannot open state database " + path + ": " + e.what());
    }
    // SQLite opens a write-protected file read-only without a word; every write would fail.
    if (sqlite3_db_readonly(db_->getHandle(), "main") == 1)
        throw StoreUnusable(readonly_hint(path, "the database was opened read-only"));
    migrate();
}

Store::~Store() = default;

SQLite::Statement& Store::prepared(std::unique_ptr<SQLite::Statement>& slot, const char* sql) {
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(*db_, sql);
    } else {
        slot->reset();
        slot->clearBindings();
    }
    return *slot;
}

long long Store::subscribe(ChangeListener listener) {
    std::lock_guard lk(listeners_mu_);
    long long id = ++next_listener_;
    listeners_.emplace(id, std::move(listener));
    return id;
}

void Store::unsubscribe(long long id) {
    std::lock_guard lk(listeners_mu_);
    listeners_.erase(id);
}

void Store::notify(const StoreChangeSet& changes) {
    if (!changes.bits) return;
    std::lock_guard lk(listeners_mu_);
    for (auto& [id, l] : listeners_) {
        try {
            l(changes);
        } catch (...) {
        }
    }
}

bool Store::changed_elsewhere() {
    std::lock_guard lk(mu_);
    // data_version moves when another connection commits, never for this one's own writes.
    const long long v = data_version();
    const bool changed = !data_version_ || *data_version_ != v;
    data_version_ = v;
    return changed;
}

int Store::schema_version() {
    std::lock_guard lk(mu_);
    return db_->execAndGet("PRAGMA user_version").getInt();
}

void Store::migrate() {
    int version = db_->execAndGet("PRAGMA user_version").getInt();
    if (version > kSchemaVersion) {
        // Unusable, not a passing failure: `run` exits 73 and systemd does not restart it into
        // the same refusal over and over.
        throw StoreUnusable("state database " + path_ + " has schema version " +
                         std::to_string(version) + ", newer than this ozonwatch understands (" +
                         std::to_string(kSchemaVersion) +
                         "). It was written by a newer release: install that release again, or "
                         "move the file aside to start from a fresh baseline. Nothing was changed.");
    }
    for (int v = version; v < kSchemaVersion; ++v) {
        SQLite::Transaction tx(*db_);
        db_->exec(kMigrations[v]);
        db_->exec("PRAGMA user_version=" + std::to_string(v + 1));
        tx.commit();
    }
}

std::map<std::string, SnapshotItem> Store::load_snapshot(const std::string& account, const std::string& watch,
                                                         const SnapshotRowFilter& wanted) {
    std::lock_guard lk(mu_);
    count_read();
    std::map<std::string, SnapshotItem> out;
    SQLite::Statement q(*db_,
                        "SELECT item_key, fingerprint, last_seen, data, first_seen FROM snapshots "
                        "WHERE account=? AND watch=? ORDER BY item_key");
    q.bind(1, account);
    q.bind(2, watch);
    auto view = [](const SQLite::Column& c) {
        return std::string_view(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
    };
    while (q.executeStep()) {
        const SQLite::Column key = q.getColumn(0), fingerprint = q.getColumn(1);
        const TimePoint last_seen = tp(q.getColumn(2).getInt64());
        // The row's text is copied only when it is handed over.
        if (wanted && !wanted(SnapshotRowHead{view(key), view(fingerprint), last_seen})) continue;
        SnapshotItem it;
        it.key = key.getString();
        it.fingerprint = fingerprint.getString();
        it.last_seen = last_seen;
        it.data = q.getColumn(3).getString();
        it.first_seen = tp(q.getColumn(4).getInt64());
        out.emplace(it.key, std::move(it));
    }
    return out;
}

namespace {
// A name that may stand in SQL text as it is (an index's name, a JSON path, a literal).
bool plain_identifier(const std::string& s) {
    return !s.empty() && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}
// The field's value as the expression index holds it: null for a damaged row, whose
// json_extract would otherwise fail every write and delete of that row.
std::string field_expression(const std::string& field) {
    return "(CASE WHEN json_valid(data) THEN json_extract(data, '$." + field + "') END)";
}
}  // namespace

std::optional<std::string> Store::field_index(const std::string& watch, const std::string& field) {
    if (!plain_identifier(watch) || !plain_identifier(field)) return std::nullopt;
    const auto key = std::make_pair(watch, field);
    if (auto it = field_indexes_.find(key); it != field_indexes_.end()) return it->second;
    // Made on first use rather than by a migration: the store knows no watch's fields. One
    // pass over the watch's rows once; after that each write of such a row evaluates the field.
    const std::string name = "snapshots_" + watch + "_" + field;
    std::optional<std::string> made;
    try {
        db_->exec("CREATE INDEX IF NOT EXISTS " + name + " ON snapshots(account, " + field_expression(field) +
                  ") WHERE watch = '" + watch + "'");
        made = name;
    } catch (const std::exception& e) {
        // Lookups still work, by a scan of the rows' text.
        spdlog::warn("state database: no index on {}'s \"{}\" ({}); lookups scan the rows", watch, field, e.what());
    }
    field_indexes_.emplace(key, made);
    return made;
}

std::unordered_map<std::string, std::string> Store::snapshot_index(const std::string& account,
                                                                   const std::string& watch,
                                                                   const std::string& key_field,
                                                                   const std::string& value_field,
                                                                   const std::vector<long long>& only_keys) {
    std::lock_guard lk(mu_);
    count_read();
    std::unordered_map<std::string, std::string> out;
    std::set<std::string> wanted;
    nlohmann::json keys = nlohmann::json::array(), needles = nlohmann::json::array();
    for (long long k : only_keys) {
        keys.push_back(k);
        needles.push_back("\"" + key_field + "\":" + std::to_string(k));
        wanted.insert(std::to_string(k));
    }
    // Keys asked for: looked up in an expression index of the key field (a few rows read
    // instead of every row's text). INDEXED BY, since without statistics SQLite's planner
    // prefers scanning the primary key's range of the watch.
    const auto index = only_keys.empty() ? std::nullopt : field_index(watch, key_field);
    std::string sql = "SELECT json_extract(data, ?1), json_extract(data, ?2) FROM snapshots";
    if (index) {
        sql += " INDEXED BY " + *index + " WHERE account=?3 AND watch=?4 AND watch='" + watch + "' AND " +
               field_expression(key_field) + " IN (SELECT value FROM json_each(?5))";
    } else {
        // json_valid first: json_extract fails the whole statement on one damaged row. With
        // keys asked for, a row is parsed only when its text holds one of the `"field":value`
        // needles.
        sql += " WHERE account=?3 AND watch=?4";
        sql += only_keys.empty()
                   ? std::string(" AND json_valid(data)")
                   : std::string(" AND EXISTS (SELECT 1 FROM json_each(?5) n WHERE instr(data, n.value) > 0)"
                                 " AND json_valid(data)");
    }
    SQLite::Statement q(*db_, sql);
    q.bind(1, "$." + key_field);
    q.bind(2, "$." + value_field);
    q.bind(3, account);
    q.bind(4, watch);
    if (!only_keys.empty()) q.bind(5, (index ? keys : needles).dump());
    while (q.executeStep()) {
        const auto key = q.getColumn(0), value = q.getColumn(1);
        if (key.isNull() || value.isNull()) continue;
        std::string k = key.getString();
        if (!wanted.empty() && !wanted.count(k)) continue;  // a needle inside another number or field
        out.emplace(std::move(k), value.getString());
    }
    return out;
}

std::optional<std::string> Store::snapshot_row(const std::string& account, const std::string& watch,
                                               const std::string& key) {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement& q =
        prepared(st_snapshot_row_, "SELECT data FROM snapshots WHERE account=? AND watch=? AND item_key=?");
    StatementReset reset{q};
    q.bind(1, account);
    q.bind(2, watch);
    q.bind(3, key);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
}

bool Store::has_snapshot(const std::string& account, const std::string& watch) {
    std::lock_guard lk(mu_);
    count_read();
    // A watch that has completed a poll has at least its "baseline" cursor, even when the
    // snapshot itself is empty (a shop with no postings).
    SQLite::Statement q(*db_,
                        "SELECT 1 FROM cursors WHERE account=? AND watch=? AND name='baseline' "
                        "UNION ALL SELECT 1 FROM snapshots WHERE account=? AND watch=? LIMIT 1");
    q.bind(1, account);
    q.bind(2, watch);
    q.bind(3, account);
    q.bind(4, watch);
    return q.executeStep();
}

std::map<std::string, std::string> Store::cursors(const std::string& account,
                                                 const std::string& watch) {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement q(*db_, "SELECT name, value FROM cursors WHERE account=? AND watch=?");
    q.bind(1, account);
    q.bind(2, watch);
    std::map<std::string, std::string> out;
    while (q.executeStep()) out.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
    return out;
}

std::optional<std::string> Store::cursor(const std::string& account, const std::string& watch,
                                         const std::string& name) {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement q(*db_, "SELECT value FROM cursors WHERE account=? AND watch=? AND name=?");
    q.bind(1, account);
    q.bind(2, watch);
    q.bind(3, name);
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
}

void Store::check_statement_budget() {
    if (fail_after_ >= 0 && ++statements_ > fail_after_)
        throw StoreError("injected failure inside apply (test)");
}

long long Store::insert_event(const Event& e, const std::string& scope) {
    SQLite::Statement& q = prepared(st_insert_event_,
                                    "INSERT INTO events(uid, key, type, kind, severity, state, account, body, "
                                    "occurred_at, detected_at, scope) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    StatementReset reset{q};
    q.bind(1, e.id);
    q.bind(2, e.key);
    q.bind(3, e.type);
    q.bind(4, to_string(e.kind));
    q.bind(5, to_string(e.severity));
    q.bind(6, to_string(e.state));
    q.bind(7, e.account);
    q.bind(8, event_body(e));
    q.bind(9, static_cast<int64_t>(ms(e.occurred_at)));
    q.bind(10, static_cast<int64_t>(ms(e.detected_at)));
    q.bind(11, scope);
    q.exec();
    return db_->getLastInsertRowid();
}

void Store::insert_outbox(long long event_id, const std::vector<OutboxTarget>& targets,
                          const std::string& reason, TimePoint now, const Event* event) {
    if (targets.empty()) return;
    SQLite::Statement& q = prepared(st_insert_outbox_,
                                    "INSERT INTO outbox(event_id, channel, reason, created_at, next_attempt_at) "
                                    "VALUES(?,?,?,?,?)");
    StatementReset reset{q};
    for (const auto& t : targets) {
        check_statement_budget();
        q.bind(1, static_cast<int64_t>(event_id));
        q.bind(2, t.channel);
        q.bind(3, reason);
        q.bind(4, static_cast<int64_t>(ms(now)));
        q.bind(5, static_cast<int64_t>(ms(std::max(now, t.not_before))));
        q.exec();
        q.reset();
        if (!event) {
            staged_unknown_ = true;
            continue;
        }
        OutboxRow r;
        r.id = db_->getLastInsertRowid();
        r.event_id = event_id;
        r.channel = t.channel;
        r.reason = reason;
        r.created_at = now;
        r.next_attempt_at = std::max(now, t.not_before);
        r.event = *event;
        // As event_from_json would read the stored body back.
        if (!r.event.details.is_object()) r.event.details = nlohmann::json::object();
        if (r.event.id.empty()) r.event.id = std::to_string(event_id);
        staged_outbox_.push_back(std::move(r));
    }
}

long long Store::data_version() {
    SQLite::Statement& q = prepared(st_data_version_, "PRAGMA data_version");
    StatementReset reset{q};
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::map<std::string, std::map<long long, OutboxRow>>& Store::pending_rows() {
    const long long v = data_version();
    if (!pending_.loaded || pending_.data_version != v) {
        pending_.by_channel.clear();
        SQLite::Statement q(*db_, std::string(kOutboxSelect) + "WHERE o.status='pending'");
        while (q.executeStep()) {
            OutboxRow r = outbox_from_row(q);
            auto& ch = pending_.by_channel[r.channel];
            const long long id = r.id;
            ch.emplace(id, std::move(r));
        }
        pending_.loaded = true;
        pending_.data_version = v;
    }
    return pending_.by_channel;
}

void Store::publish_staged_outbox() {
    if (staged_unknown_) {
        pending_.loaded = false;
    } else if (pending_.loaded) {
        for (auto& r : staged_outbox_) {
            auto& ch = pending_.by_channel[r.channel];
            const long long id = r.id;
            ch.emplace(id, std::move(r));
        }
    }
    staged_outbox_.clear();
    staged_unknown_ = false;
}

ApplyResult Store::apply(const ApplyBatch& batch, const Router& route) {
    std::lock_guard lk(mu_);
    ApplyResult result;
    statements_ = 0;
    const TimePoint now = batch.now;
    staged_outbox_.clear();  // left by a transaction that failed
    staged_unknown_ = false;
    SQLite::Transaction tx(*db_);

    for (const auto& d : batch.snapshots) {
        std::vector<std::string> removals = d.removals;
        std::set<std::string> keep;  // with replace_all: every upserted key
        SQLite::Statement& up = prepared(st_upsert_snapshot_,
                                         "INSERT INTO snapshots(account, watch, item_key, fingerprint, data, "
                                         "first_seen, last_seen) VALUES(?,?,?,?,?,?,?) "
                                         "ON CONFLICT(account, watch, item_key) DO UPDATE SET "
                                         "fingerprint=excluded.fingerprint, data=excluded.data, "
                                         "last_seen=excluded.last_seen");
        StatementReset up_reset{up};
        auto upsert = [&](const SnapshotItem& u) {
            check_statement_budget();
            up.bind(1, d.account);
            up.bind(2, d.watch);
            up.bind(3, u.key);
            up.bind(4, u.fingerprint);
            up.bind(5, u.data);
            up.bind(6, static_cast<int64_t>(ms(now)));
            up.bind(7, static_cast<int64_t>(ms(now)));
            up.exec();
            up.reset();
            ++result.snapshot_rows;
            if (d.replace_all) keep.insert(u.key);
        };
        for (const auto& u : d.upserts) upsert(u);
        if (d.more_upserts)
            for (SnapshotItem u; d.more_upserts(u);) upsert(u);
        if (d.replace_all) {
            // Delete what is not in the new full snapshot (first_seen of what stays is kept by
            // the upsert).
            SQLite::Statement& sel =
                prepared(st_snapshot_keys_, "SELECT item_key FROM snapshots WHERE account=? AND watch=?");
            StatementReset sel_reset{sel};
            sel.bind(1, d.account);
            sel.bind(2, d.watch);
            while (sel.executeStep()) {
                auto k = sel.getColumn(0).getString();
                if (!keep.count(k)) removals.push_back(std::move(k));
            }
        }
        SQLite::Statement& del =
            prepared(st_delete_snapshot_, "DELETE FROM snapshots WHERE account=? AND watch=? AND item_key=?");
        StatementReset del_reset{del};
        for (const auto& k : removals) {
            check_statement_budget();
            del.bind(1, d.account);
            del.bind(2, d.watch);
            del.bind(3, k);
            del.exec();
            del.reset();
            ++result.snapshot_rows;
        }
        SQLite::Statement& cur = prepared(st_upsert_cursor_,
                                          "INSERT INTO cursors(account, watch, name, value, updated_at) "
                                          "VALUES(?,?,?,?,?) ON CONFLICT(account, watch, name) DO UPDATE SET "
                                          "value=excluded.value, updated_at=excluded.updated_at");
        StatementReset cur_reset{cur};
        auto put_cursor = [&](const std::string& name, const std::string& value) {
            check_statement_budget();
            cur.bind(1, d.account);
            cur.bind(2, d.watch);
            cur.bind(3, name);
            cur.bind(4, value);
            cur.bind(5, static_cast<int64_t>(ms(now)));
            cur.exec();
            cur.reset();
        };
        for (const auto& [name, value] : d.cursors) put_cursor(name, value);
        if (!d.cursors.count("baseline")) put_cursor("baseline", format_iso8601(now));
    }

    auto record = [&](Event e, const std::string& scope) -> std::optional<long long> {
        if (e.id.empty()) e.id = new_uid();
        if (e.detected_at == TimePoint{}) e.detected_at = now;
        if (e.occurred_at == TimePoint{}) e.occurred_at = e.detected_at;
        check_statement_budget();
        if (e.kind == EventKind::transition) {
            SQLite::Statement& dup = prepared(
                st_transition_seen_, "SELECT 1 FROM events WHERE account=? AND key=? AND kind='transition'");
            StatementReset dup_reset{dup};
            dup.bind(1, e.account);
            dup.bind(2, e.key);
            if (dup.executeStep()) return std::nullopt;  // already recorded: not news again
        }
        long long id = insert_event(e, scope);
        if (route) {
            auto targets = route(e);
            insert_outbox(id, targets, "new", now, &e);
            result.outbox_rows += static_cast<int>(targets.size());
        }
        result.recorded.push_back(std::move(e));
        return id;
    };

    for (const auto& t : batch.transitions) {
        Event e = t;
        e.kind = EventKind::transition;
        record(std::move(e), "");
    }

    // Changes to the in-memory copy of the conditions table (key -> new value, nullopt =
    // gone), applied only after the commit so that a failed transaction leaves the cache as
    // consistent with the file as the file is. Only keys that changed are touched.
    using CacheChanges = std::map<std::string, std::optional<ActiveCondition>>;
    std::vector<std::pair<ScopeKey, CacheChanges>> cache_updates;
    StoreChangeSet told;  // for the change listeners (the dispatcher's repeat index)
    for (const auto& set : batch.conditions) {
        const ScopeKey scope_key{set.account, set.scope};
        const std::map<std::string, ActiveCondition>& active = cached_active(scope_key);
        CacheChanges changes;
        for (auto& diffed : diff_impl(active, set.holding, set.released, set.partial, now)) {
            diffed.account = set.account;
            auto id = record(std::move(diffed), set.scope);
            if (!id) continue;
            const Event& e = result.recorded.back();  // as recorded (id, times filled in)
            check_statement_budget();
            if (e.state == EventState::firing) {
                SQLite::Statement& up = prepared(
                    st_upsert_condition_,
                    "INSERT INTO conditions(account, scope, key, last_event_id, "
                    "first_fired_at, last_announced_at) VALUES(?,?,?,?,?,?) "
                    "ON CONFLICT(account, key) DO UPDATE SET "
                    "last_event_id=excluded.last_event_id, "
                    "last_announced_at=excluded.last_announced_at, scope=excluded.scope");
                StatementReset up_reset{up};
                up.bind(1, set.account);
                up.bind(2, set.scope);
                up.bind(3, e.key);
                up.bind(4, static_cast<int64_t>(*id));
                up.bind(5, static_cast<int64_t>(ms(now)));
                up.bind(6, static_cast<int64_t>(ms(now)));
                up.exec();
                ActiveCondition c;
                auto was = active.find(e.key);
                // An escalation keeps its first time.
                c.first_fired_at = was != active.end() ? was->second.first_fired_at : now;
                c.account = set.account;
                c.scope = set.scope;
                c.key = e.key;
                c.event = e;
                c.last_announced_at = now;
                c.last_event_id = *id;
                changes[e.key] = std::move(c);
                told.conditions.push_back({ConditionMeta{set.account, e.key, e.severity, now}, false});
            } else {
                SQLite::Statement& del =
                    prepared(st_delete_condition_, "DELETE FROM conditions WHERE account=? AND key=?");
                StatementReset del_reset{del};
                del.bind(1, set.account);
                del.bind(2, e.key);
                del.exec();
                changes[e.key] = std::nullopt;
                told.conditions.push_back({ConditionMeta{set.account, e.key, e.severity, now}, true});
            }
        }
        // Keep the stored details of still-holding conditions current (days waiting, ...)
        // without announcing them: the next repeat shows fresh figures.
        SQLite::Statement& upd = prepared(st_update_event_body_, "UPDATE events SET body=? WHERE id=?");
        StatementReset upd_reset{upd};
        for (const auto& h : set.holding) {
            if (changes.count(h.key)) continue;  // fired again (or resolved) just now
            auto it = active.find(h.key);
            if (it == active.end()) continue;
            const Event& stored = it->second.event;
            // Most conditions are unchanged from one poll to the next: write only real changes.
            if (h.details == stored.details && h.title == stored.title && h.url == stored.url &&
                h.type == stored.type)
                continue;
            Event cur = h;
            cur.id = stored.id;
            cur.account = set.account;
            cur.kind = EventKind::condition;
            cur.state = EventState::firing;
            cur.occurred_at = stored.occurred_at;
            cur.detected_at = stored.detected_at;
            cur.severity = stored.severity;
            check_statement_budget();
            upd.bind(1, event_body(cur));
            upd.bind(2, static_cast<int64_t>(it->second.last_event_id));
            upd.exec();
            upd.reset();
            ActiveCondition c = it->second;
            c.event = std::move(cur);
            changes[h.key] = std::move(c);
        }
        cache_updates.emplace_back(scope_key, std::move(changes));
    }

    tx.commit();
    publish_staged_outbox();
    for (auto& [scope_key, changes] : cache_updates) {
        auto& cache = active_cache_[scope_key];
        for (auto& [key, c] : changes) {
            if (c) cache[key] = std::move(*c);
            else cache.erase(key);
        }
    }
    told.bits = (result.outbox_rows > 0 ? kOutboxAdded : 0u) | (told.conditions.empty() ? 0u : kConditionsChanged);
    notify(told);
    return result;
}

std::vector<ActiveCondition> Store::active_conditions(const std::string& account,
                                                      const std::string& scope) {
    std::lock_guard lk(mu_);
    count_read();
    std::string sql =
        "SELECT c.account, c.scope, c.key, c.last_event_id, c.first_fired_at, "
        "c.last_announced_at, e.body FROM conditions c JOIN events e ON e.id = c.last_event_id";
    std::vector<std::string> where;
    if (!account.empty()) where.push_back("c.account=?");
    if (!scope.empty()) where.push_back("c.scope=?");
    for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
    sql += " ORDER BY c.first_fired_at, c.key";
    SQLite::Statement q(*db_, sql);
    int n = 1;
    if (!account.empty()) q.bind(n++, account);
    if (!scope.empty()) q.bind(n++, scope);
    std::vector<ActiveCondition> out;
    while (q.executeStep()) {
        out.push_back(active_from_row(q));
    }
    return out;
}

const std::map<std::string, ActiveCondition>& Store::cached_active(const ScopeKey& scope_key) {
    auto it = active_cache_.find(scope_key);
    if (it == active_cache_.end()) {
        std::map<std::string, ActiveCondition> by_key;
        for (auto& a : active_conditions(scope_key.first, scope_key.second)) {
            std::string k = a.key;
            by_key.emplace(std::move(k), std::move(a));
        }
        it = active_cache_.emplace(scope_key, std::move(by_key)).first;
    }
    return it->second;
}

void Store::mark_announced(const std::string& account, const std::string& key, TimePoint when) {
    std::lock_guard lk(mu_);
    for (auto& [scope_key, cache] : active_cache_) {
        if (scope_key.first != account) continue;
        if (auto it = cache.find(key); it != cache.end()) it->second.last_announced_at = when;
    }
    SQLite::Statement& q =
        prepared(st_mark_announced_, "UPDATE conditions SET last_announced_at=? WHERE account=? AND key=?");
    StatementReset reset{q};
    q.bind(1, static_cast<int64_t>(ms(when)));
    q.bind(2, account);
    q.bind(3, key);
    q.exec();
}

std::optional<ActiveCondition> Store::active_condition(const std::string& account, const std::string& key) {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement& q = prepared(st_condition_one_,
                                    "SELECT c.account, c.scope, c.key, c.last_event_id, c.first_fired_at, "
                                    "c.last_announced_at, e.body FROM conditions c JOIN events e ON "
                                    "e.id = c.last_event_id WHERE c.account=? AND c.key=?");
    StatementReset reset{q};
    q.bind(1, account);
    q.bind(2, key);
    if (!q.executeStep()) return std::nullopt;
    return active_from_row(q);
}

std::vector<ConditionMeta> Store::condition_schedule() {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement& q = prepared(st_condition_meta_,
                                    "SELECT c.account, c.key, e.severity, c.last_announced_at FROM conditions c "
                                    "JOIN events e ON e.id = c.last_event_id");
    StatementReset reset{q};
    std::vector<ConditionMeta> out;
    while (q.executeStep()) {
        ConditionMeta m;
        m.account = q.getColumn(0).getString();
        m.key = q.getColumn(1).getString();
        m.severity = parse_severity(q.getColumn(2).getText()).value_or(Severity::info);
        m.last_announced_at = tp(q.getColumn(3).getInt64());
        out.push_back(std::move(m));
    }
    return out;
}

void Store::enqueue(long long event_id, const std::vector<OutboxTarget>& targets,
                    const std::string& reason, TimePoint now) {
    std::lock_guard lk(mu_);
    staged_outbox_.clear();
    staged_unknown_ = false;
    SQLite::Transaction tx(*db_);
    insert_outbox(event_id, targets, reason, now, nullptr);  // rare (repeats): reload then
    tx.commit();
    publish_staged_outbox();
    notify(targets.empty() ? 0u : kOutboxAdded);
}

Event Store::record_notice(Event e, const std::vector<OutboxTarget>& targets, TimePoint now) {
    std::lock_guard lk(mu_);
    if (e.id.empty()) e.id = new_uid();
    if (e.detected_at == TimePoint{}) e.detected_at = now;
    if (e.occurred_at == TimePoint{}) e.occurred_at = now;
    // A notice is a one-off: its key must not collide with a transition recorded before.
    e.kind = EventKind::condition;
    staged_outbox_.clear();
    staged_unknown_ = false;
    SQLite::Transaction tx(*db_);
    long long id = insert_event(e, "notice");
    insert_outbox(id, targets, "notice", now, &e);
    tx.commit();
    publish_staged_outbox();
    notify(targets.empty() ? 0u : kOutboxAdded);
    return e;
}


std::vector<OutboxRow> Store::due_outbox(const std::string& channel, TimePoint now, int limit) {
    std::lock_guard lk(mu_);
    count_read();
    std::vector<OutboxRow> out;
    auto& all = pending_rows();
    auto ch = all.find(channel);
    if (ch == all.end()) return out;
    for (const auto& [id, r] : ch->second) {  // by id, as the rows were made
        if (static_cast<int>(out.size()) >= limit) break;
        if (r.next_attempt_at <= now) out.push_back(r);
    }
    return out;
}

std::vector<PendingMeta> Store::pending_schedule(const std::string& channel) {
    std::lock_guard lk(mu_);
    count_read();
    std::vector<std::pair<long long, PendingMeta>> rows;
    auto& all = pending_rows();
    if (auto ch = all.find(channel); ch != all.end()) {
        rows.reserve(ch->second.size());
        for (const auto& [id, r] : ch->second)
            rows.push_back({id, PendingMeta{r.next_attempt_at, r.created_at, r.event.severity == Severity::critical}});
    }
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
        return std::tie(x.second.next_attempt_at, x.first) < std::tie(y.second.next_attempt_at, y.first);
    });
    std::vector<PendingMeta> out;
    out.reserve(rows.size());
    for (auto& [id, m] : rows) out.push_back(m);
    return out;
}

std::vector<OutboxRow> Store::pending_outbox(const std::string& channel) {
    std::lock_guard lk(mu_);
    count_read();
    std::string sql = std::string(kOutboxSelect) + "WHERE o.status='pending'";
    if (!channel.empty()) sql += " AND o.channel=?";
    sql += " ORDER BY o.id";
    SQLite::Statement q(*db_, sql);
    if (!channel.empty()) q.bind(1, channel);
    std::vector<OutboxRow> out;
    while (q.executeStep()) out.push_back(outbox_from_row(q));
    return out;
}

std::vector<OutboxRow> Store::outbox_rows(std::optional<OutboxStatus> status) {
    std::lock_guard lk(mu_);
    count_read();
    std::string sql = kOutboxSelect;
    if (status) sql += "WHERE o.status=?";
    sql += " ORDER BY o.id";
    SQLite::Statement q(*db_, sql);
    if (status) q.bind(1, to_string(*status));
    std::vector<OutboxRow> out;
    while (q.executeStep()) out.push_back(outbox_from_row(q));
    return out;
}

std::vector<std::string> Store::channels_with_pending() {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement q(*db_, "SELECT DISTINCT channel FROM outbox WHERE status='pending' ORDER BY channel");
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
}

void Store::mark_sent(const std::vector<long long>& ids, TimePoint now) {
    std::lock_guard lk(mu_);
    SQLite::Transaction tx(*db_);
    SQLite::Statement& q = prepared(st_mark_sent_,
                        "UPDATE outbox SET status='sent', sent_at=?, attempts=attempts+1 "
                        "WHERE id=? AND status='pending'");
    StatementReset reset{q};
    for (auto id : ids) {
        q.bind(1, static_cast<int64_t>(ms(now)));
        q.bind(2, static_cast<int64_t>(id));
        q.exec();
        q.reset();
    }
    tx.commit();
    forget_pending(ids);
}

void Store::mark_retry(const std::vector<long long>& ids, TimePoint next_attempt,
                       const std::string& error) {
    std::lock_guard lk(mu_);
    SQLite::Transaction tx(*db_);
    SQLite::Statement& q = prepared(st_mark_retry_,
                        "UPDATE outbox SET attempts=attempts+1, next_attempt_at=?, last_error=? "
                        "WHERE id=? AND status='pending'");
    StatementReset reset{q};
    for (auto id : ids) {
        q.bind(1, static_cast<int64_t>(ms(next_attempt)));
        q.bind(2, error);
        q.bind(3, static_cast<int64_t>(id));
        q.exec();
        q.reset();
    }
    tx.commit();
    if (!pending_.loaded) return;
    const std::set<long long> wanted(ids.begin(), ids.end());
    for (auto& [channel, rows] : pending_.by_channel)
        for (auto& [id, r] : rows)
            if (wanted.count(id)) {
                r.attempts += 1;
                r.next_attempt_at = next_attempt;
                r.last_error = error;
            }
}

int Store::retry_now(const std::string& channel, TimePoint now) {
    std::lock_guard lk(mu_);
    SQLite::Statement& q = prepared(st_retry_now_,
                                    "UPDATE outbox SET next_attempt_at=? "
                                    "WHERE channel=? AND status='pending' AND next_attempt_at>?");
    StatementReset reset{q};
    q.bind(1, static_cast<int64_t>(ms(now)));
    q.bind(2, channel);
    q.bind(3, static_cast<int64_t>(ms(now)));
    const int moved = q.exec();
    if (pending_.loaded) {
        auto it = pending_.by_channel.find(channel);
        if (it != pending_.by_channel.end())
            for (auto& [id, r] : it->second)
                if (r.next_attempt_at > now) r.next_attempt_at = now;
    }
    return moved;
}

void Store::mark_failed(const std::vector<long long>& ids, const std::string& error, TimePoint now) {
    std::lock_guard lk(mu_);
    SQLite::Transaction tx(*db_);
    SQLite::Statement& q = prepared(st_mark_failed_,
                        "UPDATE outbox SET status='failed', attempts=attempts+1, last_error=?, "
                        "sent_at=? WHERE id=? AND status='pending'");
    StatementReset reset{q};
    for (auto id : ids) {
        q.bind(1, error);
        q.bind(2, static_cast<int64_t>(ms(now)));
        q.bind(3, static_cast<int64_t>(id));
        q.exec();
        q.reset();
    }
    tx.commit();
    forget_pending(ids);
}

void Store::forget_pending(const std::vector<long long>& ids) {
    if (!pending_.loaded) return;
    for (auto& [channel, rows] : pending_.by_channel)
        for (auto id : ids) rows.erase(id);
}

std::vector<Event> Store::events_since(TimePoint since, int limit) {
    std::lock_guard lk(mu_);
    count_read();
    // The newest `limit` events, oldest first (a limit keeps the latest, not the earliest).
    SQLite::Statement q(*db_,
                        "SELECT id, body FROM (SELECT id, body FROM events WHERE detected_at>=? "
                        "ORDER BY id DESC LIMIT ?) ORDER BY id");
    q.bind(1, static_cast<int64_t>(ms(since)));
    q.bind(2, limit);
    std::vector<Event> out;
    while (q.executeStep()) out.push_back(event_from_row(q, 1, q.getColumn(0).getInt64()));
    return out;
}

Store::PruneResult Store::prune(TimePoint cutoff) {
    std::lock_guard lk(mu_);
    const auto c = static_cast<int64_t>(ms(cutoff));
    PruneResult r;
    // Delivered and failed sends go once old, also those of a condition still active (its
    // repeats every few hours would otherwise pile up for as long as it holds); the condition's
    // event itself stays (the events clause below).
    SQLite::Transaction tx(*db_);
    {
        SQLite::Statement q(*db_,
                            "DELETE FROM outbox WHERE status IN ('sent','failed') AND created_at<?");
        q.bind(1, c);
        r.outbox_rows = q.exec();
    }
    {
        SQLite::Statement q(*db_,
                            "DELETE FROM events WHERE detected_at<? "
                            "AND id NOT IN (SELECT last_event_id FROM conditions) "
                            "AND id NOT IN (SELECT event_id FROM outbox)");
        q.bind(1, c);
        r.events = q.exec();
    }
    {
        SQLite::Statement q(*db_, "DELETE FROM silences WHERE expires_at<?");
        q.bind(1, c);
        r.silences = q.exec();
    }
    {
        // Unprocessed pushes stay, however old: a consumer has not seen them yet.
        SQLite::Statement q(*db_, "DELETE FROM push_inbox WHERE processed_at IS NOT NULL AND received_at<?");
        q.bind(1, c);
        r.pushes = q.exec();
    }
    tx.commit();
    return r;
}

bool Store::record_push(const std::string& dedup_key, const std::string& account,
                        const std::string& message_type, const std::string& body, TimePoint now,
                        long long* id) {
    std::lock_guard lk(mu_);
    SQLite::Statement q(*db_,
                        "INSERT INTO push_inbox(dedup_key, account, message_type, body, received_at) "
                        "VALUES(?,?,?,?,?) ON CONFLICT(dedup_key) DO NOTHING");
    q.bind(1, dedup_key);
    q.bind(2, account);
    q.bind(3, message_type);
    q.bind(4, body);
    q.bind(5, static_cast<int64_t>(ms(now)));
    const bool inserted = q.exec() == 1;
    if (id) {
        if (inserted) {
            *id = db_->getLastInsertRowid();
        } else {
            SQLite::Statement f(*db_, "SELECT id FROM push_inbox WHERE dedup_key=?");
            f.bind(1, dedup_key);
            *id = f.executeStep() ? f.getColumn(0).getInt64() : 0;
        }
    }
    return inserted;
}

std::vector<Store::PushInboxRow> Store::unprocessed_pushes(int limit) {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement q(*db_,
                        "SELECT id, dedup_key, account, message_type, body, received_at FROM push_inbox "
                        "WHERE processed_at IS NULL ORDER BY id LIMIT ?");
    q.bind(1, limit);
    std::vector<PushInboxRow> out;
    while (q.executeStep()) {
        PushInboxRow r;
        r.id = q.getColumn(0).getInt64();
        r.dedup_key = q.getColumn(1).getString();
        r.account = q.getColumn(2).getString();
        r.message_type = q.getColumn(3).getString();
        r.body = q.getColumn(4).getString();
        r.received_at = TimePoint{Millis{q.getColumn(5).getInt64()}};
        out.push_back(std::move(r));
    }
    return out;
}

void Store::mark_push_processed(long long id, TimePoint now) {
    std::lock_guard lk(mu_);
    SQLite::Statement q(*db_, "UPDATE push_inbox SET processed_at=? WHERE id=? AND processed_at IS NULL");
    q.bind(1, static_cast<int64_t>(ms(now)));
    q.bind(2, static_cast<int64_t>(id));
    q.exec();
}

void Store::set_cursor(const std::string& account, const std::string& watch, const std::string& name,
                       const std::string& value, TimePoint now) {
    std::lock_guard lk(mu_);
    SQLite::Statement q(*db_,
                        "INSERT INTO cursors(account, watch, name, value, updated_at) VALUES(?,?,?,?,?) "
                        "ON CONFLICT(account, watch, name) DO UPDATE SET value=excluded.value, "
                        "updated_at=excluded.updated_at");
    q.bind(1, account);
    q.bind(2, watch);
    q.bind(3, name);
    q.bind(4, value);
    q.bind(5, static_cast<int64_t>(ms(now)));
    q.exec();
}

long long Store::add_silence(const std::string& matcher, TimePoint expires_at,
                             const std::string& reason, TimePoint now) {
    std::lock_guard lk(mu_);
    SQLite::Statement q(*db_, "INSERT INTO silences(matcher, reason, created_at, expires_at) VALUES(?,?,?,?)");
    q.bind(1, matcher);
    q.bind(2, reason);
    q.bind(3, static_cast<int64_t>(ms(now)));
    q.bind(4, static_cast<int64_t>(ms(expires_at)));
    q.exec();
    long long id = db_->getLastInsertRowid();
    notify(kSilencesChanged);
    return id;
}

std::vector<Silence> Store::silences(TimePoint now, bool include_expired) {
    std::lock_guard lk(mu_);
    count_read();
    // include_expired is the CLI's listing; the dispatcher's query is the kept one.
    std::optional<SQLite::Statement> listing;
    if (include_expired)
        listing.emplace(*db_, "SELECT id, matcher, reason, created_at, expires_at FROM silences ORDER BY id");
    SQLite::Statement& q = include_expired ? *listing
                                           : prepared(st_silences_,
                                                      "SELECT id, matcher, reason, created_at, expires_at "
                                                      "FROM silences WHERE expires_at>? ORDER BY id");
    StatementReset reset{q};
    if (!include_expired) q.bind(1, static_cast<int64_t>(ms(now)));
    std::vector<Silence> out;
    while (q.executeStep()) {
        Silence s;
        s.id = q.getColumn(0).getInt64();
        s.matcher = q.getColumn(1).getString();
        s.reason = q.getColumn(2).getString();
        s.created_at = tp(q.getColumn(3).getInt64());
        s.expires_at = tp(q.getColumn(4).getInt64());
        out.push_back(std::move(s));
    }
    return out;
}

bool Store::remove_silence(long long id) {
    std::lock_guard lk(mu_);
    SQLite::Statement q(*db_, "DELETE FROM silences WHERE id=?");
    q.bind(1, static_cast<int64_t>(id));
    bool removed = q.exec() > 0;
    if (removed) notify(kSilencesChanged);
    return removed;
}

// --------------------------------------------------------------------------------- metrics

std::vector<Store::OutboxChannelStats> Store::outbox_stats() {
    std::lock_guard lk(mu_);
    count_read();
    SQLite::Statement q(*db_,
                        "SELECT channel, COUNT(*), MIN(CASE WHEN attempts = 0 THEN next_attempt_at ELSE created_at END) "
                        "FROM outbox WHERE status='pending' GROUP BY channel ORDER BY channel");
    std::vector<OutboxChannelStats> out;
    while (q.executeStep()) {
        OutboxChannelStats s;
        s.channel = q.getColumn(0).getString();
        s.pending = q.getColumn(1).getInt64();
        s.oldest_waiting_since = tp(q.getColumn(2).getInt64());
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace ozw
