#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/config.hpp"
#include "common/config_reader.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

namespace ozw {
namespace {

class ConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = fs::temp_directory_path() / ("ozw-config-test-" + std::to_string(rd()) + "-" +
                                            std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text, int mode = 0600) {
        auto p = dir_ / name;
        std::ofstream(p) << text;
        ::chmod(p.c_str(), mode);
        return p.string();
    }
    // Loads text as "config.yaml" and returns the error it must raise.
    ConfigError error_of(const std::string& text,
                         const std::map<std::string, std::string>& env = {}) {
        try {
            load_config_text(text, "config.yaml", &env);
        } catch (const ConfigError& e) {
            return e;
        }
        ADD_FAILURE() << "no ConfigError for:\n" << text;
        return ConfigError("", 0, 0, "", "");
    }

    fs::path dir_;
    const std::map<std::string, std::string> no_env_;
};

const char* const kMinimal =
    "accounts:\n"
    "  - name: main\n"
    "    client_id: \"123456\"\n"
    "    api_key: key-0123456789\n";

TEST_F(ConfigTest, MinimalConfigGetsDocumentedDefaults) {
    auto r = load_config_text(kMinimal, "config.yaml", &no_env_);
    const Config& c = r.config;
    ASSERT_EQ(c.accounts.size(), 1u);
    EXPECT_EQ(c.accounts[0].name, "main");
    EXPECT_EQ(c.accounts[0].client_id, "123456");
    EXPECT_EQ(c.accounts[0].api_key, "key-0123456789");
    EXPECT_EQ(c.accounts[0].base_url, "https://api-seller.ozon.ru");
    EXPECT_EQ(c.accounts[0].rate_limit, 20.0);
    EXPECT_EQ(c.timezone, "Europe/Moscow");
    EXPECT_EQ(c.state_dir, "/var/lib/ozonwatch");
    EXPECT_EQ(c.watches.unavailable_after, Millis{15min});
    EXPECT_EQ(c.notify.language, "ru");
    EXPECT_EQ(c.notify.repeat_critical, Millis{4h});
    EXPECT_EQ(c.notify.max_age, Millis{24h});
    EXPECT_EQ(c.report.at, (TimeOfDay{9, 0}));
    EXPECT_FALSE(c.push.enabled);
    EXPECT_FALSE(c.notify.telegram);
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(c.source_file, "config.yaml");
}

TEST_F(ConfigTest, PlainHttpToAnotherMachineIsWarnedAbout) {
    auto remote = load_config_text(std::string(kMinimal) + "    base_url: http://api-seller.ozon.ru\n",
                                   "config.yaml", &no_env_);
    ASSERT_EQ(remote.warnings.size(), 1u);
    EXPECT_THAT(remote.warnings[0], HasSubstr("accounts[0].base_url"));
    EXPECT_THAT(remote.warnings[0], HasSubstr("plain http:// to api-seller.ozon.ru"));
    for (const char* local : {"http://127.0.0.1:8443", "http://localhost:1", "http://[::1]:80", "https://x.example"}) {
        auto r = load_config_text(std::string(kMinimal) + "    base_url: \"" + local + "\"\n", "config.yaml", &no_env_);
        EXPECT_TRUE(r.warnings.empty()) << local;
    }
}

TEST_F(ConfigTest, ASecretFileThatIsNoSecretIsRefusedWithoutReadingItAll) {
    auto e = error_of("accounts:\n"
                      "  - name: main\n"
                      "    client_id: \"1\"\n"
                      "    api_key_file: /dev/zero\n");  // endless: must not hang the load
    EXPECT_EQ(e.key_path(), "accounts[0].api_key_file");
    EXPECT_THAT(e.message(), HasSubstr("larger than 64 KiB"));
}

TEST_F(ConfigTest, AnUnterminatedVariableDoesNotPrintTheValue) {
    auto e = error_of("accounts:\n"
                      "  - name: main\n"
                      "    client_id: \"1\"\n"
                      "    api_key: \"very-secret-key-0123${OZON_KEY\"\n");
    EXPECT_EQ(e.key_path(), "accounts[0].api_key");
    EXPECT_THAT(e.message(), HasSubstr("unterminated ${"));
    EXPECT_THAT(std::string(e.what()), ::testing::Not(HasSubstr("very-secret-key-0123")));
}

TEST_F(ConfigTest, DeliveryMaxAgeAndTheRetiredMaxAttempts) {
    auto r = load_config_text(std::string(kMinimal) + "notify: {max_age: 3d}\n", "config.yaml", &no_env_);
    EXPECT_EQ(r.config.notify.max_age, Millis{72h});
    EXPECT_TRUE(r.warnings.empty());

    auto e = error_of(std::string(kMinimal) + "notify: {max_age: 30s}\n");
    EXPECT_EQ(e.key_path(), "notify.max_age");
    EXPECT_THAT(e.message(), HasSubstr("at least 1m"));

    // An old configuration still loads, and says what replaced the key.
    auto old = load_config_text(std::string(kMinimal) + "notify: {max_attempts: 10}\n", "config.yaml", &no_env_);
    EXPECT_EQ(old.config.notify.max_age, Millis{24h});
    ASSERT_EQ(old.warnings.size(), 1u);
    EXPECT_THAT(old.warnings[0], HasSubstr("notify.max_attempts"));
    EXPECT_THAT(old.warnings[0], HasSubstr("notify.max_age"));
}

TEST_F(ConfigTest, DesignShapeLoadsWithSecretFiles) {
    write("ozon-main.key", "ozon-secret-key\n");
    write("insales.pass", "insales-secret");
    write("bot.token", "123:bot-secret-token\n");
    write("smtp.pass", "smtp-secret");
    std::string yaml =
        "timezone: Europe/Moscow\n"
        "state_dir: " + (dir_ / "state").string() + "\n"
        "accounts:\n"
        "  - name: main\n"
        "    client_id: 123456\n"
        "    api_key_file: " + (dir_ / "ozon-main.key").string() + "\n"
        "    base_url: http://127.0.0.1:8080/\n"
        "    insales: {url: https://myshop.myinsales.ru, login: 0123abcd,\n"
        "              password_file: insales.pass}\n"  // relative to the config's folder
        "    onec:    {offers: /srv/exchange/1c/offers.xml, max_age: 24h}\n"
        // The watch sections are read by the watch modules' schemas (none are registered in
        // this binary): tests/daemon/unit/watch_config_test.cpp loads them.
        "watches:\n"
        "  unavailable_after: 20m\n"
        "notify:\n"
        "  telegram: {bot_token_file: bot.token, api_base: https://api.telegram.org,\n"
        "             chats: [{chat_id: -1001234567890, min_severity: info, message_thread_id: 7},\n"
        "                     {chat_id: \"@shopalerts\", quiet_hours: {from: \"23:00\", to: \"07:30\"}}]}\n"
        "  email:    {url: smtps://smtp.example.ru:465, username: shop@example.ru,\n"
        "             password_file: smtp.pass, from: shop@example.ru,\n"
        "             to: [owner@example.ru]}\n"
        "  event_log: {path: /var/log/ozonwatch/events.jsonl, exclude_types: [chat.*]}\n"
        "report:  {at: \"09:00\"}\n"
        "push:    {listen: 127.0.0.1:8081, path: /ozon/push}\n"
        "metrics: {listen: 127.0.0.1:9187}\n";
    auto path = write("config.yaml", yaml);
    auto r = load_config(path, &no_env_);
    const Config& c = r.config;
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(c.accounts[0].api_key, "ozon-secret-key");
    EXPECT_EQ(c.accounts[0].client_id, "123456");
    EXPECT_EQ(c.accounts[0].base_url, "http://127.0.0.1:8080");
    ASSERT_TRUE(c.accounts[0].insales);
    EXPECT_EQ(c.accounts[0].insales->password, "insales-secret");
    EXPECT_EQ(c.accounts[0].insales->login, "0123abcd");
    ASSERT_TRUE(c.accounts[0].onec);
    EXPECT_EQ(c.accounts[0].onec->max_age, Millis{24h});
    EXPECT_EQ(c.watches.unavailable_after, Millis{20min});
    ASSERT_TRUE(c.notify.telegram);
    EXPECT_EQ(c.notify.telegram->bot_token, "123:bot-secret-token");
    ASSERT_EQ(c.notify.telegram->chats.size(), 2u);
    EXPECT_EQ(c.notify.telegram->chats[0].chat_id, "-1001234567890");
    EXPECT_EQ(c.notify.telegram->chats[0].message_thread_id, 7);
    EXPECT_EQ(c.notify.telegram->chats[1].chat_id, "@shopalerts");
    ASSERT_TRUE(c.notify.telegram->chats[1].route.quiet_hours);
    EXPECT_EQ(c.notify.telegram->chats[1].route.quiet_hours->to, (TimeOfDay{7, 30}));
    ASSERT_TRUE(c.notify.email);
    EXPECT_EQ(c.notify.email->route.min_severity, Severity::critical);  // email default
    EXPECT_EQ(c.notify.email->password, "smtp-secret");
    ASSERT_TRUE(c.notify.event_log);
    EXPECT_EQ(c.notify.event_log->route.min_severity, Severity::info);
    EXPECT_EQ(c.notify.event_log->route.exclude_types, (std::vector<std::string>{"chat.*"}));
    EXPECT_TRUE(c.push.enabled);
    EXPECT_TRUE(c.metrics.enabled);
    auto secrets = c.secrets();
    for (const char* s : {"ozon-secret-key", "insales-secret", "123:bot-secret-token", "smtp-secret"})
        EXPECT_NE(std::find(secrets.begin(), secrets.end(), s), secrets.end()) << s;
}

TEST_F(ConfigTest, OnecSourceFormatsAndCsvColumns) {
    auto onec_of = [&](const std::string& onec) {
        return *load_config_text(std::string(kMinimal) + "    onec: " + onec + "\n", "config.yaml", &no_env_)
                    .config.accounts[0].onec;
    };
    OnecConfig plain = onec_of("{offers: /srv/1c/offers.xml}");
    EXPECT_EQ(plain.format, OnecFormat::auto_detect);
    EXPECT_FALSE(plain.csv);
    EXPECT_EQ(plain.max_age, Millis{24h});
    OnecConfig folder = onec_of("{offers: /srv/1c/, format: commerceml, max_age: 2h}");
    EXPECT_EQ(folder.offers, "/srv/1c/");
    EXPECT_EQ(folder.format, OnecFormat::commerceml);
    EXPECT_EQ(folder.max_age, Millis{2h});
    OnecConfig byname = onec_of(
        "{offers: /srv/1c/stock.csv, csv: {article: Артикул, quantity: Остаток, barcode: 3}}");
    ASSERT_TRUE(byname.csv);
    EXPECT_EQ(byname.csv->delimiter, ';');
    EXPECT_TRUE(byname.csv->header);
    EXPECT_EQ(byname.csv->article.name, "Артикул");
    EXPECT_EQ(byname.csv->quantity.name, "Остаток");
    EXPECT_EQ(byname.csv->barcode.index, 3);
    OnecConfig byindex = onec_of(
        "{offers: /srv/1c, format: csv, csv: {delimiter: \"\\t\", header: false, article: 1, quantity: 4}}");
    EXPECT_EQ(byindex.format, OnecFormat::csv);
    EXPECT_EQ(byindex.csv->delimiter, '\t');
    EXPECT_FALSE(byindex.csv->header);
    EXPECT_EQ(byindex.csv->article.index, 1);
    EXPECT_EQ(byindex.csv->quantity.index, 4);
    EXPECT_TRUE(byindex.csv->barcode.empty());
}

TEST_F(ConfigTest, OnecErrorsNameTheKeyPath) {
    auto err = [&](const std::string& onec) {
        return std::string(error_of(std::string(kMinimal) + "    onec: " + onec + "\n").what());
    };
    EXPECT_THAT(err("{offers: /x/offers.xml, format: xml}"),
                HasSubstr("accounts[0].onec.format: expected one of auto, commerceml, csv, got \"xml\""));
    EXPECT_THAT(err("{offers: /x/stock.csv}"), HasSubstr("accounts[0].onec.csv: missing csv"));
    EXPECT_THAT(err("{offers: /x, format: csv}"), HasSubstr("accounts[0].onec.csv: missing csv"));
    EXPECT_THAT(err("{offers: /x, format: csv, csv: {article: A}}"),
                HasSubstr("accounts[0].onec.csv.quantity: missing quantity"));
    EXPECT_THAT(err("{offers: /x, format: csv, csv: {quantity: 2}}"),
                HasSubstr("accounts[0].onec.csv.article: missing article"));
    EXPECT_THAT(err("{offers: /x, format: csv, csv: {header: false, article: Артикул, quantity: 2}}"),
                HasSubstr("accounts[0].onec.csv.article: a column name (\"Артикул\") needs header: true"));
    EXPECT_THAT(err("{offers: /x, format: csv, csv: {article: 0, quantity: 2}}"),
                HasSubstr("accounts[0].onec.csv.article: must be between 1"));
    EXPECT_THAT(err("{offers: /x, format: csv, csv: {delimiter: ';;', article: 1, quantity: 2}}"),
                HasSubstr("accounts[0].onec.csv.delimiter: expected one character"));
    EXPECT_THAT(err("{offers: /x, format: csv, csv: {article: 1, quantity: 2, column: 3}}"),
                HasSubstr("accounts[0].onec.csv.column: unknown key"));
    EXPECT_THAT(err("{max_age: 1h}"), HasSubstr("accounts[0].onec.offers: missing offers"));
    // The line and column of the offending value.
    auto e = error_of(std::string(kMinimal) + "    onec:\n      offers: /x\n      format: xls\n");
    EXPECT_EQ(e.line(), 7);
    EXPECT_EQ(e.column(), 15);
}

TEST_F(ConfigTest, BadDurationNamesFileLineColumnAndKeyPath) {
    auto e = error_of(std::string(kMinimal) +
                      "notify:\n"
                      "  group_wait: 5x\n");
    EXPECT_STREQ(e.what(),
                 "config.yaml:6:15: notify.group_wait: expected a duration like 90s, 5m, 2h");
    EXPECT_EQ(e.file(), "config.yaml");
    EXPECT_EQ(e.line(), 6);
    EXPECT_EQ(e.column(), 15);
    EXPECT_EQ(e.key_path(), "notify.group_wait");

    auto w = error_of(std::string(kMinimal) +
                      "watches:\n"
                      "  unavailable_after: 0s\n");
    EXPECT_STREQ(w.what(), "config.yaml:6:22: watches.unavailable_after: must be longer than zero");
}

TEST_F(ConfigTest, UnknownKeyNamesItsLineAndSuggests) {
    auto e = error_of(
        "accounts:\n"
        "  - name: main\n"
        "    clinet_id: \"1\"\n"
        "    api_key: k-123456\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 5);
    EXPECT_EQ(e.key_path(), "accounts[0].clinet_id");
    EXPECT_THAT(e.what(), HasSubstr("unknown key \"clinet_id\" (did you mean \"client_id\"?)"));

    auto top = error_of(std::string(kMinimal) + "colour: red\n");
    EXPECT_EQ(top.line(), 5);
    EXPECT_EQ(top.column(), 1);
    EXPECT_EQ(top.key_path(), "colour");
}

TEST_F(ConfigTest, WrongTypes) {
    auto e1 = error_of(std::string(kMinimal) + "    rate_limit: fast\n");
    EXPECT_EQ(e1.key_path(), "accounts[0].rate_limit");
    EXPECT_EQ(e1.line(), 5);
    EXPECT_EQ(e1.message(), "expected a number");

    auto e2 = error_of(std::string(kMinimal) + "watches: [postings]\n");
    EXPECT_EQ(e2.key_path(), "watches");
    EXPECT_THAT(e2.message(), HasSubstr("expected a mapping"));

    auto e3 = error_of(std::string(kMinimal) + "push: {enabled: maybe}\n");
    EXPECT_EQ(e3.key_path(), "push.enabled");
    EXPECT_EQ(e3.message(), "expected true or false");

    auto e4 = error_of(std::string(kMinimal) + "notify: {max_attempts: 2.5}\n");
    EXPECT_EQ(e4.key_path(), "notify.max_attempts");
    EXPECT_EQ(e4.message(), "expected a whole number");

    auto e5 = error_of(std::string(kMinimal) + "state_dir: [a, b]\n");
    EXPECT_EQ(e5.key_path(), "state_dir");
    EXPECT_EQ(e5.line(), 5);
    EXPECT_EQ(e5.column(), 12);
}

TEST_F(ConfigTest, BadTimeOfDay) {
    auto e = error_of(std::string(kMinimal) + "report: {at: \"25:00\"}\n");
    EXPECT_EQ(e.key_path(), "report.at");
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.column(), 14);
    EXPECT_THAT(e.message(), HasSubstr("expected a time of day like 17:00"));
    auto q = error_of(std::string(kMinimal) +
                      "notify:\n  event_log: {path: /tmp/x, quiet_hours: {from: \"7pm\"}}\n");
    EXPECT_EQ(q.key_path(), "notify.event_log.quiet_hours.from");
}

TEST_F(ConfigTest, UnknownTimeZone) {
    auto e = error_of("timezone: Europe/Atlantis\n" + std::string(kMinimal));
    EXPECT_STREQ(e.what(),
                 "config.yaml:1:11: timezone: unknown time zone \"Europe/Atlantis\" (e.g. Europe/Moscow)");
}

TEST_F(ConfigTest, NoAccounts) {
    auto e1 = error_of("timezone: Europe/Moscow\n");
    EXPECT_EQ(e1.key_path(), "accounts");
    EXPECT_THAT(e1.message(), HasSubstr("at least one account"));
    auto e2 = error_of("timezone: Europe/Moscow\naccounts: []\n");
    EXPECT_EQ(e2.line(), 2);
    EXPECT_EQ(e2.column(), 11);
    EXPECT_EQ(e2.key_path(), "accounts");
    auto e3 = error_of("");
    EXPECT_THAT(e3.message(), HasSubstr("at least one account"));
}

TEST_F(ConfigTest, DuplicateAccountNames) {
    auto e = error_of(std::string(kMinimal) +
                      "  - name: main\n"
                      "    client_id: \"2\"\n"
                      "    api_key: key-2222222\n");
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.column(), 11);
    EXPECT_EQ(e.key_path(), "accounts[1].name");
    EXPECT_EQ(e.message(), "duplicate account name \"main\"");
}

TEST_F(ConfigTest, MissingSecretFile) {
    auto e = error_of(
        "accounts:\n"
        "  - name: main\n"
        "    client_id: \"1\"\n"
        "    api_key_file: /nonexistent/ozon.key\n");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 19);
    EXPECT_EQ(e.key_path(), "accounts[0].api_key_file");
    EXPECT_THAT(e.message(), HasSubstr("cannot read secret file /nonexistent/ozon.key"));
}

TEST_F(ConfigTest, MissingSecretAndBothForms) {
    auto missing = error_of("accounts:\n  - name: main\n    client_id: \"1\"\n");
    EXPECT_EQ(missing.key_path(), "accounts[0]");
    EXPECT_THAT(missing.message(), HasSubstr("missing api_key (or api_key_file)"));

    auto key = write("k", "secret-1234");
    auto both = error_of(std::string(kMinimal) + "    api_key_file: " + key + "\n");
    EXPECT_EQ(both.key_path(), "accounts[0].api_key_file");
    EXPECT_EQ(both.line(), 5);
    EXPECT_THAT(both.message(), HasSubstr("not both"));
}

TEST_F(ConfigTest, RateLimitAboveOzonLimit) {
    auto e = error_of(std::string(kMinimal) + "    rate_limit: 51\n");
    EXPECT_EQ(e.key_path(), "accounts[0].rate_limit");
    EXPECT_EQ(e.line(), 5);
    EXPECT_THAT(e.message(), HasSubstr("at most 50"));
    EXPECT_NO_THROW(load_config_text(std::string(kMinimal) + "    rate_limit: 50\n", "c", &no_env_));
}

TEST_F(ConfigTest, SecretFileReadTrimmedAndWarnedWhenReadableByOthers) {
    auto key = write("ozon.key", "from-file-secret\n", 0644);
    std::string yaml = "accounts:\n  - name: main\n    client_id: \"1\"\n    api_key_file: " + key + "\n";
    auto r = load_config_text(yaml, "config.yaml", &no_env_);
    EXPECT_EQ(r.config.accounts[0].api_key, "from-file-secret");
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_THAT(r.warnings[0], HasSubstr("config.yaml:4:19: accounts[0].api_key_file:"));
    EXPECT_THAT(r.warnings[0], HasSubstr("readable by group or others"));
    EXPECT_THAT(r.warnings[0], ::testing::Not(HasSubstr("from-file-secret")));

    ::chmod(key.c_str(), 0600);
    EXPECT_TRUE(load_config_text(yaml, "config.yaml", &no_env_).warnings.empty());

    auto empty = write("empty.key", "\n");
    auto e = error_of("accounts:\n  - name: main\n    client_id: \"1\"\n    api_key_file: " + empty + "\n");
    EXPECT_THAT(e.message(), HasSubstr("is empty"));
}

TEST_F(ConfigTest, EnvironmentVariablesExpand) {
    std::map<std::string, std::string> env{{"OZON_API_KEY", "env-secret-key"}, {"CID", "777"}};
    auto r = load_config_text(
        "state_dir: /srv/$${literal}\n"
        "accounts:\n"
        "  - name: main\n"
        "    client_id: \"${CID}\"\n"
        "    api_key: ${OZON_API_KEY}\n"
        "    base_url: ${OZON_URL:-https://api-seller.ozon.ru}\n",
        "config.yaml", &env);
    EXPECT_EQ(r.config.accounts[0].api_key, "env-secret-key");
    EXPECT_EQ(r.config.accounts[0].client_id, "777");
    EXPECT_EQ(r.config.accounts[0].base_url, "https://api-seller.ozon.ru");
    EXPECT_EQ(r.config.state_dir, "/srv/${literal}");
}

TEST_F(ConfigTest, MissingEnvironmentVariableIsNamed) {
    auto e = error_of(
        "accounts:\n"
        "  - name: main\n"
        "    client_id: \"1\"\n"
        "    api_key: ${OZON_API_KEY}\n");
    EXPECT_STREQ(e.what(),
                 "config.yaml:4:14: accounts[0].api_key: environment variable OZON_API_KEY is not set");
}

TEST_F(ConfigTest, RealEnvironmentIsUsedWithoutOverride) {
    ::setenv("OZW_TEST_CONFIG_KEY", "real-env-key", 1);
    auto r = load_config_text(
        "accounts:\n  - {name: main, client_id: \"1\", api_key: \"${OZW_TEST_CONFIG_KEY}\"}\n", "c");
    EXPECT_EQ(r.config.accounts[0].api_key, "real-env-key");
    ::unsetenv("OZW_TEST_CONFIG_KEY");
}

TEST_F(ConfigTest, YamlSyntaxErrorHasPosition) {
    auto e = error_of("accounts:\n  - name: [main\n");
    EXPECT_EQ(e.file(), "config.yaml");
    EXPECT_GE(e.line(), 2);
    EXPECT_THAT(e.message(), HasSubstr("YAML syntax error"));
}

TEST_F(ConfigTest, OtherValidations) {
    EXPECT_EQ(error_of(std::string(kMinimal) + "notify: {language: de}\n").key_path(), "notify.language");
    EXPECT_EQ(error_of(std::string(kMinimal) + "notify:\n  telegram: {bot_token: t-123456, chats: []}\n")
                  .key_path(),
              "notify.telegram.chats");
    EXPECT_EQ(error_of(std::string(kMinimal) +
                       "notify:\n  telegram: {bot_token: t-123456, chats: [{chat_id: abc}]}\n")
                  .key_path(),
              "notify.telegram.chats[0].chat_id");
    EXPECT_EQ(error_of(std::string(kMinimal) +
                       "notify:\n  event_log: {path: /x, min_severity: loud}\n")
                  .key_path(),
              "notify.event_log.min_severity");
    EXPECT_EQ(error_of(std::string(kMinimal) +
                       "notify:\n  event_log: {path: /x, accounts: [second]}\n")
                  .key_path(),
              "notify.event_log.accounts[0]");
    EXPECT_EQ(error_of(std::string(kMinimal) + "logging: {level: loud}\n").key_path(), "logging.level");
    EXPECT_EQ(error_of(std::string(kMinimal) + "notify: {repeat_warning: 0s}\n").message(),
              "must be longer than zero");
    auto dup = error_of(std::string(kMinimal) + "report: {at: \"09:00\", at: \"10:00\"}\n");
    EXPECT_EQ(dup.key_path(), "report.at");
}

TEST_F(ConfigTest, LoadConfigNamesThePathGiven) {
    auto p = write("bad.yaml", std::string(kMinimal) + "unknown: 1\n");
    try {
        load_config(p, &no_env_);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()).rfind(p + ":5:1: unknown: ", 0), 0u) << e.what();
    }
    EXPECT_THROW(load_config((dir_ / "absent.yaml").string(), &no_env_), ConfigError);
}

TEST_F(ConfigTest, LoggingSizeSuffixes) {
    auto r = load_config_text(std::string(kMinimal) + "logging: {max_size: 20M, max_files: 3}\n", "c",
                              &no_env_);
    EXPECT_EQ(r.config.logging.max_size, 20u * 1024 * 1024);
    EXPECT_EQ(r.config.logging.max_files, 3u);
}

TEST_F(ConfigTest, SeverityNames) {
    EXPECT_STREQ(to_string(Severity::critical), "critical");
    EXPECT_EQ(parse_severity("warning"), Severity::warning);
    EXPECT_FALSE(parse_severity("loud"));
}

// The shipped example has every watch section: it needs the watch modules' schemas, so it is
// loaded in tests/daemon/unit/watch_config_test.cpp (ExampleConfig.ShippedExampleLoads).

// ---- `watches:` through registered WatchSchemas: the loader knows no watch itself.

// A watch section as a module would declare it, written against ozw::WatchSchema alone.
struct ProbeSettings : WatchSettings {
    ProbeSettings() { interval = 3min; }
    int level = 1;
    TimeOfDay quiet_from{22, 0};
};

class ProbeSchema final : public WatchSchema {
public:
    explicit ProbeSchema(int default_level) : default_level_(default_level) {}
    const std::string& name() const override { return name_; }
    std::shared_ptr<WatchSettings> defaults() const override {
        auto s = std::make_shared<ProbeSettings>();
        s->level = default_level_;
        return s;
    }
    std::shared_ptr<WatchSettings> parse(ConfigReader& r, const YAML::Node& section,
                                         const std::string& path) const override {
        ++parse_calls;
        last_path = path;
        auto base = defaults();
        auto& s = static_cast<ProbeSettings&>(*base);
        if (section.IsNull()) return base;
        r.check_keys(section, path, {"enabled", "interval", "level", "quiet_from"});
        if (auto n = ConfigReader::get(section, "enabled"); n.IsDefined())
            s.enabled = r.boolean(n, path + ".enabled");
        if (auto n = ConfigReader::get(section, "interval"); n.IsDefined())
            s.interval = r.duration(n, path + ".interval");
        if (auto n = ConfigReader::get(section, "level"); n.IsDefined())
            s.level = static_cast<int>(r.integer(n, path + ".level", 0, 9));
        if (auto n = ConfigReader::get(section, "quiet_from"); n.IsDefined())
            s.quiet_from = r.time_of_day(n, path + ".quiet_from");
        return base;
    }
    mutable int parse_calls = 0;
    mutable std::string last_path;

private:
    std::string name_ = "probe";
    int default_level_;
};

// Registered once for the whole binary (the registry lives as long as the process).
ProbeSchema& probe_schema() {
    static ProbeSchema schema(4);
    return schema;
}

const ProbeSettings& probe_of(const Config& c) {
    const WatchSettings* s = c.watches.find("probe");
    if (!s) throw std::runtime_error("no probe section");
    return dynamic_cast<const ProbeSettings&>(*s);
}

TEST_F(ConfigTest, WatchSectionsAreReadByTheRegisteredSchemas) {
    // Before the schema is registered, its section is an unknown key like any other.
    if (!watch_schemas().find("probe")) {
        auto before = error_of(std::string(kMinimal) + "watches:\n  probe: {level: 2}\n");
        EXPECT_EQ(before.key_path(), "watches.probe");
        EXPECT_THAT(before.message(), HasSubstr("unknown key \"probe\""));
    }
    watch_schemas().add(&probe_schema());
    ASSERT_EQ(watch_schemas().find("probe"), &probe_schema());

    // Keys accepted and read by the schema, at the path "watches.probe".
    const int calls = probe_schema().parse_calls;
    auto r = load_config_text(std::string(kMinimal) +
                                  "watches:\n"
                                  "  probe: {level: 7, interval: 90s, enabled: false, quiet_from: \"23:30\"}\n",
                              "config.yaml", &no_env_);
    EXPECT_EQ(probe_schema().parse_calls, calls + 1);
    EXPECT_EQ(probe_schema().last_path, "watches.probe");
    const ProbeSettings& p = probe_of(r.config);
    EXPECT_EQ(p.level, 7);
    EXPECT_EQ(p.interval, Millis{90s});
    EXPECT_FALSE(p.enabled);
    EXPECT_EQ(p.quiet_from, (TimeOfDay{23, 30}));

    // An unknown key inside the section: the schema's error, with file:line:column and a hint.
    auto unknown = error_of(std::string(kMinimal) +
                            "watches:\n"
                            "  probe:\n"
                            "    levle: 2\n");
    EXPECT_STREQ(unknown.what(),
                 "config.yaml:7:5: watches.probe.levle: unknown key \"levle\" (did you mean \"level\"?)");
    // A bad value inside the section, named the same way.
    auto bad = error_of(std::string(kMinimal) + "watches:\n  probe:\n    level: 12\n");
    EXPECT_EQ(bad.key_path(), "watches.probe.level");
    EXPECT_EQ(bad.line(), 7);
    EXPECT_EQ(bad.column(), 12);
    EXPECT_EQ(bad.message(), "must be between 0 and 9");
    // A misspelt watch name is checked against the registered names.
    auto name = error_of(std::string(kMinimal) + "watches:\n  prbe: {}\n");
    EXPECT_EQ(name.key_path(), "watches.prbe");
    EXPECT_EQ(name.line(), 6);
    EXPECT_EQ(name.column(), 3);
    EXPECT_THAT(name.message(), HasSubstr("(did you mean \"probe\"?)"));
}

TEST_F(ConfigTest, AnAbsentWatchSectionGetsTheSchemaDefaults) {
    watch_schemas().add(&probe_schema());
    // No `watches:` at all, `watches:` without the section, and the section alone ("probe:").
    for (const std::string extra : {"", "watches:\n  unavailable_after: 5m\n", "watches:\n  probe:\n"}) {
        auto r = load_config_text(std::string(kMinimal) + extra, "config.yaml", &no_env_);
        ASSERT_NE(r.config.watches.find("probe"), nullptr) << extra;
        const ProbeSettings& p = probe_of(r.config);
        EXPECT_TRUE(p.enabled) << extra;
        EXPECT_EQ(p.interval, Millis{3min}) << extra;
        EXPECT_EQ(p.level, 4) << extra;
        EXPECT_EQ(p.quiet_from, (TimeOfDay{22, 0})) << extra;
    }
    // A Config built in code has no sections: find() says so (the module's defaults apply).
    EXPECT_EQ(Config{}.watches.find("probe"), nullptr);
}

TEST_F(ConfigTest, ASecondSchemaWithTheSameNameIsIgnored) {
    watch_schemas().add(&probe_schema());
    static ProbeSchema impostor(9);
    watch_schemas().add(&impostor);
    EXPECT_EQ(watch_schemas().find("probe"), &probe_schema());
    int n = 0;
    for (const auto* s : watch_schemas().all()) n += s->name() == "probe";
    EXPECT_EQ(n, 1);
    auto r = load_config_text(kMinimal, "config.yaml", &no_env_);
    EXPECT_EQ(probe_of(r.config).level, 4);
}

TEST_F(ConfigTest, RetentionDefaultsToNinetyDaysAndRefusesLessThanADay) {
    EXPECT_EQ(load_config_text(kMinimal, "config.yaml", &no_env_).config.retention, Millis{24h * 90});
    EXPECT_EQ(load_config_text(std::string("retention: 365d\n") + kMinimal, "config.yaml", &no_env_).config.retention,
              Millis{24h * 365});
    auto short_one = error_of(std::string("retention: 12h\n") + kMinimal);
    EXPECT_EQ(short_one.key_path(), "retention");
    EXPECT_THAT(short_one.message(), HasSubstr("at least 1d"));
    auto bad = error_of(std::string("retention: forever\n") + kMinimal);
    EXPECT_EQ(bad.key_path(), "retention");
}

TEST_F(ConfigTest, PushAllowDefaultsToOzonNetworksAndTrustedProxiesToLoopback) {
    auto r = load_config_text(std::string(kMinimal) + "push: {listen: 127.0.0.1:8081}\n", "config.yaml", &no_env_);
    const PushConfig& p = r.config.push;
    EXPECT_TRUE(p.enabled);
    EXPECT_EQ(p.path, "/ozon/push");
    EXPECT_EQ(p.allow, (std::vector<std::string>{"195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24"}));
    EXPECT_EQ(p.trusted_proxies, (std::vector<std::string>{"127.0.0.1"}));
    EXPECT_TRUE(p.tls_cert_file.empty());
    // Without a push section: the same defaults, off.
    auto off = load_config_text(kMinimal, "config.yaml", &no_env_).config.push;
    EXPECT_FALSE(off.enabled);
    EXPECT_EQ(off.allow.size(), 3u);
}

TEST_F(ConfigTest, PushAllowAndTrustedProxiesAcceptV4AndV6NetworksAndAddresses) {
    auto r = load_config_text(std::string(kMinimal) +
                                  "push:\n"
                                  "  allow: [10.0.0.0/8, 2001:db8::/32, 192.0.2.7]\n"
                                  "  trusted_proxies: [127.0.0.1, ::1, 172.16.0.0/12]\n",
                              "config.yaml", &no_env_);
    EXPECT_EQ(r.config.push.allow, (std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32", "192.0.2.7"}));
    EXPECT_EQ(r.config.push.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1", "172.16.0.0/12"}));
    // No trusted proxy at all: X-Forwarded-For is never believed.
    auto none = load_config_text(std::string(kMinimal) + "push: {trusted_proxies: []}\n", "config.yaml", &no_env_);
    EXPECT_TRUE(none.config.push.trusted_proxies.empty());
}

TEST_F(ConfigTest, PushBadNetworksNameTheEntry) {
    auto bad = error_of(std::string(kMinimal) + "push: {allow: [195.34.21.0/24, 10.0.0/8]}\n");
    EXPECT_EQ(bad.key_path(), "push.allow[1]");
    EXPECT_THAT(bad.message(), HasSubstr("10.0.0/8"));
    auto prefix = error_of(std::string(kMinimal) + "push: {allow: [10.0.0.0/33]}\n");
    EXPECT_EQ(prefix.key_path(), "push.allow[0]");
    EXPECT_THAT(prefix.message(), HasSubstr("longer than 32"));
    auto host_bits = error_of(std::string(kMinimal) + "push: {trusted_proxies: [127.0.0.1, 195.34.21.5/24]}\n");
    EXPECT_EQ(host_bits.key_path(), "push.trusted_proxies[1]");
    EXPECT_THAT(host_bits.message(), HasSubstr("195.34.21.0/24"));
    auto v6 = error_of(std::string(kMinimal) + "push: {allow: [\"2001:db8::/129\"]}\n");
    EXPECT_EQ(v6.key_path(), "push.allow[0]");
    auto empty = error_of(std::string(kMinimal) + "push: {allow: []}\n");
    EXPECT_EQ(empty.key_path(), "push.allow");
    EXPECT_THAT(empty.message(), HasSubstr("no push would be accepted"));
    auto scalar = error_of(std::string(kMinimal) + "push: {allow: 10.0.0.0/8}\n");
    EXPECT_EQ(scalar.key_path(), "push.allow");
    auto unknown = error_of(std::string(kMinimal) + "push: {alow: [10.0.0.0/8]}\n");
    EXPECT_THAT(std::string(unknown.what()), HasSubstr("alow"));
}

TEST_F(ConfigTest, PushTlsNeedsBothFiles) {
    auto half = error_of(std::string(kMinimal) + "push: {tls_cert_file: /etc/ozonwatch/push.pem}\n");
    EXPECT_EQ(half.key_path(), "push.tls_key_file");
    auto both = load_config_text(std::string(kMinimal) +
                                     "push: {tls_cert_file: /etc/p.pem, tls_key_file: /etc/p.key}\n",
                                 "config.yaml", &no_env_);
    EXPECT_EQ(both.config.push.tls_cert_file, "/etc/p.pem");
    EXPECT_EQ(both.config.push.tls_key_file, "/etc/p.key");
}

}  // namespace
}  // namespace ozw
