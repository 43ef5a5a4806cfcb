// The stocks watch's pure half: which figures are suspicious, which link of the sync chain an
// article breaks, one grouped alert per broken link after its grace with the worst ten listed,
// stock.out, a failing or stale source; 100,000 articles matched exactly.
#include <gtest/gtest.h>

#include "daemon/watches/stocks/evaluate.hpp"
#include "daemon/watches/stocks/event_types.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::stocks;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

ArticleStock article(const std::string& id, long long present, std::optional<long long> insales,
                     std::optional<double> onec, long long reserved = 0) {
    ArticleStock a;
    a.offer_id = id;
    a.on_ozon = true;
    a.present = present;
    a.reserved = reserved;
    a.insales = insales;
    a.onec = onec;
    return a;
}

EvalContext ctx() {
    EvalContext c{"main", StocksSettings{}, 24h};
    c.settings.compare_with = {"insales", "onec"};
    return c;
}

GroupInputs both() {
    GroupInputs in;
    in.compared = {true, true};
    in.configured = {true, true};
    return in;
}

const StockGroup& find_group(const std::vector<StockGroup>& groups, const std::string& key) {
    for (const auto& g : groups)
        if (g.key() == key) return g;
    throw std::runtime_error("no group " + key);
}

}  // namespace

TEST(StockSuspicious, ConfiguredValuesAndJumpsFromAtLeastJumpFrom) {
    const StocksSettings s;  // [100, 1000], 10x, from 5
    EXPECT_TRUE(is_suspicious_value(1000, s));
    EXPECT_TRUE(is_suspicious_value(100, s));
    EXPECT_FALSE(is_suspicious_value(999, s));
    EXPECT_TRUE(is_jump(5, 51, s));     // more than 10 x 5
    EXPECT_FALSE(is_jump(5, 50, s));    // exactly 10x is not more
    EXPECT_FALSE(is_jump(4, 400, s));   // from less than 5: a delivery
    EXPECT_TRUE(is_jump(600, 50, s));   // down as well
    EXPECT_FALSE(is_jump(0, 1000, s));  // from nothing (1000 itself is a suspicious value)
}

TEST(StockLinks, WhichLinkOfTheChainAnArticleBreaks) {
    const Compared all{true, true};
    using V = std::vector<std::string>;
    EXPECT_EQ(broken_links(article("a", 8, 5, 5), all, 0), V{"insales_ozon"});   // Ozon did not take InSales'
    EXPECT_EQ(broken_links(article("a", 4, 4, 7), all, 0), V{"onec_insales"});   // InSales did not take 1C's
    EXPECT_EQ(broken_links(article("a", 1, 4, 7), all, 0), (V{"onec_insales", "insales_ozon"}));
    EXPECT_EQ(broken_links(article("a", 10, 8, 8, /*reserved=*/2), all, 0), V{});  // what Ozon can still sell
    EXPECT_EQ(broken_links(article("a", 9, 8, 8), all, 1), V{});  // within tolerance
    EXPECT_EQ(broken_links(article("a", 4, std::nullopt, 7), {false, true}, 0), V{"onec_ozon"});
    EXPECT_EQ(broken_links(article("a", 4, std::nullopt, 7), all, 0), V{});  // not in InSales: listed, not alerted
    ArticleStock insales_only = article("a", 0, 5, 5);
    insales_only.on_ozon = false;
    EXPECT_EQ(broken_links(insales_only, all, 0), V{});
}

TEST(StockMismatch, OneAlertPerBrokenLinkAfterTheGraceWithTheWorstTenListed) {
    const auto c = ctx();
    std::map<std::string, ArticleStock> articles;
    for (int i = 0; i < 300; ++i) {
        const std::string id = "A-" + std::to_string(1000 + i);
        articles[id] = article(id, 10 + i, 10, 10);  // Ozon i pieces above InSales and 1C
    }
    articles["B-1"] = article("B-1", 5, 5, 5);  // agrees
    const TimePoint t0 = at("2026-11-26T04:00:00Z");
    auto groups = build_groups(articles, {}, both(), t0, c.settings);
    const auto& g = find_group(groups, "group:mismatch:insales_ozon");
    ASSERT_EQ(g.entries.size(), 299u);  // A-1000 agrees (10 = 10)
    EXPECT_TRUE(find_group(groups, "group:mismatch:onec_insales").entries.empty());
    // Within mismatch_grace (30 min): nothing yet, and when to look again.
    auto early = group_conditions(g, t0 + 29min, c);
    EXPECT_TRUE(early.holding.empty());
    EXPECT_EQ(early.next_change, t0 + 30min);
    auto due = group_conditions(g, t0 + 30min, c);
    ASSERT_EQ(due.holding.size(), 1u);
    const auto& e = due.holding[0];
    EXPECT_EQ(e.key, "stock.mismatch:insales_ozon");
    EXPECT_EQ(e.details.at("count"), 299);
    ASSERT_EQ(e.details.at("articles").size(), 10u);
    EXPECT_EQ(e.details.at("articles")[0].at("offer_id"), "A-1299");  // the largest difference first
    EXPECT_EQ(e.details.at("articles")[9].at("offer_id"), "A-1290");
    // The next poll keeps each article's since: still due, not a new grace.
    std::map<std::string, const StockGroup*> previous;
    for (const auto& x : groups) previous[x.key()] = &x;
    auto later = build_groups(articles, previous, both(), t0 + 31min, c.settings);
    EXPECT_EQ(find_group(later, "group:mismatch:insales_ozon").entries.front().since, t0);
    // They agree again: the group holds nothing (the alert is resolved).
    for (auto& [_, a] : articles) a.present = 10;
    auto agreed = build_groups(articles, previous, both(), t0 + 40min, c.settings);
    EXPECT_TRUE(group_conditions(find_group(agreed, "group:mismatch:insales_ozon"), t0 + 40min, c).holding.empty());
}

TEST(StockMismatch, HundredThousandArticlesMatchedExactly) {
    const auto c = ctx();
    std::map<std::string, ArticleStock> articles;
    int planted_ozon = 0, planted_onec = 0;
    for (int i = 0; i < 100000; ++i) {
        const std::string id = "SKU-" + std::to_string(i);
        long long ozon = i % 50, insales = i % 50;
        double onec = static_cast<double>(i % 50);
        if (i % 331 == 0) { ozon += 3; ++planted_ozon; }          // Ozon did not take InSales'
        else if (i % 499 == 0) { onec += 2; ++planted_onec; }     // InSales did not take 1C's
        articles[id] = article(id, ozon, insales, onec);
    }
    ArticleStock ozon_only = article("ONLY-OZON", 1000, std::nullopt, std::nullopt);
    articles[ozon_only.offer_id] = ozon_only;
    const auto groups = build_groups(articles, {}, both(), at("2026-11-26T04:00:00Z"), c.settings);
    EXPECT_EQ(find_group(groups, "group:mismatch:insales_ozon").entries.size(), static_cast<std::size_t>(planted_ozon));
    EXPECT_EQ(find_group(groups, "group:mismatch:onec_insales").entries.size(), static_cast<std::size_t>(planted_onec));
    // The suspicious group: ONLY-OZON's 1000 (no i % 50 reaches 100).
    const auto& suspicious = find_group(groups, "group:suspicious").entries;
    ASSERT_EQ(suspicious.size(), 1u);
    EXPECT_EQ(suspicious[0].offer_id, "ONLY-OZON");
}

TEST(StockOut, WhenTheOzonFigureReachesZero) {
    const auto c = ctx();
    const auto was = article("DRS-001", 3, 3, 3);
    auto now = was;
    now.present = 0;
    const auto out = article_transitions(&was, now, at("2026-11-26T04:00:00Z"), c);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, "stock.out");
    EXPECT_EQ(out[0].details.at("was"), 3);
    EXPECT_TRUE(article_transitions(&now, now, at("2026-11-26T05:00:00Z"), c).empty());  // still zero
    EXPECT_TRUE(article_transitions(nullptr, now, at("2026-11-26T05:00:00Z"), c).empty());  // first seen
}

TEST(StockSources, AFailingSourceAfterTheGraceAndAStale1CFile) {
    const auto c = ctx();
    SourceState insales{"insales"};
    insales.failing_since = at("2026-11-26T04:00:00Z");
    insales.error = "401 Unauthorized";
    auto early = source_conditions(insales, at("2026-11-26T04:29:00Z"), c);
    EXPECT_TRUE(early.holding.empty());
    EXPECT_EQ(early.next_change, at("2026-11-26T04:30:00Z"));
    auto due = source_conditions(insales, at("2026-11-26T04:30:00Z"), c);
    ASSERT_EQ(due.holding.size(), 1u);
    EXPECT_EQ(due.holding[0].key, "stock.source_stale:insales");
    EXPECT_EQ(due.holding[0].details.at("error"), "401 Unauthorized");
    SourceState onec{"onec"};
    onec.written_at = at("2026-11-25T01:00:00Z");
    onec.stale = true;
    auto stale = source_conditions(onec, at("2026-11-26T04:00:00Z"), c);
    ASSERT_EQ(stale.holding.size(), 1u);
    EXPECT_EQ(stale.holding[0].details.at("max_age_hours"), 24);
    onec.stale = false;
    EXPECT_TRUE(source_conditions(onec, at("2026-11-26T04:00:00Z"), c).holding.empty());
}

TEST(StockItems, StoredAndReadBackExactly) {
    auto a = article("DRS-001", 1000, 12, 12.5, 2);
    a.jumped_from = 30;
    const auto back = StocksItem::from_json(StocksItem(a).to_json());
    ASSERT_NE(back.article(), nullptr);
    EXPECT_EQ(back.fingerprint(), StocksItem(a).fingerprint());
    StockGroup g;
    g.kind = "mismatch";
    g.link = "insales_ozon";
    g.entries.push_back({"DRS-001", 8, 5, 5.0, std::nullopt, at("2026-11-26T04:00:00Z")});
    const auto gb = StocksItem::from_json(StocksItem(g).to_json());
    ASSERT_NE(gb.group(), nullptr);
    EXPECT_EQ(gb.key(), "group:mismatch:insales_ozon");
    EXPECT_EQ(gb.group()->entries.at(0).since, at("2026-11-26T04:00:00Z"));
    SourceState s{"onec"};
    s.failing_since = at("2026-11-26T04:00:00Z");
    const auto sb = StocksItem::from_json(StocksItem(s).to_json());
    ASSERT_NE(sb.source(), nullptr);
    EXPECT_EQ(sb.key(), "source:onec");
}

TEST(StockMismatch, WhileInSalesFailsOzonIsComparedWith1CDirectly) {
    const auto c = ctx();
    std::map<std::string, ArticleStock> articles = {{"a", article("a", 4, 4, 7)}};
    GroupInputs in;
    in.configured = {true, true};
    in.compared = {false, true};  // InSales failing
    const auto groups = build_groups(articles, {}, in, at("2026-11-26T04:00:00Z"), c.settings);
    EXPECT_EQ(find_group(groups, "group:mismatch:onec_ozon").entries.size(), 1u);
    EXPECT_TRUE(find_group(groups, "group:mismatch:insales_ozon").entries.empty());  // kept, empty: resolved
}
