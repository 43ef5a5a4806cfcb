// The API key's health as a module: its config section, its event types, its probe. What the
// key must cover comes from the registry (each module's ozon_methods()), never from names here.
#include "daemon/watches/api_key/module.hpp"

#include "common/time.hpp"
#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/api_key/event_types.hpp"
#include "daemon/watches/api_key/watch.hpp"

namespace ozw::daemon::api_key {

namespace {

SettingsSchema<ApiKeySettings> make_schema() {
    using S = ApiKeySettings;
    SettingsSchema<S> s("api_key");
    s.duration("warn_before", &S::warn_before).duration("critical_before", &S::critical_before, true);
    return s;
}

// The methods the enabled, implemented modules of `cfg` call, named by their module's title.
std::vector<NeededMethod> needed_methods(const Config& cfg, const std::string& language) {
    std::vector<NeededMethod> out;
    for (const auto* m : watch_modules().all()) {
        if (!m->implemented() || !settings_of(cfg, *m)->enabled) continue;
        for (const auto& method : m->ozon_methods()) out.push_back({m->title(language), method});
    }
    return out;
}

class ApiKeyModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override {
        return language == "en" ? "API key" : "API-ключ";
    }
    std::vector<EventType> event_types() const override { return api_key_event_types(); }
    // /v1/roles itself: every key may call it.
    std::vector<Event> examples() const override {
        const TimePoint now = *parse_iso8601("2026-11-26T06:00:00Z");
        EvalContext ctx{"main", ApiKeySettings{}, {{"отзывы", "/v2/review/list"}, {"чаты", "/v3/chat/list"}}};
        KeyState s;
        s.roles = {{"Posting FBS", {"/v4/posting/fbs/"}}};
        std::vector<Event> out;
        for (int days : {10, 1, -1}) {
            s.expires_at = now + std::chrono::hours(24 * days);
            for (auto& e : evaluate_key(s, now, ctx))
                if (days != 10 || e.type != "source.role_missing") out.push_back(std::move(e));
        }
        return out;
    }
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        EvalContext e{ctx.account.name, dynamic_cast<const ApiKeySettings&>(ctx.settings),
                      needed_methods(ctx.config, ctx.config.notify.language)};
        return std::make_shared<ApiKeyWatch>(ctx.account.name, ctx.ozon, std::move(e));
    }

private:
    SettingsSchema<ApiKeySettings> schema_ = make_schema();
};

}  // namespace

const WatchModule& module() {
    static const ApiKeyModule m;
    return m;
}

}  // namespace ozw::daemon::api_key
