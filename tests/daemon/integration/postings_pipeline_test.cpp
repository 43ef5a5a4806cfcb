// The postings watch and the daemon pipeline against the in-process sandbox (virtual clock):
// incremental polling asks only for changes; scenario -> daemon -> sandbox Telegram delivers
// each expected message once (and not again after a restart on the same state DB); `check`
// exit codes and the report's table counts.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <sstream>

#include "daemon/check.hpp"
#include "daemon/demo.hpp"
#include "daemon/pipeline.hpp"
#include "sandbox/sandbox.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

std::string scenario_path(const char* name) {
    return std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/" + name;
}

struct TempDir {
    fs::path path;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "ozw-daemon-it-XXXXXX").string();
        path = mkdtemp(t.data());
    }
    ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
};

Config sandbox_config(const sandbox::Sandbox& sb, const std::string& state_dir, bool telegram) {
    Config cfg = demo_config(sb.snapshot(), sb.base_url(), state_dir, "ru");
    cfg.watches.postings.interval = 2min;
    if (!telegram) cfg.notify.telegram.reset();
    return cfg;
}

template <class F>
void run(asio::io_context& ioc, F&& make) {
    std::exception_ptr err;
    asio::co_spawn(ioc, make(), [&](std::exception_ptr e, auto&&...) { err = e; });
    ioc.run();
    ioc.restart();
    if (err) std::rethrow_exception(err);
}

std::vector<sandbox::RecordedRequest> ozon_requests(const sandbox::Sandbox& sb) {
    std::vector<sandbox::RecordedRequest> out;
    for (const auto& r : sb.request_log())
        if (r.service == "ozon") out.push_back(r);
    return out;
}

StatusCounts scenario_counts(const sandbox::Scenario& sc) {
    StatusCounts c;
    for (const auto& p : sc.postings) {
        const auto& s = p.status;
        if (s == "awaiting_packaging") ++c.awaiting_packaging;
        else if (s == "awaiting_deliver") ++c.awaiting_deliver;
        else if (s == "delivering" || s == "driver_pickup") ++c.delivering;
        else if (s == "arbitration" || s == "client_arbitration") ++c.disputed;
        else if (s == "delivered") ++c.delivered;
        else if (s == "cancelled") ++c.cancelled;
        else if (s == "not_accepted") ++c.not_accepted;
    }
    return c;
}

}  // namespace

TEST(PostingsWatchSandbox, InitialLoadThenIncrementalPollsAskOnlyForChanges) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    Store store((dir.path / "ozonwatch.db").string());
    asio::io_context ioc;
    PipelineOptions po;
    po.notify = false;
    po.jitter_fraction = 0;
    Pipeline p(cfg, store, sb.clock(), ioc.get_executor(), po);

    run(ioc, [&] { return p.scheduler().run_once_due(); });
    auto first = ozon_requests(sb);
    ASSERT_GE(first.size(), 2u);
    bool full_list = false, unfulfilled = false;
    for (const auto& r : first) {
        if (r.path == "/v4/posting/fbs/list") {
            full_list = true;
            EXPECT_EQ(r.body.find("last_changed_status_date"), std::string::npos) << r.body;
        }
        if (r.path == "/v4/posting/fbs/unfulfilled/list") unfulfilled = true;
        EXPECT_EQ(r.status, 200) << r.path << " " << r.body;
    }
    EXPECT_TRUE(full_list);
    EXPECT_TRUE(unfulfilled);
    EXPECT_EQ(p.accounts()[0].postings->postings().size(), sb.snapshot().postings.size());

    sb.clear_logs();
    sb.advance(2min);
    run(ioc, [&] { return p.scheduler().run_once_due(); });
    auto second = ozon_requests(sb);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].path, "/v4/posting/fbs/list");
    auto body = nlohmann::json::parse(second[0].body);
    ASSERT_TRUE(body["filter"].contains("last_changed_status_date")) << second[0].body;
    // from = last success - overlap (10 min)
    EXPECT_EQ(parse_iso8601(body["filter"]["last_changed_status_date"]["from"].get<std::string>()),
              sb.now() - 2min - 10min);
    EXPECT_TRUE(sb.retired_calls().empty());

    // A status change between polls is picked up by the incremental poll.
    ASSERT_TRUE(sb.set_posting_status("0127000908-0001-1", "delivering"));
    sb.clear_logs();
    sb.advance(2min);
    run(ioc, [&] { return p.scheduler().run_once_due(); });
    EXPECT_EQ(ozon_requests(sb).size(), 1u);
    ASSERT_TRUE(p.scheduler().at(0).last_result);
    std::vector<std::string> keys;
    for (const auto& e : p.scheduler().at(0).last_result->recorded) keys.push_back(e.key);
    EXPECT_EQ(keys, std::vector<std::string>{"posting.status_changed:0127000908-0001-1:delivering"});
}

TEST(DaemonPipelineSandbox, EachExpectedTelegramMessageArrivesOnceAlsoAfterARestart) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), true);
    ASSERT_TRUE(cfg.notify.telegram);
    cfg.notify.repeat_critical = 24h;  // this test counts first announcements, not repeats
    const std::string db = (dir.path / "ozonwatch.db").string();
    auto sent_texts = [&] {
        std::vector<std::string> t;
        for (const auto& m : sb.telegram_messages())
            if (m.method == "sendMessage" && m.ok) t.push_back(m.text);
        return t;
    };
    auto count_with = [&](const std::string& needle) {
        int n = 0;
        for (const auto& t : sent_texts())
            if (t.find(needle) != std::string::npos) ++n;
        return n;
    };
    {
        Store store(db);
        asio::io_context ioc;
        PipelineOptions po;
        po.jitter_fraction = 0;
        Pipeline p(cfg, store, sb.clock(), ioc.get_executor(), po);
        const TimePoint end = sb.now() + 11h;  // 07:00 -> 18:00 Moscow
        while (sb.now() <= end) {
            run(ioc, [&] { return p.scheduler().run_once_due(); });
            run(ioc, [&] { return p.dispatcher()->tick(); });
            sb.advance(10min);
        }
        run(ioc, [&] { return p.dispatcher()->tick(); });
    }
    // new mid-day posting, customer cancellation, disputes: one message each
    EXPECT_EQ(count_with("0127001121-0001-1"), 1);
    EXPECT_EQ(count_with("0127001020-0001-1"), 1);
    EXPECT_EQ(count_with("0125000712-0001-1"), 1);
    EXPECT_EQ(count_with("0124000613-0001-1"), 1);
    // the missed 17:00 hand-over: warned at 15:00, escalated at 17:00
    EXPECT_EQ(count_with("0127000905-0001-1"), 2);
    const auto before = sent_texts().size();
    ASSERT_GT(before, 0u);

    // Restart on the same state DB at the same virtual time: nothing is sent again.
    {
        Store store(db);
        asio::io_context ioc;
        PipelineOptions po;
        po.jitter_fraction = 0;
        Pipeline p(cfg, store, sb.clock(), ioc.get_executor(), po);
        run(ioc, [&] { return p.scheduler().run_once_due(); });
        run(ioc, [&] { return p.dispatcher()->tick(); });
        run(ioc, [&] { return p.dispatcher()->tick(); });
        EXPECT_FALSE(p.scheduler().at(0).last_result->baseline);
    }
    EXPECT_EQ(sent_texts().size(), before);
}

TEST(CheckSandbox, ReportTableEqualsTheScenarioAndExitCodeIsCritical) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    std::ostringstream out, err;
    auto r = run_check(cfg, sb.clock(), "text", out, err);
    EXPECT_EQ(r.exit_code, 2) << err.str();  // disputes are critical
    ASSERT_EQ(r.reports.size(), 1u);
    EXPECT_EQ(r.reports[0].counts, scenario_counts(sb.snapshot()));
    EXPECT_EQ(r.reports[0].counts.awaiting_packaging, 5);
    EXPECT_EQ(r.reports[0].counts.disputed, 2);
    EXPECT_NE(out.str().find("Ожидают сборки      5"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("Спорные             2"), std::string::npos) << out.str();
    // check sends nothing
    EXPECT_TRUE(sb.telegram_messages().empty());

    std::ostringstream jout;
    auto j = run_check(cfg, sb.clock(), "json", jout, err);
    EXPECT_EQ(j.exit_code, 2);
    std::istringstream lines(jout.str());
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        auto e = nlohmann::json::parse(line);
        EXPECT_EQ(e["account"], "main");
        EXPECT_TRUE(e.contains("type") && e.contains("severity") && e.contains("key"));
        ++n;
    }
    EXPECT_EQ(n, 2);  // the two disputes at 07:00
}

TEST(CheckSandbox, ExitCodesOkWarningAndSourceFailure) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-basic.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    cfg.accounts.resize(1);  // "demo"
    std::ostringstream out, err;
    EXPECT_EQ(run_check(cfg, sb.clock(), "text", out, err).exit_code, 0) << out.str() << err.str();
    sb.set_time(*parse_iso8601("2026-11-26T12:30:00Z"));  // 15:30 Moscow, hand-over at 17:00
    EXPECT_EQ(run_check(cfg, sb.clock(), "text", out, err).exit_code, 1) << out.str() << err.str();
    cfg.accounts[0].api_key = "wrong-key";
    std::ostringstream out3, err3;
    EXPECT_EQ(run_check(cfg, sb.clock(), "text", out3, err3).exit_code, 3);
    EXPECT_NE(err3.str().find("could not check"), std::string::npos) << err3.str();
}

TEST(DemoRun, PlaysTheDayAndEndsWithTheReport) {
    DemoRunOptions o;
    o.pause = Millis{0};
    o.scenario = scenario_path("demo.yaml");
    testing::internal::CaptureStdout();
    int rc = run_demo(o);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_NE(out.find("0127001121-0001-1"), std::string::npos);
    EXPECT_NE(out.find("Ожидают сборки"), std::string::npos);
}
