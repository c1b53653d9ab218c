// Linked into every test executable of a ThreadSanitizer build
// (YHTEYS_SANITIZE=thread, see cmake/YhteysLibrary.cmake), nowhere else.
//
// Debian's librdkafka runs its threads and locks with glibc's C11 threads
// (thrd_create, mtx_lock, cnd_wait, call_once). gcc 12's TSan runtime
// intercepts the pthread functions but not these, which call glibc's
// pthread internals directly: a librdkafka thread is unknown to TSan and
// crashes it on its first intercepted call ("ThreadSanitizer: SEGV ...
// nested bug in the same thread"), and its locks would be invisible.
// These definitions in the executable take precedence over glibc's (symbol
// interposition) and do what glibc does, through the public, intercepted
// pthread functions, so TSan sees librdkafka's threads and its locking.

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

// glibc's C11 types are its pthread types under another name.
static_assert(sizeof(thrd_t) == sizeof(pthread_t));
static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t));
static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t));
static_assert(sizeof(once_flag) == sizeof(pthread_once_t));

namespace {

int FromPthread(int error) {
  switch (error) {
    case 0: return thrd_success;
    case ENOMEM: return thrd_nomem;
    case ETIMEDOUT: return thrd_timedout;
    case EBUSY: return thrd_busy;
    default: return thrd_error;
  }
}

struct Start {
  thrd_start_t func;
  void* arg;
};

void* RunC11Thread(void* p) {
  Start start = *static_cast<Start*>(p);
  free(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(start.func(start.arg)));
}

}  // namespace

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  auto* start = static_cast<Start*>(malloc(sizeof(Start)));
  if (start == nullptr) return thrd_nomem;
  *start = Start{func, arg};
  int error = pthread_create(thr, nullptr, RunC11Thread, start);
  if (error != 0) free(start);
  return FromPthread(error);
}

int thrd_join(thrd_t thr, int* res) {
  void* result = nullptr;
  int error = pthread_join(thr, &result);
  if (error == 0 && res != nullptr) *res = static_cast<int>(reinterpret_cast<intptr_t>(result));
  return FromPthread(error);
}

int thrd_detach(thrd_t thr) { return FromPthread(pthread_detach(thr)); }

void thrd_exit(int res) { pthread_exit(reinterpret_cast<void*>(static_cast<intptr_t>(res))); }

int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, (type & mtx_recursive) ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_NORMAL);
  int error = pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(mutex), &attr);
  pthread_mutexattr_destroy(&attr);
  return FromPthread(error);
}

int mtx_lock(mtx_t* mutex) { return FromPthread(pthread_mutex_lock(reinterpret_cast<pthread_mutex_t*>(mutex))); }

int mtx_trylock(mtx_t* mutex) { return FromPthread(pthread_mutex_trylock(reinterpret_cast<pthread_mutex_t*>(mutex))); }

int mtx_timedlock(mtx_t* __restrict mutex, const struct timespec* __restrict time_point) {
  return FromPthread(pthread_mutex_timedlock(reinterpret_cast<pthread_mutex_t*>(mutex), time_point));
}

int mtx_unlock(mtx_t* mutex) { return FromPthread(pthread_mutex_unlock(reinterpret_cast<pthread_mutex_t*>(mutex))); }

void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(reinterpret_cast<pthread_mutex_t*>(mutex)); }

int cnd_init(cnd_t* cond) { return FromPthread(pthread_cond_init(reinterpret_cast<pthread_cond_t*>(cond), nullptr)); }

int cnd_signal(cnd_t* cond) { return FromPthread(pthread_cond_signal(reinterpret_cast<pthread_cond_t*>(cond))); }

int cnd_broadcast(cnd_t* cond) { return FromPthread(pthread_cond_broadcast(reinterpret_cast<pthread_cond_t*>(cond))); }

int cnd_wait(cnd_t* cond, mtx_t* mutex) {
  return FromPthread(
      pthread_cond_wait(reinterpret_cast<pthread_cond_t*>(cond), reinterpret_cast<pthread_mutex_t*>(mutex)));
}

int cnd_timedwait(cnd_t* __restrict cond, mtx_t* __restrict mutex, const struct timespec* __restrict time_point) {
  return FromPthread(pthread_cond_timedwait(reinterpret_cast<pthread_cond_t*>(cond),
                                            reinterpret_cast<pthread_mutex_t*>(mutex), time_point));
}

void cnd_destroy(cnd_t* cond) { pthread_cond_destroy(reinterpret_cast<pthread_cond_t*>(cond)); }

void call_once(once_flag* flag, void (*func)(void)) { pthread_once(reinterpret_cast<pthread_once_t*>(flag), func); }

}  // extern "C"
