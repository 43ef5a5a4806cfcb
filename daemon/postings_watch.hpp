#pragma once
// The postings watch (FBS shipments) on the 2026 methods (NOTES.md):
// - initial load and every `reconcile_every`: /v4/posting/fbs/list over the lookback window;
// - every other poll: /v4/posting/fbs/list filtered by last_changed_status_date
//   {from: last success - overlap, to: now} (usually one call);
// - every `unfulfilled_every` (and with each full load): /v4/posting/fbs/unfulfilled/list,
//   which catches ship-by dates that moved without a status change.
// Cursors saved with the snapshot: last_success, last_reconcile, last_unfulfilled.
#include <memory>
#include <string>

#include "common/config.hpp"
#include "common/ozon/client.hpp"
#include "common/time.hpp"
#include "daemon/postings_eval.hpp"
#include "daemon/watch.hpp"

namespace ozw::daemon {

// Model -> what the watch keeps (status_since unset).
PostingState posting_state_from(const ozon::Posting& p);

class PostingsWatch final : public Watch {
public:
    PostingsWatch(std::string account, std::shared_ptr<ozon::Client> client,
                  PostingsWatchConfig cfg, const std::string& timezone);

    std::string name() const override { return "postings"; }
    const std::string& account() const override { return account_; }
    Millis interval() const override { return cfg_.interval; }
    std::vector<std::string> cursor_names() const override;
    void load(const std::map<std::string, SnapshotItem>& items,
              const std::map<std::string, std::string>& cursors) override;
    awaitable<WatchOutput> poll(TimePoint now, bool baseline) override;
    void commit() override;

    // The state after the last poll (the report's table counts).
    const PostingMap& postings() const { return state_; }
    // Unfulfilled sweeps between full loads (not in the configuration: an internal cadence).
    void set_unfulfilled_every(Millis d) { unfulfilled_every_ = d; }
    // What the last poll did: "full" or "incremental".
    const std::string& last_mode() const { return last_mode_; }

private:
    std::string account_;
    std::shared_ptr<ozon::Client> client_;
    PostingsWatchConfig cfg_;
    TimeZone tz_;
    Millis unfulfilled_every_ = std::chrono::minutes(30);

    PostingMap state_;  // committed
    std::optional<TimePoint> last_success_, last_reconcile_, last_unfulfilled_;

    void rollback_pending();

    struct Pending {
        MergeResult result;
        MergeUndo undo;
        std::optional<TimePoint> last_success, last_reconcile, last_unfulfilled;
    };
    std::optional<Pending> pending_;
    std::string last_mode_;
};

}  // namespace ozw::daemon
