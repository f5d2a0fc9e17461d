#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "feed/byte_source.hpp"
#include "feed/csv_split.hpp"
#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/line_reader.hpp"
#include "feed_test_support.hpp"

using namespace tw;
using namespace tw::test;

namespace {

std::string read_everything(ByteSource& source) {
  std::string all;
  char buffer[7];  // small on purpose: many reads
  while (size_t n = source.read(buffer, sizeof buffer)) all.append(buffer, n);
  return all;
}

struct Line {
  uint64_t number;
  std::string text;
};

std::vector<Line> read_lines(const std::string& path, RecordingSink& sink,
                             size_t max_line = kMaxRecordBytes) {
  RejectReporter reporter(path, sink);
  LineReader reader(InputBuffer(open_byte_source(path), max_line), reporter);
  std::vector<Line> lines;
  std::string_view line;
  while (reader.next(line)) lines.push_back({reader.line_number(), std::string(line)});
  return lines;
}

std::string expect_feed_error(const std::string& path) {
  try {
    auto source = open_byte_source(path);
    read_everything(*source);
  } catch (const FeedError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no FeedError for " << path;
  return {};
}

const std::string kText = "alpha,1\nbeta,2\r\ngamma,3";

}  // namespace

TEST(FeedByteSource, PlainGzipAndZipGiveTheSameBytes) {
  TempDir dir;
  for (const std::string& path : {dir.write("a.csv", kText), dir.write_gz("a.csv.gz", kText),
                                  dir.write_zip("a.zip", "inner/a.csv", kText)}) {
    auto source = open_byte_source(path);
    EXPECT_EQ(read_everything(*source), kText) << path;
    EXPECT_GT(source->bytes_total(), 0u) << path;
    EXPECT_EQ(source->bytes_read(), source->bytes_total()) << path;
  }
  EXPECT_EQ(open_byte_source(dir.file("a.zip"))->content_name(), "inner/a.csv");
  EXPECT_EQ(open_byte_source(dir.file("a.csv.gz"))->content_name(), dir.file("a.csv"));
}

TEST(FeedByteSource, SniffsCompressionWhenTheNameDoesNotSay) {
  TempDir dir;
  std::string gz = dir.write_gz("x.gz", kText);
  std::filesystem::rename(gz, dir.file("gz_without_extension"));
  auto source = open_byte_source(dir.file("gz_without_extension"));
  EXPECT_EQ(read_everything(*source), kText);
}

TEST(FeedByteSource, ConcatenatedGzipMembersAreOneStream) {
  TempDir dir;
  std::string one = read_text(dir.write_gz("1.gz", "first\n"));
  std::string two = read_text(dir.write_gz("2.gz", "second\n"));
  auto source = open_byte_source(dir.write("both.gz", one + two));
  EXPECT_EQ(read_everything(*source), "first\nsecond\n");
}

TEST(FeedByteSource, MissingFileNamesThePath) {
  std::string message = expect_feed_error("/nonexistent/dir/trades.csv");
  EXPECT_NE(message.find("/nonexistent/dir/trades.csv"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot open"), std::string::npos) << message;
}

TEST(FeedByteSource, TruncatedGzipIsAFeedError) {
  TempDir dir;
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "row," + std::to_string(i * 7919) + "\n";
  std::string gz = read_text(dir.write_gz("full.gz", big));
  std::string path = dir.write("cut.csv.gz", gz.substr(0, gz.size() / 2));
  std::string message = expect_feed_error(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  // Losing only the 8-byte trailer (CRC and size) is detected too.
  std::string no_trailer = dir.write("no_trailer.gz", gz.substr(0, gz.size() - 4));
  EXPECT_NE(expect_feed_error(no_trailer).find("truncated"), std::string::npos);
}

TEST(FeedByteSource, CorruptGzipIsAFeedError) {
  TempDir dir;
  std::string path = dir.write("bad.gz", "this is not gzip at all");
  std::string message = expect_feed_error(path);
  EXPECT_NE(message.find("corrupt gzip"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(FeedByteSource, CorruptZipIsAFeedError) {
  TempDir dir;
  std::string not_zip = dir.write("bad.zip", "PK but not really a zip archive");
  std::string message = expect_feed_error(not_zip);
  EXPECT_NE(message.find(not_zip), std::string::npos) << message;
  EXPECT_NE(message.find("zip"), std::string::npos) << message;

  // A real archive whose compressed bytes were damaged: CRC or inflate error while reading.
  std::string big;
  for (int i = 0; i < 5000; ++i) big += "line " + std::to_string(i * 31) + "\n";
  std::string zip = read_text(dir.write_zip("good.zip", "data.csv", big));
  size_t data_start = zip.find("data.csv") + 8;
  for (size_t i = data_start + 10; i < data_start + 60; ++i)
    zip[i] = static_cast<char>(zip[i] ^ 0x5a);
  std::string damaged = dir.write("damaged.zip", zip);
  message = expect_feed_error(damaged);
  EXPECT_NE(message.find(damaged), std::string::npos) << message;
}

TEST(FeedByteSource, ZipWithoutCsvEntryIsAFeedError) {
  TempDir dir;
  std::string path = dir.file("two.zip");
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr);
  zip_file_add(archive, "a.txt", zip_source_buffer(archive, "a", 1, 0), 0);
  zip_file_add(archive, "b.txt", zip_source_buffer(archive, "b", 1, 0), 0);
  ASSERT_EQ(zip_close(archive), 0);
  EXPECT_NE(expect_feed_error(path).find("no .csv entry"), std::string::npos);
}

TEST(FeedLineReader, HandlesCrlfAndALastLineWithoutNewline) {
  TempDir dir;
  RecordingSink sink;
  auto lines = read_lines(dir.write("l.csv", "\xEF\xBB\xBFone\r\ntwo\n\nthree"), sink);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "one");
  EXPECT_EQ(lines[1].text, "two");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[3].text, "three");
  EXPECT_EQ(lines[3].number, 4u);
  EXPECT_TRUE(sink.records.empty());
}

TEST(FeedLineReader, EmptyFileHasNoLines) {
  TempDir dir;
  RecordingSink sink;
  EXPECT_TRUE(read_lines(dir.write("e.csv", ""), sink).empty());
}

TEST(FeedLineReader, LinesAcrossManyChunksKeepTheirNumbers) {
  TempDir dir;
  std::string text;
  const int kLines = 200000;  // about 3 MB: several 1 MiB reads, lines split across them
  for (int i = 1; i <= kLines; ++i) text += "line-" + std::to_string(i) + "\n";
  RecordingSink sink;
  auto lines = read_lines(dir.write_gz("many.gz", text), sink);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kLines));
  for (int i : {0, 1, 77777, kLines - 1}) {
    EXPECT_EQ(lines[static_cast<size_t>(i)].text, "line-" + std::to_string(i + 1));
    EXPECT_EQ(lines[static_cast<size_t>(i)].number, static_cast<uint64_t>(i + 1));
  }
}

TEST(FeedLineReader, OverlongLineIsRejectedAndSkipped) {
  TempDir dir;
  std::string path = dir.write(
      "long.csv", "short\n" + std::string(500, 'x') + "\nafter\n" + std::string(300, 'y'));
  RecordingSink sink;
  auto lines = read_lines(path, sink, 64);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "short");
  EXPECT_EQ(lines[1].text, "after");
  EXPECT_EQ(lines[1].number, 3u);
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0].line, 2u);
  EXPECT_EQ(sink.records[0].reason, RejectReason::kMalformedRow);
  EXPECT_EQ(sink.records[0].source, path);
  EXPECT_NE(sink.records[0].detail.find("longer than 64"), std::string::npos);
  EXPECT_LE(sink.records[0].raw.size(), 256u);
  EXPECT_EQ(sink.records[1].line, 4u);  // the last line, without a newline
}

TEST(FeedCsvSplitter, WordScanMatchesAPlainSplitAtEveryOffset) {
  CsvSplitter splitter;
  for (size_t length = 0; length < 40; ++length) {
    for (size_t comma = 0; comma < length; ++comma) {
      std::string line(length, 'x');
      line[comma] = ',';
      ASSERT_TRUE(splitter.split(line));
      ASSERT_EQ(splitter.size(), 2u) << line;
      EXPECT_EQ(splitter[0], line.substr(0, comma));
      EXPECT_EQ(splitter[1], line.substr(comma + 1));
    }
  }
  // A quote late in the line sends it down the quoted path after fields were already found.
  ASSERT_TRUE(splitter.split("aaaaaaaa,bbbbbbbbb,cccccccc,\"d,d\",e"));
  ASSERT_EQ(splitter.size(), 5u);
  EXPECT_EQ(splitter[3], "d,d");
  EXPECT_FALSE(splitter.split("a,\"unterminated"));
  EXPECT_FALSE(splitter.split("a,\"x\"y,b"));
}
