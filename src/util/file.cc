#include "util/file.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

namespace kubeiam {
namespace {

std::unexpected<Error> Errno(const std::string& what, const std::string& path) {
  int e = errno;
  ErrorCode code = e == ENOENT ? ErrorCode::kNotFound
                   : (e == EACCES || e == EPERM) ? ErrorCode::kPermissionDenied
                                                 : ErrorCode::kInternal;
  return Fail(code, what + " " + path + ": " + std::strerror(e));
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto err = Errno("cannot read", path);
      ::close(fd);
      return err;
    }
    if (n == 0) break;
    if (out.size() + size_t(n) > max_bytes) {
      ::close(fd);
      return Fail(ErrorCode::kInvalidArgument,
                  "file " + path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Errno("cannot create", tmp);
  // The umask may have narrowed the mode; make it exactly what was asked.
  ::fchmod(fd, mode);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto err = Errno("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
    }
    off += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    auto err = Errno("cannot flush", tmp);
    ::unlink(tmp.c_str());
    return err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = Errno("cannot rename into", path);
    ::unlink(tmp.c_str());
    return err;
  }
  return {};
}

Status MakeDirs(const std::string& path, unsigned mode) {
  if (path.empty()) return {};
  std::string cur;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      cur = path.substr(0, i);
      if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST) return Errno("cannot create directory", cur);
    }
  }
  return {};
}

Status CheckPrivateDir(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return Errno("cannot inspect", path);
  if (!S_ISDIR(st.st_mode)) return Fail(ErrorCode::kPermissionDenied, path + " is not a directory (a symlink is not accepted)");
  if (st.st_uid != ::geteuid()) {
    return Fail(ErrorCode::kPermissionDenied, path + " is owned by uid " + std::to_string(st.st_uid) +
                                                  ", not by you (uid " + std::to_string(::geteuid()) + ")");
  }
  if ((st.st_mode & 022) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    return Fail(ErrorCode::kPermissionDenied, path + " is writable by other users (mode " + mode +
                                                  "); run: chmod 700 " + path);
  }
  return {};
}

Result<FileLock> FileLock::Acquire(const std::string& path, std::chrono::milliseconds timeout) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot open lock file", path);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      auto err = Errno("cannot lock", path);
      ::close(fd);
      return err;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return Fail(ErrorCode::kUnavailable, "timed out waiting for lock " + path);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::string FileStamp(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return "missing";
  std::string own = std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
                    std::to_string(st.st_size) + "/" + std::to_string(st.st_ino);
  if (!S_ISDIR(st.st_mode)) return own;
  std::error_code ec;
  std::vector<std::string> parts;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) parts.push_back(it->path().string() + "@" + FileStamp(it->path().string()));
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& p : parts) own += ";" + p;
  return own;
}


}  // namespace kubeiam
