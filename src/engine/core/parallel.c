/* parallel.c — a fork-join loop over a GThreadPool of persistent workers. */
#include "core/parallel.h"

#include <stdlib.h>
#include <sys/resource.h>

#define MAX_PARTS 64

typedef struct
{
  CariRangeFn fn;
  gpointer data;
  size_t n;
  int parts;
  int remaining; /* parts still running; guarded by mutex */
  int nice;      /* the caller's scheduling priority, which its parts run at */
  GMutex mutex;
  GCond cond;
} Job;

typedef struct
{
  Job *job;
  int part;
} Part;

/* The nice value a thread asked for (cari_parallel_set_nice), and the one a pool worker runs
 * at now. */
static _Thread_local int thread_nice;

/* Set while this thread runs a part: a loop started from inside one runs there, whole (the
 * other threads are busy with the outer loop's parts), which makes nesting safe and lets a
 * part call cari_sgemm as a single-threaded product. */
static _Thread_local gboolean in_part;

static GMutex pool_mutex;
static GThreadPool *pool;
static int n_threads = 0; /* 0: not decided yet */

static void
run_part (Job *job, int part)
{
  size_t begin = job->n * (size_t) part / (size_t) job->parts;
  size_t end = job->n * (size_t) (part + 1) / (size_t) job->parts;
  if (end > begin)
    {
      in_part = TRUE;
      job->fn (job->data, begin, end);
      in_part = FALSE;
    }
}

static void
worker (gpointer item, gpointer unused)
{
  Part *p = item;
  Job *job = p->job;
  if (job->nice != thread_nice)
    {
      /* On Linux a thread's nice value is its own: follow the caller's. Without privileges a
       * raised value cannot come down again; the worker then stays lower. */
      if (setpriority (PRIO_PROCESS, 0, job->nice) == 0)
        thread_nice = job->nice;
    }
  run_part (job, p->part);
  /* Decrement under the mutex: the waiter can only see zero (and free the job on its stack)
   * after this thread has released it. */
  g_mutex_lock (&job->mutex);
  if (--job->remaining == 0)
    g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);
}

static int
default_threads (void)
{
  const char *env = g_getenv ("OPENBLAS_NUM_THREADS");
  int n = env != NULL ? atoi (env) : 0;
  if (n <= 0)
    n = (int) g_get_num_processors ();
  return CLAMP (n, 1, MAX_PARTS);
}

void
cari_parallel_set_threads (int threads)
{
  g_mutex_lock (&pool_mutex);
  n_threads = CLAMP (threads > 0 ? threads : default_threads (), 1, MAX_PARTS);
  if (pool != NULL && n_threads > 1)
    g_thread_pool_set_max_threads (pool, n_threads - 1, NULL);
  g_mutex_unlock (&pool_mutex);
}

gboolean
cari_parallel_in_part (void)
{
  return in_part;
}

int
cari_parallel_get_threads (void)
{
  int n;
  g_mutex_lock (&pool_mutex);
  if (n_threads == 0)
    n_threads = default_threads ();
  n = n_threads;
  g_mutex_unlock (&pool_mutex);
  return n;
}

void
cari_parallel_set_nice (int nice)
{
  thread_nice = CLAMP (nice, 0, 19);
  setpriority (PRIO_PROCESS, 0, thread_nice);
}

static GThreadPool *
get_pool (int threads)
{
  GThreadPool *p;
  g_mutex_lock (&pool_mutex);
  if (pool == NULL)
    pool = g_thread_pool_new (worker, NULL, MAX (threads - 1, 1), TRUE, NULL);
  p = pool;
  g_mutex_unlock (&pool_mutex);
  return p;
}

void
cari_parallel_for (size_t n, size_t grain, CariRangeFn fn, gpointer data)
{
  int threads = cari_parallel_get_threads ();
  size_t max_parts = n / MAX (grain, 1);
  int parts = (int) MIN ((size_t) threads, max_parts);

  if (parts <= 1 || in_part)
    {
      if (n > 0)
        fn (data, 0, n);
      return;
    }

  GThreadPool *p = get_pool (threads);
  Job job = { fn, data, n, parts, parts - 1, thread_nice };
  Part items[MAX_PARTS];
  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);
  for (int i = 1; i < parts; i++)
    {
      items[i] = (Part) { &job, i };
      g_thread_pool_push (p, &items[i], NULL);
    }
  run_part (&job, 0);
  g_mutex_lock (&job.mutex);
  while (job.remaining > 0)
    g_cond_wait (&job.cond, &job.mutex);
  g_mutex_unlock (&job.mutex);
  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);
}

typedef struct
{
  CariRangeFn fn;
  gpointer data;
  size_t i;
  int nice;
} Together;

static gpointer
together_thread (gpointer data)
{
  Together *t = data;
  if (t->nice != 0 && setpriority (PRIO_PROCESS, 0, t->nice) == 0)
    thread_nice = t->nice;
  in_part = TRUE;
  t->fn (t->data, t->i, t->i + 1);
  return NULL;
}

void
cari_parallel_together (int n, CariRangeFn fn, gpointer data)
{
  g_return_if_fail (n >= 1 && n <= MAX_PARTS);
  Together items[MAX_PARTS];
  GThread *threads[MAX_PARTS];
  /* Threads of their own, not the pool's workers: the parts wait on each other, and a worker
   * busy with another loop would leave them waiting. */
  for (int i = 1; i < n; i++)
    {
      items[i] = (Together) { fn, data, (size_t) i, thread_nice };
      threads[i] = g_thread_new ("carilab-part", together_thread, &items[i]);
    }
  gboolean outer = in_part;
  in_part = TRUE;
  fn (data, 0, 1);
  in_part = outer;
  for (int i = 1; i < n; i++)
    g_thread_join (threads[i]);
}
