// The one-pass line split (CsvSplitter::split_buffered_line) and the inline short decimal agree
// with the plain paths: line ends at every block offset, CRLF, quotes, buffer ends, bad bytes.
#include <gtest/gtest.h>

#include <random>

#include <optional>

#include <limits>

#include <charconv>

#include <string>
#include <string_view>
#include <vector>

#include "feed/csv_split.hpp"
#include "model/fixed_point.hpp"
#include "model/short_decimal.hpp"
#include "util/swar.hpp"

namespace tw {
namespace {

std::vector<std::string> fields_of(const CsvSplitter& splitter) {
  std::vector<std::string> fields;
  for (size_t i = 0; i < splitter.size(); ++i) fields.emplace_back(splitter[i]);
  return fields;
}

// What split_buffered_line must give for a line found in `data`: the plain split of the line
// without its '\n' and one '\r' before it.
void expect_same_as_plain(std::string_view data, std::string_view expected_line) {
  CsvSplitter fast;
  std::string_view line;
  bool ok = false;
  size_t taken = fast.split_buffered_line(data, line, ok);
  ASSERT_NE(taken, 0u) << data;
  EXPECT_EQ(line, expected_line) << data;
  CsvSplitter plain;
  bool plain_ok = plain.split(expected_line);
  ASSERT_EQ(ok, plain_ok) << data;
  if (ok) {
    EXPECT_EQ(fields_of(fast), fields_of(plain)) << data;
  }
}

TEST(CsvLineSplit, LineEndAtEveryOffsetWithAndWithoutCr) {
  for (size_t length = 0; length < 70; ++length) {
    for (bool crlf : {false, true}) {
      std::string line;
      for (size_t i = 0; i < length; ++i)
        line += i % 5 == 2 ? ',' : static_cast<char>('a' + i % 26);
      std::string data = line + (crlf ? "\r\n" : "\n") + "next,\"line\"\n" + std::string(32, 'x');
      std::string_view found;
      bool ok = false;
      CsvSplitter splitter;
      size_t taken = splitter.split_buffered_line(data, found, ok);
      ASSERT_EQ(taken, line.size() + (crlf ? 2 : 1)) << data;
      expect_same_as_plain(data, line);
    }
  }
}

TEST(CsvLineSplit, CommaBeforeCrLeavesAnEmptyLastField) {
  CsvSplitter splitter;
  std::string_view line;
  bool ok = false;
  std::string data = "a,b,\r\n" + std::string(20, 'z');
  ASSERT_EQ(splitter.split_buffered_line(data, line, ok), 6u);
  ASSERT_TRUE(ok);
  EXPECT_EQ(fields_of(splitter), (std::vector<std::string>{"a", "b", ""}));
  // A '\r' inside the line is data, as in the plain split.
  expect_same_as_plain("a\rb,c\n" + std::string(20, 'z'), "a\rb,c");
}

TEST(CsvLineSplit, QuotedFieldsTakeTheQuotedPathOnlyForQuotesInTheirLine) {
  expect_same_as_plain("id,\"a,b\",\"say \"\"hi\"\"\",end\n" + std::string(16, 'q'),
                       "id,\"a,b\",\"say \"\"hi\"\"\",end");
  expect_same_as_plain("aaaaaaaaaaaaaaaaaaaa,\"unterminated\n" + std::string(16, 'q'),
                       "aaaaaaaaaaaaaaaaaaaa,\"unterminated");
  expect_same_as_plain("\"x\"y,b\n" + std::string(16, 'q'), "\"x\"y,b");
  // A quote on the next line, in the same block, does not touch this one.
  expect_same_as_plain("a,b\n\"c\",d\n" + std::string(16, 'q'), "a,b");
}

TEST(CsvLineSplit, DeclinesWhenTheLineEndIsNotInWholeBlocks) {
  CsvSplitter splitter;
  std::string_view line;
  bool ok = false;
  // The '\n' sits in the last, partial block of the data: the usual path must take the line.
  EXPECT_EQ(splitter.split_buffered_line("a,b\n", line, ok), 0u);
  EXPECT_EQ(splitter.split_buffered_line(std::string(20, 'a') + "\n", line, ok), 0u);
  EXPECT_EQ(splitter.split_buffered_line("", line, ok), 0u);
  // No '\n' within reach, or the line is longer than the scan limit.
  EXPECT_EQ(splitter.split_buffered_line(std::string(100, 'a'), line, ok), 0u);
  std::string long_line(CsvSplitter::kLineScanLimit, 'a');
  EXPECT_EQ(splitter.split_buffered_line(long_line + "\n" + std::string(32, 'b'), line, ok), 0u);
  // Exactly one whole block with the '\n' as its last byte is found.
  std::string block = std::string(15, 'c') + "\n";
  EXPECT_EQ(splitter.split_buffered_line(block, line, ok), 16u);
  EXPECT_EQ(line, std::string(15, 'c'));
}

TEST(CsvLineSplit, BadBytesAreKeptAsData) {
  std::string line = "\x01\xff,\x80\x7f,\t x \t";
  expect_same_as_plain(line + "\n" + std::string(16, ','), line);
}

TEST(CsvLineSplit, SplitterIsReusableBetweenBothPaths) {
  CsvSplitter splitter;
  std::string_view line;
  bool ok = false;
  ASSERT_TRUE(splitter.split("\"q\",r"));
  EXPECT_EQ(fields_of(splitter), (std::vector<std::string>{"q", "r"}));
  std::string data = "1,2,3\n" + std::string(16, '9');  // the fields point into it
  ASSERT_NE(splitter.split_buffered_line(data, line, ok), 0u);
  EXPECT_EQ(fields_of(splitter), (std::vector<std::string>{"1", "2", "3"}));
  ASSERT_TRUE(splitter.split(std::string(200, ',')));
  EXPECT_EQ(splitter.size(), 201u);
}

TEST(CsvLineSplit, LongLinesWithCommasAndQuotesAcrossStepsAndBufferEnds) {
  // Lines of up to 200 bytes span several 32-byte steps; their end, a comma and a field-opening
  // quote fall at every offset within a step, and the data ends at every offset after the line.
  for (size_t length = 0; length <= 200; ++length) {
    for (size_t seed = 0; seed < 6; ++seed) {
      std::string line;
      for (size_t i = 0; i < length; ++i) {
        bool comma = (i * 7 + seed * 5) % 9 == 0;
        line += comma ? ',' : static_cast<char>('a' + (i + seed) % 26);
      }
      if (seed == 5 && length > 2) {
        size_t at = (length * 13) % (length - 1);
        line[at] = ',';
        line[at + 1] = '"';  // opens a quoted field: unterminated unless another quote follows
      }
      for (size_t after = 0; after < 40; after += 3) {
        std::string data = line + "\n" + std::string(after, seed % 2 == 0 ? 'x' : '"');
        CsvSplitter splitter;
        std::string_view found;
        bool ok = false;
        size_t taken = splitter.split_buffered_line(data, found, ok);
        // Taken whenever the '\n' lies in the whole 16-byte blocks of the data: exactly those
        // with SSE2; the word-at-a-time scan, in 8-byte blocks, takes a few more.
        if (line.size() < data.size() / 16 * 16) {
          ASSERT_NE(taken, 0u) << data;
        }
        if (taken == 0) continue;
        ASSERT_EQ(taken, line.size() + 1) << data;
        expect_same_as_plain(data, line);
      }
    }
  }
}

TEST(ShortDecimal, TakesOnlyShortPlainDecimalsAndAgreesWithTheFullParser) {
  struct Case {
    const char* text;
    bool taken;
  };
  const Case cases[] = {{"7", true},           {"98", true},       {"41999.99", true},
                        {"0.0627", true},      {".5", true},       {"5.", true},
                        {"12345678", true},    {"0.000001", true}, {"00000000", true},
                        {"", false},           {".", false},       {"1.2.3", false},
                        {"-3", false},         {"+5", false},      {"1e5", false},
                        {" 42", false},        {"42 ", false},     {"123456789", false},
                        {"0.12345678", false}, {"4a", false},      {"\xff", false}};
  for (const Case& c : cases) {
    int64_t fast = -1;
    ASSERT_EQ(parse_short_decimal(c.text, fast), c.taken) << c.text;
    if (!c.taken) continue;
    int64_t full = -2;
    ASSERT_TRUE(parse_scaled_decimal(c.text, full)) << c.text;
    EXPECT_EQ(fast, full) << c.text;
  }
  int64_t raw = 0;
  ASSERT_TRUE(parse_short_decimal("41999.99", raw));
  EXPECT_EQ(raw, 4'199'999'000'000);
}

// The decimal syntax parse_scaled_decimal documents, spelled out plainly: [+-] digits
// ['.' digits], a digit somewhere, at most 8 significant decimals, units within int64 / 1e8.
std::optional<int64_t> reference_decimal(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  int64_t units = 0, fraction = 0;
  int decimals = 0;
  bool any_digit = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, any_digit = true) {
    units = units * 10 + (text[i] - '0');
    if (units > std::numeric_limits<int64_t>::max() / kFixedScale) return std::nullopt;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, any_digit = true) {
      if (decimals < kFixedDecimals) {
        fraction = fraction * 10 + (text[i] - '0');
        ++decimals;
      } else if (text[i] != '0') {
        return std::nullopt;
      }
    }
  }
  if (!any_digit || i != text.size()) return std::nullopt;
  for (int d = decimals; d < kFixedDecimals; ++d) fraction *= 10;
  int64_t raw = units * kFixedScale + fraction;
  return negative ? -raw : raw;
}

TEST(SplitDecimal, TakesVenueDecimalsWithAllTheirPlaces) {
  int64_t raw = 0;
  ASSERT_TRUE(parse_split_decimal("87648.21000000", raw));
  EXPECT_EQ(raw, 8'764'821'000'000);
  ASSERT_TRUE(parse_split_decimal("0.08185000", raw));
  EXPECT_EQ(raw, 8'185'000);
  ASSERT_TRUE(parse_split_decimal("99999999.99999999", raw));
  EXPECT_EQ(raw, 9'999'999'999'999'999);
  for (const char* declined : {"123456789.5", "1.123456789", ".5", "5.", "1.2.3", "-1.5", "12",
                               "1,5", "1.5x", "x1.5", "12345678", "1..5", "1.", "\xff.5"}) {
    EXPECT_FALSE(parse_split_decimal(declined, raw)) << declined;
  }
}

// Random texts over digits, dots, signs and a few other bytes: every path of
// parse_scaled_decimal (short, split, long) must give what the plain reference gives.
TEST(SplitDecimal, EveryPathAgreesWithAPlainReference) {
  std::mt19937_64 rng(20261121);
  const std::string alphabet = "0123456789000000000....+-x \xff";
  for (int n = 0; n < 200'000; ++n) {
    std::string text(1 + rng() % 18, '0');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    if (rng() % 4 == 0) {  // mostly well-formed venue decimals too
      text = std::to_string(rng() % 100'000'000) + "." + std::to_string(rng() % 100'000'000);
    }
    int64_t raw = -1;
    std::optional<int64_t> expected = reference_decimal(text);
    ASSERT_EQ(parse_scaled_decimal(text, raw), expected.has_value()) << text;
    if (expected) {
      EXPECT_EQ(raw, *expected) << text;
    }
    int64_t split = -1;
    if (parse_split_decimal(text, split)) {
      ASSERT_TRUE(expected.has_value()) << text;
      EXPECT_EQ(split, *expected) << text;
    }
  }
}

TEST(SwarDigits, OneToSixteenDigitsAgreeWithFromChars) {
  std::mt19937_64 rng(7);
  for (int n = 0; n < 100'000; ++n) {
    std::string text = std::to_string(rng() % 10'000'000'000'000'000ULL);
    text = text.substr(0, 1 + rng() % 16);
    if (rng() % 3 == 0) text[rng() % text.size()] = static_cast<char>("/:a .\x00\xff"[rng() % 7]);
    uint64_t fast = 0, slow = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), slow);
    bool expected = ec == std::errc() && end == text.data() + text.size();
    ASSERT_EQ(swar::digits_1_to_16(text.data(), text.size(), fast), expected) << text;
    if (expected) {
      EXPECT_EQ(fast, slow) << text;
    }
  }
}

}  // namespace
}  // namespace tw
