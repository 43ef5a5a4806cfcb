// The API key check's pure half: the expiry thresholds (warning 14 days before, critical 2 days
// before and once expired, one condition key through the escalation), which methods a key's
// roles cover (by prefix, at a path boundary; Admin covers all) and the role named to add.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/watches/api_key/evaluate.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::api_key;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

const TimePoint kNow = at("2026-11-26T06:00:00Z");

EvalContext context(std::vector<NeededMethod> needed = {}) { return {"main", ApiKeySettings{}, std::move(needed)}; }

KeyState admin_key_expiring_in(Millis left) {
    KeyState s;
    s.expires_at = kNow + left;
    s.roles = {{"Admin", {"/v1/actions"}}};
    return s;
}

std::vector<std::string> types(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
}

}  // namespace

TEST(ApiKeyEvaluate, ExpiryWarnsFourteenDaysBeforeAndTurnsCriticalTwoDaysBefore) {
    const auto ctx = context();
    EXPECT_TRUE(evaluate_key(admin_key_expiring_in(14 * 24h + 1min), kNow, ctx).empty());
    EXPECT_EQ(types(evaluate_key(admin_key_expiring_in(14 * 24h), kNow, ctx)),
              std::vector<std::string>{"source.key_expiring"});
    EXPECT_EQ(types(evaluate_key(admin_key_expiring_in(2 * 24h + 1min), kNow, ctx)),
              std::vector<std::string>{"source.key_expiring"});
    const auto urgent = evaluate_key(admin_key_expiring_in(2 * 24h), kNow, ctx);
    ASSERT_EQ(types(urgent), std::vector<std::string>{"source.key_expiring_urgent"});
    EXPECT_EQ(urgent[0].severity, Severity::critical);
    EXPECT_EQ(urgent[0].details["days_left"], 2);
    EXPECT_EQ(urgent[0].details["expired"], false);
    const auto warning = evaluate_key(admin_key_expiring_in(10 * 24h + 5h), kNow, ctx);
    ASSERT_EQ(warning.size(), 1u);
    EXPECT_EQ(warning[0].severity, Severity::warning);
    EXPECT_EQ(warning[0].details["days_left"], 10);
    EXPECT_EQ(warning[0].details["expires_at"], "2026-12-06T11:00:00Z");
    // One condition that escalates: the same key at both steps.
    EXPECT_EQ(warning[0].key, urgent[0].key);
    EXPECT_EQ(warning[0].key, "source.key_expiring:main");
}

TEST(ApiKeyEvaluate, AnExpiredKeyIsCriticalAndAKeyWithoutExpiryRaisesNothing) {
    const auto expired = evaluate_key(admin_key_expiring_in(-3h), kNow, context());
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].type, "source.key_expiring_urgent");
    EXPECT_EQ(expired[0].details["expired"], true);
    EXPECT_FALSE(expired[0].details.contains("days_left"));
    KeyState no_expiry;
    no_expiry.roles = {{"Admin", {}}};
    EXPECT_TRUE(evaluate_key(no_expiry, kNow, context()).empty());
}

TEST(ApiKeyEvaluate, RoleMethodsCoverByPrefixAtAPathBoundary) {
    const std::vector<KeyRole> roles = {{"Posting FBS", {"/v1/posting", "/v4/posting/fbs/"}}, {"Chat", {"/v3/chat/list"}}};
    EXPECT_TRUE(covers(roles, "/v1/posting"));
    EXPECT_TRUE(covers(roles, "/v1/posting/fbs/get"));
    EXPECT_FALSE(covers(roles, "/v1/postings"));
    EXPECT_TRUE(covers(roles, "/v4/posting/fbs/list"));
    EXPECT_TRUE(covers(roles, "/v3/chat/list"));
    EXPECT_FALSE(covers(roles, "/v3/chat/list2"));
    EXPECT_FALSE(covers(roles, "/v2/review/list"));
    EXPECT_TRUE(covers({{"Admin", {"/v1/actions"}}}, "/v2/review/list"));
    EXPECT_FALSE(covers({}, "/v4/posting/fbs/list"));
}

TEST(ApiKeyEvaluate, AMissingRoleIsNamedWithTheWatchesThatNeedIt) {
    const auto ctx = context({{"отправления", "/v4/posting/fbs/list"},
                              {"отзывы", "/v2/review/list"},
                              {"возвраты", "/v1/returns/list"},
                              {"возвраты", "/v2/returns/rfbs/list"},
                              {"новое", "/v9/unknown/method"}});
    KeyState s;
    s.expires_at = kNow + 60 * 24h;
    s.roles = {{"Posting FBS", {"/v4/posting/fbs/"}}};
    const auto events = evaluate_key(s, kNow, ctx);
    ASSERT_EQ(types(events), std::vector<std::string>{"source.role_missing"});
    const auto& d = events[0].details;
    EXPECT_EQ(events[0].severity, Severity::warning);
    EXPECT_EQ(d["roles_to_add"], nlohmann::json({"Reviews", "Returns"}));
    ASSERT_EQ(d["missing"].size(), 4u);
    EXPECT_EQ(d["missing"][0], nlohmann::json({{"watch", "отзывы"}, {"method", "/v2/review/list"}, {"role", "Reviews"}}));
    EXPECT_EQ(d["missing"][3], nlohmann::json({{"watch", "новое"}, {"method", "/v9/unknown/method"}}));
    s.roles.push_back({"Returns", {"/v1/returns/list", "/v2/returns/"}});
    s.roles.push_back({"Reviews", {"/v2/review/"}});
    s.roles.push_back({"Custom", {"/v9/unknown/method"}});
    EXPECT_TRUE(evaluate_key(s, kNow, ctx).empty());
}

TEST(ApiKeyEvaluate, TheStateRoundTripsThroughItsStoredForm) {
    KeyState s;
    s.expires_at = at("2027-02-01T00:00:00Z");
    s.roles = {{"Posting FBS", {"/v4/posting/fbs/", "/v3/posting/fbs/get"}}, {"Chat", {}}};
    const KeyState back = KeyState::from_json(nlohmann::json::parse(s.to_json().dump()));
    EXPECT_EQ(back.fingerprint(), s.fingerprint());
    ASSERT_EQ(back.roles.size(), 2u);
    EXPECT_EQ(back.roles[0].methods.at(1), "/v3/posting/fbs/get");
    EXPECT_EQ(back.expires_at, s.expires_at);
    EXPECT_FALSE(KeyState::from_json(nlohmann::json::object()).expires_at.has_value());
}

TEST(ApiKeyEvaluate, TheReportLineSaysUntilWhenAndWhatIsMissing) {
    const auto ctx = context({{"отзывы", "/v2/review/list"}});
    KeyState s;
    s.expires_at = at("2026-12-06T11:00:00Z");
    s.roles = {{"Admin", {}}};
    EXPECT_EQ(key_report_lines(s, kNow, ctx, true, "Europe/Moscow"),
              std::vector<std::string>{"API-ключ Ozon: действует до 06.12.2026 (ещё 10 дн.); роли: все нужные есть"});
    s.roles = {};
    EXPECT_EQ(key_report_lines(s, kNow, ctx, false, "Europe/Moscow"),
              std::vector<std::string>{"Ozon API key: valid until 06.12.2026 (10 days left); no access to: /v2/review/list (Reviews)"});
    EXPECT_EQ(key_report_lines(std::nullopt, kNow, ctx, true, "Europe/Moscow"),
              std::vector<std::string>{"API-ключ Ozon: ещё не проверен"});
}
