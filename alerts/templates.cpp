#include "alerts/templates.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>

#include "common/time.hpp"

namespace ozw::alerts {

namespace {

bool ru(const RenderOptions& o) { return o.language != "en"; }

std::string enc(std::string_view s, Format f) { return f == Format::html ? html_escape(s) : std::string(s); }

const char* severity_icon(const Event& e, std::string_view reason) {
    if (e.state == EventState::resolved) return "✅";
    if (reason == "repeat") return "🔁";
    switch (e.severity) {
        case Severity::critical: return "🔴";
        case Severity::warning: return "🟠";
        default: return "🔵";
    }
}

const EventType* find_type(const std::string& type) {
    ensure_event_types_registered();
    return event_types().find(type);
}

// The FactSink of one event block, for Telegram HTML or plain text. Labels and values are
// escaped in HTML; every fact is one line "Label: value\n".
class BlockSink final : public FactSink {
public:
    BlockSink(std::string& out, const RenderOptions& o, Format f) : out_(out), opt_(o), f_(f), ru_(ru(o)) {}

    bool russian() const override { return ru_; }

    void fact(std::string_view label_ru, std::string_view label_en, std::string_view value) override {
        if (value.empty()) return;
        std::string_view label = pick(label_ru, label_en);
        if (!label.empty()) {
            out_ += enc(label, f_);
            out_ += ": ";
        }
        out_ += enc(value, f_);
        out_ += '\n';
    }

    void time_fact(std::string_view label_ru, std::string_view label_en, std::string_view iso) override {
        if (iso.empty()) return;
        fact(label_ru, label_en, local_time(iso));
    }

    void line(std::string_view text) override {
        if (text.empty()) return;
        out_ += enc(text, f_);
        out_ += '\n';
    }

    void links(std::string_view label_ru, std::string_view label_en,
               const std::vector<std::string>& urls) override {
        std::string list;
        int n = 0;
        for (const auto& u : urls) {
            if (u.empty()) continue;
            ++n;
            list += ' ';
            if (f_ == Format::html)
                list += "<a href=\"" + html_escape(u) + "\">" + std::to_string(n) + "</a>";
            else
                list += u;
        }
        if (n == 0) return;
        std::string_view label = pick(label_ru, label_en);
        out_ += enc(label, f_);
        out_ += ':';
        out_ += list;
        out_ += '\n';
    }

    std::string local_time(std::string_view iso) const override {
        auto t = parse_iso8601(iso);
        if (!t) return std::string(iso);
        if (!tz_tried_) {
            tz_tried_ = true;
            try {
                tz_.emplace(opt_.timezone);
            } catch (const std::exception&) {
            }
        }
        if (!tz_) return std::string(iso);
        return tz_->format_local(*t);
    }

private:
    std::string_view pick(std::string_view r, std::string_view e) const {
        std::string_view l = ru_ ? r : e;
        return l.empty() ? (ru_ ? e : r) : l;
    }

    std::string& out_;
    const RenderOptions& opt_;
    Format f_;
    bool ru_;
    mutable bool tz_tried_ = false;
    mutable std::optional<TimeZone> tz_;
};

// An unregistered type: every scalar detail as "key: value", in key order.
void generic_facts(const Event& e, BlockSink& sink) {
    if (!e.details.is_object()) return;
    DetailsView view(e.details);
    for (const auto& [k, v] : e.details.items()) {
        if (v.is_structured() || v.is_null()) continue;
        sink.fact(k, k, view.str(k));
    }
}

// A photo the Bot API can fetch: http(s)://host..., nothing Telegram would choke on (spaces,
// control characters), not absurdly long.
bool is_photo_url(const std::string& u) {
    if (u.size() > 2048) return false;
    auto lower_prefix = [&](std::string_view p) {
        if (u.size() <= p.size()) return false;
        for (std::size_t i = 0; i < p.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(u[i])) != p[i]) return false;
        return true;
    };
    std::size_t host = lower_prefix("https://") ? 8 : lower_prefix("http://") ? 7 : 0;
    if (host == 0 || u[host] == '/' || u[host] == '?' || u[host] == '#') return false;
    for (unsigned char c : u)
        if (c <= ' ' || c == 0x7F) return false;
    return true;
}

// The first `max` code points of s; when s is longer, the last of them is "…".
std::string cut_code_points(std::string_view s, std::size_t max) {
    if (utf8_length(s) <= max) return std::string(s);
    if (max == 0) return {};
    std::size_t kept = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (kept == max - 1) break;
            ++kept;
        }
    }
    std::string out(s.substr(0, i));
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out + "…";
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<PhotoAlbum> photo_album(const Event& e, std::string_view reason, const RenderOptions& o) {
    // Photos go with the first announcement only: a repeat or the all-clear would send the
    // same album again.
    if (e.state != EventState::firing || reason != "new") return std::nullopt;
    const EventType* type = find_type(e.type);
    if (!type || type->photos_key.empty() || !e.details.is_object()) return std::nullopt;
    auto it = e.details.find(type->photos_key);
    if (it == e.details.end() || !it->is_array()) return std::nullopt;
    PhotoAlbum album;
    album.event_id = e.id;
    for (const auto& v : *it) {
        if (album.urls.size() == kMaxAlbumPhotos) break;  // the rest stay links in the text
        if (!v.is_string()) continue;
        const std::string& u = v.get_ref<const std::string&>();
        if (!is_photo_url(u) || std::find(album.urls.begin(), album.urls.end(), u) != album.urls.end()) continue;
        album.urls.push_back(u);
    }
    if (album.urls.empty()) return std::nullopt;

    // Caption: the title line, then the caption text, cut as raw text (before escaping) so that
    // the visible caption stays within Telegram's limit and no entity or tag is ever cut.
    std::string title = cut_code_points(trim(event_title(e, o.language)), kMaxCaptionChars);
    std::string comment;
    if (!type->caption_key.empty()) {
        DetailsView view(e.details);
        const nlohmann::json& c = view.at(type->caption_key);
        if (c.is_primitive() && !c.is_null()) comment = std::string(trim(view.str(type->caption_key)));
    }
    const std::size_t used = utf8_length(title) + 1;  // title and the line break
    comment = used < kMaxCaptionChars ? cut_code_points(comment, kMaxCaptionChars - used) : std::string();
    album.caption_text = title;
    album.caption_html = "<b>" + html_escape(title) + "</b>";
    if (!comment.empty()) {
        album.caption_text += "\n" + comment;
        album.caption_html += "\n" + html_escape(comment);
    }
    return album;
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    for (char c : s) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string cabinet_url(const Event& e) {
    if (const EventType* t = find_type(e.type); t && t->url) {
        try {
            std::string u = t->url(e);
            if (!u.empty()) return u;
        } catch (const std::exception& ex) {
            spdlog::warn("alerts: link of {} failed: {}", e.type, ex.what());
        }
    }
    if (!e.url.empty()) return e.url;
    return kDashboardUrl;
}

std::string button_text(const std::string& language) {
    return language == "en" ? "Open in seller cabinet" : "Открыть в кабинете";
}

std::string event_title(const Event& e, const std::string& language) {
    const bool r = language != "en";
    std::string title;
    if (const EventType* t = find_type(e.type)) {
        title = r ? t->title_ru : t->title_en;
        if (title.empty()) title = r ? t->title_en : t->title_ru;
        if (title.empty()) title = e.type;
        if (!t->subject_key.empty()) {
            DetailsView view(e.details);
            std::string subject = view.str(t->subject_key);
            if (!subject.empty()) title += " " + subject;
        }
    } else {
        title = e.title.empty() ? e.type : e.title;
    }
    if (e.state == EventState::resolved) title = (r ? "Решено: " : "Resolved: ") + title;
    return title;
}

std::string render_event(const Event& e, std::string_view reason, const RenderOptions& o, Format f) {
    const bool r = ru(o);
    const EventType* type = find_type(e.type);
    std::string out;
    out += severity_icon(e, reason);
    out += ' ';
    if (reason == "repeat") out += r ? "Всё ещё актуально: " : "Still holds: ";
    if (f == Format::html) out += "<b>" + html_escape(event_title(e, o.language)) + "</b>\n";
    else out += event_title(e, o.language) + "\n";

    BlockSink sink(out, o, f);
    if (!e.account.empty()) sink.fact("Аккаунт", "Account", e.account);

    DetailsView view(e.details);
    if (!type) {
        generic_facts(e, sink);
    } else if (type->facts) {
        // The type's own renderer writes into a scratch block: if it throws, the event still
        // goes out with its details listed generically.
        std::string facts;
        BlockSink scratch(facts, o, f);
        try {
            type->facts(view, scratch);
            out += facts;
        } catch (const std::exception& ex) {
            spdlog::warn("alerts: facts of {} failed: {}", e.type, ex.what());
            generic_facts(e, sink);
        }
    }

    if (type && e.state == EventState::firing) {
        std::string todo = fill_placeholders(r ? type->todo_ru : type->todo_en, view);
        if (!todo.empty()) {
            const char* label = r ? "Что делать:" : "What to do:";
            if (f == Format::html) out += std::string("<b>") + label + "</b> " + html_escape(todo) + "\n";
            else out += std::string(label) + " " + todo + "\n";
        }
    }
    std::string url = cabinet_url(e);
    if (f == Format::html)
        out += "<a href=\"" + html_escape(url) + "\">" + html_escape(button_text(o.language)) + "</a>";
    else
        out += url;
    return out;
}

RenderedMessage render_group(const std::vector<Event>& events, const std::vector<std::string>& reasons,
                             const RenderOptions& o) {
    RenderedMessage m;
    m.events = events;
    m.reasons = reasons;
    render_group_into(m, o);
    return m;
}

void render_group_into(RenderedMessage& m, const RenderOptions& o, const std::vector<std::string>& html_blocks) {
    const std::vector<Event>& events = m.events;
    m.reasons.resize(events.size(), "new");
    if (events.empty()) return;
    const bool r = ru(o);
    std::size_t top = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].severity > events[top].severity) top = i;
        m.severity = std::max(m.severity, events[i].severity);
    }
    m.silent = m.severity == Severity::info;
    std::string header_text, header_html;
    if (events.size() > 1) {
        std::string n = std::to_string(events.size());
        header_text = r ? "ozonwatch: событий — " + n : "ozonwatch: " + n + " events";
        header_html = "<b>" + html_escape(header_text) + "</b>\n\n";
        header_text += "\n\n";
    }
    m.html = header_html;
    m.text = header_text;
    const bool reuse = html_blocks.size() == events.size();
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i) {
            m.html += "\n\n";
            m.text += "\n\n";
        }
        if (reuse) m.html += html_blocks[i];
        else m.html += render_event(events[i], m.reasons[i], o, Format::html);
        m.text += render_event(events[i], m.reasons[i], o, Format::text);
    }
    std::string top_title = event_title(events[top], o.language);
    if (events.size() == 1) m.subject = "[ozonwatch] " + top_title;
    else
        m.subject = "[ozonwatch] " + top_title +
                    (r ? " и ещё " + std::to_string(events.size() - 1)
                       : " and " + std::to_string(events.size() - 1) + " more");
    m.button_text = button_text(o.language);
    m.button_url = cabinet_url(events[top]);
    m.albums.clear();
    for (std::size_t i = 0; i < events.size(); ++i)
        if (auto album = photo_album(events[i], m.reasons[i], o)) m.albums.push_back(std::move(*album));
}

std::string render_group(const std::vector<Event>& events, const std::string& language, Format format) {
    RenderOptions o;
    o.language = language;
    auto m = render_group(events, {}, o);
    return format == Format::html ? m.html : m.text;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

namespace {

// Cuts one over-long line into pieces of <= max code points, never inside a tag, an entity or
// an open tag pair (when possible), never inside a UTF-8 sequence.
void split_long_line(std::string_view line, std::size_t max, std::vector<std::string>& out) {
    while (utf8_length(line) > max) {
        std::size_t cps = 0, best = 0, i = 0;
        int depth = 0;          // open tag pairs (<b>..</b>)
        bool in_tag = false, in_entity = false;
        std::size_t fallback = 0;  // last code-point boundary outside tag/entity
        for (; i < line.size(); ++i) {
            unsigned char c = static_cast<unsigned char>(line[i]);
            bool boundary = (c & 0xC0) != 0x80;
            if (boundary) {
                if (cps == max) break;
                if (!in_tag && !in_entity) {
                    fallback = i;
                    if (depth == 0) best = i;
                }
                ++cps;
            }
            if (c == '<') {
                in_tag = true;
                depth += (i + 1 < line.size() && line[i + 1] == '/') ? -1 : 1;
            } else if (c == '>' && in_tag) in_tag = false;
            else if (c == '&') in_entity = true;
            else if (c == ';' && in_entity) in_entity = false;
        }
        std::size_t cut = best ? best : (fallback ? fallback : i);
        if (cut == 0) cut = i;
        out.emplace_back(line.substr(0, cut));
        line.remove_prefix(cut);
    }
    if (!line.empty()) out.emplace_back(line);
}

}  // namespace

std::vector<std::string> split_message(std::string_view s, std::size_t max) {
    std::vector<std::string> parts;
    if (s.empty() || max == 0) {
        if (!s.empty()) parts.emplace_back(s);
        return parts;
    }
    std::string cur;
    std::size_t cur_len = 0;
    auto flush = [&] {
        // Trailing newlines are dropped: Telegram refuses an empty or whitespace-only text.
        while (!cur.empty() && cur.back() == '\n') cur.pop_back();
        if (!cur.empty()) parts.push_back(std::move(cur));
        cur.clear();
        cur_len = 0;
    };
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t nl = s.find('\n', pos);
        std::string_view line = s.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        std::size_t len = utf8_length(line);
        std::size_t need = (cur.empty() ? 0 : 1) + len;
        if (cur_len + need <= max) {
            if (!cur.empty()) { cur += '\n'; ++cur_len; }
            cur += line;
            cur_len += len;
        } else {
            flush();
            if (len <= max) {
                cur = std::string(line);
                cur_len = len;
            } else {
                std::vector<std::string> pieces;
                split_long_line(line, max, pieces);
                for (std::size_t k = 0; k + 1 < pieces.size(); ++k) parts.push_back(pieces[k]);
                cur = pieces.empty() ? std::string() : pieces.back();
                cur_len = utf8_length(cur);
            }
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    flush();
    return parts;
}

}  // namespace ozw::alerts

namespace ozw::alerts {

std::string html_to_text(std::string_view h) {
    std::string out;
    std::string href;  // of the open <a>
    std::size_t label_start = 0;
    auto unescape = [](std::string_view s) {
        std::string r;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '&') {
                auto semi = s.find(';', i);
                if (semi != std::string_view::npos && semi - i <= 6) {
                    auto ent = s.substr(i, semi - i + 1);
                    const char* rep = ent == "&lt;" ? "<" : ent == "&gt;" ? ">" : ent == "&amp;" ? "&"
                                    : ent == "&quot;" ? "\"" : nullptr;
                    if (rep) {
                        r += rep;
                        i = semi;
                        continue;
                    }
                }
            }
            r += s[i];
        }
        return r;
    };
    std::size_t i = 0;
    while (i < h.size()) {
        if (h[i] == '<') {
            auto close = h.find('>', i);
            if (close == std::string_view::npos) { out += unescape(h.substr(i)); break; }
            std::string_view tag = h.substr(i + 1, close - i - 1);
            if (tag.rfind("a ", 0) == 0) {
                auto q1 = tag.find('"');
                auto q2 = q1 == std::string_view::npos ? q1 : tag.find('"', q1 + 1);
                href = q2 == std::string_view::npos ? std::string() : unescape(tag.substr(q1 + 1, q2 - q1 - 1));
                label_start = out.size();
            } else if (tag == "/a" && !href.empty()) {
                if (out.substr(label_start) == href) {
                } else if (label_start == out.size()) {
                    out += href;
                } else {
                    out += " (" + href + ")";
                }
                href.clear();
            }
            i = close + 1;
        } else {
            auto next = h.find('<', i);
            if (next == std::string_view::npos) next = h.size();
            out += unescape(h.substr(i, next - i));
            i = next;
        }
    }
    return out;
}

}  // namespace ozw::alerts
