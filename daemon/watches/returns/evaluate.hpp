#pragma once
// The pure half of the returns watch: what happened to a return between two snapshots, what is
// wrong with it now, and when that can change by time alone. No I/O, no clock.
//
// Conditions (one key per return and concern; an escalation keeps its key):
//   return.request_pending  warning   a request waits for the seller's decision (FBS states
//                                     OnSellerApproval..., rFBS requests with actions);
//   return.request_urgent   critical  the same, from `urgent_before` before Ozon decides for
//                                     the seller (status_since + decision_window);
//   return.ready_for_pickup warning   ArrivedAtReturnPlace: waits at the pickup point;
//   return.pickup_urgent    critical  the same once paid storage started or disposal is within
//                                     `disposal_warn`;
//   return.disputed         critical  a dispute is open (FBS dispute states, rFBS Arbitration).
// Transition: return.new for an FBS/FBO return first seen after the baseline, unless it is
// first seen waiting for a decision or in dispute (that condition says more, at once).
#include <optional>
#include <string>
#include <vector>

#include "common/event.hpp"
#include "common/time.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/returns/return_item.hpp"
#include "daemon/watches/returns/settings.hpp"

namespace ozw::daemon::returns {

struct EvalContext {
    std::string account;
    ReturnsSettings settings;
};

std::vector<Event> return_transitions(const ReturnItem* previous, const ReturnItem& current, TimePoint now,
                                      const EvalContext& ctx);
ItemConditions return_conditions(const ReturnItem& r, TimePoint now, const EvalContext& ctx);

// status_since and first_seen of an item seen now: kept from the remembered one while the
// status is the same (rFBS requests and points carry no change moment of their own).
void carry_over(const ReturnItem* previous, ReturnItem& next, TimePoint now);

// The seller-cabinet page the events link to (NOTES.md's cabinet links): the returns list, or
// the rFBS requests; the cabinet has no documented link to one return.
std::string return_url(bool rfbs);

}  // namespace ozw::daemon::returns
