/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "scim-core.h"

/* A second process for the store tests: it holds the write lock, keeps a
 * session open, or commits a change, so the suite exercises real locking
 * between processes rather than a mock. */

static int
hold_lock (const char *path,
           int         ms)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, "unix") != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "INSERT INTO settings (key, value) VALUES ('locker', 'was here') "
                        "ON CONFLICT (key) DO UPDATE SET value = value || '+';"
                        /* Numbered among the commits, so a test can tell which came first. */
                        "INSERT INTO change_log (at, entity, entity_id, action) VALUES (0, 'locker', 0, 'update')",
                        NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "lock: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  printf ("locked\n");
  fflush (stdout);
  g_usleep ((gulong) ms * 1000);
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "commit: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  sqlite3_close (db);
  return 0;
}

static int
hold_session (const char *path,
              int         ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NONE, &error);

  if (store == NULL)
    {
      fprintf (stderr, "open: %s\n", error->message);
      return 1;
    }
  printf ("open\n");
  fflush (stdout);
  g_usleep ((gulong) ms * 1000);
  scim_store_close (store);
  return 0;
}

static int
add_user (const char *path,
          const char *admin,
          const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_autoptr(ScimUser) user = NULL;

  if (store == NULL ||
      (user = scim_store_sign_in (store, admin, NULL, &error)) == NULL ||
      scim_store_add_user (store, login, NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error) == 0)
    {
      fprintf (stderr, "add-user: %s\n", error->message);
      return 1;
    }
  return 0;
}

/* Commits in a loop until killed: each commit adds the task "crash N" to
 * sale 1, every third one moves the sale to its next open stage too (a
 * stage_changes row in the same transaction).  N counts on from the tasks
 * already there; "N" goes to standard output only after the commit
 * returned, so every number printed must be in the file. */
static int
crash_loop (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimUser) admin = NULL;
  g_autoptr(GArray) stages = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0, owner = 0;

  /* Where to count from, read before the store opens. */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return 1;
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_prepare_v2 (db, "SELECT count(*), (SELECT owner_id FROM sales WHERE id = 1) FROM tasks "
                              "WHERE title LIKE 'crash %'", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      fprintf (stderr, "count: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  n = sqlite3_column_int64 (stmt, 0);
  owner = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  if (sqlite3_prepare_v2 (db, "SELECT s.id FROM stages s JOIN sales x ON x.product_id = s.product_id "
                              "WHERE x.id = 1 AND s.kind = 'open' ORDER BY s.position", -1, &stmt, NULL) != SQLITE_OK)
    return 1;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (stages, id);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  store = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
  if (store == NULL || (admin = scim_store_sign_in (store, "admin", NULL, &error)) == NULL)
    {
      fprintf (stderr, "open: %s\n", error->message);
      return 1;
    }
  printf ("ready\n");
  fflush (stdout);
  for (;; n++)
    {
      g_autofree char *title = g_strdup_printf ("crash %" G_GINT64_FORMAT, n);
      ScimTaskFields fields = { .title = title, .owner_id = owner };

      if (n % 3 == 0 && stages->len > 1)
        {
          gint64 stage = g_array_index (stages, gint64, (n / 3) % stages->len);

          if (!scim_store_move_sale (store, 1, stage, NULL, 0, &error) &&
              !g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID))
            {
              fprintf (stderr, "move: %s\n", error->message);
              return 1;
            }
          g_clear_error (&error);
        }
      if (scim_store_add_task (store, 1, -1, &fields, &error) == 0)
        {
          fprintf (stderr, "add: %s\n", error->message);
          return 1;
        }
      printf ("%" G_GINT64_FORMAT "\n", n);
      fflush (stdout);
    }
  return 0;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* One process of the load test, for @ms milliseconds.  A writer adds one
 * to sale 1's amount by read, change, save from the version read, again
 * from the new version on a conflict (never over it), and adds a task;
 * it prints "writes N increments N p50 US p99 US".  A reader reads the
 * lists and the funnels and prints "reads N".  Any refusal other than a
 * conflict ends it with the message and exit code 1. */
static int
load (const char *path,
      const char *role,
      int         ms)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
  g_autoptr(ScimUser) admin = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gint64 increments = 0, reads = 0, sale_id = 1;

  if (store == NULL)
    {
      /* How long it waited tells a starved open from one that gave up early. */
      fprintf (stderr, "open, after %.1f s: %s\n", (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC,
               error->message);
      return 1;
    }
  if ((admin = scim_store_sign_in (store, "admin", NULL, &error)) == NULL)
    {
      fprintf (stderr, "sign-in: %s\n", error->message);
      return 1;
    }
  while (g_get_monotonic_time () < end)
    {
      if (g_str_equal (role, "reader"))
        {
          ScimFunnelFilter filter = { 0 };
          g_autoptr(GPtrArray) funnels = NULL;

          for (ScimListKind kind = SCIM_LIST_USERS; kind <= SCIM_LIST_CONTACTS; kind++)
            {
              g_autoptr(ScimQuery) query = scim_query_new (kind);
              g_autoptr(GArray) ids = scim_store_query_ids (store, query, NULL, &error);

              if (ids == NULL)
                goto failed;
            }
          funnels = scim_store_funnels (store, &filter, &error);
          if (funnels == NULL)
            goto failed;
          reads++;
          continue;
        }
      for (;;)
        {
          g_autoptr(GPtrArray) rows = scim_store_load_rows (store, SCIM_LIST_SALES, &sale_id, 1, &error);
          gint64 amount = 0, version = 0, owner = 0, close = 0, started;

          if (rows == NULL || rows->len != 1)
            goto failed;
          g_variant_lookup (g_ptr_array_index (rows, 0), "amount", "x", &amount);
          g_variant_lookup (g_ptr_array_index (rows, 0), "version", "x", &version);
          g_variant_lookup (g_ptr_array_index (rows, 0), "owner_id", "x", &owner);
          g_variant_lookup (g_ptr_array_index (rows, 0), "expected_close", "x", &close);
          started = g_get_monotonic_time ();
          if (scim_store_update_sale (store, sale_id, version, amount + 1, close, owner, &error))
            {
              gint64 took = g_get_monotonic_time () - started;

              g_array_append_val (latencies, took);
              increments++;
              break;
            }
          if (!g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT))
            goto failed;
          g_clear_error (&error);
        }
      {
        g_autofree char *title = g_strdup_printf ("load %s %" G_GINT64_FORMAT, role, increments);
        ScimTaskFields fields = { .title = title, .owner_id = scim_record_get_id (SCIM_RECORD (admin)) };
        gint64 started = g_get_monotonic_time (), took;

        if (scim_store_add_task (store, sale_id, -1, &fields, &error) == 0)
          goto failed;
        took = g_get_monotonic_time () - started;
        g_array_append_val (latencies, took);
      }
    }
  if (g_str_equal (role, "reader"))
    printf ("reads %" G_GINT64_FORMAT "\n", reads);
  else
    {
      g_array_sort (latencies, compare_gint64);
      printf ("writes %u increments %" G_GINT64_FORMAT " p50 %" G_GINT64_FORMAT " p99 %" G_GINT64_FORMAT "\n",
              latencies->len, increments,
              latencies->len > 0 ? g_array_index (latencies, gint64, latencies->len / 2) : 0,
              latencies->len > 0 ? g_array_index (latencies, gint64, (latencies->len * 99) / 100) : 0);
    }
  scim_store_close (store);
  return 0;

failed:
  fprintf (stderr, "%s: %s\n", role, error != NULL ? error->message : "no row");
  return 1;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "lock"))
    return hold_lock (argv[2], atoi (argv[3]));
  if (argc == 4 && g_str_equal (argv[1], "session"))
    return hold_session (argv[2], atoi (argv[3]));
  if (argc == 5 && g_str_equal (argv[1], "load"))
    return load (argv[2], argv[3], atoi (argv[4]));
  if (argc == 3 && g_str_equal (argv[1], "crash-loop"))
    return crash_loop (argv[2]);
  if (argc == 5 && g_str_equal (argv[1], "add-user"))
    return add_user (argv[2], argv[3], argv[4]);
  fprintf (stderr, "usage: scim-test-helper lock DB MS | session DB MS | add-user DB ADMIN LOGIN | crash-loop DB | load DB writer|reader MS\n");
  return 2;
}
