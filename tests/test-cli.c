/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* scim-sales-cli as a script sees it: exit codes, one-line reasons on
 * standard error, files left as they were when a command refuses. */

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
cli (Run *run,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("SCIM_CLI"));
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &run->status, &error);
  g_assert_no_error (error);
  run->status = WIFEXITED (run->status) ? WEXITSTATUS (run->status) : -1;
}

static char *
path_in_tmp (const char *name)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_unlink (path);
  return path;
}

static char *
checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

/* Asserts that the bytes of @path are still those of @before; the new checksum
 * is freed, so a comparison leaks nothing. */
#define assert_same_file(path, before)                          \
  G_STMT_START {                                                \
    g_autofree char *now__ = checksum (path);                   \
    g_assert_cmpstr ((before), ==, now__);                      \
  } G_STMT_END

static void
assert_one_line_reason (Run *run)
{
  g_assert_true (g_str_has_prefix (run->err, "scim-sales-cli: "));
  g_assert_true (g_str_has_suffix (run->err, "\n"));
  g_assert_true (strchr (run->err, '\n') == run->err + strlen (run->err) - 1);
}

static void
test_help (void)
{
  static const char *commands[] = { "init", "demo", "check", "backup", "backups", "restore" };

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
      cli (&run, commands[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, "--db"));
      g_assert_nonnull (strstr (run.out, commands[i]));
    }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "check", "--no-such-option", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }

  /* Commands with subcommands: --help lists them, a missing or unknown one
   * is a usage error that names the right ones, a subcommand is found after
   * an option's value. */
  {
    static const char *with_subs[][2] = {
      { "users", "set-role" }, { "leads", "accept" }, { "sale", "move" },
      { "events", "add" }, { "import", "leads" }, { "products", "list" }, { "export", "leads" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (with_subs); i++)
      {
        g_auto(Run) run = { 0 };
        g_autofree char *line = g_strdup_printf ("  %s %s", with_subs[i][0], with_subs[i][1]);

        cli (&run, with_subs[i][0], "--help", NULL);
        g_assert_cmpint (run.status, ==, 0);
        g_assert_nonnull (strstr (run.out, line));
      }
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "sale", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "move"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "users", "--format", "json", "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "users frobnicate"));
    g_assert_nonnull (strstr (run.err, "set-role"));
  }
}

static void
test_init_check_backup (void)
{
  g_autofree char *db = path_in_tmp ("init.db");
  g_autofree char *copy = path_in_tmp ("copy.db");
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "boss", "init", "--name", "Большой Босс", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = scim_store_open (db, SCIM_STORE_NONE, &error);
    g_autoptr(ScimUser) boss = NULL;

    g_assert_no_error (error);
    boss = scim_store_find_user (store, "boss", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (boss), "role"), ==, "admin");
    g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (boss), "full-name"), ==, "Большой Босс");
  }

  /* init never touches an existing file. */
  before = checksum (db);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "init", "--db", db, "--user", "other", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "already exists"));
  }
  assert_same_file (db, before);

  {
    g_auto(Run) run = { 0 };
    g_autofree char *expected = g_strdup_printf ("Schema version: %d", SCIM_SCHEMA_VERSION);
    cli (&run, "check", "--db", db, "--full", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, expected));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "backup", copy, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_file_test (copy, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", copy, "check", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  /* Generations: the old copy moves to .1 only once the new one is verified. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *gen1 = g_strconcat (copy, ".1", NULL);
    cli (&run, "--db", db, "backup", "--keep", "2", copy, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_file_test (gen1, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *nowhere = g_build_filename (tmpdir, "missing", "copy.db", NULL);
    cli (&run, "--db", db, "backup", nowhere, NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }

  /* A copy that fails its verification is not kept, and the last good copy
   * stays as it was.  The damage: an index whose entries no longer match
   * its table, which the quick check at open does not look for and the
   * backup's integrity check does. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *good = checksum (copy);
    g_autofree char *after = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *name;
    sqlite3 *raw = NULL;

    g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (raw,
                                   "CREATE TABLE junk (a INTEGER, b INTEGER);"
                                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
                                   "INSERT INTO junk SELECT i, 1000 - i FROM n;"
                                   "CREATE INDEX junk_a ON junk (a);"
                                   "PRAGMA writable_schema = ON;"
                                   "UPDATE sqlite_schema SET sql = 'CREATE INDEX junk_a ON junk (b)' WHERE name = 'junk_a';"
                                   "PRAGMA writable_schema = OFF;",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (raw);

    cli (&run, "--db", db, "backup", copy, NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "integrity check"));
    after = checksum (copy);
    g_assert_cmpstr (after, ==, good);
    /* Nothing half-written left beside it. */
    dir = g_dir_open (tmpdir, 0, NULL);
    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, "copy.db"))
        g_assert_true (g_str_equal (name, "copy.db") || g_str_equal (name, "copy.db.1"));
  }
}

static void
test_bad_files (void)
{
  g_autofree char *text = path_in_tmp ("text.db");
  g_autofree char *missing = g_build_filename (tmpdir, "nowhere", "x.db", NULL);
  g_autofree char *damaged = path_in_tmp ("damaged.db");
  g_autofree char *before = NULL;

  g_assert_true (g_file_set_contents (text, "not a database at all, just text\n", -1, NULL));
  before = checksum (text);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", text, "check", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "not an SQLite file"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", text, "demo", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  assert_same_file (text, before);

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", missing, "check", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "does not exist"));
  }

  /* A damaged file: the check says what is wrong and exits with 1. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *contents = NULL;
    gsize len;

    g_setenv ("SCIM_FORCE_FSTYPE", "nfs", TRUE);
    cli (&run, "--db", damaged, "--user", "a", "init", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_file_get_contents (damaged, &contents, &len, NULL));
    for (gsize i = 4200; i < len; i += 5)
      contents[i] = (char) 0xA5;
    g_assert_true (g_file_set_contents (damaged, contents, len, NULL));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", damaged, "check", NULL);
    g_assert_cmpint (run.status, ==, 1);
  }
  /* Commands open without the page check: the damaged page a reading
   * command reads says so, and a writing command that meets one is
   * refused with nothing written. */
  {
    g_autofree char *was = checksum (damaged);
    g_auto(Run) reading = { 0 };
    g_auto(Run) writing = { 0 };

    cli (&reading, "--db", damaged, "products", "list", NULL);
    g_assert_cmpint (reading.status, ==, 1);
    assert_one_line_reason (&reading);
    g_assert_nonnull (strstr (reading.err, "damaged"));
    cli (&writing, "--db", damaged, "--user", "a", "users", "add", "bob", "--role", "sales", NULL);
    g_assert_cmpint (writing.status, ==, 1);
    assert_one_line_reason (&writing);
    g_assert_nonnull (strstr (writing.err, "damaged"));
    assert_same_file (damaged, was);
  }
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

static void
test_demo_rules (void)
{
  g_autofree char *db = path_in_tmp ("demo.db");
  g_autofree char *owned = path_in_tmp ("owned.db");
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "demo", "--scale", "huge", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "demo", "--scale", "small", "--seed", "5", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = scim_store_open (db, SCIM_STORE_NONE, &error);
    g_autoptr(ScimUser) admin = scim_store_find_user (store, "admin", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (admin), "role"), ==, "admin");
    g_assert_false (scim_record_get_bool (SCIM_RECORD (admin), "has-password"));
  }

  /* A database that has users belongs to someone: only its admin adds demo data. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", owned, "--user", "boss", "init", "--no-template", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  before = checksum (owned);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", owned, "demo", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "--user"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", owned, "--user", "nobody", "demo", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "nobody"));
  }
  /* Refused twice, and the file is byte for byte what it was. */
  {
    g_autofree char *after = checksum (owned);
    g_assert_cmpstr (after, ==, before);
  }
  g_clear_pointer (&before, g_free);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", owned, "--user", "boss", "demo", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  /* A second demo into a database with sales is refused and changes nothing. */
  before = checksum (db);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "demo", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_autofree char *after = checksum (db);
    g_assert_cmpstr (after, ==, before);
  }
}

static gint64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
sql_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* vacuum compacts a file nobody else has open, and refuses (naming who)
 * while someone does. */
static void
test_vacuum (void)
{
  g_autofree char *db = path_in_tmp ("vacuum.scim");
  g_autofree char *sql = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, free_before, tasks;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "demo", "--scale", "small", "--seed", "9", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  sql_exec (db, "PRAGMA foreign_keys = ON; DELETE FROM events; PRAGMA wal_checkpoint(TRUNCATE)");
  free_before = sql_int (db, "PRAGMA freelist_count");
  tasks = sql_int (db, "SELECT count(*) FROM tasks");
  g_assert_cmpint (free_before, >, 0);
  sql = g_strdup_printf ("INSERT INTO sessions (user_id, host, pid, started_at, heartbeat_at) "
                         "VALUES (NULL, 'pc-3', 4343, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", now, now);
  sql_exec (db, sql);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "vacuum", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "pc-3"));
  }
  g_assert_cmpint (sql_int (db, "PRAGMA freelist_count"), ==, free_before);
  sql_exec (db, "DELETE FROM sessions WHERE host = 'pc-3'");
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "vacuum", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  g_assert_cmpint (sql_int (db, "PRAGMA freelist_count"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM tasks"), ==, tasks);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "check", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
}

/* A file on a mount whose locks may not work is read-only for a writing
 * command, which says how to go on; --trust-locks writes, with the
 * rollback journal. */
static void
test_trust_locks (void)
{
  g_autofree char *db = path_in_tmp ("fuse.scim");
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *before = NULL;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "demo", "--scale", "small", "--seed", "9", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  sql_exec (db, "PRAGMA journal_mode = DELETE");
  before = checksum (db);
  g_setenv ("SCIM_FORCE_FSTYPE", "fuse.bindfs", TRUE);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--user", "admin", "users", "add", "nina", "--role", "sales", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "FUSE"));
    g_assert_nonnull (strstr (run.err, "--trust-locks"));
  }
  {
    g_autofree char *after = checksum (db);
    g_assert_cmpstr (before, ==, after);
  }
  /* Reading needs no trust. */
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "users", "list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_null (strstr (run.out, "nina"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "--trust-locks", "--user", "admin", "users", "add", "nina", "--role", "sales", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.err, ==, "");
  }
  g_unsetenv ("SCIM_FORCE_FSTYPE");
  /* The rollback journal, as on any share: no -wal beside the file. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM users WHERE login = 'nina'"), ==, 1);
}

/* backup without DEST adds a generation; backups lists them; restore
 * brings one back, keeps the replaced file aside, and refuses while
 * another computer has the file open. */
static void
test_backups_restore (void)
{
  g_autofree char *db = path_in_tmp ("team.scim");
  g_autofree char *folder = g_build_filename (tmpdir, "team-backups", NULL);
  g_autofree char *sql = NULL;
  gint64 tasks, now = g_get_real_time () / G_USEC_PER_SEC;

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "demo", "--scale", "small", "--seed", "5", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  tasks = sql_int (db, "SELECT count(*) FROM tasks");
  g_assert_cmpint (tasks, >, 0);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "backups", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "team-backups"));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "backup", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, folder));
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "backups", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "team-backups/team-"));
    g_assert_cmpint (strlen (run.out) > 0 && strchr (run.out, '\n') == run.out + strlen (run.out) - 1, ==, TRUE);
  }
  {
    sqlite3 *raw = NULL;
    g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
    sql = g_strdup_printf ("DELETE FROM tasks; INSERT INTO sessions (user_id, host, pid, started_at, heartbeat_at) "
                           "VALUES (NULL, 'pc-2', 4242, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", now, now);
    g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (raw);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "restore", "--latest", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "pc-2"));
    g_assert_cmpint (sql_int (db, "SELECT count(*) FROM tasks"), ==, 0);
  }
  g_assert_cmpint (sql_int (db, "UPDATE sessions SET heartbeat_at = 0 RETURNING 0"), ==, 0);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "restore", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
  }
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "restore", "--latest", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "before-restore"));
  }
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM tasks"), ==, tasks);
  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "check", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
}

static gint64
probe_data_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA data_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Every command maps only what it needs: the libraries of the painter and
 * the mail (cairo, Pango, libcurl, libsecret and what they bring) come with
 * the extras module, which only drawing and mailing load.  Without the
 * module those say so and what to do, and the rest still works. */
static void
test_light_process (void)
{
  static const char *heavy[] = { "libcairo", "libpango", "libcurl", "libsecret", "libgnutls", "libX11" };
  const char *program = g_getenv ("SCIM_CLI");
  g_autofree char *db = path_in_tmp ("light.db");
  g_autofree char *alone_dir = g_build_filename (tmpdir, "alone", NULL);
  g_autofree char *alone = g_build_filename (alone_dir, "scim-sales-cli", NULL);
  g_autofree char *installed = g_build_filename (CLI_EXTRAS_DIR, "scim-sales-cli-extras.so", NULL);
  g_autofree char *png = path_in_tmp ("light.png");
  g_autofree char *binary = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  {
    /* What the dynamic loader maps for the program, all of it. */
    const char *argv[] = { program, NULL };
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "LD_TRACE_LOADED_OBJECTS", "1", TRUE);
    g_autofree char *out = NULL;
    int status = -1;

    g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (out, "libsqlite3"));
    for (guint i = 0; i < G_N_ELEMENTS (heavy); i++)
      if (strstr (out, heavy[i]) != NULL)
        g_error ("scim-sales-cli maps %s at start:\n%s", heavy[i], out);
  }

  {
    g_auto(Run) run = { 0 };
    cli (&run, "--db", db, "demo", "--scale", "small", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }

  /* A listing writes nothing, not even a session: another connection sees
   * no commit (PRAGMA data_version).  One that may write registers. */
  {
    static const char *readers[][4] = {
      { "users", "list", NULL }, { "sales", "list", NULL }, { "tasks", "--due", "overdue", NULL },
      { "leads", "list", NULL }, { "events", "list", NULL }, { "funnel", NULL },
    };
    sqlite3 *probe = NULL;
    gint64 before;

    g_assert_cmpint (sqlite3_open_v2 (db, &probe, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    before = probe_data_version (probe);
    for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
      {
        g_auto(Run) run = { 0 };

        cli (&run, "--db", db, readers[i][0], readers[i][1], readers[i][2], NULL);
        g_assert_cmpint (run.status, ==, 0);
        g_assert_cmpint (probe_data_version (probe), ==, before);
      }
    {
      g_auto(Run) run = { 0 };

      cli (&run, "--db", db, "--user", "admin", "alerts", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpint (probe_data_version (probe), ==, before);
      run_clear (&run);
      run = (Run) { 0 };
      cli (&run, "--db", db, "alerts", NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, "--user"));
      run_clear (&run);
      run = (Run) { 0 };
      cli (&run, "--db", db, "--user", "admin", "alerts", "--mark-read", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpint (probe_data_version (probe), !=, before);
    }
    sqlite3_close (probe);
  }

  /* The program alone in a folder of its own: no module beside it. */
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("SCIM Sales is installed here, so its module would be found");
      return;
    }
  g_assert_true (g_mkdir_with_parents (alone_dir, 0700) == 0);
  g_file_get_contents (program, &binary, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (alone, binary, (gssize) length, G_FILE_SET_CONTENTS_NONE, 0700, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { alone, "--db", db, "funnel", "--format", "png", "--output", png, NULL };
    g_auto(Run) run = { 0 };
    int status = -1;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &run.out, &run.err, &status, &error);
    g_assert_no_error (error);
    run.status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
    g_assert_cmpint (run.status, ==, 2);
    assert_one_line_reason (&run);
    g_assert_nonnull (strstr (run.err, "Reinstall SCIM Sales"));
    g_assert_nonnull (strstr (run.err, "scim-sales-cli-extras.so"));
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  }
  {
    const char *argv[] = { alone, "--db", db, "users", "list", NULL };
    g_auto(Run) run = { 0 };
    int status = -1;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &run.out, &run.err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    g_assert_nonnull (strstr (run.out, "admin"));
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
  tmpdir = g_dir_make_tmp ("scim-cli-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/cli/help-and-usage", test_help);
  g_test_add_func ("/cli/init-check-backup", test_init_check_backup);
  g_test_add_func ("/cli/bad-files", test_bad_files);
  g_test_add_func ("/cli/backups-restore", test_backups_restore);
  g_test_add_func ("/cli/vacuum", test_vacuum);
  g_test_add_func ("/cli/trust-locks", test_trust_locks);
  g_test_add_func ("/cli/demo-rules", test_demo_rules);
  g_test_add_func ("/cli/light-process", test_light_process);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
