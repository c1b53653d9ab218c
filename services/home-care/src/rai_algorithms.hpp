#pragma once
// interRAI Home Care (RAI-HC, interRAI HC 9.x item codes) scales CPS, ADL-H, CHESS and MAPLe as deterministic pure
// functions over item answers. Plain structs and the standard library only, so that the algorithms can be read and
// tested without the transport types; the service maps its proto message onto RaiItems field by field.
//
// Every item is optional so that "not answered" stays distinguishable from code 0. Validate() decides what must be
// answered; the scale functions require a RaiItems that Validate() accepted.
//
// Where the published algorithm could not be confirmed from a primary source, the comment above the scale says so
// and names the choice made (see also the notes handed over with this file).

#include <optional>
#include <string>

namespace yhteys::homecare::rai {

struct RaiItems {
  // Section C. A client with C1 = 5 (no discernible consciousness) skips to section G on the form, so the items of
  // sections C2-F (here short_term_memory, decision_making_change, communication and behaviour) are not required
  // for that client and count as "no problem" when absent.
  struct Cognition {
    // C1 cognitive skills for daily decision making: 0 independent, 1 modified independence, 2 minimally impaired,
    // 3 moderately impaired, 4 severely impaired, 5 no discernible consciousness (coma).
    std::optional<int> decision_making;
    // C2a short-term memory OK: 0 yes, memory OK; 1 memory problem.
    std::optional<int> short_term_memory;
    // C5 change in decision making compared to 90 days ago: 0 improved, 1 no change, 2 declined, 8 uncertain.
    std::optional<int> decision_making_change;
  };
  struct Communication {
    // D1 making self understood (expression): 0 understood, 1 usually understood, 2 often understood,
    // 3 sometimes understood, 4 rarely or never understood.
    std::optional<int> making_self_understood;
  };
  // E3 behaviour symptoms: 0 not present, 1 present but not exhibited in the last 3 days, 2 exhibited on 1-2 of the
  // last 3 days, 3 exhibited daily in the last 3 days.
  struct Behaviour {
    std::optional<int> wandering;               // E3a
    std::optional<int> verbal_abuse;            // E3b
    std::optional<int> physical_abuse;          // E3c
    std::optional<int> socially_inappropriate;  // E3d socially inappropriate or disruptive behaviour
    std::optional<int> inappropriate_sexual;    // E3e inappropriate public sexual behaviour or public disrobing
    std::optional<int> resists_care;            // E3f
  };
  // G1 IADL self-performance in the last 3 days (column A), coded like the ADL items below.
  struct Iadl {
    std::optional<int> meal_preparation;      // G1aA
    std::optional<int> managing_medications;  // G1dA
  };
  // G2 ADL self-performance in the last 3 days: 0 independent, 1 independent, setup help only, 2 supervision,
  // 3 limited assistance, 4 extensive assistance, 5 maximal assistance, 6 total dependence, 8 activity did not occur.
  struct Adl {
    std::optional<int> personal_hygiene;  // G2b
    std::optional<int> locomotion;        // G2f locomotion (on the same floor)
    std::optional<int> toilet_use;        // G2h
    std::optional<int> eating;            // G2j
    // G6 change in ADL status compared to 90 days ago: 0 improved, 1 no change, 2 declined, 8 uncertain.
    std::optional<int> adl_status_change;
  };
  struct Health {
    // J1 falls: 0 no fall in the last 90 days, 1 no fall in the last 30 days but fell 31-90 days ago,
    // 2 one fall in the last 30 days, 3 two or more falls in the last 30 days.
    std::optional<int> falls;
    // J3 problem frequency: 0 not present, 1 present but not exhibited in the last 3 days, 2 exhibited on 1 of the
    // last 3 days, 3 exhibited on 2 of the last 3 days, 4 exhibited daily in the last 3 days.
    std::optional<int> vomiting;          // J3n
    std::optional<int> peripheral_edema;  // J3u
    // J4 dyspnea: 0 absent, 1 absent at rest but present with moderate activity, 2 absent at rest but present with
    // normal day-to-day activities, 3 present at rest.
    std::optional<int> dyspnea;
    std::optional<bool> end_stage_disease;  // J7c end-stage disease, 6 or fewer months to live
  };
  // K2 nutritional issues, each no/yes.
  struct Nutrition {
    std::optional<bool> weight_loss;                 // K2a 5% or more in 30 days, or 10% or more in 180 days
    std::optional<bool> dehydrated;                  // K2b dehydrated or BUN/creatinine ratio > 20
    std::optional<bool> decreased_intake;            // K2c decrease in amount of food or fluid usually consumed
    std::optional<bool> fluid_output_exceeds_input;  // K2d
  };
  struct Skin {
    // L1 most severe pressure ulcer: 0 none, 1 persistent redness, 2 partial loss of skin layers, 3 deep craters,
    // 4 breaks in skin exposing muscle or bone, 5 not codeable (e.g. necrotic eschar).
    std::optional<int> pressure_ulcer;
    std::optional<bool> other_skin_ulcer;  // L3 venous, arterial, mixed or diabetic foot ulcer
  };
  struct SocialSupport {
    std::optional<bool> helper_unable_to_continue;  // P2a informal helper(s) unable to continue caring
  };
  // Q1 home environment, each no/yes.
  struct Environment {
    std::optional<bool> disrepair;                   // Q1a disrepair of the home
    std::optional<bool> squalid;                     // Q1b squalid condition
    std::optional<bool> inadequate_heating_cooling;  // Q1c inadequate or no heating or cooling
    std::optional<bool> lack_of_personal_safety;     // Q1d
    std::optional<bool> limited_access;              // Q1e limited access to home or rooms in the house
  };

  Cognition cognition;
  Communication communication;
  Behaviour behaviour;
  Iadl iadl;
  Adl adl;
  Health health;
  Nutrition nutrition;
  Skin skin;
  SocialSupport social_support;
  Environment environment;
};

// Returns the first problem as "items.<section>.<field>: <what>", naming the field as in the proto
// (e.g. "items.cognition.decision_making: required", "items.adl.locomotion: must be 0-6 or 8"), or nullopt.
//
// The service scores all four scales together, so every item any of them reads is required:
//   CPS    C1, C2a*, D1*, G2j
//   ADL-H  G2b, G2f, G2h, G2j
//   CHESS  C5*, G6, J3n, J3u, J4, J7c, K2a-K2d
//   MAPLe  the CPS and ADL-H items, E3a-E3f*, G1aA, G1dA, J1, K2a, L1, L3, P2a, Q1a-Q1e
// (* not required when C1 = 5, because the form skips those sections; an answer sent anyway is still range-checked.)
std::optional<std::string> Validate(const RaiItems& items);

// Cognitive Performance Scale 0-6 (Morris et al. 1994), mapped onto the interRAI HC codes. First matching row:
//   C1 = 5 (coma)                                                      -> 6
//   C1 = 4 (severely impaired) and G2j eating in {6 total dependence, 8 did not occur}  -> 6
//   C1 = 4 otherwise                                                   -> 5
//   otherwise count impairment indicators: C1 in 1-3, C2a = 1, D1 in 1-4
//            and severe indicators:        C1 = 3,    D1 in 3-4
//     no impairment indicator                                          -> 0 intact
//     one impairment indicator                                         -> 1 borderline intact
//     two or more, no severe indicator                                 -> 2 mild
//     two or more, one severe indicator                                -> 3 moderate
//     two or more, two severe indicators                               -> 4 moderately severe
// Not confirmed from a primary source: that C1 = 5 scores 6 without looking at eating, and the translation of the
// MDS 2.0 code boundaries to the interRAI HC codes (C1 0-5, D1 0-4, eating 0-6/8).
int Cps(const RaiItems& items);

// ADL Self-Performance Hierarchy 0-6 (Morris et al. 1999) over the early-, middle- and late-loss ADLs
// G2b personal hygiene, G2h toilet use, G2f locomotion and G2j eating. Code 8 (did not occur) counts as total
// dependence. First matching row:
//   all four in {6, 8}                                -> 6 total dependence
//   eating or locomotion in {6, 8}                    -> 5 dependent
//   eating or locomotion in {4, 5}                    -> 4 extensive assistance 2
//   personal hygiene or toilet use in {4, 5, 6, 8}    -> 3 extensive assistance 1
//   any of the four = 3 (limited assistance)          -> 2 limited
//   any of the four = 2 (supervision)                 -> 1 supervision
//   otherwise (all 0-1)                               -> 0 independent
// Not confirmed from a primary source: the translation of the MDS 2.0 codes (0-4, 8) to interRAI HC codes (maximal
// assistance 5 grouped with extensive 4; setup help 1 grouped with independent 0).
int AdlHierarchy(const RaiItems& items);

// Changes in Health, End-stage disease, Signs and Symptoms 0-5 (Hirdes et al. 2003):
//   +1  decline in decision making       C5 = 2
//   +1  decline in ADL status            G6 = 2
//   +1  end-stage disease                J7c = yes
//   +0, +1 or +2 for the count of signs and symptoms, capped at 2:
//       vomiting J3n in 2-4; peripheral edema J3u in 2-4; dyspnea J4 in 1-3; weight loss K2a;
//       dehydration K2b or K2d (one symptom); decrease in food or fluid intake K2c
// The cap on the symptom count is what bounds the scale at 5 (2 + 3 single points).
// Not confirmed from a primary source for interRAI HC: the item letters (J3n, J3u, J4, J7c, K2a-K2d, G6) and that a
// J3 symptom counts only when exhibited in the last 3 days (code 2-4).
int Chess(const RaiItems& items);

// Method for Assigning Priority Levels 1-5 (Hirdes et al. 2008), computing CPS and ADL-H itself. First matching row:
//   5 very high  ADL-H >= 2 and CPS >= 3
//                wandering E3a in 1-3
//                any other behaviour symptom E3b-E3f in 1-3
//                informal helper unable to continue P2a (stands in for the nursing home risk CAP)
//   4 high       CPS >= 3
//                any fall in the last 90 days J1 >= 1
//                pressure ulcer L1 >= 1, or other skin ulcer L3
//                weight loss K2a
//   3 moderate   ADL-H >= 2
//                any home environment problem Q1a-Q1e
//                managing medications G1dA in 2-6 (supervision or more help)
//   2 mild       meal preparation G1aA in 2-6 (supervision or more help)
//                impaired decision making C1 >= 1
//   1 low        none of the above
// The published decision tree could NOT be confirmed: this is a reconstruction from the published descriptions of
// the five levels (which factors define each); the thresholds, the order of the rows and the stand-in for the
// nursing home risk CAP are choices to verify against the interRAI MAPLe specification before clinical use.
int Maple(const RaiItems& items);

}  // namespace yhteys::homecare::rai
