#pragma once
// The strict YAML reader behind load_config(), public so that each watch module can read its own
// section of `watches:` (design.md: a watch owns its config schema). Every error names
// file:line:column and the key path; unknown keys are errors with a "did you mean" hint.
#include <yaml-cpp/yaml.h>

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <map>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace ozw {

// Edit distance for the "did you mean" hint of an unknown key.
std::size_t edit_distance(const std::string& a, const std::string& b);
std::string join_path(const std::string& base, const std::string& key);
// "file:line:col: key.path: message"
std::string format_config_error(const std::string& file, int line, int column,
                                const std::string& key, const std::string& message);

// One load: the file name for messages, the environment, and where warnings go.
class ConfigReader {
public:
    ConfigReader(std::string file, std::filesystem::path base_dir,
                 const std::map<std::string, std::string>* env, std::vector<std::string>& warnings)
        : file_(std::move(file)), base_dir_(std::move(base_dir)), env_(env), warnings_(warnings) {}
    virtual ~ConfigReader() = default;

    // --- errors
    [[noreturn]] void fail(const YAML::Mark& m, const std::string& path, const std::string& msg) {
        int line = m.is_null() ? 1 : m.line + 1;
        int col = m.is_null() ? 1 : m.column + 1;
        throw ConfigError(file_, line, col, path, msg);
    }
    [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg) {
        fail(n.Mark(), path, msg);
    }
    void warn(const YAML::Node& n, const std::string& path, const std::string& msg) {
        YAML::Mark m = n.Mark();
        warnings_.push_back(format_config_error(file_, m.is_null() ? 1 : m.line + 1,
                                         m.is_null() ? 1 : m.column + 1, path, msg));
    }

    // --- maps: each known key once, nothing else. Returns the key nodes for error marks.
    void expect_map(const YAML::Node& n, const std::string& path) {
        if (n.IsNull()) return;  // "returns:" alone means "all defaults"
        if (!n.IsMap()) fail(n, path, "expected a mapping (key: value)");
    }
    void check_keys(const YAML::Node& n, const std::string& path,
                    std::initializer_list<const char*> allowed) {
        check_keys(n, path, std::vector<std::string>(allowed.begin(), allowed.end()));
    }
    void check_keys(const YAML::Node& n, const std::string& path,
                    const std::vector<std::string>& allowed) {
        expect_map(n, path);
        if (!n.IsMap()) return;
        std::set<std::string> seen;
        for (const auto& kv : n) {
            const YAML::Node k = kv.first;
            if (!k.IsScalar()) fail(k, path, "expected a plain key");
            const std::string key = k.Scalar();
            bool known = false;
            std::string best;
            std::size_t best_d = 3;
            for (const auto& a : allowed) {
                if (key == a) known = true;
                std::size_t d = edit_distance(key, a);
                if (d < best_d) best_d = d, best = a;
            }
            if (!known) {
                std::string msg = "unknown key \"" + key + "\"";
                if (!best.empty()) msg += " (did you mean \"" + best + "\"?)";
                fail(k, join_path(path, key), msg);
            }
            if (!seen.insert(key).second)
                fail(k, join_path(path, key), "key \"" + key + "\" appears twice");
        }
    }
    static YAML::Node get(const YAML::Node& map, const char* key) {
        if (!map.IsMap()) return YAML::Node{YAML::NodeType::Undefined};
        for (auto it = map.begin(); it != map.end(); ++it)
            if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
        return YAML::Node{YAML::NodeType::Undefined};
    }
    static YAML::Node key_node(const YAML::Node& map, const char* key) {
        if (!map.IsMap()) return map;
        for (auto it = map.begin(); it != map.end(); ++it)
            if (it->first.IsScalar() && it->first.Scalar() == key) return it->first;
        return map;
    }
    static bool has(const YAML::Node& map, const char* key) { return get(map, key).IsDefined(); }

    // --- scalars
    std::string expand(const YAML::Node& n, const std::string& path, const std::string& raw) {
        std::string out;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '$' || i + 1 >= raw.size()) {
                out += raw[i];
                continue;
            }
            if (raw[i + 1] == '$') {  // "$$" is a literal dollar
                out += '$';
                ++i;
                continue;
            }
            if (raw[i + 1] != '{') {
                out += raw[i];
                continue;
            }
            auto close = raw.find('}', i + 2);
            // The value itself is not quoted: it may be (or hold) a secret.
            if (close == std::string::npos) fail(n, path, "unterminated ${ (a \"${NAME}\" needs its closing brace)");
            std::string spec = raw.substr(i + 2, close - i - 2);
            std::optional<std::string> fallback;
            if (auto d = spec.find(":-"); d != std::string::npos) {
                fallback = spec.substr(d + 2);
                spec = spec.substr(0, d);
            }
            if (spec.empty()) fail(n, path, "empty variable name in \"" + raw + "\"");
            std::optional<std::string> value;
            if (env_) {
                if (auto it = env_->find(spec); it != env_->end()) value = it->second;
            } else if (const char* v = std::getenv(spec.c_str())) {
                value = v;
            }
            if (!value) value = fallback;
            if (!value) fail(n, path, "environment variable " + spec + " is not set");
            out += *value;
            i = close;
        }
        return out;
    }
    std::string str(const YAML::Node& n, const std::string& path) {
        if (!n.IsScalar()) fail(n, path, "expected a text value");
        return expand(n, path, n.Scalar());
    }
    bool boolean(const YAML::Node& n, const std::string& path) {
        std::string s = str(n, path);
        if (s == "true" || s == "yes" || s == "on" || s == "True") return true;
        if (s == "false" || s == "no" || s == "off" || s == "False") return false;
        fail(n, path, "expected true or false");
    }
    long long integer(const YAML::Node& n, const std::string& path, long long lo, long long hi) {
        std::string s = str(n, path);
        long long v = 0;
        std::size_t used = 0;
        try {
            v = std::stoll(s, &used, 10);
        } catch (const std::exception&) {
            used = 0;
        }
        if (s.empty() || used != s.size()) fail(n, path, "expected a whole number");
        if (v < lo || v > hi)
            fail(n, path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
        return v;
    }
    double number(const YAML::Node& n, const std::string& path) {
        std::string s = str(n, path);
        double v = 0;
        std::size_t used = 0;
        try {
            v = std::stod(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (s.empty() || used != s.size() || !std::isfinite(v)) fail(n, path, "expected a number");
        return v;
    }
    Millis duration(const YAML::Node& n, const std::string& path, bool allow_zero = false) {
        std::string s = str(n, path);
        auto d = parse_duration(s);
        if (!d) fail(n, path, "expected a duration like 90s, 5m, 2h");
        if (!allow_zero && d->count() <= 0) fail(n, path, "must be longer than zero");
        return *d;
    }
    TimeOfDay time_of_day(const YAML::Node& n, const std::string& path) {
        auto t = parse_time_of_day(str(n, path));
        if (!t) fail(n, path, "expected a time of day like 17:00 (00:00-23:59)");
        return *t;
    }
    std::vector<std::string> str_list(const YAML::Node& n, const std::string& path,
                                      bool allow_scalar = false) {
        std::vector<std::string> out;
        if (n.IsNull()) return out;
        if (allow_scalar && n.IsScalar()) return {str(n, path)};
        if (!n.IsSequence()) fail(n, path, "expected a list like [a, b]");
        for (std::size_t i = 0; i < n.size(); ++i)
            out.push_back(str(n[i], path + "[" + std::to_string(i) + "]"));
        return out;
    }
    std::string one_of(const YAML::Node& n, const std::string& path,
                       std::initializer_list<const char*> allowed) {
        std::string s = str(n, path);
        std::string list;
        for (const char* a : allowed) {
            if (s == a) return s;
            list += list.empty() ? a : std::string(", ") + a;
        }
        fail(n, path, "expected one of " + list + ", got \"" + s + "\"");
    }
    std::filesystem::path resolve(const std::string& p) {
        std::filesystem::path fp(p);
        return fp.is_relative() ? base_dir_ / fp : fp;
    }
    void require_readable_file(const YAML::Node& n, const std::string& path,
                               const std::string& file) {
        std::ifstream in(resolve(file));
        if (!in) fail(n, path, "cannot read " + file + ": " + std::strerror(errno));
    }

    // `secret` given inline or as `secret_file`; never both. Empty result when neither.
    std::string secret(const YAML::Node& map, const std::string& path, const std::string& name,
                       bool required) {
        const std::string file_key = name + "_file";
        YAML::Node inline_node = get(map, name.c_str());
        YAML::Node file_node = get(map, file_key.c_str());
        if (inline_node.IsDefined() && file_node.IsDefined())
            fail(key_node(map, file_key.c_str()), join_path(path, file_key),
                 "set either " + name + " or " + file_key + ", not both");
        if (inline_node.IsDefined()) {
            std::string v = str(inline_node, join_path(path, name));
            if (v.empty()) fail(inline_node, join_path(path, name), "must not be empty");
            return v;
        }
        if (file_node.IsDefined()) {
            const std::string kp = join_path(path, file_key);
            std::string fname = str(file_node, kp);
            auto full = resolve(fname);
            std::ifstream in(full, std::ios::binary);
            if (!in) fail(file_node, kp, "cannot read secret file " + fname + ": " +
                                             std::strerror(errno));
            // A secret is a line: reading stops at 64 KiB (a wrong path such as /dev/zero or a
            // log file must not hang the load or fill the memory).
            constexpr std::size_t kMaxSecret = 64 * 1024;
            std::string v(kMaxSecret + 1, '\0');
            in.read(v.data(), static_cast<std::streamsize>(v.size()));
            v.resize(static_cast<std::size_t>(in.gcount()));
            if (v.size() > kMaxSecret)
                fail(file_node, kp, "secret file " + fname + " is larger than 64 KiB: not a secret");
            while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ' ||
                                  v.back() == '\t'))
                v.pop_back();
            if (v.empty()) fail(file_node, kp, "secret file " + fname + " is empty");
            struct stat st{};
            if (::stat(full.c_str(), &st) == 0 && (st.st_mode & 077))
                warn(file_node, kp, "secret file " + fname +
                                        " is readable by group or others; run chmod 600 " + fname);
            return v;
        }
        if (required)
            fail(map, path, "missing " + name + " (or " + file_key + ")");
        return {};
    }


protected:
    std::string file_;
    std::filesystem::path base_dir_;
    const std::map<std::string, std::string>* env_;
    std::vector<std::string>& warnings_;
};

}  // namespace ozw
