#pragma once
// SnapshotWatch<Item>: everything a snapshot-diffing watch needs, written once (osquery's one
// diff for every query). A concrete watch writes only
//   fetch()        I/O: what the source says now (the whole window, or what changed);
//   transitions()  pure: what happened to one item between two snapshots;
//   conditions()   pure: what is wrong with one item now, and the next instant at which that
//                  can change by time alone;
// and a few merge hooks. The engine merges the answer into the remembered items in place,
// finds added/changed/removed items, undoes all of it when the poll's output is not written,
// and commits it when it is.
//
// Cost proportional to change: only items that changed, and items whose time-dependent
// conditions are due (a time index of next_change instants), are re-evaluated; the store gets
// a partial condition set (what those items hold now, and the keys they released). The first
// poll after load() evaluates everything and sends the whole set, so a condition left in the
// store by an item that has since gone is resolved.
//
// Item needs: nlohmann::json to_json() const; static Item from_json(const nlohmann::json&)
// (tolerant); std::string fingerprint() const (changes whenever anything transitions() or
// conditions() read changes, except what observe() derives). Optional: bool same_as(const
// Item&) const, true exactly when the fingerprints are equal, for a watch whose every poll
// compares a large list (no fingerprint strings are built to compare).
//
// Items at rest: most of a big shop's items are finished (a delivered posting, a closed return)
// and can raise nothing more unless the source changes them. A watch that says so (rest_until())
// has those kept in memory as their key, a hash of their fingerprint and the instant they leave
// the window, while their row stays in the store (it is there: an item rests only after the
// poll that evaluated it was written). A fetched item whose fingerprint matches stays at rest; one
// that differs is read back from the store (SnapshotRows::one) and diffed as usual. items() holds
// the items awake; all_items() reads the resting ones too (reports). Without a store attached
// (unit tests) and in full evaluation (the oracle), nothing rests.
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/logging.hpp"
#include "daemon/engine/watch.hpp"

namespace ozw::daemon {

template <class Item>
struct Fetched {
    std::vector<Item> items;
    // The answer covers the whole window: a remembered item inside the window (in_window())
    // that is absent no longer exists at the source and is removed. Expired items are forgotten
    // on such polls too.
    bool full_window = false;
    // Items the source says no longer exist (e.g. asked for by key and not found).
    std::vector<std::string> gone;
    // Forget expired items on this poll even though it is not a whole-window answer.
    bool forget_expired = false;
    std::map<std::string, std::string> cursors;  // written with the snapshot
    long long api_calls = 0;
    std::string mode;
};

struct ItemConditions {
    std::vector<Event> holding;
    // When these conditions can change with time alone (a deadline, a day boundary); none =
    // only a change of the item can change them.
    std::optional<TimePoint> next_change;
};

template <class Item>
class SnapshotWatch : public Watch {
public:
    using ItemMap = std::map<std::string, Item>;

    const std::string& name() const override { return name_; }
    const std::string& account() const override { return account_; }

    void attach_rows(SnapshotRows rows) override { rows_ = std::move(rows); }

    void load(const std::map<std::string, SnapshotItem>& stored,
              const std::map<std::string, std::string>& cursors) override {
        items_.clear();
        resting_.clear();
        for (const auto& [key, row] : stored) {
            try {
                items_.emplace(key, Item::from_json(nlohmann::json::parse(row.data)));
            } catch (const std::exception& e) {
                // A damaged row is forgotten; the next full load brings the item back.
                log::get(name_)->warn("{}/{}: snapshot row {} unreadable: {}", account_, name_,
                                      key, e.what());
            }
        }
        cursors_ = cursors;
        holding_.clear();
        due_index_.clear();
        due_of_.clear();
        conditions_complete_ = false;
        pending_.reset();
    }

    awaitable<WatchOutput> poll(TimePoint now, bool baseline) override {
        rollback();
        Fetched<Item> fetched = co_await fetch(now, baseline);
        co_return apply_fetched(std::move(fetched), now, baseline);
    }

    // A push's re-read (Watch::take_push): fetch_pushed() gives the items the pushes named,
    // merged and evaluated like a poll's answer. Its cursors are ignored: the regular polls
    // continue from theirs.
    awaitable<WatchOutput> poll_push(TimePoint now) override {
        rollback();
        Fetched<Item> fetched = co_await fetch_pushed(now);
        fetched.cursors.clear();
        co_return apply_fetched(std::move(fetched), now, false);
    }

    void commit() override {
        if (!pending_) return;
        for (auto& [k, v] : pending_->cursors) cursors_[k] = std::move(v);
        // Their rows are written now: these need not be held any longer.
        for (auto& [key, rest] : pending_->to_rest) {
            auto it = items_.find(key);
            if (it == items_.end()) continue;
            items_.erase(it);
            resting_[key] = rest;
        }
        conditions_complete_ = true;
        pending_.reset();
    }

    void rollback() override {
        if (!pending_) return;
        Pending& p = *pending_;
        if (p.items_were_empty) {
            items_.clear();
            resting_.clear();
        }
        for (auto& [key, old] : p.old_items) {
            if (old) items_[key] = std::move(*old);
            else items_.erase(key);
        }
        // Woken items go back to rest (their old value above was the row read back).
        for (auto& [key, old] : p.old_resting) {
            if (!old) continue;
            items_.erase(key);
            resting_[key] = *old;
        }
        if (p.conditions_were_empty) {
            holding_.clear();
            due_index_.clear();
            due_of_.clear();
        }
        for (auto& [key, old] : p.old_holding) {
            if (old) holding_[key] = std::move(*old);
            else holding_.erase(key);
        }
        for (auto& [key, old] : p.old_due) set_due(key, old);
        pending_.reset();
    }

    // The remembered items awake (after the last poll; committed unless a poll is pending):
    // every item but those at rest (see rest_until()).
    const ItemMap& items() const { return items_; }
    // Every remembered item, those at rest read back from the store (a copy: for reports).
    ItemMap all_items() const {
        ItemMap all = items_;
        if (resting_.empty() || !rows_.some) return all;
        auto rows = rows_.some([this](const SnapshotRowHead& h) { return resting_.count(std::string(h.key)) > 0; });
        for (auto& [key, row] : rows) {
            if (auto item = parse_row(key, row.data)) all.emplace(key, std::move(*item));
        }
        return all;
    }
    // An item by key, awake or read back from rest; nullopt when not remembered.
    std::optional<Item> remembered(const std::string& key) const {
        if (auto it = items_.find(key); it != items_.end()) return it->second;
        if (!resting_.count(key) || !rows_.one) return std::nullopt;
        auto data = rows_.one(key);
        return data ? parse_row(key, *data) : std::nullopt;
    }
    // How many items rest, and how many of them are inside the window at `now`.
    std::size_t resting_count() const { return resting_.size(); }
    std::size_t resting_in_window(TimePoint now) const {
        return static_cast<std::size_t>(std::count_if(resting_.begin(), resting_.end(),
                                                      [&](const auto& r) { return now <= r.second.window_end; }));
    }
    // The committed cursors.
    const std::map<std::string, std::string>& cursors() const { return cursors_; }
    // Tests and benchmarks: re-evaluate every item on every poll and send the whole condition
    // set (the oracle the incremental evaluation is compared with).
    void set_full_evaluation(bool on) { full_evaluation_ = on; }
    // How many items the last poll evaluated (benchmarks, tests).
    std::size_t last_evaluated() const { return last_evaluated_; }

    // Pure and public for tests: what one item transitioned / holds.
    virtual std::vector<Event> transitions(const Item* previous, const Item& current,
                                           TimePoint now) const = 0;
    virtual ItemConditions conditions(const Item& current, TimePoint now) const = 0;

protected:
    SnapshotWatch(std::string name, std::string account)
        : name_(std::move(name)), account_(std::move(account)) {}

    // I/O only. `baseline`: nothing is remembered yet (load the whole window).
    virtual awaitable<Fetched<Item>> fetch(TimePoint now, bool baseline) = 0;
    // I/O only: what the pushes taken since the last call named (take_push()), read again.
    // Usually a partial answer (items absent stay as remembered; `gone` removes); full_window
    // only when the re-read is the whole set (the unread chats).
    virtual awaitable<Fetched<Item>> fetch_pushed(TimePoint /*now*/) { co_return Fetched<Item>{}; }
    virtual std::string key_of(const Item& item) const = 0;
    // Carries what the watch derives over from the remembered item (e.g. since when it is in
    // its status); `previous` is null for an item seen for the first time.
    virtual void observe(const Item* /*previous*/, Item& /*next*/, TimePoint /*now*/) const {}
    // A whole-window answer covers this item (else its absence means nothing).
    virtual bool in_window(const Item& /*item*/, TimePoint /*now*/) const { return true; }
    // Forget this item (on whole-window polls).
    virtual bool expired(const Item& /*item*/, TimePoint /*now*/) const { return false; }
    // A baseline is silent, except for an item whose transitions are a statement the manager
    // wants on the first day too (the summary of the payout period that has just closed): on a
    // baseline, those get transitions(nullptr, item) and the runner records them.
    virtual bool announced_on_baseline(const Item& /*item*/, TimePoint /*now*/) const { return false; }
    // This item may rest out of memory once it holds no condition and has no next_change: it is
    // final, and nothing of the watch but the diff needs it at hand. The answer is the instant
    // after which it has left the window: in_window() is true exactly until then, and expired()
    // exactly after it (TimePoint::max(): never). nullopt: it stays in memory.
    virtual std::optional<TimePoint> rest_until(const Item& /*item*/) const { return std::nullopt; }

private:
    struct Resting {
        std::uint64_t fingerprint = 0;  // hash of Item::fingerprint()
        TimePoint window_end{};         // see rest_until()
    };
    struct Pending {
        // Nothing was remembered before this poll (a first poll, a reload): undoing it means
        // forgetting everything, so no per-key undo is kept (50,000 entries at a first load).
        bool items_were_empty = false;
        bool conditions_were_empty = false;
        // Old values of what this poll touched (nullopt = did not exist), for rollback().
        std::unordered_map<std::string, std::optional<Item>> old_items;
        std::unordered_map<std::string, std::optional<std::vector<Event>>> old_holding;
        std::unordered_map<std::string, std::optional<TimePoint>> old_due;
        // Items at rest this poll woke or forgot (nullopt: was not at rest).
        std::unordered_map<std::string, std::optional<Resting>> old_resting;
        // Items to put to rest once the poll is written (commit()).
        std::vector<std::pair<std::string, Resting>> to_rest;
        std::map<std::string, std::string> cursors;
    };

    static std::uint64_t fingerprint_hash(const Item& item) {
        return std::hash<std::string>{}(item.fingerprint());
    }
    std::optional<Item> parse_row(const std::string& key, const std::string& data) const {
        try {
            return Item::from_json(nlohmann::json::parse(data));
        } catch (const std::exception& e) {
            log::get(name_)->warn("{}/{}: snapshot row {} unreadable: {}", account_, name_, key, e.what());
            return std::nullopt;
        }
    }
    bool resting_allowed() const { return static_cast<bool>(rows_.one) && !full_evaluation_; }
    void remember_resting(const std::string& key) {
        auto& p = *pending_;
        if (p.old_resting.count(key)) return;
        auto it = resting_.find(key);
        p.old_resting.emplace(key, it == resting_.end() ? std::nullopt : std::optional<Resting>(it->second));
    }
    // A resting item the source changed: read back from the store and awake (its old value is
    // what the diff compares with). End when its row is gone or unreadable: then it is new.
    typename ItemMap::iterator wake(const std::string& key) {
        remember_resting(key);
        resting_.erase(key);
        std::optional<std::string> data = rows_.one(key);
        std::optional<Item> item = data ? parse_row(key, *data) : std::nullopt;
        if (!item) {
            log::get(name_)->warn("{}/{}: item {} was at rest but its row cannot be read back; taken as new",
                                  account_, name_, key);
            return items_.end();
        }
        auto it = items_.emplace(key, std::move(*item)).first;
        // Kept as this poll's old value (rollback() puts it back to rest, previous_of() finds it).
        pending_->old_items.emplace(key, std::optional<Item>(it->second));
        return it;
    }

    void remember_item(const std::string& key) {
        auto& p = *pending_;
        if (p.items_were_empty || p.old_items.count(key)) return;
        auto it = items_.find(key);
        p.old_items.emplace(key, it == items_.end() ? std::nullopt : std::optional<Item>(it->second));
    }
    void remember_conditions(const std::string& key) {
        auto& p = *pending_;
        if (p.conditions_were_empty) return;
        if (!p.old_holding.count(key)) {
            auto it = holding_.find(key);
            p.old_holding.emplace(key, it == holding_.end() ? std::nullopt
                                                            : std::optional<std::vector<Event>>(it->second));
        }
        if (!p.old_due.count(key)) {
            auto it = due_of_.find(key);
            p.old_due.emplace(key, it == due_of_.end() ? std::nullopt : std::optional<TimePoint>(it->second));
        }
    }
    void set_due(const std::string& key, std::optional<TimePoint> when) {
        if (auto it = due_of_.find(key); it != due_of_.end()) {
            due_index_.erase({it->second, key});
            due_of_.erase(it);
        }
        if (when) {
            due_of_.emplace(key, *when);
            due_index_.emplace(*when, key);
        }
    }
    // Whether a fetched item is the remembered one unchanged: the item's own comparison when it
    // has one (same_as: no strings built), else its fingerprint.
    static bool same_item(const Item& fetched, const Item& remembered) {
        if constexpr (requires { { fetched.same_as(remembered) } -> std::convertible_to<bool>; })
            return fetched.same_as(remembered);
        else
            return fetched.fingerprint() == remembered.fingerprint();
    }
    // Old item as it was before this poll (null = new).
    const Item* previous_of(const std::string& key) const {
        if (pending_->items_were_empty) return nullptr;
        auto it = pending_->old_items.find(key);
        if (it == pending_->old_items.end()) return nullptr;
        return it->second ? &*it->second : nullptr;
    }

    WatchOutput apply_fetched(Fetched<Item> fetched, TimePoint now, bool baseline) {
        pending_.emplace();
        pending_->cursors = std::move(fetched.cursors);
        pending_->items_were_empty = items_.empty() && resting_.empty();
        pending_->conditions_were_empty = !conditions_complete_ && holding_.empty() && due_of_.empty();
        WatchOutput out;
        out.api_calls = fetched.api_calls;
        out.mode = fetched.mode;

        // ---- merge (in place: a large snapshot is not copied per poll)
        std::vector<std::string> changed;
        std::unordered_set<std::string> changed_set;
        // A whole-window answer: which remembered items it named, as the addresses of their map
        // values (stable, and cheaper than a set of 100,000 key strings).
        std::vector<const Item*> seen;
        std::vector<const Resting*> seen_resting;
        if (fetched.full_window) seen.reserve(fetched.items.size());
        for (auto& item : fetched.items) {
            std::string key = key_of(item);
            if (key.empty()) continue;
            auto it = items_.find(key);
            if (it == items_.end() && !resting_.empty()) {
                if (auto r = resting_.find(key); r != resting_.end()) {
                    // The fingerprint leaves out what observe() derives: no old item needed here.
                    if (fingerprint_hash(item) == r->second.fingerprint) {
                        if (fetched.full_window) seen_resting.push_back(&r->second);
                        continue;
                    }
                    it = wake(key);
                }
            }
            if (it != items_.end()) {
                observe(&it->second, item, now);
                if (fetched.full_window) seen.push_back(&it->second);
                if (same_item(item, it->second)) continue;
                remember_item(key);
                it->second = std::move(item);
            } else {
                observe(nullptr, item, now);
                remember_item(key);
                it = items_.emplace(key, std::move(item)).first;
                if (fetched.full_window) seen.push_back(&it->second);
            }
            if (changed_set.insert(key).second) changed.push_back(key);
        }
        std::sort(seen.begin(), seen.end(), std::less<const Item*>{});
        std::sort(seen_resting.begin(), seen_resting.end(), std::less<const Resting*>{});
        // The fetched items now live in items_; drop the moved-from vector before the snapshot
        // rows are built (at a first load of 50,000 postings it is ~20 MB of the peak).
        std::vector<Item>().swap(fetched.items);
        std::vector<std::string> removed;
        for (const auto& key : fetched.gone) {
            if (auto r = resting_.find(key); r != resting_.end()) {
                remember_resting(key);
                resting_.erase(r);
                removed.push_back(key);
                continue;
            }
            auto it = items_.find(key);
            if (it == items_.end()) continue;
            remember_item(key);
            removed.push_back(key);
            changed_set.erase(key);
            items_.erase(it);
        }
        if (fetched.full_window || fetched.forget_expired) {
            for (auto it = items_.begin(); it != items_.end();) {
                const bool gone = fetched.full_window && !std::binary_search(seen.begin(), seen.end(), &it->second,
                                                                                std::less<const Item*>{}) &&
                                  in_window(it->second, now);
                if (gone || expired(it->second, now)) {
                    remember_item(it->first);
                    removed.push_back(it->first);
                    changed_set.erase(it->first);
                    it = items_.erase(it);
                } else {
                    ++it;
                }
            }
            // Resting items hold no condition: forgetting one releases nothing.
            for (auto r = resting_.begin(); r != resting_.end();) {
                const bool inside = now <= r->second.window_end;
                const bool gone = fetched.full_window && inside &&
                                  !std::binary_search(seen_resting.begin(), seen_resting.end(), &r->second,
                                                      std::less<const Resting*>{});
                if (gone || !inside) {
                    remember_resting(r->first);
                    removed.push_back(r->first);
                    r = resting_.erase(r);
                } else {
                    ++r;
                }
            }
        }
        if (!removed.empty())
            changed.erase(std::remove_if(changed.begin(), changed.end(),
                                         [&](const std::string& k) { return !changed_set.count(k); }),
                          changed.end());

        // ---- transitions (the runner drops them on a baseline, except announcements)
        for (const auto& key : changed) {
            const Item& item = items_.at(key);
            if (!baseline) {
                auto t = transitions(previous_of(key), item, now);
                for (auto& e : t) out.transitions.push_back(std::move(e));
            } else if (announced_on_baseline(item, now)) {
                auto t = transitions(nullptr, item, now);
                for (auto& e : t) out.announcements.push_back(std::move(e));
            }
        }

        // ---- conditions: changed items, due items, or everything. Removed items release theirs
        // first, and leave the time index before it is read: an item gone past its due instant
        // must not be evaluated (it is no longer remembered).
        for (const auto& key : removed) {
            remember_conditions(key);
            if (auto it = holding_.find(key); it != holding_.end()) {
                for (const auto& e : it->second) out.released.push_back(e.key);
                holding_.erase(it);
            }
            set_due(key, std::nullopt);
        }
        const bool everything = full_evaluation_ || !conditions_complete_;
        std::vector<std::string> to_evaluate;
        if (everything) {
            to_evaluate.reserve(items_.size());
            for (const auto& [key, _] : items_) to_evaluate.push_back(key);
        } else {
            std::unordered_set<std::string> chosen(changed.begin(), changed.end());
            to_evaluate = changed;
            for (auto it = due_index_.begin(); it != due_index_.end() && it->first <= now; ++it)
                if (chosen.insert(it->second).second) to_evaluate.push_back(it->second);
        }
        const bool may_rest = resting_allowed();
        for (const auto& key : to_evaluate) {
            const Item& item = items_.at(key);
            ItemConditions c = conditions(item, now);
            if (may_rest && c.holding.empty() && !c.next_change)
                if (auto until = rest_until(item)) pending_->to_rest.emplace_back(key, Resting{fingerprint_hash(item), *until});
            remember_conditions(key);
            auto old = holding_.find(key);
            if (old != holding_.end()) {
                for (const auto& e : old->second) {
                    bool still = std::any_of(c.holding.begin(), c.holding.end(),
                                             [&](const Event& n) { return n.key == e.key; });
                    if (!still) out.released.push_back(e.key);
                }
            }
            if (c.holding.empty()) {
                if (old != holding_.end()) holding_.erase(old);
            } else {
                if (!everything)
                    for (const auto& e : c.holding) out.holding.push_back(e);
                holding_[key] = std::move(c.holding);
            }
            set_due(key, c.next_change);
        }
        last_evaluated_ = to_evaluate.size();
        if (everything) {
            out.released.clear();
            for (const auto& [_, list] : holding_)
                for (const auto& e : list) out.holding.push_back(e);
        }
        out.conditions_partial = !everything;

        // ---- the snapshot delta: rows made one at a time while the store writes them (a first
        // load's rows would otherwise be held all at once: ~35 MB for 50,000 postings). The
        // items do not change before commit() or rollback(), which come after the write.
        out.more_upserts = [this, keys = std::move(changed), next = std::size_t{0}](SnapshotItem& row) mutable {
            if (next >= keys.size()) return false;
            const std::string& key = keys[next++];
            const Item& item = items_.at(key);
            row = SnapshotItem{key, item.fingerprint(), item.to_json().dump(), {}, {}};
            return true;
        };
        out.removals = std::move(removed);
        out.cursors = pending_->cursors;
        return out;
    }

    std::string name_;
    std::string account_;
    SnapshotRows rows_;
    ItemMap items_;
    // Items at rest (see rest_until()): their rows are in the store.
    std::unordered_map<std::string, Resting> resting_;
    std::map<std::string, std::string> cursors_;
    // Conditions each item holds now (only items that hold any), and when each item must be
    // looked at again by time alone.
    std::unordered_map<std::string, std::vector<Event>> holding_;
    std::set<std::pair<TimePoint, std::string>> due_index_;
    std::unordered_map<std::string, TimePoint> due_of_;
    bool conditions_complete_ = false;  // holding_ covers every item (after a committed poll)
    bool full_evaluation_ = false;
    std::size_t last_evaluated_ = 0;
    std::optional<Pending> pending_;
};

}  // namespace ozw::daemon
