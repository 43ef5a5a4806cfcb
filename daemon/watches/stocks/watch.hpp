#pragma once
// The stocks watch (issue 13): suspicious Ozon figures, and Ozon against InSales and 1C. Each
// poll reads every article's Ozon stock (/v4/product/info/stocks, the cursor followed to its
// end), InSales' variants (when compared; its failures are its own: the last figures stay and
// are not compared) and the 1C file (read again only when it changed; a partial CommerceML
// package updates the articles it lists; a broken file keeps the last good figures; figures
// older than max_age are not compared). The pure evaluation (evaluate.hpp) groups the trouble:
// one alert for every suspicious figure, one per broken link of the sync chain.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/config.hpp"
#include "common/insales/client.hpp"
#include "common/ozon/client.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/stocks/evaluate.hpp"
#include "daemon/watches/stocks/stock_item.hpp"

namespace ozw::daemon::stocks {

class StocksWatch : public SnapshotWatch<StocksItem> {
public:
    StocksWatch(std::string account, std::shared_ptr<ozon::Client> client, StocksSettings settings,
                std::optional<InsalesConfig> insales, std::optional<OnecConfig> onec);

    Millis interval() const override { return ctx_.settings.interval; }
    std::vector<std::string> report_lines(const ReportOptions& o) const override;
    std::vector<std::string> health_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

    std::vector<Event> transitions(const StocksItem* previous, const StocksItem& current, TimePoint now) const override;
    ItemConditions conditions(const StocksItem& current, TimePoint now) const override;

    // TYPE_STOCKS_CHANGED: Ozon's figures of the named products are read again at once and
    // compared with InSales and 1C as last read.
    bool take_push(const push::PushMessage& m) override;

    const ArticleStock* article(const std::string& offer_id) const;
    const StockGroup* group(const std::string& key) const;  // "group:suspicious", "group:mismatch:insales_ozon"
    const SourceState* source_state(const std::string& source) const;
    // Tests: the InSales client's options (a short deadline).
    void set_insales_options(insales::Options o) { insales_options_ = o; }

protected:
    awaitable<Fetched<StocksItem>> fetch(TimePoint now, bool baseline) override;
    awaitable<Fetched<StocksItem>> fetch_pushed(TimePoint now) override;
    std::string key_of(const StocksItem& item) const override { return item.key(); }

private:
    // An article's figures in one source (article -> quantity), as a read of it gives them.
    template <class Quantity>
    using SourceFigures = std::unordered_map<std::string, Quantity>;
    // Reads InSales into `fresh` (sku -> quantity); false (and `state` failing) when it fails.
    awaitable<bool> read_insales(TimePoint now, SourceState& state, SourceFigures<long long>& fresh);
    // Reads the 1C file when it changed: true with `fresh` set to every article's figure (a
    // partial package merged over `remembered`'s); true with `fresh` unset when the file is
    // the one read before; false (and `state` failing) when it cannot be read.
    bool read_onec(TimePoint now, SourceState& state, const std::map<std::string, ArticleStock>& remembered,
                   std::optional<SourceFigures<double>>& fresh);

    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
    std::optional<InsalesConfig> insales_;
    std::optional<OnecConfig> onec_;
    Compared configured_;
    insales::Options insales_options_;
    std::unique_ptr<insales::Client> insales_client_;
    bool logged_no_warehouses_ = false;
    // Named by stock pushes since the last re-read.
    std::set<long long> pushed_products_, pushed_skus_;
    std::set<std::string> pushed_offers_;
    // The FBS warehouses of every suspicious article's figure (added to the alert).
    awaitable<void> locate_suspicious(std::vector<StockGroup>& groups);
    // barcode -> article, as InSales (sku) and 1C (Артикул) give them (match_barcodes).
    std::unordered_map<std::string, std::string> article_by_barcode_;
    // The article of a record that lacks one, by its barcode; empty when unknown.
    std::string article_for(const std::string& article, const std::string& barcode) const;
};

}  // namespace ozw::daemon::stocks
