// Small helpers of the sandbox: Telegram HTML-mode validation, base64, glob matching.
#include <array>
#include <cctype>
#include <cstring>
#include <vector>

#include "sandbox/internal.hpp"

namespace ozw::sandbox::detail {

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

namespace {

bool is_tag_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool supported_tag(const std::string& t) {
    static const std::array<const char*, 15> tags = {"b", "strong", "i", "em", "u", "ins", "s",
                                                     "strike", "del", "a", "code", "pre",
                                                     "blockquote", "tg-spoiler", "span"};
    for (const char* x : tags)
        if (t == x) return true;
    return t == "tg-emoji";
}

// Parses an entity at s[i] == '&'; returns its length or 0 when it is not one.
std::size_t entity_length(std::string_view s, std::size_t i) {
    auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) return 0;
    std::string_view name = s.substr(i + 1, semi - i - 1);
    if (name == "lt" || name == "gt" || name == "amp" || name == "quot") return semi - i + 1;
    if (name.size() >= 2 && name[0] == '#') {
        bool hex = name[1] == 'x' || name[1] == 'X';
        std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty()) return 0;
        for (char c : digits)
            if (!(std::isdigit(static_cast<unsigned char>(c)) ||
                  (hex && std::isxdigit(static_cast<unsigned char>(c)))))
                return 0;
        return semi - i + 1;
    }
    return 0;
}

}  // namespace

HtmlCheck check_telegram_html(std::string_view s) {
    HtmlCheck r;
    std::vector<std::string> open;
    std::size_t text_cp = 0;
    std::size_t i = 0;
    auto error = [&](std::string msg) {
        r.ok = false;
        r.error = std::move(msg);
        return r;
    };
    while (i < s.size()) {
        char c = s[i];
        if (c == '<') {
            const std::size_t start = i;
            if (i + 1 < s.size() && s[i + 1] == '/') {
                std::size_t j = i + 2;
                while (j < s.size() && is_tag_char(s[j])) ++j;
                std::string name = lower(std::string(s.substr(i + 2, j - i - 2)));
                while (j < s.size() && s[j] == ' ') ++j;
                if (j >= s.size() || s[j] != '>')
                    return error("Can't find end tag at byte offset " + std::to_string(start));
                if (open.empty())
                    return error("Unexpected end tag at byte offset " + std::to_string(start));
                if (!name.empty() && name != open.back())
                    return error("Unmatched end tag at byte offset " + std::to_string(start) +
                                 ", expected \"</" + open.back() + ">\", found \"</" + name + ">\"");
                open.pop_back();
                i = j + 1;
                continue;
            }
            std::size_t j = i + 1;
            while (j < s.size() && is_tag_char(s[j])) ++j;
            std::string name = lower(std::string(s.substr(i + 1, j - i - 1)));
            if (name.empty() || !supported_tag(name) ||
                (j < s.size() && s[j] != '>' && s[j] != ' ' && s[j] != '\n')) {
                // Name the tag as written (up to a space or '>'), as the Bot API does.
                std::size_t e = i + 1;
                while (e < s.size() && s[e] != '>' && s[e] != ' ' && s[e] != '\n' && e - i < 64) ++e;
                return error("Unsupported start tag \"" + std::string(s.substr(i + 1, e - i - 1)) +
                             "\" at byte offset " + std::to_string(start));
            }
            // Attributes: name="value" | name='value' | name=value
            while (j < s.size() && s[j] != '>') {
                if (s[j] == ' ' || s[j] == '\n' || s[j] == '\t') { ++j; continue; }
                std::size_t a = j;
                while (j < s.size() && is_tag_char(s[j])) ++j;
                if (j == a)
                    return error("Expected equal sign in declaration of an attribute of the tag at byte offset " +
                                 std::to_string(start));
                if (j < s.size() && s[j] == '=') {
                    ++j;
                    if (j < s.size() && (s[j] == '"' || s[j] == '\'')) {
                        char q = s[j];
                        auto close = s.find(q, j + 1);
                        if (close == std::string_view::npos)
                            return error("Can't find end of the tag at byte offset " + std::to_string(start));
                        std::string_view value = s.substr(j + 1, close - j - 1);
                        if (value.find('<') != std::string_view::npos)
                            return error("Unclosed start tag at byte offset " + std::to_string(start));
                        j = close + 1;
                    } else {
                        while (j < s.size() && s[j] != ' ' && s[j] != '>') ++j;
                    }
                }
            }
            if (j >= s.size())
                return error("Can't find end of the tag at byte offset " + std::to_string(start));
            open.push_back(name);
            i = j + 1;
            continue;
        }
        if (c == '&') {
            auto len = entity_length(s, i);
            if (len == 0)
                return error("Character entity expected at byte offset " + std::to_string(i) +
                             " (escape & as &amp;)");
            ++text_cp;
            i += len;
            continue;
        }
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++text_cp;
        ++i;
    }
    if (!open.empty())
        return error("Can't find end tag corresponding to start tag \"" + open.back() + "\"");
    r.text_length = text_cp;
    return r;
}

bool glob_match(std::string_view p, std::string_view t) {
    // Iterative wildcard match with backtracking to the last '*'.
    std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ti;
        } else if (pi < p.size() && p[pi] == t[ti]) {
            ++pi;
            ++ti;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
    std::string out;
    std::size_t i = 0;
    while (i + 2 < in.size()) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        out += kB64[(v >> 18) & 63];
        out += kB64[(v >> 12) & 63];
        out += kB64[(v >> 6) & 63];
        out += kB64[v & 63];
        i += 3;
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += kB64[(v >> 18) & 63];
        out += kB64[(v >> 12) & 63];
        out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
    if (in.size() % 4 != 0) return std::nullopt;
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '=') {
            if (i + 2 < in.size()) return std::nullopt;
            break;
        }
        const char* pos = std::strchr(kB64, c);
        if (!pos || c == 0) return std::nullopt;
        v = (v << 6) | static_cast<unsigned>(pos - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((v >> bits) & 0xFF);
        }
    }
    return out;
}

}  // namespace ozw::sandbox::detail
