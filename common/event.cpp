#include "common/event.hpp"

#include <stdexcept>

#include "common/time.hpp"

namespace ozw {

const char* to_string(EventKind k) { return k == EventKind::transition ? "transition" : "condition"; }
const char* to_string(EventState s) { return s == EventState::firing ? "firing" : "resolved"; }

std::optional<EventKind> parse_event_kind(std::string_view s) {
    if (s == "transition") return EventKind::transition;
    if (s == "condition") return EventKind::condition;
    return std::nullopt;
}
std::optional<EventState> parse_event_state(std::string_view s) {
    if (s == "firing") return EventState::firing;
    if (s == "resolved") return EventState::resolved;
    return std::nullopt;
}

nlohmann::json to_json(const Event& e) {
    nlohmann::json j;
    j["id"] = e.id;
    j["type"] = e.type;
    j["kind"] = to_string(e.kind);
    j["severity"] = to_string(e.severity);
    j["state"] = to_string(e.state);
    j["account"] = e.account;
    j["key"] = e.key;
    j["title"] = e.title;
    j["occurred_at"] = format_iso8601(e.occurred_at);
    j["detected_at"] = format_iso8601(e.detected_at);
    j["url"] = e.url;
    j["details"] = e.details;
    return j;
}

Event event_from_json(const nlohmann::json& j) {
    if (!j.is_object()) throw std::invalid_argument("event JSON is not an object");
    auto str = [&](const char* k) {
        auto it = j.find(k);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    Event e;
    e.id = str("id");
    e.type = str("type");
    e.severity = parse_severity(str("severity")).value_or(Severity::info);
    e.kind = parse_event_kind(str("kind")).value_or(EventKind::transition);
    e.state = parse_event_state(str("state")).value_or(EventState::firing);
    e.account = str("account");
    e.key = str("key");
    e.title = str("title");
    e.occurred_at = parse_iso8601(str("occurred_at")).value_or(TimePoint{});
    e.detected_at = parse_iso8601(str("detected_at")).value_or(TimePoint{});
    e.url = str("url");
    if (auto it = j.find("details"); it != j.end() && it->is_object()) e.details = *it;
    return e;
}

}  // namespace ozw
