/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include <glib/gstdio.h>
#include <sys/resource.h>

#include "scim-core.h"

/* The lead import's benchmark (not a test): writes a CSV of 100,000 leads
 * the way a spreadsheet export looks (semicolons, Russian headers, dates
 * with times, amounts with grouped thousands, quoted notes with commas and
 * line breaks, products and salespeople by name), fills a fresh demo
 * database, and times scim_store_import_leads(): a dry run, the import, and
 * the same file again (every row a duplicate).
 *
 *   ninja -C build tests/bench-import
 *   build/tests/bench-import [--rows N] [--scale small|medium|large] [DIR]
 *
 * DIR (default: a new temporary folder) keeps the database and the CSV.
 * tests/bench.sh runs it with the default 100,000 rows on a small demo;
 * --scale large measures the duplicate check against 150,000 leads and
 * 100,000 clients (the demo takes a few minutes to build). */

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static long
max_rss_kb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static void
write_csv (const char  *path,
           guint        rows,
           GPtrArray   *products,
           GPtrArray   *logins)
{
  g_autoptr(GError) error = NULL;
  FILE *out = g_fopen (path, "wb");
  GRand *rand = g_rand_new_with_seed (42);

  g_assert (out != NULL);
  fputs ("ФИО;Компания;Должность;Телефон;E-mail;ИНН;Источник;Канал;Продукт;Дата поступления;Бюджет;"
         "Ответственный;Комментарий\r\n", out);
  for (guint i = 0; i < rows; i++)
    {
      guint day = 1 + g_rand_int_range (rand, 0, 28);
      guint month = 1 + g_rand_int_range (rand, 0, 12);

      fprintf (out,
               "Контакт %u Петров;ООО «Компания %u»;Директор;+7 (9%02u) %03u-%02u-%02u;lead%u@bench.example;"
               "%010u;сайт;Яндекс;%s;%02u.%02u.2026 %02u:%02u;%u %03u,00;%s;\"Заметка %u, перезвонить;\r\nпосле обеда\"\r\n",
               i, i % 50000, i % 100, (i / 100) % 1000, (i / 100000) % 100, i % 100, i, 1000000 + i,
               (const char *) g_ptr_array_index (products, i % products->len), day, month,
               g_rand_int_range (rand, 8, 20), g_rand_int_range (rand, 0, 60), g_rand_int_range (rand, 1, 999),
               g_rand_int_range (rand, 0, 1000), i % 3 == 0 ? (const char *) g_ptr_array_index (logins, i % logins->len) : "",
               i);
    }
  g_rand_free (rand);
  g_assert (fclose (out) == 0);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
}

static void
raw_exec (sqlite3    *raw,
          const char *sql)
{
  if (sqlite3_exec (raw, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (raw));
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  if (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (raw));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return value;
}

#define LEAD_COLUMNS "name, company, position, phone, email, tax_id, source, channel, product_id, notes, " \
  "received_at, owner_id, created_at, source_id, source_status, source_owner, phone_key, email_key"

/* The floor of the import's write lock: the copy the import makes under
 * it, run bare.  @before is the file as it was before the import (VACUUM
 * INTO); the rows come from the leads the import made (ids after
 * @last_id), staged in a temp table as the import stages them; then one
 * INSERT … SELECT into leads with the same triggers and indexes, the same
 * pragmas (WAL, synchronous FULL, foreign keys, the import's page cache)
 * and its commit, timed. */
static double
lock_floor (const char *imported,
            const char *before,
            gint64      last_id,
            guint       rows)
{
  sqlite3 *raw = NULL;
  char *attach = NULL;
  g_autofree char *stage = NULL;
  g_autofree char *cache = NULL;
  gint64 start;

  if (sqlite3_open (before, &raw) != SQLITE_OK)
    g_error ("%s: %s", before, sqlite3_errmsg (raw));
  attach = sqlite3_mprintf ("ATTACH %Q AS imported", imported);
  raw_exec (raw, attach);
  sqlite3_free (attach);
  stage = g_strdup_printf ("CREATE TEMP TABLE staged AS SELECT " LEAD_COLUMNS " FROM imported.leads "
                           "WHERE id > %" G_GINT64_FORMAT " ORDER BY id", last_id);
  raw_exec (raw, stage);
  raw_exec (raw, "DETACH imported");
  raw_exec (raw, "PRAGMA journal_mode = wal");
  raw_exec (raw, "PRAGMA synchronous = FULL");
  raw_exec (raw, "PRAGMA foreign_keys = ON");
  cache = g_strdup_printf ("PRAGMA main.cache_size = -%u", CLAMP (rows / 2, 2000u, 262144u));
  raw_exec (raw, cache);
  start = g_get_monotonic_time ();
  raw_exec (raw, "BEGIN IMMEDIATE");
  raw_exec (raw, "INSERT INTO leads (" LEAD_COLUMNS ") SELECT " LEAD_COLUMNS " FROM temp.staged ORDER BY rowid");
  raw_exec (raw, "COMMIT");
  start = g_get_monotonic_time () - start;
  sqlite3_close (raw);
  return (double) start / G_USEC_PER_SEC;
}

/* Runs the import; @took and @lock (nullable) get its time and the
 * longest hold of the write lock, in seconds. */
static ScimImportReport *
timed_import (ScimStore               *store,
              GFile                   *file,
              const ScimImportOptions *options,
              const char              *what,
              double                  *took_out,
              double                  *lock_out)
{
  g_autoptr(GError) error = NULL;
  guint calls = 0;
  gint64 start = g_get_monotonic_time ();
  ScimImportReport *report;
  double took, lock;

  scim_store_take_longest_write (store);
  report = scim_store_import_leads (store, file, options, NULL, progress_cb, &calls, &error);
  took = seconds_since (start);
  if (report == NULL || error != NULL)
    g_error ("%s: %s", what, error != NULL ? error->message : "no report");
  lock = scim_store_take_longest_write (store) / 1e6;
  g_print ("== %s\n   %.2f s: %u rows, %u created, %u duplicates, %u refused, %u progress calls; %.0f rows/s; "
           "write lock held %.2f s at the longest (budget 1 s)\n",
           what, took, report->rows, report->created, report->duplicates->len, report->refused->len, calls,
           report->rows / took, lock);
  if (took_out != NULL)
    *took_out = took;
  if (lock_out != NULL)
    *lock_out = lock;
  return report;
}

int
main (int    argc,
      char **argv)
{
  static int rows = 100000;
  static char *scale_name = NULL;
  static const GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "Rows in the CSV (default 100000)", "N" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scale_name, "Demo scale: small, medium or large (default small)", "SCALE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[DIR]");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimUser) admin = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) products = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) logins = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *csv = NULL;
  ScimDemoScale scale = SCIM_DEMO_SMALL;
  ScimImportOptions options = { 0 };
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (scale_name != NULL && !scim_demo_scale_from_string (scale_name, &scale))
    g_error ("--scale: small, medium or large");
  dir = argc > 1 ? g_strdup (argv[1]) : g_dir_make_tmp ("scim-bench-import-XXXXXX", NULL);
  g_mkdir_with_parents (dir, 0700);
  db = g_build_filename (dir, "bench-import.db", NULL);
  csv = g_build_filename (dir, "bench-import.csv", NULL);
  g_unlink (db);

  g_print ("== demo database, scale %s\n", scale_name != NULL ? scale_name : "small");
  start = g_get_monotonic_time ();
  store = scim_store_open (db, SCIM_STORE_CREATE, &error);
  if (store == NULL || !scim_store_fill_demo (store, scale, 1, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  if (admin == NULL)
    g_error ("%s", error->message);
  g_print ("   %.1f s\n", seconds_since (start));

  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_PRODUCTS);
    g_autoptr(GListModel) list = scim_store_list (store, query, &error);

    g_assert (list != NULL);
    for (guint i = 0; i < g_list_model_get_n_items (list); i++)
      {
        g_autoptr(ScimRecord) product = g_list_model_get_item (list, i);
        g_ptr_array_add (products, g_strdup (scim_record_get_string (product, "name")));
      }
    g_clear_object (&list);
    g_free (query->state);
    query->kind = SCIM_LIST_USERS;
    query->state = g_strdup ("sales");
    list = scim_store_list (store, query, &error);
    g_assert (list != NULL);
    for (guint i = 0; i < g_list_model_get_n_items (list); i++)
      {
        g_autoptr(ScimRecord) user = g_list_model_get_item (list, i);
        g_ptr_array_add (logins, g_strdup (scim_record_get_string (user, "login")));
      }
  }

  start = g_get_monotonic_time ();
  write_csv (csv, (guint) rows, products, logins);
  {
    GStatBuf st;

    g_stat (csv, &st);
    g_print ("== CSV of %d rows written: %.1f MB, %.2f s\n", rows, st.st_size / 1048576.0, seconds_since (start));
  }
  file = g_file_new_for_path (csv);

  options.dry_run = TRUE;
  scim_import_report_free (timed_import (store, file, &options, "dry run (every row checked, nothing written)",
                                         NULL, NULL));
  options.dry_run = FALSE;
  {
    g_autofree char *before = g_build_filename (dir, "bench-import-before.db", NULL);
    char *vacuum = NULL;
    ScimImportReport *report;
    sqlite3 *raw = NULL;
    gint64 last_id = raw_int (db, "SELECT coalesce(max(id), 0) FROM leads");
    double took, lock, floor;

    g_unlink (before);
    vacuum = sqlite3_mprintf ("VACUUM INTO %Q", before);
    if (sqlite3_open_v2 (db, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
      g_error ("%s: %s", db, sqlite3_errmsg (raw));
    raw_exec (raw, vacuum);
    sqlite3_free (vacuum);
    sqlite3_close (raw);
    /* The import first, so that the floor's copy finds the file's pages
     * as cold or warm as the import did. */
    report = timed_import (store, file, &options, "import (one transaction)", &took, &lock);
    floor = lock_floor (db, before, last_id, report->created);
    g_print ("   the same copy bare in SQLite (the floor of the write lock): %.2f s\n", floor);
    g_print ("FIGURE\timport of 100,000 leads from CSV (s)\t%.2f\t5\t-\n", took);
    g_print ("FIGURE\timport of 100,000 leads from CSV, write lock held (s)\t%.2f\t1\t%.2f\n", lock, floor);
    scim_import_report_free (report);
    g_unlink (before);
  }
  scim_import_report_free (timed_import (store, file, &options, "the same file again (every row a duplicate)",
                                         NULL, NULL));
  g_print ("== max RSS %ld MB\n", max_rss_kb () / 1024);

  /* The duplicate check the client card runs before every save, among
   * 100,000 more clients written straight into the file. */
  {
    sqlite3 *raw = NULL;
    g_autoptr(GListModel) found = NULL;

    if (sqlite3_open (db, &raw) != SQLITE_OK ||
        sqlite3_exec (raw,
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
                      "INSERT INTO clients (name, tax_id, phones, emails, created_at) "
                      "SELECT 'Клиент ' || i, printf('%010d', 1000000000 + i), printf('+7 495 %07d', i), "
                      "'client' || i || '@example.ru', 1700000000 FROM n;",
                      NULL, NULL, NULL) != SQLITE_OK)
      g_error ("clients: %s", sqlite3_errmsg (raw));
    sqlite3_close (raw);
    start = g_get_monotonic_time ();
    found = scim_store_find_duplicate_clients (store, 0, "1000054321", "8 (495) 005-43-21", "CLIENT777@example.ru", &error);
    if (found == NULL)
      g_error ("%s", error->message);
    g_print ("== duplicate clients among 100,000 more: %u found, %.1f ms\n", g_list_model_get_n_items (found),
             seconds_since (start) * 1000);
  }

  scim_store_close (store);
  if (argc <= 1)
    {
      g_unlink (db);
      g_unlink (csv);
      g_rmdir (dir);
    }
  return 0;
}
