// The parsers' fast paths (cached ISO minutes, word-at-a-time UUIDs, packed name cache, side by
// length, word-at-a-time short decimals, block-at-a-time comma scan) give exactly what the plain
// paths give, on the inputs where they take a shortcut and on those where they must not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "feed/csv_split.hpp"
#include "feed/name_cache.hpp"
#include "feed/validate.hpp"
#include "model/external_id.hpp"
#include "model/fixed_point.hpp"

using namespace tw;

namespace {

struct TimeResult {
  bool ok;
  int64_t nanos;
  RejectReason reason;
  std::string detail;
};

TimeResult plain_time(std::string_view text) {
  RowError error;
  Timestamp t = Timestamp::from_nanos(-7);
  bool ok = parse_time(text, t, error);
  return {ok, ok ? t.nanos() : 0, ok ? RejectReason::kMalformedRow : error.reason,
          ok ? "" : error.detail};
}

TimeResult cached_time(TimeParser& parser, std::string_view text) {
  RowError error;
  Timestamp t = Timestamp::from_nanos(-7);
  bool ok = parser.parse(text, t, error);
  return {ok, ok ? t.nanos() : 0, ok ? RejectReason::kMalformedRow : error.reason,
          ok ? "" : error.detail};
}

void expect_same_times(const std::vector<std::string>& texts) {
  TimeParser parser;
  for (const std::string& text : texts) {
    TimeResult want = plain_time(text);
    TimeResult got = cached_time(parser, text);
    EXPECT_EQ(got.ok, want.ok) << text;
    EXPECT_EQ(got.nanos, want.nanos) << text;
    EXPECT_EQ(got.reason, want.reason) << text;
    EXPECT_EQ(got.detail, want.detail) << text;
  }
}

}  // namespace

TEST(FeedTimeParser, CachedMinuteGivesTheSameTimesAsTheFullParse) {
  expect_same_times({
      "2025-01-06T12:00:00.000293Z",
      "2025-01-06T12:00:59.999999Z",  // same minute: the cached path
      "2025-01-06T12:00:60.500000Z",  // a leap second is accepted by both
      "2025-01-06T12:00:61.000000Z",  // but not 61, even with the minute cached
      "2025-01-06T12:01:00.000000Z",  // the next minute replaces the cache
      "2025-01-06T12:00:30.000000Z",  // and going back parses again
      "2025-01-06T12:00:3a.000000Z",
      "2025-01-06T12:00:30.00000aZ",
      "2025-01-06T12:00:30:000000Z",
      "2025-01-06T12:00:30.000000z",  // lower-case zone: the plain path
      "2025-01-06T12:00:30.000001",   // no zone (UTC) shares the cached minute with 'Z'
      "2025-01-06T12:00:30.00000a",
      "2025-01-06T12:00:3a.000001",
      "2025-01-06T12:00:30,000001",
      "2025-01-06T12:00:61.000001",
      "2025-01-06T12:00:30.000001X",
      "2025-01-06T12:00:30.000000+",
      "2025-01-06 12:00:30.000000Z",  // other separators cache under their own text
      "2025-01-06 12:00:31.000000Z",
      "2025-01-06t12:00:31.000000Z",
      "2025-01-06T12:00:30.0000001Z",  // longer fractions and zones take the plain path
      "2025-01-06T12:00:30.000000+01:00",
      "2025-02-29T00:00:00.000000Z",  // invalid date, valid tail: rejected, never cached
      "2025-02-29T00:00:01.000000Z",
      "2024-02-29T23:59:59.999999Z",
      "2099-12-31T23:59:59.000000Z",  // a cached minute at the end of the sane range...
      "2099-12-31T23:59:60.000000Z",  // ... still checks each time against the range
      "1989-12-31T23:59:59.000000Z",
      "1736164800",
      "",
      std::string("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0:00.000000Z", 27),
      "2025-01-07T00:00:00.000001",
      "2025-01-07T00:00:00.000002Z",
  });
}

TEST(FeedTimeParser, EverySecondAndEveryBadByteOfTheTailWithTheMinuteCached) {
  // The seconds and microseconds are read as one eight-digit number: each seconds value from
  // 00 to 99 (60 is a leap second, 61 and up are refused) and each byte of the tail made bad, with
  // the minute cached by the valid text before it.
  const std::string minute = "2025-01-06T12:00";
  std::vector<std::string> texts;
  for (int second = 0; second < 100; ++second) {
    std::string ss = {static_cast<char>('0' + second / 10), static_cast<char>('0' + second % 10)};
    for (const char* fraction : {"000000", "999999", "123456", "000001"}) {
      texts.push_back(minute + ":00.000000Z");
      texts.push_back(minute + ":" + ss + "." + fraction + "Z");
      texts.push_back(minute + ":" + ss + "." + fraction);
    }
  }
  const std::string good = minute + ":59.123456Z";
  for (size_t at = minute.size(); at < good.size(); ++at) {
    for (char bad : {'/', ':', '.', 'a', ' ', '0', '9', '\x7f', '\xb9', '\0'}) {
      std::string text = good;
      text[at] = bad;
      texts.push_back(good);
      texts.push_back(text);
    }
  }
  expect_same_times(texts);
}

TEST(FeedTimeParser, ARunOfRowsAcrossMinutesHoursAndDays) {
  std::vector<std::string> texts;
  for (int i = 0; i < 4000; ++i) {
    int64_t seconds = 1735689540 + i * 37;  // from 2024-12-31T23:59:00Z over two days
    Timestamp t = Timestamp::from_nanos(seconds * 1'000'000'000 + (i * 7919 % 1'000'000) * 1000);
    std::string text = t.to_iso8601();  // trims trailing zeros: re-pad to 6 decimals
    size_t dot = text.find('.');
    std::string fraction =
        dot == std::string::npos ? "" : text.substr(dot + 1, text.size() - dot - 2);
    fraction.resize(6, '0');
    texts.push_back(text.substr(0, 19) + "." + fraction + (i % 3 == 0 ? "" : "Z"));
  }
  expect_same_times(texts);
  TimeParser parser;
  Timestamp t;
  RowError error;
  ASSERT_TRUE(parser.parse(texts[5], t, error));
  EXPECT_EQ(t.to_iso8601().substr(0, 19), texts[5].substr(0, 19));
}

TEST(FeedExternalId, UuidWithAnyOneByteChangedIsKeptOnlyWhenStillAUuid) {
  const std::string uuid = "948c9535-a6bf-4e8a-8ab1-17ffd13df7da";
  for (size_t i = 0; i < uuid.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    for (int c = 0; c < 256; ++c) {
      std::string text = uuid;
      text[i] = static_cast<char>(c);
      bool still_uuid = dash ? c == '-' : std::isxdigit(c) != 0;
      ExternalId id = ExternalId::from_text(text);
      ASSERT_EQ(id.kind() == ExternalId::Kind::kUuid, still_uuid) << i << " " << c;
      if (still_uuid) {
        std::string lower = text;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        ASSERT_EQ(id.to_string(), lower);
      }
    }
  }
  EXPECT_EQ(ExternalId::from_text("ABCDEF01-2345-6789-ABCD-EF0123456789").to_string(),
            "abcdef01-2345-6789-abcd-ef0123456789");
}

TEST(FeedExternalId, AssignTextReplacesWhateverWasThere) {
  const char* texts[] = {"948c9535-a6bf-4e8a-8ab1-17ffd13df7da",
                         "3800397495",
                         "007",
                         "",
                         "a-very-long-identifier-from-some-venue",
                         "948c9535-a6bf-4e8a-8ab1-17ffd13df7dg"};
  for (const char* before : texts) {
    for (const char* after : texts) {
      ExternalId id = ExternalId::from_text(before);
      id.assign_text(after);
      EXPECT_EQ(id, ExternalId::from_text(after)) << before << " -> " << after;
      EXPECT_EQ(id.hash(), ExternalId::from_text(after).hash());
    }
  }
}

TEST(FeedNameCache, EveryNameKeepsItsOwnIdThroughCollisionsAndEvictions) {
  // Names that differ only in length, in one byte, or beyond the packed 8 bytes.
  std::vector<std::string> names = {"",
                                    "A",
                                    "AA",
                                    "AAA",
                                    "AAAA",
                                    "AB",
                                    "BA",
                                    "T0250",
                                    "T0251",
                                    "T025",
                                    "BTCUSDT",
                                    "BTCUSDT0",
                                    "BTCUSDT01",
                                    "BTCUSDT02",
                                    "a-long-account-name-1",
                                    "a-long-account-name-2"};
  names.push_back(std::string("A\0", 2));
  for (int i = 0; i < 300; ++i) {
    std::string name = "X";
    name += std::to_string(i * 7919);
    names.push_back(name);
  }
  std::vector<std::string> interned;
  auto intern = [&](std::string_view name) {
    interned.emplace_back(name);
    return AccountId{static_cast<uint32_t>(interned.size())};
  };
  NameCache<AccountId, 64> cache;  // far fewer slots than names: evictions happen
  std::vector<AccountId> first(names.size());
  for (size_t i = 0; i < names.size(); ++i) first[i] = cache.get(names[i], intern);
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < names.size(); ++i) {
      AccountId id = cache.get(names[i], intern);
      ASSERT_EQ(interned[id.value - 1], names[i]) << i;
    }
  }
  size_t calls = interned.size();
  EXPECT_EQ(cache.get("T0250", intern), cache.get("T0250", intern));
  EXPECT_LE(interned.size(), calls + 1);  // a repeated name is served from the cache
}

TEST(FeedNameCache, ShortNamesDifferingOnlyInLaterBytesOrLengthAndLongNames) {
  // "ABCD" and "ABCDABCD" have the same first and last four bytes, so the same packed key, as
  // have "AAAA" to "AAAAAAAA": only their sizes tell them apart. Two slots make names collide all
  // the time (at least two of the five "A..." names share a slot, one right after the other).
  std::vector<std::string> names = {"AAAA",
                                    "AAAAA",
                                    "AAAAAA",
                                    "AAAAAAA",
                                    "AAAAAAAA",
                                    "ABCD",
                                    "ABCDABCD",
                                    "ABCDBCD",
                                    "ABCDE",
                                    "ABCDD",
                                    "ABC",
                                    "AXC",
                                    "ABB",
                                    "T0250001",
                                    "T0250002",
                                    "T025000",
                                    "X0250001",
                                    "\xff\xff\xff\xff",
                                    "a",
                                    "a-long-account-name-1",
                                    "a-long-account-name-12",
                                    "a-long-account-name-2",
                                    "b-long-account-name-1",
                                    std::string(300, 'n'),
                                    std::string(301, 'n')};
  std::vector<std::string> interned;
  auto intern = [&](std::string_view name) {
    interned.emplace_back(name);
    return AccountId{static_cast<uint32_t>(interned.size())};
  };
  NameCache<AccountId, 2> cache;
  for (int round = 0; round < 4; ++round) {
    for (size_t i = 0; i < names.size(); ++i) {
      // Forwards, then backwards: each name meets a different neighbour in its slot.
      const std::string& name = round % 2 == 0 ? names[i] : names[names.size() - 1 - i];
      AccountId id = cache.get(name, intern);
      ASSERT_TRUE(id) << name;
      ASSERT_EQ(interned[id.value - 1], name);
    }
  }
  // A name served from its slot is not interned again.
  size_t calls = interned.size();
  AccountId first = cache.get("a-long-account-name-1", intern);
  EXPECT_EQ(cache.get("a-long-account-name-1", intern), first);
  AccountId packed = cache.get("T0250001", intern);
  EXPECT_EQ(cache.get("T0250001", intern), packed);
  EXPECT_LE(interned.size(), calls + 2);
}

TEST(FeedNameCache, AnEmptyNameIsNotTakenForAnEmptySlot) {
  // Empty slots hold key 0, which is also the packed key of "": the slot's size tells them apart.
  int calls = 0;
  auto intern = [&](std::string_view) { return SymbolId{static_cast<uint32_t>(++calls + 40)}; };
  NameCache<SymbolId, 64> cache;
  EXPECT_EQ(cache.get("", intern), SymbolId{41});
  EXPECT_EQ(cache.get("", intern), SymbolId{41});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(cache.get(std::string_view("\0", 1), intern), SymbolId{42});
  EXPECT_EQ(cache.get(std::string_view("\0\0\0\0", 4), intern), SymbolId{43});
  EXPECT_EQ(cache.get("", intern), SymbolId{41});
}

TEST(FeedParseSide, EverySpellingAndNothingElse) {
  struct Case {
    const char* text;
    bool ok;
    Side side;
  };
  const Case cases[] = {{"BUY", true, Side::kBuy},        {"buy", true, Side::kBuy},
                        {"bUy", true, Side::kBuy},        {"B", true, Side::kBuy},
                        {"b", true, Side::kBuy},          {"SELL", true, Side::kSell},
                        {"sell", true, Side::kSell},      {"S", true, Side::kSell},
                        {"s", true, Side::kSell},         {"", true, Side::kUnknown},
                        {"X", false, Side::kUnknown},     {"BUYS", false, Side::kUnknown},
                        {"SEL", false, Side::kUnknown},   {"BU", false, Side::kUnknown},
                        {"SELLS", false, Side::kUnknown}, {"\x02", false, Side::kUnknown}};
  for (const Case& c : cases) {
    Side side = Side::kSell;
    RowError error;
    ASSERT_EQ(parse_side(c.text, side, error), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(side, c.side) << c.text;
    } else {
      EXPECT_EQ(side, Side::kSell) << "a refused side leaves the output alone";
      EXPECT_EQ(error.reason, RejectReason::kUnknownSide);
    }
  }
}

TEST(FeedCsvSplitter, ManyFieldsAndBlankTrimming) {
  CsvSplitter splitter;
  std::string line;
  for (int i = 0; i < 100; ++i) {
    if (i > 0) line += ',';
    line += std::to_string(i);
  }
  ASSERT_TRUE(splitter.split(line));
  ASSERT_EQ(splitter.size(), 100u);
  EXPECT_EQ(splitter[99], "99");
  std::string quoted = "\"";
  quoted += line;
  quoted += "\",";
  quoted += line;
  ASSERT_TRUE(splitter.split(quoted));
  ASSERT_EQ(splitter.size(), 101u);
  EXPECT_EQ(splitter[0], line);
  EXPECT_EQ(trim_blanks(" \tx y\t "), "x y");
  EXPECT_EQ(trim_blanks("x "), "x");
  EXPECT_EQ(trim_blanks("\tx"), "x");
  EXPECT_EQ(trim_blanks(" \t "), "");
  EXPECT_EQ(trim_blanks("\x01x\x01"), "\x01x\x01");  // only spaces and tabs are blanks
}

// What parse_side must accept, spelled out without any word tricks.
bool reference_side(std::string_view text, Side& side) {
  for (auto [spelling, meaning] : {std::pair{"buy", Side::kBuy}, std::pair{"b", Side::kBuy},
                                   std::pair{"sell", Side::kSell}, std::pair{"s", Side::kSell}}) {
    if (iequals(text, spelling)) {
      side = meaning;
      return true;
    }
  }
  side = Side::kUnknown;
  return text.empty();
}

TEST(FeedParseSide, EveryByteAndEveryNearMissAgreeWithTheSpelledOutRule) {
  std::vector<std::string> texts;
  for (int byte = 0; byte < 256; ++byte) texts.push_back(std::string(1, static_cast<char>(byte)));
  // Each letter, its other case, and the bytes one bit away (0x20 and 0x80 among them).
  const std::string near = "bBuUyYsSeElL\x42\xe2\x02\"@`";
  for (char a : near) {
    for (char b : near) {
      for (char c : near) {
        texts.push_back(std::string{a, b, c});
        for (char d : std::string("lL\x0c\xccL")) texts.push_back(std::string{a, b, c, d});
      }
    }
  }
  for (const std::string& text : texts) {
    Side expected = Side::kUnknown;
    bool ok = reference_side(text, expected);
    Side side = Side::kUnknown;
    RowError error;
    ASSERT_EQ(parse_side(text, side, error), ok) << text;
    if (ok) {
      EXPECT_EQ(side, expected) << text;
    }
  }
}

// What parse_scaled_decimal must give, spelled out digit by digit for short texts (no overflow
// is possible under 11 digits).
bool reference_decimal(std::string_view text, int64_t& out) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  int64_t units = 0;
  int64_t fraction = 0;
  int int_digits = 0;
  int frac_digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++int_digits) {
    units = units * 10 + (text[i] - '0');
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (++frac_digits > 8 && text[i] != '0') return false;
      if (frac_digits <= 8) fraction = fraction * 10 + (text[i] - '0');
    }
  }
  if (i != text.size() || int_digits + frac_digits == 0) return false;
  for (int d = std::min(frac_digits, 8); d < 8; ++d) fraction *= 10;
  out = (negative ? -1 : 1) * (units * 100'000'000 + fraction);
  return true;
}

TEST(FixedPointParse, EveryShortTextOfDigitsDotsAndOtherBytesAgreesWithTheDigitLoop) {
  const std::string alphabet = "0179.-+x/:";
  std::vector<std::string> texts{""};
  for (size_t begin = 0, length = 1; length <= 6; ++length) {
    size_t end = texts.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) texts.push_back(texts[i] + c);
    }
    begin = end;
  }
  for (const char* longer : {"12345678", "1234.567", "0.0000001", "99999999", ".1234567",
                             "1234567.", "123456789", "0.000000010", "0.000000011", "00000000",
                             "4.2.", "41999.99", "0.0627", "1.2345678", "12.34567890"}) {
    texts.push_back(longer);
  }
  for (const std::string& text : texts) {
    int64_t expected = -7;
    bool ok = reference_decimal(text, expected);
    int64_t raw = -7;
    ASSERT_EQ(parse_scaled_decimal(text, raw), ok) << text;
    if (ok) {
      EXPECT_EQ(raw, expected) << text;
    }
  }
}

TEST(FeedCsvSplitter, EveryLengthAndCommaPositionAgreesWithAPlainSplit) {
  CsvSplitter splitter;
  for (size_t length = 0; length <= 40; ++length) {
    for (size_t seed = 0; seed < 64; ++seed) {
      std::string line;
      for (size_t i = 0; i < length; ++i) {
        bool comma = (i * 7 + seed * 13) % 5 == 0 || (seed & (1u << (i % 6))) != 0;
        line += comma ? ',' : static_cast<char>('a' + i % 26);
      }
      std::vector<std::string_view> plain;
      size_t start = 0;
      for (size_t i = 0; i <= line.size(); ++i) {
        if (i == line.size() || line[i] == ',') {
          plain.push_back(std::string_view(line).substr(start, i - start));
          start = i + 1;
        }
      }
      ASSERT_TRUE(splitter.split(line)) << line;
      ASSERT_EQ(splitter.size(), plain.size()) << line;
      for (size_t f = 0; f < plain.size(); ++f) EXPECT_EQ(splitter[f], plain[f]) << line;
      // A quote inside a field (not opening it) sends the line to the quoted path, which keeps
      // it as a plain byte: the fields must come out the same.
      size_t middle = length / 2;
      if (length > 0 && line[middle] != ',' && middle > 0 && line[middle - 1] != ',') {
        std::string with_quote = line;
        with_quote[middle] = '"';
        ASSERT_TRUE(splitter.split(with_quote)) << with_quote;
        ASSERT_EQ(splitter.size(), plain.size()) << with_quote;
        for (size_t f = 0; f < plain.size(); ++f) {
          EXPECT_EQ(splitter[f].size(), plain[f].size()) << with_quote;
        }
      }
    }
  }
}
