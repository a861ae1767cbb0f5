/* tsan-glib.c — tells ThreadSanitizer about GLib's synchronisation, which it cannot see.
 *
 * GLib 2.74 builds GMutex and GCond on Linux futexes and atomics compiled inside libglib, which
 * ThreadSanitizer does not instrument: a value handed from one thread to another under a GMutex,
 * through a GThreadPool or a GAsyncQueue looks raced although it is not. Preloaded into the tests
 * of a -Db_sanitize=thread build (tests/meson.build), this library wraps the GLib calls CariLab
 * makes and states the happens-before edge each one makes (release before handing over, acquire
 * after taking), then calls GLib's own function. It changes no behaviour and hides no access:
 * a value read or written outside the lock that guards it is still reported.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <dlfcn.h>
#include <glib.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

/* GLib's function of that name, found once: by the constructor below, or at the first call when
 * that comes earlier — a library's constructor may call GLib before this one runs (json-glib
 * brings in GObject, whose type system initialises itself with GLib's locks at load time). */
#define REAL(name) ((__typeof__ (real_##name)) resolve ((void **) &real_##name, #name))
#define DECLARE_REAL(ret, name, ...) static ret (*real_##name) (__VA_ARGS__)
#define FIND_REAL(name) real_##name = dlsym (RTLD_NEXT, #name)

static void *
resolve (void **slot, const char *name)
{
  if (*slot == NULL)
    *slot = dlsym (RTLD_NEXT, name);
  return *slot;
}

DECLARE_REAL (void, g_mutex_lock, GMutex *);
DECLARE_REAL (gboolean, g_mutex_trylock, GMutex *);
DECLARE_REAL (void, g_mutex_unlock, GMutex *);
DECLARE_REAL (void, g_rec_mutex_lock, GRecMutex *);
DECLARE_REAL (void, g_rec_mutex_unlock, GRecMutex *);
DECLARE_REAL (void, g_cond_wait, GCond *, GMutex *);
DECLARE_REAL (gboolean, g_cond_wait_until, GCond *, GMutex *, gint64);
DECLARE_REAL (void, g_async_queue_push, GAsyncQueue *, gpointer);
DECLARE_REAL (gpointer, g_async_queue_pop, GAsyncQueue *);
DECLARE_REAL (gpointer, g_async_queue_timeout_pop, GAsyncQueue *, guint64);
DECLARE_REAL (gpointer, g_async_queue_try_pop, GAsyncQueue *);
DECLARE_REAL (GThreadPool *, g_thread_pool_new, GFunc, gpointer, gint, gboolean, GError **);
DECLARE_REAL (gboolean, g_thread_pool_push, GThreadPool *, gpointer, GError **);
DECLARE_REAL (void, g_once_init_leave, volatile void *, gsize);

__attribute__ ((constructor)) static void
find_glib (void)
{
  FIND_REAL (g_mutex_lock);
  FIND_REAL (g_mutex_trylock);
  FIND_REAL (g_mutex_unlock);
  FIND_REAL (g_rec_mutex_lock);
  FIND_REAL (g_rec_mutex_unlock);
  FIND_REAL (g_cond_wait);
  FIND_REAL (g_cond_wait_until);
  FIND_REAL (g_async_queue_push);
  FIND_REAL (g_async_queue_pop);
  FIND_REAL (g_async_queue_timeout_pop);
  FIND_REAL (g_async_queue_try_pop);
  FIND_REAL (g_thread_pool_new);
  FIND_REAL (g_thread_pool_push);
  FIND_REAL (g_once_init_leave);
}

void
g_mutex_lock (GMutex *mutex)
{
  REAL (g_mutex_lock) (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean locked = REAL (g_mutex_trylock) (mutex);
  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  REAL (g_mutex_unlock) (mutex);
}

void
g_rec_mutex_lock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_lock) (mutex);
  __tsan_acquire (mutex);
}

void
g_rec_mutex_unlock (GRecMutex *mutex)
{
  __tsan_release (mutex);
  REAL (g_rec_mutex_unlock) (mutex);
}

/* Waiting unlocks the mutex and locks it again before returning. */
void
g_cond_wait (GCond *cond, GMutex *mutex)
{
  __tsan_release (mutex);
  REAL (g_cond_wait) (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond *cond, GMutex *mutex, gint64 end_time)
{
  __tsan_release (mutex);
  gboolean signalled = REAL (g_cond_wait_until) (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* An item pushed is handed over to whoever pops it. */
void
g_async_queue_push (GAsyncQueue *queue, gpointer data)
{
  __tsan_release (data);
  REAL (g_async_queue_push) (queue, data);
}

static gpointer
taken (gpointer data)
{
  if (data != NULL)
    __tsan_acquire (data);
  return data;
}

gpointer
g_async_queue_pop (GAsyncQueue *queue)
{
  return taken (REAL (g_async_queue_pop) (queue));
}

gpointer
g_async_queue_timeout_pop (GAsyncQueue *queue, guint64 timeout)
{
  return taken (REAL (g_async_queue_timeout_pop) (queue, timeout));
}

gpointer
g_async_queue_try_pop (GAsyncQueue *queue)
{
  return taken (REAL (g_async_queue_try_pop) (queue));
}

/* A pool's function, called by GLib's worker with each item: acquired first. */
typedef struct
{
  GFunc func;
  gpointer data;
} PoolFunc;

static void
pool_worker (gpointer item, gpointer data)
{
  PoolFunc *f = data;
  f->func (taken (item), f->data);
}

GThreadPool *
g_thread_pool_new (GFunc func, gpointer user_data, gint max_threads, gboolean exclusive,
                   GError **error)
{
  /* Lives as long as the pool; pools are few and long-lived, so it is not freed. */
  PoolFunc *f = g_new (PoolFunc, 1);
  f->func = func;
  f->data = user_data;
  return REAL (g_thread_pool_new) (pool_worker, f, max_threads, exclusive, error);
}

gboolean
g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error)
{
  __tsan_release (data);
  return REAL (g_thread_pool_push) (pool, data, error);
}

/* g_once_init_enter's fast path is an atomic load in the caller, which ThreadSanitizer sees. */
void
(g_once_init_leave) (volatile void *location, gsize result)
{
  __tsan_release ((void *) location);
  REAL (g_once_init_leave) (location, result);
}
