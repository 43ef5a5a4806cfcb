#pragma once
// The event model of design.md. It lives in common/ (not alerts/) because three layers share
// it: the watches produce events, the store persists them atomically with the snapshots, and
// alerts/ delivers them. Watches never see how an event is delivered.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/config.hpp"

namespace ozw {

enum class EventKind { transition, condition };
enum class EventState { firing, resolved };

struct Event {
    std::string id;        // unique id of this occurrence (store assigns when empty)
    std::string type;      // "posting.arbitration" (design.md catalogue)
    Severity severity = Severity::info;
    EventKind kind = EventKind::transition;
    EventState state = EventState::firing;
    std::string account;
    std::string key;       // dedupe key: "posting.arbitration:05708065-0029-1"
    std::string title;     // short Russian/English title is rendered by alerts; this is a fallback
    TimePoint occurred_at{};
    TimePoint detected_at{};
    std::string url;       // seller-cabinet page
    nlohmann::json details = nlohmann::json::object();
};

const char* to_string(EventKind k);
const char* to_string(EventState s);
std::optional<EventKind> parse_event_kind(std::string_view s);
std::optional<EventState> parse_event_state(std::string_view s);

// design.md's JSON line: {"id","type","severity","state","account","key","title",
// "occurred_at","detected_at","url","details"} (+ "kind").
nlohmann::json to_json(const Event& e);
// Tolerant inverse (missing fields -> defaults); throws std::invalid_argument on a non-object.
Event event_from_json(const nlohmann::json& j);

}  // namespace ozw
