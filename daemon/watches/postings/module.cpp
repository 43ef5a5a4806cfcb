// The shipments watch as a module: its config section, its event types, its watch.
#include "daemon/watches/postings/module.hpp"

#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/postings/event_types.hpp"
#include "daemon/watches/postings/watch.hpp"

namespace ozw::daemon::postings {

namespace {

SettingsSchema<PostingsSettings> make_schema() {
    using S = PostingsSettings;
    SettingsSchema<S> s("postings");
    s.time_of_day("handover_deadline", &S::handover_deadline)
        .duration("warn_before", &S::warn_before)
        // The full load asks since..to = lookback, the unfulfilled sweep lookback + 60 days:
        // both must stay inside Ozon's one-year limit for one request.
        .duration("lookback", &S::lookback, false, std::chrono::hours(24 * 300),
                  " (Ozon answers at most one year per request)")
        .duration("overlap", &S::overlap, true)
        .duration("reconcile_every", &S::reconcile_every)
        .duration("stuck_delivering", &S::stuck_delivering)
        .duration("stuck_driver_pickup", &S::stuck_driver_pickup)
        .duration("stuck_acceptance", &S::stuck_acceptance);
    return s;
}

class PostingsModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override {
        return language == "en" ? "FBS postings" : "Отправления FBS";
    }
    std::vector<EventType> event_types() const override { return posting_event_types(); }
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<PostingsWatch>(ctx.account.name, ctx.ozon,
                                               dynamic_cast<const PostingsSettings&>(ctx.settings),
                                               ctx.config.timezone);
    }

private:
    SettingsSchema<PostingsSettings> schema_ = make_schema();
};

}  // namespace

const WatchModule& module() {
    static const PostingsModule m;
    return m;
}

}  // namespace ozw::daemon::postings
