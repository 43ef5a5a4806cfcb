// Photo albums (issue 11): which events bring one, which URLs go in, and the caption (escaped,
// cut to Telegram's 1024 characters before escaping). Channels that write the events
// themselves (event log, console) are not disturbed by albums.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <fstream>

#include "alerts/console.hpp"
#include "alerts/event_log.hpp"
#include "alerts/templates.hpp"
#include "alerts_test_util.hpp"

using namespace ozw;
using namespace ozw::alerts;
using namespace ozw::alerts::testing;

namespace {

// A test.return_photos (photos_key "photos", caption_key "comment").
Event with_photos(nlohmann::json photos, const std::string& comment = "Маломерит",
                  const std::string& number = "4123-1", const std::string& type = kReturnPhotos) {
    register_test_types();
    Event e;
    e.id = "ev-" + number;
    e.type = type;
    e.severity = Severity::warning;
    e.kind = EventKind::condition;
    e.account = "main";
    e.key = type + ":" + number;
    e.details = {{"posting_number", number},
                 {"products", {{{"name", "Юбка"}, {"quantity", 1}}}},
                 {"comment", comment},
                 {"photos", std::move(photos)}};
    return e;
}

const nlohmann::json kTwo = {"https://cdn.ozon.ru/rp/1.jpg", "https://cdn.ozon.ru/rp/2.jpg"};

RenderedMessage render(std::vector<Event> events, std::vector<std::string> reasons = {},
                       const char* language = "ru") {
    RenderOptions o;
    o.language = language;
    return render_group(events, reasons, o);
}

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

// Every '&' starts one of the entities html_escape writes: nothing was cut inside one.
bool entities_whole(const std::string& html) {
    for (std::size_t p = html.find('&'); p != std::string::npos; p = html.find('&', p + 1)) {
        bool ok = false;
        for (const char* ent : {"&amp;", "&lt;", "&gt;", "&quot;"})
            ok = ok || html.compare(p, std::char_traits<char>::length(ent), ent) == 0;
        if (!ok) return false;
    }
    return true;
}

}  // namespace

TEST(PhotoAlbums, FirstAnnouncementOfATypeWithPhotosBringsOneAlbum) {
    RenderedMessage m = render({with_photos(kTwo)});
    ASSERT_EQ(m.albums.size(), 1u);
    const PhotoAlbum& a = m.albums[0];
    EXPECT_EQ(a.urls, (std::vector<std::string>{"https://cdn.ozon.ru/rp/1.jpg", "https://cdn.ozon.ru/rp/2.jpg"}));
    EXPECT_EQ(a.event_id, "ev-4123-1");
    EXPECT_EQ(a.caption_html, "<b>Заявка на возврат с фото 4123-1</b>\nМаломерит");
    EXPECT_EQ(a.caption_text, "Заявка на возврат с фото 4123-1\nМаломерит");
    // The text keeps its links for every channel.
    EXPECT_NE(m.text.find("https://cdn.ozon.ru/rp/2.jpg"), std::string::npos);

    // English: the English title.
    EXPECT_EQ(render({with_photos(kTwo)}, {}, "en").albums.at(0).caption_text,
              "Return request with photos 4123-1\nМаломерит");
    // No comment: the title alone.
    EXPECT_EQ(render({with_photos(kTwo, "  ")}).albums.at(0).caption_html, "<b>Заявка на возврат с фото 4123-1</b>");
}

TEST(PhotoAlbums, OnlyTypesThatDeclarePhotosKeyGetAlbums) {
    // The same details under a type without photos_key, and under an unregistered type.
    EXPECT_TRUE(render({with_photos(kTwo, "x", "1", kReturn)}).albums.empty());
    EXPECT_TRUE(render({with_photos(kTwo, "x", "1", "test.nobody_declared_this")}).albums.empty());
    // In a group, each event with photos brings its own album, in event order.
    RenderedMessage m = render({with_photos(kTwo, "a", "1"), with_photos(kTwo, "x", "2", kReturn),
                                with_photos({"https://cdn/3.jpg"}, "c", "3")});
    ASSERT_EQ(m.albums.size(), 2u);
    EXPECT_EQ(m.albums[0].event_id, "ev-1");
    EXPECT_EQ(m.albums[1].event_id, "ev-3");
    EXPECT_EQ(m.albums[1].urls, std::vector<std::string>{"https://cdn/3.jpg"});
}

TEST(PhotoAlbums, NoAlbumOnARepeatTheAllClearOrANotice) {
    EXPECT_TRUE(render({with_photos(kTwo)}, {"repeat"}).albums.empty());
    EXPECT_TRUE(render({with_photos(kTwo)}, {"notice"}).albums.empty());
    Event resolved = with_photos(kTwo);
    resolved.state = EventState::resolved;
    EXPECT_TRUE(render({resolved}, {"new"}).albums.empty());
    // A group mixing a first announcement and a repeat: the first one's album only.
    RenderedMessage m = render({with_photos(kTwo, "a", "1"), with_photos(kTwo, "b", "2")}, {"repeat", "new"});
    ASSERT_EQ(m.albums.size(), 1u);
    EXPECT_EQ(m.albums[0].event_id, "ev-2");
    EXPECT_EQ(m.albums[0].caption_text, "Заявка на возврат с фото 2\nb");
}

TEST(PhotoAlbums, CaptionIsEscaped) {
    RenderedMessage m = render({with_photos(kTwo, "Не тот <b>размер</b> & \"цвет\"", "41<2>&3")});
    ASSERT_EQ(m.albums.size(), 1u);
    EXPECT_EQ(m.albums[0].caption_html,
              "<b>Заявка на возврат с фото 41&lt;2&gt;&amp;3</b>\n"
              "Не тот &lt;b&gt;размер&lt;/b&gt; &amp; &quot;цвет&quot;");
    EXPECT_EQ(m.albums[0].caption_text, "Заявка на возврат с фото 41<2>&3\nНе тот <b>размер</b> & \"цвет\"");
    EXPECT_EQ(html_to_text(m.albums[0].caption_html), m.albums[0].caption_text);
}

TEST(PhotoAlbums, CaptionIsCutAt1024CodePointsOfVisibleText) {
    const std::string title = "Заявка на возврат с фото 4123-1";
    const std::size_t room = kMaxCaptionChars - utf8_length(title) - 1;  // for the comment

    // Exactly fits: nothing cut.
    PhotoAlbum fits = render({with_photos(kTwo, repeat("ж", room))}).albums.at(0);
    EXPECT_EQ(fits.caption_text, title + "\n" + repeat("ж", room));
    EXPECT_EQ(utf8_length(fits.caption_text), 1024u);

    // One more: cut, ending in "…", still 1024.
    PhotoAlbum over = render({with_photos(kTwo, repeat("ж", room + 1))}).albums.at(0);
    EXPECT_EQ(over.caption_text, title + "\n" + repeat("ж", room - 1) + "…");
    EXPECT_EQ(over.caption_html, "<b>" + title + "</b>\n" + repeat("ж", room - 1) + "…");

    // Far too long, with characters that grow when escaped: the raw text is cut first, so the
    // visible caption is 1024 code points, no entity is cut and the UTF-8 stays whole.
    PhotoAlbum hostile = render({with_photos(kTwo, repeat("ё&<", 2000))}).albums.at(0);
    EXPECT_EQ(utf8_length(hostile.caption_text), 1024u);
    EXPECT_EQ(html_to_text(hostile.caption_html), hostile.caption_text);
    EXPECT_TRUE(entities_whole(hostile.caption_html)) << hostile.caption_html;
    EXPECT_TRUE(valid_utf8(hostile.caption_html));
    EXPECT_TRUE(valid_utf8(hostile.caption_text));
    EXPECT_EQ(hostile.caption_html.substr(hostile.caption_html.size() - std::string("…").size()), "…");
}

TEST(PhotoAlbums, AnythingButAnHttpUrlStringIsSkipped) {
    nlohmann::json photos = {123,
                             nullptr,
                             "",
                             "ftp://cdn/1.jpg",
                             "javascript:alert(1)",
                             "https://",
                             "https:///no-host.jpg",
                             "https://cdn/a b.jpg",
                             "https://cdn/tab\t.jpg",
                             {{"url", "https://cdn/in-an-object.jpg"}},
                             nlohmann::json::array({"https://cdn/in-an-array.jpg"}),
                             "https://cdn/ok.jpg",
                             "HTTP://CDN/OK2.JPG",
                             "https://cdn/ok.jpg"};  // a duplicate
    RenderedMessage m = render({with_photos(photos)});
    ASSERT_EQ(m.albums.size(), 1u);
    EXPECT_EQ(m.albums[0].urls, (std::vector<std::string>{"https://cdn/ok.jpg", "HTTP://CDN/OK2.JPG"}));

    // Nothing usable, or not an array at all: no album, the message is still rendered.
    EXPECT_TRUE(render({with_photos({"ftp://x/1.jpg", 5})}).albums.empty());
    EXPECT_TRUE(render({with_photos(nlohmann::json::array())}).albums.empty());
    RenderedMessage text_only = render({with_photos("https://cdn/1.jpg")});
    EXPECT_TRUE(text_only.albums.empty());
    EXPECT_FALSE(text_only.html.empty());
}

TEST(PhotoAlbums, AtMostTenPhotosTheRestStayLinksInTheText) {
    nlohmann::json photos = nlohmann::json::array();
    for (int i = 1; i <= 13; ++i) photos.push_back("https://cdn.ozon.ru/rp/" + std::to_string(i) + ".jpg");
    RenderedMessage m = render({with_photos(photos)});
    ASSERT_EQ(m.albums.size(), 1u);
    ASSERT_EQ(m.albums[0].urls.size(), 10u);
    EXPECT_EQ(m.albums[0].urls.front(), "https://cdn.ozon.ru/rp/1.jpg");
    EXPECT_EQ(m.albums[0].urls.back(), "https://cdn.ozon.ru/rp/10.jpg");
    for (int i = 11; i <= 13; ++i) {
        const std::string u = "https://cdn.ozon.ru/rp/" + std::to_string(i) + ".jpg";
        EXPECT_NE(m.html.find("href=\"" + u + "\""), std::string::npos) << u;
        EXPECT_NE(m.text.find(u), std::string::npos) << u;
    }
}

TEST(PhotoAlbums, EventLogAndConsoleIgnoreAlbums) {
    RenderedMessage m = render({with_photos(kTwo, "Маломерит <S>")});
    ASSERT_EQ(m.albums.size(), 1u);

    TempDir dir;
    EventLogNotifier log(dir.file("events.jsonl"));
    ASSERT_TRUE(log.write(m).ok());
    std::ifstream in(dir.file("events.jsonl"));
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        auto j = nlohmann::json::parse(line);
        EXPECT_EQ(j["type"], kReturnPhotos);
        EXPECT_EQ(j["details"]["photos"], kTwo);  // the photos as data, for programs
        EXPECT_EQ(j["details"]["comment"], "Маломерит <S>");
    }
    EXPECT_EQ(lines, 1);

    std::FILE* out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    ConsoleNotifier console(out, "ru", 0);
    boost::asio::io_context ioc;
    SendResult r;
    boost::asio::co_spawn(ioc, [&]() -> boost::asio::awaitable<void> { r = co_await console.send(m); },
                          [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
    ioc.run();
    EXPECT_TRUE(r.ok());
    std::rewind(out);
    char buf[4096] = {};
    std::string written(buf, std::fread(buf, 1, sizeof buf - 1, out));
    std::fclose(out);
    EXPECT_EQ(written, console.format_line(m.events[0], "new") + "\n");
}
