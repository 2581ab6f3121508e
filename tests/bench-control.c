/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scim-core.h"

/* The control view's benchmark (not a test): opens a large demo database
 * and times each query the Plan & control page and the sale window run,
 * best of several runs, in milliseconds:
 *
 *   build/src/cli/scim-sales-cli --db /tmp/large.db demo --scale large
 *   ninja -C build tests/bench-control
 *   build/tests/bench-control /tmp/large.db [RUNS]
 *
 * The ids of a list are what a page waits for before it shows anything;
 * the rows follow a page of 100 at a time, timed once for the biggest list.
 * The file is opened without the quick check (that is the store's open,
 * timed by tests/bench.sh) and not written. */

typedef gboolean (*BenchFunc) (ScimStore  *store,
                               gpointer    data,
                               guint      *n_rows,
                               GError    **error);

typedef struct
{
  ScimListKind   kind;
  gint64         owner_id;
  ScimDueFilter  due;
  ScimSaleSignal signal;
  gint64         sale_id;
  GArray        *ids;      /* the last result */
} ListBench;

static gboolean
bench_list (ScimStore  *store,
            gpointer    data,
            guint      *n_rows,
            GError    **error)
{
  ListBench *b = data;
  g_autoptr(ScimQuery) query = scim_query_new (b->kind);

  query->owner_id = b->owner_id;
  query->due = b->due;
  query->signal = b->signal;
  query->sale_id = b->sale_id;
  g_clear_pointer (&b->ids, g_array_unref);
  b->ids = scim_store_query_ids (store, query, NULL, error);
  if (b->ids == NULL)
    return FALSE;
  *n_rows = b->ids->len;
  return TRUE;
}

static gboolean
bench_first_page (ScimStore  *store,
                  gpointer    data,
                  guint      *n_rows,
                  GError    **error)
{
  ListBench *b = data;
  g_autoptr(GPtrArray) rows = scim_store_load_rows (store, b->kind, (const gint64 *) (gpointer) b->ids->data,
                                                    MIN (b->ids->len, 100u), error);

  if (rows == NULL)
    return FALSE;
  *n_rows = rows->len;
  return TRUE;
}

static gboolean
bench_discipline (ScimStore  *store,
                  gpointer    data,
                  guint      *n_rows,
                  GError    **error)
{
  g_autoptr(GPtrArray) rows = scim_store_discipline (store, 0, error);

  if (rows == NULL)
    return FALSE;
  *n_rows = rows->len;
  return TRUE;
}

/* What the sale window loads: the sale, its stage history, its plan. */
static gboolean
bench_sale_show (ScimStore  *store,
                 gpointer    data,
                 guint      *n_rows,
                 GError    **error)
{
  gint64 sale_id = *(gint64 *) data;
  g_autoptr(ScimSale) sale = scim_store_get_sale (store, sale_id, error);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_TASKS);
  g_autoptr(GListModel) plan = NULL;

  if (sale == NULL || (history = scim_store_sale_history (store, sale_id, error)) == NULL)
    return FALSE;
  query->sale_id = sale_id;
  plan = scim_store_list (store, query, error);
  if (plan == NULL)
    return FALSE;
  *n_rows = 1 + history->len + g_list_model_get_n_items (plan);
  return TRUE;
}

static void
run (ScimStore  *store,
     const char *name,
     BenchFunc   func,
     gpointer    data,
     guint       runs)
{
  g_autoptr(GError) error = NULL;
  double best = G_MAXDOUBLE, total = 0;
  guint n_rows = 0;

  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      if (!func (store, data, &n_rows, &error))
        g_error ("%s: %s", name, error->message);
      ms = (double) (g_get_monotonic_time () - start) / 1000.0;
      best = MIN (best, ms);
      total += ms;
    }
  g_print ("   %-40s %8.1f ms best, %8.1f ms mean   %'8u rows\n", name, best, total / runs, n_rows);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimQuery) users = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(GArray) user_ids = NULL;
  ListBench b = { 0 };
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5;
  gint64 owner = 0, busiest = -1, sale_id = 0;
  gint64 start;

  if (argc < 2)
    {
      g_printerr ("usage: bench-control DB [RUNS]\n");
      return 2;
    }
  runs = MAX (runs, 1u);

  start = g_get_monotonic_time ();
  store = scim_store_open (argv[1], SCIM_STORE_NO_CHECK, &error);
  if (store == NULL)
    g_error ("%s: %s", argv[1], error->message);
  g_print ("== control view queries on %s (open %.1f s, best of %u runs)\n", argv[1],
           (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, runs);

  /* The salesperson with the most planned tasks: the worst case of "mine". */
  users->state = g_strdup ("sales");
  user_ids = scim_store_query_ids (store, users, NULL, &error);
  if (user_ids == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < user_ids->len; i++)
    {
      g_autoptr(ScimQuery) tasks = scim_query_new (SCIM_LIST_TASKS);
      g_autoptr(GArray) ids = NULL;

      tasks->owner_id = g_array_index (user_ids, gint64, i);
      tasks->state = g_strdup ("planned");
      ids = scim_store_query_ids (store, tasks, NULL, &error);
      if (ids == NULL)
        g_error ("%s", error->message);
      if ((gint64) ids->len > busiest)
        {
          busiest = ids->len;
          owner = tasks->owner_id;
        }
    }

  b.kind = SCIM_LIST_TASKS;
  b.owner_id = owner;
  b.due = SCIM_DUE_OVERDUE;
  run (store, "tasks of one owner: overdue", bench_list, &b, runs);
  b.due = SCIM_DUE_TODAY;
  run (store, "tasks of one owner: today", bench_list, &b, runs);
  b.due = SCIM_DUE_WEEK;
  run (store, "tasks of one owner: this week", bench_list, &b, runs);
  b.owner_id = 0;
  b.due = SCIM_DUE_TODAY;
  run (store, "all tasks: today", bench_list, &b, runs);
  b.due = SCIM_DUE_OVERDUE;
  run (store, "all tasks: overdue", bench_list, &b, runs);
  run (store, "  first page of its rows (100)", bench_first_page, &b, runs);

  b.kind = SCIM_LIST_SALES;
  b.due = SCIM_DUE_ANY;
  b.signal = SCIM_SALE_SIGNAL_NO_PLAN;
  run (store, "sales with no plan", bench_list, &b, runs);
  if (b.ids->len > 0)
    sale_id = g_array_index (b.ids, gint64, 0);
  b.owner_id = owner;
  run (store, "sales with no plan, one owner", bench_list, &b, runs);
  b.owner_id = 0;
  b.signal = SCIM_SALE_SIGNAL_IDLE;
  run (store, "idle sales (14 days)", bench_list, &b, runs);
  run (store, "  first page of its rows (100)", bench_first_page, &b, runs);
  b.owner_id = owner;
  run (store, "idle sales, one owner", bench_list, &b, runs);

  run (store, "discipline (per salesperson)", bench_discipline, NULL, runs);

  /* A sale with a long history and plan: the last in the list of all. */
  {
    g_autoptr(ScimQuery) tasks = scim_query_new (SCIM_LIST_TASKS);
    g_autoptr(GArray) ids = NULL;

    tasks->owner_id = owner;
    tasks->due = SCIM_DUE_OVERDUE;
    ids = scim_store_query_ids (store, tasks, NULL, &error);
    if (ids != NULL && ids->len > 0)
      {
        g_autoptr(GPtrArray) rows = scim_store_load_rows (store, SCIM_LIST_TASKS, &g_array_index (ids, gint64, 0), 1,
                                                          &error);
        if (rows != NULL && rows->len > 0)
          g_variant_lookup (g_ptr_array_index (rows, 0), "sale_id", "x", &sale_id);
      }
  }
  run (store, "sale show (sale, history, plan)", bench_sale_show, &sale_id, runs);

  g_clear_pointer (&b.ids, g_array_unref);
  scim_store_close (store);
  return 0;
}
