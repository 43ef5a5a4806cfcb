#pragma once
// The daemon assembled as `run` does, on the sandbox's clock and URLs (demo_config), for the
// integration tests of every watch: one cycle = one poll of every due watch + one dispatch.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/store.hpp"
#include "common/time.hpp"
#include "daemon/demo.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/watches/postings/settings.hpp"
#include "sandbox/sandbox.hpp"
#include "tests/daemon/integration/daemon_it_util.hpp"

namespace ozw::test {

inline std::string scenario_path(const char* name) {
    return std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/" + name;
}

inline TimePoint at(const char* iso) { return *parse_iso8601(iso); }

inline Config sandbox_config(const sandbox::Sandbox& sb, const std::string& state_dir, bool telegram) {
    Config cfg = daemon::demo_config(sb.snapshot(), sb.base_url(), state_dir, "ru");
    daemon::edit_settings<daemon::postings::PostingsSettings>(cfg, "postings").interval = std::chrono::minutes(2);
    if (!telegram) cfg.notify.telegram.reset();
    return cfg;
}

// sandbox_config with only the named watches enabled (whatever else this build has).
inline Config only_watches(const sandbox::Sandbox& sb, const std::string& state_dir,
                           std::initializer_list<const char*> keep) {
    Config cfg = sandbox_config(sb, state_dir, true);
    for (const auto* m : daemon::watch_modules().all()) {
        if (!m->implemented()) continue;
        bool on = false;
        for (const char* k : keep) on = on || m->name() == k;
        daemon::edit_settings_base(cfg, m->name()).enabled = on;
    }
    return cfg;
}

// The daemon on the sandbox, as `run` assembles it (no jitter, the sandbox's clock).
struct Daemon {
    Store store;
    boost::asio::io_context ioc;
    daemon::Runtime runtime;
    Daemon(const Config& cfg, const std::string& db, const sandbox::Sandbox& sb, bool notify = true)
        : store(db), runtime(cfg, store, sb.clock(), ioc.get_executor(), options(notify)) {}
    // With other runtime options (a short retry policy) and the store on a chosen SQLite VFS
    // (a full disk: tests/common/unit/full_disk_vfs.hpp).
    Daemon(const Config& cfg, const std::string& db, const sandbox::Sandbox& sb, daemon::RuntimeOptions opt,
           const std::string& vfs = {})
        : store(db, vfs), runtime(cfg, store, sb.clock(), ioc.get_executor(), opt) {}
    static daemon::RuntimeOptions options(bool notify) {
        daemon::RuntimeOptions o;
        o.notify = notify;
        o.jitter_fraction = 0;
        return o;
    }
    // One poll of every due watch, then one dispatcher pass.
    void cycle() {
        run(ioc, [&] { return runtime.scheduler().run_once_due(); });
        if (runtime.dispatcher()) run(ioc, [&] { return runtime.dispatcher()->tick(); });
    }
    // The scheduler's entry of the first account's watch of that module.
    daemon::ScheduledWatch& scheduled(const std::string& name) {
        for (std::size_t i = 0; i < runtime.scheduler().size(); ++i) {
            auto& sw = runtime.scheduler().at(i);
            if (sw.runner->watch().name() == name &&
                sw.runner->watch().account() == runtime.accounts().at(0).config.name)
                return sw;
        }
        throw std::runtime_error("no scheduled " + name + " watch");
    }
    // The first account's watch of that module, as its concrete type.
    template <class W>
    W& watch(const std::string& name) {
        auto w = std::dynamic_pointer_cast<W>(runtime.accounts().at(0).watch(name));
        if (!w) throw std::runtime_error("no " + name + " watch");
        return *w;
    }
};

inline std::vector<sandbox::RecordedRequest> ozon_requests(const sandbox::Sandbox& sb) {
    std::vector<sandbox::RecordedRequest> out;
    for (const auto& r : sb.request_log())
        if (r.service == "ozon") out.push_back(r);
    return out;
}

inline std::vector<sandbox::TelegramMessage> sent_messages(const sandbox::Sandbox& sb) {
    std::vector<sandbox::TelegramMessage> out;
    for (const auto& m : sb.telegram_messages())
        if (m.method == "sendMessage" && m.ok) out.push_back(m);
    return out;
}

// How many times one event's heading (HTML: "<b>title</b>") reached the sandbox's Telegram, in
// any message (several events may be packed into one message).
inline int headings(const sandbox::Sandbox& sb, const std::string& title) {
    const std::string needle = "<b>" + title + "</b>";
    int n = 0;
    for (const auto& m : sent_messages(sb))
        for (auto p = m.text.find(needle); p != std::string::npos; p = m.text.find(needle, p + 1)) ++n;
    return n;
}

}  // namespace ozw::test
