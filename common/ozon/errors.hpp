#pragma once
// Typed errors of the Ozon Seller API client. The watches and the scheduler decide by `kind`:
//   rate_limited  429 "You have reached request rate limit per second": wait retry_after.
//   circle_open   "Circle is open" (Ozon's JSON error, or plain text, with any status): the
//                 method is blocked for minutes; the client does NOT sleep minutes, it throws
//                 so the scheduler backs the watch off.
//   transient     5xx, timeout, connection reset/refused, truncated or invalid JSON: retried by
//                 the client with exponential backoff + jitter within a deadline, then thrown.
//   auth          invalid / deactivated key, missing role, IP-restricted, 403 "Offer not signed"
//                 (auth_reason says which): never retried; source.auth_failed. Decided by Ozon's
//                 message for any 4xx (live Ozon: invalid key 404 code 5, deactivated 403 code 7),
//                 also in a plain-text body; 401 without a known message is invalid_key.
//   method_gone   404/410 for a method path: a retired method; logged loudly, never retried.
//   bad_request   400 with Ozon's message: a bug on our side or bad filter; never retried.
//   not_available 403 for reviews without the paid subscription: not an outage.
//   not_found     404 with Ozon's JSON error for an object (e.g. unknown posting number).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/http/client.hpp"

namespace ozw::ozon {

enum class ErrorKind {
    rate_limited,
    circle_open,
    transient,
    auth,
    method_gone,
    bad_request,
    not_available,
    not_found,
};
const char* to_string(ErrorKind k);

enum class AuthReason {
    none,
    invalid_key,       // "Invalid Api-Key, please check the key and try again" (also 401)
    deactivated_key,   // "Api-key is deactivated, use another one or generate a new one"
    missing_role,      // "Api-Key is missing a required role for a method"
    ip_restricted,     // "Api-Key is restricted to specific IP addresses"
    offer_not_signed,  // 403 "Offer not signed"
    other,             // 401/403 with another message
};
const char* to_string(AuthReason r);

class ApiError : public std::runtime_error {
public:
    ApiError(ErrorKind kind, std::string what, int http_status = 0, std::string path = {});

    ErrorKind kind() const { return kind_; }
    int http_status() const { return http_status_; }  // 0 when no HTTP response (timeout, reset)
    const std::string& path() const { return path_; }  // method path, e.g. /v4/posting/fbs/list
    const std::string& ozon_message() const { return ozon_message_; }  // Ozon's "message"
    int ozon_code() const { return ozon_code_; }                        // Ozon's "code"
    std::optional<Millis> retry_after() const { return retry_after_; }  // rate_limited
    AuthReason auth_reason() const { return auth_reason_; }
    bool retryable() const {
        return kind_ == ErrorKind::rate_limited || kind_ == ErrorKind::transient;
    }

    ApiError& with_ozon(int code, std::string message) {
        ozon_code_ = code;
        ozon_message_ = std::move(message);
        return *this;
    }
    ApiError& with_retry_after(Millis d) {
        retry_after_ = d;
        return *this;
    }
    ApiError& with_auth_reason(AuthReason r) {
        auth_reason_ = r;
        return *this;
    }

private:
    ErrorKind kind_;
    int http_status_;
    std::string path_;
    std::string ozon_message_;
    int ozon_code_ = 0;
    std::optional<Millis> retry_after_;
    AuthReason auth_reason_ = AuthReason::none;
};

// A response body the parsers could not use (not JSON, too deep, too big, wrong top-level
// shape). The client turns it into ApiError{transient}.
class ParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Classify a non-2xx answer of `path`. `retry_after_header`/`ratelimit_remaining_header` are the
// raw header values when present. Never throws; any body (HTML, empty, garbage) is accepted.
ApiError classify_response(int status, std::string_view body, std::string_view path,
                           std::optional<std::string_view> retry_after_header = std::nullopt);
// Classify a transport failure (timeout, reset, refused, TLS, dropped mid-body): transient;
// a malformed base URL is bad_request (a configuration error, retrying cannot help).
// A TLS verification failure is transient too (it may be a captive proxy); the watch reports
// source.unavailable after `unavailable_after`, with the TLS error text.
ApiError classify_transport(const http::HttpError& e, std::string_view path);

}  // namespace ozw::ozon
