#pragma once
// A notifier delivers one rendered message (a group of events) to one channel and classifies
// its own failures, so the dispatcher never needs to know Telegram or SMTP error codes.
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/event.hpp"

namespace ozw::alerts {

// One message for one channel: the dispatcher renders it (templates.hpp) from a group of
// outbox rows. For a channel that reads rendered text both forms are filled: Telegram falls
// back to `text` when its HTML is refused, email sends both as multipart/alternative. A
// channel that writes the events themselves (event log, console) gets events, reasons and
// severity only.
//
// Photos: an event whose type declares photos_key (common/event_types.hpp) brings an album when
// it is first announced; a channel that can show photos (Telegram) sends it before the text,
// the others ignore it (the text lists the photos as links anyway).
struct PhotoAlbum {
    std::string event_id;           // the event it belongs to (may be empty)
    std::vector<std::string> urls;  // 1..kMaxAlbumPhotos http(s) URLs, in the event's order
    std::string caption_html;       // Telegram HTML, at most kMaxCaptionChars visible code points
    std::string caption_text;       // the same without markup (fallback when HTML is refused)
};
// Telegram's limits: a media group holds 2..10 photos, a caption 1024 characters.
inline constexpr std::size_t kMaxAlbumPhotos = 10;
inline constexpr std::size_t kMaxCaptionChars = 1024;

struct RenderedMessage {
    std::string subject;      // one line summary (email subject, console header)
    std::string html;         // Telegram HTML subset (b, i, a href, code, blockquote)
    std::string text;         // plain text
    std::string button_text;  // inline URL button (empty = none)
    std::string button_url;
    Severity severity = Severity::info;  // the highest in the group
    bool silent = false;                 // deliver without sound (info)
    std::vector<Event> events;           // the events in this message, in order
    std::vector<std::string> reasons;    // per event: "new" | "repeat" | "notice"
    std::vector<PhotoAlbum> albums;      // in event order; only channels reading rendered text
};

struct SendResult {
    enum class Kind { ok, retry_after, retry_backoff, permanent };
    Kind kind = Kind::ok;
    Millis retry_after{0};  // for retry_after
    std::string error;      // human-readable, secrets masked

    static SendResult success() { return {}; }
    static SendResult after(Millis d, std::string err) { return {Kind::retry_after, d, std::move(err)}; }
    static SendResult backoff(std::string err) { return {Kind::retry_backoff, Millis{0}, std::move(err)}; }
    static SendResult fatal(std::string err) { return {Kind::permanent, Millis{0}, std::move(err)}; }
    bool ok() const { return kind == Kind::ok; }
};

// The longest wait a server may impose on us (Telegram's retry_after, a Retry-After header):
// a bigger number is a bug or an attack, and a channel blocked for days loses alerts.
inline constexpr Millis kMaxServerWait{3600 * 1000};
// A server-supplied wait in seconds, made safe before any arithmetic: NaN, zero or negative
// -> 1 s; more than kMaxServerWait -> kMaxServerWait.
Millis server_wait(double seconds);
// How often a channel that backs off after failures is probed (Notifier::probe).
inline constexpr Millis kProbeEvery{30 * 1000};

class Notifier {
public:
    virtual ~Notifier() = default;
    // The outbox channel name it serves: "telegram:<chat>[:<thread>]", "email", "event_log",
    // "console".
    virtual std::string channel() const = 0;
    // Never throws: delivery problems (and its own bugs) come back classified.
    virtual boost::asio::awaitable<SendResult> send(const RenderedMessage& msg) = 0;
    // Log-like channels (event_log, console) are written at once: no group_wait, no packing.
    virtual bool immediate() const { return false; }
    // False for channels that format msg.events themselves (event log, console): the
    // dispatcher then leaves subject, html, text and the button empty.
    virtual bool reads_rendered_text() const { return true; }
    // Longest message body (code points) the channel takes in one message; the dispatcher packs
    // events into messages up to this size. 0 = unlimited.
    virtual std::size_t max_message_chars() const { return 0; }
    // Reopen files after logrotate (SIGHUP); only the event log has any.
    virtual void reopen() {}
    // A cheap question to the service that sends nothing to anyone (Telegram: getMe; email:
    // connect, secure and log in). While a channel backs off after failures, the dispatcher
    // asks it every kProbeEvery, so delivery resumes within that of the channel's return
    // instead of at the end of a long backoff.
    // Never throws; only channels with can_probe() are asked.
    virtual bool can_probe() const { return false; }
    virtual boost::asio::awaitable<SendResult> probe() { co_return SendResult::success(); }
};

using NotifierPtr = std::unique_ptr<Notifier>;

}  // namespace ozw::alerts
