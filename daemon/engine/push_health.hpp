#pragma once
// Whether Ozon still sends push notifications. Ozon pauses every push to a receiver that failed
// for a while, and the only sign is silence: its TYPE_PING checks stop. With pushes enabled and
// no TYPE_PING for `silent_after` (24 h) since the later of the last ping and the day pushes
// were enabled, the daemon-wide condition source.push_silent (warning; account "", scope
// "source:push") asks the manager to re-confirm the URL in the cabinet. Polling goes on either
// way: pushes only make alerts faster.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "common/event_types.hpp"

namespace ozw::daemon {

inline constexpr const char* kPushScope = "source:push";

struct PushHealth {
    std::optional<TimePoint> last_ping;      // the last TYPE_PING received
    std::optional<TimePoint> enabled_since;  // when the receiver was first started with pushes on
};

// Pure: the conditions that hold now (none or one source.push_silent).
std::vector<Event> push_silence_conditions(const PushHealth& h, TimePoint now, Millis silent_after);

// The line of the report's «Источники» section.
std::string push_health_line(const PushHealth& h, TimePoint now, Millis silent_after, bool russian,
                             const std::string& timezone);

// source.push_silent (registered with the engine's types by install_watch_modules).
std::vector<EventType> push_event_types();

}  // namespace ozw::daemon
