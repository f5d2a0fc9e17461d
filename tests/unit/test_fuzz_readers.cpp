// Drives every fuzz entry point (fuzz/harness) over its seeds and a fixed stream of mutations of
// them, so that CI checks the readers' invariants without clang or libFuzzer. A broken invariant
// aborts the test process, which fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "feed/validate.hpp"
#include "harness/check.hpp"
#include "harness/fuzz_targets.hpp"
#include "harness/seeds.hpp"
#include "model/fixed_point.hpp"
#include "model/timestamp.hpp"

namespace tw::fuzz {
namespace {

constexpr size_t kMutationsPerTarget = 2000;
constexpr size_t kMaxInputBytes = 64 * 1024;
constexpr uint64_t kMutationSeed = 20260101;

// Bytes that change how a reader splits or parses a record.
constexpr std::string_view kInteresting("0123456789,\"\n\r\0\xFF.-+ :TZe[]{}\t", 29);

// A deterministic generator (splitmix64): the same mutations on every platform and run.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform enough in [0, n); n > 0.
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  char interesting() { return kInteresting[below(kInteresting.size())]; }

 private:
  uint64_t state_;
};

// Start offsets of the lines of `text` (at least one: 0).
std::vector<size_t> line_starts(const std::string& text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  return starts;
}

void duplicate_line(std::string& text, Random& random) {
  std::vector<size_t> starts = line_starts(text);
  size_t line = random.below(starts.size());
  size_t begin = starts[line];
  size_t end = line + 1 < starts.size() ? starts[line + 1] : text.size();
  text.insert(end, text.substr(begin, end - begin));
}

// A field of hundreds to thousands of bytes: past the splitter's block and line-scan limits.
void insert_long_field(std::string& text, Random& random) {
  static constexpr size_t kLengths[] = {17, 100, 1000, 5000};
  static constexpr std::string_view kFill = "9x, \"";
  size_t at = text.empty() ? 0 : random.below(text.size() + 1);
  size_t comma = text.find(',', at);
  if (comma != std::string::npos) at = comma + 1;
  text.insert(at, kLengths[random.below(std::size(kLengths))], kFill[random.below(kFill.size())]);
}

void mix_crlf(std::string& text, Random& random) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    if (c == '\n' && random.below(2) == 0) out.push_back('\r');
    out.push_back(c);
  }
  text = std::move(out);
}

void mutate_once(std::string& text, const std::vector<std::string>& seeds, Random& random) {
  size_t at = text.empty() ? 0 : random.below(text.size());
  switch (random.below(9)) {
    case 0:
      if (!text.empty()) text[at] = static_cast<char>(text[at] ^ (1 << random.below(8)));
      break;
    case 1:
      text.insert(text.begin() + static_cast<ptrdiff_t>(std::min(at, text.size())),
                  random.interesting());
      break;
    case 2:
      if (!text.empty()) text[at] = random.interesting();
      break;
    case 3:
      if (!text.empty()) text.erase(at, 1 + random.below(16));
      break;
    case 4:
      text.resize(at);
      break;
    case 5:
      duplicate_line(text, random);
      break;
    case 6:
      insert_long_field(text, random);
      break;
    case 7:
      mix_crlf(text, random);
      break;
    default: {
      const std::string& other = seeds[random.below(seeds.size())];
      size_t from = other.empty() ? 0 : random.below(other.size());
      text.insert(std::min(at, text.size()), other.substr(from, 1 + random.below(64)));
    }
  }
}

std::string mutated(const std::vector<std::string>& seeds, Random& random) {
  std::string text = seeds[random.below(seeds.size())];
  for (size_t n = 1 + random.below(4); n > 0; --n) mutate_once(text, seeds, random);
  if (text.size() > kMaxInputBytes) text.resize(kMaxInputBytes);
  return text;
}

std::vector<std::string> real_seeds_of(std::string_view target) {
  return real_seeds(target, TAPEWATCH_SHARED_DATA);
}

std::vector<std::string> all_seeds(std::string_view target) {
  std::vector<std::string> seeds = hand_seeds(target);
  for (std::string& seed : real_seeds_of(target)) seeds.push_back(std::move(seed));
  return seeds;
}

void run(const FuzzTarget& target, const std::string& input) {
  target.run(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

class FuzzReaders : public ::testing::TestWithParam<FuzzTarget> {};

TEST_P(FuzzReaders, HandWrittenSeedsKeepEveryInvariant) {
  std::vector<std::string> seeds = hand_seeds(GetParam().name);
  ASSERT_FALSE(seeds.empty()) << "no seeds for " << GetParam().name;
  for (const std::string& seed : seeds) run(GetParam(), seed);
}

TEST_P(FuzzReaders, RealDataSeedsKeepEveryInvariant) {
  if (!std::filesystem::is_directory(TAPEWATCH_SHARED_DATA)) {
    GTEST_SKIP() << "real data folder " << TAPEWATCH_SHARED_DATA << " is absent";
  }
  std::vector<std::string> seeds = real_seeds_of(GetParam().name);
  if (seeds.empty()) GTEST_SKIP() << "no real file suits " << GetParam().name;
  for (const std::string& seed : seeds) run(GetParam(), seed);
}

TEST_P(FuzzReaders, SeededMutationsKeepEveryInvariant) {
  std::vector<std::string> seeds = all_seeds(GetParam().name);
  ASSERT_FALSE(seeds.empty());
  Random random(kMutationSeed);
  for (size_t i = 0; i < kMutationsPerTarget; ++i) run(GetParam(), mutated(seeds, random));
}

INSTANTIATE_TEST_SUITE_P(EveryEntryPoint, FuzzReaders, ::testing::ValuesIn(fuzz_targets()),
                         [](const ::testing::TestParamInfo<FuzzTarget>& param) {
                           return std::string(param.param.name);
                         });

TEST(FuzzReadersDeathTest, BrokenInvariantAbortsWithItsMessage) {
  EXPECT_DEATH(check(false, "price {} <= 0", -3), "invariant broken: price -3 <= 0");
}

TEST(FuzzReaders, EveryEntryPointHasHandWrittenSeeds) {
  ASSERT_EQ(fuzz_targets().size(), 10u);
  for (const FuzzTarget& target : fuzz_targets()) {
    EXPECT_FALSE(hand_seeds(target.name).empty()) << target.name;
  }
}

// Found by fuzz_decimal: the largest units with a fraction past INT64_MAX wrapped to a negative
// value (signed overflow) instead of being refused.
TEST(FuzzFoundBugs, DecimalJustPastInt64IsRefusedNotWrapped) {
  int64_t raw = 0;
  DecimalError error = DecimalError::kEmpty;
  EXPECT_FALSE(parse_scaled_decimal("92233720368.54775808", raw, &error));
  EXPECT_EQ(error, DecimalError::kOverflow);
  EXPECT_FALSE(parse_scaled_decimal("92233720368.99999999", raw, &error));
  EXPECT_FALSE(parse_scaled_decimal("-92233720368.54775808", raw, &error));
  ASSERT_TRUE(parse_scaled_decimal("92233720368.54775807", raw));
  EXPECT_EQ(raw, INT64_MAX);
  ASSERT_TRUE(parse_scaled_decimal("-92233720368.54775807", raw));
  EXPECT_EQ(raw, -INT64_MAX);
}

// Found by the seeded mutations of csv_header (UBSan): a year past 2262 overflowed the
// nanosecond count, and 2574-07-22 wrapped around to a time on 1990-01-01 that was accepted.
TEST(FuzzFoundBugs, IsoYearPastInt64NanosIsRefusedNotWrapped) {
  EXPECT_FALSE(Timestamp::parse_iso8601("2574-07-22T00:00:00"));
  EXPECT_FALSE(Timestamp::parse_iso8601("9999-12-31T23:59:59.999999999Z"));
  EXPECT_FALSE(Timestamp::parse_iso8601("0000-01-01T00:00:00"));
  ASSERT_TRUE(Timestamp::parse_iso8601("2262-04-11T23:47:15Z"));
  Timestamp t;
  RowError error;
  EXPECT_FALSE(parse_time("2574-07-22T00:00:00", t, error));
  EXPECT_EQ(error.reason, RejectReason::kBadTimestamp);
}

}  // namespace
}  // namespace tw::fuzz
