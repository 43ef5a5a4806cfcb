// The returns watch as a module: its config section, its event types, its watch.
#include "daemon/watches/returns/module.hpp"

#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/returns/evaluate.hpp"
#include "daemon/watches/returns/event_types.hpp"
#include "daemon/watches/returns/watch.hpp"

namespace ozw::daemon::returns {

namespace {

SettingsSchema<ReturnsSettings> make_schema() {
    using S = ReturnsSettings;
    SettingsSchema<S> s("returns");
    // The rFBS list asks created_at {now - lookback, now} in one request: within Ozon's year.
    s.duration("lookback", &S::lookback, false, std::chrono::hours(24 * 300),
               " (Ozon answers at most one year per request)")
        .duration("overlap", &S::overlap, true)
        .duration("reconcile_every", &S::reconcile_every)
        .duration("decision_window", &S::decision_window)
        .duration("urgent_before", &S::urgent_before, true)
        .duration("disposal_warn", &S::disposal_warn, true);
    return s;
}

class ReturnsModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override {
        return language == "en" ? "Returns" : "Возвраты";
    }
    std::vector<EventType> event_types() const override { return return_event_types(); }
    std::vector<std::string> ozon_methods() const override {
        return {"/v1/returns/list", "/v2/returns/rfbs/list", "/v2/returns/rfbs/get", "/v1/returns/company/fbs/info"};
    }
    std::vector<Event> examples() const override;
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<ReturnsWatch>(ctx.account.name, ctx.ozon,
                                              dynamic_cast<const ReturnsSettings&>(ctx.settings));
    }

private:
    SettingsSchema<ReturnsSettings> schema_ = make_schema();
};

std::vector<Event> ReturnsModule::examples() const {
    const EvalContext ctx{"main", ReturnsSettings{}};
    const TimePoint t0 = *parse_iso8601("2026-11-26T04:00:00Z");
    auto fbs = [&](long long id, const char* type, const char* status, const char* status_name) {
        ReturnItem r;
        r.id = id;
        r.type = type;
        r.schema = "Fbs";
        r.status = status;
        r.status_name = status_name;
        r.status_since = r.first_seen = t0;
        r.posting_number = "0120000301-0001-1";
        r.product_name = "Платье миди льняное, бежевое, 44";
        r.offer_id = "DRS-002";
        r.quantity = 1;
        r.amount = 3490;
        r.currency = "RUB";
        r.reason = "Не подошёл размер";
        return r;
    };
    std::vector<Event> out;
    auto add = [&](std::vector<Event> events) {
        for (auto& e : events) out.push_back(std::move(e));
    };
    auto cancelled = fbs(1000015002, "Cancellation", "MovingToSeller", "Едет к продавцу");
    cancelled.reason = "Покупатель не забрал заказ";
    add(return_transitions(nullptr, cancelled, t0, ctx));
    auto at_point = fbs(1000015002, "Cancellation", "ArrivedAtReturnPlace", "В пункте выдачи");
    at_point.place_name = "ПВЗ Ozon, Москва, ул. Тверская, 12";
    at_point.place_address = "г. Москва, ул. Тверская, 12";
    at_point.arrived_at = t0;
    at_point.paid_storage_from = t0 + std::chrono::hours(24 * 3);
    at_point.disposal_at = t0 + std::chrono::hours(24 * 20);
    at_point.storage_sum = 35;
    at_point.disposal_sum = 150;
    for (int day : {1, 4}) add(return_conditions(at_point, t0 + std::chrono::hours(24 * day), ctx).holding);
    auto waiting = fbs(1000015001, "ClientReturn", "OnSellerApproval", "Ожидает решения продавца");
    for (int hour : {1, 21}) add(return_conditions(waiting, t0 + std::chrono::hours(hour), ctx).holding);
    ReturnItem request = fbs(8000000101, "rFBS", "ON_APPROVAL", "Ожидает одобрения");
    request.kind = ItemKind::rfbs_request;
    request.group_state = "New";
    request.return_number = "RET-2026-00101";
    request.client_comment = "Примерила — маломерит на размер. Бирки на месте, не носила.";
    request.photos = {"https://cdn.example.invalid/returns/8000000101/1.jpg",
                      "https://cdn.example.invalid/returns/8000000101/2.jpg"};
    request.actions = {"Одобрить", "Отклонить", "Вернуть часть денег"};
    add(return_conditions(request, t0 + std::chrono::hours(2), ctx).holding);
    add(return_conditions(fbs(1000014980, "ClientReturn", "DisputeOpened", "Открыт спор"), t0, ctx).holding);
    return out;
}

}  // namespace

const WatchModule& module() {
    static const ReturnsModule m;
    return m;
}

}  // namespace ozw::daemon::returns
