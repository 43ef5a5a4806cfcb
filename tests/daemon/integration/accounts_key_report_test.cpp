// Issue 14's engine-wide parts through the whole daemon against the sandbox: the API key's
// health per account (expiry thresholds, a missing role named), two accounts with different
// data in one daemon (their own conditions, their own source health, every message names its
// account), and the morning report on a quiet day and on a busy one.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::Daemon;
using ozw::test::sandbox_config;
using ozw::test::scenario_path;
using ozw::test::TempDir;

namespace {

std::vector<Event> firing(Store& store, const std::string& account, const std::string& type_prefix = {}) {
    std::vector<Event> out;
    for (const auto& c : store.active_conditions(account))
        if (c.event.type.rfind(type_prefix, 0) == 0) out.push_back(c.event);
    return out;
}

std::vector<std::string> types_of(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    std::sort(out.begin(), out.end());
    return out;
}

std::string joined(const nlohmann::json& lines) {
    std::string out;
    for (const auto& l : lines) out += l.get<std::string>() + "\n";
    return out;
}

}  // namespace

TEST(ApiKeySandbox, ExpiryAndMissingRolesAreToldPerAccount) {
    // test-basic.yaml: main expires in 10 days (Admin), account4 has only "Posting FBS",
    // account5 expires in an hour, account3's key is deactivated.
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-basic.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), /*telegram=*/true);
    for (const char* other : {"finance", "stocks", "reviews", "chats"}) edit_settings_base(cfg, other).enabled = false;
    edit_settings_base(cfg, "api_key").interval = 24h;  // its default (demo_config polls all every 10 min)
    ASSERT_EQ(cfg.accounts.size(), 5u);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    d.cycle();

    const auto main_key = firing(d.store, "main", "source.key");
    ASSERT_EQ(types_of(main_key), std::vector<std::string>{"source.key_expiring"});
    EXPECT_EQ(main_key[0].severity, Severity::warning);
    EXPECT_EQ(main_key[0].details["days_left"], 10);  // +10d from the scenario's start, polled at the start
    EXPECT_TRUE(firing(d.store, "main", "source.role_missing").empty());

    const auto postonly = firing(d.store, "account4", "source.role_missing");
    ASSERT_EQ(postonly.size(), 1u);
    EXPECT_EQ(postonly[0].details["roles_to_add"], nlohmann::json::array({"Returns"}));
    std::vector<std::string> methods;
    for (const auto& m : postonly[0].details["missing"]) methods.push_back(m["method"]);
    EXPECT_EQ(methods, (std::vector<std::string>{"/v1/returns/list", "/v2/returns/rfbs/list",
                                                 "/v2/returns/rfbs/get", "/v1/returns/company/fbs/info"}));
    EXPECT_TRUE(firing(d.store, "account4", "source.key").empty()) << "its key lives 90 days";

    EXPECT_EQ(types_of(firing(d.store, "account5", "source.key")), std::vector<std::string>{"source.key_expiring_urgent"});
    // A deactivated key: the engine's source.auth_failed, and the key check adds nothing.
    EXPECT_EQ(types_of(firing(d.store, "account3", "source.")), std::vector<std::string>{"source.auth_failed"});

    // Each reached Telegram once, and every message names its account.
    EXPECT_EQ(ozw::test::headings(sb, "API-ключ Ozon скоро истечёт"), 1);
    EXPECT_EQ(ozw::test::headings(sb, "API-ключ Ozon истекает — мониторинг вот-вот ослепнет"), 1);
    EXPECT_EQ(ozw::test::headings(sb, "У API-ключа не хватает ролей"), 1);
    for (const auto& m : ozw::test::sent_messages(sb)) EXPECT_NE(m.text.find("Аккаунт: "), std::string::npos) << m.text;

    // The report's health section says it for the account.
    const auto reports = d.runtime.reports();
    const auto& r4 = reports.at(3);
    ASSERT_EQ(r4.account, "account4");
    const std::string lines = [&] {
        std::string s;
        for (const auto& l : report_lines(r4, d.runtime.report_options())) s += l + "\n";
        return s;
    }();
    EXPECT_NE(lines.find("нет доступа к: /v1/returns/list (Returns)"), std::string::npos) << lines;

    // A day later the check runs again (once a day): one /v1/roles call per account.
    const auto roles_calls = [&] {
        int n = 0;
        for (const auto& r : ozw::test::ozon_requests(sb))
            if (r.path == "/v1/roles") ++n;
        return n;
    };
    EXPECT_EQ(roles_calls(), 5);
    sb.advance(12h);
    d.cycle();
    EXPECT_EQ(roles_calls(), 5) << "not before a day has passed";
    sb.advance(12h + 1min);
    d.cycle();
    EXPECT_EQ(roles_calls(), 10);
}

TEST(TwoAccounts, EachHasItsOwnDataConditionsAndSourceHealth) {
    // Two shops on two sandboxes: the second has the first's postings minus those in dispute.
    sandbox::Scenario sc_a = sandbox::load_scenario_file(scenario_path("demo.yaml"));
    sc_a.accounts.resize(1);
    sandbox::Scenario sc_b = sc_a;
    std::erase_if(sc_b.postings, [](const sandbox::Posting& p) { return p.status.find("arbitration") != std::string::npos; });
    ASSERT_LT(sc_b.postings.size(), sc_a.postings.size());
    sandbox::Sandbox a(sc_a), b(sc_b);
    a.start();
    b.start();
    TempDir dir;
    Config cfg = sandbox_config(a, dir.path.string(), /*telegram=*/true);
    for (const char* other : {"returns", "finance", "stocks", "reviews", "chats", "api_key"})
        edit_settings_base(cfg, other).enabled = false;
    ASSERT_EQ(cfg.accounts.size(), 1u);
    AccountConfig second = cfg.accounts[0];
    second.name = "second";
    second.base_url = b.base_url();
    cfg.accounts.push_back(second);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), a);
    d.cycle();

    const auto disputed_a = firing(d.store, "main", "posting.arbitration");
    EXPECT_FALSE(disputed_a.empty());
    EXPECT_TRUE(firing(d.store, "second", "posting.arbitration").empty());
    for (const auto& e : firing(d.store, "second")) EXPECT_EQ(e.account, "second");
    // Each account's client asked its own server.
    EXPECT_FALSE(ozw::test::ozon_requests(a).empty());
    EXPECT_FALSE(ozw::test::ozon_requests(b).empty());

    // The second shop's key is refused: only its account's source fails.
    b.inject_fault({"/v*", sandbox::FaultKind::invalid_key, 0});
    a.advance(10min);
    d.cycle();
    EXPECT_EQ(types_of(firing(d.store, "second", "source.")), std::vector<std::string>{"source.auth_failed"});
    EXPECT_TRUE(firing(d.store, "main", "source.").empty());

    // Every Telegram message names its account: main's disputes, second's refused key.
    int named_main = 0, named_second = 0;
    for (const auto& m : ozw::test::sent_messages(a)) {
        if (m.text.find("Аккаунт: main") != std::string::npos) ++named_main;
        if (m.text.find("Аккаунт: second") != std::string::npos) ++named_second;
        EXPECT_TRUE(m.text.find("Аккаунт: ") != std::string::npos) << m.text;
    }
    EXPECT_GT(named_main, 0);
    EXPECT_GT(named_second, 0);
    const auto reports = d.runtime.reports();
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_TRUE(reports[0].sections.at(0).checked);
    EXPECT_FALSE(reports[1].sections.at(0).checked);
    const std::string text = render_report(reports, a.now(), d.runtime.report_options());
    EXPECT_NE(text.find("Аккаунт: main"), std::string::npos);
    EXPECT_NE(text.find("Аккаунт: second"), std::string::npos);
    EXPECT_NE(text.find("Ozon Seller API: ошибки с"), std::string::npos) << text;
}

TEST(MorningReport, AQuietDaySaysAllIsWellWithWhatWasChecked) {
    // The shop with nothing to do: no postings, no returns, a key that lives long.
    sandbox::Scenario sc = sandbox::load_scenario_file(scenario_path("test-basic.yaml"));
    sc.accounts.resize(1);
    sc.accounts[0].key_expires_at = sc.start + 60 * 24h;
    sc.postings.clear();
    sc.returns.clear();
    sc.rfbs_returns.clear();
    sc.chats.clear();
    sc.accruals.clear();  // a delivered posting would wait for its accrual
    sandbox::Sandbox sb(sc);
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), /*telegram=*/true);
    edit_settings_base(cfg, "stocks").enabled = false;  // its own test (test-stocks.yaml)
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    d.cycle();
    ASSERT_TRUE(d.store.active_conditions("main").empty()) << d.store.active_conditions("main").at(0).event.key;
    const auto sections = d.runtime.reports().at(0).sections.size();
    EXPECT_GE(sections, 3u);  // postings, finance, returns (and reviews, chats)
    const auto recorded = d.runtime.record_daily_report(sb.now());
    ASSERT_EQ(recorded.size(), 1u);
    const std::string text = joined(recorded[0].details["lines"]);
    const std::string n = std::to_string(sections);
    EXPECT_NE(text.find("Требует внимания: ничего, всё в порядке (проверено разделов: " + n + " из " + n +
                        ", активных проблем: 0)."),
              std::string::npos) << text;
    EXPECT_NE(text.find("Источники:"), std::string::npos);
    EXPECT_NE(text.find("Ozon Seller API: отвечает (последний успешный опрос " +
                        TimeZone("Europe/Moscow").format_local(sb.now()) + ")"),
              std::string::npos) << text;
    EXPECT_NE(text.find("API-ключ Ozon: действует до"), std::string::npos);
    d.cycle();  // the dispatcher sends it even so: silence must mean the daemon is down
    EXPECT_EQ(ozw::test::headings(sb, "Утренний отчёт"), 1);
}

TEST(MorningReport, ABusyDayFollowsTheChecklistOrderAndCountsWhatNeedsAttention) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), /*telegram=*/false);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    d.cycle();
    const auto reports = d.runtime.reports();
    ASSERT_EQ(reports.size(), 1u);
    const std::string text = render_report(reports, sb.now(), d.runtime.report_options());
    // The seed's order: stocks, shipments, accruals, returns, then the sources' health.
    std::vector<std::size_t> at;
    for (const char* heading : {"Остатки:", "Отправления FBS", "Начисления и выплаты:", "Возвраты:", "Источники:",
                                "Требует внимания ("})
        at.push_back(text.find(heading));
    for (std::size_t i = 0; i < at.size(); ++i) ASSERT_NE(at[i], std::string::npos) << i << "\n" << text;
    EXPECT_TRUE(std::is_sorted(at.begin(), at.end())) << text;
    std::size_t critical = 0;
    for (const auto& e : reports[0].firing)
        if (e.severity == Severity::critical) ++critical;
    EXPECT_GT(critical, 0u);
    const std::string n = std::to_string(reports[0].sections.size());
    EXPECT_GE(reports[0].sections.size(), 4u);
    EXPECT_NE(text.find("Требует внимания (" + std::to_string(reports[0].firing.size()) + ", из них критично " +
                        std::to_string(critical) + "; проверено разделов: " + n + " из " + n + "):"),
              std::string::npos) << text;
    EXPECT_NE(text.find("InSales: в порядке"), std::string::npos) << text;
    EXPECT_NE(text.find("1С: в порядке"), std::string::npos) << text;
}

TEST(ApiKeySandbox, EveryOzonMethodTheWatchesCallIsDeclaredByTheirModule) {
    // The key check names a missing role only for what modules declare (ozon_methods()): a
    // method a watch calls without declaring it would be missed. Half a demo day, every watch.
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), /*telegram=*/false);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    std::set<std::string> declared = {"/v1/roles"};  // every key may call it
    for (const auto* m : watch_modules().all())
        for (const auto& method : m->ozon_methods()) declared.insert(method);
    std::set<std::string> called;
    for (int i = 0; i < 36; ++i) {
        d.cycle();
        for (const auto& r : ozw::test::ozon_requests(sb)) called.insert(r.path);
        sb.clear_logs();
        sb.advance(20min);
    }
    for (const auto& path : called) EXPECT_TRUE(declared.count(path)) << path << " is called but not declared";
    EXPECT_GE(called.size(), 10u);  // the walk really reached the watches' methods
}
