#include "common/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <vector>

namespace ozw::log {

namespace {

std::shared_mutex g_secrets_mu;
std::vector<std::string> g_secrets;  // longest first, so a secret containing another wins

const char* const kTimestampPattern = "%Y-%m-%d %H:%M:%S.%e %l [%n] %v";
// journald stamps lines itself; "<N>" tells it the priority.
const char* const kJournalPattern = "%*%l [%n] %v";

int syslog_priority(spdlog::level::level_enum l) {
    switch (l) {
        case spdlog::level::trace:
        case spdlog::level::debug: return 7;
        case spdlog::level::info: return 6;
        case spdlog::level::warn: return 4;
        case spdlog::level::err: return 3;
        case spdlog::level::critical: return 2;
        default: return 6;
    }
}

class PriorityFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        char buf[4] = {'<', static_cast<char>('0' + syslog_priority(msg.level)), '>', 0};
        dest.append(buf, buf + 3);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<PriorityFlag>();
    }
};

std::unique_ptr<spdlog::formatter> make_formatter(const std::string& pattern) {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<PriorityFlag>('*');
    f->set_pattern(pattern);
    return f;
}

// Masks the message text before any inner sink formats it. Patterns and formatters set on
// this sink are passed on to the inner sinks, so a later set_pattern cannot bypass masking.
class MaskingSink final : public spdlog::sinks::sink {
public:
    explicit MaskingSink(std::vector<spdlog::sink_ptr> inner) : inner_(std::move(inner)) {}

    void log(const spdlog::details::log_msg& msg) override {
        std::string masked = mask(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(masked.data(), masked.size());
        std::lock_guard lock(mu_);
        for (auto& s : inner_)
            if (s->should_log(copy.level)) s->log(copy);
    }
    void flush() override {
        std::lock_guard lock(mu_);
        for (auto& s : inner_) s->flush();
    }
    void set_pattern(const std::string& pattern) override {
        std::lock_guard lock(mu_);
        for (auto& s : inner_) s->set_formatter(make_formatter(pattern));
    }
    void set_formatter(std::unique_ptr<spdlog::formatter> f) override {
        std::lock_guard lock(mu_);
        for (auto& s : inner_) s->set_formatter(f->clone());
    }
    // Swaps the destinations (reload, test capture); every logger sharing this sink follows.
    std::vector<spdlog::sink_ptr> replace(std::vector<spdlog::sink_ptr> inner) {
        std::lock_guard lock(mu_);
        std::swap(inner_, inner);
        return inner;
    }

private:
    std::mutex mu_;
    std::vector<spdlog::sink_ptr> inner_;
};

std::mutex g_init_mu;

// The one masking sink every logger of ours writes to. Loggers pass everything (trace); the
// destinations behind it carry the configured level, so a reload or a test capture changes
// what every logger (default and named) emits without recreating them.
std::shared_ptr<MaskingSink>& shared_sink() {
    static std::shared_ptr<MaskingSink> sink = [] {
        auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        console->set_formatter(make_formatter(kTimestampPattern));
        console->set_level(spdlog::level::info);
        return std::make_shared<MaskingSink>(std::vector<spdlog::sink_ptr>{console});
    }();
    return sink;
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
    auto lg = std::make_shared<spdlog::logger>(name, shared_sink());
    lg->set_level(spdlog::level::trace);
    lg->flush_on(spdlog::level::warn);
    return lg;
}

}  // namespace

void add_secret(std::string value) {
    if (value.size() < 4) return;
    std::unique_lock lock(g_secrets_mu);
    if (std::find(g_secrets.begin(), g_secrets.end(), value) != g_secrets.end()) return;
    g_secrets.push_back(std::move(value));
    std::stable_sort(g_secrets.begin(), g_secrets.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void clear_secrets_for_tests() {
    std::unique_lock lock(g_secrets_mu);
    g_secrets.clear();
}

std::string mask(std::string_view text) {
    // One pass over the original text: every occurrence of every secret is found first, the
    // overlapping ones merged, then each stretch becomes "***". Replacing secret by secret
    // instead lets the first replacement cut an overlapping second secret (its tail then
    // leaks) or put together a match that was not there.
    std::vector<std::pair<std::size_t, std::size_t>> spans;  // [begin, end)
    {
        std::shared_lock lock(g_secrets_mu);
        for (const auto& s : g_secrets)
            for (std::size_t pos = text.find(s); pos != std::string_view::npos; pos = text.find(s, pos + 1))
                spans.emplace_back(pos, pos + s.size());
    }
    if (spans.empty()) return std::string(text);
    std::sort(spans.begin(), spans.end());
    std::string out;
    out.reserve(text.size());
    std::size_t at = 0;
    for (std::size_t i = 0; i < spans.size();) {
        std::size_t b = spans[i].first, e = spans[i].second;
        for (++i; i < spans.size() && spans[i].first <= e; ++i) e = std::max(e, spans[i].second);
        out.append(text.substr(at, b - at));
        out += "***";
        at = e;
    }
    out.append(text.substr(at));
    return out;
}

void init_logging(const LoggingConfig& cfg, bool to_journal_autodetect) {
    std::lock_guard lock(g_init_mu);
    auto level = spdlog::level::from_str(cfg.level);
    if (level == spdlog::level::off && cfg.level != "off") level = spdlog::level::info;

    const bool journal = to_journal_autodetect && std::getenv("JOURNAL_STREAM") != nullptr;
    std::vector<spdlog::sink_ptr> sinks;
    auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    console->set_formatter(make_formatter(journal ? kJournalPattern : kTimestampPattern));
    console->set_level(level);
    sinks.push_back(console);
    std::string file_error;
    if (!cfg.file.empty()) {
        try {
            std::filesystem::path p(cfg.file);
            if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
            auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                cfg.file, std::max<std::size_t>(cfg.max_size, 4096),
                std::max<std::size_t>(cfg.max_files, 1));
            file->set_formatter(make_formatter(kTimestampPattern));
            file->set_level(level);
            sinks.push_back(file);
        } catch (const std::exception& e) {
            file_error = std::string("cannot open log file ") + cfg.file + ": " + e.what();
        }
    }
    shared_sink()->replace(std::move(sinks));
    auto def = spdlog::default_logger();
    if (!def || def->sinks().size() != 1 || def->sinks()[0] != shared_sink())
        spdlog::set_default_logger(make_logger("ozonwatch"));
    spdlog::default_logger()->set_level(spdlog::level::trace);
    // Logging to stderr still works; say why the file does not.
    if (!file_error.empty()) spdlog::warn("{}", file_error);
}

void init_logging_for(const Config& cfg, const std::string& level_override) {
    for (const auto& s : cfg.secrets()) add_secret(s);
    LoggingConfig lc = cfg.logging;
    if (!level_override.empty()) lc.level = level_override;
    init_logging(lc);
}

std::shared_ptr<spdlog::logger> get(const std::string& name) { return make_logger(name); }

struct LogCapture::Impl {
    std::ostringstream out;
    std::shared_ptr<spdlog::logger> previous;
    std::vector<spdlog::sink_ptr> previous_sinks;
};

LogCapture::LogCapture() : impl_(std::make_unique<Impl>()) {
    auto os = std::make_shared<spdlog::sinks::ostream_sink_mt>(impl_->out, true);
    os->set_formatter(make_formatter("%l %v"));
    os->set_level(spdlog::level::trace);
    std::lock_guard lock(g_init_mu);
    impl_->previous = spdlog::default_logger();
    impl_->previous_sinks = shared_sink()->replace({os});
    spdlog::set_default_logger(make_logger("ozonwatch"));
}

LogCapture::~LogCapture() {
    std::lock_guard lock(g_init_mu);
    shared_sink()->replace(std::move(impl_->previous_sinks));
    spdlog::set_default_logger(impl_->previous);
}

std::string LogCapture::text() const {
    shared_sink()->flush();
    return impl_->out.str();
}

}  // namespace ozw::log
