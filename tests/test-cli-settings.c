/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* The Settings commands of scim-sales-cli as a script sees them: exit
 * codes, one-line reasons, valid JSON, and refused commands that change
 * nothing. */

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

/* Runs the CLI with @input (nullable) on its standard input. */
static void
cli_input (Run        *run,
           const char *input,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("SCIM_CLI"));
  va_start (args, input);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

#define cli(run, ...) cli_input ((run), NULL, __VA_ARGS__)

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

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* A JSON text checked and read with SQLite's own JSON functions. */
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

static char *
json_text (const char *json,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
assert_json_text (const char *json,
                  const char *sql,
                  const char *expected)
{
  g_autofree char *text = json_text (json, sql);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_json_array (const char *json,
                   gint64      n_items)
{
  g_assert_cmpint (json_int (json, "SELECT json_valid (?1)"), ==, 1);
  assert_json_text (json, "SELECT json_type (?1)", "array");
  g_assert_cmpint (json_int (json, "SELECT json_array_length (?1)"), ==, n_items);
  /* Every object has its integer id. */
  g_assert_cmpint (json_int (json, "SELECT count(*) FROM json_each (?1) WHERE json_type (value, '$.id') = 'integer'"),
                   ==, n_items);
  /* UTF-8 as is: no \u escapes for letters. */
  g_assert_null (strstr (json, "\\u04"));
}

/* Every row of every table but the sessions: equal digests, nothing written. */
static char *
digest (const char *path)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *tables = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                           "AND name != 'sessions' ORDER BY name", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1", sqlite3_column_text (tables, 0));
      sqlite3_stmt *rows = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL), ==, SQLITE_OK);
      while (sqlite3_step (rows) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count (rows); i++)
          {
            const unsigned char *text = sqlite3_column_text (rows, i);
            g_checksum_update (sum, text != NULL ? text : (const guchar *) "\1NULL", -1);
            g_checksum_update (sum, (const guchar *) "\2", 1);
          }
      sqlite3_finalize (rows);
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

static char *
new_db (const char *name)
{
  char *db = g_build_filename (tmpdir, name, NULL);
  g_auto(Run) run = { 0 };

  cli (&run, "--db", db, "--user", "admin", "init", "--name", "Анна Админова", NULL);
  g_assert_cmpint (run.status, ==, 0);
  return db;
}

/* A refused command: exit 2, one line on stderr, the file unchanged. */
#define assert_refused(run, db, before)                        \
  G_STMT_START {                                               \
    g_autofree char *after__ = digest (db);                    \
    g_assert_cmpint ((run)->status, ==, 2);                    \
    assert_one_line_reason (run);                              \
    g_assert_cmpstr ((before), ==, after__);                   \
  } G_STMT_END

static void
test_help (void)
{
  static const char *commands[] = { "users", "products", "funnel" };

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      g_assert_nonnull (strstr (run.out, commands[i]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run = { 0 };
      g_auto(Run) bare = { 0 };
      g_auto(Run) unknown = { 0 };

      cli (&run, commands[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, commands[i]));
      cli (&bare, commands[i], NULL);
      g_assert_cmpint (bare.status, ==, 2);
      assert_one_line_reason (&bare);
      cli (&unknown, commands[i], "frobnicate", NULL);
      g_assert_cmpint (unknown.status, ==, 2);
      assert_one_line_reason (&unknown);
    }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "funnel", "import", "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "name;kind;probability;stuck_days"));
    g_assert_nonnull (strstr (run.out, "--db"));
  }
}

static void
test_users (void)
{
  g_autofree char *db = new_db ("users.db");
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "ivan", "--role", "sales", "--name", "Пётр Иванов",
         "--email", "ivanov@example.ru", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "head", "--role", "head", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }

  /* Reading works without --user; JSON is whole, valid, UTF-8 as is. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *name = NULL;

    cli (&run, "--db", db, "users", "list", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, 3);
    g_assert_nonnull (strstr (run.out, "Пётр Иванов"));
    name = json_text (run.out, "SELECT json_extract (value, '$.full_name') FROM json_each (?1) "
                               "WHERE json_extract (value, '$.login') = 'ivan'");
    g_assert_cmpstr (name, ==, "Пётр Иванов");
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE json_extract (value, '$.role') = "
                                        "'head' AND json_extract (value, '$.may_accept') = 1 AND "
                                        "json_type (value, '$.has_password') = 'false' AND "
                                        "json_type (value, '$.active') = 'true'"), ==, 1);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "users", "list", "--format", "csv", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "id,login,full_name,email,role,may_accept,active,has_password\r\n"));
    g_assert_nonnull (strstr (run.out, ",ivan,Пётр Иванов,ivanov@example.ru,sales,false,true,false\r\n"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "users", "list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Пётр Иванов"));
  }

  /* Refusals change nothing. */
  before = digest (db);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "users", "add", "petr", "--role", "sales", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "--user"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "users", "add", "petr", "--role", "sales", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "head", "users", "set-role", "ivan", "admin", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "petr", "--role", "boss", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "--role"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "petr", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "IVAN", "--role", "sales", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "set-role", "admin", "sales", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "last administrator"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "set-role", "ivan", "king", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "set-role", "nobody", "head", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "users", "list", "--format", "xml", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "set-role", "ivan", "head", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM users WHERE login = 'ivan' AND role = 'head' "
                                  "AND may_accept = 1"), ==, 1);
  }
}

static void
test_set_password (void)
{
  g_autofree char *db = new_db ("passwords.db");
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "ivan", "--role", "sales", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }

  /* An empty password is refused; nothing is written. */
  before = digest (db);
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, "\n", "--db", db, "--user", "admin", "users", "set-password", "ivan", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "empty"));
  }
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, "", "--db", db, "--user", "admin", "users", "set-password", "ivan", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, "secret\n", "--db", db, "users", "set-password", "ivan", NULL);
    assert_refused (&run, db, before);
  }

  /* The first line only, without its line break; stored as a KDF hash. */
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, "Тайна 42\r\nsecond line\n", "--db", db, "--user", "admin", "users", "set-password", "ivan", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = scim_store_open (db, SCIM_STORE_NONE, &error);
    g_autoptr(ScimUser) user = NULL;

    g_assert_no_error (error);
    user = scim_store_sign_in (store, "ivan", "Тайна 42", &error);
    g_assert_no_error (error);
    g_assert_nonnull (user);
    g_clear_object (&user);
    user = scim_store_sign_in (store, "ivan", "second line", &error);
    g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  }
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM users WHERE login = 'ivan' AND password_hash IS NOT NULL "
                                "AND password_hash != 'Тайна 42' AND instr (password_hash, 'Тайна') = 0"), ==, 1);

  /* The user now signs in with the password, given by the environment. */
  g_setenv ("SCIM_SALES_PASSWORD", "Тайна 42", TRUE);
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, "Новая\n", "--db", db, "--user", "ivan", "users", "set-password", "ivan", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  g_setenv ("SCIM_SALES_PASSWORD", "wrong", TRUE);
  before = (g_free (before), digest (db));
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, "Другая\n", "--db", db, "--user", "ivan", "users", "set-password", "ivan", NULL);
    assert_refused (&run, db, before);
  }
  g_unsetenv ("SCIM_SALES_PASSWORD");
  /* A salesperson may not set another user's password. */
  {
    g_auto(Run) run = { 0 };
    g_setenv ("SCIM_SALES_PASSWORD", "Новая", TRUE);
    cli_input (&run, "x\n", "--db", db, "--user", "ivan", "users", "set-password", "admin", NULL);
    g_unsetenv ("SCIM_SALES_PASSWORD");
    assert_refused (&run, db, before);
  }
}

static void
test_products_and_funnels (void)
{
  g_autofree char *db = new_db ("funnels.db");
  g_autofree char *file = g_build_filename (tmpdir, "funnel.txt", NULL);
  g_autofree char *bad = g_build_filename (tmpdir, "bad.txt", NULL);
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "ivan", "--role", "sales", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }

  /* The built-in product, as JSON and CSV. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "products", "list", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, 1);
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$[0].stages')"), ==, 12);
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$[0].sales')"), ==, 0);
    assert_json_text (run.out, "SELECT json_extract (?1, '$[0].manager')", "Анна Админова");
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "funnel", "show", "FINANCIAL CONSULTING", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, 12);
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$[0].position')"), ==, 1);
    assert_json_text (run.out, "SELECT json_extract (?1, '$[7].kind')", "won");
    assert_json_text (run.out, "SELECT json_extract (?1, '$[11].name')", "Refused");
  }

  /* Import into a new product, from a file with a BOM and CRLF. */
  g_assert_true (g_file_set_contents (file,
                                      "\xEF\xBB\xBF# Аудит\r\n"
                                      "Знакомство;open;10;14\r\n"
                                      "\r\n"
                                      "Предложение \"Стандарт\", согласование;open;40\r\n"
                                      "Договор;won;100\r\n"
                                      "Отказ;lost\r\n", -1, NULL));
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "funnel", "import", "Аудит", file, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "funnel", "show", "аудит", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, 4);
    assert_json_text (run.out, "SELECT json_extract (?1, '$[1].name')", "Предложение \"Стандарт\", согласование");
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$[0].stuck_days')"), ==, 14);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "funnel", "show", "Аудит", "--format", "csv", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "id,position,name,kind,probability,stuck_days,sales\r\n"));
    g_assert_nonnull (strstr (run.out, ",2,\"Предложение \"\"Стандарт\"\", согласование\",open,40,0,0\r\n"));
  }
  /* From standard input, replacing the funnel. */
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, "Знакомство\nДоговор;won\n", "--db", db, "--user", "admin", "funnel", "import", "Аудит", "-", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (raw_int (db, "SELECT count(*) FROM stages s JOIN products p ON p.id = s.product_id "
                                  "WHERE p.name = 'Аудит'"), ==, 2);
  }

  /* Bad files, wrong users: exit 2, one line, nothing written. */
  before = digest (db);
  g_assert_true (g_file_set_contents (bad, "Старт;open\nДоговор;won;200\nОтказ;loose\n", -1, NULL));
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "funnel", "import", "Аудит", bad, NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "Line 2:"));
    g_assert_nonnull (strstr (run.err, "Line 3:"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "funnel", "import", "Новый", bad, NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "funnel", "import", "Новый", file, NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "funnel", "import", "Новый", file, NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *missing = g_build_filename (tmpdir, "no-such-file.txt", NULL);
    cli (&run, "--db", db, "--user", "admin", "funnel", "import", "Новый", missing, NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "funnel", "import", "Новый", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "funnel", "show", "Нет такого", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "products", "list", "extra", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("SCIM_CLI"));
  g_unsetenv ("SCIM_SALES_PASSWORD");
  tmpdir = g_dir_make_tmp ("scim-cli-settings-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/cli/settings/help", test_help);
  g_test_add_func ("/cli/settings/users", test_users);
  g_test_add_func ("/cli/settings/set-password", test_set_password);
  g_test_add_func ("/cli/settings/products-and-funnels", test_products_and_funnels);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
