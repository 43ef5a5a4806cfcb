#pragma once
// The watch registry (design.md: "a watch is a module"). A module is one folder under
// daemon/watches/<name>/: its config section (a SettingsSchema), its event types (texts, facts,
// link), its watch (fetch + pure evaluation) and its report section. daemon/watches/all.cpp is
// the one list; the loader, `config check`, the runtime, `check`, the morning report and the
// "not implemented yet" notice iterate it. The engine never names a concrete watch.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/config.hpp"
#include "common/config_reader.hpp"
#include "common/event_types.hpp"
#include "common/ozon/client.hpp"
#include "common/store.hpp"
#include "daemon/engine/watch.hpp"

namespace ozw::daemon {

// Another watch's remembered items of the same account, as last committed in the store (item
// key -> row); nullopt while that watch has no baseline (disabled, or not polled yet: watches
// poll concurrently, so a reader must be ready to wait a poll). A watch that builds on
// another's knowledge (finance on the postings delivered) reads it here, never by calling the
// other watch's code. With `wanted`, only the rows it accepts are handed over (a reader that
// keeps what it parsed of the rows takes only those that changed; Store::load_snapshot).
using SnapshotReader = std::function<std::optional<std::map<std::string, SnapshotItem>>(
    const std::string& watch, const SnapshotRowFilter& wanted)>;

// One field of another watch's remembered items against another, as last committed (e.g. the
// stocks watch's "sku" -> "offer_id"; values as text), for the rows whose key field is one of
// `only_keys` (integers; empty: every row); nullopt while that watch has no baseline. For a
// lookup in a large snapshot: the rows are neither handed over nor all parsed
// (Store::snapshot_index).
using SnapshotIndexReader = std::function<std::optional<std::unordered_map<std::string, std::string>>(
    const std::string& watch, const std::string& key_field, const std::string& value_field,
    const std::vector<long long>& only_keys)>;

// What a module gets to build one account's watch.
struct WatchContext {
    const Config& config;
    const AccountConfig& account;
    std::shared_ptr<ozon::Client> ozon;  // the account's client (shared rate limiter)
    const WatchSettings& settings;       // the module's own settings (its schema's type)
    SnapshotReader read_snapshot = {};   // null in contexts without a store (config checks)
    SnapshotIndexReader read_snapshot_index = {};  // the same
};

class WatchModule {
public:
    virtual ~WatchModule() = default;
    virtual const std::string& name() const { return schema().name(); }
    // False for a watch that is planned but not built in this release: its section is
    // accepted, nothing watches it, and `run`/`config check` say so.
    virtual bool implemented() const { return true; }
    // How the manager calls it ("Возвраты"), for notices about the module as a whole.
    virtual std::string title(const std::string& /*language*/) const { return name(); }
    virtual const WatchSchema& schema() const = 0;
    virtual std::vector<EventType> event_types() const { return {}; }
    // Events the watch's own pure evaluation emits on a built-in set of situations, at least one
    // of every type it declares: the registry test renders each one and fails on a type that is
    // not registered or a detail key that no text shows.
    virtual std::vector<Event> examples() const { return {}; }
    // The Ozon Seller API methods the watch calls (paths): the API key check names a role
    // that is missing for one of them.
    virtual std::vector<std::string> ozon_methods() const { return {}; }
    virtual std::shared_ptr<Watch> create(const WatchContext& ctx) const = 0;
};

class WatchModuleRegistry {
public:
    // A module with a name already present is ignored (first wins).
    void add(const WatchModule* module);
    std::vector<const WatchModule*> all() const;
    const WatchModule* find(std::string_view name) const;

private:
    mutable std::mutex mu_;
    std::vector<const WatchModule*> modules_;
};

// The modules of this process: all_watch_modules() once installed, plus any a test adds.
WatchModuleRegistry& watch_modules();

// daemon/watches/all.cpp: THE list. Adding a watch = a folder + one line there.
std::vector<const WatchModule*> all_watch_modules();

// Registers every module (all_watch_modules() and any added to watch_modules() before): their
// config schemas (so load_config accepts their sections), their event types, and the engine's
// and alerts' own event types. Call before loading a configuration; idempotent.
void install_watch_modules();

// A module's settings in `cfg` (its section, or the module's defaults for a Config built in
// code). Never null.
std::shared_ptr<const WatchSettings> settings_of(const Config& cfg, const WatchModule& module);
// Mutable settings of a Config built in code (demo, tests): creates the section from the
// module's defaults when missing. Throws std::invalid_argument for an unknown module or a
// settings type that is not the module's.
template <class S>
S& edit_settings(Config& cfg, std::string_view module_name);
WatchSettings& edit_settings_base(Config& cfg, std::string_view module_name);

// How a planned watch checks the value of one of its keys (nothing uses the value yet, but a
// mistake is reported now, not when the watch arrives).
using ValueCheck = std::function<void(ConfigReader&, const YAML::Node&, const std::string& path)>;
ValueCheck whole_number(long long lo, long long hi);
ValueCheck whole_numbers(long long lo, long long hi);  // a list
ValueCheck number_above(long long lo);
ValueCheck duration_value(bool allow_zero);
ValueCheck each_one_of(std::vector<std::string> allowed);  // a list

// A watch planned but not built yet: one line in all.cpp until its issue lands. Its section
// takes enabled/interval and the listed keys, each value checked.
const WatchModule& planned_watch(std::string name, std::string title_ru, std::string title_en,
                                 Millis default_interval,
                                 std::vector<std::pair<std::string, ValueCheck>> other_keys);

template <class S>
S& edit_settings(Config& cfg, std::string_view module_name) {
    auto* s = dynamic_cast<S*>(&edit_settings_base(cfg, module_name));
    if (!s) throw std::invalid_argument("settings of watch " + std::string(module_name) +
                                        " are not of the requested type");
    return *s;
}

}  // namespace ozw::daemon
