#pragma once
// Logging setup (spdlog) and the central secret masking.
//
// Every logger made here writes through a masking sink: each registered secret (API keys, bot
// token, passwords) is replaced by "***" in the final line, whichever code produced the text
// (our own calls, a library's exception message, a server's error body). Call add_secret() for
// every configured secret before anything can log it (init_logging_for(config) does it).
//
// Under systemd (JOURNAL_STREAM set) lines carry "<N>" syslog priority prefixes and no
// timestamps (journald adds its own); otherwise lines are timestamped on stderr. An optional
// rotating log file gets timestamped lines as well.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/config.hpp"

namespace ozw::log {

// Replaces the default spdlog logger. Safe to call again (SIGHUP reload).
void init_logging(const LoggingConfig& cfg, bool to_journal_autodetect = true);
// Registers every secret of the configuration and initialises logging from cfg.logging.
// `level_override` (e.g. from --log-level) wins over the configured level when not empty.
void init_logging_for(const Config& cfg, const std::string& level_override = {});

// Registers a value to be masked in every log line. Values shorter than 4 characters are
// ignored (masking them would shred ordinary text).
void add_secret(std::string value);
// The text with every registered secret replaced by "***".
std::string mask(std::string_view text);
// Tests only: forget all registered secrets.
void clear_secrets_for_tests();

// A named logger that shares the default logger's sinks (and so its masking).
std::shared_ptr<spdlog::logger> get(const std::string& name);

// Captures what is logged through the default logger while it lives (tests): the lines pass
// through the same masking sink as in production, formatted as "level message".
class LogCapture {
public:
    LogCapture();
    ~LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::string text() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ozw::log
