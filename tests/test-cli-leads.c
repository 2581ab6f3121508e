/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* The Leads commands of scim-sales-cli as a script sees them: import and
 * its report, exit codes, one-line reasons, valid JSON, accept and reject
 * under the roles of the core, and refused commands that change nothing. */

static char *tmpdir;

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
run_argv (Run         *run,
          const char  *input,
          const char **argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
cli (Run *run,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("SCIM_CLI"));
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  run_argv (run, NULL, (const char **) argv->pdata);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

static void
assert_one_line_reason (Run *run)
{
  g_assert_true (g_str_has_prefix (run->err, "scim-sales-cli: "));
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw_int: %s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw_text: %s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* What the leads commands may change, as one string. */
static char *
state_of (const char *path)
{
  return raw_text (path, "SELECT (SELECT count(*) FROM leads) || '|' || (SELECT count(*) FROM change_log) || '|' || "
                         "(SELECT count(*) FROM sales) || '|' || (SELECT count(*) FROM clients) || '|' || "
                         "coalesce((SELECT group_concat(id || state || name || phone || email || coalesce(owner_id, 0), ';') "
                         "FROM leads), '')");
}

/* JSON through SQLite's own parser, as test-cli-settings does. */
static gint64
json_int (const char *json,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* And through Python's, when there is one. */
static void
assert_python_json (const char *json)
{
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import json, sys; data = json.load(sys.stdin); "
                         "assert isinstance(data, list); assert all('id' in o for o in data)", NULL };
  g_auto(Run) run = { 0 };

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    {
      /* In CI a missing tool fails the check; elsewhere it is a reported skip. */
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_test_fail_printf ("%s is missing, and CI must run this check", argv[0]);
      else
        g_test_skip_printf ("%s is missing: the JSON was checked by SQLite only", argv[0]);
      return;
    }
  run_argv (&run, json, argv);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
}

static char *
write_file (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A database with an admin, a head, a salesperson who may not accept, and
 * the product "Консалтинг". */
static char *
make_db (const char *name)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimUser) admin = NULL;
  g_autoptr(GError) error = NULL;

  g_unlink (path);
  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  scim_store_add_user (store, "admin", "Анна Админова", NULL, SCIM_ROLE_ADMIN, TRUE, NULL, &error);
  g_assert_no_error (error);
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  g_assert_no_error (error);
  scim_store_add_user (store, "head", "Игорь Начальников", NULL, SCIM_ROLE_HEAD, FALSE, NULL, &error);
  g_assert_no_error (error);
  scim_store_add_user (store, "ivan", "Иван Петров", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  scim_store_add_template_product (store, "Консалтинг", &error);
  g_assert_no_error (error);
  scim_store_close (store);
  return path;
}

static const char good_file[] =
  "ФИО;Компания;Телефон;E-mail;Дата;Продукт\n"
  "Пётр Сидоров;ООО «Ромашка»;+7 900 111-22-33;petr@romashka.ru;27.11.2026 14:30;Консалтинг\n"
  "Мария Иванова;;8 (900) 444-55-66;;2026-11-27;\n"
  "Дубль Петра;;;PETR@romashka.ru;;\n";

static const char bad_file[] =
  "ФИО;Телефон;Дата;Продукт\n"
  "Хороший;+7 900 000-00-01;;\n"
  "Плохая дата;+7 900 000-00-02;40.01.2026;\n"
  "Нет продукта;+7 900 000-00-03;;Аудит\n";

static void
test_help (void)
{
  static const char *commands[][2] = {
    { "import", NULL }, { "export", NULL }, { "leads", NULL },
    { "import", "leads" }, { "export", "leads" }, { "leads", "list" }, { "leads", "accept" }, { "leads", "reject" },
  };

  {
    g_auto(Run) run = { 0 };

    cli (&run, "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "import"));
    g_assert_nonnull (strstr (run.out, "leads"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run = { 0 };

      if (commands[i][1] != NULL)
        cli (&run, commands[i][0], commands[i][1], "--help", NULL);
      else
        cli (&run, commands[i][0], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, commands[i][0]));
    }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "import", "clients", "x.csv", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "leads", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
}

static void
test_import (void)
{
  g_autofree char *db = make_db ("import.db");
  g_autofree char *good = write_file ("good.csv", good_file);
  g_autofree char *bad = write_file ("bad.csv", bad_file);
  g_autofree char *empty = write_file ("empty.csv", "");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* Writing needs --user. */
  {
    g_auto(Run) run = { 0 };

    before = state_of (db);
    cli (&run, "--db", db, "import", "leads", good, NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "--user"));
  }

  /* A dry run checks everything and writes nothing. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "--user", "ivan", "import", "leads", good, "--dry-run", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Would create 2 leads"));
    g_assert_nonnull (strstr (run.out, "line 4: Duplicate: line 2 of this file has the same e-mail"));
    after = state_of (db);
    g_assert_cmpstr (before, ==, after);
  }

  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "--user", "ivan", "import", "leads", good, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.err, ==, "");
    g_assert_true (g_str_has_prefix (run.out, "Created 2 leads.\n"));
    g_assert_nonnull (strstr (run.out, "Skipped as duplicates:\n  line 4: "));
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads"), ==, 2);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads WHERE product_id IS NOT NULL"), ==, 1);
  }

  /* Again: every row is a lead imported before, as it is; the third row
   * is the first one's lead again. */
  {
    g_auto(Run) run = { 0 };

    g_clear_pointer (&before, g_free);
    before = state_of (db);
    cli (&run, "--db", db, "--user", "ivan", "import", "leads", good, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Created 0 leads.\nUpdated 0 leads.\nUnchanged: 2 leads.\n"));
    g_assert_nonnull (strstr (run.out, "line 4: Duplicate: line 2 of this file is the same lead."));
    g_clear_pointer (&after, g_free);
    after = state_of (db);
    g_assert_cmpstr (before, ==, after);
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "--user", "ivan", "import", "leads", good, "--keep-duplicates", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Created 3 leads.\n"));
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads"), ==, 5);
  }

  /* A file with bad rows is refused whole, each bad line listed. */
  {
    g_auto(Run) run = { 0 };

    g_clear_pointer (&before, g_free);
    before = state_of (db);
    cli (&run, "--db", db, "--user", "ivan", "import", "leads", bad, "--all-or-nothing", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "2 rows cannot be read; nothing was imported"));
    g_assert_nonnull (strstr (run.out, "Refused:\n"));
    g_assert_nonnull (strstr (run.out, "  line 3: “40.01.2026” in the column “Дата” is not a date"));
    g_assert_nonnull (strstr (run.out, "  line 4: No product “Аудит”"));
    g_assert_null (strstr (run.out, "Created"));
    g_clear_pointer (&after, g_free);
    after = state_of (db);
    g_assert_cmpstr (before, ==, after);
  }
  {
    g_auto(Run) run = { 0 };

    g_autofree char *refused = g_build_filename (g_get_tmp_dir (), "scim-refused.csv", NULL);
    g_autofree char *text = NULL;
    g_auto(Run) both = { 0 };

    /* Skipping bad rows is the default; --skip-bad says so again. */
    cli (&run, "--db", db, "--user", "ivan", "import", "leads", bad, "--refused-file", refused, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Created 1 lead.\nUpdated 0 leads.\nUnchanged: 0 leads.\n"
                                              "Refused: 2 rows.\n"));
    g_assert_nonnull (strstr (run.out, "Skipped, as they cannot be read:\n  line 3: "));
    g_assert_nonnull (strstr (run.out, "2 refused rows are in "));
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads"), ==, 6);
    /* The refused rows, under the header, to fix and import again. */
    g_assert_true (g_file_get_contents (refused, &text, NULL, NULL));
    g_assert_cmpstr (text, ==, "ФИО,Телефон,Дата,Продукт\r\n"
                               "Плохая дата,+7 900 000-00-02,40.01.2026,\r\n"
                               "Нет продукта,+7 900 000-00-03,,Аудит\r\n");
    g_unlink (refused);

    cli (&both, "--db", db, "--user", "ivan", "import", "leads", bad, "--skip-bad", "--all-or-nothing", NULL);
    g_assert_cmpint (both.status, ==, 2);
    assert_one_line_reason (&both);
  }

  /* --map by header and by number; bad --map values. */
  {
    g_autofree char *odd = write_file ("odd.csv", "кто,куда\nОлег,oleg@example.ru\n");
    g_auto(Run) run = { 0 };
    g_auto(Run) by_number = { 0 };
    g_auto(Run) no_column = { 0 };
    g_auto(Run) no_field = { 0 };
    g_auto(Run) nothing = { 0 };

    cli (&run, "--db", db, "--user", "ivan", "import", "leads", odd, "--map", "КТО=name", "--map", "2=email", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads WHERE name = 'Олег' AND email = 'oleg@example.ru'"), ==, 1);

    cli (&by_number, "--db", db, "--user", "ivan", "import", "leads", odd, "--map=1=name", "--map=куда=ignore",
         "--dry-run", NULL);
    g_assert_cmpint (by_number.status, ==, 0);
    g_assert_nonnull (strstr (by_number.out, "Would create 1 lead"));

    cli (&no_column, "--db", db, "--user", "ivan", "import", "leads", odd, "--map", "где=phone", NULL);
    g_assert_cmpint (no_column.status, ==, 2);
    assert_one_line_reason (&no_column);
    g_assert_nonnull (strstr (no_column.err, "“где”"));

    cli (&no_field, "--db", db, "--user", "ivan", "import", "leads", odd, "--map", "кто=colour", NULL);
    g_assert_cmpint (no_field.status, ==, 2);
    assert_one_line_reason (&no_field);

    /* Without a mapping nothing in that file means anything. */
    cli (&nothing, "--db", db, "--user", "ivan", "import", "leads", odd, NULL);
    g_assert_cmpint (nothing.status, ==, 2);
    assert_one_line_reason (&nothing);
    g_assert_nonnull (strstr (nothing.out, "line 2: No name, company, phone or e-mail"));
  }

  /* Files it cannot use. */
  {
    g_auto(Run) run = { 0 };
    g_auto(Run) missing = { 0 };

    cli (&run, "--db", db, "--user", "ivan", "import", "leads", empty, NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "empty"));

    cli (&missing, "--db", db, "--user", "ivan", "import", "leads", "/nonexistent/leads.csv", NULL);
    g_assert_cmpint (missing.status, ==, 2);
    assert_one_line_reason (&missing);
  }

  /* A salesperson may not give leads salespeople. */
  {
    g_autofree char *owners = write_file ("owners.csv", "Name;Salesperson\nНовый;ivan\n");
    g_auto(Run) run = { 0 };
    g_auto(Run) head = { 0 };

    g_clear_pointer (&before, g_free);
    before = state_of (db);
    cli (&run, "--db", db, "--user", "ivan", "import", "leads", owners, NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "Line 2"));
    g_clear_pointer (&after, g_free);
    after = state_of (db);
    g_assert_cmpstr (before, ==, after);

    cli (&head, "--db", db, "--user", "head", "import", "leads", owners, NULL);
    g_assert_cmpint (head.status, ==, 0);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id "
                                  "WHERE l.name = 'Новый' AND u.login = 'ivan'"), ==, 1);
  }
}

static void
test_list_and_export (void)
{
  g_autofree char *db = make_db ("list.db");
  g_autofree char *good = write_file ("list.csv", good_file);
  g_autofree char *exported = NULL;
  g_autofree char *copy_db = NULL;

  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "--user", "admin", "import", "leads", good, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }

  /* JSON: an array of whole objects with ids, UTF-8 as is; reading needs
   * no --user. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "leads", "list", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "["));
    g_assert_cmpint (json_int (run.out, "SELECT json_valid (?1)"), ==, 1);
    g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1)"), ==, 2);
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) "
                                        "WHERE json_type (value, '$.id') = 'integer'"), ==, 2);
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE "
                                        "json_extract (value, '$.name') = 'Пётр Сидоров' AND "
                                        "json_extract (value, '$.received') = '2026-11-27T14:30' AND "
                                        "json_extract (value, '$.product') = 'Консалтинг' AND "
                                        "json_extract (value, '$.state') = 'new' AND "
                                        "json_type (value, '$.owner') = 'null'"), ==, 1);
    g_assert_nonnull (strstr (run.out, "Пётр Сидоров"));
    g_assert_null (strstr (run.out, "\\u04"));
    assert_python_json (run.out);
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "leads", "list", "--state", "accepted", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1)"), ==, 0);
    assert_python_json (run.out);
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "leads", "list", "--format", "csv", "--search", "Мария", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "id,received,state,name,company,"));
    g_assert_nonnull (strstr (run.out, "Мария Иванова"));
    g_assert_null (strstr (run.out, "Пётр"));
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "leads", "list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "ID"));
    g_assert_nonnull (strstr (run.out, "Мария Иванова"));
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "leads", "list", "--state", "lost", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }

  /* Export on standard output, and back into another file. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "export", "leads", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "ID,Received,Name,Company,"));
    g_assert_nonnull (strstr (run.out, "2026-11-27 14:30"));
    exported = write_file ("exported.csv", run.out);
  }
  copy_db = make_db ("copy.db");
  {
    g_auto(Run) run = { 0 };
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    const char *sql = "SELECT group_concat(name || phone || email || received_at, ';') "
                      "FROM (SELECT * FROM leads ORDER BY name)";

    cli (&run, "--db", copy_db, "--user", "admin", "import", "leads", exported, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Created 2 leads.\n"));
    a = raw_text (db, sql);
    b = raw_text (copy_db, sql);
    g_assert_cmpstr (a, ==, b);
  }
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "export", "leads", "--state", "rejected", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_null (strstr (run.out, "Мария"));
  }
}

static void
test_accept_reject (void)
{
  g_autofree char *db = make_db ("decide.db");
  g_autofree char *good = write_file ("decide.csv", good_file);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *petr = NULL;
  g_autofree char *maria = NULL;

  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "--user", "admin", "import", "leads", good, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  petr = g_strdup_printf ("%" G_GINT64_FORMAT, raw_int (db, "SELECT id FROM leads WHERE name = 'Пётр Сидоров'"));
  maria = g_strdup_printf ("%" G_GINT64_FORMAT, raw_int (db, "SELECT id FROM leads WHERE name = 'Мария Иванова'"));

  /* A salesperson who may not accept leads is refused, and nothing changes. */
  {
    g_auto(Run) run = { 0 };
    g_auto(Run) reject = { 0 };

    before = state_of (db);
    cli (&run, "--db", db, "--user", "ivan", "leads", "accept", petr, "--product", "Консалтинг", "--owner", "ivan",
         NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "head of sales"));
    cli (&reject, "--db", db, "--user", "ivan", "leads", "reject", maria, "--reason", "Нет бюджета", NULL);
    g_assert_cmpint (reject.status, ==, 2);
    assert_one_line_reason (&reject);
    after = state_of (db);
    g_assert_cmpstr (before, ==, after);
  }

  /* Usage mistakes. */
  {
    g_auto(Run) no_product = { 0 };
    g_auto(Run) no_owner = { 0 };
    g_auto(Run) bad_id = { 0 };
    g_auto(Run) bad_product = { 0 };
    g_auto(Run) no_reason = { 0 };
    g_auto(Run) empty_reason = { 0 };

    cli (&no_product, "--db", db, "--user", "head", "leads", "accept", petr, "--owner", "ivan", NULL);
    g_assert_cmpint (no_product.status, ==, 2);
    assert_one_line_reason (&no_product);
    cli (&no_owner, "--db", db, "--user", "head", "leads", "accept", petr, "--product", "Консалтинг", NULL);
    g_assert_cmpint (no_owner.status, ==, 2);
    assert_one_line_reason (&no_owner);
    cli (&bad_id, "--db", db, "--user", "head", "leads", "accept", "first", "--product", "Консалтинг", "--owner",
         "ivan", NULL);
    g_assert_cmpint (bad_id.status, ==, 2);
    assert_one_line_reason (&bad_id);
    cli (&bad_product, "--db", db, "--user", "head", "leads", "accept", petr, "--product", "Аудит", "--owner", "ivan",
         NULL);
    g_assert_cmpint (bad_product.status, ==, 2);
    assert_one_line_reason (&bad_product);
    cli (&no_reason, "--db", db, "--user", "head", "leads", "reject", maria, NULL);
    g_assert_cmpint (no_reason.status, ==, 2);
    assert_one_line_reason (&no_reason);
    cli (&empty_reason, "--db", db, "--user", "head", "leads", "reject", maria, "--reason", " ", NULL);
    g_assert_cmpint (empty_reason.status, ==, 2);
    assert_one_line_reason (&empty_reason);
    g_clear_pointer (&after, g_free);
    after = state_of (db);
    g_assert_cmpstr (before, ==, after);
  }

  /* The head accepts: a client, a sale at the first stage, a plan request. */
  {
    g_auto(Run) run = { 0 };
    g_auto(Run) again = { 0 };

    cli (&run, "--db", db, "--user", "head", "leads", "accept", petr, "--product", "консалтинг", "--owner", "ivan",
         NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "accepted"));
    g_assert_nonnull (strstr (run.out, "ООО «Ромашка»"));
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads WHERE state = 'accepted' AND client_id IS NOT NULL"),
                     ==, 1);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sales s JOIN users u ON u.id = s.owner_id "
                                  "WHERE u.login = 'ivan' AND s.stage_id = (SELECT id FROM stages "
                                  "WHERE product_id = s.product_id ORDER BY position LIMIT 1)"), ==, 1);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM plan_requests WHERE done_at IS NULL"), ==, 1);

    cli (&again, "--db", db, "--user", "head", "leads", "accept", petr, "--product", "Консалтинг", "--owner", "ivan",
         NULL);
    g_assert_cmpint (again.status, ==, 2);
    assert_one_line_reason (&again);
    g_assert_nonnull (strstr (again.err, "already"));
  }

  /* A second lead of the same company goes to the same client. */
  {
    g_autofree char *same = write_file ("same.csv", "Name;Company\nВторой;ООО «Ромашка»\n");
    g_autofree char *second = NULL;
    g_auto(Run) import = { 0 };
    g_auto(Run) run = { 0 };

    cli (&import, "--db", db, "--user", "head", "import", "leads", same, NULL);
    g_assert_cmpint (import.status, ==, 0);
    second = g_strdup_printf ("%" G_GINT64_FORMAT, raw_int (db, "SELECT id FROM leads WHERE name = 'Второй'"));
    cli (&run, "--db", db, "--user", "head", "leads", "accept", second, "--product", "Консалтинг", "--owner", "ivan",
         NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM clients"), ==, 1);
  }

  /* --client new makes another client even so. */
  {
    g_autofree char *third = write_file ("third.csv", "Name;Company\nТретий;ООО «Ромашка»\n");
    g_autofree char *id = NULL;
    g_auto(Run) import = { 0 };
    g_auto(Run) run = { 0 };

    cli (&import, "--db", db, "--user", "head", "import", "leads", third, NULL);
    g_assert_cmpint (import.status, ==, 0);
    id = g_strdup_printf ("%" G_GINT64_FORMAT, raw_int (db, "SELECT id FROM leads WHERE name = 'Третий'"));
    cli (&run, "--db", db, "--user", "head", "leads", "accept", id, "--product", "Консалтинг", "--owner", "ivan",
         "--client", "new", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM clients"), ==, 2);
  }

  /* The head rejects with a reason. */
  {
    g_auto(Run) run = { 0 };
    g_auto(Run) json = { 0 };

    cli (&run, "--db", db, "--user", "head", "leads", "reject", maria, "--reason", "Нет бюджета", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads WHERE state = 'rejected' "
                                  "AND reject_reason = 'Нет бюджета'"), ==, 1);

    cli (&json, "--db", db, "leads", "list", "--state", "rejected", "--format", "json", NULL);
    g_assert_cmpint (json.status, ==, 0);
    g_assert_cmpint (json_int (json.out, "SELECT count(*) FROM json_each (?1) WHERE "
                                         "json_extract (value, '$.reject_reason') = 'Нет бюджета'"), ==, 1);
  }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("scim-test-cli-leads-XXXXXX", NULL);

  g_test_add_func ("/cli/leads/help", test_help);
  g_test_add_func ("/cli/leads/import", test_import);
  g_test_add_func ("/cli/leads/list-and-export", test_list_and_export);
  g_test_add_func ("/cli/leads/accept-reject", test_accept_reject);

  ret = g_test_run ();
  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmpdir);
    g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
