/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>

#include "scim-core.h"

/* Proof under faults, on real files and real processes: a writer killed
 * with SIGKILL at random moments, in both journal modes, loses no commit it
 * reported and leaves a file whose invariants hold; thousands of damaged
 * copies of a database (bytes flipped, truncated) open and browse with a
 * clear error and never a crash.
 *
 * SCIM_CRASH_KILLS and SCIM_BAD_COPIES set the counts (200 kills per mode,
 * 1500 copies by default; the nightly run raises them). */

static char *tmpdir;

static guint
count_from_env (const char *name,
                guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && atoi (value) > 0 ? (guint) atoi (value) : fallback;
}

static gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
raw_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* A file with an admin, the seed's funnel and sale 1 to commit into. */
static char *
new_database (const char *name,
              guint       n_tasks)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_autoptr(ScimUser) admin = NULL;
  ScimClientFields client = { .kind = "company", .name = "ООО «Ромашка»" };
  gint64 product, client_id, sale, admin_id;

  g_assert_no_error (error);
  admin_id = scim_store_add_user (store, "admin", "Анна Админова", NULL, SCIM_ROLE_ADMIN, TRUE, NULL, &error);
  g_assert_no_error (error);
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  g_assert_no_error (error);
  product = scim_store_add_product (store, "Консалтинг", NULL, 0, 0, SCIM_FUNNEL_TEMPLATE, 0, &error);
  g_assert_no_error (error);
  client_id = scim_store_add_client (store, &client, &error);
  g_assert_no_error (error);
  sale = scim_store_add_sale (store, client_id, product, admin_id, 100000, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sale, ==, 1);
  for (guint i = 0; i < n_tasks; i++)
    {
      g_autofree char *title = g_strdup_printf ("Задача %u", i);
      ScimTaskFields fields = { .title = title, .owner_id = admin_id };
      ScimLeadFields lead = { .name = title, .company = "ООО «Лютик»", .phone = "+7 900 000-00-00" };

      g_assert_cmpint (scim_store_add_task (store, sale, -1, &fields, &error), >, 0);
      g_assert_no_error (error);
      g_assert_cmpint (scim_store_add_lead (store, &lead, &error), >, 0);
      g_assert_no_error (error);
    }
  scim_store_close (store);
  return path;
}

/* The invariants of the file after a crash; @reported is the last number
 * the writer printed (-1: none). */
static void
assert_invariants (const char *path,
                   gint64      reported)
{
  sqlite3 *db = NULL;
  g_autofree char *check = NULL;
  g_autofree char *sql = NULL;
  gint64 crash, top;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  check = raw_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  /* Every reported commit is there, numbered without a gap or a twin. */
  crash = raw_int (db, "SELECT count(*) FROM tasks WHERE title LIKE 'crash %'");
  top = raw_int (db, "SELECT coalesce(max(CAST(substr(title, 7) AS INTEGER)), -1) FROM tasks WHERE title LIKE 'crash %'");
  g_assert_cmpint (crash, ==, top + 1);
  g_assert_cmpint (top, >=, reported);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM (SELECT title FROM tasks GROUP BY title HAVING count(*) > 1)"),
                   ==, 0);
  /* The counters the triggers keep, the plan's positions, the stage history. */
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sales s WHERE open_tasks != (SELECT count(*) FROM tasks k "
                                "WHERE k.sale_id = s.id AND k.state = 'planned')"), ==, 0);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM (SELECT sale_id, count(*) AS n, max(position) AS hi, "
                                "count(DISTINCT position) AS d FROM tasks GROUP BY sale_id) WHERE hi != n - 1 OR d != n"),
                   ==, 0);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sales s WHERE s.stage_id != (SELECT c.to_stage_id FROM "
                                "stage_changes c WHERE c.sale_id = s.id ORDER BY c.id DESC LIMIT 1)"), ==, 0);
  /* No orphan rows. */
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  sql = g_strdup_printf ("SELECT count(*) FROM tasks WHERE sale_id NOT IN (SELECT id FROM sales)");
  g_assert_cmpint (raw_int (db, sql), ==, 0);
  sqlite3_close (db);
}

static void
test_crash_loop (gconstpointer data)
{
  const char *fstype = data;
  g_autofree char *name = g_strdup_printf ("crash-%s.db", fstype);
  g_autofree char *path = NULL;
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "scim-test-helper", NULL);
  guint kills = count_from_env ("SCIM_CRASH_KILLS", 200);
  gint64 reported = -1;
  guint mid_commit = 0;

  g_setenv ("SCIM_FORCE_FSTYPE", fstype, TRUE);
  path = new_database (name, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NONE, &error);
    g_autofree char *mode = NULL;

    g_assert_no_error (error);
    mode = scim_store_dup_journal_mode (store);
    g_test_message ("%s: journal %s", fstype, mode);
    g_assert_cmpstr (mode, ==, g_str_equal (fstype, "nfs") ? "delete" : "wal");
  }

  for (guint k = 0; k < kills; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *ready = NULL;
      char *line;
      gint64 before = reported;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, helper, "crash-loop", path, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
      ready = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (ready, ==, "ready");
      /* The kill lands at a random moment of the writing: after a random
       * number of its commits (read, so a busy machine does not move it
       * before the first one), then a random part of the next one. */
      for (gint commits = g_random_int_range (1, 6); commits > 0; commits--)
        {
          line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
          g_assert_no_error (error);
          g_assert_nonnull (line);
          reported = MAX (reported, g_ascii_strtoll (line, NULL, 10));
          g_free (line);
        }
      g_usleep (g_random_int_range (0, 3000));
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));
      while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)) != NULL)
        {
          reported = MAX (reported, g_ascii_strtoll (line, NULL, 10));
          g_free (line);
        }
      if (reported > before)
        mid_commit++;
      assert_invariants (path, reported);
    }
  g_test_message ("%s: %u kills, %" G_GINT64_FORMAT " commits reported, %u kills after a commit",
                  fstype, kills, reported + 1, mid_commit);
  /* Every kill came after commits of that writer. */
  g_assert_cmpuint (mid_commit, ==, kills);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Damaged copies */

static gboolean
clear_error (GError *error)
{
  /* A refusal the person can act on: the store's own domain and words,
   * never SQLite's raw text alone. */
  return error != NULL && error->domain == SCIM_STORE_ERROR && error->message != NULL && error->message[0] != '\0' &&
         g_strcmp0 (error->message, "database disk image is malformed") != 0 &&
         g_strcmp0 (error->message, "file is not a database") != 0;
}

/* Reads what the pages read: every list's ids and first rows, the funnels,
 * the alerts.  Returns FALSE (with @error) at the first refusal. */
static gboolean
browse (ScimStore  *store,
        GError    **error)
{
  ScimFunnelFilter filter = { 0 };
  ScimAlertOptions options = { 0 };
  g_autoptr(GPtrArray) funnels = NULL;
  g_autoptr(GPtrArray) alerts = NULL;

  for (ScimListKind kind = SCIM_LIST_USERS; kind <= SCIM_LIST_CONTACTS; kind++)
    {
      g_autoptr(ScimQuery) query = scim_query_new (kind);
      g_autoptr(GArray) ids = scim_store_query_ids (store, query, NULL, error);
      g_autoptr(GPtrArray) rows = NULL;

      if (ids == NULL)
        return FALSE;
      rows = scim_store_load_rows (store, kind, (const gint64 *) ids->data, MIN (ids->len, 50), error);
      if (rows == NULL)
        return FALSE;
    }
  funnels = scim_store_funnels (store, &filter, error);
  if (funnels == NULL)
    return FALSE;
  alerts = scim_store_list_alerts (store, &options, error);
  return alerts != NULL;
}

static void
test_bad_copies (void)
{
  g_autofree char *path = new_database ("good.db", 40);
  g_autofree char *copy = g_build_filename (tmpdir, "bad.db", NULL);
  g_autofree char *contents = NULL;
  guint copies = count_from_env ("SCIM_BAD_COPIES", 1500);
  guint refused_at_open = 0, refused_browsing = 0, browsed = 0;
  gsize length = 0;
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());

  {
    /* One file, no journal beside it: the copies are of the file alone. */
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_test_message ("the good file: %" G_GSIZE_FORMAT " bytes", length);
  {
    /* The good file browses: a refusal below is the damage's doing. */
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NONE, &error);
    g_autoptr(ScimUser) admin = NULL;

    g_assert_no_error (error);
    admin = scim_store_sign_in (store, "admin", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (browse (store, &error));
    g_assert_no_error (error);
    scim_store_close (store);
  }

  for (guint i = 0; i < copies; i++)
    {
      g_autofree char *bad = g_memdup2 (contents, length);
      gsize bad_length = length;
      g_autoptr(GError) error = NULL;
      g_autoptr(ScimStore) store = NULL;
      g_autofree char *wal = g_strconcat (copy, "-wal", NULL);
      g_autofree char *shm = g_strconcat (copy, "-shm", NULL);
      g_autofree char *journal = g_strconcat (copy, "-journal", NULL);
      ScimStoreFlags flags = i % 2 == 0 ? SCIM_STORE_NONE : SCIM_STORE_NO_CHECK;

      if (i % 5 == 4)
        /* Truncated anywhere, the header included. */
        bad_length = g_rand_int_range (rand, 0, (gint32) length);
      else
        {
          /* A few bytes flipped: in the header, in the schema page, or anywhere. */
          guint n = g_rand_int_range (rand, 1, 9);

          for (guint k = 0; k < n; k++)
            {
              gsize at = i % 5 == 0 ? (gsize) g_rand_int_range (rand, 0, 100)
                         : i % 5 == 1 ? (gsize) g_rand_int_range (rand, 0, 4096)
                         : (gsize) g_rand_int_range (rand, 0, (gint32) length);
              bad[at] ^= (char) g_rand_int_range (rand, 1, 256);
            }
        }
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (journal);
      g_assert_true (g_file_set_contents (copy, bad, (gssize) bad_length, NULL));

      store = scim_store_open (copy, flags, &error);
      if (store == NULL)
        {
          if (!clear_error (error))
            g_error ("copy %u: open refused with an unclear error: %s", i, error != NULL ? error->message : "(none)");
          refused_at_open++;
          continue;
        }
      {
        g_autoptr(ScimUser) admin = scim_store_sign_in (store, "admin", NULL, &error);

        if (admin == NULL)
          {
            if (!clear_error (error))
              g_error ("copy %u: sign-in failed with an unclear error: %s", i, error->message);
            refused_browsing++;
            scim_store_close (store);
            continue;
          }
      }
      if (!browse (store, &error))
        {
          if (!clear_error (error))
            g_error ("copy %u: browsing failed with an unclear error: %s", i, error->message);
          refused_browsing++;
        }
      else
        browsed++;
      if (error != NULL && i < 40)
        g_test_message ("copy %u: %s", i, error->message);
      scim_store_close (store);
    }
  g_test_message ("%u damaged copies: %u refused at open, %u refused while browsing, %u browsed (damage in "
                  "unused bytes)", copies, refused_at_open, refused_browsing, browsed);
  g_assert_cmpuint (refused_at_open + refused_browsing + browsed, ==, copies);
  g_assert_cmpuint (refused_at_open, >, 0);
  g_rand_free (rand);
}

/* Load: eight processes on one file for a bounded time, five writers
 * (read, add one, save from the version read), two readers and an import
 * of 20,000 leads through the CLI.  No increment is lost, no process meets
 * a refusal other than a conflict it resolves, and the import lands whole. */
static void
test_load (gconstpointer data)
{
  const char *fstype = data;
  g_autofree char *name = g_strdup_printf ("load-%s.db", fstype);
  g_autofree char *path = NULL;
  g_autofree char *csv = g_build_filename (tmpdir, "load.csv", NULL);
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "scim-test-helper", NULL);
  g_autoptr(GString) rows = g_string_new ("name,company,phone,email\n");
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) p50s = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) p99s = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *ms = g_getenv ("SCIM_LOAD_MS") != NULL ? g_getenv ("SCIM_LOAD_MS") : "4000";
  gint64 amount_before, increments = 0, writes = 0, reads = 0;
  sqlite3 *db = NULL;

  g_setenv ("SCIM_FORCE_FSTYPE", fstype, TRUE);
  path = new_database (name, 0);
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (rows, "Контакт %u,ООО «Нагрузка %u»,+7 900 %03u-%02u-%02u,load%u@example.ru\n",
                            i, i, i / 10000, (i / 100) % 100, i % 100, i);
  g_assert_true (g_file_set_contents (csv, rows->str, -1, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  amount_before = raw_int (db, "SELECT amount FROM sales WHERE id = 1");
  sqlite3_close (db);

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(GError) error = NULL;
      GSubprocess *child;

      if (i == 7)
        child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                  g_getenv ("SCIM_CLI"), "--db", path, "--user", "admin", "import", "leads", csv, NULL);
      else
        child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                  helper, "load", path, i < 5 ? "writer" : "reader", ms, NULL);
      g_assert_no_error (error);
      g_ptr_array_add (children, child);
    }
  for (guint i = 0; i < children->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      GSubprocess *child = g_ptr_array_index (children, i);
      gint64 w = 0, inc = 0, p50 = 0, p99 = 0, r = 0;

      g_subprocess_communicate_utf8 (child, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (child))
        g_error ("process %u: killed by signal %d: %s", i, g_subprocess_get_term_sig (child), err);
      if (g_subprocess_get_exit_status (child) != 0)
        g_error ("process %u: %s", i, err);
      g_assert_null (strstr (err, "locked"));
      const char *w_line = strstr (out, "writes ");
      const char *r_line = strstr (out, "reads ");

      if (w_line != NULL && sscanf (w_line, "writes %" G_GINT64_FORMAT " increments %" G_GINT64_FORMAT " p50 %" G_GINT64_FORMAT
                  " p99 %" G_GINT64_FORMAT, &w, &inc, &p50, &p99) == 4)
        {
          writes += w;
          increments += inc;
          g_array_append_val (p50s, p50);
          g_array_append_val (p99s, p99);
        }
      else if (r_line != NULL && sscanf (r_line, "reads %" G_GINT64_FORMAT, &r) == 1)
        reads += r;
    }

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* Not one increment lost, and the import whole. */
  g_assert_cmpint (raw_int (db, "SELECT amount FROM sales WHERE id = 1"), ==, amount_before + increments);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM leads WHERE email LIKE 'load%@example.ru'"), ==, 20000);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM tasks WHERE title LIKE 'load writer %'"), ==, increments);
  sqlite3_close (db);
  g_assert_cmpint (increments, >, 0);
  g_assert_cmpint (reads, >, 0);
  g_array_sort (p50s, compare_gint64);
  g_array_sort (p99s, compare_gint64);
  /* The figures, for the record (not a timed assertion). */
  g_printerr ("# load on %s for %s ms: %" G_GINT64_FORMAT " writes (%" G_GINT64_FORMAT " increments, none lost), "
              "%" G_GINT64_FORMAT " read rounds, one import of 20000 leads; write latency p50 %.1f ms, "
              "p99 %.1f ms (the median writer's; the worst writer's p99 %.1f ms)\n",
              fstype, ms, writes, increments, reads,
              g_array_index (p50s, gint64, p50s->len / 2) / 1000.0,
              g_array_index (p99s, gint64, p99s->len / 2) / 1000.0,
              g_array_index (p99s, gint64, p99s->len - 1) / 1000.0);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

/* Fault injection: a VFS in front of SQLite's "unix" one, under the same
 * name so that the store's connections use it, fails the Nth write, sync,
 * truncate or lock call, once or from then on, or answers "disk full" to
 * every write from the Nth on. */

typedef enum
{
  FAULT_ONCE,
  FAULT_PERSISTENT,
  FAULT_DISK_FULL,
} FaultMode;

static sqlite3_vfs *unix_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_methods;
static int fault_at;          /* 0: off */
static int fault_calls;
static FaultMode fault_mode;
static gboolean fault_hit;

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;
} FaultFile;

#define REAL(file) (((FaultFile *) (file))->real)

static gboolean
fault_now (gboolean is_write)
{
  if (fault_at <= 0 || (fault_mode == FAULT_DISK_FULL && !is_write))
    return FALSE;
  fault_calls++;
  if (fault_calls == fault_at || (fault_mode != FAULT_ONCE && fault_calls > fault_at))
    {
      fault_hit = TRUE;
      return TRUE;
    }
  return FALSE;
}

static int
fault_close (sqlite3_file *file)
{
  return REAL (file)->pMethods->xClose (REAL (file));
}

static int
fault_read (sqlite3_file *file, void *buf, int amount, sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), buf, amount, offset);
}

static int
fault_write (sqlite3_file *file, const void *buf, int amount, sqlite3_int64 offset)
{
  if (fault_now (TRUE))
    return fault_mode == FAULT_DISK_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  return REAL (file)->pMethods->xWrite (REAL (file), buf, amount, offset);
}

static int
fault_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  if (fault_now (FALSE))
    return SQLITE_IOERR_TRUNCATE;
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
fault_sync (sqlite3_file *file, int flags)
{
  if (fault_now (FALSE))
    return SQLITE_IOERR_FSYNC;
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
fault_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
fault_lock (sqlite3_file *file, int level)
{
  if (fault_now (FALSE))
    return SQLITE_IOERR_LOCK;
  return REAL (file)->pMethods->xLock (REAL (file), level);
}

static int
fault_unlock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), level);
}

static int
fault_check_reserved (sqlite3_file *file, int *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
fault_file_control (sqlite3_file *file, int op, void *arg)
{
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
fault_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
fault_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
fault_shm_map (sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), page, size, extend, out);
}

static int
fault_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
fault_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
fault_shm_unmap (sqlite3_file *file, int delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

static int
fault_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  return REAL (file)->pMethods->xFetch (REAL (file), offset, amount, out);
}

static int
fault_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  return REAL (file)->pMethods->xUnfetch (REAL (file), offset, page);
}

static int
fault_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  FaultFile *f = (FaultFile *) file;
  int rc;

  f->real = (sqlite3_file *) &f[1];
  rc = unix_vfs->xOpen (unix_vfs, name, f->real, flags, out_flags);
  file->pMethods = f->real->pMethods != NULL ? &fault_methods : NULL;
  return rc;
}

static void
fault_vfs_install (void)
{
  static const sqlite3_io_methods methods = {
    3, fault_close, fault_read, fault_write, fault_truncate, fault_sync, fault_file_size, fault_lock,
    fault_unlock, fault_check_reserved, fault_file_control, fault_sector_size, fault_device_characteristics,
    fault_shm_map, fault_shm_lock, fault_shm_barrier, fault_shm_unmap, fault_fetch, fault_unfetch,
  };

  if (unix_vfs != NULL)
    return;
  unix_vfs = sqlite3_vfs_find ("unix");
  g_assert_nonnull (unix_vfs);
  g_assert_cmpint (unix_vfs->iVersion, >=, 3);
  fault_methods = methods;
  fault_vfs = *unix_vfs;
  fault_vfs.pNext = NULL;
  fault_vfs.szOsFile = (int) sizeof (FaultFile) + unix_vfs->szOsFile;
  fault_vfs.xOpen = fault_open;
  /* Same name, first in the list: sqlite3_vfs_find ("unix") finds this one. */
  g_assert_cmpint (sqlite3_vfs_register (&fault_vfs, 1), ==, SQLITE_OK);
  g_assert_true (sqlite3_vfs_find ("unix") == &fault_vfs);
}

static void
fault_arm (int n, FaultMode mode)
{
  fault_calls = 0;
  fault_hit = FALSE;
  fault_mode = mode;
  fault_at = n;
}

typedef enum
{
  OP_MOVE,
  OP_BACKUP,
  OP_IMPORT,
  OP_MIGRATE,
} FaultOp;

typedef struct
{
  FaultOp     op;
  FaultMode   mode;
  const char *fstype;
} FaultCase;

static gint64
file_int (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  value = raw_int (db, sql);
  sqlite3_close (db);
  return value;
}

static void
assert_intact (const char *path)
{
  sqlite3 *db = NULL;
  g_autofree char *check = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  check = raw_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  sqlite3_close (db);
}

static void
test_inject (gconstpointer data)
{
  const FaultCase *c = data;
  g_autofree char *name = g_strdup_printf ("inject-%d-%d-%s.db", c->op, c->mode, c->fstype);
  g_autofree char *fixture = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "inject.db", NULL);
  g_autofree char *dest = g_build_filename (tmpdir, "inject-backup.db", NULL);
  g_autofree char *csv = g_build_filename (tmpdir, "inject.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) rows = g_string_new ("name,company,phone,email\n");
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv);
  ScimLeadField mapping[] = { SCIM_LEAD_FIELD_NAME, SCIM_LEAD_FIELD_COMPANY, SCIM_LEAD_FIELD_PHONE,
                              SCIM_LEAD_FIELD_EMAIL };
  ScimImportOptions options = { mapping, G_N_ELEMENTS (mapping) };
  gsize length = 0;
  gint64 version0, stage0, stage1, changes0, leads0;
  guint failed = 0, survived = 0;
  int n;

  g_setenv ("SCIM_FORCE_FSTYPE", c->fstype, TRUE);
  fault_vfs_install ();
  if (c->op == OP_MIGRATE)
    {
      /* A file of schema version 7, upgraded at open. */
      g_autofree char *sql = NULL;
      g_autofree char *sql_path = g_test_build_filename (G_TEST_DIST, "fixtures", "schema-v7.sql", NULL);
      sqlite3 *db = NULL;

      fixture = g_build_filename (tmpdir, name, NULL);
      g_assert_true (g_file_get_contents (sql_path, &sql, NULL, NULL));
      g_assert_cmpint (sqlite3_open (fixture, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }
  else
    fixture = new_database (name, 20);
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (rows, "Контакт %u,ООО «Сбой %u»,+7 901 %03u-00-%02u,fault%u@example.ru\n", i, i, i, i % 100, i);
  g_assert_true (g_file_set_contents (csv, rows->str, -1, NULL));
  g_assert_true (g_file_get_contents (fixture, &contents, &length, NULL));
  version0 = file_int (fixture, "PRAGMA user_version");
  stage0 = file_int (fixture, "SELECT stage_id FROM sales WHERE id = 1");
  stage1 = file_int (fixture, "SELECT id FROM stages WHERE kind = 'open' AND id != (SELECT stage_id FROM sales "
                              "WHERE id = 1) ORDER BY position LIMIT 1");
  changes0 = file_int (fixture, "SELECT count(*) FROM stage_changes");
  leads0 = file_int (fixture, "SELECT count(*) FROM leads");

  for (n = 1; n < 5000; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ScimStore) store = NULL;
      g_autoptr(ScimUser) admin = NULL;
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_autofree char *journal = g_strconcat (path, "-journal", NULL);
      g_autofree char *old = g_strdup_printf ("%s.v%d.bak", path, (int) version0);
      gboolean ok = FALSE;

      g_unlink (wal);
      g_unlink (shm);
      g_unlink (journal);
      g_unlink (dest);
      g_unlink (old);
      g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
      if (c->op == OP_MIGRATE)
        fault_arm (n, c->mode);
      store = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
      if (c->op == OP_MIGRATE)
        {
          ok = store != NULL;
        }
      else
        {
          g_assert_no_error (error);
          admin = scim_store_sign_in (store, "admin", NULL, &error);
          g_assert_no_error (error);
          scim_store_set_busy_timeout (store, 200);
          fault_arm (n, c->mode);
        }
      switch (c->op)
        {
        case OP_MOVE:
          ok = scim_store_move_sale (store, 1, stage1, NULL, 0, &error);
          break;
        case OP_BACKUP:
          ok = scim_store_backup (store, dest, NULL, NULL, NULL, &error);
          break;
        case OP_IMPORT:
          {
            g_autoptr(ScimImportReport) report = scim_store_import_leads (store, csv_file, &options, NULL, NULL,
                                                                          NULL, &error);
            ok = report != NULL && error == NULL;
          }
          break;
        case OP_MIGRATE:
          break;
        default:
          g_assert_not_reached ();
        }
      fault_at = 0;
      if (!fault_hit)
        {
          /* The operation needed fewer than n calls: every n was tried. */
          g_assert_true (ok);
          g_assert_no_error (error);
          break;
        }
      if (ok)
        survived++;
      else
        {
          /* A refusal a person can read, in the store's words. */
          g_assert_nonnull (error);
          g_assert_true (error->domain == SCIM_STORE_ERROR);
          g_assert_cmpstr (error->message, !=, "");
          if (c->mode == FAULT_DISK_FULL && n < 4000)
            g_assert_true (g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_DISK_FULL) ||
                           g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED));
          failed++;
        }
      if (store != NULL)
        scim_store_close (store);

      /* Unchanged or fully changed, never half. */
      assert_intact (path);
      switch (c->op)
        {
        case OP_MOVE:
          {
            gint64 stage = file_int (path, "SELECT stage_id FROM sales WHERE id = 1");
            gint64 changes = file_int (path, "SELECT count(*) FROM stage_changes");

            g_assert_true (stage == stage0 || stage == stage1);
            g_assert_cmpint (changes, ==, changes0 + (stage == stage1 ? 1 : 0));
            if (ok)
              g_assert_cmpint (stage, ==, stage1);
          }
          break;
        case OP_BACKUP:
          g_assert_cmpint (file_int (path, "SELECT count(*) FROM leads"), ==, leads0);
          if (ok)
            {
              assert_intact (dest);
              g_assert_cmpint (file_int (dest, "SELECT count(*) FROM leads"), ==, leads0);
            }
          break;
        case OP_IMPORT:
          {
            gint64 leads = file_int (path, "SELECT count(*) FROM leads");

            g_assert_true (leads == leads0 || leads == leads0 + 300);
            if (ok)
              g_assert_cmpint (leads, ==, leads0 + 300);
          }
          break;
        case OP_MIGRATE:
          {
            /* The old version or the new one, never one between; the
             * leads as they were either way. */
            gint64 version = file_int (path, "PRAGMA user_version");

            g_assert_true (version == version0 || version == SCIM_SCHEMA_VERSION);
            if (ok)
              g_assert_cmpint (version, ==, SCIM_SCHEMA_VERSION);
            g_assert_cmpint (file_int (path, "SELECT count(*) FROM leads"), ==, leads0);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_test_message ("%d calls failed in turn: %u refused clearly, %u survived the fault; the file intact each time",
                  n - 1, failed, survived);
  g_assert_cmpint (n, >, 3);
  g_assert_cmpuint (failed, >, 0);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
  tmpdir = g_dir_make_tmp ("scim-faults-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_data_func ("/faults/crash-loop/wal", "ext4", test_crash_loop);
  g_test_add_data_func ("/faults/crash-loop/rollback", "nfs", test_crash_loop);
  g_test_add_func ("/faults/bad-copies", test_bad_copies);
  {
    static const FaultCase cases[] = {
      { OP_MOVE, FAULT_ONCE, "ext4" }, { OP_MOVE, FAULT_PERSISTENT, "ext4" }, { OP_MOVE, FAULT_DISK_FULL, "ext4" },
      { OP_MOVE, FAULT_ONCE, "nfs" }, { OP_MOVE, FAULT_PERSISTENT, "nfs" }, { OP_MOVE, FAULT_DISK_FULL, "nfs" },
      { OP_BACKUP, FAULT_ONCE, "ext4" }, { OP_BACKUP, FAULT_PERSISTENT, "ext4" },
      { OP_BACKUP, FAULT_DISK_FULL, "ext4" },
      { OP_IMPORT, FAULT_ONCE, "ext4" }, { OP_IMPORT, FAULT_PERSISTENT, "ext4" },
      { OP_IMPORT, FAULT_DISK_FULL, "ext4" }, { OP_IMPORT, FAULT_PERSISTENT, "nfs" },
      { OP_MIGRATE, FAULT_ONCE, "ext4" }, { OP_MIGRATE, FAULT_DISK_FULL, "ext4" },
      { OP_MIGRATE, FAULT_ONCE, "nfs" }, { OP_MIGRATE, FAULT_DISK_FULL, "nfs" },
    };
    static const char * const ops[] = { "move", "backup", "import", "migrate" };
    static const char * const modes[] = { "once", "persistent", "disk-full" };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *test = g_strdup_printf ("/faults/inject/%s/%s/%s", ops[cases[i].op], modes[cases[i].mode],
                                                 g_str_equal (cases[i].fstype, "nfs") ? "rollback" : "wal");
        g_test_add_data_func (test, &cases[i], test_inject);
      }
  }
  g_test_add_data_func ("/faults/load/wal", "ext4", test_load);
  g_test_add_data_func ("/faults/load/rollback", "nfs", test_load);
  ret = g_test_run ();

  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmpdir);
    g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autofree char *child = g_build_filename (tmpdir, g_file_info_get_name (info), NULL);
        g_unlink (child);
        g_object_unref (info);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
