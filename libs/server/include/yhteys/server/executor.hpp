#pragma once
// A fixed pool of worker threads with a bounded queue. gRPC reactors hand
// blocking work (Redis calls) here so that the callback threads never block.
// Thread-safe. Submit returns false when the queue is full (the caller
// answers RESOURCE_EXHAUSTED) or the executor is shutting down.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace yhteys::server {

class Executor {
 public:
  Executor(int threads, size_t max_queue);
  ~Executor();  // runs what is queued, then joins
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  bool Submit(std::function<void()> task);
  // Stops accepting work, finishes what is queued and joins the threads.
  void Shutdown();
  size_t queued() const;

 private:
  void Work();

  size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace yhteys::server
