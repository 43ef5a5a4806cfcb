#pragma once
// The pure half of the shipments watch: what happened to a posting between two snapshots, what
// is wrong with it now, and when that can change by time alone. No I/O, no clock: tests drive
// it with streams of snapshots.
//
// Ship-by times (NOTES.md, 2026): shipment_date is Ozon's RECOMMENDED time (a higher tariff
// after it); shipment_date_without_delay is when the posting becomes overdue. One condition per
// posting (key "posting.cutoff:<n>") escalates through three steps:
//   posting.cutoff_soon   warning   from D1 - warn_before;
//   posting.cutoff_missed warning   from D1: the higher tariff applies, hand it over before D2;
//   posting.overdue       critical  from D2: overdue, penalty and cancellation risk;
// with D1 = the earlier of shipment_date and the hand-over deadline on its local day, and D2 =
// the earlier of shipment_date_without_delay and the hand-over deadline on ITS local day (D2 =
// D1 when Ozon gives no later date). Handing the posting over resolves it once.
#include <optional>
#include <string>
#include <vector>

#include "common/event.hpp"
#include "common/time.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/postings/posting.hpp"
#include "daemon/watches/postings/settings.hpp"

namespace ozw::daemon::postings {

struct EvalContext {
    std::string account;
    PostingsSettings settings;
    TimeZone tz{"Europe/Moscow"};
};

struct Deadlines {
    TimePoint d1;  // recommended hand-over (tariff changes after it)
    TimePoint d2;  // overdue after it (>= d1)
};
// None when the posting has no shipment_date.
std::optional<Deadlines> deadlines(const PostingState& p, const TimeZone& tz, TimeOfDay handover);

// Transitions of one posting. previous == nullptr: first seen (after the baseline).
// posting.new (first seen before the hand-over), posting.status_changed (any change except to
// cancelled), posting.cancelled (a cancellation, also when first seen already cancelled).
std::vector<Event> posting_transitions(const PostingState* previous, const PostingState& current,
                                       TimePoint now, const EvalContext& ctx);
// Conditions of one posting now: the cutoff escalation, posting.arbitration,
// posting.not_accepted, posting.stuck; next_change = when they can change by time alone.
ItemConditions posting_conditions(const PostingState& p, TimePoint now, const EvalContext& ctx);

// status_since for a posting seen: kept while the status is unchanged; `now` when a change is
// observed; for a posting seen for the first time, the time its fetch found (a delivered one at
// the first load), else the best Ozon date (delivering_date for delivering/driver_pickup,
// in_process_at before the hand-over), else now (also for
// acceptance_in_progress/awaiting_registration, which come after the hand-over).
TimePoint status_since_for(const PostingState* previous, const PostingState& next, TimePoint now);

// The seller-cabinet page of a posting (NOTES.md: postingDetails=).
std::string posting_url(const std::string& posting_number, bool arbitration = false);

}  // namespace ozw::daemon::postings
