// pump_and_dump: a volume-backed, buy-driven price rise followed by a sell-driven give-back.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of pump_and_dump (parameters, defaults and factory).
///
/// The rule, per symbol, on bars of `bar_interval` built from trades (Event::side = aggressor):
/// - PUMP: the price rises >= min_rise from a local low to a high within <= max_pump_bars bar
///   slots, the pump's mean volume per traded bar is >= volume_ratio x the baseline, and buys
///   are >= min_buy_share of the pump's volume. The baseline is the median volume of the bars
///   that traded in the baseline_bars bar slots before the pump's first bar (causal); at least
///   min_baseline_bars such bars are required, so a quiet or fresh symbol never fires. Bars
///   without trades (gaps) are absent rather than zero: a median over empty minutes would be
///   zero for any symbol trading less than half the time and make every ratio infinite, while
///   a long gap still empties the time-bounded baseline window.
/// - GROUP: when trades carry accounts, a pump short of volume_ratio still counts when its five
///   largest buyers bought >= min_group_share of its volume and, on their own, at least the
///   baseline per bar; its dump must then also be theirs (>= min_group_share of the dump's
///   volume sold by them). Heavy-volume pumps are looked for first and take precedence.
/// - DUMP: after the peak, the price falls to a trough that gives back >= min_giveback of the
///   rise, with sells >= min_sell_share of the volume from the peak trade to the trough trade,
///   in bars starting before peak bar + dump_window.
/// - A higher high before the dump qualifies moves the peak (the same episode; the dump window
///   restarts). Once the dump qualifies, further lower troughs extend it while the dump still
///   qualifies; the alert is raised when a bar fails to extend it, the window ends, or finish().
/// - One alert per episode; a pump without a qualifying dump raises nothing. After an episode
///   the next pump must start in a later bar than the episode's trough (or expired peak) bar.
/// - Phase boundaries are exact to the trade inside bars (the low, peak and trough trades);
///   largest-trade evidence and account totals are attributed per bar.
RuleInfo pump_and_dump_rule();

}  // namespace tw
