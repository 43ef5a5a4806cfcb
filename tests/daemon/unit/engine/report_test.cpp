// The morning report's verdict: "all is well" only when every section was checked and nothing
// fires, with what was checked; otherwise how many conditions fire (critical ones counted) or
// which sections could not be checked. And the sources' health section after the sections.
#include <gtest/gtest.h>

#include "daemon/engine/report.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;

namespace {

AccountReport quiet_account() {
    AccountReport r;
    r.account = "main";
    for (const char* title : {"Остатки", "Отправления FBS", "Возвраты"}) {
        WatchReport s;
        s.title = title;
        s.lines = {std::string(title) + ":"};
        r.sections.push_back(s);
    }
    r.health = {"Ozon Seller API: отвечает", "InSales: в порядке"};
    return r;
}

Event condition(Severity s, const char* key) {
    Event e;
    e.type = "posting.arbitration";
    e.kind = EventKind::condition;
    e.severity = s;
    e.account = "main";
    e.key = key;
    return e;
}

}  // namespace

TEST(ReportVerdict, AQuietDayIsAllIsWellWithTheCounts) {
    ReportOptions o;
    EXPECT_EQ(verdict_line(quiet_account(), o),
              "Требует внимания: ничего, всё в порядке (проверено разделов: 3 из 3, активных проблем: 0).");
    o.language = "en";
    EXPECT_EQ(verdict_line(quiet_account(), o),
              "Needs attention: nothing, all is well (sections checked: 3 of 3, active problems: 0).");
}

TEST(ReportVerdict, FiringConditionsAreCountedWithTheCriticalOnes) {
    AccountReport r = quiet_account();
    r.firing = {condition(Severity::critical, "a"), condition(Severity::warning, "b"), condition(Severity::critical, "c")};
    EXPECT_EQ(verdict_line(r, ReportOptions{}), "Требует внимания (3, из них критично 2; проверено разделов: 3 из 3):");
}

TEST(ReportVerdict, AnUncheckedSectionIsNeverAllIsWell) {
    AccountReport r = quiet_account();
    r.sections[1].checked = false;
    r.sections[1].error = "timeout";
    const std::string v = verdict_line(r, ReportOptions{});
    EXPECT_EQ(v.find("всё в порядке"), std::string::npos) << v;
    EXPECT_EQ(v, "Активных проблем нет, но проверено разделов только 2 из 3. Не проверено: Отправления FBS — смотрите "
                 "в кабинете сами.");
    r.firing = {condition(Severity::warning, "b")};
    EXPECT_EQ(verdict_line(r, ReportOptions{}),
              "Требует внимания (1, из них критично 0; проверено разделов: 2 из 3; не проверено: Отправления FBS):");
}

TEST(ReportVerdict, TheSourcesFollowTheSectionsAndTheEventEndsWithTheVerdict) {
    AccountReport r = quiet_account();
    const auto lines = report_lines(r, ReportOptions{});
    EXPECT_EQ(lines, (std::vector<std::string>{"Остатки:", "Отправления FBS:", "Возвраты:", "Источники:",
                                               "  Ozon Seller API: отвечает", "  InSales: в порядке"}));
    ReportOptions o;
    const Event e = make_report_event(r, ozw::test::at("2026-11-27T06:00:00Z"), o);
    EXPECT_EQ(e.key, "report.daily:main:2026-11-27");
    EXPECT_EQ(e.details["lines"].back(), verdict_line(r, o));
    EXPECT_EQ(e.details["count"], 0);
}
