#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "common/logging.hpp"

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

namespace ozw::log {
namespace {

class LoggingTest : public ::testing::Test {
protected:
    void SetUp() override { clear_secrets_for_tests(); }
    void TearDown() override { clear_secrets_for_tests(); }
};

TEST_F(LoggingTest, MaskReplacesEveryOccurrence) {
    add_secret("s3cr3t-api-key");
    EXPECT_EQ(mask("key=s3cr3t-api-key, again s3cr3t-api-key."), "key=***, again ***.");
    EXPECT_EQ(mask("nothing here"), "nothing here");
}

TEST_F(LoggingTest, LongerSecretWinsOverItsPrefix) {
    add_secret("abcd");
    add_secret("abcdefgh");
    EXPECT_EQ(mask("x abcdefgh y"), "x *** y");
}

TEST_F(LoggingTest, OverlappingSecretsAreMaskedWhole) {
    add_secret("abcdXYZW");
    add_secret("XYZWefgh");  // shares "XYZW" with the first
    EXPECT_EQ(mask("[abcdXYZWefgh]"), "[***]");  // no tail of either left
    EXPECT_EQ(mask("abcdXYZW and XYZWefgh"), "*** and ***");
}

TEST_F(LoggingTest, MaskingIsIdempotent) {
    add_secret("s3cr3t");
    add_secret("t-k3y");
    for (std::string text : {"s3cr3t-k3y", "a s3cr3t b t-k3y c", "***s3cr3t***", "plain"})
        EXPECT_EQ(mask(mask(text)), mask(text)) << text;
    EXPECT_EQ(mask("s3cr3t-k3y"), "***");  // the two overlap in "t": one stretch
}

TEST_F(LoggingTest, TooShortValuesAreNotMasked) {
    add_secret("ab");
    EXPECT_EQ(mask("about ab"), "about ab");
}

TEST_F(LoggingTest, SecretInsideExceptionTextNeverReachesCapturedOutput) {
    const std::string token = "123456:AAE-bot-token-value";
    add_secret(token);
    LogCapture cap;
    try {
        // A library error that echoes the URL it called, token included.
        throw std::runtime_error("POST https://api.telegram.org/bot" + token +
                                 "/sendMessage: connection reset");
    } catch (const std::exception& e) {
        spdlog::error("telegram delivery failed: {}", e.what());
    }
    get("telegram")->warn("retrying with {}", token);
    auto out = cap.text();
    EXPECT_THAT(out, Not(HasSubstr(token)));
    EXPECT_THAT(out, HasSubstr("bot***/sendMessage: connection reset"));
    EXPECT_THAT(out, HasSubstr("retrying with ***"));
}

TEST_F(LoggingTest, SetPatternDoesNotBypassMasking) {
    add_secret("password-9876");
    LogCapture cap;
    spdlog::set_pattern("%v");
    spdlog::info("smtp login with password-9876 failed");
    EXPECT_THAT(cap.text(), HasSubstr("smtp login with *** failed"));
    EXPECT_THAT(cap.text(), Not(HasSubstr("password-9876")));
}

TEST_F(LoggingTest, SecretsOfAConfigAreRegistered) {
    Config c;
    AccountConfig a;
    a.name = "main";
    a.api_key = "ozon-api-key-from-config";
    c.accounts.push_back(a);
    for (const auto& s : c.secrets()) add_secret(s);
    EXPECT_EQ(mask("Api-Key: ozon-api-key-from-config"), "Api-Key: ***");
}

TEST_F(LoggingTest, NamedLoggerMadeEarlierFollowsCaptureAndReload) {
    auto lg = get("postings");
    add_secret("named-logger-secret");
    {
        LogCapture cap;
        lg->info("token named-logger-secret in a named logger");
        EXPECT_THAT(cap.text(), HasSubstr("info token *** in a named logger"));
    }
    ::unsetenv("JOURNAL_STREAM");
    LoggingConfig lc;
    lc.level = "error";
    ::testing::internal::CaptureStderr();
    init_logging(lc);
    lg->warn("below the configured level");
    lg->error("at the configured level");
    spdlog::default_logger()->flush();
    std::string out = ::testing::internal::GetCapturedStderr();
    EXPECT_THAT(out, Not(HasSubstr("below the configured level")));
    EXPECT_THAT(out, HasSubstr("[postings] at the configured level"));
}

TEST_F(LoggingTest, JournalLinesCarryPriorityAndNoTimestamp) {
    ::setenv("JOURNAL_STREAM", "8:12345", 1);
    add_secret("journal-secret");
    LoggingConfig lc;
    lc.level = "debug";
    ::testing::internal::CaptureStderr();
    init_logging(lc);
    spdlog::warn("stock looks odd, journal-secret");
    spdlog::info("hello");
    spdlog::default_logger()->flush();
    std::string out = ::testing::internal::GetCapturedStderr();
    ::unsetenv("JOURNAL_STREAM");
    EXPECT_THAT(out, HasSubstr("<4>warning [ozonwatch] stock looks odd, ***\n"));
    EXPECT_THAT(out, HasSubstr("<6>info [ozonwatch] hello\n"));
    EXPECT_THAT(out, Not(HasSubstr("journal-secret")));
}

TEST_F(LoggingTest, TerminalLinesAreTimestampedAndFileRotates) {
    ::unsetenv("JOURNAL_STREAM");
    std::random_device rd;
    auto dir = fs::temp_directory_path() / ("ozw-log-test-" + std::to_string(rd()));
    add_secret("file-secret-value");
    LoggingConfig lc;
    lc.file = (dir / "ozonwatch.log").string();
    ::testing::internal::CaptureStderr();
    init_logging(lc);
    spdlog::error("failed with file-secret-value");
    spdlog::debug("not shown at info");
    spdlog::default_logger()->flush();
    std::string out = ::testing::internal::GetCapturedStderr();
    EXPECT_THAT(out, ::testing::ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ error "));
    EXPECT_THAT(out, HasSubstr("failed with ***"));
    EXPECT_THAT(out, Not(HasSubstr("not shown")));
    std::ifstream f(lc.file);
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_THAT(ss.str(), HasSubstr("failed with ***"));
    EXPECT_THAT(ss.str(), Not(HasSubstr("file-secret-value")));
    // Leave a quiet default logger behind for the other tests.
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("null"));
    fs::remove_all(dir);
}

}  // namespace
}  // namespace ozw::log
