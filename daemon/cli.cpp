// The command line (CLI11): parses argv, maps errors to exit codes and calls daemon/commands.hpp.
// Exit codes: 0 ok, 2 usage, 78 bad configuration (EX_CONFIG), 70 not implemented yet.
#include <CLI/CLI.hpp>

#include <iostream>

#include "common/config.hpp"
#include "common/logging.hpp"
#include "common/time.hpp"
#include "daemon/commands.hpp"
#include "daemon/engine/module.hpp"

#ifndef OZW_VERSION
#define OZW_VERSION "0.1.0"  // cmake/Packaging.cmake passes the project version
#endif

namespace ozw::cli {

namespace {

// --since accepts a duration back from now ("24h") or an ISO-8601 instant.
std::string validate_since(std::string& value) {
    if (parse_duration(value) || parse_iso8601(value)) return {};
    return "expected a duration like 90m, 24h, 7d or a time like 2026-11-26T07:00:00Z";
}

std::string validate_duration(std::string& value) {
    auto d = parse_duration(value);
    if (d && d->count() > 0) return {};
    return "expected a duration like 30m, 2h, 1d";
}

}  // namespace

int main_entry(int argc, char** argv) {
    // Every watch's config section and event types, before any configuration is read.
    daemon::install_watch_modules();
    CLI::App app{"ozonwatch: watches an Ozon FBS seller account and alerts the shop's manager "
                 "by Telegram, email and a log.",
                 "ozonwatch"};
    app.fallthrough();  // global options may also follow the sub-command
    app.require_subcommand(1);
    app.set_version_flag("--version", "ozonwatch " OZW_VERSION);

    GlobalOptions g;
    app.add_option("-c,--config", g.config_path, "Configuration file")
        ->capture_default_str();
    app.add_option("--log-level", g.log_level, "Log level (overrides the configuration)")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

    auto* run = app.add_subcommand("run", "Run the daemon (systemd Type=notify)");

    CheckOptions check_opts;
    auto* check = app.add_subcommand(
        "check", "One full check now; exit 0 OK, 1 warnings, 2 critical, 3 could not check");
    check->add_option("--format", check_opts.format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    DemoOptions demo_opts;
    auto* demo = app.add_subcommand(
        "demo", "A realistic day against the built-in sandbox; needs no account, no network");
    demo->add_option("--speed", demo_opts.speed, "Virtual seconds per real second (0 = fastest)")
        ->check(CLI::NonNegativeNumber);
    demo->add_flag("--quick", demo_opts.quick, "A short run for tests");
    demo->add_option("--language", demo_opts.language, "Alert language")
        ->check(CLI::IsMember({"ru", "en"}))
        ->capture_default_str();

    SandboxOptions sandbox_opts;
    auto* sandbox = app.add_subcommand("sandbox", "Run the Ozon Seller API emulator alone");
    sandbox->add_option("--scenario", sandbox_opts.scenario, "Scenario file")
        ->required()
        ->check(CLI::ExistingFile);
    sandbox->add_option("--listen", sandbox_opts.listen, "Address to listen on")
        ->capture_default_str();
    auto* tls_cert = sandbox->add_option("--tls-cert", sandbox_opts.tls_cert, "TLS certificate (PEM)")
                         ->check(CLI::ExistingFile);
    auto* tls_key = sandbox->add_option("--tls-key", sandbox_opts.tls_key, "TLS private key (PEM)")
                        ->check(CLI::ExistingFile);
    tls_cert->needs(tls_key);
    tls_key->needs(tls_cert);
    sandbox->add_option("--push-url", sandbox_opts.push_url,
                        "Send Ozon push notifications to this URL (http://host:port/path)");

    auto* config = app.add_subcommand("config", "Configuration commands");
    config->require_subcommand(1);
    auto* config_check = config->add_subcommand("check", "Validate the configuration and exit");

    NotifyTestOptions notify_opts;
    auto* notify = app.add_subcommand("notify", "Notification commands");
    notify->require_subcommand(1);
    auto* notify_test = notify->add_subcommand("test", "Send a test message to the channels");
    notify_test->add_option("--channel", notify_opts.channel, "Only this channel")
        ->check(CLI::IsMember({"telegram", "email", "log"}));

    EventsOptions events_opts;
    auto* events = app.add_subcommand("events", "Show recorded events");
    events->add_option("--since", events_opts.since, "How far back (24h) or since when (ISO-8601)")
        ->check(CLI::Validator(validate_since, "DURATION|TIME"))
        ->capture_default_str();
    events->add_option("--format", events_opts.format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    events->add_option("--limit", events_opts.limit, "At most this many events")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();

    auto* silence = app.add_subcommand("silence", "Silence alerts for a while");
    silence->require_subcommand(1);
    SilenceAddOptions silence_add_opts;
    auto* silence_add = silence->add_subcommand("add", "Silence a type, a type prefix or a key");
    silence_add
        ->add_option("matcher", silence_add_opts.matcher,
                     "Event type (posting.stuck), prefix (posting.*) or dedupe key")
        ->required();
    silence_add->add_option("--for", silence_add_opts.duration, "How long")
        ->check(CLI::Validator(validate_duration, "DURATION"))
        ->capture_default_str();
    silence_add->add_option("--reason", silence_add_opts.reason, "Why (shown in the list)");
    auto* silence_list = silence->add_subcommand("list", "List active silences");
    long long silence_id = 0;
    auto* silence_remove = silence->add_subcommand("remove", "Remove a silence");
    silence_remove->add_option("id", silence_id, "Silence id (see silence list)")->required();

    auto* version = app.add_subcommand("version", "Print the version");

    // Every level accepts the global options after the sub-command.
    for (auto* sub : {config, notify, silence}) sub->fallthrough();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);  // prints help, version or the error
        return rc == 0 ? kExitOk : kExitUsage;
    }

    try {
        if (run->parsed()) return cmd_run(g);
        if (check->parsed()) return cmd_check(g, check_opts);
        if (demo->parsed()) return cmd_demo(g, demo_opts);
        if (sandbox->parsed()) return cmd_sandbox(g, sandbox_opts);
        if (config_check->parsed()) return cmd_config_check(g);
        if (notify_test->parsed()) return cmd_notify_test(g, notify_opts);
        if (events->parsed()) return cmd_events(g, events_opts);
        if (silence_add->parsed()) return cmd_silence_add(g, silence_add_opts);
        if (silence_list->parsed()) return cmd_silence_list(g);
        if (silence_remove->parsed()) return cmd_silence_remove(g, silence_id);
        if (version->parsed()) return cmd_version();
    } catch (const ConfigError& e) {
        std::cerr << log::mask(e.what()) << "\n";
        return kExitConfig;
    } catch (const std::exception& e) {
        std::cerr << "ozonwatch: error: " << log::mask(e.what()) << "\n";
        return 1;
    }
    std::cerr << app.help();
    return kExitUsage;
}

}  // namespace ozw::cli
