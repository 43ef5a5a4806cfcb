#pragma once
// The configuration, in the shape of design.md ("Contracts other programs rely on").
// load_config() is strict: unknown keys, wrong types, bad durations/times/zones, missing
// *_file secrets all throw ConfigError naming file:line:column and the key path.
// Defaults below are the documented ones (systemd/ozonwatch.example.yaml repeats them).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace YAML {
class Node;
}

namespace ozw {

using namespace std::chrono_literals;

class ConfigError : public std::runtime_error {
public:
    // what() = "config.yaml:12:5: watches.postings.interval: expected a duration like 90s, 5m, 2h"
    ConfigError(std::string file, int line, int column, std::string key_path, std::string message);
    const std::string& file() const { return file_; }
    int line() const { return line_; }
    int column() const { return column_; }
    const std::string& key_path() const { return key_path_; }
    const std::string& message() const { return message_; }

private:
    std::string file_, key_path_, message_;
    int line_, column_;
};

enum class Severity { info = 0, warning = 1, critical = 2 };

struct InsalesConfig {
    std::string url;       // https://myshop.myinsales.ru
    std::string login;
    std::string password;  // from password or password_file
};

// A CSV column: a name from the header row, or a 1-based position.
struct OnecCsvColumn {
    std::string name;  // set when given by name (needs header: true)
    int index = 0;     // 1-based; set when given by position
    bool empty() const { return name.empty() && index == 0; }
};

// onec.csv: an article;quantity export instead of CommerceML.
struct OnecCsvConfig {
    char delimiter = ';';
    OnecCsvColumn article;   // required
    OnecCsvColumn quantity;  // required
    OnecCsvColumn barcode;   // optional (empty = none)
    bool header = true;      // the first row names the columns
};

enum class OnecFormat { auto_detect, commerceml, csv };

struct OnecConfig {
    // A file, or a folder: then its newest regular file (mtime) of the format: commerceml
    // offers*.xml (else any *.xml); csv *.csv; auto: offers*.xml or *.csv (else any *.xml).
    std::string offers;
    OnecFormat format = OnecFormat::auto_detect;  // auto: by the file's extension
    std::optional<OnecCsvConfig> csv;  // required for CSV files
    Millis max_age = 24h;
};

struct AccountConfig {
    std::string name;
    std::string client_id;
    std::string api_key;  // from api_key or api_key_file
    std::string base_url = "https://api-seller.ozon.ru";
    std::string ca_file;  // extra CA bundle (tests, corporate proxies); empty = system store
    Millis request_timeout = 30s;
    double rate_limit = 20.0;  // requests/s shared by all watches of the account, <= 50
    std::optional<InsalesConfig> insales;
    std::optional<OnecConfig> onec;
};

// What every watch's settings have; a watch module extends it with its own keys
// (daemon/watches/<name>/). The defaults of a watch live in its settings struct, once.
struct WatchSettings {
    bool enabled = true;
    Millis interval = 2min;
    virtual ~WatchSettings() = default;
};

class ConfigReader;

// A watch's section of `watches:`, declared by its module and registered before a
// configuration is loaded (daemon/watches/all.cpp installs them). Strict: the schema knows its
// keys; an unknown key is an error naming file:line:column.
class WatchSchema {
public:
    virtual ~WatchSchema() = default;
    virtual const std::string& name() const = 0;
    virtual std::shared_ptr<WatchSettings> defaults() const = 0;
    // Reads the section over the defaults. `section` may be null ("returns:" alone).
    virtual std::shared_ptr<WatchSettings> parse(ConfigReader& reader, const YAML::Node& section,
                                                 const std::string& path) const = 0;
};

// The schemas load_config() knows, in registration order. Adding one with a name already
// present keeps the first.
class WatchSchemaRegistry {
public:
    void add(const WatchSchema* schema);
    const WatchSchema* find(std::string_view name) const;
    std::vector<const WatchSchema*> all() const;

private:
    mutable std::mutex mu_;
    std::vector<const WatchSchema*> schemas_;
};
WatchSchemaRegistry& watch_schemas();

struct WatchesConfig {
    // Every registered watch's settings, read or defaulted, by watch name.
    std::map<std::string, std::shared_ptr<WatchSettings>, std::less<>> sections;
    Millis unavailable_after = 15min;

    // nullptr when the watch has no section (a Config built in code): use the module defaults.
    const WatchSettings* find(std::string_view name) const {
        auto it = sections.find(name);
        return it == sections.end() ? nullptr : it->second.get();
    }
};

struct QuietHours {
    TimeOfDay from{22, 0};
    TimeOfDay to{8, 0};
};

// Routing filters common to every channel.
struct RouteConfig {
    Severity min_severity = Severity::info;
    std::vector<std::string> include_types;  // empty = all; "posting.*" prefixes allowed
    std::vector<std::string> exclude_types;
    std::vector<std::string> accounts;  // empty = all
    std::optional<QuietHours> quiet_hours;
};

struct TelegramChat {
    std::string chat_id;  // int64 as text, or "@channel"
    std::optional<long long> message_thread_id;
    RouteConfig route;
};

struct TelegramConfig {
    std::string bot_token;  // from bot_token or bot_token_file
    std::string api_base = "https://api.telegram.org";
    std::string ca_file;
    std::vector<TelegramChat> chats;
};

struct EmailConfig {
    std::string url;  // smtps://host:465 or smtp://host:587 (STARTTLS required)
    std::string username;
    std::string password;  // from password or password_file
    std::string from;
    std::vector<std::string> to;
    std::string ca_file;
    RouteConfig route;  // default min_severity critical
};

struct EventLogConfig {
    std::string path;
    RouteConfig route;
};

struct NotifyConfig {
    std::optional<TelegramConfig> telegram;
    std::optional<EmailConfig> email;
    std::optional<EventLogConfig> event_log;
    std::string language = "ru";  // ru | en
    Millis group_wait = 30s;
    Millis group_interval = 5min;
    Millis repeat_critical = 4h;
    Millis repeat_warning = 24h;
    std::vector<std::string> no_resolved_types;  // types that get no "resolved" message
    // A row that could not be delivered keeps being retried (capped backoff) until it is this
    // old; then it is marked failed and the other channels are told. Not a count of attempts:
    // a long outage must not drop the alerts queued at its start.
    Millis max_age = 24h;
};

struct ReportConfig {
    bool enabled = true;
    TimeOfDay at{9, 0};
};
struct PushConfig {
    bool enabled = false;
    std::string listen = "127.0.0.1:8081";
    std::string path = "/ozon/push";
    // Who may send pushes: IPv4/IPv6 addresses or networks (validated at load). Default: Ozon's
    // networks (push_start). The client address is the TCP peer, or X-Forwarded-For's when the
    // peer is one of `trusted_proxies` (the nginx in front).
    std::vector<std::string> allow{"195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24"};
    std::vector<std::string> trusted_proxies{"127.0.0.1"};
    // TLS on the receiver itself (normally nginx terminates it): both or neither.
    std::string tls_cert_file;
    std::string tls_key_file;
};
struct MetricsConfig {
    bool enabled = false;
    std::string listen = "127.0.0.1:9187";
};
struct LoggingConfig {
    std::string level = "info";  // trace|debug|info|warn|error
    std::string file;            // optional rotating log file
    std::size_t max_size = 10 * 1024 * 1024;
    std::size_t max_files = 5;
};

struct Config {
    std::string source_file;  // the path it was loaded from
    std::string timezone = "Europe/Moscow";
    std::string state_dir = "/var/lib/ozonwatch";
    // Events, delivered outbox rows and expired silences older than this are pruned daily, so
    // the database stays bounded over years (active conditions and pending sends are kept).
    Millis retention = std::chrono::hours(24 * 90);
    std::vector<AccountConfig> accounts;
    WatchesConfig watches;
    NotifyConfig notify;
    ReportConfig report;
    PushConfig push;
    MetricsConfig metrics;
    LoggingConfig logging;

    // Every secret value present in the configuration (for log masking).
    std::vector<std::string> secrets() const;
};

// Warnings found while loading (e.g. a world-readable secret file); not fatal.
struct ConfigLoadResult {
    Config config;
    std::vector<std::string> warnings;
};

// Throws ConfigError. `env` lookups go through getenv unless an override map is given (tests).
ConfigLoadResult load_config(const std::string& path,
                             const std::map<std::string, std::string>* env_override = nullptr);
ConfigLoadResult load_config_text(const std::string& text, const std::string& display_name,
                                  const std::map<std::string, std::string>* env_override = nullptr);

const char* to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

}  // namespace ozw
