// The `watches:` sections as the watch modules declare them (daemon/watches/all.cpp): the common
// loader knows no watch, each module's schema reads its own section. The meaning is the one
// the configuration contract gives (design.md, systemd/ozonwatch.example.yaml): the postings
// keys with their documented defaults, strict keys with "did you mean", errors naming
// file:line:column and the key path, the planned watches accepted with their keys.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/config.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/watches/postings/settings.hpp"
#include "daemon/watches/finance/settings.hpp"
#include "daemon/watches/returns/settings.hpp"

using ::testing::HasSubstr;
using namespace std::chrono_literals;

namespace ozw {
namespace {

using daemon::postings::PostingsSettings;
using daemon::returns::ReturnsSettings;
using daemon::finance::FinanceSettings;

const char* const kMinimal =
    "accounts:\n"
    "  - name: main\n"
    "    client_id: \"123456\"\n"
    "    api_key: key-0123456789\n";

class WatchConfigTest : public ::testing::Test {
protected:
    void SetUp() override { daemon::install_watch_modules(); }

    Config load(const std::string& text) {
        return load_config_text(text, "config.yaml", &no_env_).config;
    }
    ConfigError error_of(const std::string& text) {
        try {
            load_config_text(text, "config.yaml", &no_env_);
        } catch (const ConfigError& e) {
            return e;
        }
        ADD_FAILURE() << "no ConfigError for:\n" << text;
        return ConfigError("", 0, 0, "", "");
    }
    static const daemon::WatchModule& module(const char* name) {
        const daemon::WatchModule* m = daemon::watch_modules().find(name);
        if (!m) throw std::runtime_error(std::string("no module ") + name);
        return *m;
    }
    static PostingsSettings postings(const Config& c) {
        auto s = daemon::settings_of(c, module("postings"));
        return dynamic_cast<const PostingsSettings&>(*s);
    }
    static std::shared_ptr<const WatchSettings> settings(const Config& c, const char* name) {
        return daemon::settings_of(c, module(name));
    }

    const std::map<std::string, std::string> no_env_;
};

TEST_F(WatchConfigTest, EveryWatchOfTheContractHasASection) {
    for (const char* name : {"postings", "returns", "finance", "stocks", "reviews", "chats"}) {
        EXPECT_NE(watch_schemas().find(name), nullptr) << name;
        EXPECT_NE(daemon::watch_modules().find(name), nullptr) << name;
    }
    for (const char* name : {"postings", "returns", "finance", "stocks", "reviews", "chats"})
        EXPECT_TRUE(module(name).implemented()) << name;
}

TEST_F(WatchConfigTest, PostingsDefaultsAreTheDocumentedOnes) {
    // Without a watches: section, and with an empty postings: section.
    for (const std::string extra : {"", "watches:\n  postings:\n"}) {
        Config c = load(std::string(kMinimal) + extra);
        ASSERT_NE(c.watches.find("postings"), nullptr) << extra;
        PostingsSettings p = postings(c);
        EXPECT_TRUE(p.enabled);
        EXPECT_EQ(p.interval, Millis{2min});
        EXPECT_EQ(p.handover_deadline, (TimeOfDay{17, 0}));
        EXPECT_EQ(p.warn_before, Millis{2h});
        EXPECT_EQ(p.lookback, Millis{14 * 24h});
        EXPECT_EQ(p.overlap, Millis{10min});
        EXPECT_EQ(p.reconcile_every, Millis{6h});
        EXPECT_EQ(p.stuck_delivering, Millis{10 * 24h});
        EXPECT_EQ(p.stuck_driver_pickup, Millis{24h});
        EXPECT_EQ(p.stuck_acceptance, Millis{24h});
    }
    // A Config built in code has no section: the module's defaults, the same values.
    Config code;
    EXPECT_EQ(code.watches.find("postings"), nullptr);
    EXPECT_EQ(postings(code).handover_deadline, (TimeOfDay{17, 0}));
    EXPECT_EQ(postings(code).interval, Millis{2min});
}

TEST_F(WatchConfigTest, PostingsKeysAreRead) {
    Config c = load(std::string(kMinimal) +
                    "watches:\n"
                    "  postings:\n"
                    "    enabled: false\n"
                    "    interval: 90s\n"
                    "    handover_deadline: \"16:30\"\n"
                    "    warn_before: 1h30m\n"
                    "    lookback: 30d\n"
                    "    overlap: 0s\n"
                    "    reconcile_every: 12h\n"
                    "    stuck_delivering: 7d\n"
                    "    stuck_driver_pickup: 12h\n"
                    "    stuck_acceptance: 2d\n");
    PostingsSettings p = postings(c);
    EXPECT_FALSE(p.enabled);
    EXPECT_EQ(p.interval, Millis{90s});
    EXPECT_EQ(p.handover_deadline, (TimeOfDay{16, 30}));
    EXPECT_EQ(p.warn_before, Millis{90min});
    EXPECT_EQ(p.lookback, Millis{30 * 24h});
    EXPECT_EQ(p.overlap, Millis{0});  // zero allowed: no re-read window
    EXPECT_EQ(p.reconcile_every, Millis{12h});
    EXPECT_EQ(p.stuck_delivering, Millis{7 * 24h});
    EXPECT_EQ(p.stuck_driver_pickup, Millis{12h});
    EXPECT_EQ(p.stuck_acceptance, Millis{48h});
}

TEST_F(WatchConfigTest, DesignShapeOfTheWatchesSectionLoads) {
    // design.md, "Contracts other programs rely on".
    Config c = load(std::string(kMinimal) +
                    "watches:\n"
                    "  postings: {interval: 2m, handover_deadline: \"17:00\"}\n"
                    "  returns:  {interval: 10m, enabled: false}\n"
                    "  finance:  {interval: 1h, grace_days: 3}\n"
                    "  stocks:   {interval: 15m, suspicious_values: [100, 1000], compare_with: [insales]}\n"
                    "  reviews:  {interval: 10m, alert_rating: 3}\n"
                    "  chats:    {interval: 5m}\n"
                    "  unavailable_after: 20m\n");
    EXPECT_EQ(postings(c).handover_deadline, (TimeOfDay{17, 0}));
    EXPECT_FALSE(settings(c, "returns")->enabled);
    EXPECT_EQ(settings(c, "finance")->interval, Millis{1h});
    EXPECT_EQ(settings(c, "stocks")->interval, Millis{15min});
    EXPECT_EQ(settings(c, "reviews")->interval, Millis{10min});
    EXPECT_EQ(settings(c, "chats")->interval, Millis{5min});
    EXPECT_EQ(c.watches.unavailable_after, Millis{20min});
}

TEST_F(WatchConfigTest, PlannedWatchesAreAcceptedWithTheirKeysAndDefaults) {
    // Absent: enabled, with the documented intervals.
    Config d = load(kMinimal);
    const std::pair<const char*, Millis> intervals[] = {
        {"returns", 10min}, {"finance", 1h}, {"stocks", 15min}, {"reviews", 10min}, {"chats", 5min}};
    for (const auto& [name, interval] : intervals) {
        ASSERT_NE(d.watches.find(name), nullptr) << name;
        EXPECT_TRUE(settings(d, name)->enabled) << name;
        EXPECT_EQ(settings(d, name)->interval, interval) << name;
    }
    // Every key the example documents for them is accepted.
    Config c = load(std::string(kMinimal) +
                    "watches:\n"
                    "  returns:\n"
                    "  finance: {enabled: false, interval: 2h, grace_days: 5}\n"
                    "  stocks: {suspicious_values: [100, 999], jump_factor: 10, compare_with: [insales, onec],\n"
                    "           mismatch_grace: 30m}\n"
                    "  reviews: {alert_rating: 2}\n"
                    "  chats: {interval: 1m}\n");
    EXPECT_TRUE(settings(c, "returns")->enabled);
    EXPECT_EQ(settings(c, "returns")->interval, Millis{10min});
    EXPECT_FALSE(settings(c, "finance")->enabled);
    EXPECT_EQ(settings(c, "finance")->interval, Millis{2h});
    EXPECT_EQ(settings(c, "chats")->interval, Millis{1min});
    // Their common keys are checked like any other watch's.
    auto e = error_of(std::string(kMinimal) + "watches: {chats: {enabled: maybe}}\n");
    EXPECT_EQ(e.key_path(), "watches.chats.enabled");
    EXPECT_EQ(e.message(), "expected true or false");
    // ... and a key they do not have is refused.
    auto k = error_of(std::string(kMinimal) + "watches: {finance: {grace_dais: 3}}\n");
    EXPECT_EQ(k.key_path(), "watches.finance.grace_dais");
    EXPECT_THAT(k.message(), HasSubstr("(did you mean \"grace_days\"?)"));
}

TEST_F(WatchConfigTest, BadDurationNamesFileLineColumnAndKeyPath) {
    auto e = error_of(std::string(kMinimal) +
                      "watches:\n"
                      "  postings:\n"
                      "    interval: 5x\n");
    EXPECT_STREQ(e.what(),
                 "config.yaml:7:15: watches.postings.interval: expected a duration like 90s, 5m, 2h");
    EXPECT_EQ(e.file(), "config.yaml");
    EXPECT_EQ(e.line(), 7);
    EXPECT_EQ(e.column(), 15);
    EXPECT_EQ(e.key_path(), "watches.postings.interval");

    auto zero = error_of(std::string(kMinimal) + "watches: {postings: {interval: 0s}}\n");
    EXPECT_EQ(zero.key_path(), "watches.postings.interval");
    EXPECT_EQ(zero.message(), "must be longer than zero");

    auto t = error_of(std::string(kMinimal) + "watches:\n  postings:\n    handover_deadline: \"25:00\"\n");
    EXPECT_EQ(t.key_path(), "watches.postings.handover_deadline");
    EXPECT_EQ(t.line(), 7);
    EXPECT_EQ(t.column(), 24);
    EXPECT_THAT(t.message(), HasSubstr("expected a time of day like 17:00"));
}

TEST_F(WatchConfigTest, UnknownPostingsKeySuggestsTheRightOne) {
    auto e = error_of(std::string(kMinimal) +
                      "watches:\n"
                      "  postings:\n"
                      "    interval: 5m\n"
                      "    handover_dedline: \"17:00\"\n");
    EXPECT_EQ(e.line(), 8);
    EXPECT_EQ(e.column(), 5);
    EXPECT_EQ(e.key_path(), "watches.postings.handover_dedline");
    EXPECT_EQ(e.message(), "unknown key \"handover_dedline\" (did you mean \"handover_deadline\"?)");

    auto far = error_of(std::string(kMinimal) + "watches: {postings: {colour: red}}\n");
    EXPECT_EQ(far.key_path(), "watches.postings.colour");
    EXPECT_EQ(far.message(), "unknown key \"colour\"");  // nothing close: no hint

    auto twice = error_of(std::string(kMinimal) + "watches: {postings: {interval: 1m, interval: 2m}}\n");
    EXPECT_EQ(twice.key_path(), "watches.postings.interval");
    EXPECT_THAT(twice.message(), HasSubstr("appears twice"));
}

TEST_F(WatchConfigTest, UnknownWatchNameIsRefused) {
    auto e = error_of(std::string(kMinimal) +
                      "watches:\n"
                      "  postngs: {interval: 5m}\n");
    EXPECT_EQ(e.line(), 6);
    EXPECT_EQ(e.column(), 3);
    EXPECT_EQ(e.key_path(), "watches.postngs");
    EXPECT_EQ(e.message(), "unknown key \"postngs\" (did you mean \"postings\"?)");

    auto orders = error_of(std::string(kMinimal) + "watches: {orders: {}}\n");
    EXPECT_EQ(orders.key_path(), "watches.orders");
    EXPECT_EQ(orders.message(), "unknown key \"orders\"");
}

TEST_F(WatchConfigTest, LookbackAboveOzonsOneYearLimitIsRefused) {
    EXPECT_EQ(postings(load(std::string(kMinimal) + "watches: {postings: {lookback: 300d}}\n")).lookback,
              Millis{300 * 24h});
    auto e = error_of(std::string(kMinimal) +
                      "watches:\n"
                      "  postings:\n"
                      "    lookback: 301d\n");
    EXPECT_EQ(e.key_path(), "watches.postings.lookback");
    EXPECT_EQ(e.line(), 7);
    EXPECT_EQ(e.column(), 15);
    EXPECT_THAT(e.message(), HasSubstr("300d"));
    EXPECT_THAT(e.message(), HasSubstr("one year"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "watches: {postings: {lookback: 400d}}\n").message(),
                HasSubstr("Ozon answers at most one year per request"));
}

TEST_F(WatchConfigTest, SettingsOfAConfigBuiltInCode) {
    Config cfg;
    auto& p = daemon::edit_settings<PostingsSettings>(cfg, "postings");
    EXPECT_EQ(p.handover_deadline, (TimeOfDay{17, 0}));  // created from the defaults
    p.interval = 5min;
    p.handover_deadline = TimeOfDay{15, 0};
    EXPECT_EQ(postings(cfg).interval, Millis{5min});
    EXPECT_EQ(postings(cfg).handover_deadline, (TimeOfDay{15, 0}));
    // The same section again, not a fresh one.
    EXPECT_EQ(&daemon::edit_settings<PostingsSettings>(cfg, "postings"), &p);
    daemon::edit_settings_base(cfg, "returns").enabled = false;
    EXPECT_FALSE(settings(cfg, "returns")->enabled);
    EXPECT_THROW(daemon::edit_settings<PostingsSettings>(cfg, "returns"), std::invalid_argument);
    EXPECT_THROW(daemon::edit_settings_base(cfg, "orders"), std::invalid_argument);
}

TEST(ExampleConfig, ShippedExampleLoads) {
    daemon::install_watch_modules();
    auto r = load_config(std::string(OZW_SOURCE_DIR) + "/systemd/ozonwatch.example.yaml");
    const Config& c = r.config;
    EXPECT_FALSE(c.accounts.empty());
    // The example repeats the documented defaults.
    auto p = dynamic_cast<const PostingsSettings&>(*c.watches.find("postings"));
    PostingsSettings defaults;
    EXPECT_EQ(p.enabled, defaults.enabled);
    EXPECT_EQ(p.interval, defaults.interval);
    EXPECT_EQ(p.handover_deadline, defaults.handover_deadline);
    EXPECT_EQ(p.warn_before, defaults.warn_before);
    EXPECT_EQ(p.lookback, defaults.lookback);
    EXPECT_EQ(p.overlap, defaults.overlap);
    EXPECT_EQ(p.reconcile_every, defaults.reconcile_every);
    EXPECT_EQ(p.stuck_delivering, defaults.stuck_delivering);
    EXPECT_EQ(p.stuck_driver_pickup, defaults.stuck_driver_pickup);
    EXPECT_EQ(p.stuck_acceptance, defaults.stuck_acceptance);
    EXPECT_EQ(p.min_reread_percent, defaults.min_reread_percent);
    auto ret = dynamic_cast<const ReturnsSettings&>(*c.watches.find("returns"));
    ReturnsSettings ret_defaults;
    EXPECT_EQ(ret.enabled, ret_defaults.enabled);
    EXPECT_EQ(ret.interval, ret_defaults.interval);
    EXPECT_EQ(ret.lookback, ret_defaults.lookback);
    EXPECT_EQ(ret.overlap, ret_defaults.overlap);
    EXPECT_EQ(ret.reconcile_every, ret_defaults.reconcile_every);
    EXPECT_EQ(ret.decision_window, ret_defaults.decision_window);
    EXPECT_EQ(ret.urgent_before, ret_defaults.urgent_before);
    EXPECT_EQ(ret.disposal_warn, ret_defaults.disposal_warn);
    auto fin = dynamic_cast<const FinanceSettings&>(*c.watches.find("finance"));
    FinanceSettings fin_defaults;
    EXPECT_EQ(fin.enabled, fin_defaults.enabled);
    EXPECT_EQ(fin.interval, fin_defaults.interval);
    EXPECT_EQ(fin.grace_days, fin_defaults.grace_days);
    EXPECT_EQ(fin.give_up_after, fin_defaults.give_up_after);
    EXPECT_EQ(fin.sale_types, fin_defaults.sale_types);
    EXPECT_EQ(r.config.notify.max_age, NotifyConfig{}.max_age);
    for (const char* name : {"stocks", "reviews", "chats"}) {
        ASSERT_NE(c.watches.find(name), nullptr) << name;
        EXPECT_EQ(c.watches.find(name)->interval,
                  daemon::watch_modules().find(name)->schema().defaults()->interval)
            << name;
    }
    EXPECT_EQ(c.watches.unavailable_after, Millis{15min});
}

TEST_F(WatchConfigTest, PlannedWatchesStillCheckTheValuesOfTheirKeys) {
    auto grace = error_of(std::string(kMinimal) + "watches: {stocks: {suspicious_values: [100, 2.5]}}\n");
    EXPECT_EQ(grace.key_path(), "watches.stocks.suspicious_values[1]");
    EXPECT_EQ(grace.message(), "expected a whole number");
    auto range = error_of(std::string(kMinimal) + "watches: {reviews: {alert_rating: 6}}\n");
    EXPECT_EQ(range.key_path(), "watches.reviews.alert_rating");
    EXPECT_EQ(range.message(), "must be between 0 and 5");
    auto source = error_of(std::string(kMinimal) + "watches: {stocks: {compare_with: [insales, excel]}}\n");
    EXPECT_EQ(source.key_path(), "watches.stocks.compare_with[1]");
    EXPECT_EQ(source.message(), "expected one of insales, onec, got \"excel\"");
    auto factor = error_of(std::string(kMinimal) + "watches: {stocks: {jump_factor: 1}}\n");
    EXPECT_EQ(factor.key_path(), "watches.stocks.jump_factor");
    auto values = error_of(std::string(kMinimal) + "watches: {stocks: {suspicious_values: [100, x]}}\n");
    EXPECT_EQ(values.key_path(), "watches.stocks.suspicious_values[1]");
    EXPECT_NO_THROW(load(std::string(kMinimal) +
                         "watches: {stocks: {suspicious_values: [100, 1000], jump_factor: 10, "
                         "compare_with: [insales, onec], mismatch_grace: 0s}}\n"));
}

}  // namespace
}  // namespace ozw
