// Ozon request validation and Telegram HTML rules, called directly (no network).
#include <gtest/gtest.h>

#include "common/ozon/retired.hpp"
#include "common/time.hpp"
#include "sandbox/internal.hpp"

using namespace ozw;
using namespace ozw::sandbox;
using namespace ozw::sandbox::detail;
using nlohmann::json;

namespace {

struct Fixture : ::testing::Test {
    Scenario s = load_scenario_file(std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/test-basic.yaml");
    ApiResult call(const std::string& path, const json& req) {
        return ozon_call(path, req, s, s.accounts[0], s.start);
    }
    void expect_400(const std::string& path, const json& req, const std::string& fragment) {
        auto r = call(path, req);
        EXPECT_EQ(r.status, 400) << path << " " << req.dump();
        EXPECT_EQ(r.body["code"], 3);
        EXPECT_TRUE(r.body["details"].is_array());
        EXPECT_NE(r.body["message"].get<std::string>().find(fragment), std::string::npos) << r.body.dump();
    }
};

json v4list(int limit, const std::string& since, const std::string& to) {
    return {{"filter", {{"since", since}, {"to", to}}}, {"limit", limit}};
}

}  // namespace

TEST_F(Fixture, PostingListLimitMustBe1To100) {
    expect_400("/v4/posting/fbs/list", v4list(0, "2026-11-01T00:00:00Z", "2026-11-27T00:00:00Z"), "limit");
    expect_400("/v4/posting/fbs/list", v4list(101, "2026-11-01T00:00:00Z", "2026-11-27T00:00:00Z"), "limit");
    EXPECT_EQ(call("/v4/posting/fbs/list", v4list(100, "2026-11-01T00:00:00Z", "2026-11-27T00:00:00Z")).status, 200);
}

TEST_F(Fixture, PostingListNeedsSinceAndToWithinAYear) {
    expect_400("/v4/posting/fbs/list", {{"filter", {{"to", "2026-11-27T00:00:00Z"}}}, {"limit", 10}}, "since");
    expect_400("/v4/posting/fbs/list", {{"limit", 10}}, "filter");
    expect_400("/v4/posting/fbs/list", v4list(10, "2025-11-01T00:00:00Z", "2026-11-27T00:00:00Z"), "one year");
    expect_400("/v4/posting/fbs/list", v4list(10, "2026-11-27T00:00:00Z", "2026-11-01T00:00:00Z"), "earlier");
    expect_400("/v4/posting/fbs/list", v4list(10, "yesterday", "2026-11-01T00:00:00Z"), "filter.since");
}

TEST_F(Fixture, PostingListFiltersByStatusAndLastChange) {
    auto req = v4list(100, "2026-11-01T00:00:00Z", "2026-11-27T00:00:00Z");
    req["filter"]["statuses"] = {"awaiting_deliver"};
    auto r = call("/v4/posting/fbs/list", req);
    ASSERT_EQ(r.body["postings"].size(), 1u);
    EXPECT_EQ(r.body["postings"][0]["posting_number"], "11111111-0001-1");
    req["filter"]["statuses"] = {"bogus"};
    expect_400("/v4/posting/fbs/list", req, "unknown status");
    req["filter"].erase("statuses");
    req["filter"]["last_changed_status_date"] = {{"from", "2026-11-22T00:00:00Z"}, {"to", "2026-11-24T00:00:00Z"}};
    r = call("/v4/posting/fbs/list", req);
    ASSERT_EQ(r.body["postings"].size(), 1u);
    EXPECT_EQ(r.body["postings"][0]["posting_number"], "22222222-0001-1");
}

TEST_F(Fixture, UnfulfilledRejectsCutoffWithDeliveringDate) {
    expect_400("/v4/posting/fbs/unfulfilled/list",
               {{"filter", {{"cutoff_from", "2026-11-26T00:00:00Z"}, {"delivering_date_from", "2026-11-26T00:00:00Z"}}}},
               "not both");
    auto r = call("/v4/posting/fbs/unfulfilled/list", json::object());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body["count"], 2);
}

TEST_F(Fixture, ReturnsAllowOneDateFilterAndLimitUpTo500) {
    json two = {{"limit", 10},
                {"filter", {{"logistic_return_date", {{"time_from", "2026-11-01T00:00:00Z"}}},
                            {"visual_status_change_moment", {{"time_from", "2026-11-01T00:00:00Z"}}}}}};
    expect_400("/v1/returns/list", two, "only one");
    expect_400("/v1/returns/list", {{"limit", 501}}, "limit");
    expect_400("/v1/returns/list", json::object(), "limit");
    auto r = call("/v1/returns/list", {{"limit", 500}, {"filter", {{"visual_status_name", "OnSellerApproval"}}}});
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.body["returns"].size(), 1u);
    EXPECT_EQ(r.body["returns"][0]["id"], 500);
}

TEST_F(Fixture, AccrualPostingsAtMost200Numbers) {
    json many = json::array();
    for (int i = 0; i < 201; ++i) many.push_back("n-" + std::to_string(i));
    expect_400("/v1/finance/accrual/postings", {{"posting_numbers", many}}, "200");
    expect_400("/v1/finance/accrual/postings", json::object(), "posting_numbers");
    auto r = call("/v1/finance/accrual/postings", {{"posting_numbers", {"22222222-0001-1", "11111111-0001-1"}}});
    ASSERT_EQ(r.body["posting_accruals"].size(), 1u);
    EXPECT_EQ(r.body["posting_accruals"][0]["accruals"][0]["accrued"]["amount"], "1390.00");
}

TEST_F(Fixture, AccrualByDayNeedsDateAndLastId) {
    expect_400("/v1/finance/accrual/by-day", {{"date", "26.11.2026"}, {"last_id", ""}}, "YYYY-MM-DD");
    expect_400("/v1/finance/accrual/by-day", {{"date", "2021-12-31"}, {"last_id", ""}}, "2022-01-01");
    expect_400("/v1/finance/accrual/by-day", {{"date", "2026-11-25"}}, "last_id");
    expect_400("/v1/finance/accrual/by-day", {{"date", "2026-11-25"}, {"last_id", "garbage"}}, "last_id");
    auto r = call("/v1/finance/accrual/by-day", {{"date", "2026-11-25"}, {"last_id", ""}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body["accruals"].size(), 1u);
}

TEST_F(Fixture, ReviewsLimit20To100AndSubscription) {
    expect_400("/v2/review/list", {{"limit", 19}}, "limit");
    expect_400("/v2/review/list", {{"limit", 101}}, "limit");
    EXPECT_EQ(call("/v2/review/list", {{"limit", 20}}).status, 200);
    auto r = ozon_call("/v2/review/list", {{"limit", 20}}, s, s.accounts[1], s.start);
    EXPECT_EQ(r.status, 403);
}

TEST_F(Fixture, StocksLimitAndFilterRequired) {
    expect_400("/v4/product/info/stocks", {{"limit", 10}}, "filter");
    expect_400("/v4/product/info/stocks", {{"limit", 1001}, {"filter", json::object()}}, "limit");
    auto r = call("/v4/product/info/stocks", {{"limit", 1000}, {"filter", json::object()}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body["total_items"], 2);
    EXPECT_FALSE(r.body.contains("total"));  // switched off on 2026-11-23
    EXPECT_EQ(r.body["items"][0]["stocks"][0]["type"], "fbs");
    EXPECT_EQ(r.body["items"][0]["stocks"][0]["present"], 7);
}

TEST_F(Fixture, ChatAndWarehouseLimits) {
    expect_400("/v3/chat/list", {{"limit", 101}}, "limit");
    expect_400("/v2/warehouse/list", {{"limit", 201}}, "limit");
    auto r = call("/v3/chat/list", {{"limit", 100}, {"filter", {{"unread_only", true}}}});
    ASSERT_EQ(r.body["chats"].size(), 1u);
    EXPECT_EQ(r.body["total_unread_count"], 3);
}

TEST_F(Fixture, RetiredMethodsAreKnown) {
    for (const char* p : {"/v3/posting/fbs/list", "/v3/posting/fbs/unfulfilled/list", "/v3/finance/transaction/list",
                          "/v3/finance/transaction/totals", "/v1/warehouse/list", "/v1/review/list"}) {
        EXPECT_TRUE(is_retired_method(p)) << p;
        EXPECT_FALSE(is_ozon_method(p)) << p;
    }
    // The sandbox reads the client's table: every entry, with its replacement, and no other path.
    for (const auto& m : ozw::ozon::retired_methods()) {
        EXPECT_TRUE(is_retired_method(m.path)) << m.path;
        EXPECT_FALSE(is_ozon_method(m.path)) << m.path;
        EXPECT_EQ(retired_replacement(m.path), m.replacement) << m.path;
    }
    EXPECT_FALSE(is_retired_method("/v4/posting/fbs/list"));
    EXPECT_EQ(retired_replacement("/v4/posting/fbs/list"), "");
}

TEST(TelegramHtml, AcceptsSupportedTagsAndEntities) {
    auto r = check_telegram_html("<b>Заказ</b> &lt;Аврора&gt; &amp; <a href=\"https://x.invalid/?a=1&amp;b=2\">ссылка</a>\n<i>x</i> &#169;");
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.text_length, utf8_length("Заказ <Аврора> & ссылка\nx ©"));
}

TEST(TelegramHtml, RejectsUnknownTagsAndBareSpecials) {
    EXPECT_FALSE(check_telegram_html("line<br>next").ok);
    EXPECT_NE(check_telegram_html("line<br>next").error.find("Unsupported start tag \"br\""), std::string::npos);
    EXPECT_EQ(check_telegram_html("Платье <Аврора>").error, "Unsupported start tag \"Аврора\" at byte offset 13");
    EXPECT_FALSE(check_telegram_html("a < b").ok);
    EXPECT_FALSE(check_telegram_html("хлопок & лён").ok);
    EXPECT_FALSE(check_telegram_html("<b>bold").ok);
    EXPECT_FALSE(check_telegram_html("<b>x</i>").ok);
    EXPECT_FALSE(check_telegram_html("x</b>").ok);
    EXPECT_TRUE(check_telegram_html("a > b").ok);
}

TEST(Util, GlobAndBase64) {
    EXPECT_TRUE(glob_match("*", "/v4/posting/fbs/list"));
    EXPECT_TRUE(glob_match("/v4/*", "/v4/posting/fbs/list"));
    EXPECT_TRUE(glob_match("/bot*/sendMessage", "/bot42:abc/sendMessage"));
    EXPECT_FALSE(glob_match("/bot*/sendMessage", "/bot42:abc/getUpdates"));
    EXPECT_FALSE(glob_match("/v4/posting/fbs/list", "/v4/posting/fbs/unfulfilled/list"));
    for (std::string s : {"", "a", "ab", "abc", "abcd", "{\"offset\":100}"})
        EXPECT_EQ(base64_decode(base64_encode(s)).value_or("X"), s);
    EXPECT_EQ(base64_encode("shop-app:secret"), "c2hvcC1hcHA6c2VjcmV0");
}
