#pragma once
// Cross-sector rules are data: a YAML file maps a trigger event and
// conditions on its fields to a need, the service type that meets it
// (service_types.hpp; the service directory says which units give it),
// urgency, legal basis and deadline clocks. Loaded once at start-up; a rules file with an unknown
// event type, field, operator, service type or deadline rule fails start-up with
// the rule id and key named. Rules are immutable after loading.
//
//   rules:
//     - id: homecare-drs-depression
//       description: RAI-HC Depression Rating Scale 3 or more
//       when:
//         event: yhteys.homecare.v1.AssessmentRecorded
//         clock_start: assessed_on      # the event's own date (YYYY-MM-DD) the clocks start from
//         all:                          # every condition holds
//           - {field: scales.drs, op: ">=", value: 3}
//         any:                          # optional: at least one holds
//           - {field: risky_use, op: "==", value: true}
//       then:
//         service_type: mental-health-assessment  # from service_types.hpp: which kind of unit helps
//         need: possible-depression               # why
//         urgency: non_urgent          # or urgent
//         consent_basis: "..."
//         under_denial: withhold       # or need_only, or share (see UnderDenial)
//         statutory_deadline: {rule: "months:3", basis: "..."}             # start clock, when the law sets one
//         statutory_completion_deadline: {rule: "months:3", basis: "..."}  # optional
//         target_deadline: {rule: "days:7", basis: "..."}                  # optional
//       (at least one clock: where the law sets no day count, a target clock alone)

#include <google/protobuf/message.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/calendar/deadline.hpp"
#include "yhteys/common/v1/common.pb.h"
#include "yhteys/server/service_names.hpp"

namespace yhteys::router {

struct Condition {
  enum class Op { kGe, kGt, kLe, kLt, kEq, kNe };
  std::string field;  // dotted path into the event message
  Op op = Op::kEq;
  bool numeric = true;
  double number = 0;
  std::string text;
};

struct Clock {
  calendar::DeadlineRule rule;
  std::string rule_text;
  std::string basis;
};

// What a rule's referral does while the client has withdrawn consent or
// denied sharing (kielto), as recorded with the router.
enum class UnderDenial {
  kWithhold,  // the rule shares on consent: nothing is offered (WITHHELD)
  kNeedOnly,  // a basis that does not depend on consent: the target learns the need only
  kShare,     // sharing inside one register, which a denial between registers does not reach
};

struct Rule {
  std::string id;
  std::string description;
  std::string event_type;         // full protobuf message name (= ce_type)
  std::string clock_start_field;  // a top-level YYYY-MM-DD string field of the event
  std::vector<Condition> all;     // every one holds
  std::vector<Condition> any;     // at least one holds (when given)
  std::string service_type;       // a service type of service_types.hpp
  std::string need;
  common::v1::Urgency urgency = common::v1::URGENCY_NON_URGENT;
  std::string consent_basis;
  UnderDenial under_denial = UnderDenial::kWithhold;
  std::optional<Clock> statutory;             // start clock
  std::optional<Clock> statutory_completion;  // completion clock
  std::optional<Clock> target_clock;          // a region's target
};

absl::StatusOr<std::vector<Rule>> ParseRules(const std::string& yaml_text);
absl::StatusOr<std::vector<Rule>> LoadRulesFile(const std::string& path);

// True when `event` is of the rule's type, every `all` condition holds and,
// if there are `any` conditions, at least one of them does.
bool Matches(const Rule& rule, const google::protobuf::Message& event);

using server::ServiceFromName;
using server::ServiceFromSource;
using server::ServiceToName;

// Reads a scalar field by dotted path; nullopt when absent or not scalar.
std::optional<double> NumericField(const google::protobuf::Message& message, const std::string& path);
std::optional<std::string> StringField(const google::protobuf::Message& message, const std::string& path);

}  // namespace yhteys::router
