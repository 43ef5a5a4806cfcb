#include "common/memory.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace ozw {
namespace {

// Resident pages of this process (/proc/self/statm, second field), in bytes.
long long resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

TEST(Memory, TheBuildsHeapIsTheOneInUse) {
    if (jemalloc_build())
        EXPECT_EQ(allocator_name().rfind("jemalloc 5.", 0), 0u) << allocator_name();
    else
        EXPECT_EQ(allocator_name(), "glibc malloc (jemalloc not loaded)");
}

TEST(Memory, ReleaseHandsFreedSmallBlocksBackToTheSystem) {
    // 96 MB in 1 KB blocks, the size of a poll's models and rows, touched so that they are resident.
    constexpr std::size_t kBlock = 1024, kBlocks = 96 * 1024;
    std::vector<std::unique_ptr<char[]>> blocks;
    blocks.reserve(kBlocks);
    for (std::size_t i = 0; i < kBlocks; ++i) {
        blocks.push_back(std::make_unique<char[]>(kBlock));
        for (std::size_t b = 0; b < kBlock; b += 256) blocks.back()[b] = char(i);
    }
    const long long held = resident_bytes();
    std::vector<std::unique_ptr<char[]>>().swap(blocks);
    release_free_memory();
    const long long released = resident_bytes();
    EXPECT_LT(released, held - 64ll * 1024 * 1024) << "held " << held << " B, after release " << released << " B";
}

}  // namespace
}  // namespace ozw
