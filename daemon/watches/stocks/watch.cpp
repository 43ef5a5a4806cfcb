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

awaitable<bool> StocksWatch::read_insales(TimePoint now, SourceState& state, SourceFigures<long long>& fresh) {
    try {
        if (!insales_client_) {
            auto ex = co_await boost::asio::this_coro::executor;
            insales_client_ = std::make_unique<insales::Client>(ex, *insales_, insales_options_);
        }
        // Page by page: the variants of 100,000 articles are never all held at once. A barcode's
        // article is learnt on its page; a variant without an article is matched by barcode
        // after the walk, when every page has taught what it knows.
        fresh.clear();
        fresh.reserve(items().size());
        std::vector<std::pair<std::string, long long>> by_barcode;
        std::function<void(std::vector<insales::Variant>&)> take = [&](std::vector<insales::Variant>& page) {
            for (auto& v : page) {
                if (!v.sku.empty() && !v.barcode.empty()) {
                    // Assigned only when new or changed: the same 100,000 pairs come every poll.
                    auto [it, added] = article_by_barcode_.try_emplace(v.barcode, v.sku);
                    if (!added && it->second != v.sku) it->second = v.sku;
                }
                if (!v.quantity) continue;  // null: not tracked
                if (!v.sku.empty()) fresh[std::move(v.sku)] += *v.quantity;
                else if (!v.barcode.empty()) by_barcode.emplace_back(std::move(v.barcode), *v.quantity);
            }
        };
        co_await insales_client_->each_variant_page(std::move(take));
        for (const auto& [barcode, q] : by_barcode)
            if (std::string article = article_for({}, barcode); !article.empty()) fresh[article] += q;
        state.read_at = now;
        state.failing_since.reset();
        state.error.clear();
        co_return true;
    } catch (const std::exception& e) {
        if (!state.failing_since) {
            state.failing_since = now;
            spdlog::warn("stocks [{}]: InSales failed: {} (its last figures are kept and not compared)", account(),
                         e.what());
        }
        state.error = e.what();
        co_return false;
    }
}

bool StocksWatch::read_onec(TimePoint now, SourceState& state, const std::map<std::string, ArticleStock>& remembered,
                            std::optional<SourceFigures<double>>& fresh) {
    try {
        // Which file, and when it was written: an unchanged file is not read again.
        const auto located = onec::locate_stock_source(*onec_);
        if (state.read_at && state.written_at == located.mtime && state.path == located.path.string() &&
            !state.failing_since) {
            state.stale = now - located.mtime > ctx_.onec_max_age;
            return true;
        }
        const onec::StockFile file = onec::read_stock_source(*onec_);
        for (const auto& item : file.items)
            if (!item.article.empty() && !item.barcode.empty()) article_by_barcode_[item.barcode] = item.article;
        SourceFigures<double> figures;
        figures.reserve(file.partial ? remembered.size() + file.items.size() : file.items.size());
        if (file.partial)  // a partial package alone: only the listed offers change
            for (const auto& [offer_id, a] : remembered)
                if (a.onec) figures.emplace(offer_id, *a.onec);
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

awaitable<Fetched<StocksItem>> StocksWatch::fetch(TimePoint now, bool /*baseline*/) {
    const long long requests_before = client_->stats().requests;
    Fetched<StocksItem> out;
    // Every article, group and source is known after this poll, but the answer lists only what
    // differs from the remembered items, and names what is gone: the engine then handles a
    // hundred articles, not 100,000 (this watch has no observe() and no expiry, so that is the
    // whole-window answer's outcome).
    out.full_window = false;
    out.mode = "stocks";

    // What was remembered: the articles with their InSales and 1C figures (kept until a read of
    // that source replaces them; the Ozon figure is this poll's), the previous groups, each
    // source's state. The articles are copied in key order, so each lands at the map's end
    // without a search, and indexed by offer_id for the sources' figures.
    struct Row {
        ArticleStock* now = nullptr;
        const ArticleStock* before = nullptr;  // as remembered (null: a new article)
    };
    std::map<std::string, ArticleStock> articles;
    std::unordered_map<std::string_view, Row> rows;
    rows.reserve(items().size() + items().size() / 8 + 16);
    std::map<std::string, const StockGroup*> previous_groups;
    SourceState insales_state{"insales"}, onec_state{"onec"};
    for (const auto& [key, item] : items()) {
        if (const auto* a = item.article()) {
            // By the stored key, which is the offer_id: a damaged row without one is then
            // rewritten whole or forgotten under its own key, never left behind.
            auto it = articles.emplace_hint(articles.end(), key, ArticleStock{});
            ArticleStock& fresh = it->second;
            fresh.offer_id = key;
            if (configured_.insales) fresh.insales = a->insales;
            if (configured_.onec) fresh.onec = a->onec;
            rows.emplace(it->first, Row{&fresh, a});
        } else if (const auto* g = item.group()) {
            previous_groups.emplace(key, g);
        } else if (const auto* s = item.source()) {
            (s->source == "insales" ? insales_state : onec_state) = *s;
        }
    }
    auto row = [&](const std::string& offer_id) -> ArticleStock& {
        if (auto it = rows.find(offer_id); it != rows.end()) return *it->second.now;
        auto it = articles.try_emplace(offer_id).first;
        it->second.offer_id = offer_id;
        rows.emplace(it->first, Row{&it->second, nullptr});
        return it->second;
    };

    const ozon::StocksFilter every_article;  // named: GCC 12 mishandles temporaries inside co_await
    // Folded in page by page: the 100,000 articles are never all held as Ozon's models.
    std::function<void(std::vector<ozon::StockItem>&)> take = [&](std::vector<ozon::StockItem>& page) {
        for (const auto& x : page) {
            if (x.offer_id.empty()) continue;
            ArticleStock& a = row(x.offer_id);
            a.on_ozon = true;
            for (const auto& s : x.stocks) {
                if (s.type != "fbs" && s.type != "rfbs") continue;  // FBO is Ozon's warehouse, not the shop's
                a.present += s.present;
                a.reserved += s.reserved;
                if (!a.sku) a.sku = s.sku;
            }
        }
    };
    co_await client_->stocks_each(every_article, std::move(take));

    Compared compared;
    if (configured_.insales) {
        SourceFigures<long long> fresh;
        compared.insales = co_await read_insales(now, insales_state, fresh);
        if (compared.insales) {  // replaces every remembered InSales figure
            for (auto& [_, a] : articles) a.insales.reset();
            for (const auto& [article, q] : fresh) row(article).insales = q;
        }
    }
    if (configured_.onec) {
        std::optional<SourceFigures<double>> fresh;
        compared.onec = read_onec(now, onec_state, articles, fresh) && !onec_state.stale;
        if (fresh) {  // the file was read again: its figures replace the remembered ones
            for (auto& [_, a] : articles) a.onec.reset();
            for (const auto& [article, q] : *fresh) row(article).onec = q;
        }
    }
    // An article no source names any more is gone.
    for (auto it = articles.begin(); it != articles.end();) {
        const ArticleStock& a = it->second;
        if (!a.on_ozon && !a.insales && !a.onec) {
            if (const auto r = rows.find(std::string_view(it->first)); r != rows.end() && r->second.before)
                out.gone.push_back(it->first);
            rows.erase(std::string_view(it->first));
            it = articles.erase(it);
        } else {
            ++it;
        }
    }
    // A jump is remembered until the figure changes again.
    for (auto& [_, r] : rows) {
        const ArticleStock* prev = r.before;
        ArticleStock& a = *r.now;
        if (!prev || !prev->on_ozon || !a.on_ozon) continue;
        if (prev->present == a.present) a.jumped_from = prev->jumped_from;
        else if (is_jump(prev->present, a.present, ctx_.settings)) a.jumped_from = prev->present;
    }
    rows.clear();

    GroupInputs in;
    in.compared = compared;
    in.configured = configured_;
    if (compared.insales) in.insales_read_at = insales_state.read_at;
    if (compared.onec) in.onec_written_at = onec_state.written_at;
    auto groups = build_groups(articles, previous_groups, in, now, ctx_.settings);
    co_await locate_suspicious(groups);

    // The articles that differ from the remembered ones: both lists are in key order, so one
    // walk of each finds them.
    auto known = items().begin();
    for (auto& [offer_id, a] : articles) {
        while (known != items().end() && known->first < offer_id) ++known;
        if (known != items().end() && known->first == offer_id) {
            if (const auto* before = known->second.article(); before && *before == a) continue;
        }
        out.items.emplace_back(std::move(a));
    }
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
