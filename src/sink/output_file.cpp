#include "sink/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tw {

OutputFile::OutputFile(const std::string& path) : path_(path.empty() ? "-" : path) {
  if (path_ == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) fail("cannot create");
  owned_ = true;
}

OutputFile::~OutputFile() {
  if (!file_) return;
  if (owned_) {
    std::fclose(file_);
  } else {
    std::fflush(file_);
  }
}

void OutputFile::fail(std::string_view what) const {
  int error = errno;
  std::string text = path_ == "-" ? std::string("stdout") : path_;
  text += ": ";
  text += what;
  if (error != 0) {
    text += ": ";
    text += std::strerror(error);
  }
  throw std::runtime_error(text);
}

void OutputFile::write(std::string_view text) {
  if (!file_) {
    errno = 0;
    fail("write after close");
  }
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) fail("write failed");
}

void OutputFile::flush() {
  if (file_ && std::fflush(file_) != 0) fail("write failed");
}

void OutputFile::close() {
  if (!file_) return;
  std::FILE* file = file_;
  file_ = nullptr;
  bool ok = std::fflush(file) == 0 && !std::ferror(file);
  if (owned_ && std::fclose(file) != 0) ok = false;
  if (!ok) fail("write failed");
}

}  // namespace tw
