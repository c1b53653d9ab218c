#pragma once
// The unit catalogue the client-feedback tests share: a family centre in
// Lahti and home care in Inari.

namespace yhteys::feedback {

inline constexpr char kTestUnitsYaml[] = R"(
units:
  fc-lahti-1:
    county: paijat-hame
    municipality: "398"
    services: [child-health-clinic, family-work]
  hc-inari-1:
    county: lappi
    municipality: "148"
    services: [home-care-visits]
)";

}  // namespace yhteys::feedback
