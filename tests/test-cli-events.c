/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* The Sales book commands of scim-sales-cli as a script sees them: exit
 * codes, one-line reasons, whole and valid JSON, dates in local time, and
 * refused commands that change nothing. */

static char *tmpdir;
static char *db;        /* a small demo, shared by the tests in order */

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
  g_subprocess_communicate_utf8 (process, "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
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
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (handle, 5000);
  return handle;
}

static gint64 raw_int (const char *format, ...) G_GNUC_PRINTF (1, 2);

static gint64
raw_int (const char *format,
         ...)
{
  g_autofree char *sql = NULL;
  sqlite3 *handle = raw_open (db);
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw_int: %s: %s", sql, sqlite3_errmsg (handle));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

static char *raw_text (const char *format, ...) G_GNUC_PRINTF (1, 2);

static char *
raw_text (const char *format,
          ...)
{
  g_autofree char *sql = NULL;
  sqlite3 *handle = raw_open (db);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw_text: %s: %s", sql, sqlite3_errmsg (handle));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

/* A JSON text checked and read with SQLite's own JSON functions. */
static gint64
json_int (const char *json,
          const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open (":memory:", &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

static char *
json_text (const char *json,
           const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, json, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

static void
assert_json_array (const char *json,
                   gint64      n_items)
{
  g_autofree char *type = json_text (json, "SELECT json_type (?1)");

  g_assert_cmpint (json_int (json, "SELECT json_valid (?1)"), ==, 1);
  g_assert_cmpstr (type, ==, "array");
  g_assert_cmpint (json_int (json, "SELECT json_array_length (?1)"), ==, n_items);
  /* Every object has its integer id. */
  g_assert_cmpint (json_int (json, "SELECT count(*) FROM json_each (?1) WHERE json_type (value, '$.id') = 'integer'"),
                   ==, n_items);
  /* UTF-8 as is: no \u escapes for letters. */
  g_assert_null (strstr (json, "\\u04"));
}

/* Every row of every table but the sessions: equal digests, nothing written. */
static char *
digest (void)
{
  sqlite3 *handle = raw_open (db);
  sqlite3_stmt *tables = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                               "AND name != 'sessions' ORDER BY name", -1, &tables, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1", sqlite3_column_text (tables, 0));
      sqlite3_stmt *rows = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &rows, NULL), ==, SQLITE_OK);
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
  sqlite3_close (handle);
  return g_strdup (g_checksum_get_string (sum));
}

/* A refused command: exit 2, one line on stderr, the file unchanged. */
#define assert_refused(run, before)                            \
  G_STMT_START {                                               \
    g_autofree char *after__ = digest ();                      \
    g_assert_cmpint ((run)->status, ==, 2);                    \
    assert_one_line_reason (run);                              \
    g_assert_cmpstr ((before), ==, after__);                   \
  } G_STMT_END

static gint64
local_time (int year,
            int month,
            int day,
            int hour,
            int minute)
{
  g_autoptr(GDateTime) local = g_date_time_new_local (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (local);
}

/* A sale of sales1 at an open stage, and its funnel's first won stage. */
static gint64
open_sale_of (const char *login)
{
  return raw_int ("SELECT s.id FROM sales s JOIN stages st ON st.id = s.stage_id JOIN users u ON u.id = s.owner_id "
                  "WHERE u.login = '%s' AND st.kind = 'open' ORDER BY s.id LIMIT 1", login);
}

static void
test_help (void)
{
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "events"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "events", "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "events add"));
    g_assert_nonnull (strstr (run.out, "events list"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "events", "add", "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "--stage"));
    g_assert_nonnull (strstr (run.out, "--db"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "events", "list", "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "--since"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "events", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "events", "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
}

static void
test_add (void)
{
  g_autofree char *before = digest ();
  g_autofree char *sale_text = NULL;
  g_autofree char *other_sale = NULL;
  g_autofree char *won = NULL;
  gint64 sale = open_sale_of ("sales1");
  gint64 events = raw_int ("SELECT count(*) FROM events");
  gint64 id;

  g_assert_cmpint (sale, >, 0);
  sale_text = g_strdup_printf ("%" G_GINT64_FORMAT, sale);
  won = raw_text ("SELECT st.name FROM stages st JOIN sales s ON s.product_id = st.product_id "
                  "WHERE s.id = %" G_GINT64_FORMAT " AND st.kind = 'won' ORDER BY st.position LIMIT 1", sale);
  other_sale = g_strdup_printf ("%" G_GINT64_FORMAT,
                                raw_int ("SELECT id FROM sales WHERE product_id != (SELECT product_id FROM sales "
                                         "WHERE id = %" G_GINT64_FORMAT ") LIMIT 1", sale));

  /* Refusals: exit 2, one line, nothing written. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "add", "--sale", sale_text, "--kind", "call", "--title", "Звонок", NULL);
    assert_refused (&run, before);
    g_assert_nonnull (strstr (run.err, "--user"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", sale_text, "--kind", "lunch", "--title",
         "Обед", NULL);
    assert_refused (&run, before);
    g_assert_nonnull (strstr (run.err, "--kind"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", sale_text, "--kind", "call", NULL);
    assert_refused (&run, before);
    g_assert_nonnull (strstr (run.err, "--title"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", sale_text, "--kind", "call", "--title",
         "   ", NULL);
    assert_refused (&run, before);
    g_assert_nonnull (strstr (run.err, "Title"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", "999999", "--kind", "call", "--title",
         "Звонок", NULL);
    assert_refused (&run, before);
    g_assert_nonnull (strstr (run.err, "Sale"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", "первая", "--kind", "call", "--title",
         "Звонок", NULL);
    assert_refused (&run, before);
  }
  {
    const char *bad_dates[] = { "2026-02-31", "31.12.2026", "2026-1-2", "2026-01-02 10:30", "2026-01-02T25:00",
                                "+2026-01-02" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_dates); i++)
      {
        g_auto(Run) run = { 0 };
        cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", sale_text, "--kind", "call", "--title",
             "Звонок", "--at", bad_dates[i], NULL);
        assert_refused (&run, before);
        g_assert_nonnull (strstr (run.err, "--at"));
      }
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", sale_text, "--kind", "contract", "--title",
         "Договор", "--stage", "Нет такой стадии", NULL);
    assert_refused (&run, before);
    g_assert_nonnull (strstr (run.err, "--stage"));
  }
  /* A stage of another product's funnel is not found in this sale's. */
  {
    g_autofree char *foreign = raw_text ("SELECT name FROM stages WHERE product_id = (SELECT product_id FROM sales "
                                         "WHERE id = %s) AND name NOT IN (SELECT st.name FROM stages st JOIN sales s "
                                         "ON s.product_id = st.product_id WHERE s.id = %" G_GINT64_FORMAT ") LIMIT 1",
                                         other_sale, sale);
    g_auto(Run) run = { 0 };

    if (foreign != NULL)
      {
        cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", sale_text, "--kind", "contract",
             "--title", "Договор", "--stage", foreign, NULL);
        assert_refused (&run, before);
      }
  }
  /* Another salesperson writes in the book but does not move the sale. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales2", "events", "add", "--sale", sale_text, "--kind", "contract",
         "--title", "Договор подписан", "--stage", won, NULL);
    assert_refused (&run, before);
    g_assert_nonnull (strstr (run.err, "salesperson"));
  }
  g_assert_cmpint (raw_int ("SELECT count(*) FROM events"), ==, events);

  /* A planned meeting, at a local time. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales2", "events", "add", "--sale", sale_text, "--kind", "meeting", "--title",
         "Встреча с «Ромашкой»", "--text", "Переговорная №2", "--at", "2031-03-05T10:30", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Event "));
    id = raw_int ("SELECT max(id) FROM events");
    g_assert_nonnull (strstr (run.out, sale_text));
    g_assert_cmpint (raw_int ("SELECT count(*) FROM events WHERE id = %" G_GINT64_FORMAT " AND at = %" G_GINT64_FORMAT
                              " AND planned = 1 AND kind = 'meeting' AND text = 'Переговорная №2' AND author_id = "
                              "(SELECT id FROM users WHERE login = 'sales2')",
                              id, local_time (2031, 3, 5, 10, 30)), ==, 1);
  }
  /* A date alone is local midnight. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales2", "events", "add", "--sale", sale_text, "--kind", "note", "--title",
         "Заметка", "--at", "2031-03-04", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (raw_int ("SELECT at FROM events WHERE id = (SELECT max(id) FROM events)"), ==,
                     local_time (2031, 3, 4, 0, 0));
  }

  /* The salesperson signs the contract and moves the sale, any case of the
   * stage's name. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *upper = g_utf8_strup (won, -1);

    cli (&run, "--db", db, "--user", "sales1", "events", "add", "--sale", sale_text, "--kind", "contract", "--title",
         "Договор подписан", "--stage", upper, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, won));
    g_assert_cmpint (raw_int ("SELECT count(*) FROM sales s JOIN stages st ON st.id = s.stage_id WHERE s.id = %"
                              G_GINT64_FORMAT " AND st.kind = 'won' AND s.closed_at IS NOT NULL", sale), ==, 1);
    g_assert_cmpint (raw_int ("SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT
                              " AND reason = 'Договор подписан'", sale), ==, 1);
  }
  g_assert_cmpint (raw_int ("SELECT count(*) FROM events"), ==, events + 3);
}

static void
test_list (void)
{
  gint64 total = raw_int ("SELECT count(*) FROM events");
  gint64 sale = raw_int ("SELECT sale_id FROM events WHERE title = 'Встреча с «Ромашкой»'");
  g_autofree char *sale_text = g_strdup_printf ("%" G_GINT64_FORMAT, sale);

  /* The whole book, newest first, without --user. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *first_at = NULL;
    g_autofree char *title = NULL;

    cli (&run, "--db", db, "events", "list", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, total);
    first_at = json_text (run.out, "SELECT json_extract (?1, '$[0].at')");
    g_assert_cmpstr (first_at, ==, "2031-03-05T10:30");
    title = json_text (run.out, "SELECT json_extract (?1, '$[0].title')");
    g_assert_cmpstr (title, ==, "Встреча с «Ромашкой»");
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE "
                               "json_extract (value, '$.title') = 'Встреча с «Ромашкой»' "
                               "AND json_extract (value, '$.kind') = 'meeting' "
                               "AND json_extract (value, '$.author') = 'sales2' "
                               "AND json_extract (value, '$.text') = 'Переговорная №2' "
                               "AND json_type (value, '$.planned') = 'true' "
                               "AND json_type (value, '$.unread') = 'false' "
                               "AND json_type (value, '$.sale_id') = 'integer' "
                               "AND json_type (value, '$.client') = 'text'"), ==, 1);
    /* Newest first all the way down. */
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM (SELECT json_extract (value, '$.at') AS at, "
                               "lag (json_extract (value, '$.at')) OVER (ORDER BY key) AS previous "
                               "FROM json_each (?1)) WHERE at > previous"), ==, 0);
  }

  /* Filters: since, until, sale, kind. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--since", "2031-03-05", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, 1);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--since", "2031-01-01", "--until", "2031-03-04", "--format", "json",
         NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, 1);
    g_assert_nonnull (strstr (run.out, "\"Заметка\""));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--sale", sale_text, "--kind", "contract", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, raw_int ("SELECT count(*) FROM events WHERE sale_id = %" G_GINT64_FORMAT
                                         " AND kind = 'contract'", sale));
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE "
                               "json_extract (value, '$.kind') != 'contract' OR json_extract (value, '$.sale_id') != "
                               "(SELECT json_extract (value, '$.sale_id') FROM json_each (?1) LIMIT 1)"), ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--sale", sale_text, "--format", "csv", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "id,at,kind,title,text,sale_id,client,product,stage,author,planned,"
                                              "unread,created_at,version\r\n"));
    g_assert_nonnull (strstr (run.out, ",2031-03-05T10:30,meeting,Встреча с «Ромашкой»,Переговорная №2,"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--sale", sale_text, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Встреча с «Ромашкой»"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--since", "2040-01-01", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "No events.\n");
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--since", "2040-01-01", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, 0);
  }

  /* Unread: for whom? */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "--unread", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_auto(Run) run = { 0 };
    gint64 expected = raw_int ("SELECT count(*) FROM events e, event_read_upto m, users u WHERE u.login = 'sales3' "
                               "AND m.user_id = u.id AND (e.created_at, e.id) > (m.created_at, m.event_id) "
                               "AND e.author_id IS NOT u.id");

    cli (&run, "--db", db, "--user", "sales3", "events", "list", "--unread", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (expected, >, 3);
    assert_json_array (run.out, expected);
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE "
                               "json_type (value, '$.unread') = 'true'"), ==, expected);
    g_assert_nonnull (strstr (run.out, "Встреча с «Ромашкой»"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "sales2", "events", "list", "--author", "sales2", "--format", "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_json_array (run.out, raw_int ("SELECT count(*) FROM events e JOIN users u ON u.id = e.author_id "
                                         "WHERE u.login = 'sales2'"));
    /* One's own events are never unread. */
    g_assert_cmpint (json_int (run.out, "SELECT count(*) FROM json_each (?1) WHERE "
                               "json_type (value, '$.unread') = 'true'"), ==, 0);
  }

  /* Bad options. */
  {
    const char *bad[][2] = { { "--since", "вчера" }, { "--until", "2031-13-01" }, { "--kind", "lunch" },
                             { "--sale", "0" }, { "--format", "xml" }, { "--author", "nobody" } };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_auto(Run) run = { 0 };
        cli (&run, "--db", db, "events", "list", bad[i][0], bad[i][1], NULL);
        g_assert_cmpint (run.status, ==, 2);
        assert_one_line_reason (&run);
      }
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "events", "list", "extra", NULL);
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
  tmpdir = g_dir_make_tmp ("scim-cli-events-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (tmpdir, "book.db", NULL);
  {
    g_auto(Run) init = { 0 };
    g_auto(Run) demo = { 0 };

    cli (&init, "--db", db, "--user", "admin", "init", NULL);
    g_assert_cmpint (init.status, ==, 0);
    cli (&demo, "--db", db, "--user", "admin", "demo", "--scale", "small", "--seed", "11", NULL);
    g_assert_cmpint (demo.status, ==, 0);
  }

  g_test_add_func ("/cli/events/help", test_help);
  g_test_add_func ("/cli/events/add", test_add);
  g_test_add_func ("/cli/events/list", test_list);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (db);
  return ret;
}
