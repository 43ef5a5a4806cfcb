// The finance watch as a module: its config section, its event types, its watch.
#include "daemon/watches/finance/module.hpp"

#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/finance/event_types.hpp"
#include "daemon/watches/finance/watch.hpp"

namespace ozw::daemon::finance {

namespace {

SettingsSchema<FinanceSettings> make_schema() {
    using S = FinanceSettings;
    SettingsSchema<S> s("finance");
    s.integer("grace_days", &S::grace_days, 0, 60)
        .duration("give_up_after", &S::give_up_after)
        .integer("payout_days", &S::payout_days, 0, 60)
        .duration("statement_wait", &S::statement_wait)
        .duration("by_day_refresh", &S::by_day_refresh)
        .field("sale_types", [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& out) {
            out.sale_types = r.str_list(n, p);
        });
    return s;
}

class FinanceModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override {
        return language == "en" ? "Accruals" : "Начисления";
    }
    std::vector<EventType> event_types() const override { return finance_event_types(); }
    std::vector<std::string> ozon_methods() const override {
        return {"/v1/finance/accrual/postings", "/v1/finance/accrual/by-day", "/v1/finance/accrual/types",
                "/v1/finance/cash-flow-statement/list"};
    }
    std::vector<Event> examples() const override {
        const EvalContext ctx{"main", FinanceSettings{}, TimeZone("Europe/Moscow")};
        AccrualItem a;
        a.posting_number = "0122000514-0001-1";
        a.delivered_at = *parse_iso8601("2026-11-21T09:00:00Z");
        a.charges = *Decimal::parse("-643.5");
        std::vector<Event> out = accrual_conditions(a, *parse_iso8601("2026-11-26T04:00:00Z"), ctx).holding;
        // 1-15 November, summed up on the 16th at 07:00 Moscow, not paid by the 26th.
        PeriodItem p = period_item(payout_period_containing(ctx.tz, *parse_iso8601("2026-11-10T09:00:00Z")), ctx.tz);
        p.closed = true;
        p.statement = true;
        p.currency = "RUB";
        p.orders = *Decimal::parse("8770");
        p.returns = *Decimal::parse("-1990");
        p.commission = *Decimal::parse("-1315.5");
        p.services = *Decimal::parse("-350");
        p.delivery = *Decimal::parse("-505");
        p.to_pay = *Decimal::parse("4609.5");
        p.delivered = 4;
        p.accrued = 2;
        p.waiting = 1;
        p.missing = {"0111000404-0001-1"};
        for (auto& e : period_transitions(nullptr, p, *parse_iso8601("2026-11-16T04:00:00Z"), ctx))
            out.push_back(std::move(e));
        for (auto& e : payout_conditions(p, *parse_iso8601("2026-11-26T04:00:00Z"), ctx).holding)
            out.push_back(std::move(e));
        return out;
    }
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<FinanceWatch>(ctx.account.name, ctx.ozon,
                                              dynamic_cast<const FinanceSettings&>(ctx.settings), ctx.read_snapshot,
                                              ctx.config.timezone);
    }

private:
    SettingsSchema<FinanceSettings> schema_ = make_schema();
};

}  // namespace

const WatchModule& module() {
    static const FinanceModule m;
    return m;
}

}  // namespace ozw::daemon::finance
