#pragma once
// Small text helpers shared by the HTTP client and server.
#include <cctype>
#include <string_view>

namespace ozw::http {

// ASCII case-insensitive equality: HTTP header names are case-insensitive.
inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace ozw::http
