#pragma once
// The event-type registry (design.md, "Architecture: a watch is a module"). Every event type a
// watch, the engine or alerts/ can emit declares here, once, what it is and how it reads to a
// human: kind, severity, source, Russian and English title and "what to do" (with {placeholders}
// filled from the event's details), its own facts renderer (only its own detail keys) and its
// seller-cabinet link. alerts/ renders every event through this registry and holds no per-type
// code; the daemon installs the types of every watch at start-up (daemon/watches/all.cpp).
//
// It lives in common/ because both alerts/ (rendering) and daemon/ (declaring) use it, and
// dependencies point down only.
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/config.hpp"
#include "common/event.hpp"

namespace ozw {

// Read access to one event's details for a facts renderer. Every key read is recorded, so a
// test can prove that each detail key a watch emits is shown to the manager (or declared
// hidden on purpose).
class DetailsView {
public:
    explicit DetailsView(const nlohmann::json& details) : d_(details) {}
    // Text of a scalar: strings as they are, integers in decimal, other numbers with two
    // decimals, booleans "true"/"false"; "" when missing or null; objects/arrays as JSON.
    std::string str(std::string_view key) const;
    // The raw value (a null JSON when missing).
    const nlohmann::json& at(std::string_view key) const;
    // true only for JSON true (or the text "true").
    bool flag(std::string_view key) const;
    bool has(std::string_view key) const;
    const std::set<std::string, std::less<>>& used() const { return used_; }
    const nlohmann::json& json() const { return d_; }

private:
    const nlohmann::json& d_;
    mutable std::set<std::string, std::less<>> used_;
};

// What a facts renderer writes into; alerts/ implements it for Telegram HTML and plain text.
// Labels come in both languages; the sink picks one and escapes values.
class FactSink {
public:
    virtual ~FactSink() = default;
    virtual bool russian() const = 0;
    // "Label: value"; nothing when value is empty.
    virtual void fact(std::string_view label_ru, std::string_view label_en, std::string_view value) = 0;
    // The same for an ISO-8601 instant, shown in the manager's local time.
    virtual void time_fact(std::string_view label_ru, std::string_view label_en,
                           std::string_view iso) = 0;
    // One line of text as it is (e.g. the morning report's lines).
    virtual void line(std::string_view text) = 0;
    // "Label: 1 2 3", each number a link to one URL.
    virtual void links(std::string_view label_ru, std::string_view label_en,
                       const std::vector<std::string>& urls) = 0;
    // An ISO-8601 instant in the manager's local time ("26.11.2026 17:00"); other text unchanged.
    virtual std::string local_time(std::string_view iso) const = 0;
};

using FactsRenderer = std::function<void(const DetailsView&, FactSink&)>;
using UrlBuilder = std::function<std::string(const Event&)>;

struct EventType {
    std::string type;  // "posting.arbitration": the public name (design.md's catalogue)
    EventKind kind = EventKind::condition;
    Severity severity = Severity::info;  // as emitted (each step of an escalation is a type)
    std::string source;                  // what it is about: "ozon", "insales", "onec", "ozonwatch"
    std::string title_ru, title_en;
    // "What to do" (empty = no such line). {name} is replaced by details[name], so a text can
    // say the shop's own hand-over time: "до {handover_deadline}".
    std::string todo_ru, todo_en;
    // The detail whose value follows the title ("Спорное отправление 0124000613-0001-1").
    std::string subject_key;
    FactsRenderer facts;  // null = no facts
    UrlBuilder url;       // null = Event.url, else the seller cabinet's dashboard
    // Detail keys kept for programs (event log, check --format json) but not shown on purpose.
    std::vector<std::string> hidden_keys;
    // Photos shown with the event where a channel can (Telegram: an album sent by URL before
    // the text, so the manager judges from the phone): the details key holding an array of URL
    // strings, e.g. a customer's return-request photos. The facts renderer still lists them as
    // links for every other channel. Empty = none.
    std::string photos_key;
    // The details key whose text captions the album (e.g. the customer's comment); empty = the
    // title line only.
    std::string caption_key;
};

class EventTypeRegistry {
public:
    // Adds a type. A name already registered keeps its first declaration (modules may be
    // installed more than once) and add() returns false.
    bool add(EventType t);
    const EventType* find(std::string_view type) const;
    bool contains(std::string_view type) const { return find(type) != nullptr; }
    std::vector<const EventType*> all() const;  // sorted by name

private:
    mutable std::mutex mu_;
    std::map<std::string, EventType, std::less<>> types_;  // node-based: pointers stay valid
};

// The process-wide registry.
EventTypeRegistry& event_types();

// The head of a declaration, shared by every module: name, kind, severity, source and, when
// `fixed_url` is not empty, the cabinet page every event of the type links to (else Event.url).
EventType declare_event_type(std::string type, EventKind kind, Severity severity, std::string source = "ozon",
                             std::string fixed_url = {});

// Replaces {name} by details[name] (marking it read); an unknown name stays as written.
std::string fill_placeholders(std::string_view text, const DetailsView& details);

}  // namespace ozw
