#include "daemon/engine/module.hpp"

#include <stdexcept>

#include "alerts/templates.hpp"
#include "daemon/engine/report.hpp"
#include "daemon/engine/settings_schema.hpp"
#include "daemon/engine/source_health.hpp"

namespace ozw::daemon {

void WatchModuleRegistry::add(const WatchModule* module) {
    std::lock_guard lk(mu_);
    for (const auto* m : modules_)
        if (m->name() == module->name()) return;
    modules_.push_back(module);
}

std::vector<const WatchModule*> WatchModuleRegistry::all() const {
    std::lock_guard lk(mu_);
    return modules_;
}

const WatchModule* WatchModuleRegistry::find(std::string_view name) const {
    std::lock_guard lk(mu_);
    for (const auto* m : modules_)
        if (m->name() == name) return m;
    return nullptr;
}

WatchModuleRegistry& watch_modules() {
    static WatchModuleRegistry registry;
    return registry;
}

void install_watch_modules() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (const auto* m : all_watch_modules()) watch_modules().add(m);
        for (auto& t : engine_event_types()) event_types().add(std::move(t));
        for (auto& t : report_event_types()) event_types().add(std::move(t));
        alerts::register_event_types(event_types());
    });
    // Again every time: a test may have added a module since.
    for (const auto* m : watch_modules().all()) {
        watch_schemas().add(&m->schema());
        if (m->implemented())
            for (auto& t : m->event_types()) event_types().add(std::move(t));
    }
}

std::shared_ptr<const WatchSettings> settings_of(const Config& cfg, const WatchModule& module) {
    auto it = cfg.watches.sections.find(module.name());
    if (it != cfg.watches.sections.end() && it->second) return it->second;
    return module.schema().defaults();
}

WatchSettings& edit_settings_base(Config& cfg, std::string_view module_name) {
    const WatchModule* m = watch_modules().find(module_name);
    if (!m) throw std::invalid_argument("no watch module named " + std::string(module_name));
    auto& slot = cfg.watches.sections[std::string(module_name)];
    if (!slot) slot = m->schema().defaults();
    return *slot;
}

namespace {

struct PlannedSettings : WatchSettings {};

class PlannedWatch final : public WatchModule {
public:
    PlannedWatch(std::string name, std::string title_ru, std::string title_en, Millis interval,
                 std::vector<std::string> keys)
        : schema_(std::move(name), [interval](PlannedSettings& s) { s.interval = interval; }),
          title_ru_(std::move(title_ru)), title_en_(std::move(title_en)) {
        for (auto& k : keys)
            schema_.field(std::move(k), [](ConfigReader&, const YAML::Node&, const std::string&,
                                           PlannedSettings&) {});
    }
    bool implemented() const override { return false; }
    std::string title(const std::string& language) const override {
        return language == "en" ? title_en_ : title_ru_;
    }
    const WatchSchema& schema() const override { return schema_; }
    std::shared_ptr<Watch> create(const WatchContext&) const override {
        throw std::logic_error("watch " + name() + " is not implemented yet");
    }

private:
    SettingsSchema<PlannedSettings> schema_;
    std::string title_ru_, title_en_;
};

}  // namespace

const WatchModule& planned_watch(std::string name, std::string title_ru, std::string title_en,
                                 Millis default_interval, std::vector<std::string> other_keys) {
    // Lives as long as the process, like every module in the list.
    return *new PlannedWatch(std::move(name), std::move(title_ru), std::move(title_en),
                             default_interval, std::move(other_keys));
}

}  // namespace ozw::daemon
