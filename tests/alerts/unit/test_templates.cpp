#include <gtest/gtest.h>

#include <regex>

#include "alerts/templates.hpp"

using namespace ozw;
using namespace ozw::alerts;

namespace {

Event posting_event(const std::string& type, Severity sev = Severity::critical) {
    Event e;
    e.type = type;
    e.severity = sev;
    e.kind = EventKind::condition;
    e.account = "main";
    e.key = type + ":05708065-0029-1";
    e.details = {{"posting_number", "05708065-0029-1"}, {"status", "arbitration"}};
    return e;
}

// Every tag in Telegram HTML must be one Telegram knows, and pairs must balance.
void expect_valid_telegram_html(const std::string& html) {
    std::regex tag("<(/?)([a-z-]+)[^>]*>");
    std::vector<std::string> stack;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[2];
        EXPECT_TRUE(name == "b" || name == "i" || name == "a" || name == "code" || name == "blockquote")
            << "unexpected tag " << name;
        if ((*it)[1] == "/") {
            ASSERT_FALSE(stack.empty());
            EXPECT_EQ(stack.back(), name);
            stack.pop_back();
        } else {
            stack.push_back(name);
        }
    }
    EXPECT_TRUE(stack.empty());
}

}  // namespace

TEST(Templates, EscapesHostileProductNamesAndComments) {
    Event e = posting_event("return.request_pending", Severity::warning);
    e.details["products"] = {{{"name", "Платье <b>«Роза»</b> & <script>alert(1)</script>"}, {"quantity", 2}}};
    e.details["customer_comment"] = "Не подошло </a><a href=\"http://evil\"> размер > 44 & цвет";
    e.details["photos"] = {"https://cdn.example/x.jpg?a=1&b=\"2\""};
    auto html = render_group({e}, "ru", Format::html);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_EQ(html.find("<a href=\"http://evil\">"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("размер &gt; 44 &amp; цвет"), std::string::npos);
    EXPECT_NE(html.find("a=1&amp;b=&quot;2&quot;"), std::string::npos);
    EXPECT_NE(html.find("× 2"), std::string::npos);
    expect_valid_telegram_html(html);
    // The plain text form keeps the characters as they are.
    auto text = render_group({e}, "ru", Format::text);
    EXPECT_NE(text.find("<script>alert(1)</script>"), std::string::npos);
}

TEST(Templates, ArbitrationSaysWhatToDoAndLinksThePosting) {
    auto m = render_group({posting_event("posting.arbitration")}, {}, RenderOptions{});
    EXPECT_NE(m.html.find("Спорное отправление 05708065-0029-1"), std::string::npos);
    EXPECT_NE(m.html.find("Что делать"), std::string::npos);
    EXPECT_NE(m.html.find("приёмку на ПВЗ"), std::string::npos);
    EXPECT_NE(m.html.find("откройте спор"), std::string::npos);
    EXPECT_EQ(m.button_url, "https://seller.ozon.ru/app/postings/fbs?tab=arbitration&search=05708065-0029-1");
    EXPECT_EQ(m.button_text, "Открыть в кабинете");
    EXPECT_EQ(m.severity, Severity::critical);
    EXPECT_FALSE(m.silent);
    EXPECT_NE(m.subject.find("Спорное отправление"), std::string::npos);
    EXPECT_NE(m.html.find("Аккаунт: main"), std::string::npos);
    EXPECT_NE(m.html.find("Статус: спорное"), std::string::npos);
}

TEST(Templates, EnglishIsAvailable) {
    RenderOptions o;
    o.language = "en";
    auto m = render_group({posting_event("posting.cutoff_missed")}, {}, o);
    EXPECT_NE(m.text.find("Posting missed its ship-by time 05708065-0029-1"), std::string::npos);
    EXPECT_NE(m.text.find("What to do:"), std::string::npos);
    EXPECT_EQ(m.button_text, "Open in seller cabinet");
}

TEST(Templates, EveryCatalogueTypeHasTitleActionAndLink) {
    const char* types[] = {"posting.new", "posting.status_changed", "posting.cancelled", "posting.cutoff_soon",
                           "posting.cutoff_missed", "posting.stuck", "posting.arbitration", "posting.not_accepted",
                           "return.new", "return.request_pending", "return.ready_for_pickup", "return.disputed",
                           "finance.accrual_missing", "finance.period_closed", "stock.suspicious", "stock.mismatch",
                           "stock.out", "review.new", "chat.unread", "source.auth_failed", "source.key_expiring",
                           "source.unavailable"};
    for (const char* t : types) {
        Event e = posting_event(t, Severity::warning);
        auto text = render_event(e, "new", RenderOptions{}, Format::text);
        EXPECT_EQ(text.find(t), std::string::npos) << "raw type name shown instead of a title: " << t;
        EXPECT_NE(text.find("Что делать"), std::string::npos) << t;
        EXPECT_NE(text.find("https://seller.ozon.ru/app/"), std::string::npos) << t;
    }
    EXPECT_EQ(cabinet_url(posting_event("return.new")), "https://seller.ozon.ru/app/returns/fbs?search=05708065-0029-1");
    EXPECT_EQ(cabinet_url(posting_event("finance.accrual_missing")), "https://seller.ozon.ru/app/finances/accruals");
    EXPECT_EQ(cabinet_url(posting_event("source.key_expiring")), "https://seller.ozon.ru/app/settings/api-keys");
}

TEST(Templates, UnknownTypeFallsBackToTitleAndDetails) {
    Event e;
    e.type = "custom.thing";
    e.title = "Something <odd>";
    e.details = {{"answer", 42}, {"who", "a&b"}};
    auto html = render_event(e, "new", RenderOptions{}, Format::html);
    EXPECT_NE(html.find("Something &lt;odd&gt;"), std::string::npos);
    EXPECT_NE(html.find("answer: 42"), std::string::npos);
    EXPECT_NE(html.find("who: a&amp;b"), std::string::npos);
}

TEST(Templates, ResolvedAndRepeatAreMarked) {
    Event e = posting_event("posting.arbitration");
    e.state = EventState::resolved;
    auto t = render_event(e, "new", RenderOptions{}, Format::text);
    EXPECT_NE(t.find("Решено: Спорное отправление"), std::string::npos);
    EXPECT_EQ(t.find("Что делать"), std::string::npos);
    e.state = EventState::firing;
    t = render_event(e, "repeat", RenderOptions{}, Format::text);
    EXPECT_NE(t.find("Всё ещё актуально"), std::string::npos);
}

TEST(Templates, GroupHasHeaderAndInfoIsSilent) {
    auto a = posting_event("posting.new", Severity::info);
    auto b = posting_event("posting.status_changed", Severity::info);
    auto m = render_group({a, b}, {}, RenderOptions{});
    EXPECT_TRUE(m.silent);
    EXPECT_NE(m.html.find("событий — 2"), std::string::npos);
    EXPECT_NE(m.subject.find("и ещё 1"), std::string::npos);
    expect_valid_telegram_html(m.html);
}

TEST(Templates, HtmlToTextKeepsLinks) {
    EXPECT_EQ(html_to_text("<b>A &amp; B &lt;c&gt;</b>\n<a href=\"https://x/?a=1&amp;b=2\">Открыть</a>"),
              "A & B <c>\nОткрыть (https://x/?a=1&b=2)");
}

TEST(Split, ShortMessageIsOnePart) {
    auto p = split_message("hello\nworld", 4096);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0], "hello\nworld");
}

TEST(Split, CountsCodePointsAndSplitsOnLineBoundaries) {
    std::string line = "<b>Отправление</b> 05708065-0029-1 — ожидает сборки";  // Cyrillic: 2 bytes each
    std::string msg;
    for (int i = 0; i < 400; ++i) msg += line + "\n";
    auto parts = split_message(msg, 4096);
    ASSERT_GT(parts.size(), 1u);
    std::string joined;
    for (const auto& p : parts) {
        EXPECT_LE(utf8_length(p), 4096u);
        // Every part starts and ends with whole lines: tags are never cut.
        EXPECT_EQ(p.rfind("<b>", 0), 0u);
        EXPECT_EQ(p.substr(p.size() - std::string("сборки").size()), "сборки");
        joined += p + "\n";
    }
    EXPECT_EQ(joined, msg);
    // Bytes would be far more than 4096: the limit is in code points.
    EXPECT_GT(parts[0].size(), 4096u);
}

TEST(Split, OverLongLineIsCutOutsideTagsEntitiesAndCharacters) {
    std::string line;
    for (int i = 0; i < 3000; ++i) line += "Ж&amp;<i>я</i>";
    auto parts = split_message(line, 4096);
    ASSERT_GT(parts.size(), 1u);
    std::string joined;
    for (const auto& p : parts) {
        EXPECT_LE(utf8_length(p), 4096u);
        EXPECT_NE(static_cast<unsigned char>(p[0]) & 0xC0, 0x80) << "starts inside a UTF-8 character";
        // Balanced <i> pairs and whole entities in every part.
        std::size_t open = 0, close = 0;
        for (std::size_t k = p.find("<i>"); k != std::string::npos; k = p.find("<i>", k + 1)) ++open;
        for (std::size_t k = p.find("</i>"); k != std::string::npos; k = p.find("</i>", k + 1)) ++close;
        EXPECT_EQ(open, close);
        EXPECT_EQ(p.find("&am", p.size() - 3), std::string::npos);
        joined += p;
    }
    EXPECT_EQ(joined, line);
}
