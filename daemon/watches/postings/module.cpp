// The shipments watch as a module: its config section, its event types, its watch.
#include "daemon/watches/postings/module.hpp"

#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/postings/evaluate.hpp"
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
        .duration("stuck_acceptance", &S::stuck_acceptance)
        .integer("min_reread_percent", &S::min_reread_percent, 0, 100);
    return s;
}

class PostingsModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override {
        return language == "en" ? "FBS postings" : "Отправления FBS";
    }
    std::vector<EventType> event_types() const override { return posting_event_types(); }
    std::vector<std::string> ozon_methods() const override {
        return {"/v4/posting/fbs/list", "/v4/posting/fbs/unfulfilled/list", "/v3/posting/fbs/get"};
    }
    std::vector<Event> examples() const override;
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<PostingsWatch>(ctx.account.name, ctx.ozon,
                                               dynamic_cast<const PostingsSettings&>(ctx.settings),
                                               ctx.config.timezone);
    }

private:
    SettingsSchema<PostingsSettings> schema_ = make_schema();
};

std::vector<Event> PostingsModule::examples() const {
    const EvalContext ctx{"main", PostingsSettings{}, TimeZone("Europe/Moscow")};
    const TimePoint in_process = *parse_iso8601("2026-11-25T08:00:00Z");
    auto posting = [&](const char* number, const char* status) {
        PostingState p;
        p.posting_number = number;
        p.status = status;
        p.in_process_at = in_process;
        p.status_since = in_process;
        p.shipment_date = *parse_iso8601("2026-11-26T10:00:00Z");
        p.shipment_date_without_delay = *parse_iso8601("2026-11-27T20:00:00Z");
        p.products = {{"Платье миди льняное, бежевое, 44", "DRESS-44", 2}};
        return p;
    };
    std::vector<Event> out;
    auto add = [&](std::vector<Event> events) {
        for (auto& e : events) out.push_back(std::move(e));
    };
    auto packaging = posting("0127001001-0001-1", "awaiting_packaging");
    packaging.tariff = TariffInfo{"surcharge", 5, 120, "surcharge", 10, *parse_iso8601("2026-11-27T14:00:00Z")};
    add(posting_transitions(nullptr, packaging, *parse_iso8601("2026-11-25T08:05:00Z"), ctx));
    for (const char* at : {"2026-11-26T08:30:00Z", "2026-11-26T12:00:00Z", "2026-11-27T15:00:00Z"})
        add(posting_conditions(packaging, *parse_iso8601(at), ctx).holding);
    auto deliver = posting("0127001001-0001-1", "awaiting_deliver");
    add(posting_transitions(&packaging, deliver, *parse_iso8601("2026-11-26T09:00:00Z"), ctx));
    auto cancelled = posting("0127001020-0001-1", "cancelled");
    cancelled.cancellation = CancellationInfo{"Покупатель", "client", "Передумал покупать", 401, true, true};
    add(posting_transitions(&packaging, cancelled, *parse_iso8601("2026-11-26T09:00:00Z"), ctx));
    for (const char* status : {"arbitration", "not_accepted", "delivering"})
        add(posting_conditions(posting("0124000613-0001-1", status), *parse_iso8601("2026-12-10T07:00:00Z"), ctx).holding);
    return out;
}

}  // namespace

const WatchModule& module() {
    static const PostingsModule m;
    return m;
}

}  // namespace ozw::daemon::postings
