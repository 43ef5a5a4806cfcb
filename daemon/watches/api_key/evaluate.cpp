#include "daemon/watches/api_key/evaluate.hpp"

#include <algorithm>
#include <cctype>

#include "common/ozon/roles.hpp"
#include "common/time.hpp"

namespace ozw::daemon::api_key {

using nlohmann::json;
using namespace std::chrono_literals;

json KeyState::to_json() const {
    json roles_json = json::array();
    for (const auto& r : roles) roles_json.push_back({{"name", r.name}, {"methods", r.methods}});
    json j = {{"roles", roles_json}};
    if (expires_at) j["expires_at"] = format_iso8601(*expires_at);
    return j;
}

KeyState KeyState::from_json(const json& j) {
    KeyState s;
    if (auto e = j.find("expires_at"); e != j.end() && e->is_string()) s.expires_at = parse_iso8601(e->get<std::string>());
    if (auto rs = j.find("roles"); rs != j.end() && rs->is_array())
        for (const auto& r : *rs) {
            if (!r.is_object()) continue;
            KeyRole role;
            role.name = r.value("name", std::string());
            if (auto m = r.find("methods"); m != r.end() && m->is_array())
                for (const auto& x : *m)
                    if (x.is_string()) role.methods.push_back(x.get<std::string>());
            s.roles.push_back(std::move(role));
        }
    return s;
}

std::string KeyState::fingerprint() const { return to_json().dump(); }

namespace {

bool is_admin(const std::string& name) {
    std::string n;
    for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return n == "admin" || n == "администратор";
}

// "/v1/posting" covers "/v1/posting" and "/v1/posting/fbs/get", not "/v1/postings".
bool entry_covers(const std::string& entry, const std::string& method) {
    if (entry.empty()) return false;
    if (method.compare(0, entry.size(), entry) != 0) return false;
    return method.size() == entry.size() || entry.back() == '/' || method[entry.size()] == '/';
}

Event base_event(const char* type, Severity sev, const std::string& key, TimePoint now, const EvalContext& ctx) {
    Event e;
    e.type = type;
    e.severity = sev;
    e.kind = EventKind::condition;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = key;
    e.title = std::string(type) + " " + ctx.account;  // fallback only: alerts renders the real text
    e.occurred_at = now;
    e.detected_at = now;
    e.url = kApiKeysUrl;
    return e;
}

long long days_left(TimePoint expires, TimePoint now) {
    if (expires <= now) return 0;
    return std::chrono::duration_cast<std::chrono::hours>(expires - now).count() / 24;
}

std::string role_of(const std::string& method) { return std::string(ozon::role_for_method(method)); }

}  // namespace

bool covers(const std::vector<KeyRole>& roles, const std::string& method) {
    for (const auto& r : roles) {
        if (is_admin(r.name)) return true;
        for (const auto& m : r.methods)
            if (entry_covers(m, method)) return true;
    }
    return false;
}

std::vector<NeededMethod> missing_methods(const KeyState& s, const std::vector<NeededMethod>& needed) {
    std::vector<NeededMethod> out;
    for (const auto& n : needed)
        if (!covers(s.roles, n.method)) out.push_back(n);
    return out;
}

std::vector<Event> evaluate_key(const KeyState& s, TimePoint now, const EvalContext& ctx) {
    std::vector<Event> out;
    if (s.expires_at && *s.expires_at - now <= ctx.settings.warn_before) {
        const bool urgent = *s.expires_at - now <= ctx.settings.critical_before;
        Event e = base_event(urgent ? "source.key_expiring_urgent" : "source.key_expiring",
                             urgent ? Severity::critical : Severity::warning, "source.key_expiring:" + ctx.account,
                             now, ctx);
        e.details = {{"expires_at", format_iso8601(*s.expires_at)}, {"expired", *s.expires_at <= now}};
        if (*s.expires_at > now) e.details["days_left"] = days_left(*s.expires_at, now);
        out.push_back(std::move(e));
    }
    const auto missing = missing_methods(s, ctx.needed);
    if (!missing.empty()) {
        Event e = base_event("source.role_missing", Severity::warning, "source.role_missing:" + ctx.account, now, ctx);
        json list = json::array();
        std::vector<std::string> roles;
        for (const auto& m : missing) {
            json x = {{"watch", m.watch}, {"method", m.method}};
            const std::string role = role_of(m.method);
            if (!role.empty()) {
                x["role"] = role;
                if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
            }
            list.push_back(std::move(x));
        }
        e.details = {{"missing", list}, {"roles_to_add", roles}};
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<std::string> key_report_lines(const std::optional<KeyState>& s, TimePoint now, const EvalContext& ctx,
                                          bool ru, const std::string& timezone) {
    std::vector<std::string> lines;
    if (!s) {
        lines.push_back(ru ? "API-ключ Ozon: ещё не проверен" : "Ozon API key: not checked yet");
        return lines;
    }
    std::string line = ru ? "API-ключ Ozon: " : "Ozon API key: ";
    if (!s->expires_at) {
        line += ru ? "срок действия Ozon не сообщил" : "Ozon gave no expiry date";
    } else if (*s->expires_at <= now) {
        line += (ru ? "истёк " : "expired on ") + TimeZone(timezone).format_local(*s->expires_at, "%d.%m.%Y");
    } else {
        line += (ru ? "действует до " : "valid until ") + TimeZone(timezone).format_local(*s->expires_at, "%d.%m.%Y") +
                (ru ? " (ещё " : " (") + std::to_string(days_left(*s->expires_at, now)) + (ru ? " дн.)" : " days left)");
    }
    const auto missing = missing_methods(*s, ctx.needed);
    if (missing.empty()) {
        line += ru ? "; роли: все нужные есть" : "; roles: all needed are present";
    } else {
        std::string what;
        for (const auto& m : missing) {
            const std::string role = role_of(m.method);
            what += (what.empty() ? "" : ", ") + m.method + (role.empty() ? "" : " (" + role + ")");
        }
        line += (ru ? "; нет доступа к: " : "; no access to: ") + what;
    }
    lines.push_back(line);
    return lines;
}

}  // namespace ozw::daemon::api_key
