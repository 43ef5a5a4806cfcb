#pragma once
// Source health per (account, source), one error taxonomy for every source. A source (the Ozon
// API of an account, later its InSales shop, its 1C file) is read by one or more watches; when
// it fails the manager hears it once per account and source: source.auth_failed at once for a
// refused key, source.unavailable once it has failed for longer than unavailable_after, each
// resolved when the source answers again.
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "common/event_types.hpp"
#include "common/source_error.hpp"

namespace ozw::daemon {

using ozw::FailureKind;  // common/source_error.hpp: one taxonomy for every source

// Classifies an exception thrown by a poll (common/source_error.hpp).
inline FailureKind classify_failure(std::exception_ptr e, std::string& message) {
    return classify_source_failure(std::move(e), message);
}

// Failure bookkeeping of one watch.
struct WatchHealth {
    int consecutive_failures = 0;
    std::optional<TimePoint> failing_since;
    FailureKind last_failure = FailureKind::none;
    std::string last_error;
};

struct BackoffPolicy {
    Millis first = std::chrono::seconds(15);
    Millis max = std::chrono::minutes(10);
    Millis auth_retry = std::chrono::minutes(15);  // never hammer with a bad key
};

// Delay before the next attempt after `failures` consecutive failures (>= 1).
Millis failure_backoff(const BackoffPolicy& p, FailureKind kind, int failures, Millis interval);
void record_failure(WatchHealth& h, FailureKind kind, const std::string& error, TimePoint now);
void record_success(WatchHealth& h);

// One watch's health, as the source sees it.
struct WatchHealthView {
    std::string watch;
    const WatchHealth* health = nullptr;
};

// The conditions of one (account, source) (scope "source:<source>", keys
// "source.auth_failed:<source>", "source.unavailable:<source>") from the health of every watch
// that reads it: auth_failed while any of them was refused for its key; unavailable while any
// of them has failed for unavailable_after or longer.
std::vector<Event> source_conditions(const std::vector<WatchHealthView>& watches,
                                     const std::string& account, const std::string& source,
                                     TimePoint now, Millis unavailable_after);

// source.auth_failed, source.unavailable: the engine's own event types.
std::vector<EventType> engine_event_types();

// How a source is named to the manager ("ozon" -> "Ozon Seller API").
std::string source_display_name(const std::string& source);

}  // namespace ozw::daemon
