#include "aggregate_codec.hpp"

#include "absl/strings/numbers.h"

namespace yhteys::feedback {
namespace {

// A bound on statement indexes read back, so a corrupt field name cannot
// allocate without limit.
constexpr int kMaxStatementIndex = 255;

std::string StatementCounter(int index, const char* what) { return "s" + std::to_string(index) + "." + what; }

char Letter(MetricState state) {
  switch (state) {
    case MetricState::kAtOrAbove: return 'A';
    case MetricState::kBelow: return 'B';
    case MetricState::kUnknown: break;
  }
  return 'U';
}

}  // namespace

std::vector<std::pair<std::string, std::int64_t>> CounterFields(const Aggregate& aggregate) {
  std::vector<std::pair<std::string, std::int64_t>> fields;
  auto add = [&fields](std::string name, std::int64_t value) {
    if (value != 0) fields.emplace_back(std::move(name), value);
  };
  add("n", aggregate.n);
  for (size_t i = 0; i < aggregate.statements.size(); ++i) {
    add(StatementCounter(static_cast<int>(i), "count"), aggregate.statements[i].count);
    add(StatementCounter(static_cast<int>(i), "sum"), aggregate.statements[i].sum);
  }
  add("nps_count", aggregate.nps_count);
  add("promoters", aggregate.promoters);
  add("detractors", aggregate.detractors);
  return fields;
}

absl::StatusOr<Aggregate> AggregateFromFields(const HashFields& fields, int statement_count) {
  Aggregate aggregate = NewAggregate(statement_count);
  for (const auto& [name, text] : fields) {
    std::int64_t* counter = nullptr;
    if (name == "n") {
      counter = &aggregate.n;
    } else if (name == "nps_count") {
      counter = &aggregate.nps_count;
    } else if (name == "promoters") {
      counter = &aggregate.promoters;
    } else if (name == "detractors") {
      counter = &aggregate.detractors;
    } else if (name.size() > 1 && name[0] == 's') {
      auto dot = name.find('.');
      int index = 0;
      if (dot == std::string::npos || !absl::SimpleAtoi(name.substr(1, dot - 1), &index) || index < 0 ||
          index > kMaxStatementIndex) {
        continue;
      }
      const std::string what = name.substr(dot + 1);
      if (what != "count" && what != "sum") continue;
      if (static_cast<size_t>(index) >= aggregate.statements.size()) aggregate.statements.resize(index + 1);
      counter = what == "count" ? &aggregate.statements[index].count : &aggregate.statements[index].sum;
    }
    if (counter == nullptr) continue;
    if (!absl::SimpleAtoi(text, counter)) {
      return absl::DataLossError("feedback aggregate: counter " + name + " is corrupt");
    }
  }
  return aggregate;
}

std::string EncodeCrossingState(const CrossingState& state) {
  std::string text(1, Letter(state.nps));
  for (MetricState s : state.statement_means) text.push_back(Letter(s));
  return text;
}

absl::StatusOr<CrossingState> DecodeCrossingState(std::string_view text) {
  CrossingState state;
  for (size_t i = 0; i < text.size(); ++i) {
    MetricState s;
    switch (text[i]) {
      case 'U': s = MetricState::kUnknown; break;
      case 'A': s = MetricState::kAtOrAbove; break;
      case 'B': s = MetricState::kBelow; break;
      default: return absl::DataLossError("feedback alert state is corrupt");
    }
    if (i == 0) {
      state.nps = s;
    } else {
      state.statement_means.push_back(s);
    }
  }
  return state;
}

}  // namespace yhteys::feedback
