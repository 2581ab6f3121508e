/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scim-fs.h"

G_BEGIN_DECLS

#define SCIM_STORE_ERROR (scim_store_error_quark ())

/**
 * ScimStoreError:
 * @SCIM_STORE_ERROR_FAILED: anything else; the message says what
 * @SCIM_STORE_ERROR_NO_FOLDER: the folder of the file does not exist
 * @SCIM_STORE_ERROR_NOT_FOUND: the file, or a record, does not exist
 * @SCIM_STORE_ERROR_NOT_DATABASE: the file is not an SQLite database
 * @SCIM_STORE_ERROR_FOREIGN: an SQLite database of another application
 * @SCIM_STORE_ERROR_NEWER: made by a newer version of SCIM Sales
 * @SCIM_STORE_ERROR_READ_ONLY: the file or the store cannot be written
 * @SCIM_STORE_ERROR_DISK_FULL: no room left on the disk
 * @SCIM_STORE_ERROR_CORRUPT: the file is damaged
 * @SCIM_STORE_ERROR_BUSY: another process held the lock for too long
 * @SCIM_STORE_ERROR_CONFLICT: the record was changed by someone else since it was read
 * @SCIM_STORE_ERROR_PERMISSION: the signed-in user may not do this
 * @SCIM_STORE_ERROR_INVALID: the input breaks a rule; the message names the field
 * @SCIM_STORE_ERROR_SESSIONS: others have the file open, so it cannot be migrated
 * @SCIM_STORE_ERROR_CANCELLED: cancelled by the user
 */
typedef enum
{
  SCIM_STORE_ERROR_FAILED,
  SCIM_STORE_ERROR_NO_FOLDER,
  SCIM_STORE_ERROR_NOT_FOUND,
  SCIM_STORE_ERROR_NOT_DATABASE,
  SCIM_STORE_ERROR_FOREIGN,
  SCIM_STORE_ERROR_NEWER,
  SCIM_STORE_ERROR_READ_ONLY,
  SCIM_STORE_ERROR_DISK_FULL,
  SCIM_STORE_ERROR_CORRUPT,
  SCIM_STORE_ERROR_BUSY,
  SCIM_STORE_ERROR_CONFLICT,
  SCIM_STORE_ERROR_PERMISSION,
  SCIM_STORE_ERROR_INVALID,
  SCIM_STORE_ERROR_SESSIONS,
  SCIM_STORE_ERROR_CANCELLED,
} ScimStoreError;

/**
 * ScimStoreFlags:
 * @SCIM_STORE_CREATE: create the file when it does not exist
 * @SCIM_STORE_READ_ONLY: never write, even when the file allows it
 * @SCIM_STORE_WATCH: poll for other connections' commits and emit #ScimStore::changed
 * @SCIM_STORE_NO_CHECK: skip the quick check at open (the caller checks itself)
 * @SCIM_STORE_INSPECT: open any version of our files read-only, without
 *   migrating, to check or back it up
 * @SCIM_STORE_TRUST_LOCKS: write to a file on a mount that may fake locks
 *   (%SCIM_FS_UNSAFE) anyway, with the rollback journal: the user says the
 *   locks work there
 * @SCIM_STORE_NO_SESSION: a brief reader (a listing of the command line):
 *   no row in `sessions` and no heartbeat, so it writes nothing at open
 *   and close; it still migrates an older file as any writer would
 */
typedef enum
{
  SCIM_STORE_NONE = 0,
  SCIM_STORE_CREATE = 1 << 0,
  SCIM_STORE_READ_ONLY = 1 << 1,
  SCIM_STORE_WATCH = 1 << 2,
  SCIM_STORE_NO_CHECK = 1 << 3,
  SCIM_STORE_INSPECT = 1 << 4,
  SCIM_STORE_TRUST_LOCKS = 1 << 5,
  SCIM_STORE_NO_SESSION = 1 << 6,
} ScimStoreFlags;

/* The schema version this build writes. */
#define SCIM_SCHEMA_VERSION 13
/* "SCIM" in ASCII: PRAGMA application_id of our files. */
#define SCIM_APPLICATION_ID 0x5343494D

/**
 * ScimChange:
 * @seq: the change_log sequence number
 * @at: UTC unix time of the commit
 * @user_id: who made it (0 when unknown)
 * @entity: the table, e.g. "sales"
 * @entity_id: the row
 * @action: "insert", "update" or "delete"
 *
 * One committed change, as read back from the change log.
 */
typedef struct
{
  gint64 seq;
  gint64 at;
  gint64 user_id;
  char *entity;
  gint64 entity_id;
  char *action;
} ScimChange;

#define SCIM_TYPE_CHANGE (scim_change_get_type ())
GType       scim_change_get_type (void) G_GNUC_CONST;
ScimChange *scim_change_copy     (const ScimChange *change);
void        scim_change_free     (ScimChange       *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimChange, scim_change_free)

typedef struct _ScimTx ScimTx;

/**
 * ScimTxFunc:
 * @tx: the open transaction
 * @user_data: data passed to scim_store_write()
 * @error: return location for an error
 *
 * The body of a write transaction.  It may run more than once when the
 * database is busy, so it must not have effects outside the database.
 *
 * Returns: %TRUE to commit, %FALSE with @error set to roll back
 */
typedef gboolean (*ScimTxFunc) (ScimTx   *tx,
                                gpointer  user_data,
                                GError  **error);

#define SCIM_TYPE_STORE (scim_store_get_type ())
G_DECLARE_FINAL_TYPE (ScimStore, scim_store, SCIM, STORE, GObject)

/**
 * ScimStoreFunc:
 * @store: the store
 * @data: the data given to scim_store_run_async()
 * @cancellable: (nullable): cancels the job
 * @error: return location for an error
 *
 * A job run on a worker thread by scim_store_run_async().
 *
 * Returns: (transfer full) (nullable): the result; %NULL with @error set on failure
 */
typedef gpointer (*ScimStoreFunc) (ScimStore     *store,
                                   gpointer       data,
                                   GCancellable  *cancellable,
                                   GError       **error);

typedef void (*ScimProgressFunc) (double   fraction,
                                  gpointer user_data);

GQuark      scim_store_error_quark        (void);
char       *scim_store_get_default_path   (void);

ScimStore  *scim_store_open               (const char           *path,
                                           ScimStoreFlags        flags,
                                           GError              **error);
void        scim_store_open_async         (const char           *path,
                                           ScimStoreFlags        flags,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
ScimStore  *scim_store_open_finish        (GAsyncResult         *result,
                                           GError              **error);
void        scim_store_close              (ScimStore            *self);

const char *scim_store_get_path           (ScimStore            *self);
guint64     scim_store_get_vm_steps       (ScimStore            *self);
gboolean    scim_store_is_read_only       (ScimStore            *self);
const char *scim_store_get_read_only_reason (ScimStore          *self);
ScimFsKind  scim_store_get_fs_kind        (ScimStore            *self);
const char *scim_store_get_fs_type        (ScimStore            *self);
gboolean    scim_store_get_trusts_locks   (ScimStore            *self);
char       *scim_store_dup_journal_mode   (ScimStore            *self);
int         scim_store_get_schema_version (ScimStore            *self);
const char *scim_store_get_migration_backup (ScimStore          *self);

gint64      scim_store_get_user_id        (ScimStore            *self);
void        scim_store_set_user_id        (ScimStore            *self,
                                           gint64                user_id);

void        scim_store_set_busy_timeout   (ScimStore            *self,
                                           guint                 milliseconds);
void        scim_store_set_poll_interval  (ScimStore            *self,
                                           guint                 milliseconds);
void        scim_store_set_max_pages      (ScimStore            *self,
                                           gint64                pages);

gboolean    scim_store_write              (ScimStore            *self,
                                           ScimTxFunc            func,
                                           gpointer              user_data,
                                           GError              **error);

void        scim_store_run_async          (ScimStore            *self,
                                           ScimStoreFunc         func,
                                           gpointer              data,
                                           GDestroyNotify        data_destroy,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
void        scim_store_run_async_full     (ScimStore            *self,
                                           ScimStoreFunc         func,
                                           gpointer              data,
                                           GDestroyNotify        data_destroy,
                                           GDestroyNotify        result_destroy,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gpointer    scim_store_run_finish         (ScimStore            *self,
                                           GAsyncResult         *result,
                                           GError              **error);

gboolean    scim_store_check              (ScimStore            *self,
                                           gboolean              full,
                                           GPtrArray           **problems,
                                           GError              **error);
gboolean    scim_store_backup             (ScimStore            *self,
                                           const char           *dest,
                                           GCancellable         *cancellable,
                                           ScimProgressFunc      progress,
                                           gpointer              progress_data,
                                           GError              **error);
char      **scim_store_dup_online         (ScimStore            *self,
                                           GError              **error);
gint64      scim_store_take_longest_write (ScimStore            *self);
gboolean    scim_store_is_damaged         (ScimStore            *self);
gboolean    scim_store_vacuum             (ScimStore            *self,
                                           GError              **error);
gboolean    scim_store_restore            (ScimStore            *self,
                                           const char           *backup,
                                           const char           *aside,
                                           GCancellable         *cancellable,
                                           GError              **error);
guint       scim_store_count_other_sessions (ScimStore          *self,
                                           GError              **error);

/* Inside a transaction */
ScimStore  *scim_tx_get_store             (ScimTx               *tx);
gint64      scim_tx_get_now               (ScimTx               *tx);
gboolean    scim_tx_log                   (ScimTx               *tx,
                                           const char           *entity,
                                           gint64                entity_id,
                                           const char           *action,
                                           GError              **error);

G_END_DECLS
