// Parsing throughput of the large Ozon pages, each parsed with simdjson On-Demand (what the
// daemon uses) and with the previous nlohmann path (kept as the tests' oracle) for comparison:
// 100 pages of 100 v4 postings with financial data, 100 pages of 500 returns, 100 pages of 1000
// stock items, 100 pages of 1000 accruals by day, 100 answers of 200 postings' accruals. Pages
// are shaped like the official examples (tests/fixtures/ozon). Reports MB/s (bytes_per_second)
// and peak RSS (getrusage).
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "common/ozon/json_util.hpp"
#include "common/ozon/models.hpp"

namespace {

using nlohmann::json;

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

json fixture(const char* name) {
    std::ifstream in(std::string(OZW_SOURCE_DIR) + "/tests/fixtures/ozon/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

// One posting shaped like the official v4 example, numbered.
json posting_template() { return fixture("2026_v4_posting_fbs_list.json")["postings"][0]; }

// 100 pages: top(page) with `per_page` records under `key`, record(n) the n-th of all.
std::vector<std::string> make_pages(const std::function<json(int)>& top, const char* key, int per_page,
                                    const std::function<json(long long)>& record) {
    std::vector<std::string> out;
    for (int p = 0; p < 100; ++p) {
        json page = top(p);
        json& records = page[key] = json::array();
        for (int i = 0; i < per_page; ++i) records.push_back(record(static_cast<long long>(p) * per_page + i));
        out.push_back(page.dump());
    }
    return out;
}

const std::vector<std::string>& posting_pages() {
    static const std::vector<std::string> pages = [] {
        const json tpl = posting_template();
        return make_pages([](int p) { return json{{"cursor", std::string("c").append(std::to_string(p))}, {"has_next", p < 99}}; },
                          "postings", 100, [&](long long n) {
                              json x = tpl;
                              x["posting_number"] = std::to_string(10000000 + n) + "-0001-1";
                              x["order_id"] = 33301885134LL + n;
                              return x;
                          });
    }();
    return pages;
}

const std::vector<std::string>& stock_pages() {
    static const std::vector<std::string> pages = make_pages(
        [](int p) { return json{{"cursor", std::string("c").append(std::to_string(p))}, {"total", 100000}, {"total_items", 100000}}; },
        "items", 1000, [](long long n) {
            long long id = 1000000000LL + n, i = n % 1000;
            return json{{"offer_id", "offer-" + std::to_string(id)},
                        {"product_id", id},
                        {"stocks", {{{"present", i % 1001}, {"reserved", i % 7}, {"shipment_type", "SHIPMENT_TYPE_GENERAL"}, {"sku", id}, {"type", "fbs"}},
                                    {{"present", 75}, {"reserved", 10}, {"shipment_type", "SHIPMENT_TYPE_GENERAL"}, {"sku", id}, {"type", "fbo"}}}}};
        });
    return pages;
}

const std::vector<std::string>& return_pages() {
    static const std::vector<std::string> pages = [] {
        const json tpl = fixture("2026_v1_returns_list.json")["returns"][0];
        return make_pages([](int p) { return json{{"has_next", p < 99}}; }, "returns", 500, [&](long long n) {
            json x = tpl;
            x["id"] = std::to_string(1000000000LL + n);
            x["posting_number"] = std::to_string(58544282 + n) + "-0057-1";
            return x;
        });
    }();
    return pages;
}

// The example's posting accrual and non-item accrual, and an item accrual with item fees.
const std::vector<std::string>& accrual_day_pages() {
    static const std::vector<std::string> pages = [] {
        const json example = fixture("schema_v1_finance_accrual_by_day.json")["accruals"];
        json item = example[1];
        item["accrued_category"] = "ITEM";
        item.erase("non_item_fee");
        item["item_fees"] = {{"fees", {{{"sku", 1904686181}, {"fees", {{{"accrued", {{"amount", "-12.50"}, {"currency", "RUB"}}}, {"type_id", 31}},
                                                                        {{"accrued", {{"amount", "-3"}, {"currency", "RUB"}}}, {"type_id", 32}}}}}}}};
        const json tpl[] = {example[0], example[1], item};
        return make_pages([](int) { return json{{"last_id", "eyJsYXN0IjoxfQ=="}}; }, "accruals", 1000,
                          [&](long long n) {
                              json x = tpl[n % 3];
                              x["accrual_id"] = 900000000LL + n;
                              return x;
                          });
    }();
    return pages;
}

// 200 postings (the request's maximum) with the example's two accruals each, twice.
const std::vector<std::string>& accrual_posting_pages() {
    static const std::vector<std::string> pages = [] {
        const json tpl = fixture("schema_v1_finance_accrual_postings.json")["posting_accruals"][0];
        return make_pages([](int) { return json::object(); }, "posting_accruals", 200, [&](long long n) {
            json x = tpl;
            x["posting_number"] = std::to_string(10000000 + n) + "-0001-1";
            for (const auto& a : tpl["accruals"]) x["accruals"].push_back(a);
            return x;
        });
    }();
    return pages;
}

using Pages = const std::vector<std::string>& (*)();

// Parses every page with `parse` (which returns the number of records) and reports MB/s.
void BM_Parse(benchmark::State& state, Pages pages_of, std::size_t records, std::size_t (*parse)(std::string_view)) {
    const auto& pages = pages_of();
    std::size_t bytes = 0;
    for (const auto& p : pages) bytes += p.size();
    for (auto _ : state) {
        std::size_t n = 0;
        for (const auto& p : pages) n += parse(p);
        if (n != records) state.SkipWithError("wrong record count");
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
    state.counters["input_MB"] = static_cast<double>(bytes) / 1e6;
    state.counters["peak_rss_MB"] = peak_rss_mb();
}

namespace oz = ozw::ozon;
namespace dt = ozw::ozon::detail;

std::size_t postings(std::string_view b) { return oz::parse_posting_list(b).postings.size(); }
std::size_t postings_dom(std::string_view b) {
    return dt::parse_posting_page_dom(b, "/v4/posting/fbs/list", false).postings.size();
}
std::size_t returns(std::string_view b) { return oz::parse_returns_list(b).returns.size(); }
std::size_t returns_dom(std::string_view b) { return dt::parse_returns_list_dom(b).returns.size(); }
std::size_t stocks(std::string_view b) { return oz::parse_stocks(b).items.size(); }
std::size_t stocks_dom(std::string_view b) { return dt::parse_stocks_dom(b).items.size(); }
std::size_t accruals_by_day(std::string_view b) { return oz::parse_accrual_by_day(b).accruals.size(); }
std::size_t accruals_by_day_dom(std::string_view b) { return dt::parse_accrual_by_day_dom(b).accruals.size(); }
std::size_t posting_accruals(std::string_view b) { return oz::parse_accrual_postings(b).size(); }
std::size_t posting_accruals_dom(std::string_view b) { return dt::parse_accrual_postings_dom(b).size(); }

// Each page twice: simdjson (the name alone) and nlohmann ("...Nlohmann"), the before/after
// figure on the same machine under the same load.
BENCHMARK_CAPTURE(BM_Parse, Postings100x100, posting_pages, 10000, postings)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, Postings100x100Nlohmann, posting_pages, 10000, postings_dom)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, Returns100x500, return_pages, 50000, returns)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, Returns100x500Nlohmann, return_pages, 50000, returns_dom)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, Stocks100x1000, stock_pages, 100000, stocks)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, Stocks100x1000Nlohmann, stock_pages, 100000, stocks_dom)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, AccrualsByDay100x1000, accrual_day_pages, 100000, accruals_by_day)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, AccrualsByDay100x1000Nlohmann, accrual_day_pages, 100000, accruals_by_day_dom)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, PostingAccruals100x200, accrual_posting_pages, 20000, posting_accruals)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Parse, PostingAccruals100x200Nlohmann, accrual_posting_pages, 20000, posting_accruals_dom)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
