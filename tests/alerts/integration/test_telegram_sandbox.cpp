// The Telegram notifier against the sandbox's Bot API, with every error class injected; and
// the whole pipeline (store -> router -> dispatcher -> Telegram) printing what the chat got.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "alerts/dispatcher.hpp"
#include "alerts/telegram.hpp"
#include "alerts/templates.hpp"
#include "sandbox_util.hpp"

using namespace ozw;
using namespace ozw::alerts;
using namespace ozw::alerts::testing;
using namespace std::chrono_literals;

namespace {

TelegramConfig tg_config(const sandbox::Sandbox& sb, std::string token = kToken) {
    TelegramConfig c;
    c.bot_token = std::move(token);
    c.api_base = sb.base_url();
    return c;
}

Event arbitration() {
    register_test_types();
    Event e;
    e.type = kProblem;
    e.severity = Severity::critical;
    e.kind = EventKind::condition;
    e.account = "main";
    e.key = std::string(kProblem) + ":05708065-0029-1";
    e.details = {{"posting_number", "05708065-0029-1"},
                 {"status", "arbitration"},
                 {"handover_deadline", "17:00"},
                 {"products", {{{"name", "Платье <Роза> & бант \"Люкс\""}, {"offer_id", "DR-01"}, {"quantity", 1}}}}};
    return e;
}

// A warning with a hostile comment, photo links and a time.
Event return_request() {
    register_test_types();
    Event e;
    e.type = kReturn;
    e.severity = Severity::warning;
    e.kind = EventKind::condition;
    e.account = "main";
    e.key = std::string(kReturn) + ":41234567-0012-1";
    e.details = {{"posting_number", "41234567-0012-1"},
                 {"products", {{{"name", "Юбка-карандаш <S>"}, {"quantity", 1}}}},
                 {"comment", "Маломерит, цвет вживую темнее </b> & не тот"},
                 {"photos", {"https://cdn.ozon.ru/rp/1.jpg", "https://cdn.ozon.ru/rp/2.jpg?a=1&b=2"}},
                 {"shipment_date", "2026-11-28T09:00:00Z"},
                 {"handover_deadline", "12:00"}};
    return e;
}

Event posting_new() {
    register_test_types();
    Event e;
    e.type = kNew;
    e.severity = Severity::info;
    e.account = "main";
    e.key = std::string(kNew) + ":87654321-0001-1";
    e.url = "https://seller.ozon.ru/app/postings/fbs?search=87654321-0001-1";
    e.details = {{"posting_number", "87654321-0001-1"}};
    return e;
}

// A return request with the customer's photos (test.return_photos: photos_key "photos",
// caption_key "comment").
Event with_photos(nlohmann::json photos, const std::string& comment = "Маломерит, цвет темнее") {
    register_test_types();
    Event e;
    e.id = "ev-" + std::to_string(photos.size()) + "-" + std::to_string(comment.size());
    e.type = kReturnPhotos;
    e.severity = Severity::warning;
    e.kind = EventKind::condition;
    e.account = "main";
    e.key = std::string(kReturnPhotos) + ":41234567-0012-1";
    e.details = {{"posting_number", "41234567-0012-1"},
                 {"products", {{{"name", "Юбка-карандаш <S>"}, {"quantity", 1}}}},
                 {"comment", comment},
                 {"photos", std::move(photos)},
                 {"handover_deadline", "12:00"}};
    return e;
}

const nlohmann::json kTwoPhotos = {"https://cdn.ozon.ru/rp/1.jpg", "https://cdn.ozon.ru/rp/2.jpg?a=1&b=2"};

class TelegramSandbox : public ::testing::Test {
protected:
    std::unique_ptr<sandbox::Sandbox> sb = start_sandbox();
    boost::asio::io_context ioc;

    std::unique_ptr<TelegramNotifier> notifier(std::string chat, std::optional<long long> thread = {},
                                               std::string token = kToken, Millis timeout = 5s,
                                               std::size_t max_chars = 4096) {
        return std::make_unique<TelegramNotifier>(ioc.get_executor(), tg_config(*sb, token),
                                                  TelegramTarget{std::move(chat), thread}, timeout, max_chars);
    }
    RenderedMessage msg(std::vector<Event> events) { return render_group(events, {}, RenderOptions{}); }
    // Alerts to the sandbox's chat -1001 and nowhere else.
    Config one_chat_config() {
        Config cfg;
        TelegramConfig tg = tg_config(*sb);
        ozw::TelegramChat chat;
        chat.chat_id = "-1001";
        tg.chats.push_back(chat);
        cfg.notify.telegram = tg;
        return cfg;
    }
};

}  // namespace

TEST_F(TelegramSandbox, SendsHtmlWithButtonNoPreviewAndThread) {
    auto n = notifier("-1001", 42);
    EXPECT_EQ(n->channel(), "telegram:-1001:42");
    auto r = send_sync(ioc, *n, msg({arbitration()}));
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 1u);
    const auto& m = got[0];
    EXPECT_TRUE(m.ok) << m.description;
    EXPECT_EQ(m.method, "sendMessage");
    EXPECT_EQ(m.chat_id, "-1001");
    EXPECT_EQ(m.parse_mode, "HTML");
    EXPECT_EQ(m.message_thread_id, 42);
    EXPECT_FALSE(m.disable_notification);  // critical rings
    EXPECT_EQ(m.body["link_preview_options"]["is_disabled"], true);
    EXPECT_TRUE(m.body["chat_id"].is_number_integer());
    EXPECT_EQ(m.reply_markup["inline_keyboard"][0][0]["url"],
              "https://seller.ozon.ru/app/postings/fbs?search=05708065-0029-1");
    EXPECT_EQ(m.reply_markup["inline_keyboard"][0][0]["text"], "Открыть в кабинете");
    EXPECT_NE(m.text.find("Платье &lt;Роза&gt; &amp; бант &quot;Люкс&quot;"), std::string::npos);
}

TEST_F(TelegramSandbox, InfoIsSilent) {
    auto n = notifier("-1001");
    ASSERT_TRUE(send_sync(ioc, *n, msg({posting_new()})).ok());
    EXPECT_TRUE(sb->telegram_messages().at(0).disable_notification);
}

TEST_F(TelegramSandbox, LongDigestIsSplitAndEveryPartAccepted) {
    std::vector<Event> many;
    for (int i = 0; i < 120; ++i) {
        Event e = return_request();
        e.details["posting_number"] = "4123-" + std::to_string(i);
        many.push_back(e);
    }
    auto n = notifier("-1001");
    auto r = send_sync(ioc, *n, msg(many));
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_GT(got.size(), 2u);
    for (const auto& m : got) {
        EXPECT_TRUE(m.ok) << m.description;
        EXPECT_LE(utf8_length(m.text), 4096u);
    }
    EXPECT_FALSE(got.back().reply_markup.is_null());  // the button sits under the last part
    EXPECT_TRUE(got.front().reply_markup.is_null());
}

TEST_F(TelegramSandbox, RateLimitGivesRetryAfter) {
    sb->inject_fault({"/bot*/sendMessage", sandbox::FaultKind::rate_limit, 1, 7});
    auto r = send_sync(ioc, *notifier("-1001"), msg({posting_new()}));
    EXPECT_EQ(r.kind, SendResult::Kind::retry_after);
    EXPECT_EQ(r.retry_after, 7s);
    EXPECT_NE(r.error.find("429"), std::string::npos);
}

TEST_F(TelegramSandbox, ServerErrorsDropsAndTimeoutsBackOff) {
    auto n = notifier("-1001", {}, kToken, 500ms);
    sb->inject_fault({"/bot*/sendMessage", sandbox::FaultKind::server_error, 1, 1, 502});
    EXPECT_EQ(send_sync(ioc, *n, msg({posting_new()})).kind, SendResult::Kind::retry_backoff);
    // Two drops: the HTTP client retries once on a fresh connection when a pooled one dies.
    sb->inject_fault({"/bot*/sendMessage", sandbox::FaultKind::drop_connection, 2});
    EXPECT_EQ(send_sync(ioc, *n, msg({posting_new()})).kind, SendResult::Kind::retry_backoff);
    sandbox::FaultSpec slow{"/bot*/sendMessage", sandbox::FaultKind::delay, 1};
    slow.delay = 2s;
    sb->inject_fault(slow);
    auto r = send_sync(ioc, *n, msg({posting_new()}));
    EXPECT_EQ(r.kind, SendResult::Kind::retry_backoff) << r.error;
    // After the faults, the same notifier works again.
    EXPECT_TRUE(send_sync(ioc, *n, msg({posting_new()})).ok());
}

TEST_F(TelegramSandbox, PermanentErrorsAndTheTokenNeverShows) {
    auto r = send_sync(ioc, *notifier("-1009"), msg({posting_new()}));
    EXPECT_EQ(r.kind, SendResult::Kind::permanent);
    EXPECT_NE(r.error.find("chat not found"), std::string::npos);
    r = send_sync(ioc, *notifier("-1002"), msg({posting_new()}));
    EXPECT_EQ(r.kind, SendResult::Kind::permanent);
    EXPECT_NE(r.error.find("blocked"), std::string::npos);
    r = send_sync(ioc, *notifier("-1001", {}, "999:WRONG-token-value-BBBB"), msg({posting_new()}));
    EXPECT_EQ(r.kind, SendResult::Kind::permanent);
    EXPECT_NE(r.error.find("invalid token"), std::string::npos);
    EXPECT_EQ(r.error.find("WRONG-token"), std::string::npos);
    // A connection error message must not carry the token either (it is in the URL).
    TelegramConfig dead;
    dead.bot_token = kToken;
    dead.api_base = "http://127.0.0.1:1";
    TelegramNotifier n(ioc.get_executor(), dead, {"-1001", {}}, 2s);
    r = send_sync(ioc, n, msg({posting_new()}));
    EXPECT_EQ(r.kind, SendResult::Kind::retry_backoff);
    EXPECT_EQ(r.error.find("TEST-token"), std::string::npos) << r.error;
    EXPECT_EQ(n.mask(std::string("x ") + kToken + " y"), "x *** y");
}

TEST_F(TelegramSandbox, MigratedGroupSwitchesToTheNewId) {
    auto n = notifier("-1003");
    auto r = send_sync(ioc, *n, msg({posting_new()}));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(n->current_chat_id(), "-1004");
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_FALSE(got[0].ok);
    EXPECT_TRUE(got[1].ok);
    EXPECT_EQ(got[1].chat_id, "-1004");
    ASSERT_TRUE(send_sync(ioc, *n, msg({posting_new()})).ok());
    EXPECT_EQ(sb->telegram_messages().size(), 3u);  // straight to the new id from then on
    EXPECT_EQ(n->channel(), "telegram:-1003");     // the outbox channel name stays
}

TEST_F(TelegramSandbox, BrokenHtmlIsResentAsPlainText) {
    RenderedMessage m = msg({posting_new()});
    m.html = "<b>Новое отправление <i>87654321-0001-1</b>\n<a href=\"https://x\">Открыть</a>";
    auto r = send_sync(ioc, *notifier("-1001"), m);
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_FALSE(got[0].ok);
    EXPECT_NE(got[0].description.find("can't parse entities"), std::string::npos);
    EXPECT_TRUE(got[1].ok);
    EXPECT_EQ(got[1].parse_mode, "");
    EXPECT_EQ(got[1].text, "Новое отправление 87654321-0001-1\nОткрыть (https://x)");
}

TEST_F(TelegramSandbox, TooLongIsSplitOnceNeverLoops) {
    // Pretend our limit were wrong: 6000 code points per part; Telegram refuses, we halve once.
    std::string html;
    for (int i = 0; i < 100; ++i) html += "Строка номер " + std::to_string(i) + " — ещё немного текста для длины.\n";
    while (utf8_length(html) < 5500) html += html;
    RenderedMessage m = msg({posting_new()});
    m.html = html;
    auto r = send_sync(ioc, *notifier("-1001", {}, kToken, 5s, 6000), m);
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    EXPECT_FALSE(got[0].ok);
    EXPECT_NE(got[0].description.find("too long"), std::string::npos);
    for (std::size_t i = 1; i < got.size(); ++i) EXPECT_TRUE(got[i].ok);
    EXPECT_LE(got.size(), 1 + 4u);
}

// The whole pipeline, and what the chat sees: printed for the closing note.
TEST_F(TelegramSandbox, PipelineDeliversThreeRealMessages) {
    std::string dir = (std::filesystem::temp_directory_path() / ("ozw-tg-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    Config cfg = one_chat_config();
    const TelegramConfig& tg = *cfg.notify.telegram;
    ManualClock clock(*parse_iso8601("2026-11-26T07:00:00Z"));
    {
        Store store(dir + "/s.db");
        std::vector<NotifierPtr> ns;
        ns.push_back(std::make_unique<TelegramNotifier>(ioc.get_executor(), tg, TelegramTarget{"-1001", {}}));
        Dispatcher d(cfg, store, clock, std::move(ns));
        Router router = make_router(cfg, store, clock);
        // Three separate moments, so three messages (group_wait apart, group_interval passed).
        std::vector<std::vector<Event>> moments = {{arbitration()}, {return_request()}, {posting_new()}};
        for (auto& batch : moments) {
            ApplyBatch b;
            for (auto& e : batch) {
                if (e.kind == EventKind::condition) b.conditions.push_back({"main", e.type, {e}});
                else b.transitions.push_back(e);
            }
            b.now = clock.now();
            store.apply(b, router);
            clock.advance(cfg.notify.group_wait);
            d.tick_sync(ioc);
            clock.advance(cfg.notify.group_interval);
        }
        EXPECT_TRUE(store.pending_outbox().empty());
    }
    std::filesystem::remove_all(dir);
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 3u);
    for (const auto& m : got) {
        EXPECT_TRUE(m.ok) << m.description;
        std::cout << "----- chat " << m.chat_id << (m.disable_notification ? " (silent)" : "") << "\n"
                  << m.text << "\n[button] " << m.reply_markup["inline_keyboard"][0][0]["text"].get<std::string>()
                  << " -> " << m.reply_markup["inline_keyboard"][0][0]["url"].get<std::string>() << "\n";
    }
}

// Issue 10: Telegram down for two virtual hours (every request answered 502, getMe included).
// The dispatcher keeps trying, probes with getMe between its tries, and when the Bot API
// answers again every queued event goes within half a minute, once, in one message.
TEST_F(TelegramSandbox, ATwoHourOutageLosesNothingAndEndsWithinHalfAMinuteOfRecovery) {
    std::string dir = (std::filesystem::temp_directory_path() / ("ozw-tg-outage-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    Config cfg = one_chat_config();
    const TelegramConfig& tg = *cfg.notify.telegram;
    ManualClock clock(*parse_iso8601("2026-11-26T07:00:00Z"));
    const TimePoint back = clock.now() + 2h + 13s;
    sandbox::FaultSpec outage{"/bot*", sandbox::FaultKind::server_error};
    outage.times = 0;  // until cleared
    outage.status = 502;
    sb->inject_fault(outage);
    {
        Store store(dir + "/s.db");
        std::vector<NotifierPtr> ns;
        ns.push_back(std::make_unique<TelegramNotifier>(ioc.get_executor(), tg, TelegramTarget{"-1001", {}}));
        Dispatcher d(cfg, store, clock, std::move(ns));
        Router router = make_router(cfg, store, clock);
        ApplyBatch b;
        b.conditions.push_back({"main", kProblem, {arbitration()}});
        b.conditions.push_back({"main", kReturn, {return_request()}});
        b.transitions.push_back(posting_new());
        b.now = clock.now();
        store.apply(b, router);
        d.tick_sync(ioc);  // builds the schedule: group_wait first
        bool cleared = false;
        for (int pass = 0; pass < 5000 && !store.pending_outbox().empty(); ++pass) {
            const TimePoint due = d.next_due();
            ASSERT_NE(due, TimePoint::max());
            if (!cleared && due >= back) {
                clock.set(back);
                sb->clear_faults();  // Telegram is back
                cleared = true;
            }
            clock.set(std::max(due, clock.now()));
            d.tick_sync(ioc);
        }
        EXPECT_TRUE(cleared);
        EXPECT_TRUE(store.pending_outbox().empty());
        EXPECT_TRUE(store.outbox_rows(OutboxStatus::failed).empty());
        EXPECT_LE(clock.now(), back + kProbeEvery);
    }
    std::filesystem::remove_all(dir);
    int delivered = 0, probes = 0, refused = 0;
    std::string text;
    for (const auto& m : sb->telegram_messages()) {
        if (m.method == "getMe") ++probes;
        if (m.method != "sendMessage") continue;
        if (m.ok) {
            ++delivered;
            text += m.text;
        } else {
            ++refused;
        }
    }
    EXPECT_EQ(delivered, 1);  // all three in one message, once
    for (const char* posting : {"05708065-0029-1", "41234567-0012-1", "87654321-0001-1"})
        EXPECT_NE(text.find(posting), std::string::npos) << posting;
    EXPECT_GT(refused, 20);   // it kept trying, at most 5 min apart
    EXPECT_LT(refused, 40);
    EXPECT_GT(probes, 150);   // and asked getMe every 30 s in between
}

// --- Issue 11: a return request's photos as an album above the text.

TEST_F(TelegramSandbox, TwoPhotosGoAsOneMediaGroupThenTheText) {
    RenderedMessage m = msg({with_photos(kTwoPhotos)});
    ASSERT_EQ(m.albums.size(), 1u);
    auto r = send_sync(ioc, *notifier("-1001", 42), m);
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 2u);
    // The album first: one sendMediaGroup with both photos, the caption on the first item.
    EXPECT_EQ(got[0].method, "sendMediaGroup");
    EXPECT_TRUE(got[0].ok) << got[0].description;
    EXPECT_EQ(got[0].media, (std::vector<std::string>{"https://cdn.ozon.ru/rp/1.jpg",
                                                      "https://cdn.ozon.ru/rp/2.jpg?a=1&b=2"}));
    EXPECT_EQ(got[0].text, "<b>Заявка на возврат с фото 41234567-0012-1</b>\nМаломерит, цвет темнее");
    EXPECT_EQ(got[0].parse_mode, "HTML");
    EXPECT_EQ(got[0].body["media"][0]["type"], "photo");
    EXPECT_FALSE(got[0].body["media"][1].contains("caption"));
    EXPECT_EQ(got[0].chat_id, "-1001");
    EXPECT_EQ(got[0].message_thread_id, 42);  // same forum topic as the text
    // Then the text, with its button and the photo links.
    EXPECT_EQ(got[1].method, "sendMessage");
    EXPECT_TRUE(got[1].ok) << got[1].description;
    EXPECT_LT(got[0].seq, got[1].seq);
    EXPECT_EQ(got[1].message_thread_id, 42);
    EXPECT_NE(got[1].text.find("href=\"https://cdn.ozon.ru/rp/2.jpg?a=1&amp;b=2\""), std::string::npos) << got[1].text;
    EXPECT_FALSE(got[1].reply_markup.is_null());
}

TEST_F(TelegramSandbox, OnePhotoGoesAsSendPhoto) {
    auto r = send_sync(ioc, *notifier("-1001"), msg({with_photos({"https://cdn.ozon.ru/rp/only.jpg"})}));
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].method, "sendPhoto");
    EXPECT_TRUE(got[0].ok) << got[0].description;
    EXPECT_EQ(got[0].media, std::vector<std::string>{"https://cdn.ozon.ru/rp/only.jpg"});
    EXPECT_EQ(got[0].body["photo"], "https://cdn.ozon.ru/rp/only.jpg");
    EXPECT_EQ(got[0].text, "<b>Заявка на возврат с фото 41234567-0012-1</b>\nМаломерит, цвет темнее");
    EXPECT_EQ(got[0].parse_mode, "HTML");
    EXPECT_TRUE(got[0].body["chat_id"].is_number_integer());
    EXPECT_EQ(got[1].method, "sendMessage");
    EXPECT_TRUE(got[1].ok);
}

TEST_F(TelegramSandbox, CaptionWithHtmlSpecialCharactersArrivesEscapedAndParses) {
    auto r = send_sync(ioc, *notifier("-1001"), msg({with_photos(kTwoPhotos, "Не тот <b>размер</b> & \"цвет\" </i>")}));
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 2u);  // no plain-text resend: the sandbox parsed our HTML caption
    EXPECT_EQ(got[0].method, "sendMediaGroup");
    EXPECT_TRUE(got[0].ok) << got[0].description;
    EXPECT_EQ(got[0].parse_mode, "HTML");
    EXPECT_EQ(got[0].text, "<b>Заявка на возврат с фото 41234567-0012-1</b>\n"
                           "Не тот &lt;b&gt;размер&lt;/b&gt; &amp; &quot;цвет&quot; &lt;/i&gt;");
}

TEST_F(TelegramSandbox, ALongCyrillicCaptionIsAcceptedAsCut) {
    std::string comment;
    for (int i = 0; i < 700; ++i) comment += "ж&";
    auto r = send_sync(ioc, *notifier("-1001"), msg({with_photos(kTwoPhotos, comment)}));
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_GE(got.size(), 2u);  // the text itself may come in parts (it is long too)
    EXPECT_EQ(got[0].method, "sendMediaGroup");
    EXPECT_TRUE(got[0].ok) << got[0].description;  // not "message caption is too long"
    EXPECT_EQ(got[0].parse_mode, "HTML");
    EXPECT_EQ(utf8_length(html_to_text(got[0].text)), 1024u);
    for (std::size_t i = 1; i < got.size(); ++i) {
        EXPECT_EQ(got[i].method, "sendMessage");
        EXPECT_TRUE(got[i].ok) << got[i].description;
    }
}

TEST_F(TelegramSandbox, AnUnreachablePhotoDoesNotCostTheAlert) {
    // Straight through the notifier: the album is refused once, the text goes, the send is ok.
    auto r = send_sync(ioc, *notifier("-1001"),
                       msg({with_photos({"https://cdn.ozon.ru/rp/1.jpg", "https://unreachable.example/2.jpg"})}));
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].method, "sendMediaGroup");
    EXPECT_FALSE(got[0].ok);
    EXPECT_EQ(got[0].description, "Bad Request: failed to get HTTP URL content");
    EXPECT_EQ(got[1].method, "sendMessage");
    EXPECT_TRUE(got[1].ok) << got[1].description;
    EXPECT_NE(got[1].text.find("https://unreachable.example/2.jpg"), std::string::npos);  // the links

    // And through the whole pipeline: the row counts as delivered, nothing fails or waits.
    sb->clear_logs();
    std::string dir = (std::filesystem::temp_directory_path() / ("ozw-tg-photo-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    Config cfg = one_chat_config();
    ManualClock clock(*parse_iso8601("2026-11-26T07:00:00Z"));
    {
        Store store(dir + "/s.db");
        std::vector<NotifierPtr> ns;
        ns.push_back(std::make_unique<TelegramNotifier>(ioc.get_executor(), *cfg.notify.telegram,
                                                        TelegramTarget{"-1001", {}}));
        Dispatcher d(cfg, store, clock, std::move(ns));
        Router router = make_router(cfg, store, clock);
        Event e = with_photos({"https://unreachable.example/only.jpg"});
        e.id.clear();  // the store assigns it
        ApplyBatch b;
        b.conditions.push_back({"main", kReturnPhotos, {e}});
        b.now = clock.now();
        store.apply(b, router);
        clock.advance(cfg.notify.group_wait);
        d.tick_sync(ioc);
        EXPECT_TRUE(store.pending_outbox().empty());
        EXPECT_TRUE(store.outbox_rows(OutboxStatus::failed).empty());
        EXPECT_EQ(store.outbox_rows(OutboxStatus::sent).size(), 1u);
    }
    std::filesystem::remove_all(dir);
    got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].method, "sendPhoto");
    EXPECT_EQ(got[0].description, "Bad Request: failed to get HTTP URL content");
    EXPECT_EQ(got[1].method, "sendMessage");
    EXPECT_TRUE(got[1].ok);
}

TEST_F(TelegramSandbox, BrokenCaptionHtmlIsResentWithThePlainCaption) {
    RenderedMessage m = msg({with_photos(kTwoPhotos)});
    ASSERT_EQ(m.albums.size(), 1u);
    m.albums[0].caption_html = "<b>Заявка <i>41234567-0012-1</b>";
    m.albums[0].caption_text = "Заявка 41234567-0012-1";
    auto r = send_sync(ioc, *notifier("-1001"), m);
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_FALSE(got[0].ok);
    EXPECT_NE(got[0].description.find("can't parse entities"), std::string::npos);
    EXPECT_EQ(got[1].method, "sendMediaGroup");
    EXPECT_TRUE(got[1].ok) << got[1].description;
    EXPECT_EQ(got[1].parse_mode, "");
    EXPECT_EQ(got[1].text, "Заявка 41234567-0012-1");
    EXPECT_EQ(got[1].media.size(), 2u);
    EXPECT_EQ(got[2].method, "sendMessage");
    EXPECT_EQ(got[2].parse_mode, "HTML");  // the text keeps its own HTML
}

TEST_F(TelegramSandbox, AlbumErrorsAreClassifiedLikeTheText) {
    const RenderedMessage m = msg({with_photos(kTwoPhotos)});
    // 429 on the album: wait as told, the text is not sent before the photos.
    sb->inject_fault({"/bot*/sendMediaGroup", sandbox::FaultKind::rate_limit, 1, 9});
    auto r = send_sync(ioc, *notifier("-1001"), m);
    EXPECT_EQ(r.kind, SendResult::Kind::retry_after);
    EXPECT_EQ(r.retry_after, 9s);
    // 5xx: back off.
    sb->inject_fault({"/bot*/sendMediaGroup", sandbox::FaultKind::server_error, 1, 1, 502});
    EXPECT_EQ(send_sync(ioc, *notifier("-1001"), m).kind, SendResult::Kind::retry_backoff);
    for (const auto& g : sb->telegram_messages()) EXPECT_EQ(g.method, "sendMediaGroup");
    // A blocked chat: permanent at once, no text tried.
    sb->clear_logs();
    r = send_sync(ioc, *notifier("-1002"), m);
    EXPECT_EQ(r.kind, SendResult::Kind::permanent);
    EXPECT_NE(r.error.find("blocked"), std::string::npos);
    EXPECT_EQ(sb->telegram_messages().size(), 1u);
    // Chat not found: permanent too.
    r = send_sync(ioc, *notifier("-1009"), m);
    EXPECT_EQ(r.kind, SendResult::Kind::permanent);
    EXPECT_NE(r.error.find("chat not found"), std::string::npos);
    // A migrated group: the album and the text follow to the new id.
    sb->clear_logs();
    auto n = notifier("-1003");
    ASSERT_TRUE(send_sync(ioc, *n, m).ok());
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_FALSE(got[0].ok);
    EXPECT_EQ(got[1].method, "sendMediaGroup");
    EXPECT_EQ(got[1].chat_id, "-1004");
    EXPECT_TRUE(got[1].ok);
    EXPECT_EQ(got[2].method, "sendMessage");
    EXPECT_EQ(got[2].chat_id, "-1004");
}

TEST_F(TelegramSandbox, ARetryAfterTheTextFailedDoesNotSendThePhotosAgain) {
    const RenderedMessage m = msg({with_photos(kTwoPhotos)});
    auto n = notifier("-1001");
    sb->inject_fault({"/bot*/sendMessage", sandbox::FaultKind::rate_limit, 1, 3});
    EXPECT_EQ(send_sync(ioc, *n, m).kind, SendResult::Kind::retry_after);
    ASSERT_TRUE(send_sync(ioc, *n, m).ok());
    auto got = sb->telegram_messages();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].method, "sendMediaGroup");
    EXPECT_TRUE(got[0].ok);
    EXPECT_EQ(got[1].method, "sendMessage");
    EXPECT_FALSE(got[1].ok);
    EXPECT_EQ(got[2].method, "sendMessage");  // the photos are already in the chat
    EXPECT_TRUE(got[2].ok);
}
