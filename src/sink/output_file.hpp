// A buffered text output, a file or stdout ("-"), whose write failures name the path.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace tw {

class OutputFile {
 public:
  /// Creates (truncates) `path`, or writes to stdout when it is "-" or empty. Throws
  /// std::runtime_error naming the path when the file cannot be created.
  explicit OutputFile(const std::string& path);
  /// Closes without reporting errors; call close() to learn about them.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);
  void flush();
  /// Flushes and closes; throws when buffered data could not be written (e.g. disk full).
  void close();
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(std::string_view what) const;

  std::string path_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;  // stdout is flushed, never closed
};

}  // namespace tw
