// Telegram Bot API and InSales emulation, TLS serving, the virtual clock with timed events on
// the demo scenario.
#include <gtest/gtest.h>

#include "common/time.hpp"
#include "tests/sandbox/integration/sandbox_test_client.hpp"

using namespace ozw;
using namespace ozw::sandbox;
using namespace ozw::sandbox::test;
using nlohmann::json;

namespace {

struct Services : ::testing::Test {
    Sandbox sb{Sandbox::load_scenario(scenario_path("test-basic.yaml"))};
    void SetUp() override { sb.start(); }
    Reply tg(const std::string& method, const json& body, const std::string& token = "42:test-token") {
        Call c;
        c.target = "/bot" + token + "/" + method;
        c.body = body.dump();
        return http_call(sb.base_url(), c);
    }
    Reply insales(const std::string& target, const std::string& auth) {
        Call c;
        c.method = "GET";
        c.target = target;
        if (!auth.empty()) c.headers = {{"Authorization", auth}};
        return http_call(sb.base_url(), c);
    }
};

void expect_tg_error(const Reply& r, int code, const std::string& description) {
    EXPECT_EQ(r.status, code) << r.body;
    auto j = r.json();
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["error_code"], code);
    EXPECT_EQ(j["description"].get<std::string>().rfind(description, 0), 0u) << r.body;
}

std::string repeat_cyrillic(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "ж";
    return s;
}

}  // namespace

TEST_F(Services, TelegramSendMessageIsRecordedWithEveryField) {
    json markup = {{"inline_keyboard", {{{{"text", "Открыть"}, {"url", "https://seller.ozon.ru/"}}}}}};
    auto r = tg("sendMessage", {{"chat_id", 100}, {"text", "<b>Новый заказ</b> &lt;Аврора&gt;"}, {"parse_mode", "HTML"},
                                {"message_thread_id", 7}, {"disable_notification", true}, {"reply_markup", markup},
                                {"link_preview_options", {{"is_disabled", true}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = r.json();
    EXPECT_EQ(j["ok"], true);
    EXPECT_TRUE(j["result"]["message_id"].is_number_integer());
    auto msgs = sb.telegram_messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].method, "sendMessage");
    EXPECT_EQ(msgs[0].chat_id, "100");
    EXPECT_EQ(msgs[0].text, "<b>Новый заказ</b> &lt;Аврора&gt;");
    EXPECT_EQ(msgs[0].parse_mode, "HTML");
    EXPECT_EQ(msgs[0].message_thread_id, 7);
    EXPECT_TRUE(msgs[0].disable_notification);
    EXPECT_EQ(msgs[0].reply_markup, markup);
    EXPECT_TRUE(msgs[0].ok);
    EXPECT_EQ(msgs[0].virtual_time, sb.now());
    EXPECT_EQ(tg("sendMessage", {{"chat_id", "@shopchannel"}, {"text", "x"}}).status, 200);
}

TEST_F(Services, TelegramErrorsAreExactlyTheBotApis) {
    expect_tg_error(tg("sendMessage", {{"chat_id", 100}, {"text", "Платье <Аврора>"}, {"parse_mode", "HTML"}}), 400,
                    "Bad Request: can't parse entities: ");
    expect_tg_error(tg("sendMessage", {{"chat_id", 100}, {"text", "хлопок & лён"}, {"parse_mode", "HTML"}}), 400,
                    "Bad Request: can't parse entities: ");
    // Without parse_mode the same text is fine.
    EXPECT_EQ(tg("sendMessage", {{"chat_id", 100}, {"text", "Платье <Аврора> & лён"}}).status, 200);
    EXPECT_EQ(tg("sendMessage", {{"chat_id", 100}, {"text", repeat_cyrillic(4096)}}).status, 200);
    expect_tg_error(tg("sendMessage", {{"chat_id", 100}, {"text", repeat_cyrillic(4097)}}), 400,
                    "Bad Request: message is too long");
    // Length counts after entity parsing: tags do not count.
    EXPECT_EQ(tg("sendMessage", {{"chat_id", 100}, {"text", "<b>" + repeat_cyrillic(4096) + "</b>"}, {"parse_mode", "HTML"}}).status, 200);
    expect_tg_error(tg("sendMessage", {{"chat_id", 999}, {"text", "x"}}), 400, "Bad Request: chat not found");
    expect_tg_error(tg("sendMessage", {{"chat_id", 200}, {"text", "x"}}), 403, "Forbidden: bot was blocked by the user");
    expect_tg_error(tg("sendMessage", {{"chat_id", 100}, {"text", "x"}}, "1:bad"), 401,
                    "Unauthorized: invalid token specified");
    auto r = tg("sendMessage", {{"chat_id", -300}, {"text", "x"}});
    expect_tg_error(r, 400, "Bad Request: group chat was upgraded to a supergroup chat");
    EXPECT_EQ(r.json()["parameters"]["migrate_to_chat_id"], -1000000000300LL);

    sb.inject_fault({"/bot*/sendMessage", FaultKind::rate_limit, 1, 5});
    r = tg("sendMessage", {{"chat_id", 100}, {"text", "x"}});
    expect_tg_error(r, 429, "Too Many Requests: retry after 5");
    EXPECT_EQ(r.json()["parameters"]["retry_after"], 5);
    EXPECT_EQ(r.header("retry-after"), "5");
    FaultSpec e5{"/bot*", FaultKind::server_error};
    e5.status = 502;
    sb.inject_fault(e5);
    EXPECT_EQ(tg("sendMessage", {{"chat_id", 100}, {"text", "x"}}).status, 502);

    auto msgs = sb.telegram_messages();
    ASSERT_GE(msgs.size(), 10u);
    EXPECT_FALSE(msgs[0].ok);
    EXPECT_EQ(msgs[0].error_code, 400);
    // The request log never shows the bot token.
    for (const auto& l : sb.request_log()) EXPECT_EQ(l.path.find("test-token"), std::string::npos);
}

TEST_F(Services, TelegramMediaGroupAndGetUpdates) {
    json media = json::array();
    for (int i = 0; i < 3; ++i)
        media.push_back({{"type", "photo"}, {"media", "https://example.invalid/" + std::to_string(i) + ".jpg"}});
    media[0]["caption"] = "<b>Возврат</b>";
    media[0]["parse_mode"] = "HTML";
    auto r = tg("sendMediaGroup", {{"chat_id", 100}, {"media", media}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["result"].size(), 3u);
    expect_tg_error(tg("sendMediaGroup", {{"chat_id", 100}, {"media", json::array({media[0]})}}), 400, "Bad Request");
    r = tg("getUpdates", {{"offset", 0}, {"timeout", 0}});
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.json()["result"].is_array());
    auto msgs = sb.telegram_messages();
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[0].method, "sendMediaGroup");
    EXPECT_EQ(msgs[0].text, "<b>Возврат</b>");
}

TEST_F(Services, TelegramSendPhotoRecordsCaptionAndUrl) {
    auto r = tg("sendPhoto", {{"chat_id", 100}, {"photo", "https://cdn.ozon.ru/rp/1.jpg"},
                              {"caption", "<b>Возврат</b> &lt;S&gt;"}, {"parse_mode", "HTML"},
                              {"message_thread_id", 7}, {"disable_notification", true}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()["result"]["message_id"].is_number_integer());
    EXPECT_TRUE(r.json()["result"]["photo"].is_array());
    auto msgs = sb.telegram_messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].method, "sendPhoto");
    EXPECT_TRUE(msgs[0].ok);
    EXPECT_EQ(msgs[0].text, "<b>Возврат</b> &lt;S&gt;");
    EXPECT_EQ(msgs[0].parse_mode, "HTML");
    EXPECT_EQ(msgs[0].media, std::vector<std::string>{"https://cdn.ozon.ru/rp/1.jpg"});
    EXPECT_EQ(msgs[0].message_thread_id, 7);
    EXPECT_TRUE(msgs[0].disable_notification);
    // Without a caption it is fine too.
    EXPECT_EQ(tg("sendPhoto", {{"chat_id", 100}, {"photo", "https://cdn.ozon.ru/rp/2.jpg"}}).status, 200);

    // The caption is checked like a media group's: HTML parsed, at most 1024 visible characters.
    expect_tg_error(tg("sendPhoto", {{"chat_id", 100}, {"photo", "https://x/1.jpg"}, {"caption", "a & b"},
                                     {"parse_mode", "HTML"}}),
                    400, "Bad Request: can't parse entities: ");
    EXPECT_EQ(tg("sendPhoto", {{"chat_id", 100}, {"photo", "https://x/1.jpg"},
                               {"caption", "<b>" + repeat_cyrillic(1024) + "</b>"}, {"parse_mode", "HTML"}}).status,
              200);
    expect_tg_error(tg("sendPhoto", {{"chat_id", 100}, {"photo", "https://x/1.jpg"}, {"caption", repeat_cyrillic(1025)}}),
                    400, "Bad Request: message caption is too long");
    expect_tg_error(tg("sendPhoto", {{"chat_id", 100}, {"caption", "x"}}), 400, "Bad Request: there is no photo");
    expect_tg_error(tg("sendPhoto", {{"chat_id", 100}, {"photo", 5}}), 400, "Bad Request: there is no photo");
    expect_tg_error(tg("sendPhoto", {{"chat_id", 200}, {"photo", "https://x/1.jpg"}}), 403,
                    "Forbidden: bot was blocked by the user");
}

TEST_F(Services, TelegramRefusesUnreachablePhotoUrls) {
    expect_tg_error(tg("sendPhoto", {{"chat_id", 100}, {"photo", "https://unreachable.example/1.jpg"}}), 400,
                    "Bad Request: failed to get HTTP URL content");
    json media = {{{"type", "photo"}, {"media", "https://cdn.ozon.ru/rp/1.jpg"}, {"caption", "x"}},
                  {{"type", "photo"}, {"media", "https://cdn.ozon.ru/rp/unreachable-2.jpg"}}};
    expect_tg_error(tg("sendMediaGroup", {{"chat_id", 100}, {"media", media}}), 400,
                    "Bad Request: failed to get HTTP URL content");
    media[1]["media"] = "https://cdn.ozon.ru/rp/2.jpg";
    EXPECT_EQ(tg("sendMediaGroup", {{"chat_id", 100}, {"media", media}}).status, 200);
    auto msgs = sb.telegram_messages();
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[0].description, "Bad Request: failed to get HTTP URL content");
    EXPECT_EQ(msgs[0].media, std::vector<std::string>{"https://unreachable.example/1.jpg"});
    // A media group records every item's URL, in order.
    EXPECT_EQ(msgs[2].media, (std::vector<std::string>{"https://cdn.ozon.ru/rp/1.jpg", "https://cdn.ozon.ru/rp/2.jpg"}));
    // Media without a type is refused.
    media[1].erase("type");
    expect_tg_error(tg("sendMediaGroup", {{"chat_id", 100}, {"media", media}}), 400, "Bad Request: can't parse InputMedia");
    // The admin API shows the URLs too.
    Call c;
    c.method = "GET";
    c.target = "/__sandbox/telegram/messages";
    auto list = http_call(sb.base_url(), c).json()["messages"];
    ASSERT_GE(list.size(), 3u);
    EXPECT_EQ(list[2]["media"], json({"https://cdn.ozon.ru/rp/1.jpg", "https://cdn.ozon.ru/rp/2.jpg"}));
}

TEST_F(Services, InsalesBasicAuthPagesAndUsageHeader) {
    const std::string good = "Basic c2hvcC1hcHA6c2VjcmV0";  // shop-app:secret
    auto r = insales("/admin/products.json", "");
    EXPECT_EQ(r.status, 401);
    r = insales("/admin/products.json", "Basic d3Jvbmc6d3Jvbmc=");
    EXPECT_EQ(r.status, 401);
    r = insales("/admin/products.json?page=1&per_page=5", good);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("api-usage-limit"), "3/500");  // failed logins count too
    auto j = r.json();
    ASSERT_TRUE(j.is_array());
    ASSERT_EQ(j.size(), 5u);
    const auto& v = j[0]["variants"][0];
    EXPECT_EQ(v["sku"], "A-1");
    EXPECT_EQ(v["quantity"], 7);
    EXPECT_EQ(v["quantity_at_warehouse0"], "7.0");
    EXPECT_TRUE(v["price"].is_string());
    EXPECT_TRUE(v["id"].is_number_integer());
    r = insales("/admin/products.json?page=2&per_page=5", good);
    EXPECT_EQ(r.json().size(), 1u);
    r = insales("/admin/products.json?page=3&per_page=5", good);
    EXPECT_TRUE(r.json().empty());
    r = insales("/admin/products/count.json", good);
    EXPECT_EQ(r.json()["count"], 6);
    EXPECT_TRUE(sb.set_insales_quantity("A-1", 2));
    EXPECT_EQ(insales("/admin/products.json", good).json()[0]["variants"][0]["quantity_at_warehouse0"], "2.0");

    sb.inject_fault({"/admin/products.json", FaultKind::rate_limit, 1, 30});
    r = insales("/admin/products.json", good);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "30");
    EXPECT_TRUE(r.body.empty());
}

TEST_F(Services, InsalesOverFiveHundredPerFiveMinutesIs429) {
    sb.mutate([](Scenario& s) { s.insales->api_usage = 0; });
    const std::string good = "Basic c2hvcC1hcHA6c2VjcmV0";
    Reply r;
    for (int i = 0; i < 500; ++i) {
        Call c;
        c.method = "GET";
        c.target = "/admin/products/count.json";
        c.headers = {{"Authorization", good}};
        r = http_call(sb.base_url(), c);
    }
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("api-usage-limit"), "500/500");
    r = insales("/admin/products/count.json", good);
    EXPECT_EQ(r.status, 429);
    EXPECT_FALSE(r.header("retry-after").empty());
    sb.advance(std::chrono::minutes(5));
    EXPECT_EQ(insales("/admin/products/count.json", good).status, 200);
}

TEST(SandboxTls, ServesHttpsWithTheGivenCertificate) {
    TempDir dir;
    const auto cert = (dir.path / "cert.pem").string(), key = (dir.path / "key.pem").string();
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                      "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
                      key + " -out " + cert + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    Sandbox sb(Sandbox::load_scenario(scenario_path("test-basic.yaml")));
    sb.start("127.0.0.1:0", TlsFiles{cert, key});
    EXPECT_EQ(sb.base_url().rfind("https://127.0.0.1:", 0), 0u);
    Call c;
    c.target = "/v1/roles";
    c.headers = {{"Client-Id", "demo"}, {"Api-Key", "demo-key"}};
    c.ca_file = cert;
    auto r = http_call(sb.base_url(), c);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["expires_at"], "2026-12-06T04:00:00.000Z");
}

TEST(SandboxTls, MissingCertificateFailsToStart) {
    Sandbox sb(Sandbox::load_scenario(scenario_path("test-basic.yaml")));
    EXPECT_THROW(sb.start("127.0.0.1:0", TlsFiles{"/nonexistent/cert.pem", "/nonexistent/key.pem"}), std::runtime_error);
}

TEST(SandboxDemo, TheDayUnfoldsOnTheVirtualClock) {
    Sandbox sb(Sandbox::load_scenario(scenario_path("demo.yaml")));
    sb.start();
    auto list = [&] {
        return ozon(sb, "/v4/posting/fbs/list",
                    json{{"filter", {{"since", "2026-11-01T00:00:00Z"}, {"to", "2026-11-27T00:00:00Z"}}}, {"limit", 100}})
            .json()["postings"];
    };
    auto find = [](const json& postings, const std::string& number) -> json {
        for (const auto& p : postings)
            if (p["posting_number"] == number) return p;
        return nullptr;
    };
    auto before = list();
    EXPECT_TRUE(find(before, "0127001121-0001-1").is_null());
    EXPECT_EQ(find(before, "0127001020-0001-1")["status"], "awaiting_packaging");

    sb.advance(std::chrono::hours(3));
    auto after3 = list();
    ASSERT_FALSE(find(after3, "0127001121-0001-1").is_null());  // new order at 10:00 MSK

    sb.advance(std::chrono::hours(2));  // 12:00 MSK: the customer cancels
    auto p = find(list(), "0127001020-0001-1");
    EXPECT_EQ(p["status"], "cancelled");
    EXPECT_EQ(p["cancellation"]["cancellation_initiator"], "Покупатель");

    sb.set_time(*parse_iso8601("2026-11-26T14:30:00Z"));  // after the 17:00 MSK hand-over
    auto late = find(list(), "0127000905-0001-1");
    EXPECT_EQ(late["status"], "awaiting_deliver");
    EXPECT_EQ(late["shipment_date"], "2026-11-26T14:00:00.000Z");
    EXPECT_EQ(find(list(), "0127000906-0001-1")["status"], "delivering");

    // Requests are logged with the virtual time they arrived at, in real order.
    auto log = sb.request_log();
    ASSERT_GE(log.size(), 5u);
    EXPECT_EQ(log.front().virtual_time, *parse_iso8601("2026-11-26T04:00:00Z"));
    EXPECT_EQ(log.back().virtual_time, *parse_iso8601("2026-11-26T14:30:00Z"));
    for (std::size_t i = 1; i < log.size(); ++i) EXPECT_EQ(log[i].seq, log[i - 1].seq + 1);

    // Demo facts the watches rely on.
    auto roles = ozon(sb, "/v1/roles", std::string()).json();
    EXPECT_EQ(roles["expires_at"], "2026-12-06T04:00:00.000Z");
    auto stocks = ozon(sb, "/v4/product/info/stocks", json{{"filter", json::object()}, {"limit", 1000}}).json();
    bool thousand = false;
    for (const auto& it : stocks["items"])
        for (const auto& st : it["stocks"]) thousand |= st["present"] == 1000;
    EXPECT_TRUE(thousand);
    auto acc = ozon(sb, "/v1/finance/accrual/postings",
                    json{{"posting_numbers", {"0122000514-0001-1", "0122000515-0001-1"}}}).json();
    ASSERT_EQ(acc["posting_accruals"].size(), 1u);  // 0122000515 delivered 4 days ago, no accrual
    auto rfbs = ozon(sb, "/v2/returns/rfbs/get", json{{"return_id", 8000000101}}).json();
    EXPECT_FALSE(rfbs["returns"]["comment"].get<std::string>().empty());
    EXPECT_EQ(rfbs["returns"]["client_photo"].size(), 2u);  // one request, two photos
    auto reviews = ozon(sb, "/v2/review/list", json{{"limit", 20}, {"filters", {{"status", "NEW"}}}}).json();
    bool two_stars = false;
    for (const auto& r : reviews["reviews"]) two_stars |= r["rating"] == 2;
    EXPECT_TRUE(two_stars);
}
