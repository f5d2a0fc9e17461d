#include "sim/order_itch_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace tw::sim {
namespace {

constexpr size_t kSymbolWidth = 8;
constexpr uint32_t kMaxLocates = 65'535;
constexpr uint32_t kCodesPerLead = 36 * 36 * 36;  // three base-36 digits after the lead

char itch_side(Side side) {
  return side == Side::kBuy ? 'B' : 'S';
}

// A code's first character: the account name's, upper case, or 'Z' when it is no letter or
// digit (a blank would be trimmed away by readers).
char mpid_lead(std::string_view account) {
  const auto c = static_cast<unsigned char>(account.empty() ? 'Z' : account.front());
  return std::isalnum(c) ? static_cast<char>(std::toupper(c)) : 'Z';
}

std::string mpid_code(char lead, uint32_t number) {
  constexpr const char* kDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string code(4, lead);
  for (size_t i = 4; i-- > 1; number /= 36) code[i] = kDigits[number % 36];
  return code;
}

}  // namespace

std::string OrderItchWriter::file_name(const MarketDay& day) {
  return fmt::format("orders_{:02}{:02}{:04}.itch", day.month, day.day, day.year);
}

OrderItchWriter::OrderItchWriter(const std::string& dir, const Universe& universe,
                                 const MarketDay& day)
    : path_((std::filesystem::path(dir) / file_name(day)).string()),
      mpids_path_((std::filesystem::path(dir) / "mpids.csv").string()),
      file_(path_, "ITCH"),
      itch_(file_.buffer()),
      universe_(universe),
      day_(day),
      books_(universe.symbol_count()) {
  if (universe.symbol_count() - 1 > kMaxLocates) {
    throw std::invalid_argument(
        fmt::format("ITCH numbers at most {} symbols by stock locate", kMaxLocates));
  }
  for (uint32_t id = 1; id < universe.symbol_count(); ++id) {
    if (universe.symbol_name(SymbolId{id}).size() > kSymbolWidth) {
      throw std::invalid_argument(fmt::format("the symbol '{}' is longer than ITCH's 8 characters",
                                              universe.symbol_name(SymbolId{id})));
    }
  }
  write_opening();
}

void OrderItchWriter::write_opening() {
  const uint64_t at = nanos_of(day_.start);
  write_system_event(itch_, at, 'O');
  const uint32_t ids_end = universe_.symbol_count();  // ids are 1.. below it
  for (uint32_t id = 1; id < ids_end; ++id) {
    write_stock_directory(itch_, static_cast<uint16_t>(id), at, universe_.symbol_name({id}));
  }
  for (uint32_t id = 1; id < ids_end; ++id) {
    write_trading_status(itch_, static_cast<uint16_t>(id), at, universe_.symbol_name({id}));
  }
  write_system_event(itch_, at, 'Q');
}

// Times never go back: the opening is stamped at the start, the closing at the later of the
// end and the last event.
uint64_t OrderItchWriter::nanos_of(Timestamp ts) {
  last_nanos_ = std::max(last_nanos_, static_cast<uint64_t>(day_.nanos_after_midnight(ts)));
  return last_nanos_;
}

void OrderItchWriter::write(const Event& e) {
  const auto locate = static_cast<uint16_t>(e.symbol.value);
  const uint64_t nanos = nanos_of(e.ts);
  const uint64_t ref = e.id.as_number();
  switch (e.kind) {
    case EventKind::kOrderAdd:
      write_add(e, locate, nanos);
      break;
    case EventKind::kOrderCancel:
      itch_.begin('X', locate, nanos).number(ref, 8).number(whole_shares(e.qty), 4).end();
      break;
    case EventKind::kOrderDelete:
      itch_.begin('D', locate, nanos).number(ref, 8).end();
      break;
    case EventKind::kOrderExecute:
      write_execution(e, locate, nanos);
      break;
    default:
      throw std::invalid_argument(
          fmt::format("the ITCH writer takes order adds, cancels, deletes and executions, not {}",
                      to_string(e.kind)));
  }
  books_[e.symbol.value].apply(e);
  file_.maybe_flush();
}

void OrderItchWriter::write_add(const Event& e, uint16_t locate, uint64_t nanos) {
  const bool attributed = static_cast<bool>(e.account);
  itch_.begin(attributed ? 'F' : 'A', locate, nanos).number(e.id.as_number(), 8);
  itch_.letter(itch_side(e.side)).number(static_cast<uint64_t>(whole_shares(e.qty)), 4);
  itch_.alpha(universe_.symbol_name(e.symbol), kSymbolWidth);
  itch_.number(static_cast<uint64_t>(ten_thousandths(e.price)), 4);
  if (attributed) itch_.alpha(mpid_of(e.account), 4);
  itch_.end();
}

// E leaves the price to the book; a fill at another price than the order's needs C.
void OrderItchWriter::write_execution(const Event& e, uint16_t locate, uint64_t nanos) {
  RestingOrder resting;
  const bool at_order_price =
      books_[e.symbol.value].find(e.id, resting) && resting.price == e.price;
  itch_.begin(at_order_price ? 'E' : 'C', locate, nanos).number(e.id.as_number(), 8);
  itch_.number(static_cast<uint64_t>(whole_shares(e.qty)), 4).number(e.ref.as_number(), 8);
  if (!at_order_price) itch_.letter('Y').number(static_cast<uint64_t>(ten_thousandths(e.price)), 4);
  itch_.end();
}

const std::string& OrderItchWriter::mpid_of(AccountId account) {
  if (account.value >= mpids_.size()) mpids_.resize(account.value + 1);
  std::string& mpid = mpids_[account.value];
  if (!mpid.empty()) return mpid;
  const char lead = mpid_lead(universe_.account_name(account));
  uint32_t& given = given_by_lead_[static_cast<unsigned char>(lead)];
  if (given + 1 >= kCodesPerLead) {
    throw std::length_error(
        fmt::format("ITCH's 4-character MPIDs run out: more than {} accounts start with '{}'",
                    kCodesPerLead - 1, lead));
  }
  mpid = mpid_code(lead, ++given);
  mpid_order_.push_back(account);
  return mpid;
}

std::vector<std::pair<std::string, std::string>> OrderItchWriter::account_aliases() const {
  std::vector<std::pair<std::string, std::string>> aliases;
  aliases.reserve(mpid_order_.size());
  for (AccountId account : mpid_order_) {
    aliases.emplace_back(mpids_[account.value], std::string(universe_.account_name(account)));
  }
  return aliases;
}

std::vector<std::string> OrderItchWriter::close() {
  const uint64_t end = nanos_of(day_.end);
  write_system_event(itch_, end, 'M');
  write_system_event(itch_, end, 'C');
  file_.close();
  OutputFile mpids(mpids_path_, "MPIDs");
  mpids.buffer() += "mpid,account\n";
  for (const auto& [mpid, account] : account_aliases()) {
    mpids.buffer() += fmt::format("{},{}\n", mpid, account);
  }
  mpids.close();
  return {path_};
}

}  // namespace tw::sim
