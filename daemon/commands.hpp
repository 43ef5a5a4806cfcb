#pragma once
// One function per sub-command of `ozonwatch`. daemon/cli.cpp parses the command line (CLI11)
// and calls these; each lives in its own file so that the layers can grow independently.
// Exit codes: 0 ok, 1 warnings (check), 2 usage / critical (check), 3 could not check,
// 70 not implemented yet, 78 bad configuration (EX_CONFIG).
#include <optional>
#include <string>
#include <vector>

namespace ozw::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSoftware = 70;  // EX_SOFTWARE: "not implemented yet"
inline constexpr int kExitConfig = 78;    // EX_CONFIG
inline constexpr int kExitUnavailable = 69;
inline constexpr int kExitNoPermission = 77;  // EX_NOPERM: run as the state folder's owner
// EX_CANTCREAT: the state database is corrupt, read-only or not the service's; a restart
// cannot help (the unit's RestartPreventExitStatus), the log says what to do.
inline constexpr int kExitStateUnusable = 73;

struct GlobalOptions {
    std::string config_path = "/etc/ozonwatch/config.yaml";
    std::string log_level;  // empty = from config
};

int cmd_run(const GlobalOptions& g);
struct CheckOptions { std::string format = "text"; };
int cmd_check(const GlobalOptions& g, const CheckOptions& o);
struct DemoOptions { double speed = 0; bool quick = false; std::string language = "ru"; };
int cmd_demo(const GlobalOptions& g, const DemoOptions& o);
struct SandboxOptions { std::string scenario; std::string listen = "127.0.0.1:0";
                        std::string tls_cert, tls_key; std::string push_url; };
int cmd_sandbox(const GlobalOptions& g, const SandboxOptions& o);
int cmd_config_check(const GlobalOptions& g);
struct NotifyTestOptions { std::string channel; };  // empty = every configured channel
int cmd_notify_test(const GlobalOptions& g, const NotifyTestOptions& o);
struct EventsOptions { std::string since = "24h"; std::string format = "text"; int limit = 1000; };
int cmd_events(const GlobalOptions& g, const EventsOptions& o);
struct SilenceAddOptions { std::string matcher; std::string duration = "1d"; std::string reason; };
int cmd_silence_add(const GlobalOptions& g, const SilenceAddOptions& o);
int cmd_silence_list(const GlobalOptions& g);
int cmd_silence_remove(const GlobalOptions& g, long long id);
int cmd_version();

// Parses argv and runs the command; returns the exit code.
int main_entry(int argc, char** argv);

}  // namespace ozw::cli
