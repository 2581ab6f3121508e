/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-demo"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-demo.h"
#include "scim-query.h"
#include "scim-store.h"

#define SEED 7

/* One small fill shared by the read-only checks. */
static char *tmp_dir;
static char *shared_path;
static sqlite3 *shared_db;

static char *
make_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);

  g_assert_cmpint (rc, ==, SQLITE_OK);
  return db;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  g_assert_true (rc == SQLITE_ROW || rc == SQLITE_DONE);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* A digest of every row a query returns, to compare two databases. */
static char *
query_digest (sqlite3    *db,
              const char *sql)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const unsigned char *text = sqlite3_column_text (stmt, i);

          g_checksum_update (checksum, text != NULL ? text : (const guchar *) "\1NULL", -1);
          g_checksum_update (checksum, (const guchar *) "\t", 1);
        }
      g_checksum_update (checksum, (const guchar *) "\n", 1);
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return g_strdup (g_checksum_get_string (checksum));
}

static ScimStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  ScimStore *store = scim_store_open (path, SCIM_STORE_CREATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
fill (const char    *path,
      ScimDemoScale  scale,
      guint32        seed)
{
  g_autoptr(ScimStore) store = open_store (path);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = scim_store_fill_demo (store, scale, seed, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
test_scale_from_string (void)
{
  ScimDemoScale scale = SCIM_DEMO_LARGE;
  ScimDemoCounts small, medium, large;

  g_assert_true (scim_demo_scale_from_string ("small", &scale));
  g_assert_cmpint (scale, ==, SCIM_DEMO_SMALL);
  g_assert_true (scim_demo_scale_from_string ("medium", &scale));
  g_assert_cmpint (scale, ==, SCIM_DEMO_MEDIUM);
  g_assert_true (scim_demo_scale_from_string ("large", &scale));
  g_assert_cmpint (scale, ==, SCIM_DEMO_LARGE);
  g_assert_false (scim_demo_scale_from_string ("huge", &scale));
  g_assert_false (scim_demo_scale_from_string ("", &scale));
  g_assert_false (scim_demo_scale_from_string (NULL, &scale));

  scim_demo_get_counts (SCIM_DEMO_SMALL, &small);
  scim_demo_get_counts (SCIM_DEMO_MEDIUM, &medium);
  scim_demo_get_counts (SCIM_DEMO_LARGE, &large);
  g_assert_cmpuint (small.sales, ==, 400);
  g_assert_cmpuint (medium.sales, ==, 10 * small.sales);
  g_assert_cmpuint (large.sales, ==, 200000);
  g_assert_cmpuint (large.tasks, ==, 1000000);
  g_assert_cmpuint (large.events, ==, 1000000);
  g_assert_cmpuint (large.users, ==, 50);
  g_assert_cmpuint (large.products, ==, 20);
}

static void
test_counts (void)
{
  ScimDemoCounts counts;

  scim_demo_get_counts (SCIM_DEMO_SMALL, &counts);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM users"), ==, counts.users);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM products"), ==, counts.products);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM audiences"), ==, counts.audiences);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM clients"), ==, counts.clients);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM leads"), ==, counts.leads);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM sales"), ==, counts.sales);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM tasks"), ==, counts.tasks);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM events"), ==, counts.events);

  /* One to three contacts for every client. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM clients c WHERE "
                              "(SELECT count(*) FROM contacts WHERE client_id = c.id) NOT BETWEEN 1 AND 3"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(DISTINCT role) FROM contacts"), ==, 4);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM clients WHERE audience_id IS NULL OR manager_id IS NULL "
                              "OR length(tax_id) NOT IN (10, 12) OR tax_id GLOB '*[^0-9]*' "
                              "OR phones = '' OR emails = ''"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM clients WHERE is_customer = 1"), >, 0);

  /* One change per table, not one per row. */
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM change_log"), <=, 20);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM change_log WHERE entity = 'sales' AND action = 'insert'"),
                   ==, 1);
}

static void
test_users (void)
{
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM users WHERE login = 'admin' AND role = 'admin'"),
                   ==, 1);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM users WHERE role = 'head' AND may_accept = 1"),
                   >=, 1);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM users WHERE role = 'sales'"), >=, 1);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM users WHERE password_hash IS NOT NULL"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM users WHERE full_name = '' OR active != 1"),
                   ==, 0);
}

static void
test_funnel (void)
{
  /* Every stage of every product holds at least one sale. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM stages st WHERE NOT EXISTS "
                              "(SELECT 1 FROM sales WHERE stage_id = st.id)"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM stages WHERE product_id = 1"), ==, 12);
  /* Each product has open, won, lost and paused stages. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM products p WHERE "
                              "(SELECT count(DISTINCT kind) FROM stages WHERE product_id = p.id) != 4 "
                              "OR (SELECT count(*) FROM stages WHERE product_id = p.id) NOT BETWEEN 5 AND 12"),
                   ==, 0);

  /* A sale's stage and the time it entered it are those of its last move. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM sales s JOIN "
                              "(SELECT sale_id, to_stage_id, at, row_number () OVER "
                              "  (PARTITION BY sale_id ORDER BY at DESC, id DESC) AS n FROM stage_changes) c "
                              "ON c.sale_id = s.id AND c.n = 1 "
                              "WHERE c.to_stage_id != s.stage_id OR c.at != s.stage_entered_at"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM sales s WHERE NOT EXISTS "
                              "(SELECT 1 FROM stage_changes WHERE sale_id = s.id)"),
                   ==, 0);
  /* The first move comes from nowhere at the creation; later ones from the previous stage. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM sales s JOIN stage_changes c ON c.sale_id = s.id "
                              "WHERE c.at = (SELECT min(at) FROM stage_changes WHERE sale_id = s.id) "
                              "AND (c.from_stage_id IS NOT NULL OR c.at != s.created_at)"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM stage_changes c WHERE c.from_stage_id IS NOT NULL AND "
                              "c.from_stage_id != (SELECT p.to_stage_id FROM stage_changes p "
                              " WHERE p.sale_id = c.sale_id AND (p.at < c.at OR (p.at = c.at AND p.id < c.id)) "
                              " ORDER BY p.at DESC, p.id DESC LIMIT 1)"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM stage_changes WHERE at > strftime('%s', 'now')"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM sales WHERE created_at < strftime('%s', 'now') - 367 * 86400"),
                   ==, 0);
  /* Moves back, pauses and history: more moves than sales. */
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM stage_changes"), >,
                   3 * query_int (shared_db, "SELECT count(*) FROM sales"));

  /* Closed sales have closed_at; lost ones a reason. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM sales s JOIN stages st ON st.id = s.stage_id "
                              "WHERE (st.kind IN ('won', 'lost')) != (s.closed_at IS NOT NULL)"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM sales s JOIN stages st ON st.id = s.stage_id "
                              "WHERE st.kind = 'lost' AND coalesce(s.lost_reason, '') = ''"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM sales WHERE amount NOT BETWEEN 5000000 AND 500000000 "
                              "OR expected_close IS NULL"),
                   ==, 0);

  /* The trigger kept one open interval per sale. */
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM stage_intervals WHERE left_at IS NULL"), ==,
                   query_int (shared_db, "SELECT count(*) FROM sales"));
}

static void
test_tasks (void)
{
  const char *now = "strftime('%s', 'now')";
  g_autofree char *overdue = g_strdup_printf ("SELECT count(*) FROM tasks WHERE state = 'planned' "
                                              "AND due_at < %s - 86400", now);
  g_autofree char *future = g_strdup_printf ("SELECT count(*) FROM tasks WHERE state = 'planned' "
                                             "AND due_at > %s + 86400", now);

  g_assert_cmpint (query_int (shared_db, overdue), >, 0);
  g_assert_cmpint (query_int (shared_db, future), >, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM tasks WHERE state = 'done'"), >, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM tasks WHERE state = 'failed'"), >, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM tasks WHERE state = 'cancelled'"), >, 0);
  /* A negative result is a result too. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM tasks WHERE state IN ('done', 'failed') "
                              "AND length(trim(result)) = 0"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM tasks WHERE (state = 'planned') = (closed_at IS NOT NULL)"),
                   ==, 0);
  /* Only sales in work have planned tasks; the target is a stage of the sale's product. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM tasks t JOIN sales s ON s.id = t.sale_id "
                              "JOIN stages st ON st.id = s.stage_id "
                              "WHERE t.state = 'planned' AND st.kind IN ('won', 'lost')"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM tasks t JOIN sales s ON s.id = t.sale_id "
                              "LEFT JOIN stages st ON st.id = t.target_stage_id "
                              "WHERE st.product_id IS NOT s.product_id"),
                   ==, 0);
  /* Positions are unique within a sale. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM (SELECT sale_id, position FROM tasks "
                              "GROUP BY sale_id, position HAVING count(*) > 1)"),
                   ==, 0);
}

static void
test_events (void)
{
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM events WHERE planned = 1 AND at > strftime('%s', 'now')"),
                   >, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM events WHERE planned = 0 AND at > strftime('%s', 'now')"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM events WHERE planned = 1 AND at <= strftime('%s', 'now')"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(DISTINCT kind) FROM events"), ==, 8);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM events WHERE author_id IS NULL OR text = ''"),
                   ==, 0);
}

static void
test_leads (void)
{
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM leads WHERE state = 'new'"), >, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM leads WHERE state = 'accepted'"), >, 0);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM leads WHERE state = 'rejected'"), >, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM leads WHERE state != 'new' AND "
                              "(decided_by IS NULL OR decided_at IS NULL OR decided_at < received_at)"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM leads WHERE state = 'accepted' AND "
                              "(owner_id IS NULL OR client_id IS NULL)"),
                   ==, 0);
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM leads WHERE received_at > strftime('%s', 'now') "
                              "OR received_at < strftime('%s', 'now') - 367 * 86400"),
                   ==, 0);
  /* Every accepted lead became a sale of the same client. */
  g_assert_cmpint (query_int (shared_db,
                              "SELECT count(*) FROM leads l WHERE state = 'accepted' AND NOT EXISTS "
                              "(SELECT 1 FROM sales s WHERE s.lead_id = l.id AND s.client_id = l.client_id)"),
                   ==, 0);
}

static void
test_foreign_keys (void)
{
  g_autofree char *check = NULL;

  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (shared_db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    check = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  g_assert_cmpstr (check, ==, "ok");
}

static const char * const digest_queries[] = {
  "SELECT sum(amount), count(*), sum(stage_id), sum(created_at) FROM sales",
  "SELECT name, tax_id, phones, emails FROM clients ORDER BY id",
  "SELECT login, full_name, role FROM users ORDER BY id",
  "SELECT name, kind, probability FROM stages ORDER BY id",
  "SELECT sale_id, to_stage_id, at FROM stage_changes ORDER BY id",
  "SELECT sale_id, title, state, result, due_at FROM tasks ORDER BY id",
  "SELECT sale_id, kind, title, at, planned FROM events ORDER BY id",
  "SELECT name, company, state, received_at FROM leads ORDER BY id",
};

static void
test_reproducible (void)
{
  g_autofree char *path_a = make_path ("same-seed.db");
  g_autofree char *path_b = make_path ("other-seed.db");
  sqlite3 *db_a, *db_b;
  guint n_different = 0;

  fill (path_a, SCIM_DEMO_SMALL, SEED);
  fill (path_b, SCIM_DEMO_SMALL, SEED + 1);
  db_a = open_db (path_a);
  db_b = open_db (path_b);

  for (guint i = 0; i < G_N_ELEMENTS (digest_queries); i++)
    {
      g_autofree char *shared = query_digest (shared_db, digest_queries[i]);
      g_autofree char *same = query_digest (db_a, digest_queries[i]);
      g_autofree char *other = query_digest (db_b, digest_queries[i]);

      g_assert_cmpstr (shared, ==, same);
      if (g_strcmp0 (shared, other) != 0)
        n_different++;
    }
  /* Another seed gives other data (the first stage names may agree). */
  g_assert_cmpuint (n_different, >=, G_N_ELEMENTS (digest_queries) - 1);
  {
    g_autofree char *a = query_digest (shared_db, digest_queries[0]);
    g_autofree char *b = query_digest (db_b, digest_queries[0]);

    g_assert_cmpstr (a, !=, b);
  }

  sqlite3_close (db_a);
  sqlite3_close (db_b);
}

static void
test_refuse_nonempty (void)
{
  g_autoptr(ScimStore) store = open_store (shared_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 log_before, log_after;
  gboolean ok;

  before = query_digest (shared_db, "SELECT count(*), sum(amount) FROM sales");
  log_before = query_int (shared_db, "SELECT count(*) FROM change_log");

  ok = scim_store_fill_demo (store, SCIM_DEMO_SMALL, 99, NULL, NULL, NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_false (ok);

  after = query_digest (shared_db, "SELECT count(*), sum(amount) FROM sales");
  log_after = query_int (shared_db, "SELECT count(*) FROM change_log");
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (log_before, ==, log_after);
  g_assert_cmpint (query_int (shared_db, "SELECT count(*) FROM users"), ==, 5);
}

static void
test_cancelled_before (void)
{
  g_autofree char *path = make_path ("cancelled-before.db");
  g_autoptr(ScimStore) store = open_store (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  gboolean ok;

  g_cancellable_cancel (cancellable);
  ok = scim_store_fill_demo (store, SCIM_DEMO_SMALL, SEED, cancellable, NULL, NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED);
  g_assert_false (ok);

  db = open_db (path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sales"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM users"), ==, 0);
  sqlite3_close (db);
}

typedef struct
{
  GCancellable *cancellable;
  double        last;
  guint         calls;
  gboolean      backwards;
} ProgressData;

static void
cancel_halfway_cb (double   fraction,
                   gpointer user_data)
{
  ProgressData *data = user_data;

  if (fraction < data->last)
    data->backwards = TRUE;
  data->last = fraction;
  data->calls++;
  if (fraction >= 0.5 && data->cancellable != NULL)
    g_cancellable_cancel (data->cancellable);
}

static void
test_cancelled_halfway (void)
{
  g_autofree char *path = make_path ("cancelled-halfway.db");
  g_autoptr(ScimStore) store = open_store (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ProgressData data = { cancellable, 0, 0, FALSE };
  sqlite3 *db;
  gboolean ok;

  ok = scim_store_fill_demo (store, SCIM_DEMO_SMALL, SEED, cancellable, cancel_halfway_cb, &data, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED);
  g_assert_false (ok);
  g_assert_cmpuint (data.calls, >, 0);
  g_assert_cmpfloat (data.last, <, 1.0);

  /* The fill is one transaction: nothing of it is left. */
  db = open_db (path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sales"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM clients"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM users"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM change_log"), ==, 0);
  sqlite3_close (db);

  /* The same store can then be filled. */
  g_clear_error (&error);
  data.cancellable = NULL;
  data.last = 0;
  data.calls = 0;
  ok = scim_store_fill_demo (store, SCIM_DEMO_SMALL, SEED, NULL, cancel_halfway_cb, &data, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (data.backwards);
  g_assert_cmpfloat (data.last, ==, 1.0);
  g_assert_cmpuint (data.calls, >, 10);
}

static void
test_existing_admin (void)
{
  g_autofree char *path = make_path ("existing-admin.db");
  g_autoptr(ScimStore) store = open_store (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *reused = NULL;
  g_autofree char *fresh = NULL;
  ScimDemoCounts counts;
  sqlite3 *db;
  gboolean ok;

  db = open_db (path);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO users (login, full_name, role, password_hash, created_at) "
                                 "VALUES ('admin', 'First Admin', 'admin', 'x', 1)",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);

  ok = scim_store_fill_demo (store, SCIM_DEMO_SMALL, SEED, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  scim_demo_get_counts (SCIM_DEMO_SMALL, &counts);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM users"), ==, counts.users);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM users WHERE login = 'admin' AND full_name = 'First Admin'"),
                   ==, 1);
  /* The rest of the data does not depend on who was there before. */
  reused = query_digest (db, digest_queries[0]);
  fresh = query_digest (shared_db, digest_queries[0]);
  g_assert_cmpstr (reused, ==, fresh);
  sqlite3_close (db);
}

static void
test_russian (void)
{
  g_autofree char *path = make_path ("russian.db");
  g_autofree char *saved = g_strdup (g_getenv ("LANGUAGE"));
  sqlite3 *db;

  g_setenv ("LANGUAGE", "ru_RU", TRUE);
  fill (path, SCIM_DEMO_SMALL, SEED);
  if (saved != NULL)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  db = open_db (path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM clients WHERE name LIKE 'ООО «%»'"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM clients WHERE name LIKE 'ИП %' AND kind = 'person' "
                                  "AND length(tax_id) = 12"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM clients WHERE kind = 'company' AND length(tax_id) != 10"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM tasks WHERE title = 'Направить КП'"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  sqlite3_close (db);
}

/* The listing's cursor reads the rows scim_store_load_listing_rows() makes,
 * in the order of the ids asked for, whatever that order; ids of no row
 * are left out. */
typedef struct
{
  GPtrArray *expected;   /* the rows in the order of the ids */
  guint      next;
  guint      values;
} CursorCheck;

static void
check_cursor_row_cb (ScimRowCursor *cursor,
                     gpointer       user_data)
{
  CursorCheck *check = user_data;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  GVariant *row;

  g_assert_cmpuint (check->next, <, check->expected->len);
  row = g_ptr_array_index (check->expected, check->next++);
  g_variant_iter_init (&iter, row);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      int column = scim_row_cursor_find (cursor, key);
      gint64 n = 0;

      g_assert_cmpint (column, >=, 0);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        {
          g_assert_true (scim_row_cursor_get_int (cursor, column, &n));
          g_assert_cmpint (n, ==, g_variant_get_int64 (value));
          g_assert_null (scim_row_cursor_get_text (cursor, column));
        }
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          g_assert_cmpstr (scim_row_cursor_get_text (cursor, column), ==, g_variant_get_string (value, NULL));
          g_assert_false (scim_row_cursor_get_int (cursor, column, NULL));
        }
      check->values++;
    }
  g_assert_cmpint (scim_row_cursor_find (cursor, "no such column"), ==, -1);
  g_assert_false (scim_row_cursor_get_int (cursor, -1, NULL));
  g_assert_null (scim_row_cursor_get_text (cursor, -1));
}

static void
test_listing_cursor (void)
{
  static const ScimListKind kinds[] = {
    SCIM_LIST_USERS, SCIM_LIST_CLIENTS, SCIM_LIST_PRODUCTS, SCIM_LIST_LEADS,
    SCIM_LIST_SALES, SCIM_LIST_TASKS, SCIM_LIST_EVENTS, SCIM_LIST_CONTACTS,
  };
  g_autoptr(ScimStore) store = open_store (shared_path);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const char * const *sorts = scim_list_kind_get_sorts (kinds[k]);
      guint n_sorts = sorts != NULL ? g_strv_length ((char **) sorts) : 1;

      for (guint round = 0; round < 3; round++)
        {
          g_autoptr(ScimQuery) query = scim_query_new (kinds[k]);
          g_autoptr(GArray) ids = NULL;
          g_autoptr(GArray) asked = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_autoptr(GPtrArray) rows = NULL;
          g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
          g_autoptr(GPtrArray) expected = g_ptr_array_new ();
          g_autoptr(GError) error = NULL;
          CursorCheck check = { expected, 0, 0 };
          gint64 none = G_MAXINT32;
          gboolean ok;

          query->sort = n_sorts > 1 ? g_rand_int_range (rand, 0, (gint32) n_sorts) : 0;
          ids = scim_store_query_ids (store, query, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (ids->len, >, 0);

          /* Some of the rows in a shuffled order, and an id of no row. */
          for (guint i = 0; i < ids->len; i++)
            if (g_rand_int_range (rand, 0, 4) == 0 || ids->len < 8)
              g_array_append_val (asked, g_array_index (ids, gint64, i));
          for (guint i = asked->len; i > 1; i--)
            {
              guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
              gint64 swap = g_array_index (asked, gint64, i - 1);

              g_array_index (asked, gint64, i - 1) = g_array_index (asked, gint64, j);
              g_array_index (asked, gint64, j) = swap;
            }
          g_array_insert_val (asked, (guint) g_rand_int_range (rand, 0, (gint32) asked->len + 1), none);

          rows = scim_store_load_listing_rows (store, kinds[k], (gint64 *) asked->data, asked->len, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (rows->len, ==, asked->len - 1);
          for (guint i = 0; i < rows->len; i++)
            {
              g_autoptr(GVariant) id = scim_row_lookup (g_ptr_array_index (rows, i), "id");

              g_hash_table_insert (by_id, (gpointer) g_variant_get_data (id), g_ptr_array_index (rows, i));
            }
          for (guint i = 0; i < asked->len; i++)
            {
              GVariant *row = g_hash_table_lookup (by_id, &g_array_index (asked, gint64, i));

              if (row != NULL)
                g_ptr_array_add (expected, row);
            }
          g_assert_cmpuint (expected->len, ==, rows->len);

          ok = scim_store_each_listing_row (store, kinds[k], (gint64 *) asked->data, asked->len,
                                            check_cursor_row_cb, &check, &error);
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpuint (check.next, ==, expected->len);
          g_assert_cmpuint (check.values, >=, expected->len * 3);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* English data unless a test asks for Russian. */
  g_setenv ("LANGUAGE", "en", TRUE);

  tmp_dir = g_dir_make_tmp ("scim-demo-XXXXXX", &error);
  g_assert_no_error (error);
  shared_path = make_path ("demo.db");
  fill (shared_path, SCIM_DEMO_SMALL, SEED);
  shared_db = open_db (shared_path);

  g_test_add_func ("/demo/scale-from-string", test_scale_from_string);
  g_test_add_func ("/demo/small/counts", test_counts);
  g_test_add_func ("/demo/small/users", test_users);
  g_test_add_func ("/demo/small/funnel", test_funnel);
  g_test_add_func ("/demo/small/tasks", test_tasks);
  g_test_add_func ("/demo/small/events", test_events);
  g_test_add_func ("/demo/small/leads", test_leads);
  g_test_add_func ("/demo/small/listing-cursor", test_listing_cursor);
  g_test_add_func ("/demo/small/foreign-keys", test_foreign_keys);
  g_test_add_func ("/demo/small/reproducible", test_reproducible);
  g_test_add_func ("/demo/small/refuse-nonempty", test_refuse_nonempty);
  g_test_add_func ("/demo/small/cancelled-before", test_cancelled_before);
  g_test_add_func ("/demo/small/cancelled-halfway", test_cancelled_halfway);
  g_test_add_func ("/demo/small/existing-admin", test_existing_admin);
  g_test_add_func ("/demo/small/russian", test_russian);

  ret = g_test_run ();

  sqlite3_close (shared_db);
  remove_tree (tmp_dir);
  g_free (shared_path);
  g_free (tmp_dir);
  return ret;
}
