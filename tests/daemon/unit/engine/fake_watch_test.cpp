// The seam: a watch module written in this test file alone, added to the registry here, gets
// its config section (strict, with defaults), its texts through the event-type registry, its
// report section, incremental evaluation and `check`'s exit codes, with no other edit. If a
// future watch needs an edit elsewhere, this test is where the seam shows.
#include <gtest/gtest.h>

#include <sstream>

#include "alerts/templates.hpp"
#include "common/config_reader.hpp"
#include "daemon/engine/check.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/engine/settings_schema.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

// ---- the whole "watch folder"
struct GaugeSettings : WatchSettings {
    GaugeSettings() { interval = 5min; }
    int limit = 10;
};

struct Gauge {
    std::string id;
    int value = 0;
    nlohmann::json to_json() const { return {{"id", id}, {"value", value}}; }
    static Gauge from_json(const nlohmann::json& j) {
        return {j.value("id", std::string()), j.value("value", 0)};
    }
    std::string fingerprint() const { return std::to_string(value); }
};

// What the "source" says; the test sets it.
std::vector<Gauge> g_world;
bool g_source_down = false;

class GaugeWatch final : public SnapshotWatch<Gauge> {
public:
    GaugeWatch(std::string account, GaugeSettings s) : SnapshotWatch("gauge", std::move(account)), s_(s) {}
    Millis interval() const override { return s_.interval; }
    std::vector<std::string> report_lines(const ReportOptions&) const override {
        return {"Датчики: " + std::to_string(items().size()) + " шт."};
    }
    std::string report_title(const ReportOptions&) const override { return "Датчики"; }
    std::vector<Event> transitions(const Gauge* prev, const Gauge& cur, TimePoint now) const override {
        if (prev) return {};
        return {event("gauge.appeared", Severity::info, EventKind::transition, "gauge.appeared:" + cur.id, cur, now)};
    }
    ItemConditions conditions(const Gauge& cur, TimePoint now) const override {
        ItemConditions c;
        if (cur.value > 2 * s_.limit)
            c.holding.push_back(event("gauge.far_too_high", Severity::critical, EventKind::condition,
                                      "gauge.high:" + cur.id, cur, now));
        else if (cur.value > s_.limit)
            c.holding.push_back(event("gauge.too_high", Severity::warning, EventKind::condition,
                                      "gauge.high:" + cur.id, cur, now));
        return c;
    }

protected:
    awaitable<Fetched<Gauge>> fetch(TimePoint, bool) override {
        if (g_source_down) throw std::runtime_error("gauge source: connection refused");
        Fetched<Gauge> f;
        f.items = g_world;
        f.full_window = true;
        co_return f;
    }
    std::string key_of(const Gauge& g) const override { return g.id; }

private:
    Event event(const char* type, Severity sev, EventKind kind, std::string key, const Gauge& g,
                TimePoint now) const {
        Event e;
        e.type = type;
        e.severity = sev;
        e.kind = kind;
        e.account = account();
        e.key = std::move(key);
        e.occurred_at = e.detected_at = now;
        e.details = {{"gauge", g.id}, {"value", g.value}, {"limit", s_.limit}};
        return e;
    }
    GaugeSettings s_;
};

class GaugeModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::vector<EventType> event_types() const override {
        auto type = [](const char* name, EventKind k, Severity s, const char* ru, const char* en) {
            EventType t;
            t.type = name;
            t.kind = k;
            t.severity = s;
            t.source = "ozon";
            t.title_ru = ru;
            t.title_en = en;
            t.subject_key = "gauge";
            t.todo_ru = "Снизьте показание ниже {limit}.";
            t.todo_en = "Bring it below {limit}.";
            t.facts = [](const DetailsView& d, FactSink& s) { s.fact("Показание", "Value", d.str("value")); };
            return t;
        };
        return {type("gauge.appeared", EventKind::transition, Severity::info, "Новый датчик", "New gauge"),
                type("gauge.too_high", EventKind::condition, Severity::warning, "Датчик высоко", "Gauge high"),
                type("gauge.far_too_high", EventKind::condition, Severity::critical, "Датчик зашкаливает",
                     "Gauge far too high")};
    }
    std::vector<Event> examples() const override {
        GaugeWatch w("main", GaugeSettings{});
        std::vector<Event> out = w.transitions(nullptr, {"g1", 1}, at("2026-11-26T06:00:00Z"));
        for (int v : {15, 25})
            for (auto& e : w.conditions({"g1", v}, at("2026-11-26T06:00:00Z")).holding) out.push_back(e);
        return out;
    }
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<GaugeWatch>(ctx.account.name, dynamic_cast<const GaugeSettings&>(ctx.settings));
    }

private:
    SettingsSchema<GaugeSettings> schema_ = [] {
        SettingsSchema<GaugeSettings> s("gauge");
        s.integer("limit", &GaugeSettings::limit, 1, 1000);
        return s;
    }();
};

const GaugeModule& gauge_module() {
    static const GaugeModule m;
    return m;
}

// ---- the test's side
// Every shipped watch that is built is switched off: the gauge alone talks to its world (a
// shipped watch would poll a source that is not there).
std::string shipped_watches_off() {
    std::string out;
    for (const auto* m : all_watch_modules())
        if (m->implemented()) out += "  " + m->name() + ": {enabled: false}\n";
    return out;
}

struct GaugeEnv {
    ozw::test::DaemonEnv env;
    GaugeEnv() {
        watch_modules().add(&gauge_module());  // the "one line"
        install_watch_modules();
        g_world = {{"g1", 3}, {"g2", 4}};
        g_source_down = false;
    }
    std::string yaml(const std::string& gauge_section) const {
        return "state_dir: " + env.dir.string() + "\n"
               "accounts:\n  - {name: main, client_id: \"1\", api_key: k, base_url: \"http://127.0.0.1:9\"}\n"
               "watches:\n" + shipped_watches_off() + "  gauge: " + gauge_section + "\n";
    }
    Config config(const std::string& gauge_section = "{limit: 5}") const {
        return load_config_text(yaml(gauge_section), "gauge.yaml").config;
    }
    CheckResult check(const Config& cfg, std::string& text) {
        std::ostringstream out, err;
        auto r = run_check(cfg, env.clock, "text", out, err);
        text = out.str() + err.str();
        return r;
    }
};

}  // namespace

TEST(FakeWatchSkeleton, ItsConfigSectionIsStrictWithDefaultsInOnePlace) {
    GaugeEnv g;
    Config cfg = g.config();
    auto s = settings_of(cfg, gauge_module());
    EXPECT_EQ(dynamic_cast<const GaugeSettings&>(*s).limit, 5);
    EXPECT_EQ(s->interval, Millis{5min});  // the default from GaugeSettings
    EXPECT_EQ(dynamic_cast<const GaugeSettings&>(*settings_of(g.config("{}"), gauge_module())).limit, 10);
    try {
        g.config("{limt: 5}");
        FAIL() << "an unknown key was accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key_path(), "watches.gauge.limt");
        EXPECT_NE(std::string(e.what()).find("did you mean \"limit\""), std::string::npos) << e.what();
    }
    EXPECT_THROW(g.config("{limit: 0}"), ConfigError);
}

TEST(FakeWatchSkeleton, RuntimeRunsItAndCheckReportsItsSectionTextsAndExitCodes) {
    GaugeEnv g;
    Config cfg = g.config();
    std::string text;
    // nothing above the limit: exit 0, the section in the report
    EXPECT_EQ(g.check(cfg, text).exit_code, 0) << text;
    EXPECT_NE(text.find("Датчики: 2 шт."), std::string::npos) << text;
    EXPECT_NE(text.find("всё в порядке"), std::string::npos) << text;
    // above the limit: a warning, rendered from the registry (title, subject, facts, todo)
    g_world = {{"g1", 3}, {"g2", 7}, {"g3", 8}};
    g_world[1].value = 8;
    EXPECT_EQ(g.check(cfg, text).exit_code, 1) << text;
    EXPECT_NE(text.find("🟠 Датчик высоко g2"), std::string::npos) << text;
    EXPECT_NE(text.find("Показание: 8"), std::string::npos) << text;
    EXPECT_NE(text.find("Что делать: Снизьте показание ниже 5."), std::string::npos) << text;
    // far above: critical
    g_world[1].value = 11;
    EXPECT_EQ(g.check(cfg, text).exit_code, 2) << text;
    EXPECT_NE(text.find("Датчик зашкаливает g2"), std::string::npos) << text;
    // the source fails: exit 3, named in the report
    g_source_down = true;
    EXPECT_EQ(g.check(cfg, text).exit_code, 3) << text;
    EXPECT_NE(text.find("Датчики: проверить не удалось: gauge source: connection refused"),
              std::string::npos) << text;
}

TEST(FakeWatchSkeleton, ItsTransitionsAndEscalationGoThroughTheSharedEngineAndStore) {
    GaugeEnv g;
    Config cfg = g.config();
    RuntimeOptions o;
    o.notify = false;
    o.jitter_fraction = 0;
    Runtime rt(cfg, *g.env.store, g.env.clock, g.env.ioc.get_executor(), o);
    ASSERT_EQ(rt.accounts().size(), 1u);
    ASSERT_NE(rt.accounts()[0].watch("gauge"), nullptr);
    EXPECT_EQ(rt.accounts()[0].watch("postings"), nullptr);  // disabled in its own section
    auto cycle = [&] {
        g.env.run([&] { return rt.scheduler().run_once_due(); });
        auto& r = rt.scheduler().at(0).last_result;
        std::vector<std::string> out;
        for (const auto& e : r->recorded) out.push_back(e.type + (e.state == EventState::resolved ? "/resolved" : ""));
        return out;
    };
    EXPECT_TRUE(cycle().empty());  // baseline: g1, g2 are history
    g_world.push_back({"g3", 1});
    g.env.clock.advance(5min);
    EXPECT_EQ(cycle(), std::vector<std::string>{"gauge.appeared"});
    g_world[2].value = 6;
    g.env.clock.advance(5min);
    EXPECT_EQ(cycle(), std::vector<std::string>{"gauge.too_high"});
    g_world[2].value = 12;
    g.env.clock.advance(5min);
    EXPECT_EQ(cycle(), std::vector<std::string>{"gauge.far_too_high"});  // escalates, one key
    g_world[2].value = 1;
    g.env.clock.advance(5min);
    EXPECT_EQ(cycle(), std::vector<std::string>{"gauge.far_too_high/resolved"});
}

TEST(FakeWatchSkeleton, APlannedWatchIsAcceptedAndSaidToBeNotWatched) {
    GaugeEnv g;
    // Every shipped watch is built now: a planned one of the test's own, one planned_watch line.
    static const WatchModule& planned = planned_watch("questions", "вопросы покупателей", "questions", 10min, {});
    watch_modules().add(&planned);
    install_watch_modules();
    Config cfg = load_config_text(g.yaml("{}") + "  questions: {interval: 15m}\n", "gauge.yaml").config;
    auto names = configured_but_not_implemented(cfg, "ru");
    EXPECT_NE(std::find(names.begin(), names.end(), "вопросы покупателей"), names.end());
    std::string text;
    g.check(cfg, text);
    EXPECT_NE(text.find("Не проверяется в этой версии (смотрите в кабинете сами): вопросы покупателей"),
              std::string::npos) << text;
}
