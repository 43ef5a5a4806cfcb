// The stocks watch as a module: its config section, its event types, its watch.
#include "daemon/watches/stocks/module.hpp"

#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/stocks/event_types.hpp"
#include "daemon/watches/stocks/watch.hpp"

namespace ozw::daemon::stocks {

namespace {

SettingsSchema<StocksSettings> make_schema() {
    using S = StocksSettings;
    SettingsSchema<S> s("stocks");
    s.field("suspicious_values",
            [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& out) {
                if (!n.IsSequence()) r.fail(n, p, "expected a list like [100, 1000]");
                out.suspicious_values.clear();
                for (std::size_t i = 0; i < n.size(); ++i)
                    out.suspicious_values.push_back(r.integer(n[i], p + "[" + std::to_string(i) + "]", 0, 1'000'000'000));
            })
        .field("jump_factor",
               [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& out) {
                   const double f = r.number(n, p);
                   if (f <= 1) r.fail(n, p, "must be greater than 1");
                   out.jump_factor = f;
               })
        .field("jump_from",
               [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& out) {
                   out.jump_from = r.integer(n, p, 1, 1'000'000);
               })
        .field("compare_with",
               [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& out) {
                   if (!n.IsSequence()) r.fail(n, p, "expected a list like [insales, onec]");
                   out.compare_with.clear();
                   for (std::size_t i = 0; i < n.size(); ++i) {
                       const std::string item = p + "[" + std::to_string(i) + "]";
                       const std::string v = r.str(n[i], item);
                       if (v != "insales" && v != "onec")
                           r.fail(n[i], item, "expected one of insales, onec, got \"" + v + "\"");
                       out.compare_with.push_back(v);
                   }
               })
        .field("tolerance",
               [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& out) {
                   out.tolerance = r.integer(n, p, 0, 1'000'000);
               })
        .duration("mismatch_grace", &S::mismatch_grace, /*allow_zero=*/true)
        .field("match_barcodes", [](ConfigReader& r, const YAML::Node& n, const std::string& p, S& out) {
            out.match_barcodes = r.boolean(n, p);
        });
    return s;
}

class StocksModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override { return language == "en" ? "stocks" : "остатки"; }
    std::vector<EventType> event_types() const override { return stocks_event_types(); }
    std::vector<std::string> ozon_methods() const override {
        return {"/v4/product/info/stocks", "/v2/product/info/stocks-by-warehouse/fbs"};
    }
    std::vector<Event> examples() const override {
        EvalContext ctx{"main", StocksSettings{}, std::chrono::hours(24)};
        ctx.settings.compare_with = {"insales", "onec"};
        const TimePoint t0 = *parse_iso8601("2026-11-26T04:00:00Z");
        std::map<std::string, ArticleStock> articles;
        auto add = [&](const char* id, long long present, std::optional<long long> insales, std::optional<double> onec) {
            ArticleStock a;
            a.offer_id = id;
            a.on_ozon = true;
            a.present = present;
            a.insales = insales;
            a.onec = onec;
            articles[id] = a;
        };
        add("DRS-002", 1000, 12, 12);  // the 1000 pieces of a dress
        add("JNS-001", 8, 5, 5);       // Ozon did not take InSales' figure
        add("SKR-001", 4, 4, 7);       // InSales did not take 1C's
        articles["JNS-003"] = articles["JNS-001"];
        articles["JNS-003"].offer_id = "JNS-003";
        articles["JNS-003"].present = 600;
        articles["JNS-003"].jumped_from = 30;
        GroupInputs in;
        in.compared = {true, true};
        in.configured = {true, true};
        in.insales_read_at = t0;
        in.onec_written_at = t0 - std::chrono::hours(2);
        std::vector<Event> out;
        auto groups = build_groups(articles, {}, in, t0, ctx.settings);
        for (auto& g : groups)
            for (auto& e : g.entries)
                if (g.kind == "suspicious" && e.offer_id == "DRS-002")
                    e.warehouses = {{"Склад Москва", 1000, 0}, {"Склад Подольск", 0, 0}};
        for (const auto& g : groups)
            for (auto& e : group_conditions(g, t0 + std::chrono::hours(1), ctx).holding) out.push_back(std::move(e));
        ArticleStock was = articles["JNS-001"], now = was;
        now.present = 0;
        for (auto& e : article_transitions(&was, now, t0, ctx)) out.push_back(std::move(e));
        SourceState onec{"onec"};
        onec.failing_since = t0 - std::chrono::hours(2);
        onec.error = "offers.xml: no such file";
        onec.written_at = t0 - std::chrono::hours(30);
        onec.read_at = t0 - std::chrono::hours(3);
        onec.stale = true;
        for (auto& e : source_conditions(onec, t0, ctx).holding) out.push_back(std::move(e));
        return out;
    }
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<StocksWatch>(ctx.account.name, ctx.ozon,
                                             dynamic_cast<const StocksSettings&>(ctx.settings), ctx.account.insales,
                                             ctx.account.onec);
    }

private:
    SettingsSchema<StocksSettings> schema_ = make_schema();
};

}  // namespace

const WatchModule& module() {
    static const StocksModule m;
    return m;
}

}  // namespace ozw::daemon::stocks
