// read_telegram_answer: what a Bot API answer means, whatever the server sends.
#include <gtest/gtest.h>

#include <limits>

#include "alerts/notifier.hpp"
#include "alerts/telegram.hpp"

using namespace ozw;
using namespace ozw::alerts;
using namespace std::chrono_literals;

TEST(TelegramAnswer, OkOnlyWhenOkIsTheBooleanTrue) {
    EXPECT_TRUE(read_telegram_answer(200, R"({"ok":true,"result":{}})", std::nullopt).ok);
    for (const char* body : {R"({"ok":"true"})", R"({"ok":1})", R"({"ok":null})", R"({"result":{}})",
                             R"({"ok":false,"error_code":400})", "[true]", "ok", ""}) {
        TelegramAnswer a;
        EXPECT_NO_THROW(a = read_telegram_answer(200, body, std::nullopt)) << body;
        EXPECT_FALSE(a.ok) << body;
    }
    EXPECT_FALSE(read_telegram_answer(200, "<html>", std::nullopt).json);
    EXPECT_TRUE(read_telegram_answer(200, R"({"ok":"true"})", std::nullopt).json);
}

TEST(TelegramAnswer, ErrorCodeAndDescriptionOnlyOfTheRightType) {
    auto a = read_telegram_answer(200, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked"})",
                                  std::nullopt);
    EXPECT_EQ(a.code, 403);
    EXPECT_EQ(a.description, "Forbidden: bot was blocked");
    auto b = read_telegram_answer(502, R"({"ok":false,"error_code":"429","description":7})", std::nullopt);
    EXPECT_EQ(b.code, 502);  // a string code is no code: the HTTP status stands
    EXPECT_EQ(b.description, "");
    auto c = read_telegram_answer(400, R"({"ok":false,"error_code":9223372036854775807})", std::nullopt);
    EXPECT_EQ(c.code, 400);  // out of any HTTP range
}

TEST(TelegramAnswer, RetryAfterIsClampedBetweenASecondAndAnHour) {
    auto wait = [](const std::string& v) {
        return read_telegram_answer(429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":)" + v + "}}",
                                    std::nullopt)
            .retry_after;
    };
    EXPECT_EQ(wait("7"), 7s);
    EXPECT_EQ(wait("1e15"), 1h);
    EXPECT_EQ(wait("9223372036854775807"), 1h);
    EXPECT_EQ(wait("18446744073709551615"), 1h);
    EXPECT_EQ(wait("1e400"), std::nullopt);  // no JSON number can hold it: the body is unreadable
    EXPECT_EQ(wait("1.7e308"), 1h);
    EXPECT_EQ(wait("-5"), 1s);
    EXPECT_EQ(wait("0"), 1s);
    EXPECT_EQ(wait("2.5"), 2500ms);
    EXPECT_EQ(wait("\"7\""), std::nullopt);  // a string is no number
}

TEST(TelegramAnswer, RetryAfterHeaderOnlyWhenTheBodyHasNone) {
    const std::string body = R"({"ok":false,"error_code":429})";
    EXPECT_EQ(read_telegram_answer(429, body, std::string("120")).retry_after, 120s);
    EXPECT_EQ(read_telegram_answer(429, body, std::string("99999999999999999999")).retry_after, 1h);
    EXPECT_EQ(read_telegram_answer(429, body, std::string("nan")).retry_after, 1s);
    EXPECT_EQ(read_telegram_answer(429, body, std::string("Wed, 21 Oct 2026 07:28:00 GMT")).retry_after,
              std::nullopt);
    EXPECT_EQ(read_telegram_answer(429, body, std::string("")).retry_after, std::nullopt);
    EXPECT_EQ(read_telegram_answer(429, R"({"ok":false,"parameters":{"retry_after":3}})", std::string("120"))
                  .retry_after,
              3s);
    EXPECT_EQ(read_telegram_answer(429, "not json", std::string("30")).retry_after, 30s);
}

TEST(TelegramAnswer, MigrationOnlyToAnIntegerChatId) {
    auto a = read_telegram_answer(400, R"({"ok":false,"error_code":400,"parameters":{"migrate_to_chat_id":-1001234567890}})",
                                  std::nullopt);
    ASSERT_TRUE(a.migrate_to_chat_id);
    EXPECT_EQ(*a.migrate_to_chat_id, "-1001234567890");
    EXPECT_FALSE(read_telegram_answer(400, R"({"ok":false,"parameters":{"migrate_to_chat_id":"@evil"}})", std::nullopt)
                     .migrate_to_chat_id);
}

TEST(ServerWait, SafeWhateverTheNumber) {
    EXPECT_EQ(server_wait(std::numeric_limits<double>::quiet_NaN()), 1s);
    EXPECT_EQ(server_wait(-std::numeric_limits<double>::infinity()), 1s);
    EXPECT_EQ(server_wait(std::numeric_limits<double>::infinity()), kMaxServerWait);
    EXPECT_EQ(server_wait(3599.5), 3599500ms);
    EXPECT_EQ(server_wait(3600), kMaxServerWait);
    EXPECT_EQ(kMaxServerWait, 1h);
}
