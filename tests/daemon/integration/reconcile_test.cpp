// The 6-hourly reconciliation reads only the statuses that can still change, and a remembered
// posting that has changed behind the watch's back (absent from that answer) is asked for by
// number, so its change is still announced, once.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>

#include "daemon/demo.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/watches/postings/settings.hpp"
#include "daemon/watches/postings/watch.hpp"
#include "sandbox/sandbox.hpp"
#include "tests/daemon/integration/daemon_it_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

using ozw::test::run;
using ozw::test::TempDir;

TEST(PostingsReconciliation, ReadsOnlyChangeableStatusesAndAsksForTheMissingByNumber) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(std::string(OZW_SOURCE_DIR) +
                                                    "/sandbox/scenarios/test-basic.yaml"));
    sb.start();
    TempDir dir;
    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir.path.string(), "ru");
    cfg.notify.telegram.reset();
    cfg.accounts.resize(1);  // "demo"; the scenario's other accounts have refused keys
    auto& s = edit_settings<postings::PostingsSettings>(cfg, "postings");
    s.interval = 2min;
    s.reconcile_every = 6h;
    Store store((dir.path / "ozonwatch.db").string());
    asio::io_context ioc;
    RuntimeOptions o;
    o.notify = false;
    o.jitter_fraction = 0;
    Runtime rt(cfg, store, sb.clock(), ioc.get_executor(), o);
    auto cycle = [&] { run(ioc, [&] { return rt.scheduler().run_once_due(); }); };

    cycle();  // the baseline reads the whole window
    auto watch = std::dynamic_pointer_cast<postings::PostingsWatch>(rt.accounts().at(0).watch("postings"));
    ASSERT_TRUE(watch);
    ASSERT_EQ(watch->all_items().at("57195475-0050-3").status, "awaiting_packaging");

    // Delivered while the daemon was not polling (as far as its incremental filter can tell):
    // only the reconciliation can find it.
    ASSERT_TRUE(sb.set_posting_status("57195475-0050-3", "delivered"));
    sb.advance(6h + 1min);
    sb.clear_logs();
    cycle();

    std::vector<std::string> lists, gets;
    for (const auto& r : sb.request_log()) {
        if (r.service != "ozon") continue;
        EXPECT_EQ(r.status, 200) << r.path << " " << r.body;
        if (r.path == "/v4/posting/fbs/list") lists.push_back(r.body);
        if (r.path == "/v3/posting/fbs/get") gets.push_back(r.body);
    }
    ASSERT_EQ(lists.size(), 1u);
    EXPECT_NE(lists[0].find("\"statuses\""), std::string::npos) << lists[0];
    EXPECT_NE(lists[0].find("awaiting_packaging"), std::string::npos) << lists[0];
    EXPECT_EQ(lists[0].find("\"delivered\""), std::string::npos) << "final statuses are not re-read";
    EXPECT_EQ(lists[0].find("last_changed_status_date"), std::string::npos) << lists[0];
    ASSERT_EQ(gets.size(), 1u);
    EXPECT_NE(gets[0].find("57195475-0050-3"), std::string::npos) << gets[0];

    EXPECT_EQ(watch->all_items().at("57195475-0050-3").status, "delivered");
    int announced = 0;
    for (const auto& e : store.events_since(TimePoint{}))
        if (e.key == "posting.status_changed:57195475-0050-3:delivered") ++announced;
    EXPECT_EQ(announced, 1);
    // the delivered posting is still counted in the report's table
    EXPECT_EQ(postings::count_statuses(watch->all_items()).delivered, 2);
}
