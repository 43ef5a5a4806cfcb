#include <gtest/gtest.h>

#include "alerts/email.hpp"
#include "alerts/templates.hpp"
#include "alerts_test_util.hpp"

using namespace ozw;
using namespace ozw::alerts;

namespace {

std::string b64decode(const std::string& s) {
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    int buf = 0, bits = 0;
    for (char c : s) {
        int v = val(c);
        if (v < 0) continue;
        buf = buf << 6 | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xff);
        }
    }
    return out;
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = s[i];
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!n || i + n > s.size()) return false;
        for (int k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

}  // namespace

TEST(Rfc2047, AsciiIsLeftAlone) { EXPECT_EQ(rfc2047_encode("[ozonwatch] test"), "[ozonwatch] test"); }

TEST(Rfc2047, CyrillicBecomesShortWordsWithoutSplitCharacters) {
    std::string subject = "[ozonwatch] Спорное отправление 05708065-0029-1 и ещё 12 событий: возвраты, отмены 😀";
    std::string enc = rfc2047_encode(subject);
    std::string decoded;
    std::size_t pos = 0;
    int words = 0;
    while (pos < enc.size()) {
        std::size_t end = enc.find("\r\n ", pos);
        std::string word = enc.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        ++words;
        EXPECT_LE(word.size(), 75u) << word;
        ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
        ASSERT_EQ(word.substr(word.size() - 2), "?=");
        std::string chunk = b64decode(word.substr(10, word.size() - 12));
        EXPECT_TRUE(valid_utf8(chunk)) << "a word splits a UTF-8 character";
        decoded += chunk;
        if (end == std::string::npos) break;
        pos = end + 3;
    }
    EXPECT_GT(words, 1);
    EXPECT_EQ(decoded, subject);
}

TEST(Email, MessageHasHeadersAndBothParts) {
    EmailConfig cfg;
    cfg.from = "shop@example.ru";
    cfg.to = {"owner@example.ru", "manager@example.ru"};
    ozw::alerts::testing::register_test_types();
    Event e;
    e.type = ozw::alerts::testing::kProblem;
    e.severity = Severity::critical;
    e.details = {{"posting_number", "1-2-3"}};
    auto msg = render_group({e}, {}, RenderOptions{});
    TimePoint t{std::chrono::milliseconds{1795676400000}};  // 2026-11-26T07:00:00Z
    auto mail = build_email(cfg, msg, t, "<x@example.ru>");
    EXPECT_NE(mail.find("From: <shop@example.ru>\r\n"), std::string::npos);
    EXPECT_NE(mail.find("To: <owner@example.ru>, <manager@example.ru>\r\n"), std::string::npos);
    EXPECT_NE(mail.find("Date: Thu, 26 Nov 2026 07:00:00 +0000\r\n"), std::string::npos);
    EXPECT_NE(mail.find("Message-ID: <x@example.ru>\r\n"), std::string::npos);
    EXPECT_NE(mail.find("Subject: =?UTF-8?B?"), std::string::npos);
    EXPECT_NE(mail.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
    EXPECT_NE(mail.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
    EXPECT_NE(mail.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
    EXPECT_EQ(rfc5322_date(t), "Thu, 26 Nov 2026 07:00:00 +0000");
}
