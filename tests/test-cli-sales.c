/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* The Plan & control commands of scim-sales-cli as a script sees them:
 * exit codes, one-line reasons, JSON checked with SQLite's own JSON
 * functions, and refused commands that change nothing.  The CLI runs in
 * Moscow time, so local dates are not UTC dates. */

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

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64 rawf (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);
static gint64 execf (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gint64
rawf (const char *path,
      const char *format,
      ...)
{
  g_autofree char *sql = NULL;
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("rawf: %s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
execf (const char *path,
       const char *format,
       ...)
{
  g_autofree char *sql = NULL;
  sqlite3 *db = raw_open (path);
  char *err = NULL;
  gint64 id;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("execf: %s: %s", sql, err);
  id = sqlite3_last_insert_rowid (db);
  sqlite3_close (db);
  return id;
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
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("json_int: %s: %s", sql, sqlite3_errmsg (db));
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
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("json_text: %s: %s", sql, sqlite3_errmsg (db));
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
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

/* Asserts that @path still has the digest @before; the new digest
 * is freed, so a comparison leaks nothing. */
#define assert_same_digest(path, before)                        \
  G_STMT_START {                                                \
    g_autofree char *now__ = digest (path);                     \
    g_assert_cmpstr ((before), ==, now__);                      \
  } G_STMT_END

/* A refused command: exit 2, one line on stderr, the file unchanged. */
#define assert_refused(run, db, before)                        \
  G_STMT_START {                                               \
    g_autofree char *after__ = digest (db);                    \
    g_assert_cmpint ((run)->status, ==, 2);                    \
    assert_one_line_reason (run);                              \
    g_assert_cmpstr ((before), ==, after__);                   \
  } G_STMT_END

#define assert_ok(run)                                         \
  G_STMT_START {                                               \
    if ((run)->status != 0)                                    \
      g_error ("exit %d: %s", (run)->status, (run)->err);      \
  } G_STMT_END

static gint64
local_unix (int y, int m, int d, int hh, int mm)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (y, m, d, hh, mm, 0);

  return g_date_time_to_unix (t);
}

/* A database with ivan's sale 1 and petr's sale 2 of "Консалтинг" at its
 * first stage; head is a head of sales. */
static char *
new_db (const char *name)
{
  char *db = g_build_filename (tmpdir, name, NULL);
  static const char funnel[] = "Новый;open;10;\nПереговоры;open;50;14\nСделка;won;100;\nПауза;paused;0;\n"
                               "Отказ;lost;0;\n";

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "init", "--name", "Анна Админова", NULL);
    assert_ok (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "ivan", "--role", "sales", "--name", "Пётр Иванов", NULL);
    assert_ok (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "petr", "--role", "sales", "--name", "Пётр Петров", NULL);
    assert_ok (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "head", "--role", "head", NULL);
    assert_ok (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli_input (&run, funnel, "--db", db, "--user", "admin", "funnel", "import", "Консалтинг", "-", NULL);
    assert_ok (&run);
  }
  execf (db, "INSERT INTO clients (id, name, created_at) VALUES (1, 'ООО «Ромашка»', 1700000000)");
  for (int i = 1; i <= 2; i++)
    {
      execf (db, "INSERT INTO sales (id, client_id, product_id, stage_id, owner_id, amount, stage_entered_at, "
             "created_at) SELECT %d, 1, p.id, (SELECT id FROM stages WHERE product_id = p.id AND position = 0), "
             "(SELECT id FROM users WHERE login = '%s'), 1500000, 1700000000, 1700000000 "
             "FROM products p WHERE p.name = 'Консалтинг'", i, i == 1 ? "ivan" : "petr");
      execf (db, "INSERT INTO stage_changes (sale_id, to_stage_id, user_id, at) SELECT id, stage_id, owner_id, "
             "1700000000 FROM sales WHERE id = %d", i);
    }
  return db;
}

static void
test_help (void)
{
  static const char *commands[] = { "sales", "sale" };

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--help", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "sales "));
    g_assert_nonnull (strstr (run.out, "sale "));
    g_assert_nonnull (strstr (run.out, "tasks "));
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run = { 0 };
      g_auto(Run) bare = { 0 };
      g_auto(Run) unknown = { 0 };

      cli (&run, commands[i], "--help", NULL);
      assert_ok (&run);
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
    cli (&run, "tasks", "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "tasks", "--help", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "--due"));
    g_assert_nonnull (strstr (run.out, "tasks add"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "tasks", "done", "--help", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "--result"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "sale", "move", "--help", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "--reason"));
    g_assert_nonnull (strstr (run.out, "--until"));
  }
}

static void
test_tasks (void)
{
  g_autofree char *db = new_db ("tasks.db");
  g_autofree char *before = NULL;
  gint64 call, timed, petrs, old, today;

  /* Writing needs --user and the right to edit the plan. */
  before = digest (db);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "add", "--sale", "1", "--title", "Позвонить", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "--user"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "petr", "tasks", "add", "--sale", "1", "--title", "Позвонить", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "--title"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "   ", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "Title:"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Позвонить", "--due",
         "2030-02-30", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "--due"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Позвонить", "--owner", "nobody",
         NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "999", "--title", "Позвонить", NULL);
    assert_refused (&run, db, before);
  }

  /* A day is due at its local midnight; a time as given. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Позвонить «Ромашке»",
         "--owner", "ivan", "--due", "2030-01-10", NULL);
    assert_ok (&run);
    call = rawf (db, "SELECT max(id) FROM tasks");
    g_assert_nonnull (strstr (run.out, "1"));
  }
  g_assert_cmpint (rawf (db, "SELECT due_at FROM tasks WHERE id = %" G_GINT64_FORMAT, call), ==,
                   local_unix (2030, 1, 10, 0, 0));
  g_assert_cmpint (rawf (db, "SELECT due_has_time FROM tasks WHERE id = %" G_GINT64_FORMAT, call), ==, 0);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Встреча", "--due",
         "2030-01-11T14:30", NULL);
    assert_ok (&run);
    timed = rawf (db, "SELECT max(id) FROM tasks");
  }
  g_assert_cmpint (rawf (db, "SELECT due_at FROM tasks WHERE id = %" G_GINT64_FORMAT, timed), ==,
                   local_unix (2030, 1, 11, 14, 30));
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Расчёт", "--owner", "petr",
         NULL);
    assert_ok (&run);
    petrs = rawf (db, "SELECT max(id) FROM tasks");
  }
  /* Overdue and due today, written straight into the file. */
  old = execf (db, "INSERT INTO tasks (sale_id, title, owner_id, due_at, position, created_at) VALUES "
               "(1, 'Просрочено', (SELECT id FROM users WHERE login = 'ivan'), %" G_GINT64_FORMAT ", 3, 1700000000)",
               local_unix (2020, 1, 1, 0, 0));
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    today = execf (db, "INSERT INTO tasks (sale_id, title, owner_id, due_at, position, created_at) VALUES "
                   "(2, 'Сегодня', (SELECT id FROM users WHERE login = 'petr'), %" G_GINT64_FORMAT ", 0, 1700000000)",
                   local_unix (g_date_time_get_year (now), g_date_time_get_month (now),
                               g_date_time_get_day_of_month (now), 0, 0));
  }

  /* The list: JSON whole, each task with its id and fields. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *sql = NULL;

    cli (&run, "--db", db, "tasks", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 5);
    g_assert_nonnull (strstr (run.out, "«Ромашке»"));
    sql = g_strdup_printf ("SELECT json_extract (value, '$.title') || '|' || json_extract (value, '$.owner') || '|' || "
                           "json_extract (value, '$.due') || '|' || json_extract (value, '$.state') || '|' || "
                           "json_extract (value, '$.sale') || '|' || json_extract (value, '$.client') "
                           "FROM json_each (?1) WHERE json_extract (value, '$.id') = %" G_GINT64_FORMAT, call);
    assert_json_text (run.out, sql, "Позвонить «Ромашке»|ivan|2030-01-10|planned|1|ООО «Ромашка»");
    g_free (sql);
    sql = g_strdup_printf ("SELECT json_extract (value, '$.due') FROM json_each (?1) "
                           "WHERE json_extract (value, '$.id') = %" G_GINT64_FORMAT, timed);
    assert_json_text (run.out, sql, "2030-01-11T14:30");
    /* Overdue first, by due date. */
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$[0].id')"), ==, old);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "--owner", "ivan", "--due", "overdue", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 1);
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$[0].id')"), ==, old);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "--due", "today", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 1);
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$[0].id')"), ==, today);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "--owner", "petr", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 2);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "--due", "none", "--format", "csv", NULL);
    assert_ok (&run);
    g_assert_true (g_str_has_prefix (run.out, "id,sale,client,product,title,owner,due,state,result,closed,version\r\n"));
    g_assert_nonnull (strstr (run.out, ",Расчёт,petr,,planned,,,1\r\n"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "Позвонить «Ромашке»"));
    g_assert_nonnull (strstr (run.out, "2030-01-11T14:30"));
  }
  before = (g_free (before), digest (db));
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "--due", "someday", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "--state", "open", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "tasks", "--owner", "nobody", NULL);
    assert_refused (&run, db, before);
  }

  /* Closing: the result is required; someone else's task on someone else's
   * sale is refused; one's own task on another's sale is fine. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, call);
    cli (&run, "--db", db, "--user", "ivan", "tasks", "done", id, NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "Result:"));
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, call);
    cli (&run, "--db", db, "--user", "petr", "tasks", "done", id, "--result", "Сделал", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "done", "9999", "--result", "Сделал", NULL);
    assert_refused (&run, db, before);
  }
  /* From a version someone changed since: refused with exit code 3, who and when said. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, call);
    g_autofree char *stale = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              rawf (db, "SELECT version FROM tasks WHERE id = %" G_GINT64_FORMAT,
                                                    call));

    execf (db, "UPDATE tasks SET notes = 'их правка', version = version + 1 WHERE id = %" G_GINT64_FORMAT, call);
    execf (db, "INSERT INTO change_log (at, user_id, entity, entity_id, action) VALUES "
               "(unixepoch(), (SELECT id FROM users WHERE login = 'petr'), 'tasks', %" G_GINT64_FORMAT ", 'update')",
           call);
    before = (g_free (before), digest (db));
    cli (&run, "--db", db, "--user", "ivan", "tasks", "done", id, "--if-version", stale, "--result", "Сделал", NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "Пётр Петров"));
    assert_same_digest (db, before);
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, call);
    g_autofree char *current = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                rawf (db, "SELECT version FROM tasks WHERE id = %" G_GINT64_FORMAT,
                                                      call));
    cli (&run, "--db", db, "--user", "ivan", "tasks", "done", id, "--if-version", current,
         "--result", "Договорились о встрече", NULL);
    assert_ok (&run);
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, petrs);
    cli (&run, "--db", db, "--user", "petr", "tasks", "done", id, "--failed", "--result", "Нет данных", NULL);
    assert_ok (&run);
  }
  g_assert_cmpint (rawf (db, "SELECT count(*) FROM tasks WHERE id = %" G_GINT64_FORMAT " AND state = 'done' AND "
                         "result = 'Договорились о встрече' AND closed_at IS NOT NULL", call), ==, 1);
  g_assert_cmpint (rawf (db, "SELECT count(*) FROM tasks WHERE id = %" G_GINT64_FORMAT " AND state = 'failed'", petrs),
                   ==, 1);
  {
    g_auto(Run) run = { 0 };
    g_autofree char *sql = g_strdup_printf ("SELECT json_extract (value, '$.result') FROM json_each (?1) "
                                            "WHERE json_extract (value, '$.id') = %" G_GINT64_FORMAT, petrs);

    cli (&run, "--db", db, "tasks", "--state", "failed", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 1);
    assert_json_text (run.out, sql, "Нет данных");
  }
}

static void
test_sale_show_and_move (void)
{
  g_autofree char *db = new_db ("sale.db");
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Позвонить", "--due",
         "2030-01-10", NULL);
    assert_ok (&run);
  }

  /* Show: one object with the sale, its history and its plan. */
  {
    g_auto(Run) run = { 0 };

    cli (&run, "--db", db, "sale", "show", "1", "--format", "json", NULL);
    assert_ok (&run);
    g_assert_cmpint (json_int (run.out, "SELECT json_valid (?1)"), ==, 1);
    assert_json_text (run.out, "SELECT json_type (?1)", "object");
    g_assert_cmpint (json_int (run.out, "SELECT json_extract (?1, '$.id')"), ==, 1);
    assert_json_text (run.out, "SELECT json_extract (?1, '$.client') || '|' || json_extract (?1, '$.product') || '|' "
                               "|| json_extract (?1, '$.owner') || '|' || json_extract (?1, '$.stage') || '|' || "
                               "json_extract (?1, '$.amount')", "ООО «Ромашка»|Консалтинг|ivan|Новый|1500000");
    g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1, '$.history')"), ==, 1);
    assert_json_text (run.out, "SELECT json_type (?1, '$.history[0].from')", "null");
    assert_json_text (run.out, "SELECT json_extract (?1, '$.history[0].to')", "Новый");
    g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1, '$.tasks')"), ==, 1);
    assert_json_text (run.out, "SELECT json_extract (?1, '$.tasks[0].title') || '|' || "
                               "json_extract (?1, '$.tasks[0].owner') || '|' || json_extract (?1, '$.tasks[0].due') "
                               "|| '|' || json_extract (?1, '$.tasks[0].state') || '|' || "
                               "json_extract (?1, '$.tasks[0].result')", "Позвонить|ivan|2030-01-10|planned|");
    assert_json_text (run.out, "SELECT json_type (?1, '$.tasks[0].id')", "integer");
    g_assert_null (strstr (run.out, "\\u04"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sale", "show", "1", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "Позвонить"));
    g_assert_nonnull (strstr (run.out, "Новый"));
  }

  before = digest (db);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sale", "show", "999", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sale", "show", "one", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sale", "show", "1", "--format", "csv", NULL);
    assert_refused (&run, db, before);
  }

  /* Moves: by name in any case, or by number; the rules are the core's. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sale", "move", "1", "переговоры", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "--user"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "petr", "sale", "move", "1", "переговоры", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "sale", "move", "1", "Нет такой", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "STAGE"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "sale", "move", "999", "1", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "sale", "move", "1", "ПЕРЕГОВОРЫ", NULL);
    assert_ok (&run);
  }
  /* A move from what a script saw earlier: refused with exit 3 once the
   * sale has left that stage, naming who moved it. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *moved = digest (db);
    g_autofree char *after = NULL;

    cli (&run, "--db", db, "--user", "ivan", "sale", "move", "1", "1", "--from", "1", NULL);
    g_assert_cmpint (run.status, ==, 3);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "Переговоры"));
    after = digest (db);
    g_assert_cmpstr (moved, ==, after);
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *at = NULL;

    cli (&run, "--db", db, "sale", "show", "1", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_text (run.out, "SELECT json_extract (?1, '$.stage')", "Переговоры");
    g_assert_cmpint (json_int (run.out, "SELECT json_array_length (?1, '$.history')"), ==, 2);
    assert_json_text (run.out, "SELECT json_extract (?1, '$.history[1].from') || '|' || "
                               "json_extract (?1, '$.history[1].to') || '|' || json_extract (?1, '$.history[1].by')",
                      "Новый|Переговоры|Пётр Иванов");
    assert_json_text (run.out, "SELECT json_type (?1, '$.history[1].reason')", "null");
    at = json_text (run.out, "SELECT json_extract (?1, '$.history[1].at')");
    g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$", at, 0, 0));
  }

  /* Lost needs a reason; then the plan is read-only until it moves back. */
  before = (g_free (before), digest (db));
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "sale", "move", "1", "5", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "Reason:"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "sale", "move", "1", "5", "--reason", "Нет бюджета", NULL);
    assert_ok (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sale", "show", "1", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_text (run.out, "SELECT json_extract (?1, '$.stage') || '|' || json_extract (?1, '$.history[2].reason') "
                               "|| '|' || json_extract (?1, '$.lost_reason')", "Отказ|Нет бюджета|Нет бюджета");
  }
  before = (g_free (before), digest (db));
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "head", "tasks", "add", "--sale", "1", "--title", "Вернуть", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "lost"));
  }
  /* Paused needs a date in the future. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "head", "sale", "move", "1", "Пауза", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "Until:"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "head", "sale", "move", "1", "Пауза", "--until", "2020-01-01", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "head", "sale", "move", "1", "Пауза", "--until", "2099-13-01", NULL);
    assert_refused (&run, db, before);
    g_assert_nonnull (strstr (run.err, "--until"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "head", "sale", "move", "1", "Пауза", "--until", "2099-01-01", NULL);
    assert_ok (&run);
  }
  g_assert_cmpint (rawf (db, "SELECT paused_until FROM sales WHERE id = 1"), ==, local_unix (2099, 1, 1, 0, 0));
  g_assert_cmpint (rawf (db, "SELECT closed_at IS NULL AND lost_reason IS NULL FROM sales WHERE id = 1"), ==, 1);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Вернуться к клиенту", NULL);
    assert_ok (&run);
  }
  g_assert_cmpint (rawf (db, "SELECT count(*) FROM stage_changes WHERE sale_id = 1"), ==, 4);
}

static void
test_sales_list (void)
{
  g_autofree char *db = new_db ("list.db");
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "ivan", "tasks", "add", "--sale", "1", "--title", "Позвонить", NULL);
    assert_ok (&run);
  }
  /* Sale 2 went quiet long ago; sale 3, petr's, started a minute ago. */
  execf (db, "INSERT INTO sales (id, client_id, product_id, stage_id, owner_id, stage_entered_at, created_at) "
         "SELECT 3, 1, product_id, stage_id, owner_id, strftime('%%s', 'now') - 60, 1700000000 FROM sales WHERE id = 2");

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 3);
    assert_json_text (run.out, "SELECT json_extract (value, '$.client') || '|' || json_extract (value, '$.product') || "
                               "'|' || json_extract (value, '$.stage') || '|' || json_extract (value, '$.owner') || "
                               "'|' || json_extract (value, '$.amount') || '|' || json_extract (value, '$.open_tasks') "
                               "FROM json_each (?1) WHERE json_extract (value, '$.id') = 1",
                      "ООО «Ромашка»|Консалтинг|Новый|ivan|1500000|1");
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--owner", "petr", "--product", "консалтинг", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 2);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--signal", "no-plan", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 2);
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE json_extract (value, '$.id') = 1"),
                     ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--signal", "idle", "--format", "json", NULL);
    assert_ok (&run);
    assert_json_array (run.out, 2);
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE json_extract (value, '$.id') = 3"),
                     ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--signal", "idle", "--owner", "petr", "--format", "csv", NULL);
    assert_ok (&run);
    g_assert_true (g_str_has_prefix (run.out, "id,client,product,stage,owner,amount,open_tasks,stage_entered,"
                                              "last_activity\r\n2,"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", NULL);
    assert_ok (&run);
    g_assert_nonnull (strstr (run.out, "ООО «Ромашка»"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--owner", "head", "--format", "json", NULL);
    assert_ok (&run);
    g_assert_cmpstr (run.out, ==, "[]\n");
  }

  before = digest (db);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--signal", "loud", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--product", "Нет такого", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--owner", "nobody", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "--format", "xml", NULL);
    assert_refused (&run, db, before);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "sales", "list", "extra", NULL);
    assert_refused (&run, db, before);
  }
}

/* Messages that carry an id are translated whole, the id in its place. */
static void
test_russian_ids (void)
{
  g_autofree char *db = new_db ("russian.db");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  struct { const char *args[8]; const char *expected; } cases[] = {
    { { "tasks", "done", "987654", NULL }, "Нет задачи 987654." },
    { { "tasks", "--sale=-5", NULL }, "--sale: «-5» — не продажа." },
  };

  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "ru", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "ru_RU.UTF-8", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_ptr_array_add (argv, (gpointer) g_getenv ("SCIM_CLI"));
      g_ptr_array_add (argv, "--db");
      g_ptr_array_add (argv, db);
      g_ptr_array_add (argv, "--user");
      g_ptr_array_add (argv, "ivan");
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (argv, (gpointer) cases[i].args[j]);
      g_ptr_array_add (argv, NULL);
      process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, cases[i].expected));
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* For this process and the CLI it runs. */
  g_setenv ("TZ", "Europe/Moscow", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
  tmpdir = g_dir_make_tmp ("scim-cli-sales-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/cli/sales/help", test_help);
  g_test_add_func ("/cli/sales/tasks", test_tasks);
  g_test_add_func ("/cli/sales/sale-show-and-move", test_sale_show_and_move);
  g_test_add_func ("/cli/sales/list", test_sales_list);
  g_test_add_func ("/cli/sales/russian-ids", test_russian_ids);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
