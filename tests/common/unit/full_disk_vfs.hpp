#pragma once
// An SQLite VFS that behaves like a file system whose disk can fill up: a thin shim over the
// default VFS whose xWrite refuses, with SQLITE_FULL, every write that would make a file
// longer while the disk is "full" (writes inside a file's current length still succeed, as
// on a real disk whose blocks are already allocated). SQLite itself then meets the error
// where a full disk would put it (appending WAL frames), rolls back and reports
// "database or disk is full": the store's real error path, not a hook in our code.
//
//   FullDiskVfs& disk = FullDiskVfs::instance();
//   Store store(path, FullDiskVfs::kName);
//   disk.set_full(true);  ... every growing write fails ...  disk.set_full(false);
#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <stdexcept>

namespace ozw::testing {

class FullDiskVfs {
public:
    static constexpr const char* kName = "ozw_full_disk";

    // Registered with SQLite on first use (not as the default VFS).
    static FullDiskVfs& instance() {
        static FullDiskVfs vfs;
        return vfs;
    }
    void set_full(bool full) { full_.store(full); }
    bool full() const { return full_.load(); }
    // Writes refused since the start (a test can show the disk was actually hit).
    long long refused() const { return refused_.load(); }

private:
    struct File {
        sqlite3_file base;  // must be first: SQLite sees this
        sqlite3_file* real;  // the default VFS's file, stored right after this struct
    };

    FullDiskVfs() {
        real_vfs_ = sqlite3_vfs_find(nullptr);
        if (!real_vfs_) throw std::runtime_error("no default SQLite VFS");
        vfs_ = *real_vfs_;  // forward everything but xOpen
        vfs_.zName = kName;
        vfs_.pNext = nullptr;
        vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_vfs_->szOsFile;
        vfs_.xOpen = &FullDiskVfs::open;
        // The default VFS's other entry points take the vfs pointer: hand them the real one.
        vfs_.xDelete = [](sqlite3_vfs*, const char* n, int s) {
            return instance().real_vfs_->xDelete(instance().real_vfs_, n, s);
        };
        vfs_.xAccess = [](sqlite3_vfs*, const char* n, int f, int* out) {
            return instance().real_vfs_->xAccess(instance().real_vfs_, n, f, out);
        };
        vfs_.xFullPathname = [](sqlite3_vfs*, const char* n, int size, char* out) {
            return instance().real_vfs_->xFullPathname(instance().real_vfs_, n, size, out);
        };
        std::memset(&methods_, 0, sizeof methods_);
        if (sqlite3_vfs_register(&vfs_, 0) != SQLITE_OK) throw std::runtime_error("cannot register the VFS");
    }

    static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

    static int open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
        FullDiskVfs& self = instance();
        File* file = reinterpret_cast<File*>(f);
        file->base.pMethods = nullptr;
        file->real = reinterpret_cast<sqlite3_file*>(file + 1);
        const int rc = self.real_vfs_->xOpen(self.real_vfs_, name, file->real, flags, out_flags);
        if (file->real->pMethods) {
            self.init_methods(file->real->pMethods);
            file->base.pMethods = &self.methods_;
        }
        return rc;
    }

    // Every method forwards to the real file; only xWrite looks at the disk.
    void init_methods(const sqlite3_io_methods* r) {
        if (methods_.iVersion) return;
        methods_.iVersion = r->iVersion;
        methods_.xClose = [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); };
        methods_.xRead = [](sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
            return real(f)->pMethods->xRead(real(f), buf, n, off);
        };
        methods_.xWrite = [](sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
            FullDiskVfs& self = instance();
            if (self.full_.load()) {
                sqlite3_int64 size = 0;
                const int rc = real(f)->pMethods->xFileSize(real(f), &size);
                if (rc != SQLITE_OK) return rc;
                if (off + n > size) {
                    self.refused_.fetch_add(1);
                    return SQLITE_FULL;
                }
            }
            return real(f)->pMethods->xWrite(real(f), buf, n, off);
        };
        methods_.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
            return real(f)->pMethods->xTruncate(real(f), size);
        };
        methods_.xSync = [](sqlite3_file* f, int flags) { return real(f)->pMethods->xSync(real(f), flags); };
        methods_.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
            return real(f)->pMethods->xFileSize(real(f), size);
        };
        methods_.xLock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); };
        methods_.xUnlock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); };
        methods_.xCheckReservedLock = [](sqlite3_file* f, int* out) {
            return real(f)->pMethods->xCheckReservedLock(real(f), out);
        };
        methods_.xFileControl = [](sqlite3_file* f, int op, void* arg) {
            return real(f)->pMethods->xFileControl(real(f), op, arg);
        };
        methods_.xSectorSize = [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); };
        methods_.xDeviceCharacteristics = [](sqlite3_file* f) {
            return real(f)->pMethods->xDeviceCharacteristics(real(f));
        };
        if (r->iVersion >= 2) {
            methods_.xShmMap = [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
                return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
            };
            methods_.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
                return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
            };
            methods_.xShmBarrier = [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); };
            methods_.xShmUnmap = [](sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); };
        }
        if (r->iVersion >= 3) {
            methods_.xFetch = [](sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
                return real(f)->pMethods->xFetch(real(f), off, n, out);
            };
            methods_.xUnfetch = [](sqlite3_file* f, sqlite3_int64 off, void* p) {
                return real(f)->pMethods->xUnfetch(real(f), off, p);
            };
        }
    }

    sqlite3_vfs* real_vfs_ = nullptr;
    sqlite3_vfs vfs_{};
    sqlite3_io_methods methods_{};
    std::atomic<bool> full_{false};
    std::atomic<long long> refused_{0};
};

}  // namespace ozw::testing
