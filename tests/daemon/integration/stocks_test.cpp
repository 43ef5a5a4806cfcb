// The stocks watch against the sandbox through the whole daemon: a generated shop of 2,500
// articles on Ozon, in the sandbox's InSales and in a 1C offers.xml (test-stocks.yaml, its
// planted differences counted by sandbox::generated_stock_counts), matched article by article
// and alerted once per broken link of the chain; InSales refusing the key and a broken 1C file
// are their own trouble, never Ozon's.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "common/push/push.hpp"
#include "daemon/watches/stocks/watch.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using ozw::test::Daemon;
using ozw::test::sandbox_config;
using ozw::test::scenario_path;
using ozw::test::TempDir;

namespace {

Config stocks_only(const sandbox::Sandbox& sb, const TempDir& dir) {
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    for (const char* other : {"postings", "returns", "finance"}) edit_settings_base(cfg, other).enabled = false;
    return cfg;
}

std::vector<std::string> active(Store& store, const std::string& type) {
    std::vector<std::string> keys;
    for (const auto& c : store.active_conditions("main"))
        if (c.event.type == type) keys.push_back(c.event.key);
    return keys;
}

const Event* condition(Store& store, const std::string& key, std::vector<ActiveCondition>& keep) {
    keep = store.active_conditions("main");
    for (const auto& c : keep)
        if (c.event.key == key) return &c.event;
    return nullptr;
}

}  // namespace

TEST(StocksSandbox, TwoThousandFiveHundredArticlesMatchedAcrossOzonInSalesAnd1C) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-stocks.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = stocks_only(sb, dir);
    ASSERT_TRUE(cfg.accounts.at(0).insales && cfg.accounts.at(0).onec);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    d.cycle();
    const auto planted = sandbox::generated_stock_counts(2500);
    auto& w = d.watch<stocks::StocksWatch>("stocks");
    const auto* suspicious = w.group("group:suspicious");
    ASSERT_NE(suspicious, nullptr);
    EXPECT_EQ(suspicious->entries.size(), static_cast<std::size_t>(planted.suspicious));
    // Ozon differs from InSales: the planted ones, and the suspicious ones (InSales and 1C
    // have the real figure). InSales differs from 1C: the planted ones.
    ASSERT_NE(w.group("group:mismatch:insales_ozon"), nullptr);
    EXPECT_EQ(w.group("group:mismatch:insales_ozon")->entries.size(),
              static_cast<std::size_t>(planted.insales_differs + planted.suspicious));
    ASSERT_NE(w.group("group:mismatch:onec_insales"), nullptr);
    EXPECT_EQ(w.group("group:mismatch:onec_insales")->entries.size(), static_cast<std::size_t>(planted.onec_differs));
    // Suspicious at once; the mismatches only after mismatch_grace (30 min), one per link.
    EXPECT_EQ(active(d.store, "stock.suspicious"), std::vector<std::string>{"stock.suspicious"});
    EXPECT_TRUE(active(d.store, "stock.mismatch").empty());
    sb.advance(30min);
    d.cycle();
    auto mismatches = active(d.store, "stock.mismatch");
    std::sort(mismatches.begin(), mismatches.end());
    EXPECT_EQ(mismatches, (std::vector<std::string>{"stock.mismatch:insales_ozon", "stock.mismatch:onec_insales"}));
    std::vector<ActiveCondition> keep;
    const Event* e = condition(d.store, "stock.mismatch:insales_ozon", keep);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->details.at("count"), planted.insales_differs + planted.suspicious);
    EXPECT_LE(e->details.at("articles").size(), 10u);
    EXPECT_EQ(e->details.at("articles").at(0).at("ozon"), 1000);  // the worst first
    // No alert for the articles in one source only, nor for InSales' untracked quantities.
    EXPECT_TRUE(active(d.store, "stock.source_stale").empty());
    ReportOptions o;
    o.now = sb.now();
    std::string report;
    for (const auto& l : w.report_lines(o)) report += l + "\n";
    EXPECT_NE(report.find("только на Ozon: " + std::to_string(planted.only_ozon)), std::string::npos) << report;
}

TEST(StocksSandbox, InSalesRefusingTheKeyAndABroken1CFileAreTheirOwnTroubleNotOzons) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-stocks.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = stocks_only(sb, dir);
    cfg.accounts.at(0).insales->password = "wrong";
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    d.cycle();
    auto& w = d.watch<stocks::StocksWatch>("stocks");
    // Ozon was read (the suspicious figures are there), InSales was not: nothing is compared
    // with it, and after mismatch_grace the manager hears that InSales fails.
    ASSERT_NE(w.group("group:suspicious"), nullptr);
    EXPECT_FALSE(w.group("group:suspicious")->entries.empty());
    ASSERT_NE(w.source_state("insales"), nullptr);
    EXPECT_TRUE(w.source_state("insales")->failing_since.has_value());
    EXPECT_TRUE(w.group("group:mismatch:insales_ozon")->entries.empty());
    EXPECT_TRUE(active(d.store, "source.unavailable").empty());  // the Ozon source is fine
    sb.advance(30min);
    d.cycle();
    EXPECT_EQ(active(d.store, "stock.source_stale"), std::vector<std::string>{"stock.source_stale:insales"});

    // A broken 1C file: its last good figures stay, and it is said after the grace.
    const auto onec_before = w.article("STK-000001") ? w.article("STK-000001")->onec : std::nullopt;
    ASSERT_TRUE(onec_before.has_value());
    { std::ofstream(cfg.accounts.at(0).onec->offers, std::ios::trunc) << "<КоммерческаяИнформация><oops"; }
    sb.advance(15min);
    d.cycle();
    EXPECT_EQ(w.article("STK-000001")->onec, onec_before);
    EXPECT_TRUE(w.source_state("onec")->failing_since.has_value());
    EXPECT_NE(w.source_state("onec")->error.find("offers.xml"), std::string::npos) << w.source_state("onec")->error;
    sb.advance(30min);
    d.cycle();
    auto stale = active(d.store, "stock.source_stale");
    std::sort(stale.begin(), stale.end());
    EXPECT_EQ(stale, (std::vector<std::string>{"stock.source_stale:insales", "stock.source_stale:onec"}));
}

// A poll hands the engine only what differs, and names what is gone: an article no source
// names any more leaves the watch and the state database; a changed figure is written; the
// rest stays as it was.
TEST(StocksSandbox, AnArticleNoSourceNamesAnyMoreIsForgottenAndAChangedOneWritten) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-stocks.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = stocks_only(sb, dir);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    d.cycle();
    auto& w = d.watch<stocks::StocksWatch>("stocks");
    // Two articles InSales alone has (not on Ozon, not in 1C).
    ASSERT_NE(w.article("STK-I000001"), nullptr);
    ASSERT_NE(w.article("STK-I000002"), nullptr);
    EXPECT_FALSE(w.article("STK-I000001")->on_ozon);
    const std::size_t items_before = w.items().size();
    const auto rows_before = d.store.load_snapshot("main", "stocks");
    ASSERT_EQ(rows_before.size(), items_before);

    ASSERT_TRUE(sb.set_insales_quantity("STK-I000001", std::nullopt));  // untracked: no figure left
    ASSERT_TRUE(sb.set_insales_quantity("STK-I000002", 777));
    sb.advance(15min);
    d.cycle();
    EXPECT_EQ(w.article("STK-I000001"), nullptr);
    ASSERT_NE(w.article("STK-I000002"), nullptr);
    EXPECT_EQ(w.article("STK-I000002")->insales, 777);
    EXPECT_EQ(w.items().size(), items_before - 1);
    const auto rows = d.store.load_snapshot("main", "stocks");
    EXPECT_EQ(rows.size(), items_before - 1);
    EXPECT_EQ(rows.count("STK-I000001"), 0u);
    ASSERT_EQ(rows.count("STK-I000002"), 1u);
    EXPECT_NE(rows.at("STK-I000002").data.find("\"insales\":777"), std::string::npos) << rows.at("STK-I000002").data;
    // An article nobody touched keeps its row as it was (not written again).
    ASSERT_EQ(rows.count("STK-000001"), 1u);
    EXPECT_EQ(rows.at("STK-000001").data, rows_before.at("STK-000001").data);
    EXPECT_EQ(rows.at("STK-000001").last_seen, rows_before.at("STK-000001").last_seen);
}

// A damaged article row (its offer_id lost, as a torn write or a hand edit leaves it) is
// repaired under its key when a source still names the article, and forgotten under its key
// when none does: it never lingers.
TEST(StocksSandbox, ADamagedArticleRowIsRepairedOrForgottenUnderItsKey) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-stocks.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = stocks_only(sb, dir);
    const std::string db = (dir.path / "ozonwatch.db").string();
    {
        Daemon d(cfg, db, sb, /*notify=*/false);
        d.cycle();
    }
    {
        SQLite::Database raw(db, SQLite::OPEN_READWRITE);
        const int damaged = raw.exec(
            "UPDATE snapshots SET data = json_remove(data, '$.offer_id') WHERE account = 'main' AND watch = 'stocks' "
            "AND item_key IN ('STK-000001', 'STK-I000001')");
        ASSERT_EQ(damaged, 2);
    }
    ASSERT_TRUE(sb.set_insales_quantity("STK-I000001", std::nullopt));  // InSales alone named it
    sb.advance(15min);
    Daemon d(cfg, db, sb, /*notify=*/false);
    d.cycle();
    auto& w = d.watch<stocks::StocksWatch>("stocks");
    EXPECT_EQ(w.article("STK-I000001"), nullptr);
    ASSERT_NE(w.article("STK-000001"), nullptr);
    EXPECT_EQ(w.article("STK-000001")->offer_id, "STK-000001");
    const auto rows = d.store.load_snapshot("main", "stocks");
    EXPECT_EQ(rows.count("STK-I000001"), 0u);
    ASSERT_EQ(rows.count("STK-000001"), 1u);
    EXPECT_NE(rows.at("STK-000001").data.find("\"offer_id\":\"STK-000001\""), std::string::npos)
        << rows.at("STK-000001").data;
}

// An InSales variant without a sku and a 1C offer without an Артикул are matched by barcode to
// the article the other source gives that barcode (match_barcodes); with it off they are not.
TEST(StocksSandbox, RecordsWithoutAnArticleAreMatchedByBarcode) {
    const std::string scenario = R"(
name: barcodes
start: "2026-11-26T04:00:00Z"
accounts: [{client_id: c1, api_key: k1}]
products:
  - {offer_id: BAR-001, fbs: 6}
  - {offer_id: BAR-002, fbs: 4}
insales:
  login: shop
  password: pass
  products:
    - {title: "Без артикула", id: 1, variants: [{sku: "", id: 11, barcode: "4600000000999", quantity: 6}]}
    - {title: "С артикулом", id: 2, variants: [{sku: BAR-002, id: 12, barcode: "4600000000888", quantity: 4}]}
onec:
  offers:
    - {id: g-1, article: BAR-001, quantity: 6, barcode: "4600000000999"}
    - {id: g-2, article: "", quantity: 9, barcode: "4600000000888"}
)";
    for (const bool match : {true, false}) {
        SCOPED_TRACE(match);
        sandbox::Sandbox sb(sandbox::load_scenario_text(scenario, "barcodes"));
        sb.start();
        TempDir dir;
        Config cfg = stocks_only(sb, dir);
        edit_settings<stocks::StocksSettings>(cfg, "stocks").match_barcodes = match;
        Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
        d.cycle();
        sb.advance(15min);
        d.cycle();  // InSales' variant finds its article through the 1C file read by the first poll
        auto& w = d.watch<stocks::StocksWatch>("stocks");
        const auto* one = w.article("BAR-001");
        const auto* two = w.article("BAR-002");
        ASSERT_NE(one, nullptr);
        ASSERT_NE(two, nullptr);
        if (match) {
            EXPECT_EQ(one->insales, 6);
            EXPECT_EQ(two->onec, 9.0);
            // 1C's 9 against InSales' 4: the link 1C -> InSales is broken for BAR-002 alone.
            const auto* g = w.group("group:mismatch:onec_insales");
            ASSERT_NE(g, nullptr);
            ASSERT_EQ(g->entries.size(), 1u);
            EXPECT_EQ(g->entries[0].offer_id, "BAR-002");
        } else {
            EXPECT_FALSE(one->insales.has_value());
            EXPECT_FALSE(two->onec.has_value());
        }
    }
}

// A steady poll parses only the Ozon and InSales pages whose bytes changed since the last
// committed poll, and re-reads only their articles. Its oracle is the same watch reading every
// page on every poll (set_incremental(false)), polled at the same virtual instants: after each
// change below, both remember the same articles and groups. The changes are the cases the page
// skipping must get right: a figure on one page, a jump, an article gone from Ozon (every later
// page shifts), an article on two pages of one source, an InSales variant gone untracked, a
// push re-read whose article's page then goes back to the bytes remembered, and a new 1C file.
TEST(StocksSandbox, SkippingUnchangedPagesEndsWhereReadingEveryPageEnds) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-stocks.yaml")));
    sb.start();
    TempDir dir_a, dir_b;
    const Config cfg_a = stocks_only(sb, dir_a), cfg_b = stocks_only(sb, dir_b);
    Daemon a(cfg_a, (dir_a.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    Daemon b(cfg_b, (dir_b.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    auto& skipping = a.watch<stocks::StocksWatch>("stocks");
    auto& whole = b.watch<stocks::StocksWatch>("stocks");
    whole.set_incremental(false);
    insales::Options small_pages;  // more InSales pages than the default 250 products a page gives
    small_pages.per_page = 100;
    skipping.set_insales_options(small_pages);
    whole.set_insales_options(small_pages);

    auto same = [&](const std::string& step) {
        SCOPED_TRACE(step);
        std::size_t articles = 0;
        for (const auto& [key, item] : whole.items()) {
            if (item.source()) continue;  // their 1C file paths differ
            auto it = skipping.items().find(key);
            ASSERT_NE(it, skipping.items().end()) << key;
            EXPECT_EQ(it->second.to_json(), item.to_json()) << key;
            articles += item.article() != nullptr;
        }
        for (const auto& [key, item] : skipping.items())
            EXPECT_TRUE(item.source() || whole.items().count(key)) << "only the skipping watch has " << key;
        EXPECT_GT(articles, 2500u);
    };
    auto both = [&](const std::string& step) {
        sb.advance(15min);
        a.cycle();
        b.cycle();
        same(step);
    };
    auto present_of = [&](const std::string& offer_id) {
        int present = -1;
        sb.mutate([&](sandbox::Scenario& s) {
            for (const auto& p : s.products)
                if (p.offer_id == offer_id) present = p.fbs.at(0).present;
        });
        return present;
    };
    auto set_present = [&](const std::string& offer_id, int present) {
        sb.mutate([&](sandbox::Scenario& s) {
            for (auto& p : s.products)
                if (p.offer_id == offer_id)
                    for (std::size_t i = 0; i < p.fbs.size(); ++i) p.fbs[i].present = i ? 0 : present;
        });
    };

    both("first poll: every page");
    const auto first = skipping.last_pages();
    ASSERT_GE(first.ozon_parsed, 3u);
    ASSERT_GE(first.insales_parsed, 10u);
    EXPECT_EQ(first.ozon_known, 0u);
    EXPECT_GT(first.articles_read, 2500u);

    both("nothing changed");
    EXPECT_EQ(skipping.last_pages().ozon_parsed, 0u);
    EXPECT_EQ(skipping.last_pages().ozon_known, first.ozon_parsed);
    EXPECT_EQ(skipping.last_pages().insales_parsed, 0u);
    EXPECT_EQ(skipping.last_pages().insales_known, first.insales_parsed);
    EXPECT_EQ(skipping.last_pages().articles_read, 0u);
    EXPECT_EQ(whole.last_pages().ozon_parsed, first.ozon_parsed);  // the oracle reads everything

    // One Ozon figure on the second page, one InSales figure.
    set_present("STK-001500", present_of("STK-001500") + 3);
    ASSERT_TRUE(sb.set_insales_quantity("STK-000007", 41));
    both("a figure in each source");
    EXPECT_EQ(skipping.last_pages().ozon_parsed, 1u);
    EXPECT_EQ(skipping.last_pages().insales_parsed, 1u);
    EXPECT_LT(skipping.last_pages().articles_read, 2100u);  // two pages' articles, not the shop's
    ASSERT_NE(skipping.article("STK-000007"), nullptr);
    EXPECT_EQ(skipping.article("STK-000007")->insales, 41);

    // A jump (suspicious).
    set_present("STK-002400", 20);
    both("a figure of 20");
    set_present("STK-002400", 900);
    both("a jump");
    ASSERT_NE(skipping.article("STK-002400"), nullptr);
    EXPECT_TRUE(skipping.article("STK-002400")->jumped_from.has_value());

    // An article leaves Ozon: every later page shifts by one.
    sb.mutate([](sandbox::Scenario& s) {
        s.products.erase(std::find_if(s.products.begin(), s.products.end(),
                                      [](const sandbox::Product& p) { return p.offer_id == "STK-000010"; }));
    });
    both("an article gone from Ozon");
    EXPECT_TRUE(!skipping.article("STK-000010") || !skipping.article("STK-000010")->on_ozon);

    // The same article twice on Ozon, on the first page and on the last: summed as a whole read
    // sums it, then every page is read until it is on one page again. The last product takes
    // its offer_id, so that the count Ozon sends on every page stays and the first page's
    // bytes do not change.
    sandbox::Product last;
    sb.mutate([&](sandbox::Scenario& s) {
        last = s.products.back();
        s.products.back().offer_id = "STK-000020";
        for (auto& w : s.products.back().fbs) w.present += 7;  // a figure of its own: the two are summed
    });
    both("an article on two Ozon pages");
    EXPECT_EQ(skipping.last_pages().ozon_parsed, 1u);
    both("an article on two Ozon pages, polled again");
    EXPECT_EQ(skipping.last_pages().ozon_known, 0u);  // read whole while it is on two pages
    sb.mutate([&](sandbox::Scenario& s) { s.products.back() = last; });
    both("on one page again");
    both("on one page again, polled again");
    EXPECT_EQ(skipping.last_pages().ozon_parsed, 0u);  // skipping again

    // An InSales article on a second page (a variant of another product), then untracked.
    sb.mutate([](sandbox::Scenario& s) {
        sandbox::InsalesProduct p;
        p.id = 99999901;
        p.title = "Дубль";
        sandbox::InsalesVariant v;
        v.id = 99999902;
        v.sku = "STK-000030";
        v.quantity = 5;
        p.variants.push_back(v);
        s.insales->products.push_back(p);
    });
    both("an InSales article on two pages");
    both("an InSales article on two pages, polled again");
    EXPECT_EQ(skipping.last_pages().insales_known, 0u);  // read whole while it is on two pages
    sb.mutate([](sandbox::Scenario& s) { s.insales->products.pop_back(); });
    both("on one InSales page again");
    both("on one InSales page again, polled again");
    EXPECT_EQ(skipping.last_pages().insales_parsed, 0u);
    ASSERT_TRUE(sb.set_insales_quantity("STK-000040", std::nullopt));
    both("an InSales variant untracked");
    EXPECT_EQ(skipping.last_pages().insales_parsed, 1u);

    // A push re-read changes an Ozon figure; then Ozon's page goes back to the bytes the last
    // walk saw: that page is parsed again all the same (the remembered figure is the push's).
    const int was = present_of("STK-000050");
    set_present("STK-000050", was + 11);
    push::PushMessage m;
    m.message_type = "TYPE_STOCKS_CHANGED";
    push::Product named;
    named.offer_id = "STK-000050";
    m.products.push_back(named);
    for (Daemon* d : {&a, &b}) {
        ASSERT_EQ(d->runtime.scheduler().offer_push(0, d->runtime.accounts().at(0).config.name, m), 1u);
        int ran = 0;
        ozw::test::run_until_complete(d->ioc, [&]() -> asio::awaitable<void> {
            ran = co_await d->runtime.scheduler().run_pushes();
        });
        EXPECT_EQ(ran, 1);
    }
    ASSERT_NE(skipping.article("STK-000050"), nullptr);
    EXPECT_EQ(skipping.article("STK-000050")->present, whole.article("STK-000050")->present);
    set_present("STK-000050", was);
    both("a pushed figure back to what the last walk saw");
    EXPECT_EQ(skipping.article("STK-000050")->present, was);

    // A new 1C file: its figures replace the remembered ones.
    std::string in_onec;
    for (int i = 60; in_onec.empty() && i < 100; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "STK-%06d", i);
        if (sb.set_onec_quantity(id, 123)) in_onec = id;
    }
    ASSERT_FALSE(in_onec.empty());
    const TimePoint written = sb.now() + 1min;
    sb.write_onec_offers(cfg_a.accounts.at(0).onec->offers, written);
    sb.write_onec_offers(cfg_b.accounts.at(0).onec->offers, written);
    both("a new 1C file");
    ASSERT_NE(skipping.article(in_onec), nullptr);
    EXPECT_EQ(skipping.article(in_onec)->onec, 123.0);
    both("after a new 1C file");
    EXPECT_EQ(skipping.last_pages().insales_parsed, 0u);  // no barcode moved: InSales still skipped
}
