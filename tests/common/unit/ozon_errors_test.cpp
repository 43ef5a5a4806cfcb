// Classification of Ozon answers (status, body, headers) into typed errors.
#include <gtest/gtest.h>

#include "common/ozon/client.hpp"
#include "common/ozon/errors.hpp"

using namespace ozw;
using namespace ozw::ozon;

namespace {
constexpr std::string_view kList = "/v4/posting/fbs/list";
std::string body(int code, const std::string& msg) {
    return R"({"code":)" + std::to_string(code) + R"(,"message":")" + msg + R"(","details":[]})";
}
}  // namespace

TEST(OzonErrors, RateLimitedCarriesRetryAfter) {
    auto e = classify_response(429, body(8, "You have reached request rate limit per second"), kList, "3");
    EXPECT_EQ(e.kind(), ErrorKind::rate_limited);
    ASSERT_TRUE(e.retry_after());
    EXPECT_EQ(*e.retry_after(), Millis{3000});
    EXPECT_TRUE(e.retryable());
    EXPECT_EQ(e.http_status(), 429);
    EXPECT_EQ(e.path(), kList);

    auto no_header = classify_response(429, "", kList);
    EXPECT_EQ(no_header.kind(), ErrorKind::rate_limited);
    EXPECT_FALSE(no_header.retry_after());
    EXPECT_FALSE(classify_response(429, "", kList, "Wed, 21 Oct 2026 07:28:00 GMT").retry_after());
    EXPECT_EQ(*classify_response(429, "", kList, " 0.5 ").retry_after(), Millis{500});
}

TEST(OzonErrors, CircleIsOpenWhateverTheStatus) {
    EXPECT_EQ(classify_response(429, body(8, "Circle is open"), kList, "60").kind(), ErrorKind::circle_open);
    EXPECT_EQ(classify_response(503, body(14, "circle is open"), kList).kind(), ErrorKind::circle_open);
    EXPECT_FALSE(classify_response(429, body(8, "Circle is open"), kList).retryable());
}

TEST(OzonErrors, ServerErrorsAreTransient) {
    for (int s : {500, 502, 503, 504, 408}) {
        auto e = classify_response(s, "<html>gateway</html>", kList);
        EXPECT_EQ(e.kind(), ErrorKind::transient) << s;
        EXPECT_TRUE(e.retryable());
    }
}

TEST(OzonErrors, AuthErrorsWithSubReason) {
    struct Case {
        int status;
        const char* message;
        AuthReason reason;
    } cases[] = {
        {401, "Invalid Api-Key, please check the key and try again", AuthReason::invalid_key},
        {403, "Api-key is deactivated, use another one or generate a new one", AuthReason::deactivated_key},
        {403, "Api-Key is missing a required role for a method", AuthReason::missing_role},
        {403, "Api-Key is restricted to specific IP addresses", AuthReason::ip_restricted},
        {403, "Offer not signed", AuthReason::offer_not_signed},
        {400, "Invalid Api-Key, please check the key and try again", AuthReason::invalid_key},
        {401, "", AuthReason::invalid_key},
        {403, "Forbidden", AuthReason::other},
    };
    for (const auto& c : cases) {
        auto e = classify_response(c.status, body(7, c.message), kList);
        EXPECT_EQ(e.kind(), ErrorKind::auth) << c.message;
        EXPECT_EQ(e.auth_reason(), c.reason) << c.message;
        EXPECT_FALSE(e.retryable());
    }
    EXPECT_EQ(classify_response(403, body(7, "Offer not signed"), kList).ozon_message(), "Offer not signed");
}

TEST(OzonErrors, ReviewsWithoutSubscriptionAreNotAvailable) {
    auto e = classify_response(403, body(7, "Premium subscription required"), paths::reviews);
    EXPECT_EQ(e.kind(), ErrorKind::not_available);
    // ... but a broken key on the reviews method is still an auth error.
    EXPECT_EQ(classify_response(403, body(7, "Api-key is deactivated, use another one"), paths::reviews).kind(),
              ErrorKind::auth);
}

TEST(OzonErrors, GoneMethodsAndUnknownObjects) {
    EXPECT_EQ(classify_response(404, "404 page not found", kList).kind(), ErrorKind::method_gone);
    EXPECT_EQ(classify_response(410, body(5, "method is obsolete"), kList).kind(), ErrorKind::method_gone);
    EXPECT_EQ(classify_response(404, body(5, "method is obsolete"), "/v3/posting/fbs/list").kind(),
              ErrorKind::method_gone);
    // The by-number method answers 404 with Ozon's JSON error for an unknown posting.
    EXPECT_EQ(classify_response(404, body(5, "Posting not found"), paths::posting_get).kind(),
              ErrorKind::not_found);
    EXPECT_EQ(classify_response(404, "", paths::posting_get).kind(), ErrorKind::method_gone);
}

TEST(OzonErrors, BadRequestKeepsOzonsMessage) {
    auto e = classify_response(400, body(3, "PERIOD_IS_TOO_LONG"), kList);
    EXPECT_EQ(e.kind(), ErrorKind::bad_request);
    EXPECT_EQ(e.ozon_code(), 3);
    EXPECT_EQ(e.ozon_message(), "PERIOD_IS_TOO_LONG");
    EXPECT_NE(std::string(e.what()).find("PERIOD_IS_TOO_LONG"), std::string::npos);
    EXPECT_EQ(classify_response(409, body(9, "conflict"), kList).kind(), ErrorKind::bad_request);
}

TEST(OzonErrors, GarbageBodiesNeverBreakClassification) {
    std::string deep(100000, '[');
    EXPECT_EQ(classify_response(500, deep, kList).kind(), ErrorKind::transient);
    EXPECT_EQ(classify_response(400, "{\"code\":\"x\",\"message\":5}", kList).kind(), ErrorKind::bad_request);
    EXPECT_EQ(classify_response(400, std::string(3 * 1024 * 1024, 'a'), kList).kind(), ErrorKind::bad_request);
    EXPECT_EQ(classify_response(400, "\xff\xfe\x00garbage", kList).kind(), ErrorKind::bad_request);
}

TEST(OzonErrors, TransportFailuresAreTransient) {
    EXPECT_EQ(classify_transport(http::HttpError(http::ErrorKind::timeout, "t"), kList).kind(), ErrorKind::transient);
    EXPECT_EQ(classify_transport(http::HttpError(http::ErrorKind::connect, "c"), kList).kind(), ErrorKind::transient);
    EXPECT_EQ(classify_transport(http::HttpError(http::ErrorKind::protocol, "p"), kList).kind(), ErrorKind::transient);
    EXPECT_EQ(classify_transport(http::HttpError(http::ErrorKind::tls, "x"), kList).kind(), ErrorKind::transient);
    EXPECT_EQ(classify_transport(http::HttpError(http::ErrorKind::bad_url, "u"), kList).kind(), ErrorKind::bad_request);
}

// Reported from live use (NOTES.md): an invalid key comes back as HTTP 404 {"code":5} and a
// deactivated key as HTTP 403 {"code":7}. The message decides, not the status.
TEST(OzonErrors, InvalidKeyAs404Code5IsAuthInvalidKey) {
    const std::string msg = "Invalid Api-Key, please check the key and try again";
    auto e = classify_response(404, body(5, msg), kList);
    EXPECT_EQ(e.kind(), ErrorKind::auth);
    EXPECT_EQ(e.auth_reason(), AuthReason::invalid_key);
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_EQ(e.ozon_code(), 5);
    EXPECT_EQ(e.ozon_message(), msg);
    EXPECT_FALSE(e.retryable());
    // On the by-number method a JSON 404 is otherwise "posting not found": the key wins.
    auto g = classify_response(404, body(5, msg), paths::posting_get);
    EXPECT_EQ(g.kind(), ErrorKind::auth);
    EXPECT_EQ(g.auth_reason(), AuthReason::invalid_key);
    // ... and on a method that would otherwise count as retired.
    EXPECT_EQ(classify_response(410, body(5, msg), kList).auth_reason(), AuthReason::invalid_key);
}

TEST(OzonErrors, DeactivatedKeyAs403Code7IsAuthDeactivatedKey) {
    const std::string msg = "Api-key is deactivated, use another one or generate a new one";
    auto e = classify_response(403, body(7, msg), kList);
    EXPECT_EQ(e.kind(), ErrorKind::auth);
    EXPECT_EQ(e.auth_reason(), AuthReason::deactivated_key);
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_EQ(e.ozon_code(), 7);
    EXPECT_FALSE(e.retryable());
    // Not "reviews not available": a dead key on the reviews method is still a dead key.
    auto r = classify_response(403, body(7, msg), paths::reviews);
    EXPECT_EQ(r.kind(), ErrorKind::auth);
    EXPECT_EQ(r.auth_reason(), AuthReason::deactivated_key);
}

TEST(OzonErrors, KeyMessagesDecideWhateverThe4xxStatusAndBodyFormat) {
    struct Case {
        const char* message;
        AuthReason reason;
    } cases[] = {
        {"Invalid Api-Key, please check the key and try again", AuthReason::invalid_key},
        {"Api-key is deactivated, use another one or generate a new one", AuthReason::deactivated_key},
        {"Api-Key is missing a required role for a method", AuthReason::missing_role},
        {"Api-Key is restricted to specific IP addresses", AuthReason::ip_restricted},
    };
    for (int status : {400, 401, 403, 404, 410}) {
        for (const auto& c : cases) {
            SCOPED_TRACE(std::to_string(status) + " " + c.message);
            for (int code : {5, 7, 16}) {
                auto j = classify_response(status, body(code, c.message), kList);
                EXPECT_EQ(j.kind(), ErrorKind::auth);
                EXPECT_EQ(j.auth_reason(), c.reason);
            }
            // Ozon's own error wrapped in "error" (push-style), and a plain-text body.
            auto nested = classify_response(
                status, std::string(R"({"error":{"code":5,"message":")") + c.message + "\"}}", kList);
            EXPECT_EQ(nested.auth_reason(), c.reason);
            auto plain = classify_response(status, std::string(c.message) + "\n", kList);
            EXPECT_EQ(plain.kind(), ErrorKind::auth);
            EXPECT_EQ(plain.auth_reason(), c.reason);
            EXPECT_EQ(plain.ozon_message(), c.message);
        }
    }
    // A retired method's own 404 names no key: still method_gone.
    EXPECT_EQ(classify_response(404,
                                body(5, "Method /v3/posting/fbs/list is obsolete and has been switched "
                                        "off, use /v4/posting/fbs/list"),
                                "/v3/posting/fbs/list")
                  .kind(),
              ErrorKind::method_gone);
    EXPECT_EQ(classify_response(404, body(5, "Method is deactivated"), kList).kind(), ErrorKind::method_gone);
    // An HTML error page is not read as a message, whatever words it contains.
    EXPECT_EQ(classify_response(404, "<html><body>Client-Id: see docs</body></html>", kList).kind(),
              ErrorKind::method_gone);
}

TEST(OzonErrors, PlainTextCircleIsOpenIsCircleOpenWhateverTheStatus) {
    const char* bodies[] = {"Circle is open", "circle is open\n", "\"Circle is open\"",
                            "<html><body><h1>503</h1>Circle is open</body></html>"};
    for (int status : {429, 503, 500, 502, 403, 404, 400}) {
        for (const char* b : bodies) {
            SCOPED_TRACE(std::to_string(status) + " " + b);
            auto e = classify_response(status, b, kList, "60");
            EXPECT_EQ(e.kind(), ErrorKind::circle_open);
            EXPECT_FALSE(e.retryable());
            EXPECT_FALSE(e.retry_after());
            EXPECT_EQ(e.auth_reason(), AuthReason::none);
        }
    }
    // Exactly what the JSON form gives.
    for (int status : {429, 503}) {
        auto j = classify_response(status, body(8, "Circle is open"), kList, "60");
        auto t = classify_response(status, "Circle is open", kList, "60");
        EXPECT_EQ(t.kind(), j.kind());
        EXPECT_EQ(t.retryable(), j.retryable());
        EXPECT_EQ(t.retry_after(), j.retry_after());
        EXPECT_EQ(t.http_status(), j.http_status());
        EXPECT_EQ(t.ozon_message(), j.ozon_message());  // "Circle is open"
        EXPECT_NE(std::string(t.what()).find("Circle is open"), std::string::npos);
    }
    // Other plain-text bodies keep the class of their status.
    EXPECT_EQ(classify_response(503, "Service Unavailable", kList).kind(), ErrorKind::transient);
    EXPECT_EQ(classify_response(429, "Too Many Requests", kList, "2").kind(), ErrorKind::rate_limited);
    EXPECT_EQ(*classify_response(429, "Too Many Requests", kList, "2").retry_after(), Millis{2000});
}
