// Parsing throughput of the Ozon models: 100 pages of 100 v4 postings with financial data (simdjson
// On-Demand, and the previous nlohmann path for comparison), and 100 pages of 1000 stock items. Reports MB/s (bytes_per_second) and peak RSS (getrusage).
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <fstream>
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

// One posting shaped like the official v4 example (tests/fixtures/ozon), numbered.
json posting_template() {
    std::ifstream in(std::string(OZW_SOURCE_DIR) + "/tests/fixtures/ozon/2026_v4_posting_fbs_list.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str())["postings"][0];
}

const std::vector<std::string>& posting_pages() {
    static const std::vector<std::string> pages = [] {
        json tpl = posting_template();
        std::vector<std::string> out;
        for (int p = 0; p < 100; ++p) {
            json page = {{"cursor", "c" + std::to_string(p)}, {"has_next", p < 99}, {"postings", json::array()}};
            for (int i = 0; i < 100; ++i) {
                json x = tpl;
                x["posting_number"] = std::to_string(10000000 + p * 100 + i) + "-0001-1";
                x["order_id"] = 33301885134LL + p * 100 + i;
                page["postings"].push_back(std::move(x));
            }
            out.push_back(page.dump());
        }
        return out;
    }();
    return pages;
}

const std::vector<std::string>& stock_pages() {
    static const std::vector<std::string> pages = [] {
        std::vector<std::string> out;
        for (int p = 0; p < 100; ++p) {
            json page = {{"cursor", "c" + std::to_string(p)}, {"total", 100000}, {"total_items", 100000},
                         {"items", json::array()}};
            for (int i = 0; i < 1000; ++i) {
                long long id = 1000000000LL + p * 1000 + i;
                page["items"].push_back(
                    {{"offer_id", "offer-" + std::to_string(id)},
                     {"product_id", id},
                     {"stocks", {{{"present", i % 1001}, {"reserved", i % 7}, {"shipment_type", "SHIPMENT_TYPE_GENERAL"}, {"sku", id}, {"type", "fbs"}},
                                 {{"present", 75}, {"reserved", 10}, {"shipment_type", "SHIPMENT_TYPE_GENERAL"}, {"sku", id}, {"type", "fbo"}}}}});
            }
            out.push_back(page.dump());
        }
        return out;
    }();
    return pages;
}

void BM_ParsePostings100x100(benchmark::State& state) {
    const auto& pages = posting_pages();
    std::size_t bytes = 0;
    for (const auto& p : pages) bytes += p.size();
    for (auto _ : state) {
        std::size_t n = 0;
        for (const auto& p : pages) n += ozw::ozon::parse_posting_list(p).postings.size();
        if (n != 10000) state.SkipWithError("wrong posting count");
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
    state.counters["input_MB"] = static_cast<double>(bytes) / 1e6;
    state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_ParsePostings100x100)->Unit(benchmark::kMillisecond);

// The same pages through the previous parser (nlohmann DOM + Reader), kept as the tests' oracle:
// the before/after figure on the same machine under the same load.
void BM_ParsePostings100x100Nlohmann(benchmark::State& state) {
    const auto& pages = posting_pages();
    std::size_t bytes = 0;
    for (const auto& p : pages) bytes += p.size();
    for (auto _ : state) {
        std::size_t n = 0;
        for (const auto& p : pages)
            n += ozw::ozon::detail::parse_posting_page_dom(p, "/v4/posting/fbs/list", false).postings.size();
        if (n != 10000) state.SkipWithError("wrong posting count");
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
    state.counters["input_MB"] = static_cast<double>(bytes) / 1e6;
    state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_ParsePostings100x100Nlohmann)->Unit(benchmark::kMillisecond);

void BM_ParseStocks100x1000(benchmark::State& state) {
    const auto& pages = stock_pages();
    std::size_t bytes = 0;
    for (const auto& p : pages) bytes += p.size();
    for (auto _ : state) {
        std::size_t n = 0;
        for (const auto& p : pages) n += ozw::ozon::parse_stocks(p).items.size();
        if (n != 100000) state.SkipWithError("wrong item count");
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
    state.counters["input_MB"] = static_cast<double>(bytes) / 1e6;
    state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_ParseStocks100x1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
