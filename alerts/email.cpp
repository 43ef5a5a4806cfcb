#include "alerts/email.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstring>
#include <ctime>
#include <random>

#include "alerts/templates.hpp"

namespace ozw::alerts {

namespace {

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += kB64[v >> 18 & 63]; out += kB64[v >> 12 & 63]; out += kB64[v >> 6 & 63]; out += kB64[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16;
        out += kB64[v >> 18 & 63]; out += kB64[v >> 12 & 63]; out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += kB64[v >> 18 & 63]; out += kB64[v >> 12 & 63]; out += kB64[v >> 6 & 63]; out += '=';
    }
    return out;
}

// Base64 body lines of 76 characters (RFC 2045).
std::string base64_lines(std::string_view in) {
    std::string b = base64(in), out;
    for (std::size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
    return out;
}

// Telegram-flavoured HTML uses "\n" for line breaks; a mail client needs a document.
std::string html_document(const std::string& body) {
    std::string out = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><div style=\"font-family:sans-serif;white-space:pre-wrap\">";
    out += body;
    out += "</div></body></html>";
    return out;
}

std::string addr(const std::string& a) {
    if (a.find('<') != std::string::npos) return a;
    return "<" + a + ">";
}

std::string domain_of(const std::string& a) {
    auto at = a.rfind('@');
    if (at == std::string::npos) return "ozonwatch";
    std::string d = a.substr(at + 1);
    while (!d.empty() && d.back() == '>') d.pop_back();
    return d.empty() ? "ozonwatch" : d;
}

std::string random_hex(int bytes) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string s;
    static const char* h = "0123456789abcdef";
    for (int i = 0; i < bytes; ++i) {
        auto v = rng() & 0xff;
        s += h[v >> 4];
        s += h[v & 15];
    }
    return s;
}

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

struct Upload {
    std::string data;
    std::size_t pos = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* user) {
    auto* u = static_cast<Upload*>(user);
    size_t len = std::min(size * n, u->data.size() - u->pos);
    std::memcpy(buf, u->data.data() + u->pos, len);
    u->pos += len;
    return len;
}

}  // namespace

std::string rfc2047_encode(std::string_view v) {
    bool ascii = true;
    for (unsigned char c : v)
        if (c >= 0x80 || c == '\r' || c == '\n') ascii = false;
    if (ascii) return std::string(v);
    // "=?UTF-8?B?" + payload + "?=" <= 75  ->  payload <= 63 -> at most 45 input bytes (60 chars).
    constexpr std::size_t kMaxBytes = 45;
    std::string out;
    std::size_t i = 0;
    while (i < v.size()) {
        std::size_t end = std::min(v.size(), i + kMaxBytes);
        // Never split a UTF-8 sequence: back off to the start of a code point.
        while (end < v.size() && end > i && (static_cast<unsigned char>(v[end]) & 0xC0) == 0x80) --end;
        if (end == i) end = std::min(v.size(), i + kMaxBytes);
        if (!out.empty()) out += "\r\n ";
        std::string chunk(v.substr(i, end - i));
        for (auto& c : chunk)
            if (c == '\r' || c == '\n') c = ' ';
        out += "=?UTF-8?B?" + base64(chunk) + "?=";
        i = end;
    }
    return out;
}

std::string rfc5322_date(TimePoint t) {
    std::time_t tt = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string build_email(const EmailConfig& cfg, const RenderedMessage& msg, TimePoint now,
                        const std::string& message_id) {
    const std::string boundary = "ozw-" + random_hex(12);
    std::string to;
    for (const auto& r : cfg.to) to += (to.empty() ? "" : ", ") + addr(r);
    std::string m;
    m += "From: " + addr(cfg.from) + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Subject: " + rfc2047_encode(msg.subject.empty() ? "ozonwatch" : msg.subject) + "\r\n";
    m += "Date: " + rfc5322_date(now) + "\r\n";
    m += "Message-ID: " + message_id + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
    if (msg.severity == Severity::critical) m += "X-Priority: 1\r\n";
    m += "\r\n";
    m += "--" + boundary + "\r\n";
    m += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    m += base64_lines(msg.text);
    m += "--" + boundary + "\r\n";
    m += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    m += base64_lines(html_document(msg.html));
    m += "--" + boundary + "--\r\n";
    return m;
}

struct EmailNotifier::Pool {
    boost::asio::thread_pool pool{1};
};

EmailNotifier::EmailNotifier(const EmailConfig& cfg, const Clock& clock, Millis timeout)
    : cfg_(cfg), clock_(clock), timeout_(timeout), pool_(std::make_unique<Pool>()) {
    static CurlGlobal global;
}

EmailNotifier::~EmailNotifier() {
    pool_->pool.join();
}

boost::asio::awaitable<SendResult> EmailNotifier::send(const RenderedMessage& msg) {
    co_return co_await on_pool([this, &msg] { return send_blocking(msg); });
}

boost::asio::awaitable<SendResult> EmailNotifier::probe() {
    co_return co_await on_pool([this] { return probe_blocking(); });
}

boost::asio::awaitable<SendResult> EmailNotifier::on_pool(std::function<SendResult()> work) {
    // The transfer blocks for up to timeout_; it runs on the pool, this coroutine resumes on
    // its own executor afterwards. A notifier never throws: anything unexpected is retryable.
    std::string failure;
    try {
        co_return co_await boost::asio::co_spawn(
            pool_->pool.get_executor(),
            [&work]() -> boost::asio::awaitable<SendResult> {
                try {
                    co_return work();
                } catch (const std::exception& e) {
                    co_return SendResult::backoff(std::string("email: ") + e.what());
                }
            },
            boost::asio::use_awaitable);
    } catch (const std::exception& e) {
        failure = std::string("email: ") + e.what();
    }
    co_return SendResult::backoff(failure);
}

void EmailNotifier::set_session_options(void* handle, char* errbuf) const {
    CURL* c = static_cast<CURL*>(handle);
    curl_easy_setopt(c, CURLOPT_URL, cfg_.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    // STARTTLS is required on smtp://: CURLUSESSL_TRY would fall back to plaintext silently.
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!cfg_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, cfg_.ca_file.c_str());
    if (!cfg_.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg_.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg_.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(timeout_.count(), 10000)));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
}

SendResult EmailNotifier::send_blocking(const RenderedMessage& msg) {
    if (cfg_.to.empty()) return SendResult::fatal("email: no recipients configured");
    const bool smtps = cfg_.url.rfind("smtps://", 0) == 0;
    if (!smtps && cfg_.url.rfind("smtp://", 0) != 0)
        return SendResult::fatal("email: url must start with smtps:// or smtp://: " + cfg_.url);

    Upload up;  // built before any curl handle exists: nothing leaks if it throws
    const std::string msgid = "<" + random_hex(8) + "." +
                              std::to_string(clock_.now().time_since_epoch().count()) + "@" +
                              domain_of(cfg_.from) + ">";
    up.data = build_email(cfg_, msg, clock_.now(), msgid);
    CURL* c = curl_easy_init();
    if (!c) return SendResult::backoff("email: curl_easy_init failed");
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* rcpt = nullptr;
    for (const auto& r : cfg_.to) rcpt = curl_slist_append(rcpt, addr(r).c_str());

    set_session_options(c, errbuf);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr(cfg_.from).c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(up.data.size()));

    CURLcode rc = curl_easy_perform(c);
    long smtp_code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK) return SendResult::success();
    return classify(rc, smtp_code, errbuf);
}

SendResult EmailNotifier::probe_blocking() {
    if (cfg_.url.rfind("smtps://", 0) != 0 && cfg_.url.rfind("smtp://", 0) != 0)
        return SendResult::fatal("email: url must start with smtps:// or smtp://: " + cfg_.url);
    CURL* c = curl_easy_init();
    if (!c) return SendResult::backoff("email: curl_easy_init failed");
    char errbuf[CURL_ERROR_SIZE] = {0};
    set_session_options(c, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);  // greeting, EHLO, STARTTLS, login; no mail
    CURLcode rc = curl_easy_perform(c);
    long smtp_code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK) return SendResult::success();
    return classify(rc, smtp_code, errbuf);
}

SendResult EmailNotifier::classify(int curl_code, long smtp_code, const char* errbuf) const {
    const auto rc = static_cast<CURLcode>(curl_code);
    std::string err = "email " + cfg_.url + ": " + curl_easy_strerror(rc);
    if (errbuf[0]) err += ": " + std::string(errbuf);
    if (smtp_code) err += " (SMTP " + std::to_string(smtp_code) + ")";
    if (!cfg_.password.empty())
        for (auto p = err.find(cfg_.password); p != std::string::npos; p = err.find(cfg_.password))
            err.replace(p, cfg_.password.size(), "***");
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_READ_ERROR:
            return SendResult::backoff(err);
        case CURLE_LOGIN_DENIED:
        case CURLE_USE_SSL_FAILED:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            return SendResult::fatal(err);
        default:
            break;
    }
    // SMTP 4xx are transient by definition (RFC 5321), 5xx permanent.
    if (smtp_code >= 400 && smtp_code < 500) return SendResult::backoff(err);
    if (smtp_code >= 500) return SendResult::fatal(err);
    return SendResult::backoff(err);
}

}  // namespace ozw::alerts
