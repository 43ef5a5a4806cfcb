// `config check`, `events`, `silence add|list|remove`, `version`: the administrator's commands.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <iostream>
#include <sstream>

#include "common/config.hpp"
#include "common/event.hpp"
#include "common/logging.hpp"
#include "common/memory.hpp"
#include "common/store.hpp"
#include "common/time.hpp"
#include "daemon/commands.hpp"
#include "daemon/engine/module.hpp"

#ifndef OZW_VERSION
#define OZW_VERSION "0.1.0"  // cmake/Packaging.cmake passes the project version
#endif

namespace ozw::cli {

namespace {

// Loads the configuration, prints its warnings and registers its secrets for masking.
// ConfigError propagates: main_entry turns it into exit 78.
Config load_checked(const GlobalOptions& g) {
    auto r = load_config(g.config_path);
    for (const auto& s : r.config.secrets()) log::add_secret(s);
    for (const auto& w : r.warnings) std::cerr << "warning: " << log::mask(w) << "\n";
    return std::move(r.config);
}

std::string db_path(const Config& c) {
    return (std::filesystem::path(c.state_dir) / "ozonwatch.db").string();
}

TimePoint now() { return SystemClock{}.now(); }

// The database must only ever be touched by the state folder's owner (the service's user):
// SQLite run by anyone else (root, typically) creates -wal/-shm files, or on a fresh folder a
// whole database, that the service can then not write. Returns the exit code when refused.
std::optional<int> refuse_other_user(const Config& c, const std::string& command) {
    struct stat st {};
    if (::stat(c.state_dir.c_str(), &st) != 0) {
        if (::geteuid() != 0) return std::nullopt;  // one's own folder, made on first use
        std::cerr << "ozonwatch " << command << ": the state folder " << c.state_dir
                  << " does not exist yet; start the service first (it creates it as its own user), "
                     "or run this as that user: sudo -u ozonwatch ozonwatch "
                  << command << " ...\n";
        return kExitNoPermission;
    }
    if (st.st_uid == ::geteuid()) return std::nullopt;
    std::string owner = std::to_string(st.st_uid);
    if (const passwd* pw = ::getpwuid(st.st_uid)) owner = pw->pw_name;
    std::cerr << "ozonwatch " << command << ": the state folder " << c.state_dir << " belongs to " << owner
              << "; files made by another user would lock the service out. Run it as that user: sudo -u "
              << owner << " ozonwatch " << command << " ...\n";
    return kExitNoPermission;
}

std::string channels_summary(const Config& c) {
    std::vector<std::string> parts;
    if (c.notify.telegram)
        parts.push_back("telegram (" + std::to_string(c.notify.telegram->chats.size()) +
                        (c.notify.telegram->chats.size() == 1 ? " chat)" : " chats)"));
    if (c.notify.email)
        parts.push_back("email (" + std::to_string(c.notify.email->to.size()) +
                        (c.notify.email->to.size() == 1 ? " recipient)" : " recipients)"));
    if (c.notify.event_log) parts.push_back("event_log (" + c.notify.event_log->path + ")");
    if (parts.empty()) return "none (alerts go to the log only)";
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

}  // namespace

int cmd_config_check(const GlobalOptions& g) {
    Config c;
    try {
        c = load_checked(g);
    } catch (const ConfigError& e) {
        std::cerr << log::mask(e.what()) << "\n";
        return kExitConfig;
    }
    std::string names;
    for (const auto& a : c.accounts) names += (names.empty() ? "" : ", ") + a.name;
    // Every module of the registry: the watches that run, and the configured ones this
    // release does not have (said plainly, so that nobody relies on their silence).
    std::vector<std::string> watches;
    std::string pending;
    for (const auto* m : daemon::watch_modules().all()) {
        if (!daemon::settings_of(c, *m)->enabled) continue;
        if (m->implemented()) watches.push_back(m->name());
        else pending += (pending.empty() ? "" : ", ") + m->name();
    }
    if (!pending.empty()) watches.push_back("(not implemented yet, ignored: " + pending + ")");
    std::string wl;
    for (const auto& s : watches) wl += (wl.empty() ? "" : ", ") + s;
    std::cout << "configuration OK: " << c.accounts.size()
              << (c.accounts.size() == 1 ? " account (" : " accounts (") << names
              << "), channels: " << channels_summary(c) << "\n"
              << "  watches: " << (wl.empty() ? "none" : wl) << "\n"
              << "  timezone: " << c.timezone << ", state: " << db_path(c) << "\n";
    return kExitOk;
}

int cmd_events(const GlobalOptions& g, const EventsOptions& o) {
    Config c = load_checked(g);
    TimePoint since;
    if (auto d = parse_duration(o.since)) {
        since = now() - *d;
    } else if (auto t = parse_iso8601(o.since)) {
        since = *t;
    } else {
        std::cerr << "ozonwatch events: --since: expected a duration like 24h or an ISO-8601 time\n";
        return kExitUsage;
    }
    const std::string path = db_path(c);
    if (!std::filesystem::exists(path)) {
        if (o.format == "text") std::cout << "no events yet (no state database at " << path << ")\n";
        return kExitOk;
    }
    if (auto refused = refuse_other_user(c, "events")) return *refused;
    Store store(path);
    auto events = store.events_since(since, o.limit);
    TimeZone tz(c.timezone);
    for (const auto& e : events) {
        if (o.format == "json") {
            std::cout << log::mask(to_json(e).dump()) << "\n";
            continue;
        }
        std::ostringstream line;
        line << tz.format_local(e.detected_at) << "  " << to_string(e.severity) << "  "
             << to_string(e.state) << "  " << e.type << "  " << e.account << "  " << e.key;
        if (!e.title.empty()) line << "  " << e.title;
        std::cout << log::mask(line.str()) << "\n";
    }
    if (o.format == "text" && events.empty())
        std::cout << "no events since " << tz.format_local(since) << "\n";
    return kExitOk;
}

int cmd_silence_add(const GlobalOptions& g, const SilenceAddOptions& o) {
    Config c = load_checked(g);
    auto d = parse_duration(o.duration);
    if (!d || d->count() <= 0) {
        std::cerr << "ozonwatch silence add: --for: expected a duration like 30m, 2h, 1d\n";
        return kExitUsage;
    }
    if (o.matcher.empty()) {
        std::cerr << "ozonwatch silence add: the matcher must not be empty\n";
        return kExitUsage;
    }
    if (auto refused = refuse_other_user(c, "silence add")) return *refused;
    Store store(db_path(c));  // creates the folder (0700) and the database (0600) if need be
    const TimePoint t = now();
    long long id = store.add_silence(o.matcher, t + *d, o.reason, t);
    TimeZone tz(c.timezone);
    std::cout << "silence " << id << " added: " << o.matcher << " until "
              << tz.format_local(t + *d) << "\n";
    return kExitOk;
}

int cmd_silence_list(const GlobalOptions& g) {
    Config c = load_checked(g);
    const std::string path = db_path(c);
    if (!std::filesystem::exists(path)) {
        std::cout << "no active silences\n";
        return kExitOk;
    }
    if (auto refused = refuse_other_user(c, "silence list")) return *refused;
    Store store(path);
    auto list = store.silences(now());
    if (list.empty()) {
        std::cout << "no active silences\n";
        return kExitOk;
    }
    TimeZone tz(c.timezone);
    for (const auto& s : list)
        std::cout << s.id << "  " << s.matcher << "  until " << tz.format_local(s.expires_at)
                  << (s.reason.empty() ? "" : "  " + s.reason) << "\n";
    return kExitOk;
}

int cmd_silence_remove(const GlobalOptions& g, long long id) {
    Config c = load_checked(g);
    const std::string path = db_path(c);
    if (!std::filesystem::exists(path)) {
        std::cerr << "no silence with id " << id << "\n";
        return 1;
    }
    if (auto refused = refuse_other_user(c, "silence remove")) return *refused;
    Store store(path);
    if (!store.remove_silence(id)) {
        std::cerr << "no silence with id " << id << "\n";
        return 1;
    }
    std::cout << "silence " << id << " removed\n";
    return kExitOk;
}

int cmd_version() {
    std::cout << "ozonwatch " << OZW_VERSION << "\n" << "heap: " << allocator_name() << "\n";
    return kExitOk;
}

}  // namespace ozw::cli
