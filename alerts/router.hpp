#pragma once
// Dispatch stages run when an event is recorded (inside Store::apply's transaction):
// route (per channel min_severity, include/exclude types, accounts) -> silence -> quiet hours.
// The result is one OutboxTarget per channel; the outbox rows are written atomically with
// the event. event_log is exempt from silences and quiet hours (it is the record).
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/event.hpp"
#include "common/store.hpp"
#include "common/time.hpp"

namespace ozw::alerts {

struct ChannelSpec {
    std::string name;  // "telegram:<chat_id>[:<thread>]", "email", "event_log", "console"
    RouteConfig route;
    bool is_log = false;  // event_log/console: no silences, no quiet hours
};

// Channel name of a Telegram chat entry.
std::string telegram_channel_name(const TelegramChat& chat);

// The channels a configuration defines (console added when asked: demo and check print there).
std::vector<ChannelSpec> channels_from_config(const Config& cfg, bool with_console = false,
                                              RouteConfig console_route = {});

// --- the stages, each pure and tested alone
// A trailing "*" matches by prefix ("posting.*", "posting.cutoff_*", "*"); else exact.
bool type_matches(const std::string& pattern, const std::string& type);
bool route_accepts(const RouteConfig& r, const Event& e);
bool silenced(const std::vector<Silence>& silences, const Event& e, TimePoint now);
// now if outside the quiet hours or critical; else the local end of the quiet time (as UTC).
TimePoint quiet_hours_release(const std::optional<QuietHours>& q, const TimeZone& tz,
                              Severity severity, TimePoint now);

class AlertRouter {
public:
    AlertRouter(const Config& cfg, Store& store, const Clock& clock, bool with_console = false,
                RouteConfig console_route = {});
    // Store::Router signature.
    std::vector<OutboxTarget> operator()(const Event& e) const;
    // Same with an explicit silence list and time (tests, repeats).
    std::vector<OutboxTarget> route(const Event& e, const std::vector<Silence>& silences,
                                    TimePoint now, bool include_logs = true) const;
    const std::vector<ChannelSpec>& channels() const { return channels_; }

private:
    std::vector<ChannelSpec> channels_;
    std::vector<std::string> no_resolved_types_;
    TimeZone tz_;
    Store* store_;
    const Clock* clock_;
};

// What the daemon passes to Store::apply (self-contained: owns its AlertRouter). Store and
// clock must outlive it. with_console: also route to "console" (demo, check).
Router make_router(const Config& cfg, Store& store, const Clock& clock, bool with_console = false);

}  // namespace ozw::alerts
