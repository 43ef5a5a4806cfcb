#pragma once
// The stocks watch (issue 13): suspicious Ozon figures, and Ozon against InSales and 1C. Each
// poll reads every article's Ozon stock (/v4/product/info/stocks, the cursor followed to its
// end), InSales' variants (when compared; its failures are its own: the last figures stay and
// are not compared) and the 1C file (read again only when it changed; a partial CommerceML
// package updates the articles it lists; a broken file keeps the last good figures; figures
// older than max_age are not compared). The pure evaluation (evaluate.hpp) groups the trouble:
// one alert for every suspicious figure, one per broken link of the sync chain.
//
// A steady poll costs what changed, not what exists: every Ozon and InSales page is still
// fetched, but a page whose bytes are those of the last committed poll's page at the same
// position is not parsed, and its articles keep their remembered figures. Only the articles of
// the pages that changed (as they were and as they are) are read again, merged with the
// remembered ones and compared. What each page gave is kept per page (the figures, so that an
// article found on a second page is summed as a whole read would sum it); a whole read happens
// on the first poll, after a push re-read of an article on no known page, after a 1C file that
// gives a barcode to another article, and while an article sits on two pages of one source.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/config.hpp"
#include "common/insales/client.hpp"
#include "common/known_pages.hpp"
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
    // Tests: parse every page on every poll (the oracle the page-skipping polls are compared with).
    void set_incremental(bool on) { incremental_ = on; }
    // What the last poll did with each source's pages (tests, benchmarks).
    struct PagesRead {
        std::size_t ozon_parsed = 0, ozon_known = 0, insales_parsed = 0, insales_known = 0;
        std::size_t articles_read = 0;  // articles merged and compared (all of them on a whole read)
    };
    const PagesRead& last_pages() const { return last_pages_; }

    void load(const std::map<std::string, SnapshotItem>& stored,
              const std::map<std::string, std::string>& cursors) override;
    void commit() override;
    void rollback() override;

protected:
    awaitable<Fetched<StocksItem>> fetch(TimePoint now, bool baseline) override;
    awaitable<Fetched<StocksItem>> fetch_pushed(TimePoint now) override;
    std::string key_of(const StocksItem& item) const override { return item.key(); }

private:
    // An article's figures in one source (article -> quantity), as a read of it gives them.
    template <class Quantity>
    using SourceFigures = std::unordered_map<std::string, Quantity>;
    // One article's figure on one page of a source (InSales: `present` is the variants' quantity).
    struct PageFigure {
        std::string article;
        long long present = 0;
        long long reserved = 0;
        long long sku = 0;
    };
    // A page of a source as the last committed poll read it.
    struct SourcePage {
        KnownPage known;
        std::shared_ptr<const std::vector<PageFigure>> figures;
        // InSales: the variants known by their barcode only (matched after every walk).
        std::shared_ptr<const std::vector<std::pair<std::string, long long>>> by_barcode;
    };
    struct SourcePages {
        std::vector<SourcePage> pages;
        std::vector<PageFigure> matched;  // InSales: what the barcode-only variants were matched to
        bool usable = false;  // false: the next walk parses every page and reads every article again
    };
    // One walk of a source: every page (known ones as remembered), and the pages parsed.
    struct SourceWalk {
        SourcePages pages;
        std::vector<std::size_t> parsed;
        // Records a page as the walk met it: a known one as `known` remembers it (null back),
        // a parsed one as the page to fill with its figures.
        SourcePage* take(const PageSeen& seen, const SourcePages* known);
    };
    // Walks Ozon's stock pages (those `known` holds are skipped).
    awaitable<SourceWalk> read_ozon(const SourcePages* known);
    // Walks InSales' variant pages, then matches the barcode-only ones; nullopt (and `state`
    // failing) when it fails.
    awaitable<std::optional<SourceWalk>> read_insales(TimePoint now, SourceState& state, const SourcePages* known);
    // Reads the 1C file when it changed: true with `fresh` set to every article's figure (a
    // partial package merged over the remembered articles'); true with `fresh` unset when the
    // file is the one read before; false (and `state` failing) when it cannot be read.
    // `barcode_moved`: one of its barcodes now names another article than before.
    bool read_onec(TimePoint now, SourceState& state, std::optional<SourceFigures<double>>& fresh,
                   bool& barcode_moved);

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

    bool incremental_ = true;
    // The committed polls' pages, and this poll's (kept when it is committed).
    SourcePages ozon_pages_, insales_pages_;
    std::optional<SourcePages> next_ozon_pages_, next_insales_pages_;
    // Articles a push re-read changed: their pages are read again once it is committed.
    std::set<std::string> pushed_changed_;
    PagesRead last_pages_;
};

}  // namespace ozw::daemon::stocks
