/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "scim-core.h"

#include "funnel-fixture.h"
#include "picture-check.h"

/* `scim-sales-cli funnel` as a script runs it, on the hand-built history of
 * funnel-fixture.h: JSON read back with SQLite's own JSON functions, CSV,
 * text, pictures by their magic bytes, and exit codes with one-line
 * reasons for bad input.  The numbers are worked out in test-funnel.c. */

static char *tmpdir;
static char *db;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
cli (Run *run,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("SCIM_CLI"));
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  /* Bytes: a picture on standard output is not text. */
  g_subprocess_communicate (process, empty, NULL, &out, &err, &error);
  g_assert_no_error (error);
  run->out = g_strndup (g_bytes_get_size (out) > 0 ? g_bytes_get_data (out, NULL) : "", g_bytes_get_size (out));
  run->err = g_strndup (g_bytes_get_size (err) > 0 ? g_bytes_get_data (err, NULL) : "", g_bytes_get_size (err));
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
assert_one_line_reason (Run *run)
{
  g_assert_cmpint (run->status, ==, 2);
  g_assert_true (g_str_has_prefix (run->err, "scim-sales-cli: "));
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
  g_assert_cmpstr (run->out, ==, "");
}

/* A JSON text checked and read with SQLite's own JSON functions. */
static char *
json_query (const char *json,
            const char *sql)
{
  sqlite3 *memory = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &memory), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (memory, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (memory));
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (memory);
  return value;
}

static gint64
json_int (const char *json,
          const char *sql)
{
  g_autofree char *text = json_query (json, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

#define assert_json(json, path, expected)                                                    \
  G_STMT_START {                                                                             \
    g_autofree char *value__ = json_query ((json), "SELECT json_extract (?1, '" path "')"); \
    g_assert_cmpstr (value__, ==, (expected));                                               \
  } G_STMT_END

static void
assert_valid (const char *json,
              const char *type)
{
  g_autofree char *actual = json_query (json, "SELECT json_type (?1)");

  g_assert_cmpint (json_int (json, "SELECT json_valid (?1)"), ==, 1);
  g_assert_cmpstr (actual, ==, type);
  /* UTF-8 as is: no \u escapes for letters. */
  g_assert_null (strstr (json, "\\u04"));
}

static void
test_json_one (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *type = NULL;

  cli (&run, "--db", db, "funnel", "--product", "консалтинг", "--format", "json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  /* One object: the product and every stage, paused and lost too. */
  assert_valid (run.out, "object");
  g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$.id')"), ==, 1);
  assert_json (run.out, "$.name", "Консалтинг");
  g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1, '$.stages')"), ==, 6);
  g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1, '$.stages') "
                                      "WHERE json_type (value, '$.id') = 'integer' "
                                      "AND json_type (value, '$.name') = 'text' AND json_type (value, '$.kind') = 'text' "
                                      "AND json_type (value, '$.count') = 'integer' "
                                      "AND json_type (value, '$.reached') = 'integer' "
                                      "AND json_type (value, '$.amount') = 'integer' "
                                      "AND json_type (value, '$.conversion') IN ('real', 'integer', 'null')"), ==, 6);
  assert_json (run.out, "$.stages[0].name", "Знакомство");
  assert_json (run.out, "$.stages[0].id", "1");
  assert_json (run.out, "$.stages[0].position", "1");

  /* count and reached of each stage: 1 2 0 1 1 2 and 7 5 3 1 2 2. */
  assert_json (run.out, "$.stages[0].count", "1");
  assert_json (run.out, "$.stages[1].count", "2");
  assert_json (run.out, "$.stages[2].count", "0");
  assert_json (run.out, "$.stages[5].count", "2");
  assert_json (run.out, "$.stages[0].reached", "7");
  assert_json (run.out, "$.stages[1].reached", "5");
  assert_json (run.out, "$.stages[2].reached", "3");
  assert_json (run.out, "$.stages[3].reached", "1");
  assert_json (run.out, "$.stages[4].reached", "2");
  assert_json (run.out, "$.stages[4].kind", "paused");
  assert_json (run.out, "$.stages[5].kind", "lost");
  assert_json (run.out, "$.stages[1].amount", "600000");
  assert_json (run.out, "$.stages[1].weighted_amount", "180000");

  /* Conversion 5/7, 3/5, 1/3; none after the last step and beside it. */
  g_assert_cmpint (json_int (run.out, "SELECT round (json_extract (?1, '$.stages[0].conversion') * 10000)"), ==, 7143);
  assert_json (run.out, "$.stages[1].conversion", "0.6");
  type = json_query (run.out, "SELECT json_type (?1, '$.stages[3].conversion')");
  g_assert_cmpstr (type, ==, "null");
  assert_json (run.out, "$.worst_stage_id", "3");
  assert_json (run.out, "$.stages[2].worst", "1");
  assert_json (run.out, "$.in_work", "3");
  assert_json (run.out, "$.forecast_amount", "466667");
  assert_json (run.out, "$.forecast_amount_configured", "230000");
  assert_json (run.out, "$.stages[1].observed_win_rate", "0.5");
}

static void
test_json_all (void)
{
  g_auto(Run) run = { 0 };

  /* An array, one object per active product, each with its id. */
  cli (&run, "--db", db, "funnel", "--format", "json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_valid (run.out, "array");
  g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1)"), ==, 3);
  g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE json_type (value, '$.id') = 'integer' "
                                      "AND json_type (value, '$.name') = 'text' "
                                      "AND json_type (value, '$.stages') = 'array'"), ==, 3);
  assert_json (run.out, "$[0].name", "Аудит");
  assert_json (run.out, "$[1].name", "Консалтинг");
  assert_json (run.out, "$[1].stages[1].reached", "5");
  assert_json (run.out, "$[0].stages[0].reached", "2");
  assert_json (run.out, "$[2].name", "Налоги");
}

static void
test_as_of_and_owner (void)
{
  /* The end of 2025-01-14: S1, S2, S3 at Интерес, S4 paused. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "funnel", "--product", "Консалтинг", "--as-of", "2025-01-14", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_valid (run.out, "object");
    assert_json (run.out, "$.as_of", "2025-01-14");
    assert_json (run.out, "$.stages[1].count", "3");
    assert_json (run.out, "$.stages[4].count", "1");
    assert_json (run.out, "$.stages[0].reached", "4");
    assert_json (run.out, "$.stages[2].reached", "0");
  }
  /* A moment, day 26 and a half: S2 back at 2 since day 25, S1 at 3 since
   * day 20, longer than its 5 days. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "funnel", "--product", "Консалтинг", "--as-of", "2025-01-27T12:00", "--format", "json",
         NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json (run.out, "$.stages[1].count", "1");
    assert_json (run.out, "$.stages[2].count", "1");
    assert_json (run.out, "$.stages[2].stuck", "1");
  }
  /* Ivan's sales: S1 won, S2 at 2, S6 paused; reached 3 3 3 1. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "funnel", "--product", "Консалтинг", "--owner", "ivan", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json (run.out, "$.stages[1].count", "1");
    assert_json (run.out, "$.stages[3].count", "1");
    assert_json (run.out, "$.stages[2].reached", "3");
    assert_json (run.out, "$.stages[3].reached", "1");
  }
}

static void
test_csv_and_text (void)
{
  {
    g_auto(Run) run = { 0 };
    g_auto(GStrv) lines = NULL;

    cli (&run, "--db", db, "funnel", "--product", "Консалтинг", "--format", "csv", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "id,product_id,product,position,name,kind,probability,stuck_days,count,"
                                              "amount,weighted_amount,reached,share,conversion,avg_days,stuck,closed,"
                                              "observed_win_rate,worst\r\n"));
    lines = g_strsplit (run.out, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 6 + 1);
    g_assert_true (g_str_has_prefix (lines[2], "2,1,Консалтинг,2,Интерес,open,30,0,2,600000,180000,5,"));
    /* No conversion after the last step: an empty field after the share. */
    g_assert_nonnull (strstr (lines[4], ",1,0.1429,,"));
  }
  {
    g_auto(Run) run = { 0 };
    g_auto(GStrv) lines = NULL;

    cli (&run, "--db", db, "funnel", "--format", "csv", NULL);
    g_assert_cmpint (run.status, ==, 0);
    /* Every stage of every active product: 3 + 6 + 1 and the header. */
    lines = g_strsplit (run.out, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 10 + 1);
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "funnel", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Консалтинг"));
    g_assert_nonnull (strstr (run.out, "Предложение"));
    g_assert_nonnull (strstr (run.out, "Forecast"));
  }
}

static void
assert_file_magic (const char *path,
                   const char *magic,
                   gsize       n)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpmem (contents, n, magic, n);
}

static void
test_pictures (void)
{
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "funnel-cli.png", NULL);
  g_autofree char *pdf = g_test_build_filename (G_TEST_BUILT, "funnel-cli-all.pdf", NULL);
  g_autofree char *small = g_build_filename (tmpdir, "small.png", NULL);

  {
    g_auto(Run) run = { 0 };

    g_unlink (png);
    cli (&run, "--db", db, "funnel", "--product", "Консалтинг", "--format", "png", "--output", png, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "");
    assert_file_magic (png, "\x89PNG\r\n\x1a\n", 8);
    /* The bands are where the painter lays them out for this funnel. */
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ScimStore) store = scim_store_open (db, SCIM_STORE_NO_CHECK, &error);
      ScimFunnelFilter filter = { .product_id = 1 };
      g_autoptr(GPtrArray) funnels = NULL;

      g_assert_no_error (error);
      funnels = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_funnel_free);
      g_ptr_array_add (funnels, scim_store_funnel (store, &filter, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (funnels->len, ==, 1);
      assert_png_bands_painted (png, funnels, SCIM_FUNNEL_IN_WORK);
    }
  }
  {
    g_auto(Run) run = { 0 };
    static const char * const names[] = { "Консалтинг", "Аудит", "Знакомство", "Интерес", "Предложение", "Договор",
                                          "Отказ", NULL };

    cli (&run, "--db", db, "funnel", "--format", "pdf", "--mode", "reached", "--output", pdf, NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_file_magic (pdf, "%PDF", 4);
    assert_pdf_says (pdf, names);
  }
  /* A size, read back from the PNG header (big-endian width and height). */
  {
    g_auto(Run) run = { 0 };
    g_autofree guchar *contents = NULL;
    gsize length = 0;

    cli (&run, "--db", db, "funnel", "--product", "Аудит", "--format", "png", "--size", "400x300", "--output", small,
         NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_file_get_contents (small, (char **) &contents, &length, NULL));
    g_assert_cmpuint (length, >, 24);
    g_assert_cmpuint ((guint) contents[16] << 24 | contents[17] << 16 | contents[18] << 8 | contents[19], ==, 400);
    g_assert_cmpuint ((guint) contents[20] << 24 | contents[21] << 16 | contents[22] << 8 | contents[23], ==, 300);
  }
  /* Standard output when it is not a terminal. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "funnel", "--product", "Консалтинг", "--format", "svg", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "<?xml"));
    g_assert_nonnull (strstr (run.out, "<svg"));
    /* Rendered back, it shows the bands. */
    {
      g_autofree char *svg = g_build_filename (tmpdir, "stdout.svg", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(ScimStore) store = scim_store_open (db, SCIM_STORE_NO_CHECK, &error);
      ScimFunnelFilter filter = { .product_id = 1 };
      g_autoptr(GPtrArray) funnels = NULL;

      g_assert_no_error (error);
      g_assert_true (g_file_set_contents (svg, run.out, -1, NULL));
      funnels = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_funnel_free);
      g_ptr_array_add (funnels, scim_store_funnel (store, &filter, &error));
      g_assert_no_error (error);
      assert_svg_bands_painted (svg, funnels, SCIM_FUNNEL_IN_WORK);
    }
  }
}

static void
test_bad_input (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "missing.db", NULL);
  g_autofree char *nowhere = g_build_filename (tmpdir, "no-such-folder", "funnel.png", NULL);
  const char *cases[][6] = {
    { "--product", "Нет такого", NULL },
    { "--as-of", "2025-13-01", NULL },
    { "--as-of", "2025-02-30", NULL },
    { "--as-of", "yesterday", NULL },
    { "--as-of", "2025-01-14T25:00", NULL },
    { "--format", "xml", NULL },
    { "--owner", "nobody", NULL },
    { "--mode", "sideways", "--format", "png", "--output", nowhere },
    { "--size", "0x10", "--format", "png", "--output", nowhere },
    { "--format", "png", "--output", nowhere, NULL },
    { "frobnicate", NULL },
    { "--no-such-option", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      g_test_message ("case %u: %s %s", i, cases[i][0], cases[i][1] != NULL ? cases[i][1] : "");
      cli (&run, "--db", db, "funnel", cases[i][0], cases[i][1], cases[i][2], cases[i][3], cases[i][4], cases[i][5],
           NULL);
      assert_one_line_reason (&run);
    }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", missing, "funnel", "--format", "json", NULL);
    assert_one_line_reason (&run);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }
}

static void
test_subcommands_and_help (void)
{
  /* The Settings subcommands are still there. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "funnel", "show", "Консалтинг", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_valid (run.out, "array");
    g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1)"), ==, 6);
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "funnel", "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "--as-of"));
    g_assert_nonnull (strstr (run.out, "--product"));
    g_assert_nonnull (strstr (run.out, "show"));
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "funnel"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  sqlite3 *raw = NULL;
  char *err = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("SCIM_CLI"));
  tmpdir = g_dir_make_tmp ("scim-cli-funnel-XXXXXX", &error);
  g_assert_no_error (error);

  /* The database: made by the store, filled as it stands in the fixture,
   * and closed before the CLI opens it. */
  db = g_build_filename (tmpdir, "funnel.db", NULL);
  store = scim_store_open (db, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  scim_store_close (store);
  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  if (sqlite3_exec (raw, fixture_sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("%s", err);
  sqlite3_close (raw);

  g_test_add_func ("/cli/funnel/json-one", test_json_one);
  g_test_add_func ("/cli/funnel/json-all", test_json_all);
  g_test_add_func ("/cli/funnel/as-of-and-owner", test_as_of_and_owner);
  g_test_add_func ("/cli/funnel/csv-and-text", test_csv_and_text);
  g_test_add_func ("/cli/funnel/pictures", test_pictures);
  g_test_add_func ("/cli/funnel/bad-input", test_bad_input);
  g_test_add_func ("/cli/funnel/subcommands-and-help", test_subcommands_and_help);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (db);
  g_free (tmpdir);
  return ret;
}
