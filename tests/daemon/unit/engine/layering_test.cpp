// The engine never names a concrete watch, and a watch folder never reaches into another: the
// dependency rules of design.md ("a watch is a module"), checked on the source files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "daemon/engine/module.hpp"

namespace fs = std::filesystem;

namespace {

// The code of a file without its comments (string literals are kept: a name in a string is a
// name too).
std::string code_of(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str(), out;
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!in_string && s.compare(i, 2, "//") == 0) {
            i = s.find('\n', i);
            if (i == std::string::npos) break;
        } else if (!in_string && s.compare(i, 2, "/*") == 0) {
            i = s.find("*/", i);
            if (i == std::string::npos) break;
            ++i;
            continue;
        }
        if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) in_string = !in_string;
        if (s[i] == '\n') in_string = false;
        out += s[i];
    }
    return out;
}

std::vector<fs::path> sources(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().extension() == ".cpp" || e.path().extension() == ".hpp") out.push_back(e.path());
    return out;
}

}  // namespace

TEST(Layering, TheEngineNeverNamesAConcreteWatch) {
    ozw::daemon::install_watch_modules();
    const fs::path engine = fs::path(OZW_SOURCE_DIR) / "daemon/engine";
    auto files = sources(engine);
    ASSERT_GE(files.size(), 8u);
    for (const auto& f : files) {
        const std::string code = code_of(f);
        EXPECT_EQ(code.find("daemon/watches/"), std::string::npos) << f << " includes a watch";
        for (const auto* m : ozw::daemon::watch_modules().all()) {
            std::regex word("\\b" + m->name() + "\\b");
            EXPECT_FALSE(std::regex_search(code, word)) << f << " names the watch " << m->name();
        }
    }
}

TEST(Layering, AWatchFolderDependsOnNoOtherWatch) {
    const fs::path watches = fs::path(OZW_SOURCE_DIR) / "daemon/watches";
    for (const auto& dir : fs::directory_iterator(watches)) {
        if (!dir.is_directory()) continue;
        const std::string own = "daemon/watches/" + dir.path().filename().string() + "/";
        for (const auto& f : sources(dir.path())) {
            const std::string code = code_of(f);
            std::size_t pos = 0;
            while ((pos = code.find("daemon/watches/", pos)) != std::string::npos) {
                EXPECT_EQ(code.compare(pos, own.size(), own), 0)
                    << f << " reaches into another watch: " << code.substr(pos, 60);
                pos += 1;
            }
        }
    }
}
