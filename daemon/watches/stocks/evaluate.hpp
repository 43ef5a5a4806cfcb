#pragma once
// The pure half of the stocks watch. No I/O, no clock.
//   stock.suspicious     condition  warning  Ozon figures that look like a broken sync: a value
//                                            of suspicious_values, or a jump by more than
//                                            jump_factor; one alert listing every such article
//   stock.mismatch       condition  warning  one link of the sync chain 1C -> InSales -> Ozon is
//                                            broken: its articles have differed beyond
//                                            tolerance for mismatch_grace; one alert per link
//   stock.out            transition info     an article's Ozon stock reached zero
//   stock.source_stale   condition  warning  InSales fails, or the 1C file is older than
//                                            max_age: its figures are not compared
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/event.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/stocks/settings.hpp"
#include "daemon/watches/stocks/stock_item.hpp"

namespace ozw::daemon::stocks {

struct EvalContext {
    std::string account;
    StocksSettings settings;
    Millis onec_max_age = 24h;
};

// Which sources are compared on this poll (configured, read, fresh).
struct Compared {
    bool insales = false;
    bool onec = false;
};

bool is_suspicious_value(long long present, const StocksSettings& s);
// A change from `from` to `to` by more than jump_factor, the smaller at least jump_from.
bool is_jump(long long from, long long to, const StocksSettings& s);

// The links of the chain an article breaks: "onec_insales" (InSales differs from 1C),
// "insales_ozon" (Ozon differs from InSales), "onec_ozon" (Ozon differs from 1C; only when
// InSales is not compared). Articles missing from a source break nothing (the report lists them).
std::vector<std::string> broken_links(const ArticleStock& a, Compared c, long long tolerance);
// Every link the configuration can compare, in the order of the chain.
std::vector<std::string> links_of(Compared configured);

// The groups of this poll: each keeps the `since` of the entries it had (previous groups by key).
struct GroupInputs {
    Compared compared;    // what counts now
    Compared configured;  // what is configured (its groups exist even when empty)
    std::optional<TimePoint> insales_read_at;
    std::optional<TimePoint> onec_written_at;
};
std::vector<StockGroup> build_groups(const std::map<std::string, ArticleStock>& articles,
                                     const std::map<std::string, const StockGroup*>& previous, const GroupInputs& in,
                                     TimePoint now, const StocksSettings& s);
// The same over articles held elsewhere: `each` calls its argument for every article, in
// offer_id order (every entries list then stays sorted).
using ArticleVisit = std::function<void(const std::string& offer_id, const ArticleStock&)>;
std::vector<StockGroup> build_groups(const std::function<void(const ArticleVisit&)>& each,
                                     const std::map<std::string, const StockGroup*>& previous, const GroupInputs& in,
                                     TimePoint now, const StocksSettings& s);

std::vector<Event> article_transitions(const ArticleStock* previous, const ArticleStock& current, TimePoint now,
                                       const EvalContext& ctx);
ItemConditions group_conditions(const StockGroup& g, TimePoint now, const EvalContext& ctx);
ItemConditions source_conditions(const SourceState& s, TimePoint now, const EvalContext& ctx);

// How many articles an alert names (the count is always whole).
inline constexpr std::size_t kListed = 10;
// The cabinet's stock page.
inline constexpr const char* kStocksUrl = "https://seller.ozon.ru/app/products";

}  // namespace ozw::daemon::stocks
