#include "common/config.hpp"
#include "common/config_reader.hpp"
#include "common/push/push.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

namespace ozw {

std::string format_config_error(const std::string& file, int line, int column,
                                const std::string& key, const std::string& message) {
    std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    if (!key.empty()) out += key + ": ";
    return out + message;
}

ConfigError::ConfigError(std::string file, int line, int column, std::string key_path,
                         std::string message)
    : std::runtime_error(format_config_error(file, line, column, key_path, message)),
      file_(std::move(file)),
      key_path_(std::move(key_path)),
      message_(std::move(message)),
      line_(line),
      column_(column) {}

const char* to_string(Severity s) {
    switch (s) {
        case Severity::info: return "info";
        case Severity::warning: return "warning";
        case Severity::critical: return "critical";
    }
    return "info";
}

std::optional<Severity> parse_severity(std::string_view s) {
    if (s == "info") return Severity::info;
    if (s == "warning" || s == "warn") return Severity::warning;
    if (s == "critical") return Severity::critical;
    return std::nullopt;
}

std::vector<std::string> Config::secrets() const {
    std::vector<std::string> out;
    auto add = [&](const std::string& s) {
        if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    for (const auto& a : accounts) {
        add(a.api_key);
        if (a.insales) add(a.insales->password);
    }
    if (notify.telegram) add(notify.telegram->bot_token);
    if (notify.email) add(notify.email->password);
    return out;
}


void WatchSchemaRegistry::add(const WatchSchema* schema) {
    std::lock_guard lk(mu_);
    for (const auto* s : schemas_)
        if (s->name() == schema->name()) return;
    schemas_.push_back(schema);
}

const WatchSchema* WatchSchemaRegistry::find(std::string_view name) const {
    std::lock_guard lk(mu_);
    for (const auto* s : schemas_)
        if (s->name() == name) return s;
    return nullptr;
}

std::vector<const WatchSchema*> WatchSchemaRegistry::all() const {
    std::lock_guard lk(mu_);
    return schemas_;
}

WatchSchemaRegistry& watch_schemas() {
    static WatchSchemaRegistry registry;
    return registry;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                               prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string join_path(const std::string& base, const std::string& key) {
    return base.empty() ? key : base + "." + key;
}

namespace {

// The whole file: accounts, watches (through the registered watch schemas), notify, ...
class Loader : public ConfigReader {
public:
    // http:// is for the sandbox and tests on this machine; to anywhere else the secret would
    // travel in the clear. Allowed (a proxy may terminate TLS), but said.
    void warn_plain_http(const YAML::Node& n, const std::string& path, const std::string& url,
                         const char* what) {
        if (url.rfind("http://", 0) != 0) return;
        std::string host = url.substr(7);
        host = host.substr(0, host.find_first_of("/?#"));
        if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
        if (!host.empty() && host.front() == '[') host = host.substr(1, host.find(']') - 1);
        else host = host.substr(0, host.find(':'));
        if (host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0) return;
        warn(n, path, std::string("plain http:// to ") + host + ": " + what +
                          " would travel unencrypted; use https://");
    }

    using ConfigReader::ConfigReader;

    Config load(const YAML::Node& root);

private:
    RouteConfig route(const YAML::Node& m, const std::string& path, Severity default_min) {
        RouteConfig r;
        r.min_severity = default_min;
        if (auto n = get(m, "min_severity"); n.IsDefined()) {
            auto s = parse_severity(str(n, join_path(path, "min_severity")));
            if (!s) fail(n, join_path(path, "min_severity"), "expected one of info, warning, critical");
            r.min_severity = *s;
        }
        if (auto n = get(m, "include_types"); n.IsDefined())
            r.include_types = str_list(n, join_path(path, "include_types"), true);
        if (auto n = get(m, "exclude_types"); n.IsDefined())
            r.exclude_types = str_list(n, join_path(path, "exclude_types"), true);
        if (auto n = get(m, "accounts"); n.IsDefined())
            r.accounts = str_list(n, join_path(path, "accounts"), true);
        if (auto n = get(m, "quiet_hours"); n.IsDefined()) {
            const std::string qp = join_path(path, "quiet_hours");
            check_keys(n, qp, {"from", "to"});
            QuietHours q;
            if (auto f = get(n, "from"); f.IsDefined()) q.from = time_of_day(f, qp + ".from");
            if (auto t = get(n, "to"); t.IsDefined()) q.to = time_of_day(t, qp + ".to");
            r.quiet_hours = q;
        }
        return r;
    }

    void accounts(const YAML::Node& root, Config& c);
    OnecConfig onec(const YAML::Node& n, const std::string& op);
    OnecCsvColumn csv_column(const YAML::Node& n, const std::string& path, bool header);
    void watches(const YAML::Node& m, WatchesConfig& w);
    void notify(const YAML::Node& m, NotifyConfig& n);
    void check_account_refs(const Config& c, const YAML::Node& notify_node);

    std::vector<std::pair<YAML::Node, std::string>> account_refs_;  // route accounts to verify
};

void Loader::accounts(const YAML::Node& root, Config& c) {
    YAML::Node list = get(root, "accounts");
    if (!list.IsDefined()) fail(root, "accounts", "at least one account is required");
    if (list.IsNull() || (list.IsSequence() && list.size() == 0))
        fail(list, "accounts", "at least one account is required");
    if (!list.IsSequence()) fail(list, "accounts", "expected a list of accounts (- name: ...)");
    std::set<std::string> names;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node a = list[i];
        const std::string p = "accounts[" + std::to_string(i) + "]";
        if (!a.IsMap()) fail(a, p, "expected a mapping (name: ..., client_id: ...)");
        check_keys(a, p, {"name", "client_id", "api_key", "api_key_file", "base_url", "ca_file",
                          "request_timeout", "rate_limit", "insales", "onec"});
        AccountConfig ac;
        YAML::Node name = get(a, "name");
        if (!name.IsDefined()) fail(a, p + ".name", "missing name");
        ac.name = str(name, p + ".name");
        if (ac.name.empty()) fail(name, p + ".name", "must not be empty");
        if (!names.insert(ac.name).second)
            fail(name, p + ".name", "duplicate account name \"" + ac.name + "\"");
        YAML::Node cid = get(a, "client_id");
        if (!cid.IsDefined()) fail(a, p + ".client_id", "missing client_id");
        ac.client_id = str(cid, p + ".client_id");
        if (ac.client_id.empty()) fail(cid, p + ".client_id", "must not be empty");
        ac.api_key = secret(a, p, "api_key", true);
        if (auto n = get(a, "base_url"); n.IsDefined()) {
            ac.base_url = str(n, p + ".base_url");
            if (ac.base_url.rfind("https://", 0) != 0 && ac.base_url.rfind("http://", 0) != 0)
                fail(n, p + ".base_url", "expected a URL like https://api-seller.ozon.ru");
            while (!ac.base_url.empty() && ac.base_url.back() == '/') ac.base_url.pop_back();
            warn_plain_http(n, p + ".base_url", ac.base_url, "the API key");
        }
        if (auto n = get(a, "ca_file"); n.IsDefined()) {
            ac.ca_file = str(n, p + ".ca_file");
            if (!ac.ca_file.empty()) require_readable_file(n, p + ".ca_file", ac.ca_file);
        }
        if (auto n = get(a, "request_timeout"); n.IsDefined())
            ac.request_timeout = duration(n, p + ".request_timeout");
        if (auto n = get(a, "rate_limit"); n.IsDefined()) {
            ac.rate_limit = number(n, p + ".rate_limit");
            if (ac.rate_limit <= 0 || ac.rate_limit > 50)
                fail(n, p + ".rate_limit",
                     "must be above 0 and at most 50 requests per second (Ozon's limit)");
        }
        if (auto n = get(a, "insales"); n.IsDefined()) {
            const std::string ip = p + ".insales";
            if (!n.IsMap()) fail(n, ip, "expected a mapping (url, login, password_file)");
            check_keys(n, ip, {"url", "login", "password", "password_file"});
            InsalesConfig in;
            YAML::Node url = get(n, "url");
            if (!url.IsDefined()) fail(n, ip + ".url", "missing url");
            in.url = str(url, ip + ".url");
            if (in.url.rfind("https://", 0) != 0 && in.url.rfind("http://", 0) != 0)
                fail(url, ip + ".url", "expected a URL like https://myshop.myinsales.ru");
            while (!in.url.empty() && in.url.back() == '/') in.url.pop_back();
            warn_plain_http(url, ip + ".url", in.url, "the login and password");
            YAML::Node login = get(n, "login");
            if (!login.IsDefined()) fail(n, ip + ".login", "missing login");
            in.login = str(login, ip + ".login");
            in.password = secret(n, ip, "password", true);
            ac.insales = in;
        }
        if (auto n = get(a, "onec"); n.IsDefined()) ac.onec = onec(n, p + ".onec");
        c.accounts.push_back(std::move(ac));
    }
}

// A CSV column: a header name or a 1-based position ("article: Артикул", "quantity: 3").
OnecCsvColumn Loader::csv_column(const YAML::Node& n, const std::string& path, bool header) {
    OnecCsvColumn col;
    const std::string s = str(n, path);
    if (s.empty()) fail(n, path, "must not be empty (a column name or a 1-based column number)");
    if (s.find_first_not_of("0123456789") == std::string::npos) {
        col.index = static_cast<int>(integer(n, path, 1, 10000));
    } else {
        if (!header)
            fail(n, path, "a column name (\"" + s + "\") needs header: true; give the column number instead");
        col.name = s;
    }
    return col;
}

OnecConfig Loader::onec(const YAML::Node& n, const std::string& op) {
    if (!n.IsMap()) fail(n, op, "expected a mapping (offers, format, csv, max_age)");
    check_keys(n, op, {"offers", "format", "csv", "max_age"});
    OnecConfig oc;
    YAML::Node offers = get(n, "offers");
    if (!offers.IsDefined())
        fail(n, op + ".offers", "missing offers (the offers.xml or CSV file, or the exchange folder)");
    const std::string raw = str(offers, op + ".offers");
    if (raw.empty()) fail(offers, op + ".offers", "must not be empty");
    oc.offers = resolve(raw).string();
    if (auto f = get(n, "format"); f.IsDefined()) {
        const std::string s = one_of(f, op + ".format", {"auto", "commerceml", "csv"});
        oc.format = s == "csv" ? OnecFormat::csv : s == "commerceml" ? OnecFormat::commerceml
                                                                     : OnecFormat::auto_detect;
    }
    if (auto m = get(n, "max_age"); m.IsDefined()) oc.max_age = duration(m, op + ".max_age");
    // Lower-case extension of a path given as a file (a folder is decided when it is read).
    std::string ext = std::filesystem::path(raw).extension().string();
    for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const bool csv_file = oc.format == OnecFormat::csv ||
                          (oc.format == OnecFormat::auto_detect && ext == ".csv");
    YAML::Node cn = get(n, "csv");
    if (cn.IsDefined() && !cn.IsNull()) {
        const std::string cp = op + ".csv";
        if (!cn.IsMap()) fail(cn, cp, "expected a mapping (delimiter, article, quantity, barcode, header)");
        check_keys(cn, cp, {"delimiter", "article", "quantity", "barcode", "header"});
        if (oc.format == OnecFormat::commerceml)
            warn(cn, cp, "ignored: format is commerceml");
        OnecCsvConfig cc;
        if (auto h = get(cn, "header"); h.IsDefined()) cc.header = boolean(h, cp + ".header");
        if (auto d = get(cn, "delimiter"); d.IsDefined()) {
            std::string s = str(d, cp + ".delimiter");
            if (s == "tab" || s == "\\t") s = "\t";
            if (s.size() != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r')
                fail(d, cp + ".delimiter", "expected one character like \";\" or \",\" (or tab)");
            cc.delimiter = s[0];
        }
        YAML::Node art = get(cn, "article");
        if (!art.IsDefined())
            fail(cn, cp + ".article", "missing article (the column name or 1-based number of the article)");
        cc.article = csv_column(art, cp + ".article", cc.header);
        YAML::Node qty = get(cn, "quantity");
        if (!qty.IsDefined())
            fail(cn, cp + ".quantity", "missing quantity (the column name or 1-based number of the stock)");
        cc.quantity = csv_column(qty, cp + ".quantity", cc.header);
        if (auto b = get(cn, "barcode"); b.IsDefined() && !b.IsNull())
            cc.barcode = csv_column(b, cp + ".barcode", cc.header);
        oc.csv = cc;
    } else if (csv_file) {
        fail(cn.IsDefined() ? cn : n, op + ".csv",
             "missing csv (the columns of the CSV file: csv: {article: ..., quantity: ...})");
    }
    return oc;
}

void Loader::watches(const YAML::Node& m, WatchesConfig& w) {
    std::vector<std::string> allowed{"unavailable_after"};
    for (const auto* s : watch_schemas().all()) allowed.push_back(s->name());
    check_keys(m, "watches", allowed);
    if (auto n = get(m, "unavailable_after"); n.IsDefined())
        w.unavailable_after = duration(n, "watches.unavailable_after");
    for (const auto* s : watch_schemas().all()) {
        YAML::Node n = get(m, s->name().c_str());
        w.sections[s->name()] = n.IsDefined() ? s->parse(*this, n, "watches." + s->name())
                                              : s->defaults();
    }
}

#define OZW_ROUTE_KEYS "min_severity", "include_types", "exclude_types", "accounts", "quiet_hours"

void Loader::notify(const YAML::Node& m, NotifyConfig& nc) {
    check_keys(m, "notify", {"telegram", "email", "event_log", "language", "group_wait",
                             "group_interval", "repeat_critical", "repeat_warning",
                             "no_resolved_types", "max_age", "max_attempts"});
    if (auto v = get(m, "language"); v.IsDefined()) nc.language = one_of(v, "notify.language", {"ru", "en"});
    if (auto v = get(m, "group_wait"); v.IsDefined()) nc.group_wait = duration(v, "notify.group_wait", true);
    if (auto v = get(m, "group_interval"); v.IsDefined())
        nc.group_interval = duration(v, "notify.group_interval", true);
    if (auto v = get(m, "repeat_critical"); v.IsDefined())
        nc.repeat_critical = duration(v, "notify.repeat_critical");
    if (auto v = get(m, "repeat_warning"); v.IsDefined())
        nc.repeat_warning = duration(v, "notify.repeat_warning");
    if (auto v = get(m, "no_resolved_types"); v.IsDefined())
        nc.no_resolved_types = str_list(v, "notify.no_resolved_types", true);
    if (auto v = get(m, "max_age"); v.IsDefined()) {
        nc.max_age = duration(v, "notify.max_age");
        if (nc.max_age < 1min) fail(v, "notify.max_age", "must be at least 1m");
    }
    if (auto v = get(m, "max_attempts"); v.IsDefined()) {
        integer(v, "notify.max_attempts", 1, 1000);  // still checked: a typo stays an error
        warn(v, "notify.max_attempts",
             "is no longer used: delivery is retried until an alert is notify.max_age old (default 24h)");
    }

    if (auto t = get(m, "telegram"); t.IsDefined() && !t.IsNull()) {
        const std::string p = "notify.telegram";
        check_keys(t, p, {"bot_token", "bot_token_file", "api_base", "ca_file", "chats"});
        TelegramConfig tc;
        tc.bot_token = secret(t, p, "bot_token", true);
        if (auto v = get(t, "api_base"); v.IsDefined()) {
            tc.api_base = str(v, p + ".api_base");
            if (tc.api_base.rfind("https://", 0) != 0 && tc.api_base.rfind("http://", 0) != 0)
                fail(v, p + ".api_base", "expected a URL like https://api.telegram.org");
            while (!tc.api_base.empty() && tc.api_base.back() == '/') tc.api_base.pop_back();
            warn_plain_http(v, p + ".api_base", tc.api_base, "the bot token");
        }
        if (auto v = get(t, "ca_file"); v.IsDefined()) {
            tc.ca_file = str(v, p + ".ca_file");
            if (!tc.ca_file.empty()) require_readable_file(v, p + ".ca_file", tc.ca_file);
        }
        YAML::Node chats = get(t, "chats");
        if (!chats.IsDefined() || chats.IsNull() || (chats.IsSequence() && chats.size() == 0))
            fail(chats.IsDefined() ? chats : t, p + ".chats", "at least one chat is required");
        if (!chats.IsSequence()) fail(chats, p + ".chats", "expected a list like [{chat_id: -100123}]");
        for (std::size_t i = 0; i < chats.size(); ++i) {
            const YAML::Node ch = chats[i];
            const std::string cp = p + ".chats[" + std::to_string(i) + "]";
            if (!ch.IsMap()) fail(ch, cp, "expected a mapping (chat_id: ...)");
            check_keys(ch, cp, {"chat_id", "message_thread_id", OZW_ROUTE_KEYS});
            TelegramChat tch;
            YAML::Node id = get(ch, "chat_id");
            if (!id.IsDefined()) fail(ch, cp + ".chat_id", "missing chat_id");
            tch.chat_id = str(id, cp + ".chat_id");
            if (tch.chat_id.empty()) fail(id, cp + ".chat_id", "must not be empty");
            if (tch.chat_id[0] != '@') {
                integer(id, cp + ".chat_id", INT64_MIN + 1, INT64_MAX);
            }
            if (auto v = get(ch, "message_thread_id"); v.IsDefined())
                tch.message_thread_id = integer(v, cp + ".message_thread_id", 1, INT64_MAX);
            tch.route = route(ch, cp, Severity::info);
            if (auto v = get(ch, "accounts"); v.IsDefined()) account_refs_.emplace_back(v, cp + ".accounts");
            tc.chats.push_back(std::move(tch));
        }
        nc.telegram = std::move(tc);
    }
    if (auto e = get(m, "email"); e.IsDefined() && !e.IsNull()) {
        const std::string p = "notify.email";
        check_keys(e, p, {"url", "username", "password", "password_file", "from", "to", "ca_file",
                          OZW_ROUTE_KEYS});
        EmailConfig ec;
        YAML::Node url = get(e, "url");
        if (!url.IsDefined()) fail(e, p + ".url", "missing url (smtps://host:465 or smtp://host:587)");
        ec.url = str(url, p + ".url");
        if (ec.url.rfind("smtps://", 0) != 0 && ec.url.rfind("smtp://", 0) != 0)
            fail(url, p + ".url", "expected smtps://host:465 or smtp://host:587");
        if (auto v = get(e, "username"); v.IsDefined()) ec.username = str(v, p + ".username");
        ec.password = secret(e, p, "password", false);
        YAML::Node from = get(e, "from");
        if (!from.IsDefined()) fail(e, p + ".from", "missing from (the sender address)");
        ec.from = str(from, p + ".from");
        YAML::Node to = get(e, "to");
        if (!to.IsDefined()) fail(e, p + ".to", "missing to (a list of addresses)");
        ec.to = str_list(to, p + ".to", true);
        if (ec.to.empty()) fail(to, p + ".to", "at least one address is required");
        if (auto v = get(e, "ca_file"); v.IsDefined()) {
            ec.ca_file = str(v, p + ".ca_file");
            if (!ec.ca_file.empty()) require_readable_file(v, p + ".ca_file", ec.ca_file);
        }
        ec.route = route(e, p, Severity::critical);
        if (auto v = get(e, "accounts"); v.IsDefined()) account_refs_.emplace_back(v, p + ".accounts");
        nc.email = std::move(ec);
    }
    if (auto l = get(m, "event_log"); l.IsDefined() && !l.IsNull()) {
        const std::string p = "notify.event_log";
        check_keys(l, p, {"path", OZW_ROUTE_KEYS});
        EventLogConfig lc;
        YAML::Node path = get(l, "path");
        if (!path.IsDefined()) fail(l, p + ".path", "missing path");
        lc.path = resolve(str(path, p + ".path")).string();
        lc.route = route(l, p, Severity::info);
        if (auto v = get(l, "accounts"); v.IsDefined()) account_refs_.emplace_back(v, p + ".accounts");
        nc.event_log = std::move(lc);
    }
}

void Loader::check_account_refs(const Config& c, const YAML::Node&) {
    for (const auto& [node, path] : account_refs_) {
        if (!node.IsSequence()) continue;
        for (std::size_t i = 0; i < node.size(); ++i) {
            std::string name = str(node[i], path);
            bool found = std::any_of(c.accounts.begin(), c.accounts.end(),
                                     [&](const AccountConfig& a) { return a.name == name; });
            if (!found)
                fail(node[i], path + "[" + std::to_string(i) + "]",
                     "no account named \"" + name + "\"");
        }
    }
}

Config Loader::load(const YAML::Node& root) {
    Config c;
    if (!root.IsDefined() || root.IsNull())
        fail(YAML::Mark::null_mark(), "", "the configuration is empty; at least one account is required");
    if (!root.IsMap()) fail(root, "", "expected a mapping at the top level (timezone:, accounts:, ...)");
    check_keys(root, "", {"timezone", "state_dir", "retention", "accounts", "watches", "notify", "report",
                          "push", "metrics", "logging"});
    if (auto v = get(root, "timezone"); v.IsDefined()) {
        c.timezone = str(v, "timezone");
        if (!TimeZone::is_valid(c.timezone))
            fail(v, "timezone", "unknown time zone \"" + c.timezone + "\" (e.g. Europe/Moscow)");
    }
    if (auto v = get(root, "state_dir"); v.IsDefined()) {
        c.state_dir = str(v, "state_dir");
        if (c.state_dir.empty()) fail(v, "state_dir", "must not be empty");
        c.state_dir = resolve(c.state_dir).string();
    }
    if (auto v = get(root, "retention"); v.IsDefined()) {
        c.retention = duration(v, "retention");
        if (c.retention < std::chrono::hours(24))
            fail(v, "retention", "must be at least 1d (the morning report and `ozonwatch events` read the last day)");
    }
    accounts(root, c);
    if (auto v = get(root, "watches"); v.IsDefined()) watches(v, c.watches);
    else
        for (const auto* s : watch_schemas().all()) c.watches.sections[s->name()] = s->defaults();
    if (auto v = get(root, "notify"); v.IsDefined()) notify(v, c.notify);
    check_account_refs(c, root);
    if (auto v = get(root, "report"); v.IsDefined()) {
        check_keys(v, "report", {"enabled", "at"});
        if (auto e = get(v, "enabled"); e.IsDefined()) c.report.enabled = boolean(e, "report.enabled");
        if (auto a = get(v, "at"); a.IsDefined()) c.report.at = time_of_day(a, "report.at");
    }
    // A push or metrics section that is present is meant to be on unless it says otherwise.
    if (auto v = get(root, "push"); v.IsDefined()) {
        check_keys(v, "push", {"enabled", "listen", "path", "allow", "trusted_proxies", "tls_cert_file",
                               "tls_key_file"});
        c.push.enabled = !v.IsNull();
        if (auto e = get(v, "enabled"); e.IsDefined()) c.push.enabled = boolean(e, "push.enabled");
        if (auto l = get(v, "listen"); l.IsDefined()) c.push.listen = str(l, "push.listen");
        if (auto p = get(v, "path"); p.IsDefined()) {
            c.push.path = str(p, "push.path");
            if (c.push.path.empty() || c.push.path[0] != '/')
                fail(p, "push.path", "expected a path starting with /");
        }
        // Networks: each entry must parse (the error names the entry: push.allow[1]).
        auto networks = [&](const char* key, bool allow_empty) {
            const std::string path = std::string("push.") + key;
            auto n = get(v, key);
            if (n.IsNull() || (n.IsSequence() && n.size() == 0)) {
                if (!allow_empty)
                    fail(n, path, "must not be empty: no push would be accepted (remove the key for Ozon's networks)");
                return std::vector<std::string>{};
            }
            if (!n.IsSequence()) fail(n, path, "expected a list of addresses or networks like [195.34.21.0/24]");
            std::vector<std::string> out;
            for (std::size_t i = 0; i < n.size(); ++i) {
                const std::string item_path = path + "[" + std::to_string(i) + "]";
                std::string t = str(n[i], item_path);
                try {
                    push::parse_cidr(t);
                } catch (const std::invalid_argument& e) {
                    fail(n[i], item_path, e.what());
                }
                out.push_back(std::move(t));
            }
            return out;
        };
        if (auto a = get(v, "allow"); a.IsDefined()) c.push.allow = networks("allow", false);
        if (auto t = get(v, "trusted_proxies"); t.IsDefined()) c.push.trusted_proxies = networks("trusted_proxies", true);
        auto file = [&](const char* key, std::string& out) {
            if (auto f = get(v, key); f.IsDefined()) {
                out = str(f, std::string("push.") + key);
                if (!out.empty()) out = resolve(out).string();
            }
        };
        file("tls_cert_file", c.push.tls_cert_file);
        file("tls_key_file", c.push.tls_key_file);
        if (c.push.tls_cert_file.empty() != c.push.tls_key_file.empty())
            fail(v, c.push.tls_cert_file.empty() ? "push.tls_cert_file" : "push.tls_key_file",
                 "TLS needs both push.tls_cert_file and push.tls_key_file (or neither: plain HTTP behind nginx)");
    }
    if (auto v = get(root, "metrics"); v.IsDefined()) {
        check_keys(v, "metrics", {"enabled", "listen"});
        c.metrics.enabled = !v.IsNull();
        if (auto e = get(v, "enabled"); e.IsDefined()) c.metrics.enabled = boolean(e, "metrics.enabled");
        if (auto l = get(v, "listen"); l.IsDefined()) c.metrics.listen = str(l, "metrics.listen");
    }
    if (auto v = get(root, "logging"); v.IsDefined()) {
        check_keys(v, "logging", {"level", "file", "max_size", "max_files"});
        if (auto l = get(v, "level"); l.IsDefined())
            c.logging.level = one_of(l, "logging.level", {"trace", "debug", "info", "warn", "error"});
        if (auto f = get(v, "file"); f.IsDefined()) {
            c.logging.file = str(f, "logging.file");
            if (!c.logging.file.empty()) c.logging.file = resolve(c.logging.file).string();
        }
        if (auto s = get(v, "max_size"); s.IsDefined()) {
            // Bytes, or with a K/M/G suffix ("10M").
            std::string t = str(s, "logging.max_size");
            long long mult = 1;
            if (!t.empty()) {
                char u = static_cast<char>(std::toupper(static_cast<unsigned char>(t.back())));
                if (t.size() > 1 && t.back() == 'B') t.pop_back(), u = static_cast<char>(std::toupper(static_cast<unsigned char>(t.back())));
                if (u == 'K') mult = 1024;
                if (u == 'M') mult = 1024 * 1024;
                if (u == 'G') mult = 1024LL * 1024 * 1024;
                if (mult != 1) t.pop_back();
            }
            long long n = 0;
            std::size_t used = 0;
            try {
                n = std::stoll(t, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            long long bytes = 0;
            if (t.empty() || used != t.size() || n <= 0 || __builtin_mul_overflow(n, mult, &bytes))
                fail(s, "logging.max_size", "expected a size like 10M, 512K or 1048576 (at most 8E)");
            c.logging.max_size = static_cast<std::size_t>(bytes);
        }
        if (auto m = get(v, "max_files"); m.IsDefined())
            c.logging.max_files = static_cast<std::size_t>(integer(m, "logging.max_files", 1, 1000));
    }
    return c;
}

ConfigLoadResult load_parsed(const std::string& text, const std::string& display_name,
                             const std::filesystem::path& base_dir,
                             const std::map<std::string, std::string>* env) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        int line = e.mark.is_null() ? 1 : e.mark.line + 1;
        int col = e.mark.is_null() ? 1 : e.mark.column + 1;
        throw ConfigError(display_name, line, col, "", "YAML syntax error: " + e.msg);
    }
    ConfigLoadResult r;
    Loader loader(display_name, base_dir, env, r.warnings);
    try {
        r.config = loader.load(root);
    } catch (const YAML::Exception& e) {
        // A yaml-cpp conversion we did not anticipate: still name the place.
        int line = e.mark.is_null() ? 1 : e.mark.line + 1;
        int col = e.mark.is_null() ? 1 : e.mark.column + 1;
        throw ConfigError(display_name, line, col, "", e.msg);
    }
    r.config.source_file = display_name;
    return r;
}

}  // namespace

ConfigLoadResult load_config(const std::string& path,
                             const std::map<std::string, std::string>* env_override) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path, 0, 0, "", std::string("cannot read the configuration: ") +
                                                   std::strerror(errno));
    std::stringstream ss;
    ss << in.rdbuf();
    std::filesystem::path base = std::filesystem::path(path).parent_path();
    if (base.empty()) base = ".";
    return load_parsed(ss.str(), path, base, env_override);
}

ConfigLoadResult load_config_text(const std::string& text, const std::string& display_name,
                                  const std::map<std::string, std::string>* env_override) {
    return load_parsed(text, display_name, std::filesystem::current_path(), env_override);
}

}  // namespace ozw
