#include "all_contracts.hpp"

#include "yhteys/audit/v1/audit_events.pb.h"
#include "yhteys/audit/v1/audit_index_service.pb.h"
#include "yhteys/common/v1/common.pb.h"
#include "yhteys/familycentre/v1/family_centre_events.pb.h"
#include "yhteys/feedback/v1/client_feedback_events.pb.h"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/mentalhealth/v1/mental_health_intake_events.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/router/v1/counselling_events.pb.h"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::proto {

void LinkAllContracts() {
  static const void* const kDescriptors[] = {
      common::v1::Language_descriptor(),
      referral::v1::ReferralStateChanged::descriptor(),
      homecare::v1::AssessmentRecorded::descriptor(),
      mentalhealth::v1::IntakeStarted::descriptor(),
      familycentre::v1::ContactRecorded::descriptor(),
      feedback::v1::FeedbackReceived::descriptor(),
      router::v1::Referral::descriptor(),
      router::v1::CounsellingContactRecorded::descriptor(),
      audit::v1::ClientDataAccessed::descriptor(),
      audit::v1::ListClientDataAccessRequest::descriptor(),
  };
  (void)kDescriptors;
}

}  // namespace yhteys::proto
