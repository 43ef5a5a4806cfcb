// The metrics registry and its text exposition (common/metrics.hpp), checked by the strict
// parser of tests/common/prom_text.hpp (written from the format's grammar, not from the
// renderer): escaping, values, sorting, naming rules, merging, concurrency; and the parser's
// own strictness on pages it must refuse.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "common/http/client.hpp"
#include "common/metrics.hpp"
#include "tests/common/prom_text.hpp"

using namespace ozw;
namespace prom = ozw::test::prom;
using metrics::FamilySnapshot;
using metrics::Registry;
using metrics::Sample;
using metrics::Type;

TEST(Metrics, RegistryPageParsesStrictlyWithEscapedLabelsAndHelp) {
    Registry r;
    auto& api = r.counter("ozonwatch_api_requests_total", "Requests \\ by \"method\"\nsecond line",
                          {"account", "method", "status"});
    api.with({"main", "/v4/posting/fbs/list", "200"}).inc(3);
    api.with({"main", "/v4/posting/fbs/list", "429"}).inc();
    // Every character the format escapes, and non-ASCII text (a Russian account name).
    const std::string tricky = "a\\b\"c\nd}e,f=g";
    api.with({tricky, "/v1/returns/list", "timeout"}).inc(2);
    api.with({"магазин", "/v1/returns/list", "200"}).inc();
    auto& depth = r.gauge("ozonwatch_outbox_pending", "Pending rows.", {"channel"});
    depth.with({"telegram:-100123"}).set(7);
    depth.with({"email"}).set(0.5);
    r.gauge("ozonwatch_no_labels", "A gauge without labels.", {}).with({}).set(-2);

    const std::string text = r.render();
    prom::Page page = prom::parse(text);
    ASSERT_EQ(page.order.size(), 3u) << text;
    const prom::Family* f = page.family("ozonwatch_api_requests_total");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, "counter");
    EXPECT_EQ(f->help, "Requests \\ by \"method\"\nsecond line");  // the help's \ and newline round-trip
    EXPECT_EQ(f->series.size(), 4u);
    EXPECT_EQ(page.value("ozonwatch_api_requests_total",
                         {{"account", "main"}, {"method", "/v4/posting/fbs/list"}, {"status", "200"}}),
              3);
    EXPECT_EQ(page.value("ozonwatch_api_requests_total",
                         {{"account", tricky}, {"method", "/v1/returns/list"}, {"status", "timeout"}}),
              2);
    EXPECT_EQ(page.value("ozonwatch_api_requests_total",
                         {{"account", "магазин"}, {"method", "/v1/returns/list"}, {"status", "200"}}),
              1);
    EXPECT_EQ(page.family("ozonwatch_outbox_pending")->type, "gauge");
    EXPECT_EQ(page.value("ozonwatch_outbox_pending", {{"channel", "telegram:-100123"}}), 7);
    EXPECT_EQ(page.value("ozonwatch_outbox_pending", {{"channel", "email"}}), 0.5);
    EXPECT_EQ(page.value("ozonwatch_no_labels"), -2);
    // The escapes themselves, as the format spells them.
    EXPECT_NE(text.find(R"(account="a\\b\"c\nd}e,f=g")"), std::string::npos) << text;
    EXPECT_NE(text.find("# HELP ozonwatch_api_requests_total Requests \\\\ by \"method\"\\nsecond line\n"),
              std::string::npos)
        << text;
}

TEST(Metrics, ValuesIncludingInfinitiesNaNAndLargeNumbersRoundTrip) {
    const std::vector<double> values{0.0,     1.0,   -1.5,  0.1,  1e21, 1764140403.123, 9007199254740993.0,
                                     -0.0,    1e-9,  std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity(),
                                     std::numeric_limits<double>::quiet_NaN()};
    FamilySnapshot g{"ozonwatch_values", "Values.", Type::gauge, {"i"}, {}};
    for (std::size_t i = 0; i < values.size(); ++i) g.samples.push_back(Sample{{std::to_string(100 + i)}, values[i]});
    const std::string text = metrics::render({g});
    prom::Page page = prom::parse(text);
    for (std::size_t i = 0; i < values.size(); ++i) {
        auto v = page.value("ozonwatch_values", {{"i", std::to_string(100 + i)}});
        ASSERT_TRUE(v) << i << "\n" << text;
        if (std::isnan(values[i])) {
            EXPECT_TRUE(std::isnan(*v)) << text;
        } else {
            EXPECT_EQ(*v, values[i]) << i << "\n" << text;
        }
    }
    EXPECT_NE(text.find(" +Inf\n"), std::string::npos);
    EXPECT_NE(text.find(" -Inf\n"), std::string::npos);
    EXPECT_NE(text.find(" NaN\n"), std::string::npos);
    EXPECT_EQ(metrics::format_value(1), "1");
    EXPECT_EQ(metrics::format_value(42), "42");
    EXPECT_EQ(metrics::format_value(0.25), "0.25");
    // A counter is rendered as an integer.
    Registry r;
    r.counter("ozonwatch_big_total", "Big.", {}).with({}).inc(1234567890123ULL);
    EXPECT_NE(r.render().find("\nozonwatch_big_total 1234567890123\n"), std::string::npos) << r.render();
}

TEST(Metrics, OutputIsSortedAndStable) {
    Registry r;
    // Registered and counted out of order.
    r.gauge("ozonwatch_zeta", "Z.", {"k"}).with({"b"}).set(1);
    r.counter("ozonwatch_alpha_total", "A.", {"k"}).with({"z"}).inc();
    r.counter("ozonwatch_alpha_total", "A.", {"k"}).with({"a"}).inc();
    r.gauge("ozonwatch_zeta", "Z.", {"k"}).with({"a"}).set(2);
    r.gauge("ozonwatch_middle", "M.", {"a", "b"}).with({"x", "2"}).set(1);
    r.gauge("ozonwatch_middle", "M.", {"a", "b"}).with({"x", "10"}).set(1);
    r.gauge("ozonwatch_middle", "M.", {"a", "b"}).with({"w", "9"}).set(1);
    const std::string first = r.render();
    EXPECT_EQ(first, r.render());
    prom::Page page = prom::parse(first);
    EXPECT_EQ(page.order, (std::vector<std::string>{"ozonwatch_alpha_total", "ozonwatch_middle", "ozonwatch_zeta"}));
    const auto& alpha = page.family("ozonwatch_alpha_total")->series;
    ASSERT_EQ(alpha.size(), 2u);
    EXPECT_EQ(alpha[0].labels.at("k"), "a");
    EXPECT_EQ(alpha[1].labels.at("k"), "z");
    const auto& mid = page.family("ozonwatch_middle")->series;
    ASSERT_EQ(mid.size(), 3u);  // by label values in label order, as strings
    EXPECT_EQ(mid[0].labels, (prom::Labels{{"a", "w"}, {"b", "9"}}));
    EXPECT_EQ(mid[1].labels, (prom::Labels{{"a", "x"}, {"b", "10"}}));
    EXPECT_EQ(mid[2].labels, (prom::Labels{{"a", "x"}, {"b", "2"}}));
    // HELP then TYPE then the samples, for every family.
    EXPECT_EQ(first.substr(0, first.find("ozonwatch_alpha_total{")),
              "# HELP ozonwatch_alpha_total A.\n# TYPE ozonwatch_alpha_total counter\n");
}

TEST(Metrics, AFamilyWithoutSeriesKeepsItsHelpAndType) {
    Registry r;
    r.counter("ozonwatch_polls_total", "Polls.", {"account", "watch"});
    const std::string text = r.render();
    EXPECT_EQ(text, "# HELP ozonwatch_polls_total Polls.\n# TYPE ozonwatch_polls_total counter\n");
    prom::Page page = prom::parse(text);
    ASSERT_NE(page.family("ozonwatch_polls_total"), nullptr);
    EXPECT_TRUE(page.family("ozonwatch_polls_total")->series.empty());
}

TEST(Metrics, NamingRulesAreEnforced) {
    Registry r;
    EXPECT_THROW(r.counter("ozonwatch_polls", "no _total", {}), std::invalid_argument);
    EXPECT_THROW(r.gauge("ozonwatch_depth_total", "_total on a gauge", {}), std::invalid_argument);
    EXPECT_THROW(r.gauge("0zonwatch", "bad name", {}), std::invalid_argument);
    EXPECT_THROW(r.gauge("ozonwatch-depth", "bad name", {}), std::invalid_argument);
    EXPECT_THROW(r.gauge("ozonwatch_depth", "bad label", {"bad-label"}), std::invalid_argument);
    EXPECT_THROW(r.gauge("ozonwatch_depth", "reserved label", {"__name"}), std::invalid_argument);
    EXPECT_THROW(r.gauge("ozonwatch_depth", "label twice", {"a", "a"}), std::invalid_argument);
    auto& c = r.counter("ozonwatch_x_total", "X.", {"a"});
    EXPECT_EQ(&c, &r.counter("ozonwatch_x_total", "X.", {"a"}));  // the same family again
    EXPECT_THROW(r.counter("ozonwatch_x_total", "X.", {"b"}), std::invalid_argument);
    EXPECT_THROW(r.gauge("ozonwatch_x_total", "X.", {"a"}), std::invalid_argument);
    EXPECT_THROW(c.with({"1", "2"}), std::invalid_argument);
    EXPECT_THROW(c.with({}), std::invalid_argument);
    // The same labels give the same series (a caller may keep the reference).
    EXPECT_EQ(&c.with({"v"}), &c.with({"v"}));
    EXPECT_TRUE(metrics::valid_metric_name("ozonwatch:rule_total"));
    EXPECT_FALSE(metrics::valid_label_name("a:b"));
    EXPECT_THROW(metrics::render({FamilySnapshot{"ozonwatch_g", "G.", Type::gauge, {"a"}, {Sample{{}, 1}}}}),
                 std::invalid_argument);
}

TEST(Metrics, FamiliesGivenTwiceAreMergedWhenTheyAgree) {
    FamilySnapshot a{"ozonwatch_m", "M.", Type::gauge, {"k"}, {Sample{{"b"}, 1}, Sample{{"a"}, 2}}};
    FamilySnapshot b{"ozonwatch_m", "M.", Type::gauge, {"k"}, {Sample{{"c"}, 3}, Sample{{"a"}, 99}}};
    FamilySnapshot clash{"ozonwatch_m", "M.", Type::gauge, {"other"}, {Sample{{"z"}, 5}}};
    prom::Page page = prom::parse(metrics::render({a, b, clash}));
    const auto& s = page.family("ozonwatch_m")->series;
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(page.value("ozonwatch_m", {{"k", "a"}}), 2);  // the first wins
    EXPECT_EQ(page.value("ozonwatch_m", {{"k", "c"}}), 3);
    EXPECT_FALSE(page.value("ozonwatch_m", {{"other", "z"}}));
}

TEST(Metrics, CountsFromManyThreadsAddUp) {
    Registry r;
    auto& f = r.counter("ozonwatch_hits_total", "Hits.", {"t"});
    constexpr int kThreads = 4, kEach = 20000;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&, t] {
            const std::string mine = std::to_string(t);
            for (int i = 0; i < kEach; ++i) {
                f.with({"shared"}).inc();
                f.with({mine}).inc();
            }
        });
    for (auto& t : ts) t.join();
    prom::Page page = prom::parse(r.render());
    EXPECT_EQ(page.value("ozonwatch_hits_total", {{"t", "shared"}}), kThreads * kEach);
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(page.value("ozonwatch_hits_total", {{"t", std::to_string(t)}}), kEach);
}

TEST(Metrics, ApiRequestsAreCountedByStatusOrFailureClass) {
    auto& f = metrics::families::api_requests();
    auto& ok = f.with({"ozon", "unit", "/v1/roles", "200"});
    auto& to = f.with({"ozon", "unit", "/v1/roles", "timeout"});
    const auto ok0 = ok.value(), to0 = to.value();
    metrics::count_api_request("ozon", "unit", "/v1/roles", 200);
    metrics::count_api_request("ozon", "unit", "/v1/roles", 200);
    metrics::count_api_request("ozon", "unit", "/v1/roles", metrics::transport_status(http::ErrorKind::timeout));
    EXPECT_EQ(ok.value(), ok0 + 2);
    EXPECT_EQ(to.value(), to0 + 1);
    EXPECT_EQ(metrics::transport_status(http::ErrorKind::connect), "network");
    prom::Page page = prom::parse(metrics::registry().render());
    EXPECT_EQ(page.value("ozonwatch_api_requests_total",
                         {{"source", "ozon"}, {"account", "unit"}, {"method", "/v1/roles"}, {"status", "200"}}),
              static_cast<double>(ok.value()));
}

// The parser refuses what the format (or the page's structure) does not allow.
TEST(PromTextParser, RefusesMalformedPages) {
    const std::string ok = "# HELP m_total H.\n# TYPE m_total counter\nm_total{a=\"1\"} 1\n";
    EXPECT_NO_THROW(prom::parse(ok));
    const std::vector<std::pair<std::string, std::string>> bad{
        {"no final newline", "# TYPE m gauge\nm 1"},
        {"sample without TYPE", "m 1\n"},
        {"TYPE after samples", "# TYPE m gauge\nm 1\n# TYPE m gauge\n"},
        {"HELP after samples", "# TYPE m gauge\nm 1\n# HELP m late\n"},
        {"two HELP", "# HELP m a\n# HELP m b\n# TYPE m gauge\n"},
        {"unknown type", "# TYPE m meter\n"},
        {"duplicate series", "# TYPE m gauge\nm{a=\"1\"} 1\nm{a=\"1\"} 2\n"},
        {"duplicate series, label order", "# TYPE m gauge\nm{a=\"1\",b=\"2\"} 1\nm{b=\"2\",a=\"1\"} 2\n"},
        {"family split", "# TYPE m gauge\n# TYPE n gauge\nm 1\nn 1\nm{a=\"x\"} 1\n"},
        {"bad escape", "# TYPE m gauge\nm{a=\"\\t\"} 1\n"},
        {"bad help escape", "# HELP m a\\\"b\n# TYPE m gauge\n"},
        {"unterminated value", "# TYPE m gauge\nm{a=\"1} 1\n"},
        {"label twice", "# TYPE m gauge\nm{a=\"1\",a=\"2\"} 1\n"},
        {"reserved label", "# TYPE m gauge\nm{__a=\"1\"} 1\n"},
        {"bad label name", "# TYPE m gauge\nm{1a=\"1\"} 1\n"},
        {"bad value", "# TYPE m gauge\nm 1,5\n"},
        {"Inf without sign", "# TYPE m gauge\nm Inf\n"},
        {"two spaces", "# TYPE m gauge\nm  1\n"},
        {"negative counter", "# TYPE m_total counter\nm_total -1\n"},
        {"NaN counter", "# TYPE m_total counter\nm_total NaN\n"},
        {"blank line", "# TYPE m gauge\n\nm 1\n"},
        {"bad timestamp", "# TYPE m gauge\nm 1 12.5\n"},
        {"bad metric name", "# TYPE m gauge\n9m 1\n"},
    };
    for (const auto& [what, text] : bad) EXPECT_THROW(prom::parse(text), prom::PromParseError) << what;
    // Allowed: a comment, a timestamp, a trailing comma in the label set, exponents.
    EXPECT_NO_THROW(prom::parse("# just a comment\n# TYPE m gauge\nm{a=\"1\",} 1.5e+3 1700000000000\n"));
}
