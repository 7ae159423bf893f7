// File adapters: whole-file reads, atomic private writes, advisory locks.
#pragma once

#include <chrono>
#include <string>

#include "util/error.h"

namespace kubeiam {

// Reads a whole file; refuses files larger than max_bytes (hostile input must not exhaust memory).
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = 16u << 20);

// Writes to a temporary file beside `path` with `mode`, fsyncs, and renames it into place, so a
// reader sees either the old content or the new, never half of it (also after kill -9).
Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode = 0600);

// Creates a directory and its parents; new directories get `mode`.
Status MakeDirs(const std::string& path, unsigned mode = 0700);
// A folder that will hold secrets: it must be a real folder (not a symlink), owned by this user
// and writable by no one else, or another user could plant or swap the files in it (ssh's rule
// for ~/.ssh). Errors name the folder, the rule and the fix.
Status CheckPrivateDir(const std::string& path);

// An exclusive flock(2) on a lock file, released when the object dies. Waits up to `timeout`.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path, std::chrono::milliseconds timeout);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// What changes when a file is edited or atomically replaced (mtime, size, inode); for a folder,
// the stamps of every file under it. "missing" when absent.
std::string FileStamp(const std::string& path);

}  // namespace kubeiam
