#pragma once
// How feedback aggregates and alert states are laid out in Redis.
//
// A day's Aggregate is one hash of integer counters, so an answer is added
// with HINCRBY inside the atomic step and days are summed by reading:
//   n, nps_count, promoters, detractors, s<i>.count, s<i>.sum
// where i is the statement index (0 = the first national statement).
// A unit's CrossingState is one short text: a letter per metric, NPS first,
// then the statements by index: U unknown, A at/above, B below ("AUB").
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "feedback_stats.hpp"

namespace yhteys::feedback {

using HashFields = std::vector<std::pair<std::string, std::string>>;

// The aggregate's counters by field name, those at 0 left out. For one
// answer (AddAnswer to NewAggregate) these are the HINCRBYs that add it.
std::vector<std::pair<std::string, std::int64_t>> CounterFields(const Aggregate& aggregate);

// Rebuilds a day's counters from its hash (HGETALL). Unknown fields are
// ignored (a newer writer may add some); a statement index beyond
// `statement_count` extends the aggregate rather than losing counts. A
// counter that is not an integer is DATA_LOSS.
absl::StatusOr<Aggregate> AggregateFromFields(const HashFields& fields, int statement_count);

std::string EncodeCrossingState(const CrossingState& state);
// "" is the state of a unit never evaluated. Any other letter is DATA_LOSS.
absl::StatusOr<CrossingState> DecodeCrossingState(std::string_view text);

}  // namespace yhteys::feedback
