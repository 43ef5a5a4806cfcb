#pragma once
// Skipping the pages of a walk the caller already holds. A poll that reads a whole list page by
// page (100,000 stock figures every 15 minutes, of which a few dozen change) hands the client
// what it knew of each page: the hash of the page's bytes at that position, and what the walk
// needs to go on without parsing it (the next cursor, the number of records). A page whose bytes
// hash the same is not parsed again; the caller keeps what it derived from it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ozw {

struct KnownPage {
    std::uint64_t hash = 0;   // 0: never matches (the page is read again)
    std::string next_cursor;  // cursor walks: the cursor the page gave
    std::size_t records = 0;  // what the walk's end test counts (items, products)
};

// Asked of every page before it is parsed: the caller's page at `index` when its hash is
// `hash`, else null. Null for every page: a plain walk.
using KnownPages = std::function<const KnownPage*(std::size_t index, std::uint64_t hash)>;

// One page as the walk met it: parsed (known == false) or skipped as the caller's.
struct PageSeen {
    std::size_t index = 0;
    KnownPage page;      // this page's hash, next cursor and record count
    bool known = false;  // skipped: its records are not handed over
};

// libstdc++'s hash of bytes (64-bit, several GB/s here): a page is told from its predecessor
// at the same position, within one process (the pages are never stored). Never 0.
inline std::uint64_t page_hash(std::string_view bytes) {
    const std::uint64_t h = std::hash<std::string_view>{}(bytes);
    return h ? h : 1;
}

}  // namespace ozw
