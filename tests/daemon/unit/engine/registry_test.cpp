// The event-type registry against what the watches can emit: every type a module declares is
// registered with both languages, every example event of every module (and of the engine) has a
// registered type, and every detail key it carries is shown by its type's texts (facts, subject,
// "what to do" placeholders) or declared hidden on purpose. A new watch is checked by this test
// with no edit here.
#include <gtest/gtest.h>

#include <set>

#include "alerts/templates.hpp"
#include "common/event_types.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/push_health.hpp"
#include "daemon/engine/report.hpp"
#include "daemon/engine/source_health.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using ozw::test::at;

namespace {

// Writes nothing anywhere: only what the renderer reads matters (DetailsView records it).
class NullSink final : public FactSink {
public:
    explicit NullSink(bool ru) : ru_(ru) {}
    bool russian() const override { return ru_; }
    void fact(std::string_view, std::string_view, std::string_view v) override { values += std::string(v) + "\n"; }
    void time_fact(std::string_view, std::string_view, std::string_view v) override { values += std::string(v) + "\n"; }
    void line(std::string_view t) override { values += std::string(t) + "\n"; }
    void links(std::string_view, std::string_view, const std::vector<std::string>&) override {}
    std::string local_time(std::string_view iso) const override { return std::string(iso); }
    std::string values;

private:
    bool ru_;
};

// What the engine itself emits (source health, the morning report).
std::vector<Event> engine_examples() {
    std::vector<Event> out;
    WatchHealth down;
    record_failure(down, FailureKind::transient, "HTTP 503", at("2026-11-26T06:00:00Z"));
    WatchHealth refused;
    record_failure(refused, FailureKind::auth, "Invalid Api-Key", at("2026-11-26T06:00:00Z"));
    for (auto& e : source_conditions({{"postings", &down}, {"returns", &refused}}, "main", "ozon",
                                     at("2026-11-26T07:00:00Z"), std::chrono::minutes(15)))
        out.push_back(std::move(e));
    // The push receiver's silence, with and without a ping ever received.
    for (auto& e : push_silence_conditions({at("2026-11-25T06:00:00Z"), at("2026-11-20T06:00:00Z")},
                                           at("2026-11-26T07:00:00Z"), std::chrono::hours(24)))
        out.push_back(std::move(e));
    AccountReport r;
    r.account = "main";
    r.sections.push_back(WatchReport{"postings", "Отправления FBS", {"Отправления FBS:", "  Спорные  1"}, true, ""});
    out.push_back(make_report_event(r, at("2026-11-26T06:00:00Z"), ReportOptions{}));
    return out;
}

// Keys a type's texts read from these details, with both languages.
std::set<std::string, std::less<>> shown_keys(const EventType& t, const nlohmann::json& details) {
    std::set<std::string, std::less<>> shown;
    for (bool ru : {true, false}) {
        DetailsView d(details);
        NullSink sink(ru);
        if (t.facts) t.facts(d, sink);
        fill_placeholders(ru ? t.todo_ru : t.todo_en, d);
        for (const auto& k : d.used()) shown.insert(k);
    }
    if (!t.subject_key.empty()) shown.insert(t.subject_key);
    for (const auto& k : t.hidden_keys) shown.insert(k);
    return shown;
}

}  // namespace

TEST(EventRegistry, EveryDeclaredTypeIsRegisteredWithTextsInBothLanguages) {
    install_watch_modules();
    for (const auto* m : watch_modules().all()) {
        if (!m->implemented()) continue;
        for (const auto& t : m->event_types()) {
            const EventType* reg = event_types().find(t.type);
            ASSERT_NE(reg, nullptr) << m->name() << ": " << t.type;
            EXPECT_FALSE(reg->title_ru.empty()) << t.type;
            EXPECT_FALSE(reg->title_en.empty()) << t.type;
            EXPECT_FALSE(reg->source.empty()) << t.type;
            EXPECT_EQ(reg->todo_ru.empty(), reg->todo_en.empty()) << t.type;
        }
    }
    for (const char* own : {"source.auth_failed", "source.unavailable", "report.daily",
                            "notify.delivery_failed", "notify.test"})
        EXPECT_NE(event_types().find(own), nullptr) << own;
}

TEST(EventRegistry, EveryModuleShowsAnExampleOfEachOfItsTypes) {
    install_watch_modules();
    for (const auto* m : watch_modules().all()) {
        if (!m->implemented()) continue;
        std::set<std::string> seen;
        for (const auto& e : m->examples()) seen.insert(e.type);
        for (const auto& t : m->event_types())
            EXPECT_TRUE(seen.count(t.type)) << m->name() << " has no example of " << t.type;
    }
}

TEST(EventRegistry, NoWatchEmitsAnUnregisteredTypeOrADetailKeyNoTextShows) {
    install_watch_modules();
    std::vector<Event> all = engine_examples();
    for (const auto* m : watch_modules().all())
        if (m->implemented())
            for (auto& e : m->examples()) all.push_back(std::move(e));
    ASSERT_FALSE(all.empty());
    for (const auto& e : all) {
        const EventType* t = event_types().find(e.type);
        ASSERT_NE(t, nullptr) << "unregistered type " << e.type;
        EXPECT_EQ(t->kind, e.kind) << e.type;
        EXPECT_EQ(t->severity, e.severity) << e.type;
        auto shown = shown_keys(*t, e.details);
        for (const auto& [key, _] : e.details.items())
            EXPECT_TRUE(shown.count(key)) << e.type << ": detail \"" << key << "\" is never shown";
        // Every {placeholder} of "what to do" is filled from the event's own details.
        for (bool ru : {true, false}) {
            DetailsView d(e.details);
            std::string todo = fill_placeholders(ru ? t->todo_ru : t->todo_en, d);
            EXPECT_EQ(todo.find('{'), std::string::npos) << e.type << ": " << todo;
        }
        // And alerts/ renders it through the registry: the registered title, not the fallback.
        alerts::RenderOptions o;
        std::string text = alerts::render_event(e, "new", o, alerts::Format::text);
        EXPECT_NE(text.find(t->title_ru), std::string::npos) << e.type << ":\n" << text;
    }
}

TEST(EventRegistry, AdviceSaysTheShopsOwnHandoverTime) {
    // The bug this registry fixed: advice said "до 17:00" while detection used the configured
    // hand-over time. Render an example with another time: the text must follow it.
    install_watch_modules();
    for (const auto* m : watch_modules().all()) {
        if (!m->implemented()) continue;
        for (auto e : m->examples()) {
            if (!e.details.contains("handover_deadline")) continue;
            e.details["handover_deadline"] = "15:00";
            std::string text = alerts::render_event(e, "new", alerts::RenderOptions{}, alerts::Format::text);
            auto todo = text.find("Что делать:");
            ASSERT_NE(todo, std::string::npos) << e.type;
            std::string line = text.substr(todo, text.find('\n', todo) - todo);
            EXPECT_EQ(line.find("17:00"), std::string::npos) << e.type << ": " << line;
            EXPECT_NE(line.find("15:00"), std::string::npos) << e.type << ": " << line;
        }
    }
}
