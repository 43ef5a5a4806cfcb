#include "alerts/router.hpp"

#include <algorithm>
#include <memory>

namespace ozw::alerts {

std::string telegram_channel_name(const TelegramChat& chat) {
    std::string n = "telegram:" + chat.chat_id;
    if (chat.message_thread_id) n += ":" + std::to_string(*chat.message_thread_id);
    return n;
}

std::vector<ChannelSpec> channels_from_config(const Config& cfg, bool with_console,
                                              RouteConfig console_route) {
    std::vector<ChannelSpec> out;
    if (cfg.notify.telegram)
        for (const auto& c : cfg.notify.telegram->chats)
            out.push_back({telegram_channel_name(c), c.route, false});
    if (cfg.notify.email) out.push_back({"email", cfg.notify.email->route, false});
    if (cfg.notify.event_log) out.push_back({"event_log", cfg.notify.event_log->route, true});
    if (with_console) out.push_back({"console", console_route, true});
    return out;
}

bool type_matches(const std::string& pattern, const std::string& type) {
    if (!pattern.empty() && pattern.back() == '*')  // "posting.*", "posting.cutoff_*", "*"
        return std::string_view(type).starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
    return pattern == type;
}

bool route_accepts(const RouteConfig& r, const Event& e) {
    if (e.severity < r.min_severity) return false;
    if (!r.accounts.empty() &&
        std::find(r.accounts.begin(), r.accounts.end(), e.account) == r.accounts.end())
        return false;
    auto any = [&](const std::vector<std::string>& ps) {
        return std::any_of(ps.begin(), ps.end(), [&](const std::string& p) { return type_matches(p, e.type); });
    };
    if (!r.include_types.empty() && !any(r.include_types)) return false;
    if (any(r.exclude_types)) return false;
    return true;
}

bool silenced(const std::vector<Silence>& silences, const Event& e, TimePoint now) {
    for (const auto& s : silences)
        if (s.expires_at > now && s.matches(e)) return true;
    return false;
}

TimePoint quiet_hours_release(const std::optional<QuietHours>& q, const TimeZone& tz,
                              Severity severity, TimePoint now) {
    if (!q || severity == Severity::critical || q->from == q->to) return now;
    auto local = tz.to_local(now);
    auto midnight_local = std::chrono::floor<std::chrono::days>(local);
    auto mins = std::chrono::duration_cast<std::chrono::minutes>(local - midnight_local);
    auto from = q->from.since_midnight(), to = q->to.since_midnight();
    bool inside;
    if (from < to) inside = mins >= from && mins < to;       // e.g. 13:00-15:00
    else inside = mins >= from || mins < to;                 // across midnight: 22:00-08:00
    if (!inside) return now;
    // The end of the quiet time: `to` today if still ahead, else tomorrow.
    TimePoint end = tz.at_local(now, q->to);
    if (end <= now) end = tz.at_local(now + std::chrono::hours(24), q->to);
    return end;
}

AlertRouter::AlertRouter(const Config& cfg, Store& store, const Clock& clock, bool with_console,
                         RouteConfig console_route)
    : channels_(channels_from_config(cfg, with_console, std::move(console_route))),
      no_resolved_types_(cfg.notify.no_resolved_types),
      tz_(cfg.timezone),
      store_(&store),
      clock_(&clock) {}

std::vector<OutboxTarget> AlertRouter::operator()(const Event& e) const {
    TimePoint now = clock_->now();
    return route(e, store_->silences(now), now);
}

std::vector<OutboxTarget> AlertRouter::route(const Event& e, const std::vector<Silence>& silences,
                                             TimePoint now, bool include_logs) const {
    std::vector<OutboxTarget> out;
    const bool no_resolved =
        e.state == EventState::resolved &&
        std::any_of(no_resolved_types_.begin(), no_resolved_types_.end(),
                    [&](const std::string& p) { return type_matches(p, e.type); });
    std::optional<bool> is_silenced;  // computed once, lazily
    for (const auto& ch : channels_) {
        if (ch.is_log && !include_logs) continue;
        if (!route_accepts(ch.route, e)) continue;
        if (ch.is_log) {  // the record of every state change: no silences, no quiet hours
            out.push_back({ch.name, now});
            continue;
        }
        if (no_resolved) continue;
        if (!is_silenced) is_silenced = silenced(silences, e, now);
        if (*is_silenced) continue;
        out.push_back({ch.name, quiet_hours_release(ch.route.quiet_hours, tz_, e.severity, now)});
    }
    return out;
}

Router make_router(const Config& cfg, Store& store, const Clock& clock, bool with_console) {
    auto r = std::make_shared<AlertRouter>(cfg, store, clock, with_console);
    return [r](const Event& e) { return (*r)(e); };
}

}  // namespace ozw::alerts
