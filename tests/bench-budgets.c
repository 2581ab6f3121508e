/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <sqlite3.h>
#include <string.h>

#include "scim-core.h"
#include "scim-store-private.h"
#include "sql-capture.h"

/* The performance budgets of the in-process figures (not a test):
 *
 *   build-aux/dev bench            (builds in release mode, makes the file)
 *   build-bench/tests/bench-budgets DB [RUNS]
 *
 * Each figure is what a page or the alerts check asks of the store, timed
 * best of RUNS.  Its floor is the same SQL, captured from the store's own
 * connection with sqlite3_trace_v2() (bound values expanded) during the
 * last run, then run bare on a connection of its own: prepare, step every
 * row, finalize, no app code.  The ratio says what our layers cost on top.
 *
 * Prints one line per figure, "FIGURE<TAB>name<TAB>ms<TAB>budget<TAB>floor",
 * which tests/bench-table.py puts into the table with the whole-process
 * figures. */

typedef gboolean (*FigureFunc) (ScimStore  *store,
                                gpointer    data,
                                GError    **error);

typedef struct
{
  ScimStore *store;
  sqlite3   *bare;
  guint      runs;
  SqlCapture capture;     /* the SQL of the last run */
} Bench;

static double
run_bare (Bench *b)
{
  return sql_bare_run (b->bare, b->capture.sql);
}

static void
figure (Bench      *b,
        const char *name,
        double      budget_ms,
        FigureFunc  func,
        gpointer    data)
{
  g_autoptr(GError) error = NULL;
  double best = G_MAXDOUBLE, floor = G_MAXDOUBLE;

  /* One run to warm the page cache, as a page opened a second time. */
  if (!func (b->store, data, &error))
    g_error ("%s: %s", name, error->message);
  for (guint i = 0; i < b->runs; i++)
    {
      gint64 start;
      double ms;

      g_ptr_array_set_size (b->capture.sql, 0);
      b->capture.capturing = TRUE;
      start = g_get_monotonic_time ();
      if (!func (b->store, data, &error))
        g_error ("%s: %s", name, error->message);
      ms = (double) (g_get_monotonic_time () - start) / 1000.0;
      b->capture.capturing = FALSE;
      best = MIN (best, ms);
    }
  run_bare (b);
  for (guint i = 0; i < b->runs; i++)
    floor = MIN (floor, run_bare (b));
  g_print ("FIGURE\t%s\t%.2f\t%.0f\t%.2f\t%u statements\n", name, best, budget_ms, floor, b->capture.sql->len);
  /* SCIM_BENCH_SQL=1 shows what was run, to read its plan. */
  if (g_getenv ("SCIM_BENCH_SQL") != NULL)
    for (guint i = 0; i < b->capture.sql->len; i++)
      g_printerr ("%s\n\n", (char *) g_ptr_array_index (b->capture.sql, i));
}

/* The figures */

typedef struct
{
  ScimFunnelFilter filter;
} FunnelFigure;

static gboolean
one_funnel (ScimStore  *store,
            gpointer    data,
            GError    **error)
{
  FunnelFigure *f = data;
  g_autoptr(ScimFunnel) funnel = scim_store_funnel (store, &f->filter, error);

  return funnel != NULL;
}

static gboolean
all_funnels (ScimStore  *store,
             gpointer    data,
             GError    **error)
{
  FunnelFigure *f = data;
  g_autoptr(GPtrArray) funnels = scim_store_funnels (store, &f->filter, error);

  return funnels != NULL;
}

/* What a table of a page asks when it opens, as ScimRecordList does on its
 * worker: the first page of ids by key, then the rows of the first
 * screenful. */
typedef struct
{
  ScimQuery *query;
  GVariant  *key;      /* after the first page, of the last run */
} ListFigure;

#define ID_PAGE 500
#define PAGE_ROWS 100

static gboolean
ids_and_rows (ScimStore  *store,
              ListFigure *f,
              GVariant   *after,
              GError    **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GVariant *key = NULL;

  ids = scim_store_query_page (store, f->query, after, ID_PAGE, &key, NULL, error);
  if (ids == NULL)
    return FALSE;
  if (after == NULL)
    {
      g_clear_pointer (&f->key, g_variant_unref);
      f->key = key;
    }
  else
    g_clear_pointer (&key, g_variant_unref);
  rows = scim_store_load_rows (store, f->query->kind, (const gint64 *) (gpointer) ids->data,
                               MIN (PAGE_ROWS, ids->len), error);
  return rows != NULL;
}

static gboolean
list_page (ScimStore  *store,
           gpointer    data,
           GError    **error)
{
  return ids_and_rows (store, data, NULL, error);
}

/* The next page, once the first is on screen: its ids after the first
 * page's key, and its rows. */
static gboolean
next_page (ScimStore  *store,
           gpointer    data,
           GError    **error)
{
  ListFigure *f = data;

  if (f->key == NULL)
    return TRUE;
  return ids_and_rows (store, f, f->key, error);
}

static void
list_figure (Bench      *b,
             const char *name,
             double      budget_ms,
             ScimQuery  *query)
{
  ListFigure f = { query, NULL };

  figure (b, name, budget_ms, list_page, &f);
  g_clear_pointer (&f.key, g_variant_unref);
}

static gboolean
alerts (ScimStore  *store,
        gpointer    data,
        GError    **error)
{
  g_autoptr(GPtrArray) list = scim_store_list_alerts (store, NULL, error);

  return list != NULL;
}

/* Choosing whom and what to measure: the worst cases */

static gint64
busiest_product (ScimStore *store)
{
  g_autoptr(GError) error = NULL;
  ScimFunnelFilter none = { 0 };
  g_autoptr(GPtrArray) all = scim_store_funnels (store, &none, &error);
  gint64 product = 0, most = -1;

  if (all == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < all->len; i++)
    {
      ScimFunnel *funnel = g_ptr_array_index (all, i);
      gint64 n = funnel->in_work + funnel->won + funnel->lost + funnel->paused;

      if (n > most)
        {
          most = n;
          product = funnel->product_id;
        }
    }
  return product;
}

/* The salesperson with the most planned tasks: the worst case of "mine". */
static gint64
busiest_salesperson (ScimStore  *store,
                     char      **login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimQuery) users = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(GListModel) list = NULL;
  gint64 owner = 0, most = -1;

  users->state = g_strdup ("sales");
  list = scim_store_list (store, users, &error);
  if (list == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(ScimRecord) user = g_list_model_get_item (list, i);
      g_autoptr(ScimQuery) tasks = scim_query_new (SCIM_LIST_TASKS);
      g_autoptr(GArray) ids = NULL;

      if (scim_record_get_bool (user, "has-password"))
        continue;
      tasks->owner_id = scim_record_get_id (user);
      tasks->state = g_strdup ("planned");
      ids = scim_store_query_ids (store, tasks, NULL, &error);
      if (ids == NULL)
        g_error ("%s", error->message);
      if ((gint64) ids->len > most)
        {
          most = ids->len;
          owner = tasks->owner_id;
          g_free (*login);
          *login = g_strdup (scim_record_get_string (user, "login"));
        }
    }
  if (owner == 0)
    g_error ("no salesperson without a password");
  return owner;
}

/* A word that the search will find in some leads but not most: the
 * surname of a lead a third of the way down. */
static char *
search_word (ScimStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
  g_autoptr(GArray) ids = scim_store_query_ids (store, query, NULL, &error);
  g_autoptr(GPtrArray) rows = NULL;
  const char *name = NULL;
  g_auto(GStrv) words = NULL;

  if (ids == NULL || ids->len == 0)
    g_error ("no leads: %s", error != NULL ? error->message : "");
  rows = scim_store_load_rows (store, SCIM_LIST_LEADS, &g_array_index (ids, gint64, ids->len / 3), 1, &error);
  if (rows == NULL || rows->len == 0 || !g_variant_lookup (g_ptr_array_index (rows, 0), "name", "&s", &name))
    g_error ("no lead row");
  words = g_strsplit (name, " ", -1);
  return g_strdup (words[g_strv_length (words) - 1]);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = NULL;
  g_autofree char *login = NULL;
  g_autofree char *word = NULL;
  FunnelFigure funnel = { { 0 } };
  Bench b = { 0 };
  gint64 owner;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("usage: bench-budgets DB [RUNS]\n");
      return 2;
    }
  b.runs = MAX (argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5, 1u);

  b.store = scim_store_open (argv[1], SCIM_STORE_NO_CHECK, &error);
  if (b.store == NULL)
    g_error ("%s: %s", argv[1], error->message);
  b.bare = sql_bare_open (argv[1]);
  sql_capture_start (&b.capture, _scim_store_get_db (b.store), FALSE);

  owner = busiest_salesperson (b.store, &login);
  word = search_word (b.store);
  user = scim_store_sign_in (b.store, login, NULL, &error);
  if (user == NULL)
    g_error ("%s: %s", login, error->message);

  funnel.filter.product_id = busiest_product (b.store);
  figure (&b, "funnel of one product", 10, one_funnel, &funnel);
  figure (&b, "funnel of all products", 50, all_funnels, &funnel);
  funnel.filter.as_of = now - 180 * 86400;
  figure (&b, "funnel as of 180 days ago, all products", 200, all_funnels, &funnel);

  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);

    list_figure (&b, "Leads: first rows", 100, query);
    query->sort = 2;  /* by name */
    list_figure (&b, "Leads: sorted by name", 300, query);
    query->sort = 0;
    query->search = g_strdup (word);
    list_figure (&b, "Leads: a search", 100, query);
  }
  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_TASKS);

    query->due = SCIM_DUE_OVERDUE;
    query->owner_id = owner;
    list_figure (&b, "control: overdue tasks of one salesperson", 20, query);
    query->owner_id = 0;
    list_figure (&b, "control: overdue tasks of everyone", 100, query);
  }
  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);

    query->signal = SCIM_SALE_SIGNAL_NO_PLAN;
    list_figure (&b, "control: \"no plan\" sales", 100, query);
  }
  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_EVENTS);
    ListFigure f = { query, NULL };

    query->until = now;
    figure (&b, "sales book: first page", 50, list_page, &f);
    figure (&b, "sales book: the next page", 20, next_page, &f);
    g_clear_pointer (&f.key, g_variant_unref);
  }
  figure (&b, "all alerts of one user", 20, alerts, NULL);

  sql_capture_stop (&b.capture, _scim_store_get_db (b.store));
  sqlite3_close (b.bare);
  scim_store_close (b.store);
  g_object_unref (b.store);
  return 0;
}
