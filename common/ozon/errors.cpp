#include "common/ozon/errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "common/ozon/client.hpp"

namespace ozw::ozon {

const char* to_string(ErrorKind k) {
    switch (k) {
        case ErrorKind::rate_limited: return "rate_limited";
        case ErrorKind::circle_open: return "circle_open";
        case ErrorKind::transient: return "transient";
        case ErrorKind::auth: return "auth";
        case ErrorKind::method_gone: return "method_gone";
        case ErrorKind::bad_request: return "bad_request";
        case ErrorKind::not_available: return "not_available";
        case ErrorKind::not_found: return "not_found";
    }
    return "?";
}

const char* to_string(AuthReason r) {
    switch (r) {
        case AuthReason::none: return "none";
        case AuthReason::invalid_key: return "invalid_key";
        case AuthReason::deactivated_key: return "deactivated_key";
        case AuthReason::missing_role: return "missing_role";
        case AuthReason::ip_restricted: return "ip_restricted";
        case AuthReason::offer_not_signed: return "offer_not_signed";
        case AuthReason::other: return "other";
    }
    return "?";
}

ApiError::ApiError(ErrorKind kind, std::string what, int http_status, std::string path)
    : std::runtime_error(std::move(what)), kind_(kind), http_status_(http_status),
      path_(std::move(path)) {}

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool contains(const std::string& haystack_lower, std::string_view needle_lower) {
    return haystack_lower.find(needle_lower) != std::string::npos;
}

// Ozon's error body {"code": 5, "message": "...", "details": [...]}; push-style bodies nest it
// in "error". A bare JSON string ("Circle is open") is taken as the message. A short plain-text
// body (printable ASCII, not HTML) is taken as the message too: Ozon's gateway answers
// "Circle is open" and some auth errors that way. Anything else (HTML, empty, truncated,
// binary) yields no message; `raw_lower` still lets distinctive phrases be found in it.
struct OzonErrorBody {
    int code = 0;
    std::string message;
    bool json = false;       // a JSON object
    std::string raw_lower;   // the first 4 KiB of the body, lower-cased (for non-JSON bodies)
};

std::string plain_text_message(std::string_view body) {
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
    if (body.empty() || body.size() > 300 || body.front() == '<') return {};
    for (char ch : body) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c > 0x7e) return {};
    }
    return std::string(body);
}

OzonErrorBody read_error_body(std::string_view body) {
    OzonErrorBody out;
    if (body.empty()) return out;
    out.raw_lower = lower(body.substr(0, 4096));
    if (body.size() > 1024 * 1024) return out;
    // Error bodies are flat; refuse deep nesting before parsing (no recursion blow-up).
    int depth = 0;
    for (char c : body) {
        if (c == '{' || c == '[') {
            if (++depth > 32) return out;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (!j.is_discarded() && j.is_string()) {
        out.message = j.get<std::string>();
        if (out.message.size() > 300) out.message.resize(300);
        return out;
    }
    if (j.is_discarded() || !j.is_object()) {
        if (j.is_discarded()) out.message = plain_text_message(body);
        return out;
    }
    out.json = true;
    out.raw_lower.clear();
    const nlohmann::json* e = &j;
    if (auto it = j.find("error"); it != j.end() && it->is_object()) e = &*it;
    if (auto it = e->find("code"); it != e->end() && it->is_number_integer())
        out.code = static_cast<int>(it->get<long long>());
    if (auto it = e->find("message"); it != e->end() && it->is_string())
        out.message = it->get<std::string>();
    if (out.message.size() > 300) out.message.resize(300);
    return out;
}

std::optional<Millis> parse_retry_after(std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    double secs = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
    if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(secs) || secs < 0)
        return std::nullopt;  // HTTP-date form: not used by Ozon
    secs = std::min(secs, 3600.0);
    return Millis{static_cast<long long>(std::llround(secs * 1000.0))};
}

AuthReason auth_reason_of(const std::string& msg_lower) {
    if (contains(msg_lower, "offer not signed") || contains(msg_lower, "offer is not signed"))
        return AuthReason::offer_not_signed;
    if (contains(msg_lower, "deactivated") && contains(msg_lower, "key"))
        return AuthReason::deactivated_key;
    if (contains(msg_lower, "missing a required role") || contains(msg_lower, "required role"))
        return AuthReason::missing_role;
    if (contains(msg_lower, "restricted to specific ip") || contains(msg_lower, "ip address"))
        return AuthReason::ip_restricted;
    if (contains(msg_lower, "invalid api-key") || contains(msg_lower, "invalid api key") ||
        contains(msg_lower, "api-key is missing") || contains(msg_lower, "client-id"))
        return AuthReason::invalid_key;
    return AuthReason::none;
}

}  // namespace

ApiError classify_response(int status, std::string_view body, std::string_view path,
                           std::optional<std::string_view> retry_after_header) {
    OzonErrorBody eb = read_error_body(body);
    const std::string msg_lower = lower(eb.message);
    std::string what = "ozon " + std::string(path) + ": HTTP " + std::to_string(status);
    if (!eb.message.empty()) what += ": " + eb.message;

    auto make = [&](ErrorKind k) {
        ApiError e(k, what, status, std::string(path));
        e.with_ozon(eb.code, eb.message);
        return e;
    };

    // "Circle is open" (a method blocked for minutes) comes as Ozon's JSON error or as plain
    // text, with any status (429, 503, ...): the same circle_open either way.
    if (contains(msg_lower, "circle is open") || contains(eb.raw_lower, "circle is open"))
        return make(ErrorKind::circle_open);

    if (status == 429) {
        ApiError e = make(ErrorKind::rate_limited);
        if (retry_after_header)
            if (auto d = parse_retry_after(*retry_after_header)) e.with_retry_after(*d);
        return e;
    }

    // Auth failures by Ozon's message first, whatever the 4xx status: live Ozon answers an
    // invalid key with 404 {"code":5} and a deactivated one with 403 {"code":7}.
    if (status >= 400 && status < 500) {
        AuthReason reason = auth_reason_of(msg_lower);
        if (reason != AuthReason::none) {
            ApiError e = make(ErrorKind::auth);
            e.with_auth_reason(reason);
            return e;
        }
    }
    if (status == 401) {
        ApiError e = make(ErrorKind::auth);
        e.with_auth_reason(AuthReason::invalid_key);
        return e;
    }
    if (status == 403) {
        // Reviews need a paid subscription: a 403 there is "not available", not a broken key.
        if (path == paths::reviews) return make(ErrorKind::not_available);
        ApiError e = make(ErrorKind::auth);
        e.with_auth_reason(AuthReason::other);
        return e;
    }
    if (status == 404 || status == 410) {
        // A "get one object" method answers 404 with Ozon's JSON error for an unknown id; any
        // other 404/410 means the method path itself is gone.
        bool object_lookup = path == paths::posting_get || path == paths::rfbs_return_get;
        bool about_method = contains(msg_lower, "method") || contains(msg_lower, "deprecated") ||
                            contains(msg_lower, "obsolete") || contains(msg_lower, "retired") ||
                            contains(msg_lower, "unsupported") || contains(msg_lower, "no route");
        if (status == 404 && object_lookup && eb.json && !eb.message.empty() && !about_method)
            return make(ErrorKind::not_found);
        return make(ErrorKind::method_gone);
    }
    if (status == 408 || status >= 500 || status < 100) return make(ErrorKind::transient);
    if (status >= 400) return make(ErrorKind::bad_request);
    // 1xx/3xx: nothing we follow; an unexpected answer, try again later.
    return make(ErrorKind::transient);
}

ApiError classify_transport(const http::HttpError& e, std::string_view path) {
    std::string kind;
    switch (e.kind()) {
        case http::ErrorKind::timeout: kind = "timeout"; break;
        case http::ErrorKind::connect: kind = "connection failed"; break;
        case http::ErrorKind::tls: kind = "TLS failure"; break;
        case http::ErrorKind::protocol: kind = "protocol error"; break;
        case http::ErrorKind::bad_url: kind = "bad URL"; break;
    }
    ErrorKind k = e.kind() == http::ErrorKind::bad_url ? ErrorKind::bad_request : ErrorKind::transient;
    return ApiError(k, "ozon " + std::string(path) + ": " + kind + ": " + e.what(), 0,
                    std::string(path));
}

}  // namespace ozw::ozon
