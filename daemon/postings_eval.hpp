#pragma once
// The pure half of the postings watch: what the watch remembers about each FBS posting, how a
// poll's answer is merged into that memory, and evaluate(previous, current, now) -> events.
// No I/O, no clock: tests drive it with streams of snapshots.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/event.hpp"
#include "common/time.hpp"

namespace ozw::daemon {

struct PostingProductInfo {
    std::string name;
    std::string offer_id;
    int quantity = 0;
    bool operator==(const PostingProductInfo&) const = default;
};

struct CancellationInfo {
    std::string initiator;  // "Покупатель", "Продавец", "Ozon", ...
    std::string type;       // seller | client | customer | ozon | system | delivery
    std::string reason;
    long long reason_id = 0;
    bool affects_rating = false;
    bool after_ship = false;
    bool operator==(const CancellationInfo&) const = default;
};

// One posting as the watch keeps it in its snapshot (JSON in SnapshotItem::data).
struct PostingState {
    std::string posting_number;
    std::string status;  // raw Ozon status
    std::string substatus;
    std::optional<TimePoint> in_process_at;
    std::optional<TimePoint> shipment_date;
    std::optional<TimePoint> delivering_date;
    // When the watch believes the current status began (first seen, or a better Ozon date).
    TimePoint status_since{};
    std::vector<PostingProductInfo> products;
    std::optional<CancellationInfo> cancellation;

    nlohmann::json to_json() const;
    static PostingState from_json(const nlohmann::json& j);  // tolerant
    // Changes whenever something evaluate() looks at changes (status_since excluded: it only
    // moves together with the status).
    std::string fingerprint() const;
};

using PostingMap = std::map<std::string, PostingState>;

// Statuses after which nothing more happens to a posting.
bool is_final_status(const std::string& status);
// awaiting_packaging / awaiting_deliver: the seller still has to hand it over.
bool is_awaiting_shipment(const std::string& status);

// The effective ship-by instant: the EARLIER of shipment_date and the seller's hand-over
// deadline (e.g. 17:00) on the local calendar day of shipment_date in `tz`.
TimePoint effective_deadline(TimePoint shipment_date, const TimeZone& tz, TimeOfDay handover);

// How a poll's answer is folded into the remembered state.
struct MergeInput {
    std::vector<PostingState> fetched;  // postings Ozon returned (status_since unset)
    // A full load of the lookback window: postings remembered, created inside the window and
    // absent from the answer no longer exist at Ozon and are dropped.
    bool full_window = false;
};

struct MergeResult {
    PostingMap current;
    std::vector<std::string> changed;  // numbers whose fingerprint changed or that are new
    std::vector<std::string> removed;
};

// In place (the watch's state is large: no copy per poll). `undo` receives the previous value of
// every entry changed or removed (absent = it was new), for transitions and for rollback.
struct MergeUndo {
    PostingMap previous;            // old values of changed/removed entries that existed
    std::vector<std::string> added; // entries that did not exist before
};
MergeResult merge_postings_inplace(PostingMap& state, const MergeInput& input, TimePoint now,
                                   Millis lookback, MergeUndo& undo);  // result.current unused
void undo_merge(PostingMap& state, const MergeResult& r, MergeUndo& undo);

// Pure. status_since: kept while the status is unchanged; `now` when a change is observed; for
// a posting seen for the first time, the best Ozon date (delivering_date for delivering and
// driver_pickup, in_process_at for the pre-shipment statuses), else `now`.
// Final postings created before now - lookback are forgotten.
MergeResult merge_postings(const PostingMap& previous, const MergeInput& input, TimePoint now,
                           Millis lookback);

struct PostingsEvalContext {
    std::string account;
    const PostingsWatchConfig* config = nullptr;
    const TimeZone* tz = nullptr;
};

struct Evaluation {
    std::vector<Event> transitions;
    std::vector<Event> holding;  // conditions that hold now (scope "postings")
};

// Pure. previous == nullptr means baseline (first poll): no transitions, conditions only.
// Transitions: posting.new (a new posting before shipment), posting.status_changed (any change
// except to cancelled), posting.cancelled (replaces status_changed for a cancellation, and is
// also raised for a posting first seen already cancelled).
// Conditions (keys stable across polls): posting.cutoff_soon and posting.cutoff_missed (one
// shared key "posting.cutoff:<n>", so the deadline escalates it), posting.arbitration,
// posting.not_accepted, posting.stuck.
// `changed` (optional): only these numbers can have transitions; `previous` then only needs
// their old values (a partial map: MergeUndo::previous).
Evaluation evaluate_postings(const PostingMap* previous, const PostingMap& current, TimePoint now,
                             const PostingsEvalContext& ctx,
                             const std::vector<std::string>* changed = nullptr);

// The seller-cabinet page of a posting.
std::string posting_url(const std::string& posting_number);

}  // namespace ozw::daemon
