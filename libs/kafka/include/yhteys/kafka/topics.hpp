#pragma once
// Every Kafka topic of Yhteys, in one list. Services, the router, the audit
// index, the dev broker and the tools take the names from here; the
// deployment's list (deploy/kafka/base/topics.yaml) is checked against it
// by topics_test, so a topic added here and not deployed (or the reverse)
// fails the build's tests.

#include <array>
#include <string>
#include <string_view>

namespace yhteys::kafka::topics {

// Domain events of each service (protobuf, CloudEvents headers).
inline constexpr char kFamilyCentre[] = "yhteys.familycentre.events.v1";
inline constexpr char kHomeCare[] = "yhteys.homecare.events.v1";
inline constexpr char kMentalHealth[] = "yhteys.mentalhealth.events.v1";
inline constexpr char kFeedback[] = "yhteys.feedback.events.v1";
// The service counselling's contacts (recorded through the router).
inline constexpr char kCounselling[] = "yhteys.counselling.events.v1";
// The router's referral state changes.
inline constexpr char kReferrals[] = "yhteys.referrals.events.v1";
// The router's changelog: every referral, client sharing decision and unit
// report as written (a full record each time, keyed by the client's
// pseudonym or the unit id). Read only to rebuild the router's Redis from
// it (router.restore_from_changelog); no consumer group, no dead letters.
inline constexpr char kRouterChangelog[] = "yhteys.router.changelog.v1";
// Audit records of every call that touched client data.
inline constexpr char kAudit[] = "yhteys.audit.v1";

inline constexpr std::array<std::string_view, 8> kAll = {kFamilyCentre, kHomeCare,  kMentalHealth,    kFeedback,
                                                         kCounselling,  kReferrals, kRouterChangelog, kAudit};
// The domain topics the router consumes (its own counselling contacts too:
// the router's state is rebuilt from them).
inline constexpr std::array<std::string_view, 5> kDomain = {kFamilyCentre, kHomeCare, kMentalHealth, kFeedback,
                                                            kCounselling};
// Every topic but the changelog has consumers (the router, home care's
// closed loop, the audit index, integrators), and so a dead-letter topic.
inline bool HasDeadLetter(std::string_view topic) { return topic != kRouterChangelog; }
inline std::string DeadLetter(std::string_view topic) { return std::string(topic) + ".dlq"; }

}  // namespace yhteys::kafka::topics
