/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scim-format.h"
#include "scim-store-private.h"

/* How long SQLite itself waits for a lock before we roll back and retry the
 * whole transaction; short, so a retry can start from a fresh snapshot. */
#define LOCK_WAIT_MS 200
/* How long a write keeps retrying before it gives up with BUSY. */
#define DEFAULT_BUSY_TIMEOUT_MS 15000
#define DEFAULT_POLL_MS 1000
#define HEARTBEAT_SECONDS 10
/* A session whose heartbeat is older than this is gone (crashed or killed). */
#define SESSION_STALE_SECONDS 45

typedef struct _ScimWatcher ScimWatcher;

struct _ScimStore
{
  GObject       parent_instance;

  GRecMutex     lock;
  sqlite3      *db;
  GHashTable   *statements;
  guint64       finalized_steps;  /* VM steps of one-off statements, finalized */

  char         *path;
  char         *fs_type;
  char         *read_only_reason;
  char         *migration_backup;
  ScimFsKind    fs_kind;
  ScimStoreFlags flags;
  int           schema_version;
  gboolean      read_only;
  gboolean      corrupt;
  gint64        user_id;
  gint64        session_id;
  guint         busy_timeout_ms;
  gint64        longest_write_us;
  FILE         *trace;            /* SCIM_TRACE_SQL */

  ScimWatcher  *watcher;
  GThread      *watch_thread;
};

struct _ScimWatcher
{
  gatomicrefcount ref_count;
  GMutex          mutex;
  GCond           cond;
  gboolean        stop;
  char           *path;
  gboolean        writable;
  gboolean        polls;        /* FALSE: only the session's heartbeat */
  gint64          session_id;
  gint64          last_seq;
  guint           interval_ms;
  GWeakRef        store;
  GMainContext   *context;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimStore, scim_store, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (ScimChange, scim_change, scim_change_copy, scim_change_free)

ScimChange *
scim_change_copy (const ScimChange *change)
{
  ScimChange *copy = g_new0 (ScimChange, 1);

  *copy = *change;
  copy->entity = g_strdup (change->entity);
  copy->action = g_strdup (change->action);
  return copy;
}

void
scim_change_free (ScimChange *change)
{
  if (change == NULL)
    return;
  g_free (change->entity);
  g_free (change->action);
  g_free (change);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

char *
_scim_format_time (gint64 unix_time)
{
  char *text = scim_format_time (unix_time, "%Y-%m-%d %H:%M");

  return text != NULL ? text : g_strdup ("?");
}

/* Errors */

static gboolean
set_error_for_code (int          rc,
                    const char  *detail,
                    GError     **error)
{
  int primary = rc & 0xFF;

  switch (primary)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_BUSY,
                   _("The database is busy: another user is saving. Try again in a moment."));
      break;
    case SQLITE_FULL:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_DISK_FULL,
                   _("There is no room left on the disk. Nothing was saved; free some space and try again."));
      break;
    case SQLITE_READONLY:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY,
                   _("The database file cannot be written. Ask your administrator for write access to the file and its folder."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT,
                   _("The database file is damaged. Nothing more will be written to it; restore it from a backup."));
      break;
    case SQLITE_CANTOPEN:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("The database file cannot be opened: %s. Check that the file and its folder are reachable."),
                   detail);
      break;
    case SQLITE_IOERR:
      g_debug ("SQLite I/O error, extended code %d: %s", rc, detail);
      if (errno == ENOSPC)
        return set_error_for_code (SQLITE_FULL, detail, error);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("Could not read or write the database file (%s). Check the disk or the network share and try again."),
                   detail);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("The change breaks a rule of the database: %s."), detail);
      break;
    case SQLITE_INTERRUPT:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED, _("Cancelled."));
      break;
    default:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("Database error: %s."), detail);
      break;
    }
  return FALSE;
}

gboolean
_scim_store_set_error (ScimStore  *self,
                       int         rc,
                       GError    **error)
{
  /* A damaged file can put any bytes into SQLite's message. */
  g_autofree char *detail = g_utf8_make_valid (self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc), -1);

  if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB)
    {
      /* Stop writing to a damaged file: keep it as it is for recovery. */
      self->corrupt = TRUE;
      self->read_only = TRUE;
      g_clear_pointer (&self->read_only_reason, g_free);
      self->read_only_reason = g_strdup (_("The database file is damaged. Restore it from a backup."));
    }
  return set_error_for_code (rc, detail, error);
}

static gboolean
error_is_busy (const GError *error)
{
  return g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_BUSY);
}

/* Statements */

/* Between tries at a busy file: 10, 20, 40, 80, then 160 ms, each plus up
 * to as much again at random, so that waiting writers do not meet again. */
static void
backoff (guint attempt)
{
  guint ms = MIN (10u << MIN (attempt, 4u), 160u);

  g_usleep ((ms + g_random_int_range (0, (int) ms)) * 1000);
}


void
_scim_store_lock (ScimStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

void
_scim_store_unlock (ScimStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

sqlite3 *
_scim_store_get_db (ScimStore *self)
{
  return self->db;
}

sqlite3_stmt *
_scim_store_prepare (ScimStore   *self,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (self->db == NULL)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("The database is closed."));
      return NULL;
    }

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      /* The store's SQL is tested against its own schema, so a statement
       * that does not prepare means the file's schema is not that schema:
       * its definitions were damaged (a byte flipped in an index's
       * expression) or changed by another program.  That is damage. */
      if ((rc & 0xFF) == SQLITE_ERROR)
        {
          g_debug ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
          rc = SQLITE_CORRUPT;
        }
      _scim_store_set_error (self, rc, error);
      return NULL;
    }
  /* The SQL texts are string literals of the store, so the key is not copied. */
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

void
_scim_stmt_bindv (sqlite3_stmt *stmt,
                  const char   *fmt,
                  va_list       args)
{
  int index = 1;

  for (const char *p = fmt; p != NULL && *p != '\0'; p++, index++)
    {
      switch (*p)
        {
        case 'i':
          sqlite3_bind_int (stmt, index, va_arg (args, int));
          break;
        case 'I':
          sqlite3_bind_int64 (stmt, index, va_arg (args, gint64));
          break;
        case 'N':
          {
            gint64 v = va_arg (args, gint64);
            if (v == 0)
              sqlite3_bind_null (stmt, index);
            else
              sqlite3_bind_int64 (stmt, index, v);
          }
          break;
        case 's':
          {
            const char *s = va_arg (args, const char *);
            if (s == NULL)
              sqlite3_bind_null (stmt, index);
            else
              sqlite3_bind_text (stmt, index, s, -1, SQLITE_TRANSIENT);
          }
          break;
        case 'd':
          sqlite3_bind_double (stmt, index, va_arg (args, double));
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

void
_scim_stmt_bind (sqlite3_stmt *stmt,
                 const char   *fmt,
                 ...)
{
  va_list args;

  va_start (args, fmt);
  _scim_stmt_bindv (stmt, fmt, args);
  va_end (args);
}

/* Returns SQLITE_ROW, SQLITE_DONE or SCIM_STMT_ERROR with @error set; the
 * statement is reset on DONE and on errors. */
int
_scim_store_step (ScimStore     *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  gboolean first = !sqlite3_stmt_busy (stmt);
  int rc = sqlite3_step (stmt);

  /* A read outside a transaction that meets another process's commit (a
   * rollback journal shuts readers out while it writes the file) waits
   * for it as a transaction would, rather than failing after the short
   * lock wait; only before its first row, and never on the thread of the
   * main loop, which must not wait on the file. */
  if ((rc & 0xff) == SQLITE_BUSY && first && sqlite3_stmt_readonly (stmt) && sqlite3_get_autocommit (self->db) &&
      !g_main_context_is_owner (g_main_context_default ()))
    {
      gint64 deadline = g_get_monotonic_time () + (gint64) self->busy_timeout_ms * 1000;

      for (guint attempt = 0; (rc & 0xff) == SQLITE_BUSY && g_get_monotonic_time () < deadline; attempt++)
        {
          sqlite3_reset (stmt);
          backoff (attempt);
          rc = sqlite3_step (stmt);
        }
    }
  if (rc == SQLITE_ROW)
    return SQLITE_ROW;
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return SQLITE_DONE;
  _scim_store_set_error (self, rc, error);
  return SCIM_STMT_ERROR;
}

gboolean
_scim_store_exec (ScimStore   *self,
                  GError     **error,
                  const char  *sql,
                  const char  *fmt,
                  ...)
{
  sqlite3_stmt *stmt;
  va_list args;
  int rc;

  stmt = _scim_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  va_start (args, fmt);
  _scim_stmt_bindv (stmt, fmt, args);
  va_end (args);

  while ((rc = _scim_store_step (self, stmt, error)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE;
}

/* The first column of the first row, or 0; -1 with @error set on failure. */
gint64
_scim_store_query_int (ScimStore   *self,
                       GError     **error,
                       const char  *sql,
                       const char  *fmt,
                       ...)
{
  sqlite3_stmt *stmt;
  va_list args;
  gint64 value = 0;
  int rc;

  stmt = _scim_store_prepare (self, sql, error);
  if (stmt == NULL)
    return -1;
  va_start (args, fmt);
  _scim_stmt_bindv (stmt, fmt, args);
  va_end (args);

  rc = _scim_store_step (self, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return -1;
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* Runs @sql (which selects ids, or returns them) and gives them in order;
 * %NULL with @error set on failure. */
GArray *
_scim_tx_collect_ids (ScimTx      *tx,
                      GError     **error,
                      const char  *sql,
                      const char  *fmt,
                      ...)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  va_list args;
  int rc;

  stmt = _scim_store_prepare (tx->store, sql, error);
  if (stmt == NULL)
    return NULL;
  va_start (args, fmt);
  _scim_stmt_bindv (stmt, fmt, args);
  va_end (args);

  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ids);
}

/* Writes one change_log row with @action for each of @ids. */
gboolean
_scim_tx_log_ids (ScimTx      *tx,
                  const char  *entity,
                  GArray      *ids,
                  const char  *action,
                  GError     **error)
{
  for (guint i = 0; i < ids->len; i++)
    if (!scim_tx_log (tx, entity, g_array_index (ids, gint64, i), action, error))
      return FALSE;
  return TRUE;
}

static int
exec_simple (sqlite3    *db,
             const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* Transactions */

static gboolean
run_transaction (ScimStore   *self,
                 const char  *begin,
                 ScimTxFunc   func,
                 gpointer     user_data,
                 GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) self->busy_timeout_ms * 1000;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      ScimTx tx = { self, self->db, now_seconds (), self->user_id };
      int rc;

      gint64 began;

      rc = exec_simple (self->db, begin);
      began = g_get_monotonic_time ();
      if (rc != SQLITE_OK)
        {
          _scim_store_set_error (self, rc, &local_error);
        }
      else if (func (&tx, user_data, &local_error))
        {
          rc = exec_simple (self->db, "COMMIT");
          if (rc == SQLITE_OK)
            {
              /* How long the write lock was held, for the benchmarks. */
              self->longest_write_us = MAX (self->longest_write_us, g_get_monotonic_time () - began);
              return TRUE;
            }
          _scim_store_set_error (self, rc, &local_error);
          exec_simple (self->db, "ROLLBACK");
        }
      else
        {
          exec_simple (self->db, "ROLLBACK");
        }

      g_assert (local_error != NULL);
      if (!error_is_busy (local_error) || g_get_monotonic_time () >= deadline)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("Busy, retrying the transaction (attempt %u)", attempt + 1);
      backoff (attempt);
    }
}

gboolean
_scim_store_require_writable (ScimStore  *self,
                              GError    **error)
{
  if (self->db == NULL)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("The database is closed."));
      return FALSE;
    }
  if (self->read_only)
    {
      g_set_error (error, SCIM_STORE_ERROR,
                   self->corrupt ? SCIM_STORE_ERROR_CORRUPT : SCIM_STORE_ERROR_READ_ONLY,
                   "%s", self->read_only_reason != NULL ? self->read_only_reason
                                                        : _("The database is open read-only."));
      return FALSE;
    }
  return TRUE;
}

/**
 * scim_store_write:
 * @self: a #ScimStore
 * @func: (scope call): the body of the transaction
 * @user_data: data for @func
 * @error: return location for an error
 *
 * Runs @func inside `BEGIN IMMEDIATE … COMMIT`.  When another connection
 * holds the lock, the whole transaction is rolled back and run again until
 * the busy timeout passes.  May block: call it from a worker thread in the
 * GUI (scim_store_run_async()).
 *
 * Returns: %TRUE when committed
 */
/* A write and, in its transaction, the search index of the leads it
 * queued (schema version 12): a few, so a lead saved is found at once; and
 * the funnel summaries of the products whose stages it reordered (schema
 * version 13). */
typedef struct
{
  ScimTxFunc func;
  gpointer   user_data;
  gboolean   more;
} WriteData;

#define INDEX_WITH_WRITE 100
#define INDEX_CHUNK 5000

static gboolean
write_and_index_cb (ScimTx    *tx,
                    gpointer   user_data,
                    GError   **error)
{
  WriteData *data = user_data;

  return data->func (tx, data->user_data, error) &&
         _scim_tx_index_queued_leads (tx, INDEX_WITH_WRITE, &data->more, error) &&
         (tx->store->schema_version < 13 || _scim_tx_rebuild_dirty_funnels (tx, error));
}

static gboolean
index_chunk_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  return _scim_tx_index_queued_leads (tx, INDEX_CHUNK, user_data, error);
}

gboolean
scim_store_write (ScimStore   *self,
                  ScimTxFunc   func,
                  gpointer     user_data,
                  GError     **error)
{
  gboolean ret;

  g_return_val_if_fail (SCIM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  _scim_store_lock (self);
  if (_scim_store_require_writable (self, error))
    {
      WriteData data = { func, user_data, FALSE };

      /* Before version 12 (an upgrade's own steps) there is no index. */
      if (self->schema_version >= 12)
        ret = run_transaction (self, "BEGIN IMMEDIATE", write_and_index_cb, &data, error);
      else
        ret = run_transaction (self, "BEGIN IMMEDIATE", func, user_data, error);
      /* The leads the write queued beyond the first few, in short
       * transactions of their own: others may write between them. */
      while (ret && data.more)
        {
          g_autoptr(GError) index_error = NULL;

          if (!run_transaction (self, "BEGIN IMMEDIATE", index_chunk_cb, &data.more, &index_error))
            {
              /* The next write goes on with the queue; the search reads it meanwhile. */
              g_info ("Could not index the leads for search yet: %s", index_error->message);
              break;
            }
        }
    }
  else
    ret = FALSE;
  _scim_store_unlock (self);
  return ret;
}

/* A consistent read in one snapshot, retried like a write when busy. */
gboolean
_scim_store_read (ScimStore   *self,
                  ScimTxFunc   func,
                  gpointer     user_data,
                  GError     **error)
{
  gboolean ret;

  _scim_store_lock (self);
  if (self->db == NULL)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("The database is closed."));
      ret = FALSE;
    }
  else
    ret = run_transaction (self, "BEGIN", func, user_data, error);
  _scim_store_unlock (self);
  return ret;
}

ScimStore *
scim_tx_get_store (ScimTx *tx)
{
  return tx->store;
}

gint64
scim_tx_get_now (ScimTx *tx)
{
  return tx->now;
}

/**
 * scim_tx_log:
 * @tx: the open transaction
 * @entity: the table that changed
 * @entity_id: the row
 * @action: "insert", "update" or "delete"
 * @error: return location for an error
 *
 * Writes one change_log row in the same transaction as the change.
 */
gboolean
scim_tx_log (ScimTx      *tx,
             const char  *entity,
             gint64       entity_id,
             const char  *action,
             GError     **error)
{
  return _scim_store_exec (tx->store, error,
                           "INSERT INTO change_log (at, user_id, entity, entity_id, action) "
                           "VALUES (?, ?, ?, ?, ?)",
                           "INsIs", tx->now, tx->user_id, entity, entity_id, action);
}

/* After an `UPDATE … WHERE id = ? AND version = ?`: no row changed means the
 * record is gone or someone else saved it first.  The error names who and when. */
gboolean
_scim_tx_finish_update (ScimTx      *tx,
                        const char  *entity,
                        gint64       entity_id,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *who = NULL;
  g_autofree char *when = NULL;
  int rc;

  if (sqlite3_changes (tx->db) > 0)
    return scim_tx_log (tx, entity, entity_id, "update", error);

  stmt = _scim_store_prepare (tx->store,
                              "SELECT c.at, coalesce(nullif(u.full_name, ''), u.login), c.action "
                              "FROM change_log c LEFT JOIN users u ON u.id = c.user_id "
                              "WHERE c.entity = ? AND c.entity_id = ? ORDER BY c.seq DESC LIMIT 1",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "sI", entity, entity_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      when = _scim_format_time (sqlite3_column_int64 (stmt, 0));
      who = g_strdup (sqlite3_column_type (stmt, 1) == SQLITE_NULL
                      ? _("an unknown user") : (const char *) sqlite3_column_text (stmt, 1));
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "delete") == 0)
        {
          sqlite3_reset (stmt);
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                       _("This record was deleted by %s at %s."), who, when);
          return FALSE;
        }
      sqlite3_reset (stmt);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT,
                   _("This record was changed by %s at %s after you opened it. "
                     "Reload it to see their version, then make your change again."),
                   who, when);
      return FALSE;
    }

  g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
               _("This record no longer exists."));
  return FALSE;
}

/* Opening */

typedef struct
{
  gboolean exists;
  gboolean empty;
  gboolean is_sqlite;
} FileHeader;

static gboolean
read_first_bytes (const char *path,
                  guchar     *buf,
                  gsize       size,
                  gsize      *n_read,
                  int        *errno_out)
{
  sqlite3_vfs *vfs = sqlite3_vfs_find ("unix");
  g_autofree sqlite3_file *file = g_malloc0 ((gsize) vfs->szOsFile);
  sqlite3_int64 file_size = 0;
  int out_flags = 0;
  int rc;

  if (g_access (path, R_OK) != 0)
    {
      *errno_out = errno;
      return FALSE;
    }
  rc = vfs->xOpen (vfs, path, file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &out_flags);
  if (rc != SQLITE_OK)
    {
      *errno_out = errno != 0 ? errno : EIO;
      if (file->pMethods != NULL)
        file->pMethods->xClose (file);
      return FALSE;
    }
  rc = file->pMethods->xFileSize (file, &file_size);
  *n_read = rc == SQLITE_OK ? (gsize) MIN ((sqlite3_int64) size, file_size) : 0;
  if (rc == SQLITE_OK && *n_read > 0)
    rc = file->pMethods->xRead (file, buf, (int) *n_read, 0);
  file->pMethods->xClose (file);
  if (rc != SQLITE_OK)
    {
      *errno_out = EIO;
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_header (const char  *path,
             FileHeader  *header,
             GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  guchar buf[100];
  gsize n = 0;
  int saved = 0;

  memset (header, 0, sizeof *header);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  header->exists = TRUE;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_DATABASE,
                   _("“%s” is a folder, not a database file. Choose a file."), path);
      return FALSE;
    }

  /* Through SQLite's own VFS, not fopen(): closing any descriptor of the
   * file drops every POSIX lock this process holds on it, so opening a
   * file another connection of this process has open would leave that
   * connection unlocked (another process could then checkpoint and
   * remove the WAL under it).  SQLite's close keeps the descriptor until
   * the last lock is gone. */
  if (!read_first_bytes (path, buf, sizeof buf, &n, &saved))
    {
      g_set_error (error, SCIM_STORE_ERROR,
                   saved == EACCES ? SCIM_STORE_ERROR_READ_ONLY : SCIM_STORE_ERROR_FAILED,
                   _("Cannot read “%s”: %s. Ask your administrator for access to the file."),
                   path, g_strerror (saved));
      return FALSE;
    }

  if (n == 0)
    {
      header->empty = TRUE;
      return TRUE;
    }
  if (n < sizeof buf || memcmp (buf, magic, sizeof magic) != 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_DATABASE,
                   _("“%s” is not an SCIM Sales database (it is not an SQLite file at all). "
                     "Choose another file or create a new database."), path);
      return FALSE;
    }
  header->is_sqlite = TRUE;
  return TRUE;
}

/* scim_fold(text): search compares folded text on both sides, so that
 * "иванов" finds "Иванов" and "е" finds "ё" (LIKE folds ASCII only). */
static void
sql_fold (sqlite3_context  *context,
          int               argc,
          sqlite3_value   **argv)
{
  const unsigned char *text = sqlite3_value_text (argv[0]);
  char *folded;

  if (text == NULL)
    {
      sqlite3_result_null (context);
      return;
    }
  folded = scim_fold ((const char *) text);
  sqlite3_result_text (context, folded, -1, g_free);
}

/* scim_phone_key(text), scim_email_key(text): the keys of leads.phone_key
 * and leads.email_key, which the store writes with every phone and e-mail
 * (see scim_lead_phone_key()). */
static void
sql_lead_key (sqlite3_context  *context,
              int               argc,
              sqlite3_value   **argv)
{
  char *(*key) (const char *) = sqlite3_user_data (context);

  sqlite3_result_text (context, key ((const char *) sqlite3_value_text (argv[0])), -1, g_free);
}

/* SCIM_TRACE_SQL=FILE adds each read the store's connection runs to FILE:
 * a SELECT or WITH as SQLite ran it, its bound values written in, ended by
 * a NUL byte (the statements of triggers are left out).  The benchmark
 * runs a command's reads bare for the command's floor (tests/bench.sh). */
static int
trace_read_cb (unsigned int  type,
               void         *user_data,
               void         *p,
               void         *x)
{
  FILE *out = user_data;
  const char *sql = x;
  char *expanded;

  if (type != SQLITE_TRACE_STMT || sql == NULL)
    return 0;
  while (g_ascii_isspace (*sql))
    sql++;
  if (g_ascii_strncasecmp (sql, "SELECT", 6) != 0 && g_ascii_strncasecmp (sql, "WITH", 4) != 0)
    return 0;
  expanded = sqlite3_expanded_sql (p);
  if (expanded != NULL)
    {
      fwrite (expanded, 1, strlen (expanded) + 1, out);
      fflush (out);
    }
  sqlite3_free (expanded);
  return 0;
}

static void
trace_reads (ScimStore *self)
{
  const char *path = g_getenv ("SCIM_TRACE_SQL");

  if (path == NULL || path[0] == '\0')
    return;
  if (self->trace == NULL && (self->trace = g_fopen (path, "ab")) == NULL)
    g_warning ("SCIM_TRACE_SQL: cannot write %s: %s", path, g_strerror (errno));
  else
    sqlite3_trace_v2 (self->db, SQLITE_TRACE_STMT, trace_read_cb, self->trace);
}

static gboolean
apply_pragmas (sqlite3     *db,
               ScimFsKind   kind,
               gboolean     writable,
               guint        open_wait_ms,
               GError     **error)
{
  int rc;

  /* The pragmas and checks of the open run outside transactions, so they
   * may wait for another process's commit as long as a write would,
   * instead of failing at the first lock (a commit in the rollback journal
   * locks out readers, and a pragma reads the schema).  scim_store_open()
   * sets the short wait of transactions once the file is open. */
  sqlite3_busy_timeout (db, (int) open_wait_ms);
  /* The schema is trusted: the leads' search index (FTS5, schema version
   * 12) is kept by triggers, which an untrusted schema may not use.  What a
   * made-up file's triggers could reach instead is harmless: no extension
   * loads, defensive mode forbids writing the schema and raw pages, and
   * the functions the store adds are innocuous (pure, no side effects). */
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);

  rc = exec_simple (db, "PRAGMA foreign_keys = ON");
  if (rc == SQLITE_OK)
    rc = exec_simple (db, "PRAGMA synchronous = FULL");
  if (rc == SQLITE_OK && kind != SCIM_FS_LOCAL)
    rc = exec_simple (db, "PRAGMA mmap_size = 0");
  if (rc != SQLITE_OK)
    return set_error_for_code (rc, sqlite3_errmsg (db), error);
  return TRUE;
}

static gboolean
set_journal_mode (ScimStore  *self,
                  GError    **error)
{
  const char *want = self->fs_kind == SCIM_FS_LOCAL ? "wal" : "delete";
  g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = %s", want);
  g_autofree char *mode = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) self->busy_timeout_ms * 1000;

  /* Switching the journal needs the file to ourselves for a moment. */
  for (guint attempt = 0;; attempt++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        {
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              g_free (mode);
              mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
              rc = SQLITE_OK;
            }
        }
      sqlite3_finalize (stmt);

      if (rc == SQLITE_OK)
        break;
      if (((rc & 0xFF) != SQLITE_BUSY && (rc & 0xFF) != SQLITE_LOCKED) ||
          g_get_monotonic_time () >= deadline)
        return _scim_store_set_error (self, rc, error);
      backoff (attempt);
    }

  if (g_ascii_strcasecmp (mode, want) != 0)
    g_warning ("Journal mode is %s, wanted %s", mode, want);
  return TRUE;
}

static gboolean
quick_check (ScimStore  *self,
             GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    return _scim_store_set_error (self, rc, error);
  if (!ok)
    {
      self->corrupt = TRUE;
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT,
                   _("The database file “%s” is damaged. It was left as it is; "
                     "restore it from a backup or ask your administrator."),
                   self->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate_step (ScimTx              *tx,
              const ScimMigration *migration,
              GError             **error)
{
  g_autofree char *pragma = NULL;
  char *errmsg = NULL;
  int rc;

  /* Another session may have migrated while we waited for the lock. */
  if (_scim_store_query_int (tx->store, error, "PRAGMA user_version", "") >= migration->version)
    return TRUE;

  rc = sqlite3_exec (tx->db, migration->sql, NULL, NULL, &errmsg);
  if (rc != SQLITE_OK)
    {
      g_autofree char *detail = g_strdup (errmsg);
      sqlite3_free (errmsg);
      return set_error_for_code (rc, detail, error);
    }
  if (migration->after != NULL && !migration->after (tx, error))
    return FALSE;

  pragma = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d",
                            migration->version, SCIM_APPLICATION_ID);
  rc = exec_simple (tx->db, pragma);
  if (rc != SQLITE_OK)
    return set_error_for_code (rc, sqlite3_errmsg (tx->db), error);
  g_debug ("Migrated %s to schema version %d", tx->store->path, migration->version);
  return TRUE;
}

/* Every step of an upgrade in one transaction: a failure (a full disk, a
 * lost share) leaves the file at the version it had, never at one
 * between. */
static gboolean
migrate_cb (ScimTx    *tx,
            gpointer   user_data,
            GError   **error)
{
  int from_version = GPOINTER_TO_INT (user_data);
  const ScimMigration *migrations;
  guint n_migrations;

  migrations = _scim_schema_get_migrations (&n_migrations);
  for (guint i = 0; i < n_migrations; i++)
    if (migrations[i].version > from_version && !migrate_step (tx, &migrations[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
backup_to (sqlite3       *src,
           const char    *dest,
           GCancellable  *cancellable,
           ScimProgressFunc progress,
           gpointer       progress_data,
           GError       **error);

/* Who else has the file open, joined for a refusal ("Пётр Иванов on
 * another-pc, …"): %NULL with @error set when it cannot be read, and
 * *@n_others is 0 when nobody else has. */
static char *
dup_others (ScimStore  *self,
            guint      *n_others,
            GError    **error)
{
  g_auto(GStrv) online = scim_store_dup_online (self, error);

  if (online == NULL)
    return NULL;
  *n_others = g_strv_length (online);
  return g_strjoinv (", ", online);
}

/* No upgrade while someone else has the file open: their build would not
 * know the new schema.  Checked before anything is written. */
static gboolean
check_alone (ScimStore  *self,
             GError    **error)
{
  guint others = 0;
  g_autofree char *names = dup_others (self, &others, error);

  if (names == NULL)
    return FALSE;
  if (others > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_SESSIONS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The database must be upgraded, but %u other person has it open (%s). "
                                "Ask them to close SCIM Sales, then open the file again.",
                                "The database must be upgraded, but %u other people have it open (%s). "
                                "Ask them to close SCIM Sales, then open the file again.",
                                others),
                   others, names);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (ScimStore  *self,
         int         from_version,
         GError    **error)
{
  if (from_version >= SCIM_SCHEMA_VERSION)
    {
      self->schema_version = from_version;
      return TRUE;
    }

  if (from_version > 0)
    {
      /* Keep the file as it was before the upgrade. */
      g_free (self->migration_backup);
      self->migration_backup = g_strdup_printf ("%s.v%d.bak", self->path, from_version);
      if (!backup_to (self->db, self->migration_backup, NULL, NULL, NULL, error))
        return FALSE;
    }

  if (!run_transaction (self, "BEGIN IMMEDIATE", migrate_cb, GINT_TO_POINTER (from_version), error))
    return FALSE;

  self->schema_version = (int) _scim_store_query_int (self, NULL, "PRAGMA user_version", "");
  return TRUE;
}

static gboolean
register_session_cb (ScimTx    *tx,
                     gpointer   user_data,
                     GError   **error)
{
  ScimStore *self = tx->store;

  if (!_scim_store_exec (self, error,
                         "DELETE FROM sessions WHERE heartbeat_at < ?",
                         "I", tx->now - 24 * 3600))
    return FALSE;
  if (!_scim_store_exec (self, error,
                         "INSERT INTO sessions (user_id, host, pid, started_at, heartbeat_at) "
                         "VALUES (?, ?, ?, ?, ?)",
                         "NsiII", tx->user_id, g_get_host_name (), (int) getpid (), tx->now, tx->now))
    return FALSE;
  self->session_id = sqlite3_last_insert_rowid (tx->db);
  return TRUE;
}

static gboolean
read_pragma_int (ScimStore   *self,
                 const char  *sql,
                 gint64      *value,
                 GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) self->busy_timeout_ms * 1000;

  for (guint attempt = 0;; attempt++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return TRUE;
      if (((rc & 0xFF) != SQLITE_BUSY && (rc & 0xFF) != SQLITE_LOCKED) || g_get_monotonic_time () >= deadline)
        return _scim_store_set_error (self, rc, error);
      backoff (attempt);
    }
}

static gboolean
open_internal (ScimStore       *self,
               const char      *path,
               ScimStoreFlags   flags,
               GError         **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *fs_reason = NULL;
  FileHeader header;
  gboolean creating;
  gint64 app_id = 0, user_version = 0, tables = 0;
  int open_flags;
  int rc;

  self->path = g_canonicalize_filename (path, NULL);
  if (flags & SCIM_STORE_INSPECT)
    flags |= SCIM_STORE_READ_ONLY;
  self->flags = flags;

  dir = g_path_get_dirname (self->path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NO_FOLDER,
                   _("The folder “%s” does not exist. Create it, or choose another place for the database."),
                   dir);
      return FALSE;
    }

  /* Look at the first bytes before SQLite touches the file: a text file or
   * a spreadsheet must not be "opened" at all. */
  if (!read_header (self->path, &header, error))
    return FALSE;

  if (!header.exists && !(flags & SCIM_STORE_CREATE))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("The database file “%s” does not exist. Create a new database or open another file."),
                   self->path);
      return FALSE;
    }

  self->fs_kind = scim_fs_detect (self->path, &self->fs_type, &fs_reason);
  creating = !header.exists || header.empty;

  /* Decide whether we may write, and say why not. */
  if (flags & SCIM_STORE_READ_ONLY)
    {
      self->read_only = TRUE;
      self->read_only_reason = g_strdup (_("The database was opened read-only."));
    }
  else if (self->fs_kind == SCIM_FS_UNSAFE && (flags & SCIM_STORE_TRUST_LOCKS))
    {
      /* The user's word that this mount's locks work: written as on any
       * share, with the rollback journal (the kind is not LOCAL). */
      g_info ("Writing to %s on a %s mount: its locks are trusted", self->path, self->fs_type);
    }
  else if (self->fs_kind == SCIM_FS_UNSAFE)
    {
      self->read_only = TRUE;
      self->read_only_reason = g_strdup_printf (_("Opened read-only. %s"), fs_reason);
    }
  else if ((header.exists && g_access (self->path, W_OK) != 0) || g_access (dir, W_OK) != 0)
    {
      self->read_only = TRUE;
      self->read_only_reason =
        g_strdup (_("You may not write to this file or its folder, so it is open read-only. "
                    "Ask your administrator for write access to edit it."));
    }

  if (creating && self->read_only)
    {
      if (self->fs_kind == SCIM_FS_UNSAFE)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY,
                     _("A database cannot be created here. %s"), fs_reason);
      else
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY, "%s", self->read_only_reason);
      return FALSE;
    }

  open_flags = self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (creating)
    open_flags |= SQLITE_OPEN_CREATE;
  open_flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;

  rc = sqlite3_open_v2 (self->path, &self->db, open_flags, "unix");
  if (rc != SQLITE_OK)
    {
      _scim_store_set_error (self, rc, error);
      g_clear_pointer (&self->db, sqlite3_close_v2);
      return FALSE;
    }

  trace_reads (self);
  if (!apply_pragmas (self->db, self->fs_kind, !self->read_only, self->busy_timeout_ms, error))
    return FALSE;
  sqlite3_create_function_v2 (self->db, "scim_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                              NULL, sql_fold, NULL, NULL, NULL);
  sqlite3_create_function_v2 (self->db, "scim_phone_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                              scim_lead_phone_key, sql_lead_key, NULL, NULL, NULL);
  sqlite3_create_function_v2 (self->db, "scim_email_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                              scim_lead_email_key, sql_lead_key, NULL, NULL, NULL);

  if (!creating)
    {
      /* Read the ids through SQLite, not the header bytes: in WAL mode the
       * newest header may still sit in the -wal file. */
      if (!read_pragma_int (self, "PRAGMA application_id", &app_id, error) ||
          !read_pragma_int (self, "PRAGMA user_version", &user_version, error) ||
          !read_pragma_int (self, "SELECT count(*) FROM sqlite_schema", &tables, error))
        return FALSE;

      if ((app_id != SCIM_APPLICATION_ID && app_id != 0) || (app_id == 0 && tables > 0))
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FOREIGN,
                       _("“%s” is a database of another application, not of SCIM Sales. "
                         "It was left untouched; choose another file."), self->path);
          return FALSE;
        }
      if (tables == 0)
        creating = TRUE;
    }

  if (!creating && user_version > SCIM_SCHEMA_VERSION && !self->read_only)
    {
      self->read_only = TRUE;
      self->read_only_reason =
        g_strdup (_("This database was made by a newer version of SCIM Sales; it is open read-only. "
                    "Update SCIM Sales to edit it."));
    }
  if (!creating && self->read_only && user_version < SCIM_SCHEMA_VERSION && !(flags & SCIM_STORE_INSPECT))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY,
                   _("This database was made by an older version of SCIM Sales and must be upgraded, "
                     "but it cannot be written. %s"), self->read_only_reason);
      return FALSE;
    }
  if (creating && self->read_only)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_DATABASE,
                   _("“%s” is an empty file, not an SCIM Sales database. Choose another file."), self->path);
      return FALSE;
    }

  /* A read-only store cannot write even by mistake. */
  if (self->read_only)
    exec_simple (self->db, "PRAGMA query_only = 1");

  /* The page check, unless the opener runs it later; an upgrade never
   * runs on a file nobody has checked. */
  if (!creating && (!(flags & SCIM_STORE_NO_CHECK) || (user_version < SCIM_SCHEMA_VERSION && !self->read_only)) &&
      !quick_check (self, error))
    return FALSE;

  if (!self->read_only)
    {
      if (!creating && user_version < SCIM_SCHEMA_VERSION && !check_alone (self, error))
        return FALSE;
      if (!set_journal_mode (self, error))
        return FALSE;
      if (!migrate (self, creating ? 0 : (int) user_version, error))
        return FALSE;
      if (!(flags & SCIM_STORE_NO_SESSION) &&
          !run_transaction (self, "BEGIN IMMEDIATE", register_session_cb, NULL, error))
        return FALSE;
    }
  else
    {
      self->schema_version = (int) user_version;
    }

  return TRUE;
}

/* Watching for other connections' commits */

static ScimWatcher *
watcher_ref (ScimWatcher *watcher)
{
  g_atomic_ref_count_inc (&watcher->ref_count);
  return watcher;
}

static void
watcher_unref (ScimWatcher *watcher)
{
  if (!g_atomic_ref_count_dec (&watcher->ref_count))
    return;
  g_mutex_clear (&watcher->mutex);
  g_cond_clear (&watcher->cond);
  g_weak_ref_clear (&watcher->store);
  g_main_context_unref (watcher->context);
  g_free (watcher->path);
  g_free (watcher);
}

typedef struct
{
  ScimWatcher *watcher;
  GPtrArray   *changes;
} Delivery;

static gboolean
deliver_changes_cb (gpointer user_data)
{
  Delivery *delivery = user_data;
  g_autoptr(ScimStore) store = g_weak_ref_get (&delivery->watcher->store);

  if (store != NULL && store->db != NULL)
    g_signal_emit (store, signals[CHANGED], 0, delivery->changes);
  return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer user_data)
{
  Delivery *delivery = user_data;

  watcher_unref (delivery->watcher);
  g_ptr_array_unref (delivery->changes);
  g_free (delivery);
}

static void
watcher_poll (ScimWatcher *watcher,
              sqlite3     *db,
              gint64      *data_version)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  gint64 version = -1;
  int rc;

  if (sqlite3_prepare_v2 (db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (version < 0 || version == *data_version)
    return;

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_change_free);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT seq, at, user_id, entity, entity_id, action FROM change_log "
                           "WHERE seq > ? ORDER BY seq LIMIT 10000",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, watcher->last_seq);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          ScimChange *change = g_new0 (ScimChange, 1);

          change->seq = sqlite3_column_int64 (stmt, 0);
          change->at = sqlite3_column_int64 (stmt, 1);
          change->user_id = sqlite3_column_int64 (stmt, 2);
          change->entity = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          change->entity_id = sqlite3_column_int64 (stmt, 4);
          change->action = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
          g_ptr_array_add (changes, change);
        }
    }
  sqlite3_finalize (stmt);

  /* Busy (the writer holds the file on a share): try again at the next tick. */
  if (rc != SQLITE_DONE)
    return;

  *data_version = version;
  if (changes->len > 0)
    {
      Delivery *delivery = g_new0 (Delivery, 1);

      watcher->last_seq = ((ScimChange *) g_ptr_array_index (changes, changes->len - 1))->seq;
      delivery->watcher = watcher_ref (watcher);
      delivery->changes = g_steal_pointer (&changes);
      g_main_context_invoke_full (watcher->context, G_PRIORITY_DEFAULT,
                                  deliver_changes_cb, delivery, delivery_free);
    }
}

static void
watcher_heartbeat (ScimWatcher *watcher,
                   sqlite3     *db)
{
  sqlite3_stmt *stmt = NULL;

  if (!watcher->writable || watcher->session_id == 0)
    return;
  if (sqlite3_prepare_v2 (db, "UPDATE sessions SET heartbeat_at = ? WHERE id = ?", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, now_seconds ());
      sqlite3_bind_int64 (stmt, 2, watcher->session_id);
      /* A busy file skips one beat; the next one comes in a few seconds. */
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
}

static gpointer
watch_thread_func (gpointer user_data)
{
  ScimWatcher *watcher = user_data;
  sqlite3 *db = NULL;
  gint64 data_version = -1;
  gint64 last_beat = g_get_monotonic_time ();  /* the open wrote the first beat */
  int flags = (watcher->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;

  if (sqlite3_open_v2 (watcher->path, &db, flags, "unix") != SQLITE_OK)
    {
      g_warning ("Cannot watch %s: %s", watcher->path, sqlite3_errmsg (db));
      sqlite3_close_v2 (db);
      watcher_unref (watcher);
      return NULL;
    }
  sqlite3_busy_timeout (db, LOCK_WAIT_MS);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

  g_mutex_lock (&watcher->mutex);
  while (!watcher->stop)
    {
      gint64 now;

      g_mutex_unlock (&watcher->mutex);

      if (watcher->polls)
        watcher_poll (watcher, db, &data_version);
      now = g_get_monotonic_time ();
      if (now - last_beat >= HEARTBEAT_SECONDS * G_USEC_PER_SEC)
        {
          watcher_heartbeat (watcher, db);
          last_beat = now;
        }

      g_mutex_lock (&watcher->mutex);
      if (!watcher->stop)
        g_cond_wait_until (&watcher->cond, &watcher->mutex,
                           g_get_monotonic_time () + (gint64) watcher->interval_ms * 1000);
    }
  g_mutex_unlock (&watcher->mutex);

  sqlite3_close_v2 (db);
  watcher_unref (watcher);
  return NULL;
}

/* With @polls, the thread polls for other connections' commits and beats
 * the session's heartbeat; without, it only beats, so that a long command
 * line job (an import, a demo) stays online for the others' refusals. */
static void
start_watching (ScimStore *self,
                gboolean   polls)
{
  ScimWatcher *watcher;

  if (!polls && (self->read_only || self->session_id == 0))
    return;
  watcher = g_new0 (ScimWatcher, 1);

  g_atomic_ref_count_init (&watcher->ref_count);
  g_mutex_init (&watcher->mutex);
  g_cond_init (&watcher->cond);
  g_weak_ref_init (&watcher->store, self);
  watcher->path = g_strdup (self->path);
  watcher->writable = !self->read_only;
  watcher->session_id = self->session_id;
  watcher->polls = polls;
  watcher->interval_ms = polls ? DEFAULT_POLL_MS : HEARTBEAT_SECONDS * 1000;
  watcher->context = g_main_context_ref_thread_default ();
  if (polls)
    watcher->last_seq = _scim_store_query_int (self, NULL, "SELECT coalesce(max(seq), 0) FROM change_log", "");

  self->watcher = watcher;
  self->watch_thread = g_thread_new ("scim-store-watch", watch_thread_func, watcher_ref (watcher));
}

static void
stop_watching (ScimStore *self)
{
  if (self->watcher == NULL)
    return;

  g_mutex_lock (&self->watcher->mutex);
  self->watcher->stop = TRUE;
  g_cond_signal (&self->watcher->cond);
  g_mutex_unlock (&self->watcher->mutex);

  g_thread_join (g_steal_pointer (&self->watch_thread));
  g_clear_pointer (&self->watcher, watcher_unref);
}

/* GObject */

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
scim_store_finalize (GObject *object)
{
  ScimStore *self = (ScimStore *) object;

  scim_store_close (self);
  g_rec_mutex_clear (&self->lock);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_free (self->path);
  g_free (self->fs_type);
  g_free (self->read_only_reason);
  g_free (self->migration_backup);

  G_OBJECT_CLASS (scim_store_parent_class)->finalize (object);
}

static void
scim_store_class_init (ScimStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scim_store_finalize;

  /**
   * ScimStore::changed:
   * @store: the store
   * @changes: (element-type ScimChange): what was committed, in order
   *
   * Emitted on the thread-default main context of the opener, about a
   * second after any connection (this one included) commits a change.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
scim_store_init (ScimStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            finalize_statement);
  self->busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;
}

/* Public API */

/**
 * scim_store_get_default_path:
 *
 * Returns: (transfer full): the database used when none is named: in the
 *   user's data folder
 */
char *
scim_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "scim-sales", "sales.db", NULL);
}

/**
 * scim_store_open:
 * @path: the database file
 * @flags: how to open it
 * @error: return location for an error
 *
 * Opens (or creates) a database, chooses the journal by filesystem, checks
 * and migrates it.  A file of a newer version, an unwritable file and a file
 * on a mount that fakes locks open read-only; see
 * scim_store_get_read_only_reason().  Blocks: in the GUI use
 * scim_store_open_async().
 *
 * Returns: (transfer full): the store, or %NULL with @error set; the file is
 *   then left as it was
 */
ScimStore *
scim_store_open (const char      *path,
                 ScimStoreFlags   flags,
                 GError         **error)
{
  g_autoptr(ScimStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (SCIM_TYPE_STORE, NULL);
  if (!open_internal (self, path, flags, error))
    return NULL;
  sqlite3_busy_timeout (self->db, LOCK_WAIT_MS);

  start_watching (self, (flags & SCIM_STORE_WATCH) != 0);

  return g_steal_pointer (&self);
}

typedef struct
{
  char          *path;
  ScimStoreFlags flags;
  GMainContext  *context;
} OpenData;

static void
open_data_free (gpointer user_data)
{
  OpenData *data = user_data;

  g_free (data->path);
  g_main_context_unref (data->context);
  g_free (data);
}

static void
open_thread_cb (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = scim_store_open (data->path, data->flags & ~SCIM_STORE_WATCH, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

void
scim_store_open_async (const char          *path,
                       ScimStoreFlags       flags,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (OpenData, 1);
  data->path = g_strdup (path);
  data->flags = flags;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, scim_store_open_async);
  g_task_set_task_data (task, data, open_data_free);
  g_task_run_in_thread (task, open_thread_cb);
}

/**
 * scim_store_open_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the store, watching for changes on the caller's
 *   main context when %SCIM_STORE_WATCH was asked for
 */
ScimStore *
scim_store_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  OpenData *data = g_task_get_task_data (G_TASK (result));
  ScimStore *store;

  store = g_task_propagate_pointer (G_TASK (result), error);
  if (store != NULL)
    start_watching (store, (data->flags & SCIM_STORE_WATCH) != 0);
  return store;
}

static gboolean
unregister_session_cb (ScimTx    *tx,
                       gpointer   user_data,
                       GError   **error)
{
  return _scim_store_exec (tx->store, error, "DELETE FROM sessions WHERE id = ?", "I",
                           tx->store->session_id);
}

/**
 * scim_store_close:
 * @self: a #ScimStore
 *
 * Ends the session and closes the file.  Safe to call twice.
 */
void
scim_store_close (ScimStore *self)
{
  g_return_if_fail (SCIM_IS_STORE (self));

  stop_watching (self);

  _scim_store_lock (self);
  if (self->db != NULL)
    {
      if (self->session_id != 0 && !self->read_only)
        {
          guint saved = self->busy_timeout_ms;

          self->busy_timeout_ms = MIN (saved, 2000u);
          if (!run_transaction (self, "BEGIN IMMEDIATE", unregister_session_cb, NULL, NULL))
            g_debug ("Could not end the session; it goes stale by itself");
          self->busy_timeout_ms = saved;
        }
      g_hash_table_remove_all (self->statements);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->trace, fclose);
  _scim_store_unlock (self);
}

const char *
scim_store_get_path (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), NULL);
  return self->path;
}

/**
 * scim_store_get_vm_steps:
 * @self: a #ScimStore
 *
 * For tests and benchmarks: the virtual-machine steps the store's prepared
 * statements have run since they were prepared.  A query whose steps do
 * not grow with rows it does not return reads no whole table.
 *
 * Returns: the sum of SQLITE_STMTSTATUS_VM_STEP over the statements
 */
guint64
scim_store_get_vm_steps (ScimStore *self)
{
  GHashTableIter iter;
  gpointer stmt;
  guint64 steps = 0;

  g_return_val_if_fail (SCIM_IS_STORE (self), 0);
  _scim_store_lock (self);
  g_hash_table_iter_init (&iter, self->statements);
  while (g_hash_table_iter_next (&iter, NULL, &stmt))
    steps += (guint64) sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 0);
  steps += self->finalized_steps;
  _scim_store_unlock (self);
  return steps;
}

/* Finalizes a one-off statement (a list query built for its filters),
 * counting its steps into scim_store_get_vm_steps(); under the store's
 * lock, as every statement runs. */
void
_scim_store_finalize (ScimStore    *self,
                      sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;
  self->finalized_steps += (guint64) sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 0);
  sqlite3_finalize (stmt);
}

gboolean
scim_store_is_read_only (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), TRUE);
  return self->read_only;
}

/**
 * scim_store_get_read_only_reason:
 * @self: a #ScimStore
 *
 * Returns: (nullable): a translated sentence saying why the file is read-only
 */
const char *
scim_store_get_read_only_reason (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), NULL);
  return self->read_only_reason;
}

ScimFsKind
scim_store_get_fs_kind (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), SCIM_FS_LOCAL);
  return self->fs_kind;
}

const char *
scim_store_get_fs_type (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), NULL);
  return self->fs_type;
}

/**
 * scim_store_get_trusts_locks:
 * @self: a #ScimStore
 *
 * Returns: whether the file is written on a mount that may fake locks
 *   because the caller passed %SCIM_STORE_TRUST_LOCKS
 */
gboolean
scim_store_get_trusts_locks (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), FALSE);
  return self->fs_kind == SCIM_FS_UNSAFE && !self->read_only && (self->flags & SCIM_STORE_TRUST_LOCKS);
}

/**
 * scim_store_dup_journal_mode:
 * @self: a #ScimStore
 *
 * Returns: (transfer full): "wal" or "delete"
 */
char *
scim_store_dup_journal_mode (ScimStore *self)
{
  sqlite3_stmt *stmt;
  char *mode = NULL;

  g_return_val_if_fail (SCIM_IS_STORE (self), NULL);

  _scim_store_lock (self);
  stmt = _scim_store_prepare (self, "PRAGMA journal_mode", NULL);
  if (stmt != NULL && _scim_store_step (self, stmt, NULL) == SQLITE_ROW)
    mode = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  _scim_store_unlock (self);
  return mode;
}

int
scim_store_get_schema_version (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), 0);
  return self->schema_version;
}

/**
 * scim_store_get_migration_backup:
 * @self: a #ScimStore
 *
 * Returns: (nullable): the copy taken before this open upgraded the file
 */
const char *
scim_store_get_migration_backup (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), NULL);
  return self->migration_backup;
}

gint64
scim_store_get_user_id (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), 0);
  return self->user_id;
}

static gboolean
set_session_user_cb (ScimTx    *tx,
                     gpointer   user_data,
                     GError   **error)
{
  return _scim_store_exec (tx->store, error, "UPDATE sessions SET user_id = ? WHERE id = ?", "NI",
                           tx->user_id, tx->store->session_id);
}

/**
 * scim_store_set_user_id:
 * @self: a #ScimStore
 * @user_id: the signed-in user, or 0
 *
 * Sets who makes the following changes (change_log, roles, sessions).
 */
void
scim_store_set_user_id (ScimStore *self,
                        gint64     user_id)
{
  g_return_if_fail (SCIM_IS_STORE (self));

  _scim_store_lock (self);
  self->user_id = user_id;
  if (self->session_id != 0 && !self->read_only)
    run_transaction (self, "BEGIN IMMEDIATE", set_session_user_cb, NULL, NULL);
  _scim_store_unlock (self);
}

void
scim_store_set_busy_timeout (ScimStore *self,
                             guint      milliseconds)
{
  g_return_if_fail (SCIM_IS_STORE (self));
  self->busy_timeout_ms = milliseconds;
}

void
scim_store_set_poll_interval (ScimStore *self,
                              guint      milliseconds)
{
  g_return_if_fail (SCIM_IS_STORE (self));
  if (self->watcher != NULL)
    {
      g_mutex_lock (&self->watcher->mutex);
      self->watcher->interval_ms = MAX (milliseconds, 10u);
      g_cond_signal (&self->watcher->cond);
      g_mutex_unlock (&self->watcher->mutex);
    }
}

/* Limits the file's size in pages; tests use it to play a full disk. */
void
scim_store_set_max_pages (ScimStore *self,
                          gint64     pages)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (SCIM_IS_STORE (self));
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  _scim_store_lock (self);
  exec_simple (self->db, sql);
  _scim_store_unlock (self);
}

/**
 * scim_store_count_other_sessions:
 * @self: a #ScimStore
 * @error: return location for an error
 *
 * Returns: how many other processes have the file open (live heartbeat),
 *   or %G_MAXUINT on error
 */
guint
scim_store_count_other_sessions (ScimStore  *self,
                                 GError    **error)
{
  g_auto(GStrv) online = NULL;

  g_return_val_if_fail (SCIM_IS_STORE (self), G_MAXUINT);

  /* The same sessions as the names the header and the refusals show. */
  online = scim_store_dup_online (self, error);
  return online != NULL ? g_strv_length (online) : G_MAXUINT;
}

/* Jobs on worker threads */

typedef struct
{
  ScimStoreFunc  func;
  gpointer       data;
  GDestroyNotify data_destroy;
  GDestroyNotify result_destroy;
} RunData;

static void
run_data_free (gpointer user_data)
{
  RunData *run = user_data;

  if (run->data_destroy != NULL)
    run->data_destroy (run->data);
  g_free (run);
}

static void
run_thread_cb (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RunData *run = task_data;
  g_autoptr(GError) error = NULL;
  gpointer result;

  if (g_task_return_error_if_cancelled (task))
    return;
  result = run->func (source_object, run->data, cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, run->result_destroy);
}

/**
 * scim_store_run_async:
 * @self: a #ScimStore
 * @func: (scope async): the job
 * @data: (nullable): data for @func
 * @data_destroy: (nullable): frees @data after the job
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when the job is done
 * @user_data: data for @callback
 *
 * Runs any blocking store work on a worker thread so the main loop never
 * waits on a lock.
 *
 * Nothing frees the job's result if scim_store_run_finish() does not hand it
 * over, as when @cancellable is cancelled after the job has run; a job whose
 * result must be freed and that can be cancelled uses
 * scim_store_run_async_full().
 */
void
scim_store_run_async (ScimStore           *self,
                      ScimStoreFunc        func,
                      gpointer             data,
                      GDestroyNotify       data_destroy,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  scim_store_run_async_full (self, func, data, data_destroy, NULL, cancellable, callback, user_data);
}

/**
 * scim_store_run_async_full:
 * @self: a #ScimStore
 * @func: (scope async): the job
 * @data: (nullable): data for @func
 * @data_destroy: (nullable): frees @data after the job
 * @result_destroy: (nullable): frees the job's result when no one takes it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when the job is done
 * @user_data: data for @callback
 *
 * As scim_store_run_async(), and @result_destroy frees what the job returned
 * when scim_store_run_finish() does not return it: the job was cancelled
 * after it had run, or the result was never asked for.
 */
void
scim_store_run_async_full (ScimStore           *self,
                           ScimStoreFunc        func,
                           gpointer             data,
                           GDestroyNotify       data_destroy,
                           GDestroyNotify       result_destroy,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *run;

  g_return_if_fail (SCIM_IS_STORE (self));
  g_return_if_fail (func != NULL);

  run = g_new0 (RunData, 1);
  run->func = func;
  run->data = data;
  run->data_destroy = data_destroy;
  run->result_destroy = result_destroy;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, scim_store_run_async);
  g_task_set_task_data (task, run, run_data_free);
  g_task_run_in_thread (task, run_thread_cb);
}

/**
 * scim_store_run_finish:
 * @self: a #ScimStore
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): what the job returned
 */
gpointer
scim_store_run_finish (ScimStore     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Checks and backups */

static gboolean
collect_pragma_rows (ScimStore   *self,
                     const char  *sql,
                     const char  *label,
                     gboolean     ok_row_is_ok,
                     GPtrArray   *problems,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return _scim_store_set_error (self, rc, error);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int n = sqlite3_column_count (stmt);
      g_autoptr(GString) line = g_string_new (label);

      if (ok_row_is_ok && n == 1 && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0)
        continue;
      g_string_append (line, ":");
      for (int i = 0; i < n; i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);
          g_string_append_printf (line, " %s", text != NULL ? text : "NULL");
        }
      g_ptr_array_add (problems, g_string_free (g_steal_pointer (&line), FALSE));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB)
        {
          g_ptr_array_add (problems, g_strdup_printf ("%s: %s", label, sqlite3_errstr (rc)));
          return TRUE;
        }
      return _scim_store_set_error (self, rc, error);
    }
  return TRUE;
}

/**
 * scim_store_check:
 * @self: a #ScimStore
 * @full: run integrity_check instead of quick_check
 * @problems: (out) (element-type utf8) (transfer full): one line per problem
 * @error: return location for an error (the check could not run)
 *
 * Checks the schema version, the pages and the foreign keys.
 *
 * Returns: %TRUE when the check ran; the file is sound when @problems is empty
 */
gboolean
scim_store_check (ScimStore   *self,
                  gboolean     full,
                  GPtrArray  **problems,
                  GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  gint64 version, app_id;
  gboolean ok = FALSE;

  g_return_val_if_fail (SCIM_IS_STORE (self), FALSE);

  _scim_store_lock (self);
  version = _scim_store_query_int (self, error, "PRAGMA user_version", "");
  app_id = _scim_store_query_int (self, error, "PRAGMA application_id", "");
  if (version < 0 || app_id < 0)
    goto out;
  if (app_id != SCIM_APPLICATION_ID)
    g_ptr_array_add (found, g_strdup_printf (_("application id is %08llx, not SCIM Sales"),
                                             (unsigned long long) app_id));
  if (version != SCIM_SCHEMA_VERSION)
    g_ptr_array_add (found, g_strdup_printf (_("schema version is %lld, this build uses %d"),
                                             (long long) version, SCIM_SCHEMA_VERSION));
  {
    guint before = found->len;

    if (!collect_pragma_rows (self, full ? "PRAGMA integrity_check" : "PRAGMA quick_check",
                              full ? "integrity_check" : "quick_check", TRUE, found, error))
      goto out;
    /* Damage found: stop writing, keep the file as it is for recovery. */
    if (found->len > before && !self->corrupt)
      {
        self->corrupt = TRUE;
        self->read_only = TRUE;
        g_clear_pointer (&self->read_only_reason, g_free);
        self->read_only_reason = g_strdup (_("The database file is damaged. Restore it from a backup."));
      }
  }
  if (!collect_pragma_rows (self, "PRAGMA foreign_key_check", "foreign_key_check", FALSE, found, error))
    goto out;
  ok = TRUE;

out:
  _scim_store_unlock (self);
  if (ok && problems != NULL)
    *problems = g_steal_pointer (&found);
  return ok;
}

static gboolean
backup_to (sqlite3          *src,
           const char       *dest,
           GCancellable     *cancellable,
           ScimProgressFunc  progress,
           gpointer          progress_data,
           GError          **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-%d", dest, (int) getpid ());
  sqlite3 *copy = NULL;
  sqlite3_backup *backup;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean sound = FALSE;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_unlink (tmp);
  rc = sqlite3_open_v2 (tmp, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "unix");
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("Cannot write the backup “%s”: %s. Choose a folder you may write to."),
                   dest, sqlite3_errmsg (copy));
      sqlite3_close_v2 (copy);
      g_unlink (tmp);
      return FALSE;
    }

  backup = sqlite3_backup_init (copy, "main", src, "main");
  if (backup == NULL)
    {
      set_error_for_code (sqlite3_errcode (copy), sqlite3_errmsg (copy), error);
      sqlite3_close_v2 (copy);
      g_unlink (tmp);
      return FALSE;
    }

  do
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          rc = SQLITE_INTERRUPT;
          break;
        }
      rc = sqlite3_backup_step (backup, 512);
      if (progress != NULL)
        {
          int total = sqlite3_backup_pagecount (backup);
          if (total > 0)
            progress ((double) (total - sqlite3_backup_remaining (backup)) / total, progress_data);
        }
      if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && g_get_monotonic_time () < deadline)
        {
          g_usleep (50 * 1000);
          rc = SQLITE_OK;
        }
    }
  while (rc == SQLITE_OK);
  sqlite3_backup_finish (backup);

  if (rc != SQLITE_DONE)
    {
      set_error_for_code (rc, sqlite3_errstr (rc), error);
      sqlite3_close_v2 (copy);
      g_unlink (tmp);
      return FALSE;
    }

  /* Verify the copy before it replaces anything. */
  if (sqlite3_prepare_v2 (copy, "PRAGMA integrity_check(1)", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    sound = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  /* A backup is one self-contained file, whatever the source's journal. */
  exec_simple (copy, "PRAGMA journal_mode = DELETE");
  sqlite3_close_v2 (copy);

  if (!sound)
    {
      g_unlink (tmp);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT,
                   _("The backup copy failed its integrity check, so it was not kept. "
                     "Check the database with “scim-sales-cli check”."));
      return FALSE;
    }

  if (g_rename (tmp, dest) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("Cannot write the backup “%s”: %s."), dest, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/**
 * scim_store_backup:
 * @self: a #ScimStore
 * @dest: the file to write; replaced only by a verified copy
 * @cancellable: (nullable): cancels the backup
 * @progress: (nullable) (scope call): called with the fraction done
 * @progress_data: data for @progress
 * @error: return location for an error
 *
 * Copies the database with SQLite's backup API into a temporary file,
 * checks the copy's integrity and renames it over @dest.
 */
gboolean
scim_store_backup (ScimStore         *self,
                   const char        *dest,
                   GCancellable      *cancellable,
                   ScimProgressFunc   progress,
                   gpointer           progress_data,
                   GError           **error)
{
  g_autofree char *dest_dir = NULL;
  g_autofree char *canonical = NULL;
  gboolean ret;

  g_return_val_if_fail (SCIM_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  canonical = g_canonicalize_filename (dest, NULL);
  if (g_strcmp0 (canonical, self->path) == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("The backup cannot replace the database itself. Choose another file name."));
      return FALSE;
    }
  dest_dir = g_path_get_dirname (canonical);
  if (!g_file_test (dest_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NO_FOLDER,
                   _("The folder “%s” does not exist. Create it, or choose another place for the backup."),
                   dest_dir);
      return FALSE;
    }

  _scim_store_lock (self);
  ret = backup_to (self->db, canonical, cancellable, progress, progress_data, error);
  _scim_store_unlock (self);
  return ret;
}

/**
 * scim_store_take_longest_write:
 * @self: a #ScimStore
 *
 * For benchmarks: the longest time a committed write transaction of this
 * store held the file's write lock since the last call, and starts over.
 *
 * Returns: microseconds
 */
gint64
scim_store_take_longest_write (ScimStore *self)
{
  gint64 longest;

  g_return_val_if_fail (SCIM_IS_STORE (self), 0);
  _scim_store_lock (self);
  longest = self->longest_write_us;
  self->longest_write_us = 0;
  _scim_store_unlock (self);
  return longest;
}

/**
 * scim_store_is_damaged:
 * @self: a #ScimStore
 *
 * Returns: whether a check or a read found the file damaged; the store is
 *   then read-only until it is restored
 */
gboolean
scim_store_is_damaged (ScimStore *self)
{
  g_return_val_if_fail (SCIM_IS_STORE (self), FALSE);
  return self->corrupt;
}

/* Restore */

/**
 * scim_store_dup_online:
 * @self: a #ScimStore
 * @error: return location for an error
 *
 * Who else has the file open now (a session whose heartbeat is fresh),
 * the earliest first: "Olga Smirnova on pc-2".
 *
 * Returns: (transfer full): the names, empty when nobody, or %NULL with
 *   @error set
 */
char **
scim_store_dup_online (ScimStore  *self,
                       GError    **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  gint64 tables;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (SCIM_IS_STORE (self), NULL);

  _scim_store_lock (self);
  tables = _scim_store_query_int (self, error,
                                  "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sessions'", "");
  if (tables < 0)
    {
      _scim_store_unlock (self);
      return NULL;
    }
  if (tables > 0)
    {
      stmt = _scim_store_prepare (self,
                                  "SELECT coalesce(nullif(u.full_name, ''), u.login), s.host FROM sessions s "
                                  "LEFT JOIN users u ON u.id = s.user_id "
                                  "WHERE s.heartbeat_at >= ? AND s.id != ? AND NOT (s.host = ? AND s.pid = ?) "
                                  "ORDER BY s.started_at",
                                  error);
      if (stmt == NULL)
        {
          _scim_store_unlock (self);
          return NULL;
        }
      _scim_stmt_bind (stmt, "IIsi", now_seconds () - SESSION_STALE_SECONDS, self->session_id,
                       g_get_host_name (), (int) getpid ());
      while ((rc = _scim_store_step (self, stmt, error)) == SQLITE_ROW)
        {
          const char *who = (const char *) sqlite3_column_text (stmt, 0);
          const char *host = (const char *) sqlite3_column_text (stmt, 1);

          /* Translators: who has the file open: "Olga Smirnova on pc-2". */
          g_autofree char *name = g_strdup_printf (_("%s on %s"), who != NULL ? who : _("someone"), host);

          g_strv_builder_add (names, name);
        }
    }
  _scim_store_unlock (self);
  if (rc != SQLITE_DONE)
    return NULL;
  return g_strv_builder_end (names);
}

/* A backup is restored only when it is one of ours, no newer than this
 * build and whole. */
static gboolean
check_backup_file (const char  *backup,
                   GError     **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int app_id = -1, version = -1;
  gboolean sound = FALSE;

  if (!g_file_test (backup, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("The backup “%s” does not exist. Choose another one."), backup);
      return FALSE;
    }
  if (sqlite3_open_v2 (backup, &db, SQLITE_OPEN_READONLY, "unix") != SQLITE_OK)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_DATABASE,
                   _("“%s” cannot be read as a backup: %s. Choose another one."), backup, sqlite3_errmsg (db));
      sqlite3_close_v2 (db);
      return FALSE;
    }
  if (sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    app_id = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (app_id != SCIM_APPLICATION_ID || version < 1)
    {
      sqlite3_close_v2 (db);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FOREIGN,
                   _("“%s” is not a backup of a SCIM Sales database. Choose another one."), backup);
      return FALSE;
    }
  if (version > SCIM_SCHEMA_VERSION)
    {
      sqlite3_close_v2 (db);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NEWER,
                   _("The backup “%s” was made by a newer version of SCIM Sales. Update SCIM Sales to restore it."),
                   backup);
      return FALSE;
    }
  if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check(1)", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    sound = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  if (!sound)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT,
                   _("The backup “%s” is damaged. Choose an earlier one."), backup);
      return FALSE;
    }
  return TRUE;
}

/* The file as it is, bytes and all, when it is too damaged to copy
 * through SQLite. */
static gboolean
copy_raw (const char  *path,
          const char  *dest,
          GError     **error)
{
  g_autoptr(GFile) from = g_file_new_for_path (path);
  g_autoptr(GFile) to = g_file_new_for_path (dest);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) local = NULL;

  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("Cannot keep the current file aside as “%s”: %s. Nothing was restored."), dest,
                   local->message);
      return FALSE;
    }
  if (g_file_test (wal, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *dest_wal = g_strconcat (dest, "-wal", NULL);
      g_autoptr(GFile) wal_from = g_file_new_for_path (wal);
      g_autoptr(GFile) wal_to = g_file_new_for_path (dest_wal);

      g_file_copy (wal_from, wal_to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL);
    }
  return TRUE;
}

/**
 * scim_store_restore:
 * @self: a #ScimStore on the database to replace
 * @backup: a backup of it (see scim_store_backup())
 * @aside: the file to keep the current database in first
 * @cancellable: (nullable): cancels before anything is replaced
 * @error: return location for an error
 *
 * Replaces the database's content with @backup's, in one step of SQLite's
 * backup API, so other processes see the old file or the new one, never
 * half.  Refused while others have the file open (it names them), when
 * the file is read-only for another reason than damage, and when @backup
 * is not a sound backup of ours no newer than this build.  The current
 * file is first copied to @aside (verified, or byte for byte when it is
 * damaged).  Close the store and open the file again afterwards: an older
 * backup is then upgraded as any older file.
 *
 * Returns: %TRUE when restored
 */
gboolean
scim_store_restore (ScimStore     *self,
                    const char    *backup,
                    const char    *aside,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *others = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr(GError) aside_error = NULL;
  sqlite3 *src = NULL, *dst = NULL;
  sqlite3_backup *step;
  gint64 deadline;
  guint n_others = 0;
  int rc;

  g_return_val_if_fail (SCIM_IS_STORE (self), FALSE);
  g_return_val_if_fail (backup != NULL && aside != NULL, FALSE);

  canonical = g_canonicalize_filename (backup, NULL);
  if (g_strcmp0 (canonical, self->path) == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("A database cannot be restored from itself. Choose a backup."));
      return FALSE;
    }
  if (self->read_only && !self->corrupt)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY,
                   _("Nothing was restored: %s"), self->read_only_reason);
      return FALSE;
    }
  others = dup_others (self, &n_others, error);
  if (others == NULL)
    return FALSE;
  if (n_others > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_SESSIONS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Nothing was restored: %u other person has the database open (%s). "
                                "Ask them to close SCIM Sales, then restore again.",
                                "Nothing was restored: %u other people have the database open (%s). "
                                "Ask them to close SCIM Sales, then restore again.",
                                n_others),
                   n_others, others);
      return FALSE;
    }
  if (!check_backup_file (canonical, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  _scim_store_lock (self);
  if (!backup_to (self->db, aside, NULL, NULL, NULL, &aside_error) && !copy_raw (self->path, aside, error))
    {
      _scim_store_unlock (self);
      return FALSE;
    }

  rc = sqlite3_open_v2 (canonical, &src, SQLITE_OPEN_READONLY, "unix");
  if (rc == SQLITE_OK)
    rc = sqlite3_open_v2 (self->path, &dst, SQLITE_OPEN_READWRITE, "unix");
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("Cannot restore: %s. The database was left as it was."),
                   sqlite3_errmsg (dst != NULL ? dst : src));
      sqlite3_close_v2 (src);
      sqlite3_close_v2 (dst);
      _scim_store_unlock (self);
      return FALSE;
    }
  step = sqlite3_backup_init (dst, "main", src, "main");
  if (step == NULL)
    {
      rc = sqlite3_errcode (dst);
    }
  else
    {
      /* All pages in one step: the destination is written in a single
       * transaction, or not at all. */
      deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      while ((rc = sqlite3_backup_step (step, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
        {
          if (g_get_monotonic_time () > deadline)
            break;
          g_usleep (50 * 1000);
        }
      sqlite3_backup_finish (step);
    }
  if (rc != SQLITE_DONE)
    {
      set_error_for_code (rc, sqlite3_errmsg (dst), error);
      g_prefix_error (error, _("Nothing was restored: "));
    }
  sqlite3_close_v2 (src);
  sqlite3_close_v2 (dst);
  if (rc == SQLITE_DONE)
    {
      /* Sound again: what the store knew of the old file is void. */
      self->corrupt = FALSE;
    }
  _scim_store_unlock (self);
  return rc == SQLITE_DONE;
}

/**
 * scim_store_vacuum:
 * @self: a writable #ScimStore
 * @error: return location for an error
 *
 * Rebuilds the file without its free pages (VACUUM).  It rewrites every
 * page, so it refuses while anyone else has the file open and names them
 * (%SCIM_STORE_ERROR_SESSIONS).
 *
 * Returns: %TRUE when done
 */
gboolean
scim_store_vacuum (ScimStore  *self,
                   GError    **error)
{
  g_autofree char *others = NULL;
  guint n_others = 0;
  int rc;

  g_return_val_if_fail (SCIM_IS_STORE (self), FALSE);
  if (!_scim_store_require_writable (self, error))
    return FALSE;
  others = dup_others (self, &n_others, error);
  if (others == NULL)
    return FALSE;
  if (n_others > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_SESSIONS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The database was not compacted: %u other person has it open (%s). "
                                "Ask them to close SCIM Sales, then try again.",
                                "The database was not compacted: %u other people have it open (%s). "
                                "Ask them to close SCIM Sales, then try again.",
                                n_others),
                   n_others, others);
      return FALSE;
    }

  /* VACUUM runs outside any transaction of ours, so it may wait in
   * SQLite's busy handler as long as a write would. */
  _scim_store_lock (self);
  sqlite3_busy_timeout (self->db, (int) self->busy_timeout_ms);
  rc = exec_simple (self->db, "VACUUM");
  sqlite3_busy_timeout (self->db, LOCK_WAIT_MS);
  _scim_store_unlock (self);
  if (rc != SQLITE_OK)
    return _scim_store_set_error (self, rc, error);
  return TRUE;
}
