#pragma once
// The heap. Production binaries run on jemalloc (OZW_JEMALLOC, the default; the sanitizer and
// fuzz builds keep glibc's malloc, which ASan replaces). Why jemalloc: a poll of a big shop
// allocates and frees hundreds of thousands of small objects (page models, snapshot rows, a
// 100,000-article stock map); on a 400 MB heap glibc's malloc spent a third of the daemon's CPU
// in its bins (_int_malloc, malloc_consolidate, unlink_chunk: perf, bench_scale), jemalloc's
// size-class slabs do not. jemalloc's own settings are kept: a shorter decay and fewer arenas
// measured the same within the noise (bench_stocks).
#include <string>

namespace ozw {

// Hands the heap's free pages back to the system: called after a large poll or a large request
// so that a steady daemon's RSS is its state, not its largest poll. Not free: the next large poll
// faults its pages in again (bench_stocks, when a stock poll still parsed every page: about
// 100 ms of a 100,000-article poll's ~450 ms, for ~60 MB less RSS between polls).
void release_free_memory();

// The allocator this binary runs on, for `ozonwatch version` and the benchmarks: "jemalloc
// 5.3.0-..." or "glibc malloc".
std::string allocator_name();

// Whether this build links jemalloc (OZW_JEMALLOC); allocator_name() says whether it is in use.
bool jemalloc_build();

}  // namespace ozw
