/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "scim-core.h"
#include "scim-store-private.h"
#include "sql-capture.h"

/* The hot queries' plans.  Every read the pages, the alerts check and the
 * funnel run is captured from the store's own connection (sqlite3_trace_v2,
 * bound values expanded) while they run on a small demo file, and its
 * EXPLAIN QUERY PLAN must not scan a big table (leads, sales, tasks, events,
 * the stage history) nor sort in a temporary B-tree what an index could
 * serve.  The planner has no statistics (the store never runs ANALYZE), so
 * a plan here is the plan on a file of any size. */

static const char * const big_tables[] = {
  "leads", "sales", "tasks", "events", "stage_changes", "stage_intervals", "event_news", "clients", NULL,
};

/* Known exceptions, each matched by a part of the statement and the plan
 * line, with the reason it may read so. */
typedef struct
{
  const char *sql_part;
  const char *plan_part;
  const char *why;
} Allowed;

static const Allowed allowed[] = {
  /* Bounded by their nature. */
  { "AND t.sale_id = ", "TEMP B-TREE", "the plan or the events of one sale" },
  { "FROM change_log l", "TEMP B-TREE", "the last 5,000 changes at most" },
  { "FROM plan_requests r", "TEMP B-TREE", "one user's open plan requests" },
  { "FROM products t", "TEMP B-TREE", "products: a short table" },
  { "FROM users u LEFT JOIN", "TEMP B-TREE", "users: a short table" },
  { "AND t.due_at >= ", "TEMP B-TREE", "tasks due in a day or a week" },
  /* Not yet where they should be (issue 14); each line goes when its
   * query is fixed, and nothing new may join them. */
  { "SELECT t.id FROM ", "", "a list's ids in display order, all at once: the CLI's lists, not the pages" },
  { "FROM tasks t WHERE 1", "TEMP B-TREE", "tasks in their default order or without a due date: no index has it" },
  { "FROM users u WHERE u.id = t.owner_id) COLLATE NOCASE", "", "leads by salesperson: a name of another table" },
  /* A choice: an index each would slow every import (see schema version 12). */
  { "ORDER BY t.name COLLATE NOCASE, t.id", "", "leads by name: sorted, about 0.1 s on 150,000" },
  { "ORDER BY t.company COLLATE NOCASE, t.id", "", "leads by company: sorted, about 0.1 s on 150,000" },
  { "ORDER BY t.source COLLATE NOCASE", "", "leads by source: sorted, about 0.1 s on 150,000" },
  { "AND t.id IN (SELECT e.id FROM event_read_upto m", "TEMP B-TREE", "only unread: as many as are unread" },
  { NULL, NULL, NULL },
};

/* The table a name in a plan line stands for: an alias of the statement
 * ("FROM leads t"), or the table itself. */
static char *
table_of (const char *sql,
          const char *name)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\b(?:FROM|JOIN)\\s+(\\w+)(?:\\s+(?:AS\\s+)?(\\w+))?",
                                         G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_regex_match (regex, sql, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *table = g_match_info_fetch (match, 1);
      g_autofree char *alias = g_match_info_fetch (match, 2);

      if (g_strcmp0 (alias, name) == 0 || g_strcmp0 (table, name) == 0)
        return g_steal_pointer (&table);
      g_match_info_next (match, NULL);
    }
  return g_strdup (name);
}

static const Allowed *
find_allowed (const char *sql,
              const char *line)
{
  for (const Allowed *a = allowed; a->sql_part != NULL; a++)
    if (strstr (sql, a->sql_part) != NULL && strstr (line, a->plan_part) != NULL)
      return a;
  return NULL;
}

/* Returns the offending plan lines of @sql, or an empty string. */
static char *
bad_plan (sqlite3    *db,
          const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  GString *bad = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 3);
      gboolean wrong = FALSE;

      if (g_str_has_prefix (line, "SCAN "))
        {
          g_auto(GStrv) words = g_strsplit (line + 5, " ", 2);
          g_autofree char *table = table_of (sql, words[0]);

          /* A bounded read of an index in its order is a page, not a scan. */
          wrong = g_strv_contains (big_tables, table) &&
                  !(strstr (line, " USING ") != NULL && strstr (sql, " LIMIT ") != NULL);
        }
      /* A sort of the right part of an order sorts each run of equal
       * leading keys as it comes: a page stops early, as with an index. */
      else if (strstr (line, "USE TEMP B-TREE FOR") != NULL && strstr (line, "GROUP BY") == NULL &&
               strstr (line, "DISTINCT") == NULL && strstr (line, "RIGHT PART") == NULL)
        wrong = TRUE;
      if (wrong && find_allowed (sql, line) == NULL)
        g_string_append_printf (bad, "  %s\n", line);
    }
  sqlite3_finalize (stmt);
  return g_string_free (bad, FALSE);
}

typedef struct
{
  char      *dir;
  char      *path;
  ScimStore *store;
  SqlCapture capture;
  gint64     owner;
  gint64     product;
  gint64     sale;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = NULL;
  g_autoptr(ScimQuery) users = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(ScimQuery) sales = scim_query_new (SCIM_LIST_SALES);
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(ScimRecord) first = NULL;

  f->dir = g_dir_make_tmp ("scim-plans-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "plans.db", NULL);
  f->store = scim_store_open (f->path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (scim_store_fill_demo (f->store, SCIM_DEMO_SMALL, 7, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  users->state = g_strdup ("sales");
  list = scim_store_list (f->store, users, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), >, 0);
  first = g_list_model_get_item (list, 0);
  f->owner = scim_record_get_id (first);
  user = scim_store_sign_in (f->store, scim_record_get_string (first, "login"), NULL, &error);
  g_assert_no_error (error);

  ids = scim_store_query_ids (f->store, sales, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, >, 0);
  f->sale = g_array_index (ids, gint64, 0);
  {
    g_autoptr(ScimSale) sale = scim_store_get_sale (f->store, f->sale, &error);

    g_assert_no_error (error);
    f->product = scim_record_get_int (SCIM_RECORD (sale), "product-id");
  }

  sql_capture_start (&f->capture, _scim_store_get_db (f->store), TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  sql_capture_stop (&f->capture, _scim_store_get_db (f->store));
  scim_store_close (f->store);
  g_object_unref (f->store);
  g_unlink (f->path);
  g_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* The list read page by page, by key, is the list read at once. */
static void
assert_pages_by_key (Fixture   *f,
                     ScimQuery *query,
                     GArray    *all)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) walked = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GVariant) key = NULL;
  guint pages = 0;

  do
    {
      GVariant *next = NULL;
      g_autoptr(GArray) page = scim_store_query_page (f->store, query, key, 50, &next, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->len, <=, 50);
      g_array_append_vals (walked, page->data, page->len);
      g_clear_pointer (&key, g_variant_unref);
      key = next;
      g_assert_cmpuint (++pages, <=, all->len / 50 + 2);
    }
  while (key != NULL);
  g_assert_cmpmem (walked->data, walked->len * sizeof (gint64), all->data, all->len * sizeof (gint64));
}

/* What a table runs for @query: its ids and its first page of rows; and
 * the same ids page by page. */
static void
run_list (Fixture   *f,
          ScimQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = scim_store_query_ids (f->store, query, NULL, &error);
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_no_error (error);
  assert_pages_by_key (f, query, ids);
  if (ids->len == 0)
    {
      gint64 none = 0;

      /* The rows query still runs, for its plan. */
      rows = scim_store_load_rows (f->store, query->kind, &none, 1, &error);
    }
  else
    rows = scim_store_load_rows (f->store, query->kind, (const gint64 *) (gpointer) ids->data, MIN (ids->len, 100u),
                                 &error);
  g_assert_no_error (error);
}

static ScimQuery *
query_new (ScimListKind kind)
{
  return scim_query_new (kind);
}

static void
run_hot_queries (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char * const *sorts;
  ScimFunnelFilter filter = { 0 };

  /* The funnel, now and as of a past day, one product and all. */
  filter.product_id = f->product;
  {
    g_autoptr(ScimFunnel) funnel = scim_store_funnel (f->store, &filter, &error);
    g_assert_no_error (error);
  }
  filter.as_of = now - 30 * 86400;
  {
    g_autoptr(GPtrArray) funnels = scim_store_funnels (f->store, &filter, &error);
    g_assert_no_error (error);
  }
  filter.as_of = 0;
  {
    g_autoptr(GPtrArray) funnels = scim_store_funnels (f->store, &filter, &error);
    g_assert_no_error (error);
  }

  /* The Leads table: its own order, every other order, a search, a state, mine. */
  sorts = scim_list_kind_get_sorts (SCIM_LIST_LEADS);
  for (guint i = 0; sorts[i] != NULL; i++)
    {
      g_autoptr(ScimQuery) query = query_new (SCIM_LIST_LEADS);

      query->sort = i;
      run_list (f, query);
    }
  {
    g_autoptr(ScimQuery) query = query_new (SCIM_LIST_LEADS);

    query->search = g_strdup ("ab");
    run_list (f, query);
    g_clear_pointer (&query->search, g_free);
    query->state = g_strdup ("new");
    run_list (f, query);
    query->owner_id = f->owner;
    run_list (f, query);
  }

  /* The control view: tasks by due date, mine and everyone's; sales by signal. */
  for (ScimDueFilter due = SCIM_DUE_ANY; due <= SCIM_DUE_NONE; due++)
    {
      g_autoptr(ScimQuery) query = query_new (SCIM_LIST_TASKS);

      query->due = due;
      query->state = due == SCIM_DUE_ANY ? g_strdup ("planned") : NULL;
      query->owner_id = f->owner;
      run_list (f, query);
      query->owner_id = 0;
      if (due != SCIM_DUE_ANY)
        run_list (f, query);
    }
  for (ScimSaleSignal signal = SCIM_SALE_SIGNAL_NONE; signal <= SCIM_SALE_SIGNAL_STUCK; signal++)
    {
      g_autoptr(ScimQuery) query = query_new (SCIM_LIST_SALES);

      query->signal = signal;
      query->owner_id = f->owner;
      run_list (f, query);
      query->owner_id = 0;
      run_list (f, query);
    }
  {
    g_autoptr(GPtrArray) rows = scim_store_discipline (f->store, 0, &error);
    g_assert_no_error (error);
  }

  /* The sale window: the sale, its history, its plan, its events. */
  {
    g_autoptr(ScimSale) sale = scim_store_get_sale (f->store, f->sale, &error);
    g_autoptr(GPtrArray) history = NULL;
    g_autoptr(ScimQuery) plan = query_new (SCIM_LIST_TASKS);
    g_autoptr(ScimQuery) events = query_new (SCIM_LIST_EVENTS);

    g_assert_no_error (error);
    history = scim_store_sale_history (f->store, f->sale, &error);
    g_assert_no_error (error);
    plan->sale_id = f->sale;
    run_list (f, plan);
    events->sale_id = f->sale;
    run_list (f, events);
  }

  /* The Sales book: the past, the planned, only unread, a kind, a product. */
  {
    g_autoptr(ScimQuery) query = query_new (SCIM_LIST_EVENTS);

    query->until = now;
    run_list (f, query);
    query->since = now - 7 * 86400;
    run_list (f, query);
    query->since = 0;
    query->only_unread = TRUE;
    run_list (f, query);
    query->only_unread = FALSE;
    query->event_kind = g_strdup ("call");
    run_list (f, query);
    g_clear_pointer (&query->event_kind, g_free);
    query->product_id = f->product;
    run_list (f, query);
    query->until = 0;
    query->product_id = 0;
    query->since = now + 1;
    run_list (f, query);
    g_assert_cmpint (scim_store_count_unread_events (f->store, &error), >=, 0);
    g_assert_no_error (error);
  }

  /* The alerts check. */
  {
    g_autoptr(GPtrArray) alerts = scim_store_list_alerts (f->store, NULL, &error);
    g_assert_no_error (error);
  }
}

static void
test_hot_queries (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) report = g_string_new (NULL);
  sqlite3 *db = _scim_store_get_db (f->store);
  guint n_bad = 0;

  f->capture.capturing = TRUE;
  run_hot_queries (f);
  f->capture.capturing = FALSE;

  /* Enough of them to be the real thing. */
  g_assert_cmpuint (f->capture.sql->len, >=, 40);
  for (guint i = 0; i < f->capture.sql->len; i++)
    {
      const char *sql = g_ptr_array_index (f->capture.sql, i);
      g_autofree char *bad = bad_plan (db, sql);

      if (bad[0] != '\0')
        {
          n_bad++;
          g_string_append_printf (report, "%s\n%s\n", sql, bad);
        }
    }
  if (n_bad > 0)
    g_test_message ("%u of %u hot queries read more than they should:\n%s", n_bad, f->capture.sql->len,
                    report->str);
  g_assert_cmpuint (n_bad, ==, 0);
}

/* The checker itself: a scan and a sort that an index should serve are
 * found, and an indexed range is not. */
static void
test_checker (Fixture       *f,
              gconstpointer  data)
{
  sqlite3 *db = _scim_store_get_db (f->store);
  g_autofree char *scan = bad_plan (db, "SELECT t.name FROM leads t WHERE t.notes = 'x'");
  g_autofree char *sort = bad_plan (db, "SELECT t.title FROM tasks t ORDER BY t.title");
  g_autofree char *range = bad_plan (db, "SELECT t.title FROM events t WHERE t.at > 5 ORDER BY t.at LIMIT 100");
  g_autofree char *page = bad_plan (db, "SELECT t.name FROM leads t ORDER BY t.received_at DESC LIMIT 100");
  g_autofree char *all = bad_plan (db, "SELECT t.name FROM leads t ORDER BY t.received_at DESC");

  g_assert_nonnull (strstr (scan, "SCAN t"));
  g_assert_nonnull (strstr (sort, "TEMP B-TREE"));
  g_assert_cmpstr (range, ==, "");
  g_assert_cmpstr (page, ==, "");
  g_assert_nonnull (strstr (all, "SCAN t USING"));
}

/* The steps of the Leads table's and the Sales book's first page: the
 * same for a file of 10,000 leads and events as for one of 100,000. */
static guint64
first_page_steps (Fixture      *f,
                  ScimListKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (kind);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GVariant) key = NULL;
  guint64 before;

  if (kind == SCIM_LIST_EVENTS)
    query->until = g_get_real_time () / G_USEC_PER_SEC;
  before = scim_store_get_vm_steps (f->store);
  ids = scim_store_query_page (f->store, query, NULL, 100, &key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 100);
  g_assert_nonnull (key);
  return scim_store_get_vm_steps (f->store) - before;
}

static void
add_rows (Fixture *f,
          guint    leads_to,
          guint    events_to)
{
  g_autofree char *sql = g_strdup_printf (
    "PRAGMA foreign_keys = ON;"
    "WITH RECURSIVE n(i) AS (SELECT (SELECT count(*) FROM leads) UNION ALL SELECT i + 1 FROM n WHERE i < %u) "
    "INSERT INTO leads (name, company, received_at, created_at) "
    "SELECT 'Lead ' || i, 'Company ' || (i %% 977), 1600000000 + (i * 7919) %% 200000000, 1600000000 FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT (SELECT count(*) FROM events) UNION ALL SELECT i + 1 FROM n WHERE i < %u) "
    "INSERT INTO events (sale_id, kind, title, text, at, planned, author_id, created_at) "
    "SELECT (SELECT min(id) FROM sales) + i %% 50, 'call', 'Call ' || i, '', 1600000000 + (i * 7919) %% 190000000, 0, "
    "NULL, 1600000000 FROM n;", leads_to, events_to);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_first_page_rows (Fixture       *f,
                      gconstpointer  data)
{
  guint64 leads_10k, leads_100k, events_10k, events_100k;

  add_rows (f, 10000, 10000);
  leads_10k = first_page_steps (f, SCIM_LIST_LEADS);
  events_10k = first_page_steps (f, SCIM_LIST_EVENTS);
  add_rows (f, 100000, 100000);
  leads_100k = first_page_steps (f, SCIM_LIST_LEADS);
  events_100k = first_page_steps (f, SCIM_LIST_EVENTS);
  g_test_message ("first page: leads %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT " steps, events %" G_GUINT64_FORMAT
                  " and %" G_GUINT64_FORMAT, leads_10k, leads_100k, events_10k, events_100k);
  g_assert_cmpuint (leads_10k, ==, leads_100k);
  g_assert_cmpuint (events_10k, ==, events_100k);
  /* And the whole list does grow: the count is real. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
    guint64 before = scim_store_get_vm_steps (f->store);
    g_autoptr(GArray) ids = scim_store_query_ids (f->store, query, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (ids->len, >=, 100000);
    g_assert_cmpuint (scim_store_get_vm_steps (f->store) - before, >, 100 * leads_100k);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("LANGUAGE", "en", TRUE);

  g_test_add ("/plans/checker", Fixture, NULL, fixture_set_up, test_checker, fixture_tear_down);
  g_test_add ("/plans/hot-queries", Fixture, NULL, fixture_set_up, test_hot_queries, fixture_tear_down);
  g_test_add ("/plans/first-page-rows", Fixture, NULL, fixture_set_up, test_first_page_rows, fixture_tear_down);
  return g_test_run ();
}
