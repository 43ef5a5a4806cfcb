// The stock comparison's sandbox world (issue 13): /v2/product/info/stocks-by-warehouse/fbs and
// /v4/product/info/stocks over the scenario, the `onec` section and its offers.xml (read back by
// the real reader, common/onec), and `generate: {stocks: N}` with its exact planted counts.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unistd.h>

#include "common/onec/offers.hpp"
#include "common/time.hpp"
#include "sandbox/internal.hpp"
#include "sandbox/onec.hpp"
#include "sandbox/scenario.hpp"

using namespace ozw;
using namespace ozw::sandbox;
using namespace ozw::sandbox::detail;
using nlohmann::json;

namespace {

std::string scenario(const std::string& name) {
    return std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/" + name;
}

const char* kHead = "start: 2026-11-26T04:00:00Z\n"
                    "accounts: [{client_id: c, api_key: k}, {client_id: p, api_key: pk, roles: [Product]},\n"
                    "           {client_id: f, api_key: fk, roles: [\"Posting FBS\"]}]\n";

const char* kTwoWarehouses =
    "warehouses:\n"
    "  - {id: 11, name: \"Склад FBS\"}\n"
    "  - {id: 22, name: \"Склад rFBS\", is_rfbs: true}\n"
    "products:\n"
    "  - {offer_id: X-1, sku: 501, product_id: 601, fbs: [{warehouse_id: 11, present: 7, reserved: 2},"
    " {warehouse_id: 22, present: 3, reserved: 5}]}\n"
    "  - {offer_id: X-2, sku: 502, product_id: 602, fbs: 4}\n"
    "  - {offer_id: X-3, sku: 503, product_id: 603, fbo: 9}\n";

std::string error_of(const std::string& yaml) {
    try {
        load_scenario_text(yaml, "t.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "no error";
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ozw-stocks-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

ApiResult by_warehouse(Scenario& s, const json& req, std::size_t account = 0) {
    return ozon_call("/v2/product/info/stocks-by-warehouse/fbs", req, s, s.accounts[account], s.start);
}

void expect_400(const ApiResult& r, const std::string& fragment) {
    EXPECT_EQ(r.status, 400) << r.body.dump();
    EXPECT_EQ(r.body["code"], 3);
    EXPECT_TRUE(r.body["details"].is_array());
    EXPECT_NE(r.body.value("message", std::string()).find(fragment), std::string::npos) << r.body.dump();
}

// The three sources of a generated scenario, by article.
struct Sources {
    std::map<std::string, int> ozon;                        // total FBS present
    std::map<std::string, std::optional<int>> insales;      // quantity (nullopt = null)
    std::map<std::string, int> onec;                        // Количество
};
Sources sources_of(const Scenario& s) {
    Sources x;
    for (const auto& p : s.products) {
        int t = 0;
        for (const auto& w : p.fbs) t += w.present;
        x.ozon[p.offer_id] = t;
    }
    if (s.insales)
        for (const auto& p : s.insales->products)
            for (const auto& v : p.variants) x.insales[v.sku] = v.quantity;
    if (s.onec)
        for (const auto& o : s.onec->offers) x.onec[o.article] = o.quantity;
    return x;
}

// What a comparison sees in a generated scenario, counted independently of the generator.
struct Seen {
    int suspicious = 0, insales_differs = 0, onec_differs = 0, only_ozon = 0, only_insales = 0,
        insales_null = 0, agree = 0, two_warehouses = 0;
};
Seen count(const Scenario& s) {
    const Sources x = sources_of(s);
    Seen seen;
    for (const auto& [art, oz] : x.ozon) {
        auto in = x.insales.find(art);
        auto oc = x.onec.find(art);
        if (in == x.insales.end()) {
            EXPECT_EQ(oc, x.onec.end()) << art << ": only on Ozon means not in 1C either";
            ++seen.only_ozon;
            continue;
        }
        EXPECT_NE(oc, x.onec.end()) << art;
        if (oc == x.onec.end()) continue;
        if (oz == 100 || oz == 1000) {
            ++seen.suspicious;
            EXPECT_TRUE(in->second.has_value()) << art;
            EXPECT_EQ(in->second.value_or(-1), oc->second) << art << ": InSales and 1C agree on the real figure";
            EXPECT_GE(oc->second, 1) << art;
            EXPECT_LE(oc->second, 9) << art;
        } else if (!in->second) {
            ++seen.insales_null;
            EXPECT_EQ(oz, oc->second) << art;
        } else if (*in->second != oz) {
            ++seen.insales_differs;
            EXPECT_EQ(*in->second, oc->second) << art << ": 1C agrees with InSales";
        } else if (oc->second != oz) {
            ++seen.onec_differs;
        } else {
            ++seen.agree;
        }
    }
    for (const auto& [art, q] : x.insales)
        if (!x.ozon.count(art)) {
            ++seen.only_insales;
            EXPECT_FALSE(x.onec.count(art)) << art;
        }
    for (const auto& p : s.products) seen.two_warehouses += p.fbs.size() == 2;
    return seen;
}

}  // namespace

// ------------------------------------------------------------------ stocks-by-warehouse

TEST(StocksByWarehouse, NeedsSkuOrOfferIdUpTo1000AndALimitFrom1To1000) {
    Scenario s = load_scenario_text(std::string(kHead) + kTwoWarehouses);
    expect_400(by_warehouse(s, json::object()), "sku or offer_id");
    expect_400(by_warehouse(s, {{"offer_id", json::array()}, {"sku", json::array()}}), "sku or offer_id");
    expect_400(by_warehouse(s, {{"offer_id", {"X-1"}}, {"sku", {501}}}), "either sku or offer_id");
    json many = json::array(), many_skus = json::array();
    for (int i = 0; i < 1001; ++i) {
        many.push_back("A-" + std::to_string(i));
        many_skus.push_back(std::to_string(1000 + i));  // int64 as strings, as the spec types them
    }
    expect_400(by_warehouse(s, {{"offer_id", many}}), "offer_id: at most 1000 values");
    expect_400(by_warehouse(s, {{"sku", many_skus}}), "sku: at most 1000 values");
    expect_400(by_warehouse(s, {{"offer_id", {"X-1"}}, {"limit", 1001}}), "limit");
    expect_400(by_warehouse(s, {{"offer_id", {"X-1"}}, {"limit", -1}}), "limit");
    expect_400(by_warehouse(s, {{"sku", {"abc"}}}), "sku");
    many.erase(many.size() - 1);
    EXPECT_EQ(by_warehouse(s, {{"offer_id", many}, {"limit", 1000}}).status, 200);
    EXPECT_EQ(by_warehouse(s, {{"offer_id", {"X-1"}}}).status, 200);  // limit defaults to 1000
}

TEST(StocksByWarehouse, OneRowPerProductAndWarehouseWithFreeStock) {
    Scenario s = load_scenario_text(std::string(kHead) + kTwoWarehouses);
    auto r = by_warehouse(s, {{"offer_id", {"X-2", "X-1", "X-3", "NOPE"}}, {"limit", 10}});
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_FALSE(r.body["has_next"].get<bool>());
    EXPECT_EQ(r.body["cursor"], "");
    const auto& rows = r.body["stocks"];
    ASSERT_EQ(rows.size(), 3u) << r.body.dump();  // X-1 on two warehouses, X-2 on one, X-3 FBO only
    EXPECT_EQ(rows[0], json({{"sku", 501}, {"offer_id", "X-1"}, {"product_id", 601}, {"warehouse_id", 11},
                             {"warehouse_name", "Склад FBS"}, {"present", 7}, {"reserved", 2}, {"free_stock", 5}}));
    EXPECT_EQ(rows[1]["warehouse_id"], 22);  // the rFBS warehouse is listed too (FBS and rFBS)
    EXPECT_EQ(rows[1]["warehouse_name"], "Склад rFBS");
    EXPECT_EQ(rows[1]["free_stock"], 0);  // reserved beyond present: never negative
    EXPECT_EQ(rows[2]["offer_id"], "X-2");
    EXPECT_EQ(rows[2]["warehouse_id"], 11);  // `fbs: N` = the first warehouse
    EXPECT_EQ(rows[2]["present"], 4);

    auto by_sku = by_warehouse(s, {{"sku", {"502"}}});
    ASSERT_EQ(by_sku.body["stocks"].size(), 1u);
    EXPECT_EQ(by_sku.body["stocks"][0]["offer_id"], "X-2");
    auto none = by_warehouse(s, {{"offer_id", {"NOPE"}}});
    EXPECT_TRUE(none.body["stocks"].empty());
    EXPECT_FALSE(none.body["has_next"].get<bool>());
}

TEST(StocksByWarehouse, PagesWithCursorUntilHasNextIsFalse) {
    Scenario s = load_scenario_text(std::string(kHead) + "generate: {stocks: 1000}\n");
    json offers = json::array();
    std::size_t expected = 0;
    for (const auto& p : s.products) {
        offers.push_back(p.offer_id);
        expected += p.fbs.size();
    }
    ASSERT_EQ(offers.size(), 1000u);
    ASSERT_GT(expected, 1000u);  // some products are on two warehouses
    std::set<std::pair<std::string, std::int64_t>> seen;
    std::string cursor;
    int pages = 0;
    for (;;) {
        auto r = by_warehouse(s, {{"offer_id", offers}, {"limit", 300}, {"cursor", cursor}});
        ASSERT_EQ(r.status, 200) << r.body.dump();
        ++pages;
        EXPECT_LE(r.body["stocks"].size(), 300u);
        for (const auto& row : r.body["stocks"])
            EXPECT_TRUE(seen.insert({row["offer_id"].get<std::string>(), row["warehouse_id"].get<std::int64_t>()}).second)
                << row.dump();
        if (!r.body["has_next"].get<bool>()) {
            EXPECT_EQ(r.body["cursor"], "");
            break;
        }
        EXPECT_EQ(r.body["stocks"].size(), 300u);
        cursor = r.body["cursor"].get<std::string>();
        ASSERT_FALSE(cursor.empty());
        ASSERT_LT(pages, 20);
    }
    EXPECT_EQ(seen.size(), expected);
    EXPECT_EQ(pages, static_cast<int>((expected + 299) / 300));
}

TEST(StocksByWarehouse, ProductRoleGrantsItAndIsServed) {
    EXPECT_TRUE(is_ozon_method("/v2/product/info/stocks-by-warehouse/fbs"));
    EXPECT_FALSE(is_ozon_method("/v1/product/info/stocks-by-warehouse/fbs"));  // retired
    EXPECT_TRUE(is_retired_method("/v1/product/info/stocks-by-warehouse/fbs"));
    Scenario s = load_scenario_text(std::string(kHead) + kTwoWarehouses);
    EXPECT_TRUE(account_may_call(s.accounts[0], "/v2/product/info/stocks-by-warehouse/fbs"));  // Admin
    EXPECT_TRUE(account_may_call(s.accounts[1], "/v2/product/info/stocks-by-warehouse/fbs"));  // Product
    EXPECT_FALSE(account_may_call(s.accounts[2], "/v2/product/info/stocks-by-warehouse/fbs"));
    auto product = role_methods("Product");
    EXPECT_NE(std::find(product.begin(), product.end(), "/v2/product/info/stocks-by-warehouse/fbs"), product.end());
}

// ------------------------------------------------------------------ /v4/product/info/stocks

TEST(StocksV4, FbsAndRfbsRowsSumTheirOwnWarehouses) {
    Scenario s = load_scenario_text(std::string(kHead) + kTwoWarehouses);
    auto r = ozon_call("/v4/product/info/stocks", {{"limit", 100}, {"filter", json::object()}}, s, s.accounts[0], s.start);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    const auto& items = r.body["items"];
    ASSERT_EQ(items.size(), 3u);
    const auto& x1 = items[0]["stocks"];
    ASSERT_EQ(x1.size(), 2u) << x1.dump();
    EXPECT_EQ(x1[0]["type"], "fbs");
    EXPECT_EQ(x1[0]["present"], 7);
    EXPECT_EQ(x1[0]["reserved"], 2);
    EXPECT_EQ(x1[0]["warehouse_ids"], json({11}));
    EXPECT_EQ(x1[1]["type"], "rfbs");
    EXPECT_EQ(x1[1]["present"], 3);
    EXPECT_EQ(x1[1]["reserved"], 5);
    EXPECT_EQ(x1[1]["warehouse_ids"], json({22}));
    ASSERT_EQ(items[1]["stocks"].size(), 1u);
    EXPECT_EQ(items[1]["stocks"][0]["type"], "fbs");
    ASSERT_EQ(items[2]["stocks"].size(), 1u);
    EXPECT_EQ(items[2]["stocks"][0]["type"], "fbo");
    // The offer_id filter on a large catalogue.
    auto one = ozon_call("/v4/product/info/stocks", {{"limit", 100}, {"filter", {{"offer_id", {"X-2"}}}}}, s,
                         s.accounts[0], s.start);
    ASSERT_EQ(one.body["items"].size(), 1u);
    EXPECT_EQ(one.body["items"][0]["offer_id"], "X-2");
}

// ------------------------------------------------------------------ the scenario's `onec`

TEST(OnecScenario, DefaultsComeFromOzonAndInsales) {
    Scenario s = load_scenario_text(std::string(kHead) + kTwoWarehouses +
                                    "insales: {login: l, password: p, products: [{title: T, variants: "
                                    "[{sku: X-1, barcode: \"4601234567890\", quantity: 2}, {sku: X-2, quantity: null}]}]}\n"
                                    "onec: {offers: [{article: X-1, quantity: 2}, {article: ZZ, quantity: 0, name: Z, "
                                    "id: \"a#b\", barcode: \"1\"}]}\n");
    ASSERT_TRUE(s.onec);
    EXPECT_EQ(s.onec->mtime, s.start);
    EXPECT_FALSE(s.onec->partial);
    ASSERT_EQ(s.onec->warehouses.size(), 1u);
    EXPECT_EQ(s.onec->warehouses[0].name, "Основной склад");
    ASSERT_EQ(s.onec->offers.size(), 2u);
    const auto& x1 = s.onec->offers[0];
    EXPECT_EQ(x1.name, "X-1");  // the Ozon product's name (here its offer_id)
    EXPECT_EQ(x1.barcode, "4601234567890");
    EXPECT_EQ(x1.id.size(), 36u);  // GUID-shaped
    EXPECT_EQ(s.onec->offers[1].id, "a#b");
    ASSERT_TRUE(s.insales);
    EXPECT_EQ(s.insales->products[0].variants[0].quantity, 2);
    EXPECT_FALSE(s.insales->products[0].variants[1].quantity.has_value());  // null: not tracked
}

TEST(OnecScenario, MistakesNameTheLine) {
    const std::string base = std::string(kHead) + kTwoWarehouses;
    EXPECT_NE(error_of(base + "onec: {offers: [{article: X-1}]}\n").find("'quantity' is required"), std::string::npos);
    EXPECT_NE(error_of(base + "onec: {offers: [{quantity: 1}]}\n").find("'article' is required"), std::string::npos);
    EXPECT_NE(error_of(base + "onec: {offers: [{article: X-1, quantity: 1, by_warehouse: {nope: 1}}]}\n")
                  .find("unknown warehouse 'nope'"),
              std::string::npos);
    EXPECT_NE(error_of(base + "onec: {when: -2h}\n").find("onec: unknown key 'when'"), std::string::npos);
    EXPECT_NE(error_of(base + "onec: {mtime: yesterday}\n").find("bad time"), std::string::npos);
}

TEST(OnecFile, DemoWrittenAsCommerceMlIsReadBackByTheReader) {
    Scenario s = load_scenario_file(scenario("demo.yaml"));
    ASSERT_TRUE(s.onec);
    TempDir dir;
    const auto file = dir.path / "offers.xml";
    write_onec_offers(s, file);

    std::ifstream in(file, std::ios::binary);
    std::stringstream raw;
    raw << in.rdbuf();
    const std::string bytes = raw.str();
    ASSERT_GE(bytes.size(), 3u);
    EXPECT_EQ(bytes.substr(0, 3), "\xEF\xBB\xBF");  // the BOM real exports start with
    EXPECT_NE(bytes.find("xmlns=\"urn:1C.ru:commerceml_2\""), std::string::npos);
    EXPECT_NE(bytes.find("ДатаФормирования=\"2026-11-26T05:00:00\""), std::string::npos);  // 05:00 MSK
    EXPECT_NE(bytes.find("&lt;Аврора&gt;"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir.path / "offers.xml.tmp"));

    auto o = onec::read_offers_file(file);
    EXPECT_EQ(o.schema_version, "2.10");
    EXPECT_FALSE(o.only_changes);
    ASSERT_TRUE(o.file_mtime);
    EXPECT_EQ(*o.file_mtime, s.start - std::chrono::hours(2));
    EXPECT_EQ(o.age(s.start), Millis(std::chrono::hours(2)));
    ASSERT_EQ(o.warehouses.size(), 2u);
    EXPECT_EQ(o.warehouses.at("6f1d2a40-8c11-11ee-b9d1-0242ac120002"), "Основной склад");
    ASSERT_EQ(o.offers.size(), 8u);
    std::map<std::string, const onec::Offer*> by_article;
    for (const auto& x : o.offers) by_article[x.article] = &x;
    ASSERT_EQ(by_article.size(), 8u);
    const onec::Offer& dress = *by_article.at("DRS-003");
    EXPECT_EQ(dress.total(), 3.0);
    EXPECT_EQ(dress.name, "Платье вечернее <Аврора>, чёрное, 42");
    EXPECT_EQ(dress.barcode, "4600000000035");
    ASSERT_EQ(dress.by_warehouse.size(), 1u);  // all on the first warehouse
    EXPECT_EQ(dress.by_warehouse.begin()->second, 3.0);
    EXPECT_EQ(by_article.at("SHR-001")->total(), 3.0);
    EXPECT_EQ(by_article.at("SHR-001")->name, "Рубашка оверсайз белая, хлопок & лён, M");
    const onec::Offer& first = *by_article.at("DRS-001");
    EXPECT_EQ(first.id, "0c7a1e52-8c12-11ee-b9d1-0242ac120002#0c7a1e53-8c12-11ee-b9d1-0242ac120002");
    EXPECT_EQ(first.quantity, 12.0);
    EXPECT_EQ(first.by_warehouse.at("6f1d2a40-8c11-11ee-b9d1-0242ac120002"), 10.0);
    EXPECT_EQ(first.by_warehouse.at("6f1d2a41-8c11-11ee-b9d1-0242ac120002"), 2.0);

    // A partial package at another time.
    s.onec->partial = true;
    s.onec->offers.resize(1);
    write_onec_offers(s, file, s.start + std::chrono::minutes(90));
    auto p = onec::read_offers_file(file);
    EXPECT_TRUE(p.only_changes);
    EXPECT_EQ(p.offers.size(), 1u);
    EXPECT_EQ(*p.file_mtime, s.start + std::chrono::minutes(90));
    auto merged = onec::merge_offers(o, p);
    EXPECT_EQ(merged.offers.size(), 8u);

    Scenario none = load_scenario_text(std::string(kHead));
    EXPECT_THROW(write_onec_offers(none, file), std::runtime_error);
}

TEST(OnecFile, GeneratedShopRoundTripsEveryOffer) {
    Scenario s = load_scenario_text(std::string(kHead) + "generate: {stocks: 3000}\n");
    TempDir dir;
    write_onec_offers(s, dir.path / "offers.xml");
    auto o = onec::read_offers_file(dir.path / "offers.xml");
    ASSERT_EQ(o.offers.size(), s.onec->offers.size());
    EXPECT_EQ(o.warehouses.size(), 2u);
    for (std::size_t i = 0; i < o.offers.size(); ++i) {
        const auto& want = s.onec->offers[i];
        EXPECT_EQ(o.offers[i].article, want.article);
        EXPECT_EQ(o.offers[i].id, want.id);
        EXPECT_EQ(o.offers[i].barcode, want.barcode);
        ASSERT_TRUE(o.offers[i].total());
        EXPECT_EQ(*o.offers[i].total(), want.quantity) << want.article;
        double sum = 0;
        for (const auto& [id, q] : o.offers[i].by_warehouse) sum += q;
        EXPECT_EQ(sum, want.quantity) << want.article;
    }
    EXPECT_EQ(*o.file_mtime, s.start);
}

// ------------------------------------------------------------------ generate: {stocks: N}

TEST(GeneratedStocks, CountsArePerMilleRoundedDown) {
    auto c = generated_stock_counts(100000);
    EXPECT_EQ(c.suspicious, 100);
    EXPECT_EQ(c.insales_differs, 300);
    EXPECT_EQ(c.onec_differs, 200);
    EXPECT_EQ(c.only_ozon, 100);
    EXPECT_EQ(c.only_insales, 100);
    EXPECT_EQ(c.insales_null, 500);
    auto small = generated_stock_counts(2500);
    EXPECT_EQ(small.suspicious, 2);
    EXPECT_EQ(small.insales_differs, 7);
    EXPECT_EQ(small.insales_null, 12);
    EXPECT_EQ(generated_stock_counts(999).suspicious, 0);
}

TEST(GeneratedStocks, HundredThousandArticlesPlantExactlyTheDocumentedCounts) {
    const auto t0 = std::chrono::steady_clock::now();
    Scenario s = load_scenario_text(std::string(kHead) + "generate: {stocks: 100000}\n");
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(took, std::chrono::seconds(3));
    ASSERT_EQ(s.products.size(), 100000u);
    ASSERT_TRUE(s.insales);
    ASSERT_TRUE(s.onec);
    EXPECT_EQ(s.insales->login, "stocks-app");
    EXPECT_EQ(s.onec->mtime, s.start);
    const Seen seen = count(s);
    EXPECT_EQ(seen.suspicious, 100);
    EXPECT_EQ(seen.insales_differs, 300);
    EXPECT_EQ(seen.onec_differs, 200);
    EXPECT_EQ(seen.only_ozon, 100);
    EXPECT_EQ(seen.only_insales, 100);
    EXPECT_EQ(seen.insales_null, 500);
    EXPECT_EQ(seen.agree, 100000 - 100 - 300 - 200 - 100 - 500);
    EXPECT_GT(seen.two_warehouses, 25000);  // "1-2 warehouses": about a third on two
    EXPECT_LT(seen.two_warehouses, 40000);
    // Ozon shows 1000 and 100 alternately.
    int thousand = 0, hundred = 0;
    for (const auto& p : s.products) {
        ASSERT_FALSE(p.fbs.empty());
        ASSERT_LE(p.fbs.size(), 2u);
        int t = 0;
        for (const auto& w : p.fbs) {
            t += w.present;
            EXPECT_EQ(w.reserved, 0);
        }
        thousand += t == 1000;
        hundred += t == 100;
    }
    EXPECT_EQ(thousand, 50);
    EXPECT_EQ(hundred, 50);
    EXPECT_EQ(s.products.front().offer_id, "STK-000001");
    EXPECT_EQ(s.products.back().offer_id, "STK-100000");
    // InSales variants: every Ozon article but the 100 only on Ozon, plus the 100 only in InSales.
    std::size_t variants = 0;
    for (const auto& p : s.insales->products) {
        EXPECT_GE(p.variants.size(), 1u);
        EXPECT_LE(p.variants.size(), 3u);
        variants += p.variants.size();
    }
    EXPECT_EQ(variants, 100000u - 100 + 100);
    EXPECT_EQ(s.onec->offers.size(), 100000u - 100);
}

TEST(GeneratedStocks, SameEveryRunAndExactForSmallShopsToo) {
    const std::string text = std::string(kHead) + "generate: {stocks: 2500}\n";
    Scenario a = load_scenario_text(text), b = load_scenario_text(text);
    const Sources x = sources_of(a), y = sources_of(b);
    EXPECT_EQ(x.ozon, y.ozon);
    EXPECT_EQ(x.insales, y.insales);
    EXPECT_EQ(x.onec, y.onec);
    const Seen seen = count(a);
    const auto want = generated_stock_counts(2500);
    EXPECT_EQ(seen.suspicious, want.suspicious);
    EXPECT_EQ(seen.insales_differs, want.insales_differs);
    EXPECT_EQ(seen.onec_differs, want.onec_differs);
    EXPECT_EQ(seen.only_ozon, want.only_ozon);
    EXPECT_EQ(seen.only_insales, want.only_insales);
    EXPECT_EQ(seen.insales_null, want.insales_null);
    // The generated warehouses exist and carry names for stocks-by-warehouse.
    std::set<std::int64_t> whs;
    for (const auto& w : a.warehouses) whs.insert(w.id);
    EXPECT_TRUE(whs.count(1020000000000901LL));
    EXPECT_TRUE(whs.count(1020000000000902LL));
}

TEST(GeneratedStocks, KeepsTheScenariosOwnInsalesAnd1c) {
    Scenario s = load_scenario_text(std::string(kHead) +
                                    "insales: {login: mine, password: pw, products: [{title: T, variants: [{sku: OWN-1}]}]}\n"
                                    "onec: {mtime: -3h, offers: [{article: OWN-1, quantity: 1}]}\n"
                                    "generate: {stocks: 1000}\n");
    EXPECT_EQ(s.insales->login, "mine");
    EXPECT_EQ(s.insales->products.front().variants.front().sku, "OWN-1");
    EXPECT_EQ(s.onec->mtime, s.start - std::chrono::hours(3));
    EXPECT_EQ(s.onec->offers.front().article, "OWN-1");
    EXPECT_EQ(s.onec->offers.size(), 1u + 1000u - 1u);
    EXPECT_NE(error_of(std::string(kHead) + "products: [{offer_id: STK-000001}]\ngenerate: {stocks: 10}\n")
                  .find("taken by the generated ones"),
              std::string::npos);
}

// ------------------------------------------------------------------ the demo's stock story

TEST(DemoStocks, TheDressAt1000AndTheShirtOzonMissed) {
    Scenario s = load_scenario_file(scenario("demo.yaml"));
    const Sources x = sources_of(s);
    // DRS-003: Ozon 1000, InSales 3, 1C 3 (suspicious).
    EXPECT_EQ(x.ozon.at("DRS-003"), 1000);
    EXPECT_EQ(x.insales.at("DRS-003"), 3);
    EXPECT_EQ(x.onec.at("DRS-003"), 3);
    // SHR-001: Ozon 7, InSales 3, 1C 3 (Ozon did not take InSales' update).
    EXPECT_EQ(x.ozon.at("SHR-001"), 7);
    EXPECT_EQ(x.insales.at("SHR-001"), 3);
    EXPECT_EQ(x.onec.at("SHR-001"), 3);
    // Everything else agrees, and no other figure is 100 or 1000.
    for (const auto& [art, oz] : x.ozon) {
        if (art == "DRS-003" || art == "SHR-001") continue;
        EXPECT_EQ(x.insales.at(art), oz) << art;
        EXPECT_EQ(x.onec.at(art), oz) << art;
        EXPECT_NE(oz, 1000) << art;
        EXPECT_NE(oz, 100) << art;
    }
    EXPECT_EQ(x.onec.size(), x.ozon.size());
    EXPECT_EQ(s.onec->mtime, s.start - std::chrono::hours(2));
}
