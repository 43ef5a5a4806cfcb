// The stock comparison's three sources over the sandbox (issue 13): Ozon's
// /v2/product/info/stocks-by-warehouse/fbs and /v4/product/info/stocks over HTTP, InSales'
// products.json with null quantities, and 1C's offers.xml written by the Sandbox (and by the
// admin API), all telling the demo's story and the generated shop's planted differences.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>

#include "common/onec/offers.hpp"
#include "common/time.hpp"
#include "sandbox/internal.hpp"
#include "tests/sandbox/integration/sandbox_test_client.hpp"

using ozw::parse_iso8601;
using namespace ozw::sandbox;
using namespace ozw::sandbox::test;
using nlohmann::json;

namespace {

Reply insales_get(const Sandbox& sb, const std::string& target, const std::string& login,
                  const std::string& password) {
    Call c;
    c.method = "GET";
    c.target = target;
    c.headers = {{"Authorization", "Basic " + ozw::sandbox::detail::base64_encode(login + ":" + password)}};
    return http_call(sb.base_url(), c);
}

// Every InSales variant of the shop, read page by page as a client does.
std::map<std::string, json> insales_variants(const Sandbox& sb, const std::string& login, const std::string& password) {
    std::map<std::string, json> out;
    for (int page = 1;; ++page) {
        auto r = insales_get(sb, "/admin/products.json?page=" + std::to_string(page) + "&per_page=250", login, password);
        EXPECT_EQ(r.status, 200) << r.body;
        auto j = r.json();
        if (j.empty()) break;
        for (const auto& p : j)
            for (const auto& v : p["variants"]) out[v["sku"].get<std::string>()] = v;
        if (page > 100) break;
    }
    return out;
}

// stocks-by-warehouse for `offers`, every page followed; total present per offer_id.
std::map<std::string, int> ozon_by_warehouse(const Sandbox& sb, const std::vector<std::string>& offers,
                                             int limit, int* pages = nullptr) {
    std::map<std::string, int> out;
    for (std::size_t i = 0; i < offers.size(); i += 1000) {
        json batch(std::vector<std::string>(offers.begin() + static_cast<std::ptrdiff_t>(i),
                                            offers.begin() + static_cast<std::ptrdiff_t>(std::min(offers.size(), i + 1000))));
        std::string cursor;
        for (int guard = 0; guard < 100; ++guard) {
            auto r = ozon(sb, "/v2/product/info/stocks-by-warehouse/fbs",
                          json{{"offer_id", batch}, {"limit", limit}, {"cursor", cursor}});
            EXPECT_EQ(r.status, 200) << r.body;
            if (r.status != 200) return out;
            if (pages) ++*pages;
            auto j = r.json();
            for (const auto& row : j["stocks"]) {
                EXPECT_EQ(row["free_stock"], row["present"].get<int>() - row["reserved"].get<int>());
                EXPECT_FALSE(row["warehouse_name"].get<std::string>().empty());
                out[row["offer_id"].get<std::string>()] += row["present"].get<int>();
            }
            if (!j["has_next"].get<bool>()) break;
            cursor = j["cursor"].get<std::string>();
        }
    }
    return out;
}

}  // namespace

TEST(SandboxStocks, DemoTellsTheDressAndTheShirtStoryInAllThreeSources) {
    Sandbox sb{Sandbox::load_scenario(scenario_path("demo.yaml"))};
    sb.start();
    const std::vector<std::string> offers = {"DRS-001", "DRS-002", "DRS-003", "JNS-001",
                                             "JNS-002", "SHR-001", "SHR-002", "SKR-001"};
    // Ozon, per warehouse and in the v4 summary.
    auto ozon_totals = ozon_by_warehouse(sb, offers, 1000);
    EXPECT_EQ(ozon_totals.at("DRS-003"), 1000);
    EXPECT_EQ(ozon_totals.at("SHR-001"), 7);
    auto v4 = ozon(sb, "/v4/product/info/stocks", json{{"filter", {{"offer_id", {"DRS-003", "SHR-001"}}}}, {"limit", 10}}).json();
    ASSERT_EQ(v4["items"].size(), 2u);
    for (const auto& it : v4["items"]) {
        ASSERT_EQ(it["stocks"].size(), 1u);
        EXPECT_EQ(it["stocks"][0]["type"], "fbs");
        EXPECT_EQ(it["stocks"][0]["present"], it["offer_id"] == "DRS-003" ? 1000 : 7);
    }
    // InSales.
    auto shop = insales_variants(sb, "demo-app", "demo-insales-pass");
    EXPECT_EQ(shop.at("DRS-003")["quantity"], 3);
    EXPECT_EQ(shop.at("SHR-001")["quantity"], 3);
    // 1C, through the real reader.
    TempDir dir;
    sb.write_onec_offers(dir.path / "offers.xml");
    auto onec = ozw::onec::read_offers_file(dir.path / "offers.xml");
    std::map<std::string, double> onec_totals;
    for (const auto& o : onec.offers) onec_totals[o.article] = o.total().value_or(-1);
    EXPECT_EQ(onec_totals.at("DRS-003"), 3);
    EXPECT_EQ(onec_totals.at("SHR-001"), 3);
    EXPECT_EQ(*onec.file_mtime, sb.now() - std::chrono::hours(2));
    // The rest agrees everywhere.
    for (const auto& art : offers) {
        if (art == "DRS-003" || art == "SHR-001") continue;
        EXPECT_EQ(shop.at(art)["quantity"], ozon_totals[art]) << art;
        EXPECT_EQ(onec_totals.at(art), ozon_totals[art]) << art;
    }
}

TEST(SandboxStocks, GeneratedShopOverHttpShowsExactlyThePlantedDifferences) {
    Sandbox sb{Sandbox::load_scenario(scenario_path("test-stocks.yaml"))};
    sb.start();
    const auto want = generated_stock_counts(2500);
    std::vector<std::string> offers;
    for (const auto& p : sb.snapshot().products) offers.push_back(p.offer_id);
    ASSERT_EQ(offers.size(), 2500u);
    int pages = 0;
    auto oz = ozon_by_warehouse(sb, offers, 400, &pages);
    EXPECT_EQ(oz.size(), 2500u);
    EXPECT_GE(pages, 8);  // three batches of 1000 articles, 1000+ rows each at 400 a page
    auto shop = insales_variants(sb, "stocks-app", "stocks-pass");
    TempDir dir;
    sb.write_onec_offers(dir.path / "offers.xml");
    auto onec = ozw::onec::read_offers_file(dir.path / "offers.xml");
    EXPECT_EQ(*onec.file_mtime, sb.now() - std::chrono::hours(3));
    std::map<std::string, int> c1;
    for (const auto& o : onec.offers) c1[o.article] = static_cast<int>(o.total().value_or(-1));

    int suspicious = 0, insales_differs = 0, onec_differs = 0, only_ozon = 0, only_insales = 0, null = 0;
    for (const auto& [art, q] : oz) {
        auto v = shop.find(art);
        if (v == shop.end()) {
            ++only_ozon;
            EXPECT_FALSE(c1.count(art)) << art;
            continue;
        }
        const json& quantity = v->second["quantity"];
        if (q == 100 || q == 1000) {
            ++suspicious;
        } else if (quantity.is_null()) {
            ++null;
            EXPECT_TRUE(v->second["quantity_at_warehouse0"].is_null());
        } else if (quantity.get<int>() != q) {
            ++insales_differs;
            EXPECT_EQ(c1.at(art), quantity.get<int>()) << art;
        } else if (c1.at(art) != q) {
            ++onec_differs;
        }
    }
    for (const auto& [art, v] : shop) only_insales += !oz.count(art);
    EXPECT_EQ(suspicious, want.suspicious);
    EXPECT_EQ(insales_differs, want.insales_differs);
    EXPECT_EQ(onec_differs, want.onec_differs);
    EXPECT_EQ(only_ozon, want.only_ozon);
    EXPECT_EQ(only_insales, want.only_insales);
    EXPECT_EQ(null, want.insales_null);
}

TEST(SandboxStocks, StocksByWarehouseValidatesAndChecksTheRole) {
    Sandbox sb{Sandbox::load_scenario(scenario_path("test-stocks.yaml"))};
    sb.start();
    const std::string path = "/v2/product/info/stocks-by-warehouse/fbs";
    auto r = ozon(sb, path, json::object());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()["code"], 3);
    EXPECT_NE(r.json()["message"].get<std::string>().find("sku or offer_id"), std::string::npos) << r.body;
    json many = json::array();
    for (int i = 0; i < 1001; ++i) many.push_back(i + 1);
    r = ozon(sb, path, json{{"sku", many}});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("at most 1000"), std::string::npos) << r.body;
    r = ozon(sb, path, json{{"sku", {1900000001}}, {"limit", 5000}});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("limit"), std::string::npos) << r.body;
    r = ozon(sb, path, json{{"sku", {"1900000001"}}}, "products", "products-key");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_FALSE(r.json()["stocks"].empty());
    EXPECT_EQ(r.json()["stocks"][0]["offer_id"], "STK-000001");
    EXPECT_EQ(ozon(sb, path, json{{"sku", {1900000001}}}, "postings", "postings-key").status, 403);
    auto roles = ozon(sb, "/v1/roles", std::string(), "products", "products-key").json();
    ASSERT_EQ(roles["roles"].size(), 1u);
    EXPECT_NE(roles["roles"][0]["methods"].dump().find(path), std::string::npos);
    // The switched-off v1 answers 404 with the replacement.
    r = ozon(sb, "/v1/product/info/stocks-by-warehouse/fbs", json{{"sku", {1900000001}}});
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find(path), std::string::npos) << r.body;
}

TEST(SandboxStocks, OnecChangesAndTheAdminWrite) {
    Sandbox sb{Sandbox::load_scenario(scenario_path("demo.yaml"))};
    sb.start();
    TempDir dir;
    const auto file = dir.path / "offers.xml";
    // The 1C exchange runs at 09:00 MSK and has sold one dress.
    sb.advance(std::chrono::hours(2));
    ASSERT_TRUE(sb.set_onec_quantity("DRS-003", 2, sb.now()));
    EXPECT_FALSE(sb.set_onec_quantity("NOPE", 1));
    sb.write_onec_offers(file);
    auto o = ozw::onec::read_offers_file(file);
    EXPECT_EQ(*o.file_mtime, sb.now());
    for (const auto& x : o.offers)
        if (x.article == "DRS-003") {
            EXPECT_EQ(x.total(), 2.0);
        }
    // InSales stops tracking a variant.
    ASSERT_TRUE(sb.set_insales_quantity("SKR-001", std::nullopt));
    EXPECT_TRUE(insales_variants(sb, "demo-app", "demo-insales-pass").at("SKR-001")["quantity"].is_null());
    // The admin API writes the file too (for `ozonwatch sandbox`).
    Call c;
    c.target = "/__sandbox/onec/write";
    c.body = json{{"path", (dir.path / "admin.xml").string()}, {"mtime", "2026-11-26T01:00:00Z"}}.dump();
    auto r = http_call(sb.base_url(), c);
    ASSERT_EQ(r.status, 200) << r.body;
    auto a = ozw::onec::read_offers_file(dir.path / "admin.xml");
    EXPECT_EQ(*a.file_mtime, *parse_iso8601("2026-11-26T01:00:00Z"));
    c.body = json{{"path", ""}}.dump();
    EXPECT_EQ(http_call(sb.base_url(), c).status, 400);
}
