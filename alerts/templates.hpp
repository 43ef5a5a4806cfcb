#pragma once
// Rendering of events for the manager, through the event-type registry (common/event_types.hpp):
// alerts/ holds no per-type code. For a registered type the title, "what to do" line, facts
// and seller-cabinet link are the type's own; alerts/ adds the generic frame (severity icon,
// "still holds" on a repeat, "resolved" prefix, account line, link caption) and implements the
// FactSink for Telegram HTML and plain text. An unregistered type (an old event in the database,
// a watch that is gone) still renders: Event.title (or the type), every scalar detail as
// "key: value", Event.url or the dashboard. Russian by default, English with language=en.
//
// alerts/ declares only its own types: notify.delivery_failed (dispatcher.cpp) and notify.test
// (`ozonwatch notify test`). The watches declare theirs (daemon/watches/<name>/).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/notifier.hpp"
#include "common/event.hpp"
#include "common/event_types.hpp"

namespace ozw::alerts {

enum class Format { html, text };

struct RenderOptions {
    std::string language = "ru";  // ru | en
    std::string timezone = "Europe/Moscow";  // for times shown to the manager
};

// The seller cabinet's start page: the link of last resort.
inline constexpr const char* kDashboardUrl = "https://seller.ozon.ru/app/dashboard/main";

// Adds alerts/' own event types (notify.delivery_failed, notify.test; source "ozonwatch") to
// `registry`. Types already there keep their first declaration.
void register_event_types(EventTypeRegistry& registry);
// register_event_types(ozw::event_types()) once per process. The render functions below and
// the Dispatcher's constructor call it, so alerts/ works even when the daemon did not.
void ensure_event_types_registered();

// Escapes <, >, & (and " for attribute values) for Telegram's HTML mode.
std::string html_escape(std::string_view s);

// Link for an event: its type's url builder when registered and non-empty, else Event.url,
// else kDashboardUrl.
std::string cabinet_url(const Event& e);
// Button caption for that link ("Открыть в кабинете" / "Open in seller cabinet").
std::string button_text(const std::string& language);

// Title line of one event (no markup): the type's title (+ " " + details[subject_key] when
// non-empty), else Event.title, else the type; "Решено: "/"Resolved: " in front when resolved.
std::string event_title(const Event& e, const std::string& language);
// One event's block: icon and title line, account, the type's facts (or, for an unregistered
// type, every scalar detail), "what to do" (firing only, placeholders filled), link.
// reason: "new" | "repeat" | "notice" (a repeat says "still holds").
std::string render_event(const Event& e, std::string_view reason, const RenderOptions& opt,
                         Format format);

// The photo album of one event, when its registered type declares photos_key and the event is
// firing and announced for the first time (reason "new"): the http(s) URL strings of
// details[photos_key] (anything else skipped, duplicates dropped, at most kMaxAlbumPhotos; the
// rest stay links in the text), captioned with the title line in bold and details[caption_key],
// escaped, at most kMaxCaptionChars visible code points (the raw text is cut before escaping,
// ending in "…"). nullopt when there is nothing to show.
std::optional<PhotoAlbum> photo_album(const Event& e, std::string_view reason, const RenderOptions& opt);

// A group of events as one message; reasons parallel to events (may be empty = all "new").
RenderedMessage render_group(const std::vector<Event>& events,
                             const std::vector<std::string>& reasons,
                             const RenderOptions& opt);
// The same, in place: fills subject, html, text, button, severity, silent and albums (one
// photo_album per event that has one) from m.events and m.reasons. `html_blocks`, when not empty, holds render_event(..., Format::html) of each event
// already made (the dispatcher measures them to pack messages) and is used instead of
// rendering them again.
void render_group_into(RenderedMessage& m, const RenderOptions& opt,
                       const std::vector<std::string>& html_blocks = {});
// Convenience: HTML or text body only.
std::string render_group(const std::vector<Event>& events, const std::string& language,
                         Format format);

// Telegram's plain-text fallback of an HTML part: tags dropped, <a href="u">x</a> -> "x (u)"
// (or just "u" when x == u), entities unescaped.
std::string html_to_text(std::string_view html);

// UTF-8 helpers used by the notifiers.
std::size_t utf8_length(std::string_view s);  // code points
// Splits a message into parts of at most max_chars code points, on line boundaries; a single
// over-long line is cut between code points outside any tag or entity. Never returns an empty
// part unless the input is empty.
std::vector<std::string> split_message(std::string_view s, std::size_t max_chars);

}  // namespace ozw::alerts
