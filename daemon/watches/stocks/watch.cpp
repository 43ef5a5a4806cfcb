// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/watches/stocks/watch.hpp"

#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include <set>

#include "common/onec/stock.hpp"
#include "common/push/push.hpp"
#include "common/time.hpp"
#include "daemon/watches/stocks/event_types.hpp"

namespace ozw::daemon::stocks {

namespace {

bool wants(const StocksSettings& s, const char* source) {
    return std::find(s.compare_with.begin(), s.compare_with.end(), source) != s.compare_with.end();
}

}  // namespace

StocksWatch::StocksWatch(std::string account, std::shared_ptr<ozon::Client> client, StocksSettings settings,
                         std::optional<InsalesConfig> insales, std::optional<OnecConfig> onec)
    : SnapshotWatch("stocks", account), client_(std::move(client)),
      ctx_{std::move(account), std::move(settings), onec ? onec->max_age : Millis(24h)}, insales_(std::move(insales)),
      onec_(std::move(onec)) {
    configured_.insales = wants(ctx_.settings, "insales") && insales_.has_value();
    configured_.onec = wants(ctx_.settings, "onec") && onec_.has_value();
    if (wants(ctx_.settings, "insales") && !insales_)
        spdlog::warn("stocks [{}]: watches.stocks.compare_with names insales, but the account has no insales "
                     "section: not compared", this->account());
    if (wants(ctx_.settings, "onec") && !onec_)
        spdlog::warn("stocks [{}]: watches.stocks.compare_with names onec, but the account has no onec section: "
                     "not compared", this->account());
}

const ArticleStock* StocksWatch::article(const std::string& offer_id) const {
    auto it = items().find(offer_id);
    return it == items().end() ? nullptr : it->second.article();
}

const StockGroup* StocksWatch::group(const std::string& key) const {
    auto it = items().find(key);
    return it == items().end() ? nullptr : it->second.group();
}

const SourceState* StocksWatch::source_state(const std::string& source) const {
    auto it = items().find("source:" + source);
    return it == items().end() ? nullptr : it->second.source();
}

std::vector<Event> StocksWatch::transitions(const StocksItem* previous, const StocksItem& current,
                                            TimePoint now) const {
    if (const auto* a = current.article())
        return article_transitions(previous ? previous->article() : nullptr, *a, now, ctx_);
    return {};
}

ItemConditions StocksWatch::conditions(const StocksItem& current, TimePoint now) const {
    if (const auto* g = current.group()) return group_conditions(*g, now, ctx_);
    if (const auto* s = current.source()) return source_conditions(*s, now, ctx_);
    return {};
}

std::string StocksWatch::article_for(const std::string& article, const std::string& barcode) const {
    if (!article.empty() || barcode.empty() || !ctx_.settings.match_barcodes) return article;
    auto it = article_by_barcode_.find(barcode);
    return it == article_by_barcode_.end() ? std::string{} : it->second;
}

void StocksWatch::load(const std::map<std::string, SnapshotItem>& stored,
                       const std::map<std::string, std::string>& cursors) {
    SnapshotWatch::load(stored, cursors);
    // Items that were not read by this process: the next poll reads every page.
    ozon_pages_ = {};
    insales_pages_ = {};
    next_ozon_pages_.reset();
    next_insales_pages_.reset();
    pushed_changed_.clear();
}

void StocksWatch::commit() {
    SnapshotWatch::commit();
    if (next_ozon_pages_) ozon_pages_ = std::move(*next_ozon_pages_);
    if (next_insales_pages_) insales_pages_ = std::move(*next_insales_pages_);
    next_ozon_pages_.reset();
    next_insales_pages_.reset();
    // A push re-read changed these articles' Ozon figures: the pages that hold them no longer
    // say what is remembered, so they are parsed again whatever their bytes. An article on no
    // page (new since the last walk) is only found again by a whole read.
    if (!pushed_changed_.empty()) {
        std::set<std::string> on_no_page = pushed_changed_;
        for (auto& page : ozon_pages_.pages) {
            if (!page.figures) continue;
            for (const auto& f : *page.figures)
                if (pushed_changed_.count(f.article)) {
                    page.known.hash = 0;
                    on_no_page.erase(f.article);
                }
        }
        if (!on_no_page.empty()) ozon_pages_.usable = false;
    }
    pushed_changed_.clear();
}

void StocksWatch::rollback() {
    SnapshotWatch::rollback();
    next_ozon_pages_.reset();
    next_insales_pages_.reset();
    pushed_changed_.clear();
}

namespace {

// The caller's page at `index` when the hash matches (KnownPages).
template <class Pages>
KnownPages known_in(const Pages* known) {
    if (!known) return {};
    return [known](std::size_t index, std::uint64_t hash) -> const KnownPage* {
        if (index >= known->pages.size() || known->pages[index].known.hash != hash) return nullptr;
        return &known->pages[index].known;
    };
}

}  // namespace

StocksWatch::SourcePage* StocksWatch::SourceWalk::take(const PageSeen& seen, const SourcePages* known) {
    if (pages.pages.size() <= seen.index) pages.pages.resize(seen.index + 1);
    SourcePage& page = pages.pages[seen.index];
    if (seen.known) {  // only a walk given `known` skips a page
        page = known->pages[seen.index];
        return nullptr;
    }
    parsed.push_back(seen.index);
    page.known = seen.page;
    return &page;
}

awaitable<StocksWatch::SourceWalk> StocksWatch::read_ozon(const SourcePages* known) {
    SourceWalk walk;
    const ozon::StocksFilter every_article;  // named: GCC 12 mishandles temporaries inside co_await
    const KnownPages skip = known_in(known);
    // Folded in page by page: the 100,000 articles are never all held as Ozon's models.
    std::function<void(const PageSeen&, std::vector<ozon::StockItem>&)> take =
        [&](const PageSeen& seen, std::vector<ozon::StockItem>& page) {
            SourcePage* out = walk.take(seen, known);
            if (!out) return;
            auto figures = std::make_shared<std::vector<PageFigure>>();
            figures->reserve(page.size());
            for (auto& x : page) {
                if (x.offer_id.empty()) continue;
                PageFigure f;
                f.article = std::move(x.offer_id);
                for (const auto& st : x.stocks) {
                    if (st.type != "fbs" && st.type != "rfbs") continue;  // FBO is Ozon's warehouse, not the shop's
                    f.present += st.present;
                    f.reserved += st.reserved;
                    if (!f.sku) f.sku = st.sku;
                }
                figures->push_back(std::move(f));
            }
            out->figures = std::move(figures);
        };
    co_await client_->stocks_each(every_article, skip, std::move(take));
    co_return walk;
}

awaitable<std::optional<StocksWatch::SourceWalk>> StocksWatch::read_insales(TimePoint now, SourceState& state,
                                                                            const SourcePages* known) {
    try {
        if (!insales_client_) {
            auto ex = co_await boost::asio::this_coro::executor;
            insales_client_ = std::make_unique<insales::Client>(ex, *insales_, insales_options_);
        }
        SourceWalk walk;
        const KnownPages skip = known_in(known);
        // Page by page: the variants of 100,000 articles are never all held at once. A barcode's
        // article is learnt on its page; a variant without an article is matched by barcode
        // after the walk, when every page has taught what it knows.
        std::function<void(const PageSeen&, std::vector<insales::Variant>&)> take =
            [&](const PageSeen& seen, std::vector<insales::Variant>& page) {
                SourcePage* out = walk.take(seen, known);
                if (!out) return;
                auto figures = std::make_shared<std::vector<PageFigure>>();
                auto by_barcode = std::make_shared<std::vector<std::pair<std::string, long long>>>();
                for (auto& v : page) {
                    if (!v.sku.empty() && !v.barcode.empty()) {
                        // Assigned only when new or changed: the same pairs come on every page read.
                        auto [it, added] = article_by_barcode_.try_emplace(v.barcode, v.sku);
                        if (!added && it->second != v.sku) it->second = v.sku;
                    }
                    if (!v.quantity) continue;  // null: not tracked
                    if (!v.sku.empty()) figures->push_back(PageFigure{std::move(v.sku), *v.quantity, 0, 0});
                    else if (!v.barcode.empty()) by_barcode->emplace_back(std::move(v.barcode), *v.quantity);
                }
                out->figures = std::move(figures);
                out->by_barcode = std::move(by_barcode);
            };
        co_await insales_client_->each_variant_page(skip, std::move(take));
        for (const auto& page : walk.pages.pages)
            if (page.by_barcode)
                for (const auto& [barcode, q] : *page.by_barcode)
                    if (std::string article = article_for({}, barcode); !article.empty())
                        walk.pages.matched.push_back(PageFigure{std::move(article), q, 0, 0});
        state.read_at = now;
        state.failing_since.reset();
        state.error.clear();
        co_return walk;
    } catch (const std::exception& e) {
        if (!state.failing_since) {
            state.failing_since = now;
            spdlog::warn("stocks [{}]: InSales failed: {} (its last figures are kept and not compared)", account(),
                         e.what());
        }
        state.error = e.what();
        co_return std::nullopt;
    }
}

bool StocksWatch::read_onec(TimePoint now, SourceState& state, std::optional<SourceFigures<double>>& fresh,
                            bool& barcode_moved) {
    try {
        // Which file, and when it was written: an unchanged file is not read again.
        const auto located = onec::locate_stock_source(*onec_);
        if (state.read_at && state.written_at == located.mtime && state.path == located.path.string() &&
            !state.failing_since) {
            state.stale = now - located.mtime > ctx_.onec_max_age;
            return true;
        }
        // Only the totals are compared: no names, no per-warehouse figures.
        const onec::StockFile file = onec::read_stock_source(*onec_, onec::OfferDetail::figures);
        for (const auto& item : file.items) {
            if (item.article.empty() || item.barcode.empty()) continue;
            auto [it, added] = article_by_barcode_.try_emplace(item.barcode, item.article);
            if (!added && it->second != item.article) {
                it->second = item.article;
                barcode_moved = true;
            }
        }
        SourceFigures<double> figures;
        figures.reserve(file.partial ? items().size() + file.items.size() : file.items.size());
        if (file.partial)  // a partial package alone: only the listed offers change
            for (const auto& [key, item] : items())
                if (const auto* a = item.article(); a && a->onec) figures.emplace(key, *a->onec);
        for (const auto& item : file.items) {
            const std::string article = article_for(item.article, item.barcode);
            if (article.empty()) continue;
            if (item.quantity) figures[article] = *item.quantity;
            else if (file.partial) figures.erase(article);  // no figure: not zero, unknown
        }
        fresh = std::move(figures);
        state.path = file.path.string();
        state.written_at = file.mtime;
        state.read_at = now;
        state.failing_since.reset();
        state.error.clear();
        state.stale = now - file.mtime > ctx_.onec_max_age;
        return true;
    } catch (const std::exception& e) {
        if (!state.failing_since) {
            state.failing_since = now;
            spdlog::warn("stocks [{}]: the 1C stock file cannot be read: {} (its last good figures are kept, not "
                         "compared)", account(), e.what());
        }
        state.error = e.what();
        return false;
    }
}

namespace {

// An article this poll reads again: as it is now (starting from what was remembered), and
// which sources have replaced their figures of it.
struct Reread {
    ArticleStock now;
    const ArticleStock* before = nullptr;  // as remembered (null: a new article)
    bool ozon = false, insales = false;    // the source's figures were reset (read again)
    bool ozon_was = false, insales_was = false;  // on a page of the source that was read again
    std::size_t ozon_page = SIZE_MAX, insales_page = SIZE_MAX;  // the page a new figure came from
    bool gone = false;
};

constexpr std::size_t kMatchedPage = SIZE_MAX - 1;  // InSales' barcode-only variants, matched after the walk

}  // namespace

awaitable<Fetched<StocksItem>> StocksWatch::fetch(TimePoint now, bool /*baseline*/) {
    const long long requests_before = client_->stats().requests;
    last_pages_ = {};
    Fetched<StocksItem> out;
    // Every article, group and source is known after this poll, but the answer lists only what
    // differs from the remembered items, and names what is gone: the engine then handles a
    // hundred articles, not 100,000 (this watch has no observe() and no expiry, so that is the
    // whole-window answer's outcome).
    out.full_window = false;
    out.mode = "stocks";

    // What was remembered besides the articles: the previous groups, each source's state.
    std::map<std::string, const StockGroup*> previous_groups;
    for (auto it = items().lower_bound("group:"); it != items().end() && it->first.starts_with("group:"); ++it)
        if (const auto* g = it->second.group()) previous_groups.emplace(it->first, g);
    SourceState insales_state{"insales"}, onec_state{"onec"};
    if (const auto* s = source_state("insales")) insales_state = *s;
    if (const auto* s = source_state("onec")) onec_state = *s;

    // The articles read again, by offer_id (key order: merged with the remembered ones below).
    std::map<std::string, Reread> reread;
    auto start = [this](Reread& r, const std::string& key, const ArticleStock* before) {
        r.before = before;
        if (before) r.now = *before;
        // By the stored key, which is the offer_id: a damaged row without one is then rewritten
        // whole or forgotten under its own key, never left behind.
        r.now.offer_id = key;
        if (!configured_.insales) r.now.insales.reset();
        if (!configured_.onec) r.now.onec.reset();
    };
    auto read_again = [&](const std::string& key) -> Reread& {
        auto [it, added] = reread.try_emplace(key);
        if (added) {
            const auto k = items().find(key);
            start(it->second, key, k == items().end() ? nullptr : k->second.article());
        }
        return it->second;
    };
    // Every remembered article is read again (a whole read of a source): in key order, so each
    // lands at the map's end without a search.
    bool all_read = false;
    auto read_all_again = [&] {
        if (all_read) return;
        all_read = true;
        auto at = reread.begin();
        for (const auto& [key, item] : items()) {
            const auto* a = item.article();
            if (!a) continue;
            while (at != reread.end() && at->first < key) ++at;
            if (at != reread.end() && at->first == key) continue;  // read again already
            at = reread.emplace_hint(at, key, Reread{});
            start(at->second, key, a);
        }
    };
    auto reset_ozon = [](Reread& r) {
        if (r.ozon) return;
        r.ozon = true;
        r.now.on_ozon = false;
        r.now.present = r.now.reserved = r.now.sku = 0;
    };
    auto reset_insales = [](Reread& r) {
        if (r.insales) return;
        r.insales = true;
        r.now.insales.reset();
    };

    // Ozon: the pages that changed since the last committed poll (all of them on a whole read).
    const SourcePages* ozon_known = incremental_ && ozon_pages_.usable ? &ozon_pages_ : nullptr;
    SourceWalk ozon = co_await read_ozon(ozon_known);
    bool ozon_twice = false;  // an article on two pages: the next poll reads every page
    if (!ozon_known) {
        read_all_again();
        for (auto& [_, r] : reread) reset_ozon(r);
    } else {
        auto was_on = [&](const SourcePage& page) {
            for (const auto& f : *page.figures) {
                Reread& r = read_again(f.article);
                reset_ozon(r);
                r.ozon_was = true;
            }
        };
        for (std::size_t i : ozon.parsed)
            if (i < ozon_known->pages.size() && ozon_known->pages[i].figures) was_on(ozon_known->pages[i]);
        for (std::size_t i = ozon.pages.pages.size(); i < ozon_known->pages.size(); ++i)
            if (ozon_known->pages[i].figures) was_on(ozon_known->pages[i]);
    }
    for (std::size_t i : ozon.parsed)
        for (const auto& f : *ozon.pages.pages[i].figures) {
            Reread& r = read_again(f.article);
            reset_ozon(r);
            if (r.ozon_page != SIZE_MAX && r.ozon_page != i) ozon_twice = true;
            r.ozon_page = i;
            r.now.on_ozon = true;
            r.now.present += f.present;
            r.now.reserved += f.reserved;
            if (!r.now.sku) r.now.sku = f.sku;
        }
    last_pages_.ozon_parsed = ozon.parsed.size();
    last_pages_.ozon_known = ozon.pages.pages.size() - ozon.parsed.size();

    // An article now on a changed page that was remembered on Ozon without being on any page
    // read again is also on a page that did not change: its figures are counted again over every
    // page in order, as a whole read counts them, and the next poll reads every page (figures
    // are summed across pages only on a whole read).
    auto count_again = [](std::map<std::string, Reread>& rows, const SourcePages& pages,
                          const std::set<std::string>& also, auto add) {
        for (const auto& page : pages.pages)
            if (page.figures)
                for (const auto& f : *page.figures)
                    if (also.count(f.article)) add(rows.at(f.article), f);
        for (const auto& f : pages.matched)
            if (also.count(f.article)) add(rows.at(f.article), f);
    };
    if (ozon_known) {
        std::set<std::string> also;
        for (auto& [key, r] : reread)
            if (r.ozon_page != SIZE_MAX && !r.ozon_was && r.before && r.before->on_ozon) {
                also.insert(key);
                r.now.present = r.now.reserved = r.now.sku = 0;
            }
        if (!also.empty()) {
            ozon_twice = true;
            count_again(reread, ozon.pages, also, [](Reread& r, const PageFigure& f) {
                r.now.present += f.present;
                r.now.reserved += f.reserved;
                if (!r.now.sku) r.now.sku = f.sku;
            });
        }
    }
    ozon.pages.usable = !ozon_twice;
    next_ozon_pages_ = std::move(ozon.pages);

    Compared compared;
    if (configured_.insales) {
        const SourcePages* insales_known = incremental_ && insales_pages_.usable ? &insales_pages_ : nullptr;
        std::optional<SourceWalk> walk = co_await read_insales(now, insales_state, insales_known);
        compared.insales = walk.has_value();
        if (walk) {  // its figures replace the remembered ones of every article it read again
            bool twice = false;
            if (!insales_known) {
                read_all_again();
                for (auto& [_, r] : reread) reset_insales(r);
            } else {
                auto was_on = [&](const std::vector<PageFigure>& figures) {
                    for (const auto& f : figures) {
                        Reread& r = read_again(f.article);
                        reset_insales(r);
                        r.insales_was = true;
                    }
                };
                for (std::size_t i : walk->parsed)
                    if (i < insales_known->pages.size() && insales_known->pages[i].figures)
                        was_on(*insales_known->pages[i].figures);
                for (std::size_t i = walk->pages.pages.size(); i < insales_known->pages.size(); ++i)
                    if (insales_known->pages[i].figures) was_on(*insales_known->pages[i].figures);
                was_on(insales_known->matched);  // matched again after every walk
            }
            auto add = [&](const PageFigure& f, std::size_t page) {
                Reread& r = read_again(f.article);
                reset_insales(r);
                if (r.insales_page != SIZE_MAX && r.insales_page != page) twice = true;
                r.insales_page = page;
                r.now.insales = r.now.insales.value_or(0) + f.present;
            };
            for (std::size_t i : walk->parsed)
                for (const auto& f : *walk->pages.pages[i].figures) add(f, i);
            for (const auto& f : walk->pages.matched) add(f, kMatchedPage);
            if (insales_known) {
                std::set<std::string> also;
                for (auto& [key, r] : reread)
                    if (r.insales_page != SIZE_MAX && !r.insales_was && r.before && r.before->insales) {
                        also.insert(key);
                        r.now.insales.reset();
                    }
                if (!also.empty()) {
                    twice = true;
                    count_again(reread, walk->pages, also, [](Reread& r, const PageFigure& f) {
                        r.now.insales = r.now.insales.value_or(0) + f.present;
                    });
                }
            }
            walk->pages.usable = !twice;
            last_pages_.insales_parsed = walk->parsed.size();
            last_pages_.insales_known = walk->pages.pages.size() - walk->parsed.size();
            next_insales_pages_ = std::move(walk->pages);
        }
    }
    if (configured_.onec) {
        std::optional<SourceFigures<double>> fresh;
        bool barcode_moved = false;
        compared.onec = read_onec(now, onec_state, fresh, barcode_moved) && !onec_state.stale;
        if (fresh) {  // the file was read again: its figures replace the remembered ones
            for (const auto& [key, item] : items())
                if (const auto* a = item.article(); a && a->onec) read_again(key).now.onec.reset();
            for (auto& [_, r] : reread) r.now.onec.reset();
            for (const auto& [article, q] : *fresh) read_again(article).now.onec = q;
        }
        if (barcode_moved) {
            // A barcode of InSales' now names another article: InSales' pages say otherwise
            // when they are read, so the next poll reads every one of them (as it did before).
            if (next_insales_pages_) next_insales_pages_->usable = false;
            insales_pages_.usable = false;
        }
    }
    // An article no source names any more is gone; a jump is remembered until the figure
    // changes again.
    for (auto& [key, r] : reread) {
        ArticleStock& a = r.now;
        if (!a.on_ozon && !a.insales && !a.onec) {
            r.gone = true;
            if (r.before) out.gone.push_back(key);
            continue;
        }
        const ArticleStock* prev = r.before;
        a.jumped_from.reset();
        if (!prev || !prev->on_ozon || !a.on_ozon) continue;
        if (prev->present == a.present) a.jumped_from = prev->jumped_from;
        else if (is_jump(prev->present, a.present, ctx_.settings)) a.jumped_from = prev->present;
    }
    last_pages_.articles_read = reread.size();

    // Every article as it is now: the ones read again over the remembered ones, in key order.
    auto each_article = [&](const ArticleVisit& visit) {
        auto known = items().begin();
        auto again = reread.begin();
        while (known != items().end() || again != reread.end()) {
            if (again == reread.end() || (known != items().end() && known->first < again->first)) {
                if (const auto* a = known->second.article()) visit(known->first, *a);
                ++known;
                continue;
            }
            if (!again->second.gone) visit(again->first, again->second.now);
            if (known != items().end() && known->first == again->first) ++known;
            ++again;
        }
    };
    GroupInputs in;
    in.compared = compared;
    in.configured = configured_;
    if (compared.insales) in.insales_read_at = insales_state.read_at;
    if (compared.onec) in.onec_written_at = onec_state.written_at;
    auto groups = build_groups(each_article, previous_groups, in, now, ctx_.settings);
    co_await locate_suspicious(groups);

    // The articles that differ from the remembered ones.
    for (auto& [key, r] : reread)
        if (!r.gone && !(r.before && *r.before == r.now)) out.items.emplace_back(std::move(r.now));
    for (const auto& [key, _] : previous_groups)
        if (std::none_of(groups.begin(), groups.end(), [&](const StockGroup& g) { return g.key() == key; }))
            out.gone.push_back(key);
    for (auto& g : groups) out.items.emplace_back(std::move(g));
    if (configured_.insales) out.items.emplace_back(std::move(insales_state));
    if (configured_.onec) out.items.emplace_back(std::move(onec_state));
    for (const char* source : {"insales", "onec"})
        if (!(std::string_view(source) == "insales" ? configured_.insales : configured_.onec) &&
            items().count(std::string("source:") + source))
            out.gone.push_back(std::string("source:") + source);
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

awaitable<void> StocksWatch::locate_suspicious(std::vector<StockGroup>& groups) {
    // Where a suspicious figure is: its FBS warehouses (one request per 1000 such articles;
    // none on a poll without any).
    for (auto& g : groups) {
        if (g.kind != "suspicious" || g.entries.empty()) continue;
        std::vector<std::string> ids;
        for (const auto& e : g.entries) ids.push_back(e.offer_id);
        std::map<std::string, std::vector<WarehouseFigure>> where;
        std::vector<ozon::WarehouseStock> rows;
        try {
            rows = co_await client_->stocks_by_warehouse_all(std::move(ids));
        } catch (const ozon::ApiError& e) {
            // Where the figure is only adds to the alert: without it the alert still goes.
            if (!logged_no_warehouses_)
                spdlog::warn("stocks [{}]: stock by warehouse not read ({}); alerts go without it (logged once)",
                             account(), e.what());
            logged_no_warehouses_ = true;
        }
        for (const auto& w : rows)
            where[w.offer_id].push_back(
                {w.warehouse_name.empty() ? std::to_string(w.warehouse_id) : w.warehouse_name, w.present, w.reserved});
        for (auto& e : g.entries)
            if (auto it = where.find(e.offer_id); it != where.end()) e.warehouses = std::move(it->second);
    }
}

bool StocksWatch::take_push(const push::PushMessage& m) {
    if (m.message_type != "TYPE_STOCKS_CHANGED") return false;
    bool any = false;
    for (const auto& p : m.products) {
        if (p.product_id) pushed_products_.insert(*p.product_id);
        else if (!p.offer_id.empty()) pushed_offers_.insert(p.offer_id);
        else if (p.sku) pushed_skus_.insert(*p.sku);
        else continue;
        any = true;
    }
    return any;
}

awaitable<Fetched<StocksItem>> StocksWatch::fetch_pushed(TimePoint now) {
    ozon::StocksFilter named;
    named.product_ids.assign(pushed_products_.begin(), pushed_products_.end());
    named.offer_ids.assign(pushed_offers_.begin(), pushed_offers_.end());
    // A push naming only an SKU: the article remembered with that SKU.
    for (const auto& [key, item] : items())
        if (const auto* a = item.article(); a && a->sku && pushed_skus_.count(a->sku)) named.offer_ids.push_back(a->offer_id);
    pushed_products_.clear();
    pushed_offers_.clear();
    pushed_skus_.clear();
    Fetched<StocksItem> out;
    out.mode = "push";
    if (named.product_ids.empty() && named.offer_ids.empty()) co_return out;
    const long long requests_before = client_->stats().requests;
    // Only Ozon's figures of the named articles are read again; InSales and 1C are compared as
    // last read (their own polls keep them current), and counted as the last poll counted them.
    auto fresh = co_await client_->stocks_all(named);

    std::map<std::string, ArticleStock> articles;
    std::map<std::string, const StockGroup*> previous_groups;
    SourceState insales_state{"insales"}, onec_state{"onec"};
    for (const auto& [key, item] : items()) {
        if (const auto* a = item.article()) articles.emplace(a->offer_id, *a);
        else if (const auto* g = item.group()) previous_groups.emplace(key, g);
        else if (const auto* src = item.source()) (src->source == "insales" ? insales_state : onec_state) = *src;
    }
    std::set<std::string> changed;
    for (const auto& x : fresh) {
        if (x.offer_id.empty()) continue;
        ArticleStock& a = articles[x.offer_id];
        const std::optional<ArticleStock> prev =
            a.offer_id.empty() ? std::nullopt : std::optional<ArticleStock>(a);
        a.offer_id = x.offer_id;
        a.on_ozon = true;
        a.present = 0;
        a.reserved = 0;
        for (const auto& st : x.stocks) {
            if (st.type != "fbs" && st.type != "rfbs") continue;
            a.present += st.present;
            a.reserved += st.reserved;
            if (!a.sku) a.sku = st.sku;
        }
        if (prev && prev->on_ozon) {
            if (prev->present == a.present) a.jumped_from = prev->jumped_from;
            else if (is_jump(prev->present, a.present, ctx_.settings)) a.jumped_from = prev->present;
            else a.jumped_from.reset();
        }
        changed.insert(x.offer_id);
    }
    GroupInputs in;
    in.configured = configured_;
    in.compared.insales = configured_.insales && !insales_state.failing_since && insales_state.read_at;
    in.compared.onec = configured_.onec && !onec_state.failing_since && !onec_state.stale && onec_state.read_at;
    if (in.compared.insales) in.insales_read_at = insales_state.read_at;
    if (in.compared.onec) in.onec_written_at = onec_state.written_at;
    auto groups = build_groups(articles, previous_groups, in, now, ctx_.settings);
    co_await locate_suspicious(groups);
    for (const auto& offer_id : changed) out.items.emplace_back(std::move(articles.at(offer_id)));
    pushed_changed_ = std::move(changed);
    for (auto& g : groups) out.items.emplace_back(std::move(g));
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

std::vector<std::string> StocksWatch::report_lines(const ReportOptions& o) const {
    const bool ru = o.language != "en";
    const TimeZone tz(o.timezone);
    std::vector<std::string> lines = {ru ? "Остатки:" : "Stocks:"};
    auto listed = [&](const StockGroup& g) {
        std::string text;
        for (std::size_t i = 0; i < g.entries.size() && i < 5; ++i) {
            const auto& e = g.entries[i];
            text += (i ? ", " : "") + e.offer_id + " (Ozon " + std::to_string(e.ozon);
            if (e.insales) text += ", InSales " + std::to_string(*e.insales);
            if (e.onec) text += (ru ? ", 1С " : ", 1C ") + std::to_string(static_cast<long long>(*e.onec));
            text += ")";
        }
        if (g.entries.size() > 5) text += ru ? " и ещё " + std::to_string(g.entries.size() - 5) : " and " + std::to_string(g.entries.size() - 5) + " more";
        return text;
    };
    // Articles in one source only: listed here (count and the first few), never alerted.
    struct OneSource {
        std::size_t count = 0;
        std::string names;
        void add(const std::string& id) {
            if (count++ < 5) names += (names.empty() ? "" : ", ") + id;
        }
        std::string text(bool ru) const {
            return std::to_string(count) + " (" + names +
                   (count > 5 ? (ru ? " и ещё " : " and ") + std::to_string(count - 5) + (ru ? "" : " more") : "") + ")";
        }
    } only_ozon, only_insales, only_onec;
    std::size_t articles = 0;
    for (const auto& [key, item] : items()) {
        const auto* a = item.article();
        if (!a) continue;
        ++articles;
        const bool in_insales = configured_.insales && a->insales, in_onec = configured_.onec && a->onec;
        if (a->on_ozon && (configured_.insales || configured_.onec) && !in_insales && !in_onec) only_ozon.add(key);
        else if (!a->on_ozon && in_insales && !in_onec) only_insales.add(key);
        else if (!a->on_ozon && in_onec && !in_insales) only_onec.add(key);
    }
    lines.push_back((ru ? "  артикулов: " : "  articles: ") + std::to_string(articles));
    for (const auto& [key, item] : items()) {
        const auto* g = item.group();
        if (!g || g->entries.empty()) continue;
        if (g->kind == "suspicious")
            lines.push_back((ru ? "  подозрительные: " : "  suspicious: ") + listed(*g));
        else
            lines.push_back("  " + link_title(g->link, ru) + (ru ? " расходится: " : " differs: ") + listed(*g));
    }
    if (only_ozon.count) lines.push_back((ru ? "  только на Ozon: " : "  on Ozon only: ") + only_ozon.text(ru));
    if (only_insales.count) lines.push_back((ru ? "  только в InSales: " : "  in InSales only: ") + only_insales.text(ru));
    if (only_onec.count) lines.push_back((ru ? "  только в 1С: " : "  in 1C only: ") + only_onec.text(ru));
    return lines;
}

std::vector<std::string> StocksWatch::health_lines(const ReportOptions& o) const {
    const bool ru = o.language != "en";
    const TimeZone tz(o.timezone);
    std::vector<std::string> lines;
    for (const char* source : {"insales", "onec"}) {
        const bool configured = std::string_view(source) == "insales" ? configured_.insales : configured_.onec;
        if (!configured) continue;
        const std::string name = std::string_view(source) == "onec" ? (ru ? "1С" : "1C") : "InSales";
        const SourceState* s = source_state(source);
        if (!s || (!s->read_at && !s->failing_since)) {
            lines.push_back(name + (ru ? ": ещё не прочитан" : ": not read yet"));
        } else if (s->failing_since) {
            lines.push_back(name + (ru ? ": не читается с " : ": failing since ") + tz.format_local(*s->failing_since) +
                            " (" + s->error + ")");
        } else if (s->stale && s->written_at) {
            lines.push_back(name + (ru ? ": выгрузка устарела, от " : ": export out of date, of ") +
                            tz.format_local(*s->written_at));
        } else {
            std::string line = name + (ru ? ": в порядке, прочитан " : ": fine, read at ") + tz.format_local(*s->read_at);
            if (s->written_at) line += (ru ? " (выгрузка от " : " (export of ") + tz.format_local(*s->written_at) + ")";
            lines.push_back(line);
        }
    }
    return lines;
}

std::string StocksWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "Stocks" : "Остатки";
}

}  // namespace ozw::daemon::stocks
