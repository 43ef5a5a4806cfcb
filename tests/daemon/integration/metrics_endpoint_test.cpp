// The metrics endpoint (daemon/metrics_endpoint.cpp) on the daemon's own io_context, as `run`
// wires it, against the in-process sandbox (virtual clock): a real socket on 127.0.0.1:0,
// /metrics parsed by the strict text-format parser of tests/common/prom_text.hpp; the counts
// on the page match what happened (the sandbox's request log, the scheduler, the store);
// /healthz turns 503 when a watch is 3 intervals late and 200 again when it polls; listen
// errors are told apart (busy port, bad address).
#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>

#include <map>
#include <tuple>

#include "common/http/client.hpp"
#include "daemon/metrics_endpoint.hpp"
#include "tests/common/prom_text.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace prom = ozw::test::prom;
using ozw::test::Daemon;
using ozw::test::run;
using ozw::test::sandbox_config;
using ozw::test::scenario_path;
using ozw::test::TempDir;

namespace {

struct Fetched {
    int status = 0;
    std::string content_type;
    std::string body;
};

// Starts an endpoint on the daemon's io_context (port 0), sends `requests` (method, path) over
// one kept-alive connection, stops the endpoint; all on the io_context, as in `run`.
std::vector<Fetched> fetch(Daemon& d, const sandbox::Sandbox& sb,
                           const std::vector<std::pair<std::string, std::string>>& requests) {
    daemon::MetricsEndpoint ep(d.ioc.get_executor(), "127.0.0.1:0", d.runtime.scheduler(), d.store, sb.clock());
    ep.start();
    EXPECT_NE(ep.port(), 0);
    std::vector<Fetched> out;
    run(d.ioc, [&]() -> asio::awaitable<void> {
        std::exception_ptr failed;
        try {
            // GCC 12: no temporaries in an expression with co_await.
            auto ex = co_await asio::this_coro::executor;
            http::ClientOptions options;
            http::Client client(ex, options);
            for (const auto& [method, path] : requests) {
                http::Request req;
                req.method = method;
                req.url = ep.base_url() + path;
                req.timeout = 10s;
                http::Response resp = co_await client.request(std::move(req));
                Fetched f;
                f.status = resp.status;
                f.content_type = resp.header("Content-Type").value_or("");
                f.body = resp.body;
                out.push_back(std::move(f));
            }
        } catch (...) {
            failed = std::current_exception();
        }
        ep.stop();  // else the listener keeps the io_context running
        if (failed) std::rethrow_exception(failed);
    });
    return out;
}

prom::Page scrape(Daemon& d, const sandbox::Sandbox& sb) {
    auto r = fetch(d, sb, {{"GET", "/metrics"}});
    EXPECT_EQ(r.at(0).status, 200);
    EXPECT_EQ(r.at(0).content_type, "text/plain; version=0.0.4; charset=utf-8");
    return prom::parse(r.at(0).body);  // throws on anything the format does not allow
}

double seconds(TimePoint t) { return static_cast<double>(t.time_since_epoch().count()) / 1000.0; }

}  // namespace

TEST(MetricsEndpoint, PageAfterAPollCountsRequestsPollsEventsAndOutbox) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), /*telegram=*/false);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    auto& sched = d.runtime.scheduler();
    ASSERT_GT(sched.size(), 0u);

    // The process's registry is shared by every test of this binary: counts are compared as
    // differences from a page taken before the poll.
    const prom::Page before = scrape(d, sb);
    ASSERT_NE(before.family("ozonwatch_polls_total"), nullptr);  // declared before any count
    sb.clear_logs();
    const TimePoint polled_at = sb.now();
    run(d.ioc, [&] { return sched.run_once_due(); });  // one poll of every watch, no dispatch

    auto r = fetch(d, sb, {{"GET", "/metrics"}, {"GET", "/healthz"}, {"GET", "/nope"}, {"POST", "/metrics"}});
    ASSERT_EQ(r.size(), 4u);
    ASSERT_EQ(r[0].status, 200);
    EXPECT_EQ(r[0].content_type, "text/plain; version=0.0.4; charset=utf-8");
    const prom::Page after = prom::parse(r[0].body);
    EXPECT_EQ(r[1].status, 200) << r[1].body;
    EXPECT_EQ(r[1].body, "ok\n");
    EXPECT_EQ(r[2].status, 404);
    EXPECT_EQ(r[3].status, 405);

    auto delta = [&](const std::string& name, const prom::Labels& labels) {
        return after.value_or_zero(name, labels) - before.value_or_zero(name, labels);
    };

    // API requests: every request the sandbox saw, by method and status.
    std::map<std::tuple<std::string, std::string, int>, int> seen;  // service, path, status
    for (const auto& q : sb.request_log())
        if (q.service == "ozon" || q.service == "insales") ++seen[{q.service, q.path, q.status}];
    ASSERT_GT((seen[{"ozon", "/v4/posting/fbs/list", 200}]), 0);
    for (const auto& [k, n] : seen) {
        const auto& [service, path, status] = k;
        const std::string account = service == "ozon" ? "main" : "";
        EXPECT_EQ(delta("ozonwatch_api_requests_total",
                        {{"source", service}, {"account", account}, {"method", path}, {"status", std::to_string(status)}}),
                  n)
            << service << " " << path << " " << status;
    }
    EXPECT_EQ(after.family("ozonwatch_api_requests_total")->type, "counter");

    // Polls: one per watch; a failure counted for each that failed; the last success stamped.
    for (std::size_t i = 0; i < sched.size(); ++i) {
        const auto& sw = sched.at(i);
        const std::string watch = sw.runner->watch().name();
        const prom::Labels l{{"account", "main"}, {"watch", watch}};
        EXPECT_EQ(delta("ozonwatch_polls_total", l), 1) << watch;
        double failures = 0;
        for (const char* kind : {"transient", "auth", "not_available"})
            failures += delta("ozonwatch_poll_failures_total", {{"account", "main"}, {"watch", watch}, {"kind", kind}});
        EXPECT_EQ(failures, sw.health.consecutive_failures > 0 ? 1 : 0) << watch;
        EXPECT_EQ(after.value("ozonwatch_watch_interval_seconds", l),
                  static_cast<double>(sw.runner->watch().interval().count()) / 1000)
            << watch;
        EXPECT_EQ(after.value("ozonwatch_last_poll_timestamp_seconds", l), seconds(polled_at)) << watch;
        if (sw.health.consecutive_failures == 0) {
            EXPECT_EQ(after.value("ozonwatch_last_success_timestamp_seconds", l), seconds(polled_at)) << watch;
        }
        EXPECT_EQ(after.value("ozonwatch_watch_consecutive_failures", l), sw.health.consecutive_failures) << watch;
    }
    EXPECT_EQ(after.value("ozonwatch_watch_interval_seconds", {{"account", "main"}, {"watch", "postings"}}), 120);

    // Events by type and state: exactly what the store recorded (a fresh database).
    std::map<std::pair<std::string, std::string>, int> recorded;
    for (const auto& e : d.store.events_since(TimePoint{}, 1000000)) ++recorded[{e.type, to_string(e.state)}];
    ASSERT_FALSE(recorded.empty());  // the demo's conditions fire on the first poll
    double counted = 0;
    for (const auto& s : after.family("ozonwatch_events_total")->series)
        if (s.labels.at("account") == "main") counted += delta("ozonwatch_events_total", s.labels);
    int total = 0;
    for (const auto& [k, n] : recorded) {
        EXPECT_EQ(delta("ozonwatch_events_total", {{"account", "main"}, {"type", k.first}, {"state", k.second}}), n)
            << k.first << " " << k.second;
        total += n;
    }
    EXPECT_EQ(counted, total);  // and nothing else

    // The outbox: the rows routed by the poll wait (no dispatch yet), none for long.
    auto pending = d.store.pending_outbox();
    ASSERT_FALSE(pending.empty());
    std::map<std::string, int> per_channel;
    for (const auto& row : pending) ++per_channel[row.channel];
    for (const auto& [channel, n] : per_channel) {
        EXPECT_EQ(after.value("ozonwatch_outbox_pending", {{"channel", channel}}), n) << channel;
        EXPECT_EQ(after.value("ozonwatch_outbox_oldest_pending_age_seconds", {{"channel", channel}}), 0) << channel;
    }
    EXPECT_EQ(after.family("ozonwatch_outbox_pending")->series.size(), per_channel.size());

    EXPECT_EQ(after.value("ozonwatch_build_info", {{"version", daemon::build_version()}}), 1);
    EXPECT_FALSE(daemon::build_version().empty());
    EXPECT_GT(after.value_or_zero("ozonwatch_start_time_seconds"), 1.7e9);
    EXPECT_EQ(after.value("ozonwatch_healthy"), 1);

    // 7 minutes later, undelivered: the age of the oldest row is 7 minutes; /healthz still ok
    // (postings, every 2 min, is 5 min late: within 3 intervals).
    sb.advance(7min);
    {
        const prom::Page page = scrape(d, sb);
        for (const auto& [channel, n] : per_channel)
            EXPECT_EQ(page.value("ozonwatch_outbox_oldest_pending_age_seconds", {{"channel", channel}}), 420) << channel;
        EXPECT_EQ(page.value("ozonwatch_healthy"), 1);
    }
    // One dispatch: the event log takes every row; nothing pending is left on the page.
    ASSERT_NE(d.runtime.dispatcher(), nullptr);
    run(d.ioc, [&] { return d.runtime.dispatcher()->tick(); });
    {
        const prom::Page page = scrape(d, sb);
        std::map<std::string, int> left;
        for (const auto& row : d.store.pending_outbox()) ++left[row.channel];
        EXPECT_LT(left["event_log"], per_channel["event_log"]);
        for (const auto& s : page.family("ozonwatch_outbox_pending")->series)
            EXPECT_EQ(s.value, left[s.labels.at("channel")]) << s.labels.at("channel");
        EXPECT_EQ(page.family("ozonwatch_outbox_pending")->series.size(),
                  static_cast<std::size_t>(std::count_if(left.begin(), left.end(), [](auto& kv) { return kv.second > 0; })));
    }

    // 2 minutes more without a poll: postings is 7 min late, more than 3 x 2 min: 503, naming it.
    sb.advance(2min);
    {
        auto h = fetch(d, sb, {{"GET", "/healthz"}, {"GET", "/metrics"}});
        EXPECT_EQ(h[0].status, 503);
        EXPECT_NE(h[0].body.find("main/postings"), std::string::npos) << h[0].body;
        EXPECT_EQ(h[0].body.find("main/returns"), std::string::npos) << h[0].body;  // 10 min: not late
        EXPECT_EQ(prom::parse(h[1].body).value("ozonwatch_healthy"), 0);
    }
    // It polls: healthy again.
    run(d.ioc, [&] { return sched.run_once_due(); });
    {
        auto h = fetch(d, sb, {{"GET", "/healthz"}});
        EXPECT_EQ(h[0].status, 200) << h[0].body;
    }
}

TEST(MetricsEndpoint, ListenErrorsTellABusyPortFromABadAddress) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    daemon::MetricsEndpoint first(d.ioc.get_executor(), "127.0.0.1:0", d.runtime.scheduler(), d.store, sb.clock());
    first.start();
    const std::string busy = "127.0.0.1:" + std::to_string(first.port());
    daemon::MetricsEndpoint second(d.ioc.get_executor(), busy, d.runtime.scheduler(), d.store, sb.clock());
    try {
        second.start();
        ADD_FAILURE() << "a busy port was bound twice";
    } catch (const daemon::MetricsListenError& e) {
        EXPECT_FALSE(e.bad_address());
        EXPECT_NE(std::string(e.what()).find(busy), std::string::npos) << e.what();
    }
    for (const char* bad : {"nonsense", "shop.example:9187", "127.0.0.1:99999"}) {
        daemon::MetricsEndpoint ep(d.ioc.get_executor(), bad, d.runtime.scheduler(), d.store, sb.clock());
        try {
            ep.start();
            ADD_FAILURE() << bad << " was accepted";
        } catch (const daemon::MetricsListenError& e) {
            EXPECT_TRUE(e.bad_address()) << bad << ": " << e.what();
        }
    }
    first.stop();
    second.stop();
    d.ioc.run();  // the stops run on the io_context: then it has nothing left
    d.ioc.restart();

    EXPECT_TRUE(daemon::is_loopback_listen("127.0.0.1:9187"));
    EXPECT_TRUE(daemon::is_loopback_listen("localhost:9187"));
    EXPECT_TRUE(daemon::is_loopback_listen("[::1]:9187"));
    EXPECT_FALSE(daemon::is_loopback_listen("0.0.0.0:9187"));
    EXPECT_FALSE(daemon::is_loopback_listen(":9187"));
    EXPECT_FALSE(daemon::is_loopback_listen("192.168.1.10:9187"));
}
