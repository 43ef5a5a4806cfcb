#pragma once
// Every user-facing alert text lives here (the watches only fill Event.details): per event
// type a title, a body built from details, a "what to do" line taken from the manager's
// checklist, and the exact seller-cabinet link. Russian by default, English with language=en.
#include <string>
#include <string_view>
#include <vector>

#include "alerts/notifier.hpp"
#include "common/event.hpp"

namespace ozw::alerts {

enum class Format { html, text };

// Details fields read (all optional; unknown fields of unknown types are listed generically):
// posting_number, status, previous_status, shipment_date / deadline (ISO-8601), products
// [{name, offer_id, quantity}] or product_name, offer_id, cancel_reason, cancellation_initiator,
// affects_rating (bool), return_type, return_reason, customer_comment, photos [url],
// decision_deadline, days_waiting, storage_starts_at, utilization_date, amount, currency,
// delivered_at, days, period, totals {kind: amount}, value, ozon_stock, other_stock,
// other_source, rating, text, unread_count, chat_id, source, error, expires_at, channel,
// count, lines [text] (report.daily).
struct RenderOptions {
    std::string language = "ru";  // ru | en
    std::string timezone = "Europe/Moscow";  // for times shown to the manager
};

// Escapes <, >, & (and " for attribute values) for Telegram's HTML mode.
std::string html_escape(std::string_view s);

// Seller-cabinet link for an event (details.posting_number etc.); falls back to Event.url,
// then to the dashboard.
std::string cabinet_url(const Event& e);
// Button caption for that link ("Открыть в кабинете" / "Open in seller cabinet").
std::string button_text(const std::string& language);

// Title line of one event (no markup).
std::string event_title(const Event& e, const std::string& language);
// One event's block: title line, facts from details, "what to do" line, link.
// reason: "new" | "repeat" | "notice" (a repeat says "still holds").
std::string render_event(const Event& e, std::string_view reason, const RenderOptions& opt,
                         Format format);

// A group of events as one message; reasons parallel to events (may be empty = all "new").
RenderedMessage render_group(const std::vector<Event>& events,
                             const std::vector<std::string>& reasons,
                             const RenderOptions& opt);
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
