// The one list of topics against the deployment's: every topic and its
// dead-letter topic is deployed, and nothing else is.
#include "yhteys/kafka/topics.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

namespace yhteys::kafka {
namespace {

TEST(TopicsTest, TheDeploymentCreatesExactlyTheListedTopicsAndTheirDeadLetters) {
  std::set<std::string> expected;
  for (std::string_view topic : topics::kAll) {
    expected.insert(std::string(topic));
    if (topics::HasDeadLetter(topic)) expected.insert(topics::DeadLetter(topic));
  }
  std::set<std::string> deployed;
  for (const YAML::Node& doc : YAML::LoadAllFromFile(YHTEYS_SOURCE_DIR "/deploy/kafka/base/topics.yaml")) {
    if (doc["kind"] && doc["kind"].as<std::string>() == "KafkaTopic") {
      deployed.insert(doc["spec"] && doc["spec"]["topicName"] ? doc["spec"]["topicName"].as<std::string>()
                                                              : doc["metadata"]["name"].as<std::string>());
    }
  }
  EXPECT_EQ(deployed, expected);
}

}  // namespace
}  // namespace yhteys::kafka
