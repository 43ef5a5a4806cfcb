#include "common/memory.hpp"

#include <cstdint>
#include <memory>

#ifdef OZW_JEMALLOC
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif

namespace ozw {

void release_free_memory() {
#ifdef OZW_JEMALLOC
    // Every arena's dirty and muzzy pages, at once.
#define OZW_STRINGIFY_(x) #x
#define OZW_STRINGIFY(x) OZW_STRINGIFY_(x)
    mallctl("arena." OZW_STRINGIFY(MALLCTL_ARENAS_ALL) ".purge", nullptr, nullptr, nullptr, 0);
#else
    malloc_trim(0);
#endif
}

bool jemalloc_build() {
#ifdef OZW_JEMALLOC
    return true;
#else
    return false;
#endif
}

std::string allocator_name() {
#ifdef OZW_JEMALLOC
    const char* version = nullptr;
    std::size_t size = sizeof(version);
    if (mallctl("version", &version, &size, nullptr, 0) != 0 || !version) return "glibc malloc (jemalloc not loaded)";
    // Loaded is not in use: jemalloc counts what it hands out, so a block from operator new must
    // show up in this thread's count.
    auto allocated = [] {
        std::uint64_t n = 0;
        std::size_t sz = sizeof(n);
        mallctl("thread.allocated", &n, &sz, nullptr, 0);
        return n;
    };
    const std::uint64_t before = allocated();
    auto block = std::make_unique<char[]>(1 << 20);
    // An opaque use of the block: a new/delete pair nothing reads may be elided by the compiler
    // (-fallocation-dce), and the probe would then see no allocation at all.
    char* volatile escaped = block.get();
    escaped[0] = 1;
    if (allocated() < before + (1 << 20)) return std::string("glibc malloc (jemalloc ") + version + " loaded, not in use)";
    return std::string("jemalloc ") + version;
#else
    return "glibc malloc";
#endif
}

}  // namespace ozw
