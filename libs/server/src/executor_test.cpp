#include "yhteys/server/executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace yhteys::server {
namespace {

TEST(ExecutorTest, RunsEverySubmittedTask) {
  std::atomic<int> ran{0};
  {
    Executor executor(4, 1000);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(executor.Submit([&] { ran.fetch_add(1); }));
    executor.Shutdown();
  }
  EXPECT_EQ(ran.load(), 500);
}

TEST(ExecutorTest, RefusesWhenTheQueueIsFull) {
  Executor executor(1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(executor.Submit([&, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the only worker is busy
  EXPECT_TRUE(executor.Submit([] {}));
  EXPECT_TRUE(executor.Submit([] {}));
  EXPECT_FALSE(executor.Submit([] {}));
  release.set_value();
}

TEST(ExecutorTest, RefusesAfterShutdown) {
  Executor executor(1, 10);
  executor.Shutdown();
  EXPECT_FALSE(executor.Submit([] {}));
}

}  // namespace
}  // namespace yhteys::server
