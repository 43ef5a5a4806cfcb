// Rendering through the event-type registry: the generic frame, the FactSink for HTML and text,
// the fallback for unregistered types, link precedence, and alerts' own types. The tests
// declare their own types (../test_event_types.hpp); the expected texts are written out here.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>

#include "alerts/templates.hpp"
#include "alerts_test_util.hpp"

using namespace ozw;
using namespace ozw::alerts;
using namespace ozw::alerts::testing;

namespace {

// A test.posting_problem with every fact filled.
Event problem(const std::string& number = "0570-1") {
    register_test_types();
    Event e;
    e.type = kProblem;
    e.severity = Severity::critical;
    e.kind = EventKind::condition;
    e.account = "main";
    e.key = std::string(kProblem) + ":" + number;
    e.details = {{"posting_number", number},
                 {"status", "arbitration"},
                 {"products", {{{"name", "Платье"}, {"quantity", 2}}, {{"name", "Шарф"}}}},
                 {"shipment_date", "2026-11-26T14:00:00Z"},
                 {"affects_rating", true},
                 {"handover_deadline", "16:30"},
                 {"comment", "Позвоните"},
                 {"photos", {"https://cdn/1.jpg", "https://cdn/2.jpg"}}};
    return e;
}

RenderOptions lang(const char* language, const char* tz = "Europe/Moscow") {
    RenderOptions o;
    o.language = language;
    o.timezone = tz;
    return o;
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

// The line of a block that starts with `prefix` (without the newline); "" when none.
std::string line_with(const std::string& block, const std::string& prefix) {
    std::size_t pos = 0;
    while (pos <= block.size()) {
        std::size_t nl = block.find('\n', pos);
        std::string line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (line.rfind(prefix, 0) == 0) return line;
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    return {};
}

}  // namespace

TEST(Templates, TitleIsTheTypesTitlePlusTheSubject) {
    Event e = problem();
    EXPECT_EQ(event_title(e, "ru"), "Проблема с отправлением 0570-1");
    EXPECT_EQ(event_title(e, "en"), "Posting problem 0570-1");
    e.details["posting_number"] = "";  // an empty subject adds nothing, not even a space
    EXPECT_EQ(event_title(e, "ru"), "Проблема с отправлением");
    e.details.erase("posting_number");
    EXPECT_EQ(event_title(e, "en"), "Posting problem");
    e = problem();
    e.state = EventState::resolved;
    EXPECT_EQ(event_title(e, "ru"), "Решено: Проблема с отправлением 0570-1");
    EXPECT_EQ(event_title(e, "en"), "Resolved: Posting problem 0570-1");
    e.title = "ignored for a registered type";
    EXPECT_EQ(event_title(e, "ru"), "Решено: Проблема с отправлением 0570-1");
}

TEST(Templates, RussianHtmlBlockHasFrameFactsTodoAndLink) {
    EXPECT_EQ(render_event(problem(), "new", lang("ru"), Format::html),
              "🔴 <b>Проблема с отправлением 0570-1</b>\n"
              "Аккаунт: main\n"
              "Товары: Платье × 2; Шарф\n"
              "Отгрузить до: 26.11.2026 17:00\n"
              "Рейтинг: влияет на рейтинг\n"
              "Комментарий: Позвоните\n"
              "Фото: <a href=\"https://cdn/1.jpg\">1</a> <a href=\"https://cdn/2.jpg\">2</a>\n"
              "<b>Что делать:</b> Передайте отправление на ПВЗ до 16:30.\n"
              "<a href=\"https://seller.ozon.ru/app/postings/fbs?search=0570-1\">Открыть в кабинете</a>");
}

TEST(Templates, EnglishTextBlockHasFrameFactsTodoAndLink) {
    EXPECT_EQ(render_event(problem(), "new", lang("en"), Format::text),
              "🔴 Posting problem 0570-1\n"
              "Account: main\n"
              "Items: Платье × 2; Шарф\n"
              "Ship by: 26.11.2026 17:00\n"
              "Rating: affects the rating\n"
              "Comment: Позвоните\n"
              "Photos: https://cdn/1.jpg https://cdn/2.jpg\n"
              "What to do: Hand the posting over before 16:30.\n"
              "https://seller.ozon.ru/app/postings/fbs?search=0570-1");
}

TEST(Templates, EmptyFactsAreLeftOut) {
    Event e = problem();
    e.account.clear();
    e.details = {{"posting_number", "0570-1"}, {"affects_rating", false}};
    EXPECT_EQ(render_event(e, "new", lang("ru"), Format::text),
              "🔴 Проблема с отправлением 0570-1\n"
              "Что делать: Передайте отправление на ПВЗ до {handover_deadline}.\n"  // unknown: as written
              "https://seller.ozon.ru/app/postings/fbs?search=0570-1");
}

TEST(Templates, TimeFactsAreInTheConfiguredLocalTime) {
    Event e = problem();
    // 14:00Z is 17:00 in Moscow (UTC+3) and 19:00 in Yekaterinburg (UTC+5).
    EXPECT_EQ(line_with(render_event(e, "new", lang("ru"), Format::text), "Отгрузить до"),
              "Отгрузить до: 26.11.2026 17:00");
    EXPECT_EQ(line_with(render_event(e, "new", lang("en", "Asia/Yekaterinburg"), Format::html), "Ship by"),
              "Ship by: 26.11.2026 19:00");
    // Across midnight: 22:30Z is the next local day in Moscow.
    e.details["shipment_date"] = "2026-11-26T22:30:00.000Z";
    EXPECT_EQ(line_with(render_event(e, "new", lang("ru"), Format::text), "Отгрузить до"),
              "Отгрузить до: 27.11.2026 01:30");
    // Text that is no ISO-8601 instant is shown as it is.
    e.details["shipment_date"] = "завтра";
    EXPECT_EQ(line_with(render_event(e, "new", lang("ru"), Format::text), "Отгрузить до"),
              "Отгрузить до: завтра");
    // An unknown zone does not break the message: the instant is shown as it came.
    e.details["shipment_date"] = "2026-11-26T14:00:00Z";
    EXPECT_EQ(line_with(render_event(e, "new", lang("ru", "Mars/Olympus"), Format::text), "Отгрузить до"),
              "Отгрузить до: 2026-11-26T14:00:00Z");
}

TEST(Templates, HtmlEscapesValuesButTextKeepsThem) {
    Event e = problem();
    e.account = "main <&>";
    e.details["products"] = {{{"name", "Платье <b>«Роза»</b> & <script>alert(1)</script>"}, {"quantity", 2}}};
    e.details["comment"] = "Не подошло </a><a href=\"http://evil\"> размер > 44 & цвет";
    e.details["photos"] = {"https://cdn.example/x.jpg?a=1&b=\"2\""};
    e.details["handover_deadline"] = "<17:00 & не позже>";
    auto html = render_event(e, "new", lang("ru"), Format::html);
    EXPECT_EQ(line_with(html, "Аккаунт"), "Аккаунт: main &lt;&amp;&gt;");
    EXPECT_EQ(line_with(html, "Товары"),
              "Товары: Платье &lt;b&gt;«Роза»&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; × 2");
    EXPECT_EQ(line_with(html, "Комментарий"),
              "Комментарий: Не подошло &lt;/a&gt;&lt;a href=&quot;http://evil&quot;&gt; размер &gt; 44 &amp; цвет");
    EXPECT_EQ(line_with(html, "Фото"), "Фото: <a href=\"https://cdn.example/x.jpg?a=1&amp;b=&quot;2&quot;\">1</a>");
    EXPECT_EQ(line_with(html, "<b>Что делать"),
              "<b>Что делать:</b> Передайте отправление на ПВЗ до &lt;17:00 &amp; не позже&gt;.");
    expect_valid_telegram_html(html);

    auto text = render_event(e, "new", lang("ru"), Format::text);
    EXPECT_EQ(line_with(text, "Товары"), "Товары: Платье <b>«Роза»</b> & <script>alert(1)</script> × 2");
    EXPECT_EQ(line_with(text, "Фото"), "Фото: https://cdn.example/x.jpg?a=1&b=\"2\"");
}

TEST(Templates, TodoPlaceholdersAreFilledFromDetails) {
    Event e = problem();
    e.details["handover_deadline"] = "15:00";
    EXPECT_EQ(line_with(render_event(e, "new", lang("ru"), Format::text), "Что делать"),
              "Что делать: Передайте отправление на ПВЗ до 15:00.");
    EXPECT_EQ(line_with(render_event(e, "new", lang("en"), Format::text), "What to do"),
              "What to do: Hand the posting over before 15:00.");
}

TEST(Templates, ResolvedHasNoTodo) {
    Event e = problem();
    e.state = EventState::resolved;
    auto t = render_event(e, "new", lang("ru"), Format::text);
    EXPECT_EQ(t.substr(0, t.find('\n')), "✅ Решено: Проблема с отправлением 0570-1");
    EXPECT_EQ(t.find("Что делать"), std::string::npos);
    EXPECT_EQ(line_with(t, "Товары"), "Товары: Платье × 2; Шарф");  // the facts stay
}

TEST(Templates, RepeatSaysStillHolds) {
    auto html = render_event(problem(), "repeat", lang("ru"), Format::html);
    EXPECT_EQ(html.substr(0, html.find('\n')), "🔁 Всё ещё актуально: <b>Проблема с отправлением 0570-1</b>");
    auto text = render_event(problem(), "repeat", lang("en"), Format::text);
    EXPECT_EQ(text.substr(0, text.find('\n')), "🔁 Still holds: Posting problem 0570-1");
    EXPECT_NE(text.find("What to do:"), std::string::npos);  // still firing: the todo stays
}

TEST(Templates, SeverityIcons) {
    Event e = transition("1", Severity::warning, kSlow);
    EXPECT_EQ(render_event(e, "new", lang("ru"), Format::text).rfind("🟠 Отправление давно стоит 1\n", 0), 0u);
    e.severity = Severity::info;
    EXPECT_EQ(render_event(e, "notice", lang("ru"), Format::text).rfind("🔵 Отправление давно стоит 1\n", 0), 0u);
}

TEST(Templates, UnregisteredTypeListsScalarDetailsAndUsesEventUrl) {
    Event e;
    e.type = "legacy.thing";  // e.g. an old event in the database, of a watch that is gone
    e.severity = Severity::warning;
    e.account = "main";
    e.title = "Something <odd>";
    e.url = "https://seller.ozon.ru/app/x?a=1&b=2";
    e.details = {{"who", "a&b"},     {"answer", 42},         {"ratio", 1.5},
                 {"ok", true},       {"nothing", nullptr},   {"list", {1, 2}},
                 {"obj", {{"k", 1}}}, {"posting_number", "0570-9"}};
    EXPECT_EQ(render_event(e, "new", lang("ru"), Format::html),
              "🟠 <b>Something &lt;odd&gt;</b>\n"
              "Аккаунт: main\n"
              "answer: 42\n"
              "ok: true\n"
              "posting_number: 0570-9\n"
              "ratio: 1.50\n"
              "who: a&amp;b\n"
              "<a href=\"https://seller.ozon.ru/app/x?a=1&amp;b=2\">Открыть в кабинете</a>");
    EXPECT_EQ(event_title(e, "en"), "Something <odd>");
    // No title: the type; no url: the dashboard; resolved: marked, still no todo.
    e.title.clear();
    e.url.clear();
    e.state = EventState::resolved;
    EXPECT_EQ(render_event(e, "new", lang("en"), Format::text),
              "✅ Resolved: legacy.thing\n"
              "Account: main\n"
              "answer: 42\n"
              "ok: true\n"
              "posting_number: 0570-9\n"
              "ratio: 1.50\n"
              "who: a&b\n"
              "https://seller.ozon.ru/app/dashboard/main");
    // Details that are no object at all do not crash anything.
    e.details = "garbage";
    EXPECT_EQ(render_event(e, "new", lang("en"), Format::text),
              "✅ Resolved: legacy.thing\nAccount: main\nhttps://seller.ozon.ru/app/dashboard/main");
}

TEST(Templates, DetailKeysUsedAsLabelsAreEscapedToo) {
    Event e;
    e.type = "legacy.thing";
    e.account = "main";
    e.details = {{"<b>key & co", "v"}};  // an old event's keys are foreign text as well
    const std::string html = render_event(e, "new", lang("en"), Format::html);
    EXPECT_NE(html.find("&lt;b&gt;key &amp; co: v"), std::string::npos) << html;
    EXPECT_EQ(html.find("<b>key"), std::string::npos) << html;
}

TEST(Templates, LinkIsTheTypesThenEventUrlThenDashboard) {
    Event e = problem();
    e.url = "https://seller.ozon.ru/app/from-the-event";
    EXPECT_EQ(cabinet_url(e), "https://seller.ozon.ru/app/postings/fbs?search=0570-1");  // type.url wins
    e.details.erase("posting_number");  // the builder has nothing: Event.url
    EXPECT_EQ(cabinet_url(e), "https://seller.ozon.ru/app/from-the-event");
    e.url.clear();
    EXPECT_EQ(cabinet_url(e), "https://seller.ozon.ru/app/dashboard/main");

    Event n = transition("0570-2");  // test.posting_new: no url builder
    EXPECT_EQ(cabinet_url(n), "https://seller.ozon.ru/app/dashboard/main");
    n.url = "https://seller.ozon.ru/app/postings/fbs?search=0570-2";
    EXPECT_EQ(cabinet_url(n), "https://seller.ozon.ru/app/postings/fbs?search=0570-2");

    // The group's button and the block's link are that same link.
    auto m = render_group({problem()}, {}, RenderOptions{});
    EXPECT_EQ(m.button_url, "https://seller.ozon.ru/app/postings/fbs?search=0570-1");
    EXPECT_EQ(m.button_text, "Открыть в кабинете");
}

TEST(Templates, ATypeWhoseRenderersThrowStillRenders) {
    EventType t;
    t.type = "test.throwing";
    t.title_ru = "Сломанный тип";
    t.title_en = "Broken type";
    t.facts = [](const DetailsView& d, FactSink& s) {
        s.fact("Половина", "Half", d.str("a"));
        throw std::runtime_error("bug");
    };
    t.url = [](const Event&) -> std::string { throw std::runtime_error("bug"); };
    event_types().add(t);
    Event e;
    e.type = "test.throwing";
    e.url = "https://seller.ozon.ru/app/x";
    e.details = {{"a", "1"}, {"b", 2}};
    EXPECT_EQ(render_event(e, "new", lang("ru"), Format::text),
              "🔵 Сломанный тип\n"
              "a: 1\n"
              "b: 2\n"
              "https://seller.ozon.ru/app/x");
}

TEST(Templates, GroupHasHeaderSubjectAndInfoIsSilent) {
    auto a = transition("1");
    auto b = transition("2", Severity::info, kUnread);
    auto m = render_group({a, b}, {}, RenderOptions{});
    EXPECT_TRUE(m.silent);
    EXPECT_EQ(m.severity, Severity::info);
    EXPECT_EQ(m.html.rfind("<b>ozonwatch: событий — 2</b>\n\n🔵 <b>Новое тестовое отправление 1</b>\n", 0), 0u);
    EXPECT_EQ(m.subject, "[ozonwatch] Новое тестовое отправление 1 и ещё 1");
    expect_valid_telegram_html(m.html);

    auto c = render_group({a, problem()}, {}, RenderOptions{});
    EXPECT_FALSE(c.silent);
    EXPECT_EQ(c.severity, Severity::critical);
    EXPECT_EQ(c.subject, "[ozonwatch] Проблема с отправлением 0570-1 и ещё 1");  // the most severe leads
    auto en = render_group({problem()}, {}, lang("en"));
    EXPECT_EQ(en.subject, "[ozonwatch] Posting problem 0570-1");
    EXPECT_EQ(en.button_text, "Open in seller cabinet");
}

TEST(AlertsTypes, AlertsDeclaresOnlyItsOwnTypes) {
    EventTypeRegistry reg;
    register_event_types(reg);
    std::vector<std::string> names;
    for (const auto* t : reg.all()) {
        names.push_back(t->type);
        EXPECT_EQ(t->source, "ozonwatch") << t->type;
        EXPECT_FALSE(t->title_ru.empty()) << t->type;
        EXPECT_FALSE(t->title_en.empty()) << t->type;
        EXPECT_TRUE(t->facts) << t->type;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"notify.delivery_failed", "notify.test"}));
    // Installing twice keeps the first declarations.
    register_event_types(reg);
    EXPECT_EQ(reg.all().size(), 2u);
}

TEST(AlertsTypes, RenderingInstallsThemInTheProcessRegistry) {
    Event e;
    e.type = "notify.test";
    render_event(e, "new", RenderOptions{}, Format::text);
    EXPECT_TRUE(event_types().contains("notify.delivery_failed"));
    EXPECT_TRUE(event_types().contains("notify.test"));
    // The watches' types are not alerts' business: nothing here declares them.
    EXPECT_FALSE(event_types().contains("posting.arbitration"));
}

TEST(AlertsTypes, DeliveryFailedNoticeInBothLanguages) {
    Event e;
    e.type = "notify.delivery_failed";
    e.kind = EventKind::transition;
    e.severity = Severity::critical;
    e.title = "Delivery to telegram:-100 failed";
    e.details = {{"channel", "telegram:-100"},
                 {"error", "telegram: 400 Bad Request: chat <not> found"},
                 {"count", 3},
                 {"event_keys", {"test.posting_problem:1", "test.posting_problem:2", "test.posting_new:3"}}};
    EXPECT_EQ(render_event(e, "notice", lang("ru"), Format::html),
              "🔴 <b>Не удалось доставить уведомления telegram:-100</b>\n"
              "Канал: telegram:-100\n"
              "Ошибка: telegram: 400 Bad Request: chat &lt;not&gt; found\n"
              "Не доставлено событий: 3\n"
              "События: test.posting_problem:1, test.posting_problem:2, test.posting_new:3\n"
              "<b>Что делать:</b> Проверьте настройки канала telegram:-100 (токен бота, чат, SMTP) и выполните "
              "«ozonwatch notify test». Недоставленные события смотрите в «ozonwatch events».\n"
              "<a href=\"https://seller.ozon.ru/app/dashboard/main\">Открыть в кабинете</a>");
    e.details["count"] = 25;  // the dispatcher lists at most 20 keys
    EXPECT_EQ(render_event(e, "notice", lang("en"), Format::text),
              "🔴 Notifications could not be delivered telegram:-100\n"
              "Channel: telegram:-100\n"
              "Error: telegram: 400 Bad Request: chat <not> found\n"
              "Events not delivered: 25\n"
              "Events: test.posting_problem:1, test.posting_problem:2, test.posting_new:3, …\n"
              "What to do: Check the settings of telegram:-100 (bot token, chat, SMTP) and run "
              "`ozonwatch notify test`. See the undelivered events with `ozonwatch events`.\n"
              "https://seller.ozon.ru/app/dashboard/main");
}

TEST(AlertsTypes, NotifyTestMessage) {
    Event e;
    e.type = "notify.test";
    e.details = {{"host", "shop-server"}};
    auto m = render_group({e}, {"new"}, RenderOptions{});
    EXPECT_EQ(m.subject, "[ozonwatch] Проверка уведомлений ozonwatch");
    EXPECT_EQ(m.text,
              "🔵 Проверка уведомлений ozonwatch\n"
              "Если вы это читаете, ozonwatch может достучаться до вас через этот канал.\n"
              "Сервер: shop-server\n"
              "https://seller.ozon.ru/app/dashboard/main");
    EXPECT_EQ(render_event(e, "new", lang("en"), Format::text),
              "🔵 ozonwatch notification test\n"
              "If you read this, ozonwatch can reach you through this channel.\n"
              "Host: shop-server\n"
              "https://seller.ozon.ru/app/dashboard/main");
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
