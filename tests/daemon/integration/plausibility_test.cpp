// Plausibility gates of the postings watch against the sandbox's spoiled answers: a posting
// without a number or with a status that is not one is skipped (no false alert), and a full
// re-read that comes back empty is not applied (nothing forgotten, nothing announced again).
#include <gtest/gtest.h>

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

using ozw::test::run;
using ozw::test::TempDir;

namespace {

struct Rig {
    sandbox::Sandbox sb;
    TempDir dir;
    Config cfg;
    Store store;
    asio::io_context ioc;
    std::unique_ptr<Runtime> rt;

    explicit Rig(sandbox::Scenario sc)
        : sb(std::move(sc)), store((dir.path / "ozonwatch.db").string()) {
        sb.start();
        cfg = demo_config(sb.snapshot(), sb.base_url(), dir.path.string(), "ru");
        cfg.notify.telegram.reset();
        cfg.accounts.resize(1);
        auto& s = edit_settings<postings::PostingsSettings>(cfg, "postings");
        s.interval = 2min;
        s.reconcile_every = 6h;
        RuntimeOptions o;
        o.notify = false;
        o.jitter_fraction = 0;
        rt = std::make_unique<Runtime>(cfg, store, sb.clock(), ioc.get_executor(), o);
    }
    void cycle() { run(ioc, [&] { return rt->scheduler().run_once_due(); }); }
    std::shared_ptr<postings::PostingsWatch> watch() {
        return std::dynamic_pointer_cast<postings::PostingsWatch>(rt->accounts().at(0).watch("postings"));
    }
    ScheduledWatch& scheduled() {
        for (std::size_t i = 0; i < rt->scheduler().size(); ++i)
            if (rt->scheduler().at(i).runner->watch().name() == "postings") return rt->scheduler().at(i);
        throw std::logic_error("no postings watch");
    }
    std::vector<Event> events() { return store.events_since(TimePoint{}); }
};

sandbox::Scenario generated_shop(int postings) {
    return sandbox::load_scenario_text("name: plausibility\n"
                                       "start: 2026-11-26T07:00:00.000Z\n"
                                       "accounts:\n"
                                       "  - {client_id: \"700\", api_key: key-plausibility}\n"
                                       "generate: {shop: " + std::to_string(postings) + "}\n");
}

}  // namespace

TEST(PostingsPlausibility, APostingWithoutANumberOrARealStatusIsSkippedNotAnnounced) {
    Rig r(generated_shop(300));  // ~20 postings of today, half awaiting packaging
    r.cycle();  // the baseline
    auto w = r.watch();
    ASSERT_TRUE(w);
    std::vector<std::string> changed;
    for (const auto& [number, p] : w->all_items())
        if (p.status == "awaiting_packaging" && changed.size() < 3) changed.push_back(number);
    ASSERT_EQ(changed.size(), 3u) << "the scenario needs three postings awaiting packaging";
    for (const auto& n : changed) ASSERT_TRUE(r.sb.set_posting_status(n, "awaiting_deliver"));
    const std::size_t events_before = r.events().size();

    // The next answer has them with status null, status 5 and posting_number null.
    r.sb.inject_fault({"/v4/posting/fbs/list", sandbox::FaultKind::bad_status, 1});
    r.sb.advance(2min);
    r.cycle();
    EXPECT_EQ(r.scheduled().health.consecutive_failures, 0);  // skipped, not a failed poll
    for (const auto& [number, p] : w->all_items()) {
        EXPECT_FALSE(number.empty());
        EXPECT_TRUE(postings::is_plausible_status(p.status)) << number << " '" << p.status << "'";
    }
    auto all = r.events();
    for (std::size_t i = events_before; i < all.size(); ++i) {
        const Event& e = all[i];
        EXPECT_NE(e.type, "posting.new") << e.key;  // a skipped posting is not "new" again
        EXPECT_NE(e.key.back(), ':') << "a change to a null status: " << e.key;
        EXPECT_FALSE(e.key.size() > 2 && e.key.compare(e.key.size() - 2, 2, ":5") == 0)
            << "a change to a numeric status: " << e.key;
        if (auto st = e.details.find("status"); st != e.details.end()) {
            EXPECT_TRUE(st->is_string() && !st->get<std::string>().empty()) << e.key;
        }
    }

    // The answer is sane again: every real change is announced, once.
    r.sb.advance(2min);
    r.cycle();
    for (const auto& n : changed) {
        int announced = 0;
        for (const auto& e : r.events())
            if (e.key == "posting.status_changed:" + n + ":awaiting_deliver") ++announced;
        EXPECT_EQ(announced, 1) << n;
        EXPECT_EQ(w->all_items().at(n).status, "awaiting_deliver");
    }
}

TEST(PostingsPlausibility, AFullReReadThatComesBackEmptyIsNotAppliedAndNothingIsNewAgain) {
    Rig r(generated_shop(1000));
    r.cycle();  // the baseline: 1000 postings, ~200 of them still changing
    auto w = r.watch();
    ASSERT_TRUE(w);
    const std::size_t known = w->all_items().size();
    ASSERT_GE(known, 900u);

    // At the reconciliation every list answer is empty (a broken Ozon): the changeable ones
    // all look missing, too many to ask for by number, so the whole window is re-read, and
    // that comes back empty too.
    r.sb.inject_fault({"/v4/posting/fbs/list", sandbox::FaultKind::empty_list, 0});
    r.sb.advance(6h + 1min);
    r.cycle();
    EXPECT_EQ(w->all_items().size(), known);  // nothing forgotten
    EXPECT_EQ(r.scheduled().health.consecutive_failures, 1);  // a failed poll, retried
    EXPECT_NE(r.scheduled().health.last_error.find("full re-read returned 0 postings"), std::string::npos)
        << r.scheduled().health.last_error;
    EXPECT_EQ(r.store.load_snapshot(r.cfg.accounts[0].name, "postings").size(), known);

    r.sb.clear_faults();
    r.sb.advance(1min);
    r.cycle();
    EXPECT_EQ(r.scheduled().health.consecutive_failures, 0);
    // Only what left the 14-day window in these 6 hours (delivered or cancelled) is forgotten.
    EXPECT_GE(w->all_items().size(), known - known / 50);
    for (const auto& e : r.events()) EXPECT_NE(e.type, "posting.new") << e.key;
}
