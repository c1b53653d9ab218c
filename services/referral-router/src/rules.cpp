#include "rules.hpp"

#include "all_contracts.hpp"
#include "service_types.hpp"
#include "yhteys/inbox/inbox_store.hpp"

#include <google/protobuf/descriptor.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace yhteys::router {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  return parts;
}

// Resolves a path to its final field descriptor on a message type.
const FieldDescriptor* ResolveField(const google::protobuf::Descriptor* type, const std::string& path) {
  const FieldDescriptor* field = nullptr;
  for (const std::string& part : SplitPath(path)) {
    if (type == nullptr) return nullptr;
    field = type->FindFieldByName(part);
    if (field == nullptr || field->is_repeated()) return nullptr;
    type = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
  }
  return field;
}

// Walks to the message holding the final field; nullptr if a parent is unset.
const Message* Parent(const Message& message, const std::string& path, const FieldDescriptor** leaf) {
  const Message* current = &message;
  auto parts = SplitPath(path);
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (f == nullptr || f->is_repeated()) return nullptr;
    if (i + 1 == parts.size()) {
      *leaf = f;
      return current;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return nullptr;
    if (!current->GetReflection()->HasField(*current, f)) return nullptr;
    current = &current->GetReflection()->GetMessage(*current, f);
  }
  return nullptr;
}

absl::Status RuleError(const std::string& id, const std::string& key, const std::string& what) {
  return absl::InvalidArgumentError("rules: rule " + (id.empty() ? std::string("<no id>") : id) + ": " + key + ": " +
                                    what);
}

// What a ReferralInbox takes of a legal or consent basis (inbox::ValidateOffer).
using inbox::kMaxBasisBytes;

absl::StatusOr<Clock> ParseClock(const std::string& id, const std::string& key, const YAML::Node& node) {
  if (!node || !node.IsMap()) return RuleError(id, key, "required, a map with rule and basis");
  Clock clock;
  if (!node["rule"]) return RuleError(id, key + ".rule", "required");
  clock.rule_text = node["rule"].as<std::string>();
  auto rule = calendar::ParseDeadlineRule(clock.rule_text);
  if (!rule.ok()) return RuleError(id, key + ".rule", std::string(rule.status().message()));
  clock.rule = *rule;
  if (!node["basis"] || node["basis"].as<std::string>().empty())
    return RuleError(id, key + ".basis", "required (the legal basis)");
  clock.basis = node["basis"].as<std::string>();
  if (clock.basis.size() > kMaxBasisBytes) {
    return RuleError(id, key + ".basis",
                     "longer than " + std::to_string(kMaxBasisBytes) + " bytes (units' inboxes refuse longer)");
  }
  return clock;
}

}  // namespace

std::optional<double> NumericField(const Message& message, const std::string& path) {
  const FieldDescriptor* leaf = nullptr;
  const Message* parent = Parent(message, path, &leaf);
  if (parent == nullptr) return std::nullopt;
  const auto* r = parent->GetReflection();
  if (leaf->has_presence() && !r->HasField(*parent, leaf)) return std::nullopt;
  switch (leaf->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return r->GetInt32(*parent, leaf);
    case FieldDescriptor::CPPTYPE_INT64: return static_cast<double>(r->GetInt64(*parent, leaf));
    case FieldDescriptor::CPPTYPE_UINT32: return r->GetUInt32(*parent, leaf);
    case FieldDescriptor::CPPTYPE_UINT64: return static_cast<double>(r->GetUInt64(*parent, leaf));
    case FieldDescriptor::CPPTYPE_DOUBLE: return r->GetDouble(*parent, leaf);
    case FieldDescriptor::CPPTYPE_FLOAT: return r->GetFloat(*parent, leaf);
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(*parent, leaf) ? 1.0 : 0.0;
    case FieldDescriptor::CPPTYPE_ENUM: return r->GetEnumValue(*parent, leaf);
    default: return std::nullopt;
  }
}

std::optional<std::string> StringField(const Message& message, const std::string& path) {
  const FieldDescriptor* leaf = nullptr;
  const Message* parent = Parent(message, path, &leaf);
  if (parent == nullptr || leaf->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return std::nullopt;
  return parent->GetReflection()->GetString(*parent, leaf);
}

namespace {

bool Holds(const Condition& c, const Message& event) {
  if (c.numeric) {
    auto v = NumericField(event, c.field);
    if (!v) return false;
    switch (c.op) {
      case Condition::Op::kGe: return *v >= c.number;
      case Condition::Op::kGt: return *v > c.number;
      case Condition::Op::kLe: return *v <= c.number;
      case Condition::Op::kLt: return *v < c.number;
      case Condition::Op::kEq: return *v == c.number;
      case Condition::Op::kNe: return *v != c.number;
    }
    return false;
  }
  auto v = StringField(event, c.field);
  if (!v) return false;
  return c.op == Condition::Op::kEq ? *v == c.text : *v != c.text;
}

// The conditions under when.<key> ("all" or "any").
absl::StatusOr<std::vector<Condition>> ParseConditions(const std::string& rule_id, const std::string& key,
                                                       const YAML::Node& list, const Descriptor* type) {
  const std::string at = "when." + key;
  if (!list.IsSequence()) return RuleError(rule_id, at, "must be a list");
  std::vector<Condition> conditions;
  for (const YAML::Node& cn : list) {
    Condition c;
    c.field = cn["field"] ? cn["field"].as<std::string>() : "";
    const FieldDescriptor* field = ResolveField(type, c.field);
    if (field == nullptr || field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return RuleError(rule_id, at + ".field", "no scalar field '" + c.field + "' in " + type->full_name());
    }
    std::string op = cn["op"] ? cn["op"].as<std::string>() : "";
    if (op == ">=")
      c.op = Condition::Op::kGe;
    else if (op == ">")
      c.op = Condition::Op::kGt;
    else if (op == "<=")
      c.op = Condition::Op::kLe;
    else if (op == "<")
      c.op = Condition::Op::kLt;
    else if (op == "==")
      c.op = Condition::Op::kEq;
    else if (op == "!=")
      c.op = Condition::Op::kNe;
    else
      return RuleError(rule_id, at + ".op", "expected one of >= > <= < == !=");
    if (!cn["value"]) return RuleError(rule_id, at + ".value", "required");
    c.numeric = field->cpp_type() != FieldDescriptor::CPPTYPE_STRING;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
      if (c.op != Condition::Op::kEq && c.op != Condition::Op::kNe) {
        return RuleError(rule_id, at + ".op", "true/false fields take only == and !=");
      }
      try {
        c.number = cn["value"].as<bool>() ? 1 : 0;
      } catch (const YAML::Exception&) {
        return RuleError(rule_id, at + ".value", "must be true or false for field " + c.field);
      }
    } else if (c.numeric) {
      try {
        c.number = cn["value"].as<double>();
      } catch (const YAML::Exception&) {
        return RuleError(rule_id, at + ".value", "must be a number for field " + c.field);
      }
    } else {
      if (c.op != Condition::Op::kEq && c.op != Condition::Op::kNe) {
        return RuleError(rule_id, at + ".op", "text fields take only == and !=");
      }
      c.text = cn["value"].as<std::string>();
    }
    conditions.push_back(c);
  }
  if (key == "any" && conditions.empty()) return RuleError(rule_id, at, "must not be empty");
  return conditions;
}

}  // namespace

bool Matches(const Rule& rule, const Message& event) {
  if (event.GetDescriptor()->full_name() != rule.event_type) return false;
  for (const Condition& c : rule.all) {
    if (!Holds(c, event)) return false;
  }
  if (rule.any.empty()) return true;
  for (const Condition& c : rule.any) {
    if (Holds(c, event)) return true;
  }
  return false;
}

absl::StatusOr<std::vector<Rule>> ParseRules(const std::string& yaml_text) {
  proto::LinkAllContracts();
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string("rules: not valid YAML: ") + e.what());
  }
  if (!root.IsMap() || !root["rules"] || !root["rules"].IsSequence()) {
    return absl::InvalidArgumentError("rules: top level must be a map with a 'rules' list");
  }
  std::vector<Rule> rules;
  std::set<std::string> ids;
  try {
    for (const YAML::Node& node : root["rules"]) {
      Rule rule;
      rule.id = node["id"] ? node["id"].as<std::string>() : "";
      if (rule.id.empty()) return RuleError("", "id", "required");
      if (!ids.insert(rule.id).second) return RuleError(rule.id, "id", "duplicate");
      for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        if (key != "id" && key != "description" && key != "when" && key != "then")
          return RuleError(rule.id, key, "unknown key");
      }
      rule.description = node["description"] ? node["description"].as<std::string>() : "";
      const YAML::Node when = node["when"];
      if (!when || !when["event"]) return RuleError(rule.id, "when.event", "required");
      rule.event_type = when["event"].as<std::string>();
      const auto* type = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(rule.event_type);
      if (type == nullptr) return RuleError(rule.id, "when.event", "unknown event type " + rule.event_type);
      for (const auto& kv : when) {
        std::string key = kv.first.as<std::string>();
        if (key != "event" && key != "clock_start" && key != "all" && key != "any") {
          return RuleError(rule.id, "when." + key, "unknown key");
        }
      }
      // Every clock starts from the event's own date, so the rule names it.
      rule.clock_start_field = when["clock_start"] ? when["clock_start"].as<std::string>() : "";
      if (rule.clock_start_field.empty()) {
        return RuleError(rule.id, "when.clock_start", "required (the event's date field the clocks start from)");
      }
      if (const FieldDescriptor* f = type->FindFieldByName(rule.clock_start_field);
          f == nullptr || f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
        return RuleError(rule.id, "when.clock_start",
                         "no top-level text field '" + rule.clock_start_field + "' in " + type->full_name());
      }
      for (const char* key : {"all", "any"}) {
        if (!when[key]) continue;
        auto conditions = ParseConditions(rule.id, key, when[key], type);
        if (!conditions.ok()) return conditions.status();
        (std::string(key) == "all" ? rule.all : rule.any) = std::move(*conditions);
      }
      const YAML::Node then = node["then"];
      if (!then) return RuleError(rule.id, "then", "required");
      rule.service_type = then["service_type"] ? then["service_type"].as<std::string>() : "";
      if (FindServiceType(rule.service_type) == nullptr) {
        return RuleError(rule.id, "then.service_type",
                         rule.service_type.empty() ? "required, one of " + ServiceTypeIds()
                                                   : "'" + rule.service_type + "' is not one of " + ServiceTypeIds());
      }
      rule.need = then["need"] ? then["need"].as<std::string>() : "";
      if (rule.need.empty()) return RuleError(rule.id, "then.need", "required");
      std::string urgency = then["urgency"] ? then["urgency"].as<std::string>() : "non_urgent";
      if (urgency == "non_urgent")
        rule.urgency = common::v1::URGENCY_NON_URGENT;
      else if (urgency == "urgent")
        rule.urgency = common::v1::URGENCY_URGENT;
      else
        return RuleError(rule.id, "then.urgency", "expected urgent or non_urgent");
      rule.consent_basis = then["consent_basis"] ? then["consent_basis"].as<std::string>() : "";
      if (rule.consent_basis.empty()) return RuleError(rule.id, "then.consent_basis", "required");
      if (rule.consent_basis.size() > kMaxBasisBytes) {
        return RuleError(rule.id, "then.consent_basis",
                         "longer than " + std::to_string(kMaxBasisBytes) + " bytes (units' inboxes refuse longer)");
      }
      const std::string under_denial = then["under_denial"] ? then["under_denial"].as<std::string>() : "";
      if (under_denial == "withhold")
        rule.under_denial = UnderDenial::kWithhold;
      else if (under_denial == "need_only")
        rule.under_denial = UnderDenial::kNeedOnly;
      else if (under_denial == "share")
        rule.under_denial = UnderDenial::kShare;
      else
        return RuleError(rule.id, "then.under_denial", "required: withhold, need_only or share");
      for (const auto& kv : then) {
        static const std::set<std::string> kKeys = {"service_type",
                                                    "need",
                                                    "urgency",
                                                    "consent_basis",
                                                    "under_denial",
                                                    "statutory_deadline",
                                                    "statutory_completion_deadline",
                                                    "target_deadline"};
        std::string key = kv.first.as<std::string>();
        if (!kKeys.contains(key)) return RuleError(rule.id, "then." + key, "unknown key");
      }
      for (auto [key, clock] : {std::pair{"statutory_deadline", &rule.statutory},
                                std::pair{"statutory_completion_deadline", &rule.statutory_completion},
                                std::pair{"target_deadline", &rule.target_clock}}) {
        if (!then[key]) continue;
        auto parsed = ParseClock(rule.id, std::string("then.") + key, then[key]);
        if (!parsed.ok()) return parsed.status();
        *clock = *parsed;
      }
      if (!rule.statutory && !rule.target_clock) {
        return RuleError(rule.id, "then.statutory_deadline",
                         "required, or a target_deadline where the law sets no day count");
      }
      rules.push_back(std::move(rule));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string("rules: ") + e.what());
  }
  return rules;
}

absl::StatusOr<std::vector<Rule>> LoadRulesFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("rules file " + path + ": cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseRules(buf.str());
}

}  // namespace yhteys::router
