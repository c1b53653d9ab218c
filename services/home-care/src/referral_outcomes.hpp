#pragma once
// Consumes yhteys.referrals.events.v1 and keeps, for each home-care client,
// the state of every referral that home care's observations caused.

#include "home_care_store.hpp"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/kafka/topics.hpp"

namespace yhteys::homecare {

inline constexpr const char* kReferralsTopic = kafka::topics::kReferrals;

kafka::HandleResult HandleReferralEvent(HomeCareStore& store, const kafka::ConsumedRecord& record);

}  // namespace yhteys::homecare
