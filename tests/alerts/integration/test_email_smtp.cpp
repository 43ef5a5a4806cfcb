// The email notifier against a real SMTP server (python3-aiosmtpd, started here on a free port):
// STARTTLS required + AUTH, implicit TLS, wrong password, a server without STARTTLS, no server.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "alerts/email.hpp"
#include "alerts/templates.hpp"
#include "common/time.hpp"
#include "../test_event_types.hpp"

using namespace ozw;
using namespace ozw::alerts;
using ozw::alerts::testing::kProblem;
using ozw::alerts::testing::kSlow;
using ozw::alerts::testing::register_test_types;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "ozw-smtp-XXXXXX").string();
        path = ::mkdtemp(t.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// A throwaway CA-less self-signed certificate for 127.0.0.1 (curl trusts it through ca_file).
void make_cert(const fs::path& dir) {
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                      "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
                      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() +
                      "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
}

class SmtpServer {
public:
    SmtpServer(const std::string& mode, const fs::path& dir) : out_(dir / ("mail-" + mode)) {
        fs::create_directories(out_);
        int in[2], out[2];
        EXPECT_EQ(pipe(in), 0);
        EXPECT_EQ(pipe(out), 0);
        const std::string script = std::string(OZW_SOURCE_DIR) + "/tests/alerts/integration/smtp_server.py";
        std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string(), o = out_.string();
        pid_ = fork();
        if (pid_ == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            close(in[1]);
            close(out[0]);
            execl("/usr/bin/python3", "python3", script.c_str(), "--mode", mode.c_str(), "--cert", cert.c_str(),
                  "--key", key.c_str(), "--out", o.c_str(), (char*)nullptr);
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        stdin_ = in[1];
        FILE* f = fdopen(out[0], "r");
        char line[128] = {0};
        // Blocks until the server prints READY (or dies: then fgets returns null).
        if (fgets(line, sizeof line, f)) std::sscanf(line, "READY %d", &port_);
        fclose(f);
    }
    ~SmtpServer() {
        close(stdin_);
        int st = 0;
        waitpid(pid_, &st, 0);
    }
    int port() const { return port_; }
    std::vector<nlohmann::json> received() const {
        std::vector<nlohmann::json> v;
        for (int i = 1;; ++i) {
            std::ifstream f(out_ / (std::to_string(i) + ".json"));
            if (!f) break;
            v.push_back(nlohmann::json::parse(f));
        }
        return v;
    }

private:
    fs::path out_;
    pid_t pid_ = -1;
    int stdin_ = -1;
    int port_ = 0;
};

RenderedMessage sample_message() {
    register_test_types();
    Event a;
    a.type = kProblem;
    a.severity = Severity::critical;
    a.account = "main";
    a.details = {{"posting_number", "05708065-0029-1"},
                 {"products", {{{"name", "Платье <Роза> & бант"}, {"quantity", 1}}}}};
    Event b = a;
    b.type = kSlow;
    b.details["posting_number"] = "05708065-0030-2";
    return render_group({a, b}, {}, RenderOptions{});
}

EmailConfig config(const std::string& url, const fs::path& dir) {
    EmailConfig c;
    c.url = url;
    c.username = "shop@example.ru";
    c.password = "s3cret-pass";
    c.from = "shop@example.ru";
    c.to = {"owner@example.ru", "manager@example.ru"};
    c.ca_file = (dir / "cert.pem").string();
    return c;
}

SendResult send(EmailNotifier& n, const RenderedMessage& m) {
    boost::asio::io_context ioc;
    SendResult r;
    boost::asio::co_spawn(ioc, [&]() -> boost::asio::awaitable<void> { r = co_await n.send(m); },
                          [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
    ioc.run();
    return r;
}

SendResult probe(EmailNotifier& n) {
    boost::asio::io_context ioc;
    SendResult r;
    boost::asio::co_spawn(ioc, [&]() -> boost::asio::awaitable<void> { r = co_await n.probe(); },
                          [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
    ioc.run();
    return r;
}

class Email : public ::testing::Test {
protected:
    void SetUp() override { make_cert(dir.path); }
    TempDir dir;
    SystemClock clock;
};

}  // namespace

TEST_F(Email, StartTlsWithAuthDeliversMultipartWithDecodedSubject) {
    SmtpServer srv("starttls", dir.path);
    ASSERT_GT(srv.port(), 0);
    EmailNotifier n(config("smtp://127.0.0.1:" + std::to_string(srv.port()), dir.path), clock, Millis{10000});
    auto msg = sample_message();
    auto r = send(n, msg);
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = srv.received();
    ASSERT_EQ(got.size(), 1u);  // one mail per group
    const auto& m = got[0];
    EXPECT_TRUE(m["tls"].get<bool>());
    EXPECT_EQ(m["auth_login"], "shop@example.ru");
    EXPECT_EQ(m["mail_from"], "shop@example.ru");
    EXPECT_EQ(m["rcpt_tos"], nlohmann::json({"owner@example.ru", "manager@example.ru"}));
    EXPECT_EQ(m["top_content_type"], "multipart/alternative");
    const auto& h = m["headers"];
    EXPECT_EQ(h["Subject"], msg.subject);  // decoded by Python's email package
    EXPECT_NE(h["Subject"].get<std::string>().find("Проблема с отправлением 05708065-0029-1 и ещё 1"), std::string::npos);
    EXPECT_EQ(m["raw_subject"].get<std::string>().rfind("=?UTF-8?B?", 0), 0u);
    EXPECT_TRUE(h.contains("Date"));
    EXPECT_TRUE(h.contains("Message-ID"));
    EXPECT_NE(h["Message-ID"].get<std::string>().find("@example.ru>"), std::string::npos);
    EXPECT_EQ(h["From"], "shop@example.ru");
    EXPECT_NE(h["To"].get<std::string>().find("manager@example.ru"), std::string::npos);
    ASSERT_EQ(m["parts"].size(), 2u);
    EXPECT_EQ(m["parts"][0]["content_type"], "text/plain");
    EXPECT_EQ(m["parts"][1]["content_type"], "text/html");
    std::string text = m["parts"][0]["text"], html = m["parts"][1]["text"];
    EXPECT_NE(text.find("Платье <Роза> & бант"), std::string::npos);
    EXPECT_NE(html.find("Платье &lt;Роза&gt; &amp; бант"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"https://seller.ozon.ru/app/postings/fbs?search=05708065-0029-1\""), std::string::npos);
    // Dates parse as RFC 5322 and are close to now.
    EXPECT_NE(h["Date"].get<std::string>().find("+0000"), std::string::npos);
}

TEST_F(Email, ImplicitTlsSmtps) {
    SmtpServer srv("smtps", dir.path);
    ASSERT_GT(srv.port(), 0);
    EmailNotifier n(config("smtps://127.0.0.1:" + std::to_string(srv.port()), dir.path), clock, Millis{10000});
    auto r = send(n, sample_message());
    ASSERT_TRUE(r.ok()) << r.error;
    auto got = srv.received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0]["tls"].get<bool>());
    EXPECT_EQ(got[0]["auth_login"], "shop@example.ru");
}

TEST_F(Email, WrongPasswordIsPermanentAndNotLeaked) {
    SmtpServer srv("starttls", dir.path);
    auto cfg = config("smtp://127.0.0.1:" + std::to_string(srv.port()), dir.path);
    cfg.password = "wrong-password-value";
    EmailNotifier n(cfg, clock, Millis{10000});
    auto r = send(n, sample_message());
    EXPECT_EQ(r.kind, SendResult::Kind::permanent) << r.error;
    EXPECT_EQ(r.error.find("wrong-password-value"), std::string::npos);
    EXPECT_TRUE(srv.received().empty());
}

TEST_F(Email, ServerWithoutStartTlsIsRefusedNotPlaintext) {
    SmtpServer srv("plain", dir.path);
    EmailNotifier n(config("smtp://127.0.0.1:" + std::to_string(srv.port()), dir.path), clock, Millis{10000});
    auto r = send(n, sample_message());
    EXPECT_EQ(r.kind, SendResult::Kind::permanent) << r.error;
    EXPECT_TRUE(srv.received().empty());
}

TEST_F(Email, UntrustedCertificateIsRefused) {
    SmtpServer srv("starttls", dir.path);
    auto cfg = config("smtp://127.0.0.1:" + std::to_string(srv.port()), dir.path);
    cfg.ca_file = "/etc/ssl/certs/ca-certificates.crt";  // the system store does not know our cert
    EmailNotifier n(cfg, clock, Millis{10000});
    auto r = send(n, sample_message());
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(srv.received().empty());
}

TEST_F(Email, NoServerIsRetryable) {
    int port;
    {
        SmtpServer srv("plain", dir.path);  // take a port, then let it go
        port = srv.port();
    }
    EmailNotifier n(config("smtp://127.0.0.1:" + std::to_string(port), dir.path), clock, Millis{3000});
    auto r = send(n, sample_message());
    EXPECT_EQ(r.kind, SendResult::Kind::retry_backoff) << r.error;
}

// The dispatcher's probe after an outage: the whole session up to the login, no mail.
TEST_F(Email, AProbeLogsInAndSendsNoMail) {
    SmtpServer srv("starttls", dir.path);
    auto cfg = config("smtp://127.0.0.1:" + std::to_string(srv.port()), dir.path);
    EmailNotifier n(cfg, clock, Millis{10000});
    ASSERT_TRUE(n.can_probe());
    auto r = probe(n);
    EXPECT_TRUE(r.ok()) << r.error;
    EXPECT_TRUE(srv.received().empty());
    cfg.password = "wrong-password-value";
    EmailNotifier wrong(cfg, clock, Millis{10000});
    r = probe(wrong);
    EXPECT_FALSE(r.ok());  // the login is part of the probe
    EXPECT_EQ(r.error.find("wrong-password-value"), std::string::npos);
}

TEST_F(Email, AProbeOfNoServerFails) {
    int port;
    {
        SmtpServer srv("plain", dir.path);  // take a port, then let it go
        port = srv.port();
    }
    EmailNotifier n(config("smtp://127.0.0.1:" + std::to_string(port), dir.path), clock, Millis{3000});
    auto r = probe(n);
    EXPECT_EQ(r.kind, SendResult::Kind::retry_backoff) << r.error;
}
