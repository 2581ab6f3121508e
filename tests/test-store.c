/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scim-core.h"
#include "scim-store-private.h"

/* The store on real files: creation, journal per filesystem, migrations
 * from shipped fixtures, bad files, busy locks held by another process,
 * change signals and sessions across connections and processes. */

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static char *
fresh_path (const char *name)
{
  char *path = tmp_path (name);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  return path;
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *err = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("raw_exec: %s", err);
  sqlite3_close (db);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

/* Asserts that the bytes of @path are still those of @before; the new checksum
 * is freed, so a comparison leaks nothing. */
#define assert_same_file(path, before)                          \
  G_STMT_START {                                                \
    g_autofree char *now__ = file_checksum (path);              \
    g_assert_cmpstr ((before), ==, now__);                      \
  } G_STMT_END

/* A checksum of what a database holds: its schema, its pragmas and every
 * row of every table in rowid order, whatever the bytes of the file (a copy
 * by the backup API has other header counters than its source). */
static char *
content_checksum (const char *path)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, name, coalesce(sql, ''), "
                                           "(SELECT user_version FROM pragma_user_version), "
                                           "(SELECT application_id FROM pragma_application_id) "
                                           "FROM sqlite_schema ORDER BY type, name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < 5; c++)
        {
          g_checksum_update (sum, (const guchar *) (sqlite3_column_text (stmt, c) ?: (const guchar *) ""), -1);
          g_checksum_update (sum, (const guchar *) "\x1f", 1);
        }
      if (g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "table"))
        g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *probe = g_strdup_printf ("SELECT * FROM \"%s\"", (char *) tables->pdata[i]);
      g_autoptr(GString) sql = g_string_new (probe);

      /* Every column in the order, so tables without a rowid sort too. */
      g_assert_cmpint (sqlite3_prepare_v2 (db, probe, -1, &stmt, NULL), ==, SQLITE_OK);
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        g_string_append_printf (sql, "%s%d", c == 0 ? " ORDER BY " : ", ", c + 1);
      sqlite3_finalize (stmt);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            guchar type = (guchar) sqlite3_column_type (stmt, c);

            g_checksum_update (sum, &type, 1);
            g_checksum_update (sum, sqlite3_column_blob (stmt, c), sqlite3_column_bytes (stmt, c));
          }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

/* Asserts that @path still holds what it held at @before; the new checksum
 * is freed, so a comparison leaks nothing. */
#define assert_same_content(path, before)                       \
  G_STMT_START {                                                \
    g_autofree char *now__ = content_checksum (path);           \
    g_assert_cmpstr ((before), ==, now__);                      \
  } G_STMT_END

/* A new database with its first admin signed in. */
static ScimStore *
new_store (const char  *name,
           gint64      *admin_id)
{
  g_autofree char *path = fresh_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) admin = NULL;
  ScimStore *store;
  gint64 id;

  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  id = scim_store_add_user (store, "admin", "Анна Админова", "admin@example.ru", SCIM_ROLE_ADMIN, TRUE, NULL, &error);
  g_assert_no_error (error);
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  g_assert_no_error (error);
  if (admin_id != NULL)
    *admin_id = id;
  return store;
}

static void
test_create (void)
{
  g_autofree char *path = fresh_path ("create.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autofree char *mode = NULL;
  static const char *tables[] = {
    "users", "audiences", "clients", "contacts", "products", "stages", "leads", "sales",
    "stage_changes", "tasks", "events", "change_log", "alert_marks", "sessions", "stage_intervals",
  };

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  g_assert_null (store);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_unsetenv ("SCIM_FORCE_FSTYPE");
  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_false (scim_store_is_read_only (store));
  mode = scim_store_dup_journal_mode (store);
  /* The build folder is on a local disk here. */
  g_assert_cmpstr (mode, ==, scim_store_get_fs_kind (store) == SCIM_FS_LOCAL ? "wal" : "delete");
  scim_store_close (store);

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (path, "PRAGMA application_id"), ==, SCIM_APPLICATION_ID);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
                                              tables[i]);
      g_assert_cmpint (raw_int (path, sql), ==, 1);
    }
  /* Every editable table carries a version for optimistic concurrency. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_table_info('sales') WHERE name = 'version'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_table_info('tasks') WHERE name = 'version'"), ==, 1);
  /* The session ended with the close. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sessions"), ==, 0);
}

static void
test_schema_rules (void)
{
  g_autoptr(ScimStore) store = new_store ("rules.db", NULL);
  g_autofree char *path = g_strdup (scim_store_get_path (store));
  sqlite3 *db = NULL;

  scim_store_close (store);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  /* CHECK constraints and triggers hold even for code that bypasses the store. */
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO users (login, role, created_at) VALUES ('x', 'boss', 0)",
                                 NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO stages (product_id, position, name, kind, probability) "
                                     "VALUES (1, 0, 'x', 'open', 150)", NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO leads (name, received_at, state, decided_at, created_at) "
                                     "VALUES ('x', 0, 'rejected', 1, 0)", NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO tasks (sale_id, title, owner_id, created_at) VALUES (999, 't', 1, 0)",
                                 NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  /* A sale's stage must be a stage of its product. */
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO products (id, name, created_at) VALUES (1, 'A', 0), (2, 'B', 0);"
                                 "INSERT INTO stages (id, product_id, position, name) VALUES (1, 1, 0, 'a1'), (2, 2, 0, 'b1');"
                                 "INSERT INTO clients (id, name, created_at) VALUES (1, 'C', 0);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO sales (client_id, product_id, stage_id, owner_id, stage_entered_at, created_at) "
                                     "VALUES (1, 1, 2, 1, 0, 0)", NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO sales (client_id, product_id, stage_id, owner_id, stage_entered_at, created_at) "
                                     "VALUES (1, 1, 1, 1, 0, 0)", NULL, NULL, NULL), ==, SQLITE_OK);
  /* Stage history keeps the intervals. */
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO stage_changes (sale_id, to_stage_id, at) VALUES (1, 1, 100);"
                                     "INSERT INTO stages (id, product_id, position, name) VALUES (3, 1, 1, 'a2');"
                                     "INSERT INTO stage_changes (sale_id, from_stage_id, to_stage_id, at) VALUES (1, 1, 3, 250);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_intervals WHERE sale_id = 1"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT left_at FROM stage_intervals WHERE sale_id = 1 AND stage_id = 1"), ==, 250);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_intervals WHERE stage_id = 3 AND left_at IS NULL"), ==, 1);
}

static void
test_fs_classify (void)
{
  static const struct { const char *type; const char *options; ScimFsKind kind; } cases[] = {
    { "ext4", "rw,relatime", SCIM_FS_LOCAL },
    { "xfs", NULL, SCIM_FS_LOCAL },
    { "tmpfs", "rw", SCIM_FS_LOCAL },
    { "nfs4", "rw,vers=4.2,local_lock=none", SCIM_FS_NETWORK },
    { "nfs", "rw,lock", SCIM_FS_NETWORK },
    { "nfs", "rw,nolock", SCIM_FS_UNSAFE },
    { "nfs4", "rw,local_lock=all", SCIM_FS_UNSAFE },
    { "cifs", "rw,vers=3.0", SCIM_FS_NETWORK },
    { "cifs", "rw,nobrl,vers=3.0", SCIM_FS_UNSAFE },
    { "smb3", "rw,nobrl", SCIM_FS_UNSAFE },
    { "fuse.sshfs", "rw", SCIM_FS_UNSAFE },
    { "fuse.gvfsd-fuse", "rw", SCIM_FS_UNSAFE },
    { "fuse.bindfs", "rw", SCIM_FS_UNSAFE },
    { "fuse.rclone", "rw", SCIM_FS_UNSAFE },
    { "fuse.portal", "rw,nosuid,nodev", SCIM_FS_UNSAFE },
    { "fuse", "rw", SCIM_FS_UNSAFE },
    { "fuse.glusterfs", "rw", SCIM_FS_NETWORK },
    { "fuse.ceph-fuse", "rw", SCIM_FS_NETWORK },
    { "9p", "rw", SCIM_FS_NETWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reason = NULL;
      ScimFsKind kind = scim_fs_classify (cases[i].type, cases[i].options, &reason);

      g_assert_cmpint (kind, ==, cases[i].kind);
      /* Every refusal explains how to mount the share properly. */
      if (kind == SCIM_FS_UNSAFE)
        g_assert_true (reason != NULL && strlen (reason) > 40);
      else
        g_assert_null (reason);
    }
}

static void
test_journal_per_fs (void)
{
  static const struct { const char *forced; const char *mode; gboolean read_only; } cases[] = {
    { "ext4", "wal", FALSE },
    { "nfs4", "delete", FALSE },
    { "cifs", "delete", FALSE },
    { "fuse.glusterfs", "delete", FALSE },
    { "fuse.bindfs", NULL, TRUE },
    { "cifs:rw,nobrl", NULL, TRUE },
    { "nfs:rw,nolock", NULL, TRUE },
    { "fuse.sshfs", NULL, TRUE },
  };
  g_autoptr(ScimStore) seed = new_store ("journal.db", NULL);
  g_autofree char *path = g_strdup (scim_store_get_path (seed));

  g_setenv ("SCIM_FORCE_FSTYPE", "ext4", TRUE);
  scim_store_close (seed);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ScimStore) store = NULL;
      g_autofree char *mode = NULL;

      g_setenv ("SCIM_FORCE_FSTYPE", cases[i].forced, TRUE);
      store = scim_store_open (path, SCIM_STORE_NONE, &error);
      g_assert_no_error (error);
      g_assert_cmpint (scim_store_is_read_only (store), ==, cases[i].read_only);
      if (cases[i].read_only)
        {
          gint64 before = raw_int (path, "SELECT count(*) FROM users");

          g_assert_cmpint (scim_store_get_fs_kind (store), ==, SCIM_FS_UNSAFE);
          g_assert_nonnull (strstr (scim_store_get_read_only_reason (store), "read-only"));
          g_assert_cmpint (scim_store_add_user (store, "nope", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), ==, 0);
          g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY);
          g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users"), ==, before);
        }
      else
        {
          mode = scim_store_dup_journal_mode (store);
          /* A file found in WAL mode on a share is switched back to a rollback journal. */
          g_assert_cmpstr (mode, ==, cases[i].mode);
          g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users"), ==, 1);
        }
      scim_store_close (store);
    }

  /* The user's word that the locks work there: written with the rollback
   * journal, and said so. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = NULL;
    g_autoptr(ScimUser) admin = NULL;
    g_autofree char *mode = NULL;

    g_setenv ("SCIM_FORCE_FSTYPE", "fuse.bindfs", TRUE);
    store = scim_store_open (path, SCIM_STORE_TRUST_LOCKS, &error);
    g_assert_no_error (error);
    g_assert_false (scim_store_is_read_only (store));
    g_assert_true (scim_store_get_trusts_locks (store));
    g_assert_cmpint (scim_store_get_fs_kind (store), ==, SCIM_FS_UNSAFE);
    mode = scim_store_dup_journal_mode (store);
    g_assert_cmpstr (mode, ==, "delete");
    admin = scim_store_sign_in (store, "admin", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (scim_store_add_user (store, "trusted", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), >, 0);
    g_assert_no_error (error);
    scim_store_close (store);
    g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users WHERE login = 'trusted'"), ==, 1);

    /* On a local disk the flag changes nothing. */
    g_clear_object (&store);
    g_setenv ("SCIM_FORCE_FSTYPE", "ext4", TRUE);
    store = scim_store_open (path, SCIM_STORE_TRUST_LOCKS, &error);
    g_assert_no_error (error);
    g_assert_false (scim_store_get_trusts_locks (store));
    g_free (mode);
    mode = scim_store_dup_journal_mode (store);
    g_assert_cmpstr (mode, ==, "wal");
    scim_store_close (store);
  }

  /* A new file cannot be created on a mount that fakes locks. */
  {
    g_autofree char *fresh = fresh_path ("unsafe-new.db");
    g_autoptr(GError) error = NULL;
    g_autoptr(ScimStore) store = NULL;

    g_setenv ("SCIM_FORCE_FSTYPE", "fuse.sshfs", TRUE);
    store = scim_store_open (fresh, SCIM_STORE_CREATE, &error);
    g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY);
    g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  }
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

static char *
load_fixture (const char *name,
              const char *fixture)
{
  g_autofree char *sql = NULL;
  g_autofree char *fixture_path = g_test_build_filename (G_TEST_DIST, "fixtures", fixture, NULL);
  char *path = fresh_path (name);

  g_assert_true (g_file_get_contents (fixture_path, &sql, NULL, NULL));
  raw_exec (path, sql);
  return path;
}

static void
test_migrate_from_v1 (void)
{
  g_autofree char *path = load_fixture ("v1.db", "schema-v1.sql");
  g_autofree char *backup_checksum = NULL;
  g_autofree char *original_checksum = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 1);
  original_checksum = content_checksum (path);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);

  /* The copy taken before migrating is the file as it was. */
  g_assert_nonnull (scim_store_get_migration_backup (store));
  backup_checksum = content_checksum (scim_store_get_migration_backup (store));
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "SELECT count(*) FROM sales"), ==, 2);

  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  scim_store_close (store);

  /* Data kept, and the new stage intervals rebuilt from the stage history. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM tasks"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_intervals"), ==, 6);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_intervals WHERE left_at IS NULL"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT stage_id FROM stage_intervals WHERE sale_id = 1 AND left_at IS NULL"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT left_at FROM stage_intervals WHERE sale_id = 1 AND stage_id = 2"), ==, 1768608000);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_intervals i JOIN sales s ON s.id = i.sale_id "
                                  "WHERE i.left_at IS NULL AND i.stage_id != s.stage_id"), ==, 0);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, SCIM_SCHEMA_VERSION);
  /* The backup holds what the file held, row for row; the file moved on. */
  g_assert_cmpstr (backup_checksum, ==, original_checksum);
  {
    g_autofree char *migrated = content_checksum (path);
    g_assert_cmpstr (migrated, !=, original_checksum);
  }
}

static void
test_migrate_from_v2 (void)
{
  g_autofree char *path = load_fixture ("v2.db", "schema-v2.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ScimUser) admin = NULL;
  static const char *indexes[] = {
    "stage_changes_sale", "stage_changes_to", "stage_changes_from", "stage_intervals_stage", "tasks_target_stage",
  };

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 2);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 2);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* The stage history is kept row for row, and its trigger still keeps the
   * intervals. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_changes"), ==, 6);
  g_assert_cmpint (raw_int (path, "SELECT to_stage_id FROM stage_changes WHERE id = 6"), ==, 4);
  g_assert_cmpint (raw_int (path, "SELECT from_stage_id FROM stage_changes WHERE id = 5"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_intervals"), ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '%s'",
                                              indexes[i]);
      g_assert_cmpint (raw_int (path, sql), ==, 1);
    }
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
                                  "AND name IN ('stage_changes_interval', 'stage_changes_to_required', "
                                  "'stages_name_in_history')"), ==, 3);

  /* What version 3 is for: a stage that sales passed through can go, and
   * the history keeps its name. */
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (scim_store_delete_stage (store, 2, 0, &error));
  g_assert_no_error (error);
  scim_store_close (store);

  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_changes"), ==, 6);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_changes WHERE id = 2 AND to_stage_id IS NULL "
                                  "AND to_stage_name = 'Осведомлен о продукте'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_changes WHERE id = 3 AND from_stage_id IS NULL "
                                  "AND from_stage_name = 'Осведомлен о продукте'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_intervals WHERE stage_id = 2"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stages WHERE product_id = 1 AND position = 3 AND id = 5"), ==, 1);
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
}

static void
test_migrate_from_v3 (void)
{
  g_autofree char *path = load_fixture ("v3.db", "schema-v3.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ScimUser) head = NULL;
  gint64 product = 1;
  static const char *indexes[] = {
    "plan_requests_user", "plan_requests_lead", "sales_lead", "leads_client",
  };

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 3);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 3);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* Every row kept. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM clients"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM contacts"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sales"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM tasks"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM events"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM stage_changes"), ==, 6);
  g_assert_cmpint (raw_int (path, "SELECT client_id FROM leads WHERE id = 1"), ==, 1);

  /* Version 4's table, trigger and indexes; no requests for old sales. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM plan_requests"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
                                  "AND name = 'tasks_answer_plan_request'"), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '%s'",
                                              indexes[i]);
      g_assert_cmpint (raw_int (path, sql), ==, 1);
    }

  /* What version 4 is for: accepting the new lead raises a plan request,
   * and the sale's first task answers it. */
  head = scim_store_sign_in (store, "head", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (scim_store_accept_lead (store, 2, 0, &product, 1, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_count_plan_requests (store, 3, &error), ==, 1);
  scim_store_close (store);

  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM plan_requests WHERE lead_id = 2 AND user_id = 3 "
                                  "AND done_at IS NULL"), ==, 1);
  raw_exec (path, "INSERT INTO tasks (sale_id, title, owner_id, created_at) "
                  "SELECT sale_id, 'Позвонить', 3, 1800000000 FROM plan_requests WHERE lead_id = 2");
  g_assert_cmpint (raw_int (path, "SELECT done_at FROM plan_requests WHERE lead_id = 2"), ==, 1800000000);
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
}

static void
test_migrate_from_v4 (void)
{
  g_autofree char *path = load_fixture ("v4.db", "schema-v4.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  static const char *indexes[] = {
    "plan_templates_stage", "plan_templates_product", "sales_no_plan", "sales_in_work", "tasks_due",
  };

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 4);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 4);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  scim_store_close (store);

  /* Every row kept; the plan templates table and the indexes of version 5. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sales"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM tasks"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM events"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM plan_templates"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '%s'",
                                              indexes[i]);
      g_assert_cmpint (raw_int (path, sql), ==, 1);
    }

  /* The counters, computed from the data: sale 1 has one planned task and
   * its last activity is the task closed after its last move; sale 2's is
   * its last move, the day the contract was signed. */
  g_assert_cmpint (raw_int (path, "SELECT open_tasks FROM sales WHERE id = 1"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT open_tasks FROM sales WHERE id = 2"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT last_activity_at FROM sales WHERE id = 1"), ==, 1768867200);
  g_assert_cmpint (raw_int (path, "SELECT last_activity_at FROM sales WHERE id = 2"), ==, 1769817600);

  /* And the triggers keep them. */
  raw_exec (path, "PRAGMA foreign_keys = ON;"
                  "UPDATE tasks SET state = 'done', result = 'Отправлено', closed_at = 1770000000 WHERE id = 2;"
                  "INSERT INTO tasks (sale_id, title, owner_id, created_at) VALUES (2, 'Получить оплату', 3, 1770000000);"
                  "INSERT INTO events (sale_id, title, at, created_at) VALUES (2, 'Звонок', 1770100000, 1770100000);");
  g_assert_cmpint (raw_int (path, "SELECT open_tasks FROM sales WHERE id = 1"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT open_tasks FROM sales WHERE id = 2"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT last_activity_at FROM sales WHERE id = 1"), ==, 1770000000);
  g_assert_cmpint (raw_int (path, "SELECT last_activity_at FROM sales WHERE id = 2"), ==, 1770100000);
  raw_exec (path, "PRAGMA foreign_keys = ON; DELETE FROM tasks WHERE sale_id = 2;");
  g_assert_cmpint (raw_int (path, "SELECT open_tasks FROM sales WHERE id = 2"), ==, 0);
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
}

static void
test_migrate_from_v5 (void)
{
  g_autofree char *path = load_fixture ("v5.db", "schema-v5.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ScimUser) ivanov = NULL;
  g_autoptr(ScimUser) head = NULL;
  ScimEventFields fields = { 1, "call", "Звонок бухгалтеру", NULL, 0 };
  gint64 event_id;
  static const char *indexes[] = {
    "event_history_event", "event_history_sale", "event_reads_event", "events_created", "events_kind",
    "events_planned",
  };

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 5);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 5);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* Every row kept; version 6's tables and indexes. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM events"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_history"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_reads"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '%s'",
                                              indexes[i]);
      g_assert_cmpint (raw_int (path, sql), ==, 1);
    }

  /* Everyone starts with the book read: a watermark per user at the newest
   * event. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_read_upto"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_read_upto WHERE created_at = 1769817600 "
                                  "AND event_id = 2"), ==, 3);
  head = scim_store_sign_in (store, "head", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_count_unread_events (store, &error), ==, 0);

  /* What version 6 is for: what a colleague writes is unread until read,
   * and an edit keeps the version it replaces. */
  ivanov = scim_store_sign_in (store, "ivanov", NULL, &error);
  g_assert_no_error (error);
  event_id = scim_store_add_event (store, &fields, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (event_id, ==, 3);
  fields.title = "Звонок главному бухгалтеру";
  g_assert_true (scim_store_update_event (store, event_id, 1, &fields, &error));
  g_assert_no_error (error);
  g_clear_object (&head);
  head = scim_store_sign_in (store, "head", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_count_unread_events (store, &error), ==, 1);
  g_assert_true (scim_store_mark_events_read (store, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_count_unread_events (store, &error), ==, 0);
  scim_store_close (store);

  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_history WHERE event_id = 3 AND action = 'update' "
                                  "AND title = 'Звонок бухгалтеру' AND changed_by = 3"), ==, 1);
  /* A user added later starts with everything read too. */
  raw_exec (path, "INSERT INTO users (login, role, created_at) VALUES ('petrov', 'sales', 1800000000)");
  g_assert_cmpint (raw_int (path, "SELECT event_id FROM event_read_upto WHERE user_id = "
                                  "(SELECT id FROM users WHERE login = 'petrov')"), ==, 3);
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
}

static void
test_migrate_from_v6 (void)
{
  g_autofree char *path = load_fixture ("v6.db", "schema-v6.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ScimFunnel) funnel = NULL;
  ScimFunnelFilter filter = { .product_id = 1 };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) plan = g_string_new (NULL);

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 6);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 6);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* Version 7's index, and the funnel's pass over a product's history
   * is a covering range of it. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
                                  "AND name = 'stage_intervals_product_sale'"), ==, 1);
  /* The indexes by salesperson and by client carry what the breakdowns sum. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_index_info ('sales_owner') "
                                  "WHERE name IN ('amount', 'created_at', 'closed_at')"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_index_info ('sales_client') WHERE name = 'amount'"), ==, 1);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT sale_id, max(stage_id) FROM stage_intervals "
                                           "WHERE product_id = 1 GROUP BY sale_id", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_nonnull (strstr (plan->str, "COVERING INDEX stage_intervals_product_sale"));
  g_assert_null (strstr (plan->str, "TEMP B-TREE"));

  /* The fixture's two sales: one went 1 → 2 → 3 and works at 3, the other
   * skipped 2 and won at 4.  Both reached 1, 2 and 3 (a skipped stage
   * counts as passed); one of two went on from 3. */
  funnel = scim_store_funnel (store, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (funnel->stages->len, ==, 5);
  g_assert_cmpuint (((ScimFunnelStage *) g_ptr_array_index (funnel->stages, 2))->count, ==, 1);
  g_assert_cmpuint (((ScimFunnelStage *) g_ptr_array_index (funnel->stages, 1))->reached, ==, 2);
  g_assert_cmpuint (((ScimFunnelStage *) g_ptr_array_index (funnel->stages, 3))->reached, ==, 1);
  g_assert_cmpint (funnel->worst_step, ==, 2);
  g_assert_cmpuint (funnel->won, ==, 1);
  scim_store_close (store);
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
}

/* The duplicate keys that version 8 computed in SQL are carried over by
 * version 11, and the store computes them in C from then on: the two must
 * agree on every kind of phone and e-mail field, or a lead written after
 * the upgrade no longer meets its duplicates from before. */
static void
test_lead_keys_agree (void)
{
  static const char * const phones[] = {
    "", "+7 (495) 123-45-67", "8 495 1234567", "8(495)123.45.67\t", "12-34", "12345", "+44 20 7946 0958 ext 1",
    "495 123 45 67; +7 999 111-22-33", "+7 999 111-22-33\n8 800 555 35 35", ", 8 800 555 35 35",
    "8 800 555 35 35,", "8 800 555 35 35\r\n", "12345678901234567890", "тел. 8 495 1234567", "8 495 1234567/8",
    "  8 495 1234567  ", "+", "(((", "00000", "8 495 1234567;", ";;",
  };
  static const char * const emails[] = {
    "", "M.Petrova@Romashka.RU", "  a@b.ru  ", "@b.ru", "x@", "a@b.ru, c@d.ru", "a@b.ru;c@d.ru", "a@b.ru c@d.ru",
    "a@b.ru\nc@d.ru", "no address", "Иван@Почта.рф", "a@b.ru\tc", " , a@b.ru", "A@B", "a@@b",
  };
  g_autofree char *path = load_fixture ("keys.db", "schema-v7.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL, *select = NULL;
  guint rows = 0;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO leads (name, phone, email, received_at, created_at) "
                                           "VALUES ('k', ?, ?, 1, 1)", -1, &insert, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    for (guint j = 0; j < G_N_ELEMENTS (emails); j++)
      {
        sqlite3_bind_text (insert, 1, phones[i], -1, SQLITE_STATIC);
        sqlite3_bind_text (insert, 2, emails[j], -1, SQLITE_STATIC);
        g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
        sqlite3_reset (insert);
      }
  sqlite3_finalize (insert);
  sqlite3_close (db);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  scim_store_close (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT phone, email, phone_key, email_key FROM leads WHERE name = 'k'",
                                       -1, &select, NULL), ==, SQLITE_OK);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      g_autofree char *phone_key = scim_lead_phone_key ((const char *) sqlite3_column_text (select, 0));
      g_autofree char *email_key = scim_lead_email_key ((const char *) sqlite3_column_text (select, 1));

      g_assert_cmpstr (phone_key, ==, (const char *) sqlite3_column_text (select, 2));
      g_assert_cmpstr (email_key, ==, (const char *) sqlite3_column_text (select, 3));
      rows++;
    }
  sqlite3_finalize (select);
  sqlite3_close (db);
  g_assert_cmpuint (rows, ==, G_N_ELEMENTS (phones) * G_N_ELEMENTS (emails));
  {
    g_autofree char *key = scim_lead_phone_key ("+7 (495) 123-45-67");
    g_assert_cmpstr (key, ==, "4951234567");
  }
}

static void
test_migrate_from_v7 (void)
{
  g_autofree char *path = load_fixture ("v7.db", "schema-v7.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) plan = g_string_new (NULL);

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 7);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 7);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  scim_store_close (store);

  /* Version 8: the source's id, status and owner, empty for leads of
   * before; the duplicate keys, computed by plain SQLite then and kept
   * as they were by version 11. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads WHERE source_id = '' AND source_status = '' "
                                  "AND source_owner = ''"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads WHERE id = 1 AND phone_key = '4951234567' "
                                  "AND email_key = 'm.petrova@romashka.ru'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads WHERE id = 2 AND phone_key = '9000000000' "
                                  "AND email_key = ''"), ==, 1);
  /* A lead with the same phone written otherwise is found by an index
   * lookup; since version 11 the store writes the keys. */
  {
    ScimLeadFields fields = { .name = "Дубль", .phone = "8 (495) 123 45 67; +7 999 1",
                              .email = " M.Petrova@Romashka.RU , x@y.ru" };
    g_autoptr(ScimUser) admin = NULL;

    g_clear_object (&store);
    store = scim_store_open (path, SCIM_STORE_NONE, &error);
    g_assert_no_error (error);
    admin = scim_store_sign_in (store, "admin", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (scim_store_add_lead (store, &fields, &error), >, 0);
    g_assert_no_error (error);
    scim_store_close (store);
  }
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads WHERE phone_key = '4951234567' "
                                  "AND email_key = 'm.petrova@romashka.ru'"), ==, 2);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT id FROM leads WHERE phone_key = '4951234567' "
                                           "AND phone_key != ''", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_nonnull (strstr (plan->str, "INDEX leads_phone_key"));
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
}

static void
test_migrate_from_v8 (void)
{
  g_autofree char *path = load_fixture ("v8.db", "schema-v8.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 8);
  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 8);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  scim_store_close (store);
  /* Version 9: alert snoozes. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_table_info ('alert_marks') "
                                  "WHERE name = 'snoozed_until'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads"), ==, 2);
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
}

/* Version 10: the feed of colleagues' events is filled from the last
 * month's events and kept by a trigger; leads_owner and sales_stuck serve
 * the alerts without a scan. */
static void
test_migrate_from_v9 (void)
{
  g_autofree char *path = load_fixture ("v9.db", "schema-v9.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 9);
  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (scim_store_get_migration_backup (store), "PRAGMA user_version"), ==, 9);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  scim_store_close (store);
  /* Ivanov's two events reach the head, who manages the product; the
   * head's own event reaches Ivanov, who owns the sale; nobody gets their
   * own. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_news WHERE user_id = 2"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_news WHERE user_id = 3 AND event_id = 3"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_news"), ==, 3);
  /* New events go to the feed too, and deleted ones leave it. */
  raw_exec (path, "PRAGMA foreign_keys = ON;"
                  "INSERT INTO events (sale_id, kind, title, text, at, planned, author_id, created_at) "
                  "VALUES (2, 'call', 'Звонок', '', 1770000000, 0, 3, 1770000000);"
                  "DELETE FROM events WHERE id = 1;");
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_news WHERE user_id = 2"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_news WHERE event_id = 1"), ==, 0);
  /* An event forty days on prunes the feeds of the sale's owner and its
   * product's manager of what is over a month older. */
  raw_exec (path, "INSERT INTO events (sale_id, kind, title, text, at, planned, author_id, created_at) "
                  "VALUES (2, 'call', 'Звонок', '', 1773456000, 0, 3, 1773456000);");
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_news WHERE user_id = 2"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM event_news WHERE user_id = 3"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_schema WHERE name = 'sales_stuck'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_index_info ('leads_owner')"), ==, 3);
  g_assert_cmpint (raw_int (path, "SELECT snoozed_until FROM alert_marks WHERE user_id = 3"), ==, 1769600000);
  g_assert_cmpint (raw_int (path, "PRAGMA foreign_key_check"), ==, -1);
  /* The funnel's summaries (version 13) were worked out from the history:
   * sale 1 went 1 → 2 → 3 and stands there, sale 2 went 1 → 3 → 4 (won). */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM funnel_dirty"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT sales FROM funnel_paths WHERE product_id = 1 AND furthest_id = 3 "
                                  "AND current_id = 3"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT sales FROM funnel_paths WHERE product_id = 1 AND furthest_id = 4 "
                                  "AND current_id = 4"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT amount FROM stage_totals WHERE stage_id = 3"), ==, 150000000);
  g_assert_cmpint (raw_int (path, "SELECT stays FROM stage_totals WHERE stage_id = 3"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT closed_seconds FROM stage_totals WHERE stage_id = 3"), ==,
                   1769817600 - 1768003200);
  g_assert_cmpint (raw_int (path, "SELECT open_entered FROM stage_totals WHERE stage_id = 3"), ==, 1768608000);
}

/* The ids the Leads table lists for a search. */
static GArray *
search_leads (ScimStore  *store,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
  GArray *ids;

  query->search = g_strdup (text);
  ids = scim_store_query_ids (store, query, NULL, &error);
  g_assert_no_error (error);
  return ids;
}

static void
assert_found (ScimStore  *store,
              const char *text,
              gint64      first,
              guint       n)
{
  g_autoptr(GArray) ids = search_leads (store, text);

  g_assert_cmpuint (ids->len, ==, n);
  if (n > 0)
    g_assert_cmpint (g_array_index (ids, gint64, 0), ==, first);
}

/* Version 12: the leads' search index (trigrams) is filled from the leads
 * there are and kept by triggers in plain SQL, also for another writer. */
static void
test_migrate_from_v11 (void)
{
  g_autofree char *path = load_fixture ("v11.db", "schema-v11.sql");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 11);
  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* Case and ё folded as before, in any column, any part of a word. */
  assert_found (store, "ЁЛКА", 1, 1);
  assert_found (store, "елка", 1, 1);
  assert_found (store, "ПЕТРОВ", 1, 1);
  assert_found (store, "acme.com", 2, 1);
  assert_found (store, "555-00", 3, 1);
  /* Two words: both in one column, as the search always read. */
  assert_found (store, "семен петров", 1, 1);
  assert_found (store, "john corp", 0, 0);
  /* Words shorter than a trigram are looked for without the index. */
  assert_found (store, "ан", 3, 1);
  assert_found (store, "ооо  «ёлка»", 1, 1);
  assert_found (store, "ооо ёлка", 0, 0);
  assert_found (store, "nobody", 0, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search WHERE leads_search MATCH '\"acme\"'"), ==, 1);

  /* Another program's insert, update and delete keep the index true. */
  raw_exec (path, "INSERT INTO leads (name, company, received_at, created_at) "
                  "VALUES ('Пётр Иванов', 'Ромашка', 1770000300, 1770000300);"
                  "UPDATE leads SET company = 'Globex' WHERE id = 2;"
                  "DELETE FROM leads WHERE id = 3;");
  assert_found (store, "петр", 4, 2);
  assert_found (store, "acme corp", 0, 0);
  assert_found (store, "globex", 2, 1);
  assert_found (store, "555-00", 0, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search WHERE leads_search MATCH '\"555\"'"), ==, 0);
  /* Their leads wait in the queue, found meanwhile; the store's next write
   * indexes them. */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search_queue"), ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search WHERE leads_search MATCH '\"globex\"'"), ==, 0);
  {
    ScimLeadFields fields = { .name = "Ольга Смирнова", .company = "Лютик" };
    g_autoptr(ScimUser) admin = scim_store_sign_in (store, "admin", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (scim_store_add_lead (store, &fields, &error), >, 0);
    g_assert_no_error (error);
  }
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search_queue"), ==, 0);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search WHERE leads_search MATCH '\"globex\"'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search WHERE leads_search MATCH '\"лютик\"'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM leads_search WHERE leads_search MATCH '\"acme corp\"'"), ==, 0);
  assert_found (store, "globex", 2, 1);
  assert_found (store, "лютик", 5, 1);
  assert_found (store, "петр", 4, 2);
  scim_store_close (store);
}

static void
test_migrate_refused_while_others_open (void)
{
  g_autofree char *path = load_fixture ("v1-busy.db", "schema-v1.sql");
  g_autofree char *before = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;

  /* Someone on another computer has the file open right now. */
  sql = g_strdup_printf ("INSERT INTO sessions (user_id, host, pid, started_at, heartbeat_at) "
                         "VALUES (3, 'another-pc', 4242, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                         g_get_real_time () / G_USEC_PER_SEC, g_get_real_time () / G_USEC_PER_SEC);
  raw_exec (path, sql);
  before = file_checksum (path);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_SESSIONS);
  g_assert_nonnull (strstr (error->message, " on another-pc"));
  g_assert_null (store);
  assert_same_file (path, before);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 1);

  /* A crashed session goes stale and no longer blocks the upgrade. */
  raw_exec (path, "UPDATE sessions SET heartbeat_at = heartbeat_at - 3600");
  g_clear_error (&error);
  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
}

static void
add_user (ScimStore  *store,
          const char *login)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO users (login, role, created_at) VALUES ('%s', 'sales', 1800000000)",
                                          login);

  raw_exec (scim_store_get_path (store), sql);
}

/* Generations: each backup is a verified copy named by its moment, the
 * newest N are kept, and a new one is due when the newest is N hours old. */
static void
test_backups_generations (void)
{
  g_autofree char *path = fresh_path ("generations.scim");
  g_autofree char *folder = scim_backups_get_folder (path, NULL);
  g_autofree char *first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (folder, "/generations-backups"));
  g_assert_true (scim_backups_due (folder, path, 24, now));
  g_assert_false (scim_backups_due (folder, path, 0, now));

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *made = NULL;
      g_autofree char *login = g_strdup_printf ("user%u", i);

      add_user (store, login);
      made = scim_backups_make (store, folder, 3, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_file_test (made, G_FILE_TEST_IS_REGULAR));
      if (i == 0)
        first = g_strdup (made);
    }
  backups = scim_backups_list (folder, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 3);
  /* Newest first, the oldest pruned; each one a sound copy of its moment. */
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < backups->len; i++)
    {
      const ScimBackup *backup = g_ptr_array_index (backups, i);

      g_assert_cmpint (backup->size, >, 0);
      g_assert_cmpint (raw_int (backup->path, "SELECT count(*) FROM users WHERE login LIKE 'user%'"), ==, 4 - (int) i);
      if (i > 0)
        g_assert_cmpint (backup->made_at, <, ((const ScimBackup *) g_ptr_array_index (backups, i - 1))->made_at);
    }
  g_assert_false (scim_backups_due (folder, path, 24, now));
  g_assert_true (scim_backups_due (folder, path, 24, now + 25 * 3600));
  /* Files that are not generations of this database are left alone. */
  {
    g_autofree char *other = g_build_filename (folder, "notes.txt", NULL);
    g_autofree char *stranger = g_build_filename (folder, "other-20261207-041233.scim", NULL);
    g_autoptr(GPtrArray) again = NULL;

    g_assert_true (g_file_set_contents (other, "x", -1, NULL));
    g_assert_true (g_file_set_contents (stranger, "x", -1, NULL));
    again = scim_backups_list (folder, path, &error);
    g_assert_cmpuint (again->len, ==, 3);
  }
}

/* Restore: the content comes back from the backup in one step, the
 * current file is kept aside, and it is refused while someone else has the
 * file open, or from a damaged or foreign backup. */
static void
test_backups_restore (void)
{
  g_autofree char *path = fresh_path ("restore.scim");
  g_autofree char *folder = scim_backups_get_folder (path, NULL);
  g_autofree char *made = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *foreign = fresh_path ("foreign.db");
  g_autofree char *sql = NULL;
  g_autofree char *before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  add_user (store, "kept");
  made = scim_backups_make (store, folder, 7, NULL, &error);
  g_assert_no_error (error);
  add_user (store, "later");
  aside = scim_backups_aside_path (folder, path, now);

  /* Someone on another computer has it open: refused, named, untouched. */
  sql = g_strdup_printf ("INSERT INTO users (id, login, full_name, role, created_at) "
                         "VALUES (77, 'olga', 'Olga Smirnova', 'sales', 0);"
                         "INSERT INTO sessions (user_id, host, pid, started_at, heartbeat_at) "
                         "VALUES (77, 'pc-2', 4242, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", now, now);
  raw_exec (path, sql);
  before = content_checksum (path);
  g_assert_false (scim_store_restore (store, made, aside, NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_SESSIONS);
  g_assert_nonnull (strstr (error->message, "Olga Smirnova on pc-2"));
  g_clear_error (&error);
  assert_same_content (path, before);
  g_assert_false (g_file_test (aside, G_FILE_TEST_EXISTS));
  raw_exec (path, "UPDATE sessions SET heartbeat_at = heartbeat_at - 3600");
  g_free (before);
  before = content_checksum (path);

  /* A damaged backup and another application's file are refused. */
  damaged = g_strconcat (made, ".damaged.scim", NULL);
  {
    g_autofree char *bytes = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (made, &bytes, &len, NULL));
    for (gsize i = 4096 * 2; i < len; i += 97)
      bytes[i] ^= 0x5A;
    g_assert_true (g_file_set_contents (damaged, bytes, len, NULL));
  }
  g_assert_false (scim_store_restore (store, damaged, aside, NULL, &error));
  g_assert_true (g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT) ||
                 g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_DATABASE) ||
                 g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FOREIGN));
  g_clear_error (&error);
  raw_exec (foreign, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
  g_assert_false (scim_store_restore (store, foreign, aside, NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FOREIGN);
  g_clear_error (&error);
  assert_same_content (path, before);

  /* Restored: "later" is gone from the file and kept in the aside copy. */
  g_assert_true (scim_store_restore (store, made, aside, NULL, &error));
  g_assert_no_error (error);
  scim_store_close (store);
  g_clear_object (&store);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users WHERE login = 'kept'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users WHERE login = 'later'"), ==, 0);
  g_assert_cmpint (raw_int (aside, "SELECT count(*) FROM users WHERE login = 'later'"), ==, 1);
  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_schema_version (store), ==, SCIM_SCHEMA_VERSION);
}

static void
assert_refused_untouched (const char     *path,
                          ScimStoreFlags  flags,
                          int             code)
{
  g_autofree char *before = file_checksum (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;

  store = scim_store_open (path, flags, &error);
  g_assert_error (error, SCIM_STORE_ERROR, code);
  g_assert_null (store);
  /* The message says what to do: it is a sentence, not a code. */
  g_assert_cmpuint (strlen (error->message), >, 30);
  assert_same_file (path, before);
}

static void
test_bad_files (void)
{
  g_autofree char *text = fresh_path ("notes.db");
  g_autofree char *foreign = fresh_path ("foreign.db");
  g_autofree char *other_app = fresh_path ("other-app.db");
  g_autofree char *missing = tmp_path ("no-such-folder/sales.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;

  g_assert_true (g_file_set_contents (text, "Name;Phone\nIvan;123\n", -1, NULL));
  assert_refused_untouched (text, SCIM_STORE_CREATE, SCIM_STORE_ERROR_NOT_DATABASE);

  raw_exec (foreign, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x');");
  assert_refused_untouched (foreign, SCIM_STORE_CREATE, SCIM_STORE_ERROR_FOREIGN);

  raw_exec (other_app, "PRAGMA application_id = 1234; CREATE TABLE t (x);");
  assert_refused_untouched (other_app, SCIM_STORE_NONE, SCIM_STORE_ERROR_FOREIGN);

  store = scim_store_open (missing, SCIM_STORE_CREATE, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NO_FOLDER);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_newer_schema (void)
{
  g_autoptr(ScimStore) seed = new_store ("newer.db", NULL);
  g_autofree char *path = g_strdup (scim_store_get_path (seed));
  g_autofree char *before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimUser) user = NULL;

  scim_store_close (seed);
  raw_exec (path, "PRAGMA user_version = 99");
  before = file_checksum (path);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (scim_store_is_read_only (store));
  g_assert_nonnull (strstr (scim_store_get_read_only_reason (store), "newer version"));
  /* Reading works; writing is refused. */
  user = scim_store_find_user (store, "admin", &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
  g_assert_cmpint (scim_store_add_user (store, "x", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY);
  scim_store_close (store);
  assert_same_file (path, before);
}

static int
open_read_only_file_in_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  if (store == NULL)
    return 10;
  if (!scim_store_is_read_only (store))
    return 11;
  if (strstr (scim_store_get_read_only_reason (store), "write access") == NULL)
    return 12;
  if (scim_store_add_user (store, "x", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error) != 0 ||
      !g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_READ_ONLY))
    return 13;
  return 0;
}

static void
test_read_only_file (void)
{
  g_autofree char *dir = tmp_path ("ro");
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autoptr(ScimStore) seed = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  pid_t pid;

  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, "sales.db", NULL);
  g_unlink (path);
  g_setenv ("SCIM_FORCE_FSTYPE", "nfs4", TRUE);  /* one file, no -wal/-shm beside it */
  seed = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  scim_store_close (seed);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  g_assert_cmpint (g_chmod (tmpdir, 0755), ==, 0);
  before = file_checksum (path);

  /* Root may write anything, so the check runs as an unprivileged user. */
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
        _exit (20);
      _exit (open_read_only_file_in_child (path));
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  assert_same_file (path, before);

  g_chmod (dir, 0755);
  g_chmod (path, 0644);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

static void
test_disk_full (void)
{
  gint64 admin_id;
  g_autoptr(ScimStore) store = new_store ("full.db", &admin_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  gint64 users;

  users = scim_store_count_users (store, NULL);
  /* Play a full disk: the file may not grow by a single page. */
  scim_store_set_max_pages (store, raw_int (scim_store_get_path (store), "PRAGMA page_count"));
  for (int i = 0; i < 20000; i++)
    g_string_append (big, "0123456789");
  g_assert_false (scim_store_update_user_profile (store, admin_id, 1, big->str, "admin@example.ru", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_DISK_FULL);
  g_assert_nonnull (strstr (error->message, "Nothing was saved"));
  g_assert_cmpint (scim_store_count_users (store, NULL), ==, users);
  g_clear_error (&error);

  /* With room again, the same change goes through. */
  scim_store_set_max_pages (store, 1000000);
  g_assert_true (scim_store_update_user_profile (store, admin_id, 1, "Анна", "admin@example.ru", &error));
  g_assert_no_error (error);
}

static void
test_corrupt (void)
{
  g_autoptr(ScimStore) seed = new_store ("corrupt.db", NULL);
  g_autofree char *path = g_strdup (scim_store_get_path (seed));
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  gsize len;

  g_setenv ("SCIM_FORCE_FSTYPE", "nfs4", TRUE);
  scim_store_close (seed);
  g_clear_object (&seed);
  seed = scim_store_open (path, SCIM_STORE_NONE, NULL);  /* back to a rollback journal: one file */
  scim_store_close (seed);

  /* Scribble over the pages after the first, as a failing disk would. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8192);
  for (gsize i = 4096 + 100; i < len; i += 7)
    contents[i] = (char) (i * 31);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  before = file_checksum (path);

  store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "backup"));
  assert_same_file (path, before);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
}

static void
test_version_conflict (void)
{
  gint64 admin_id;
  g_autoptr(ScimStore) mine = new_store ("conflict.db", &admin_id);
  g_autoptr(ScimStore) theirs = NULL;
  g_autoptr(ScimUser) me = NULL;
  g_autoptr(ScimUser) reread = NULL;
  g_autoptr(ScimUser) their_admin = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;

  me = scim_store_get_user (mine, admin_id, &error);
  g_assert_no_error (error);
  version = scim_record_get_version (SCIM_RECORD (me));

  /* Someone else, in another window, saves first. */
  theirs = scim_store_open (scim_store_get_path (mine), SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  their_admin = scim_store_sign_in (theirs, "admin", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (their_admin);
  g_assert_true (scim_store_update_user_profile (theirs, admin_id, version, "Анна Петровна", "anna@example.ru", &error));
  g_assert_no_error (error);

  /* Our save from the stale version is refused and names who and when. */
  g_assert_false (scim_store_update_user_profile (mine, admin_id, version, "Anna", "a@example.ru", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  /* The admin renamed herself, so the message names her by her new name. */
  g_assert_nonnull (strstr (error->message, "Анна Петровна"));
  g_clear_error (&error);

  reread = scim_store_get_user (mine, admin_id, &error);
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (reread), "full-name"), ==, "Анна Петровна");
  g_assert_cmpint (scim_record_get_version (SCIM_RECORD (reread)), ==, version + 1);

  /* From the fresh version it goes through. */
  g_assert_true (scim_store_update_user_profile (mine, admin_id, version + 1, "Anna", "a@example.ru", &error));
  g_assert_no_error (error);
}

static GSubprocess *
spawn_helper (GError **error,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "scim-test-helper", NULL);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, helper);
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
}

static void
wait_for_line (GSubprocess *process,
               const char  *expected)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);

  g_assert_cmpstr (line, ==, expected);
}

static void
test_busy_retry (void)
{
  gint64 admin_id;
  g_autoptr(ScimStore) store = new_store ("busy.db", &admin_id);
  g_autoptr(GSubprocess) locker = NULL;
  g_autoptr(GError) error = NULL;

  /* Another process takes the write lock and keeps it for 1.5 s. */
  locker = spawn_helper (&error, "lock", scim_store_get_path (store), "1500", NULL);
  g_assert_no_error (error);
  wait_for_line (locker, "locked");

  g_assert_true (scim_store_update_user_profile (store, admin_id, 1, "After the lock", "", &error));
  g_assert_no_error (error);

  g_assert_true (g_subprocess_wait_check (locker, NULL, &error));
  g_assert_no_error (error);
  /* Both writes are in the file: nothing was lost. */
  g_assert_cmpint (raw_int (scim_store_get_path (store), "SELECT count(*) FROM settings WHERE key = 'locker'"), ==, 1);
  g_assert_cmpint (raw_int (scim_store_get_path (store), "SELECT count(*) FROM users WHERE full_name = 'After the lock'"), ==, 1);
  /* And ours waited for the lock: it committed after the locker did (the
   * change log numbers commits in order), whatever the clock says. */
  g_assert_cmpint (raw_int (scim_store_get_path (store), "SELECT max(seq) FROM change_log WHERE entity = 'users'"), >,
                   raw_int (scim_store_get_path (store), "SELECT max(seq) FROM change_log WHERE entity = 'locker'"));
  g_clear_object (&locker);

  /* A lock held longer than the store waits: a clear BUSY error, nothing half-written. */
  scim_store_set_busy_timeout (store, 400);
  locker = spawn_helper (&error, "lock", scim_store_get_path (store), "2000", NULL);
  g_assert_no_error (error);
  wait_for_line (locker, "locked");
  g_assert_false (scim_store_update_user_profile (store, admin_id, 2, "Too early", "", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_BUSY);
  g_assert_true (g_subprocess_wait_check (locker, NULL, NULL));
  g_assert_cmpint (raw_int (scim_store_get_path (store), "SELECT count(*) FROM users WHERE full_name = 'Too early'"), ==, 0);
}

static void
on_changed_cb (ScimStore *store,
               GPtrArray *changes,
               gpointer   user_data)
{
  GPtrArray *seen = user_data;

  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (seen, scim_change_copy (g_ptr_array_index (changes, i)));
}

static gboolean
seen_entity (GPtrArray  *seen,
             const char *entity,
             const char *action)
{
  for (guint i = 0; i < seen->len; i++)
    {
      ScimChange *change = g_ptr_array_index (seen, i);
      if (g_str_equal (change->entity, entity) && g_str_equal (change->action, action))
        return TRUE;
    }
  return FALSE;
}

static void
wait_until_seen (GPtrArray  *seen,
                 const char *entity,
                 const char *action)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!seen_entity (seen, entity, action) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10 * 1000);
  g_assert_true (seen_entity (seen, entity, action));
}

static void
test_changed_signal (void)
{
  gint64 admin_id;
  g_autoptr(ScimStore) writer = new_store ("changed.db", &admin_id);
  g_autoptr(ScimStore) watcher = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_change_free);
  g_autoptr(GSubprocess) other = NULL;
  g_autoptr(GError) error = NULL;

  watcher = scim_store_open (scim_store_get_path (writer), SCIM_STORE_WATCH, &error);
  g_assert_no_error (error);
  g_signal_connect (watcher, "changed", G_CALLBACK (on_changed_cb), seen);

  /* Another connection in this process commits, and the watcher hears of
   * it (how soon is the benchmark's business, not a timed test's). */
  g_assert_true (scim_store_update_user_profile (writer, admin_id, 1, "Changed", "", &error));
  wait_until_seen (seen, "users", "update");

  /* Another process commits. */
  other = spawn_helper (&error, "add-user", scim_store_get_path (writer), "admin", "petrov", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (other, NULL, &error));
  g_assert_no_error (error);
  wait_until_seen (seen, "users", "insert");
}

/* Opening the file again in this process (a second window, a helper)
 * must not drop the locks the first connection holds: POSIX drops all of
 * a process's locks on a file when any of its descriptors closes.  If it
 * did, another process closing its last connection would take the file
 * for unused, checkpoint it and delete the WAL under the first one. */
static void
test_second_open_keeps_locks (void)
{
  g_autoptr(ScimStore) store = new_store ("two-opens.db", NULL);
  g_autofree char *path = g_strdup (scim_store_get_path (store));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GSubprocess) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mode = scim_store_dup_journal_mode (store);
  g_autoptr(GListModel) users = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_USERS);

  g_assert_cmpstr (mode, ==, "wal");
  {
    g_autoptr(ScimStore) again = scim_store_open (path, SCIM_STORE_NO_CHECK, &error);
    g_assert_no_error (error);
    scim_store_close (again);
  }
  other = spawn_helper (&error, "lock", path, "0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (other, NULL, &error));
  g_assert_no_error (error);
  /* Still open here: the WAL stays, and the file reads. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  users = scim_store_list (store, query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (users), ==, 1);
}

static void
test_sessions (void)
{
  g_autoptr(ScimStore) store = new_store ("sessions.db", NULL);
  g_autoptr(GSubprocess) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (scim_store_get_path (store));

  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sessions"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT user_id FROM sessions"), ==, 1);
  g_assert_cmpuint (scim_store_count_other_sessions (store, NULL), ==, 0);

  other = spawn_helper (&error, "session", path, "1500", NULL);
  g_assert_no_error (error);
  wait_for_line (other, "open");
  g_assert_cmpuint (scim_store_count_other_sessions (store, NULL), ==, 1);
  g_assert_true (g_subprocess_wait_check (other, NULL, &error));
  g_assert_cmpuint (scim_store_count_other_sessions (store, NULL), ==, 0);

  /* A store that does not watch (the command line) still beats its
   * heartbeat, about every 10 seconds: a beat an hour old is renewed. */
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;

    raw_exec (path, "UPDATE sessions SET heartbeat_at = heartbeat_at - 3600");
    while (raw_int (path, "SELECT max(heartbeat_at) FROM sessions") < now - 60 && g_get_monotonic_time () < deadline)
      g_usleep (G_USEC_PER_SEC / 4);
    g_assert_cmpint (raw_int (path, "SELECT max(heartbeat_at) FROM sessions"), >=, now - 60);
  }

  scim_store_close (store);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sessions"), ==, 0);
}

static void
test_backup_and_check (void)
{
  g_autoptr(ScimStore) store = new_store ("backup-src.db", NULL);
  g_autofree char *dest = fresh_path ("backup-copy.db");
  g_autofree char *nowhere = tmp_path ("missing-dir/copy.db");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  double last = 0;

  g_assert_cmpint (scim_store_add_template_product (store, NULL, &error), >, 0);
  g_assert_true (scim_store_backup (store, dest, NULL, (ScimProgressFunc) (void (*) (void)) NULL, &last, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (dest, "SELECT count(*) FROM stages"), ==, 12);
  g_assert_cmpint (raw_int (dest, "PRAGMA application_id"), ==, SCIM_APPLICATION_ID);

  g_assert_false (scim_store_backup (store, nowhere, NULL, NULL, NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NO_FOLDER);
  g_clear_error (&error);
  g_assert_false (scim_store_backup (store, scim_store_get_path (store), NULL, NULL, NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (scim_store_check (store, TRUE, &problems, &error));
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* A broken reference written behind the store's back is found. */
  raw_exec (dest, "PRAGMA foreign_keys = OFF; INSERT INTO contacts (client_id, name) VALUES (777, 'Ghost');");
  {
    g_autoptr(ScimStore) copy = scim_store_open (dest, SCIM_STORE_INSPECT, &error);

    g_assert_no_error (error);
    g_assert_true (scim_store_check (copy, FALSE, &problems, &error));
    g_assert_cmpuint (problems->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "foreign_key_check"));
  }
}

static void
test_passwords (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = scim_password_hash ("пароль-123", &error);
  g_autofree char *again = scim_password_hash ("пароль-123", &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$y$"));
  g_assert_null (strstr (hash, "пароль"));
  g_assert_cmpstr (hash, !=, again);  /* fresh salt each time */
  g_assert_true (scim_password_verify ("пароль-123", hash));
  g_assert_false (scim_password_verify ("пароль-124", hash));
  g_assert_false (scim_password_verify ("", hash));
  g_assert_false (scim_password_verify ("x", NULL));
  g_assert_null (scim_password_hash ("", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
}

static void
test_users_and_roles (void)
{
  g_autofree char *path = fresh_path ("roles.db");
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimUser) user = NULL;
  g_autoptr(GError) error = NULL;
  gint64 sales_id;

  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);

  /* The first user sets the database up, so must be an admin. */
  g_assert_cmpint (scim_store_add_user (store, "first", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (scim_store_add_user (store, "  ", NULL, NULL, SCIM_ROLE_ADMIN, FALSE, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (scim_store_add_user (store, "admin", NULL, NULL, SCIM_ROLE_ADMIN, FALSE, "secret", &error), >, 0);

  /* Nobody signed in: refused. */
  g_assert_cmpint (scim_store_add_user (store, "x", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);

  g_assert_null (scim_store_sign_in (store, "admin", NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_null (scim_store_sign_in (store, "admin", "wrong", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  user = scim_store_sign_in (store, "ADMIN", "secret", &error);
  g_assert_no_error (error);
  g_assert_true (scim_record_get_bool (SCIM_RECORD (user), "has-password"));
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM users WHERE password_hash LIKE '$y$%'"), ==, 1);

  sales_id = scim_store_add_user (store, "ivanov", "Пётр Иванов", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_user (store, "Ivanov", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* A salesperson may not add users or products: the core says so. */
  g_clear_object (&user);
  user = scim_store_sign_in (store, "ivanov", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_get_user_role (store), ==, SCIM_ROLE_SALES);
  g_assert_cmpint (scim_store_add_user (store, "y", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_cmpint (scim_store_add_template_product (store, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM products"), ==, 0);
  g_assert_cmpint (sales_id, >, 0);
}

static void
test_template_product (void)
{
  g_autoptr(ScimStore) store = new_store ("template.db", NULL);
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(GListModel) stages = NULL;
  g_autoptr(GError) error = NULL;
  gint64 product;
  guint n_template;
  const ScimStageTemplate *template = scim_funnel_template_get_stages (&n_template);

  product = scim_store_add_template_product (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_template_product (store, NULL, &error), ==, 0);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);

  query->product_id = product;
  stages = scim_store_list (store, query, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (stages), ==, 12);
  g_assert_cmpuint (n_template, ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (stages, i);
      g_assert_cmpstr (scim_record_get_string (stage, "name"), ==, template[i].name);
      g_assert_cmpstr (scim_record_get_string (stage, "kind"), ==, template[i].kind);
    }
  /* 8–10 won, 11 paused, 12 lost, as the seed says. */
  g_assert_cmpstr (template[7].kind, ==, "won");
  g_assert_cmpstr (template[9].kind, ==, "won");
  g_assert_cmpstr (template[10].kind, ==, "paused");
  g_assert_cmpstr (template[11].kind, ==, "lost");
}

typedef struct
{
  guint loaded;
} Counter;

static void
on_list_loaded_cb (ScimRecordList *list,
                   Counter        *counter)
{
  counter->loaded++;
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done (data));
}

static gboolean
counter_done (gpointer data)
{
  return ((Counter *) data)->loaded > 0;
}

static gboolean
record_loaded (gpointer data)
{
  return scim_record_get_loaded (data);
}

static gboolean
list_counted (gpointer data)
{
  return scim_record_list_get_total (data) >= 0;
}

static gboolean
list_has_1000 (gpointer data)
{
  return g_list_model_get_n_items (data) >= 1000;
}

static gboolean
list_complete (gpointer data)
{
  return scim_record_list_get_complete (data);
}

static void
test_record_list_lazy (void)
{
  gint64 admin_id;
  g_autoptr(ScimStore) store = new_store ("lazy.db", &admin_id);
  g_autofree char *path = g_strdup (scim_store_get_path (store));
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
  g_autoptr(ScimRecordList) list = NULL;
  g_autoptr(ScimRecord) first = NULL;
  g_autoptr(ScimRecord) far = NULL;
  g_autoptr(ScimRecord) again = NULL;
  g_autoptr(GError) error = NULL;
  Counter counter = { 0 };
  guint created = 0;

  raw_exec (path,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
            "INSERT INTO leads (name, company, email, received_at, created_at) "
            "SELECT 'Lead ' || i, 'Company ' || (i % 97), 'lead' || i || '@example.ru', 1700000000 + i, 1700000000 FROM n;");

  list = scim_record_list_new (store, query);
  g_signal_connect (list, "loaded", G_CALLBACK (on_list_loaded_cb), &counter);
  iterate_until (counter_done, &counter);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == SCIM_TYPE_LEAD);

  /* The first page of ids comes first; the count of all of them after it. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 500);
  g_assert_false (scim_record_list_get_complete (list));
  iterate_until (list_counted, list);
  g_assert_cmpint (scim_record_list_get_total (list), ==, 5000);

  /* A row near the end of those there are brings the next page. */
  {
    g_autoptr(ScimRecord) near_end = g_list_model_get_item (G_LIST_MODEL (list), 450);

    iterate_until (list_has_1000, list);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
    g_assert_cmpint (scim_record_list_get_id (list, 999), ==, 4001);
  }
  /* And all of them when asked (a selection of all). */
  scim_record_list_load_all (list);
  iterate_until (list_complete, list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5000);
  g_assert_cmpint (scim_record_list_get_id (list, 4999), ==, 1);

  /* Newest first; an item comes empty and fills from a page load. */
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpint (scim_record_get_id (first), ==, 5000);
  iterate_until (record_loaded, first);
  g_assert_cmpstr (scim_record_get_string (first, "name"), ==, "Lead 5000");
  g_assert_cmpstr (scim_record_get_string (first, "state"), ==, "new");

  far = g_list_model_get_item (G_LIST_MODEL (list), 4321);
  iterate_until (record_loaded, far);
  g_assert_cmpstr (scim_record_get_string (far, "email"), ==, "lead679@example.ru");

  /* Only the pages asked for were loaded: the items of page 0 and page 43. */
  for (guint i = 0; i < 5000; i += 50)
    {
      g_autoptr(ScimRecord) probe = g_list_model_get_item (G_LIST_MODEL (list), i);
      created += scim_record_get_loaded (probe) ? 1 : 0;
    }
  g_assert_cmpuint (created, <=, 4);

  /* A search narrows in SQL; a commit by anyone refreshes the list. */
  g_free (query->search);
  query->search = g_strdup ("Company 5");
  counter.loaded = 0;
  scim_record_list_set_query (list, query);
  iterate_until (counter_done, &counter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 500);
  iterate_until (list_counted, list);
  g_assert_cmpint (scim_record_list_get_total (list), ==,
                   raw_int (path, "SELECT count(*) FROM leads WHERE company LIKE '%Company 5%'"));

  /* Same item object while it is alive: a row shown twice is one object. */
  again = g_list_model_get_item (G_LIST_MODEL (list), 0);
  {
    g_autoptr(ScimRecord) same = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(ScimRecord) next = g_list_model_get_item (G_LIST_MODEL (list), 1);

    g_assert_true (same == again);
    g_assert_true (next != again);
  }
  (void) admin_id;
}

typedef struct
{
  guint calls;
  guint position, removed, added;
} Spliced;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Spliced    *spliced)
{
  /* The first splice; a second one only changes the end of the window of
   * ids the list has (rows pushed out by one added above, or brought in). */
  if (spliced->calls++ > 0)
    {
      g_assert_cmpuint (position + added, ==, g_list_model_get_n_items (model));
      return;
    }
  spliced->position = position;
  spliced->removed = removed;
  spliced->added = added;
}

static gboolean
record_renamed (gpointer data)
{
  return g_strcmp0 (scim_record_get_string (data, "name"), "Renamed") == 0;
}

/* Another user's commit reloads the ids: only the span that changed is
 * spliced, and the rows that stay keep their objects (which is how a
 * view's selection and scroll position survive), refreshed in place. */
static void
test_record_list_keeps_rows (void)
{
  g_autoptr(ScimStore) store = new_store ("keeps.db", NULL);
  g_autofree char *path = g_strdup (scim_store_get_path (store));
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
  g_autoptr(ScimRecordList) list = NULL;
  g_autoptr(ScimRecord) held = NULL;
  Counter counter = { 0 };
  Spliced spliced = { 0 };

  raw_exec (path,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
            "INSERT INTO leads (name, email, received_at, created_at) "
            "SELECT 'Lead ' || i, 'lead' || i || '@example.ru', 1700000000 + i, 1700000000 FROM n;");
  list = scim_record_list_new (store, query);
  g_signal_connect (list, "loaded", G_CALLBACK (on_list_loaded_cb), &counter);
  iterate_until (counter_done, &counter);
  /* Someone scrolled to the end: every page is there. */
  scim_record_list_load_all (list);
  iterate_until (list_complete, list);

  /* Newest first: position 10 is lead 2990. */
  held = g_list_model_get_item (G_LIST_MODEL (list), 10);
  g_assert_cmpint (scim_record_get_id (held), ==, 2990);
  iterate_until (record_loaded, held);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed_cb), &spliced);

  /* A new lead on top, and the held one renamed. */
  raw_exec (path, "INSERT INTO leads (name, received_at, created_at) VALUES ('Newest', 1800000000, 1800000000);"
                  "UPDATE leads SET name = 'Renamed', version = version + 1 WHERE id = 2990;");
  counter.loaded = 0;
  scim_record_list_reload (list);
  iterate_until (counter_done, &counter);
  g_assert_cmpuint (spliced.calls, >=, 1);
  g_assert_cmpuint (spliced.calls, <=, 2);
  g_assert_cmpuint (spliced.position, ==, 0);
  g_assert_cmpuint (spliced.removed, ==, 0);
  g_assert_cmpuint (spliced.added, ==, 1);
  {
    g_autoptr(ScimRecord) moved = g_list_model_get_item (G_LIST_MODEL (list), 11);
    g_assert_true (moved == held);
  }
  iterate_until (record_renamed, held);

  /* A lead gone from the middle: one row removed where it stood. */
  raw_exec (path, "DELETE FROM leads WHERE id = 1500");
  counter.loaded = 0;
  spliced.calls = 0;
  scim_record_list_reload (list);
  iterate_until (counter_done, &counter);
  g_assert_cmpuint (spliced.calls, >=, 1);
  g_assert_cmpuint (spliced.calls, <=, 2);
  g_assert_cmpuint (spliced.position, ==, 1 + 3000 - 1500);
  g_assert_cmpuint (spliced.removed, ==, 1);
  g_assert_cmpuint (spliced.added, ==, 0);
  {
    g_autoptr(ScimRecord) same = g_list_model_get_item (G_LIST_MODEL (list), 11);
    g_assert_true (same == held);
  }

  /* Nothing changed: nothing spliced. */
  counter.loaded = 0;
  spliced.calls = 0;
  scim_record_list_reload (list);
  iterate_until (counter_done, &counter);
  g_assert_cmpuint (spliced.calls, ==, 0);
}

/* Rows are written in GVariant's serialised form by hand (one buffer a
 * row): the bytes must be what GLib makes of the same values, for every
 * kind of column, text of every length (the framing offsets take 1, 2 or
 * 4 bytes by the size of an entry and of the row), NULL, invalid UTF-8
 * and a row of no columns. */
static GVariant *
glib_row (sqlite3_stmt *stmt)
{
  int n = sqlite3_column_count (stmt);
  g_autofree GVariant **entries = g_new (GVariant *, MAX (n, 1));

  for (int i = 0; i < n; i++)
    {
      GVariant *value;

      switch (sqlite3_column_type (stmt, i))
        {
        case SQLITE_INTEGER:
          value = g_variant_new_int64 (sqlite3_column_int64 (stmt, i));
          break;
        case SQLITE_FLOAT:
          value = g_variant_new_double (sqlite3_column_double (stmt, i));
          break;
        case SQLITE_TEXT:
          {
            const char *text = (const char *) sqlite3_column_text (stmt, i);
            g_autofree char *valid = g_utf8_make_valid (text, sqlite3_column_bytes (stmt, i));

            value = g_variant_new_string (valid);
          }
          break;
        default:
          value = g_variant_new_tuple (NULL, 0);
          break;
        }
      entries[i] = g_variant_new_dict_entry (g_variant_new_string (sqlite3_column_name (stmt, i)),
                                             g_variant_new_variant (value));
    }
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries, (gsize) n));
}

static void
test_rows_serialised (void)
{
  static const char letters[] =
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
  /* Text of these lengths in bytes (two a letter): around each width of the offsets. */
  static const int lengths[] = { 0, 1, 4, 5, 100, 120, 125, 127, 128, 150, 32700, 32765, 32768, 35000, 150000 };
  sqlite3 *db = NULL;
  g_autoptr(GByteArray) scratch = g_byte_array_new ();
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint checked = 0;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);

  /* A row of no columns (SELECT always has one; the store never asks for none). */
  {
    sqlite3_stmt *stmt = NULL;
    g_autoptr(GVariant) row = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 AS id", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    row = _scim_row_from_stmt (stmt, scratch, ends);
    g_assert_true (g_variant_is_normal_form (row));
    g_assert_cmpint (g_variant_n_children (row), ==, 1);
    sqlite3_finalize (stmt);
  }

  for (guint round = 0; round < 400; round++)
    {
      int n = g_rand_int_range (rand, 1, 30);
      g_autoptr(GString) sql = g_string_new ("SELECT ");
      sqlite3_stmt *stmt = NULL;
      g_autoptr(GVariant) ours = NULL;
      g_autoptr(GVariant) theirs = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GVariant) untrusted = NULL;

      for (int i = 0; i < n; i++)
        {
          int len = lengths[g_rand_int_range (rand, 0, round < 300 ? 10 : (int) G_N_ELEMENTS (lengths))];

          if (i > 0)
            g_string_append (sql, ", ");
          switch (g_rand_int_range (rand, 0, 5))
            {
            case 0:
              g_string_append_printf (sql, "%" G_GINT64_FORMAT,
                                      ((gint64) g_rand_int (rand) << 20) * (g_rand_boolean (rand) ? -1 : 1));
              break;
            case 1:
              g_string_append_printf (sql, "%.17g", g_rand_double_range (rand, -1e9, 1e9));
              break;
            case 2:
              g_string_append_printf (sql, "replace(hex(zeroblob(%d)), '00', 'ё')", len);
              break;
            case 3:
              g_string_append (sql, "NULL");
              break;
            default:
              g_string_append (sql, "CAST(x'41ff42' AS TEXT)");
              break;
            }
          /* Names of every length. */
          g_string_append_printf (sql, " AS \"c%d_%.*s\"", i, g_rand_int_range (rand, 0, (int) sizeof letters - 1),
                                  letters);
        }
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      ours = _scim_row_from_stmt (stmt, scratch, ends);
      theirs = glib_row (stmt);
      g_assert_false (g_variant_is_floating (ours));
      g_assert_cmpmem (g_variant_get_data (ours), g_variant_get_size (ours),
                       g_variant_get_data (theirs), g_variant_get_size (theirs));
      g_assert_true (g_variant_equal (ours, theirs));
      /* GLib reads it back, checked rather than trusted. */
      bytes = g_bytes_new (g_variant_get_data (ours), g_variant_get_size (ours));
      untrusted = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
      g_assert_true (g_variant_is_normal_form (untrusted));
      g_assert_cmpuint (g_variant_n_children (untrusted), ==, (gsize) n);
      /* Every column read in place is what GLib finds, and no other. */
      for (int i = 0; i < n; i++)
        {
          const char *name = sqlite3_column_name (stmt, i);
          g_autoptr(GVariant) found = scim_row_lookup (ours, name);
          g_autoptr(GVariant) expected = g_variant_lookup_value (theirs, name, NULL);
          g_autoptr(GVariant) in_tree = scim_row_lookup (theirs, name);

          g_assert_nonnull (found);
          g_assert_true (g_variant_equal (found, expected));
          g_assert_true (g_variant_equal (in_tree, expected));
        }
      g_assert_null (scim_row_lookup (ours, "no such column"));
      checked++;
      sqlite3_finalize (stmt);
    }
  g_test_message ("%u rows compared", checked);
  sqlite3_close (db);
}

/* SCIM_TRACE_SQL: the reads the store ran, their values written in, each
 * ended by a NUL byte; no write, and nothing once the store is closed. */
static void
test_trace_reads (void)
{
  g_autofree char *trace = fresh_path ("trace.sql");
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *array = NULL;
  gsize length = 0, size_closed;
  gint64 admin_id = 0;
  guint n = 0, lists = 0;

  g_setenv ("SCIM_TRACE_SQL", trace, TRUE);
  store = new_store ("trace.db", &admin_id);
  g_unsetenv ("SCIM_TRACE_SQL");
  ids = scim_store_query_ids (store, query, NULL, &error);
  g_assert_no_error (error);
  rows = scim_store_load_listing_rows (store, SCIM_LIST_USERS, (gint64 *) ids->data, ids->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  scim_store_close (store);

  g_assert_true (g_file_get_contents (trace, &text, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 0);
  g_assert_cmpint (text[length - 1], ==, '\0');
  array = g_strdup_printf ("json_each('[%" G_GINT64_FORMAT "]')", admin_id);
  for (gsize at = 0; at < length; at += strlen (text + at) + 1, n++)
    {
      const char *sql = text + at;

      g_assert_true (g_str_has_prefix (sql, "SELECT") || g_str_has_prefix (sql, "WITH"));
      g_assert_null (strchr (sql, '?'));
      if (strstr (sql, "FROM users t") != NULL && strstr (sql, array) != NULL)
        lists++;
    }
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (lists, >=, 1);

  /* Closed, the store traces no more. */
  size_closed = length;
  g_clear_object (&store);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (trace, &text, &length, NULL));
  g_assert_cmpuint (length, ==, size_closed);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
  tmpdir = g_dir_make_tmp ("scim-store-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/store/create", test_create);
  g_test_add_func ("/store/schema/rules", test_schema_rules);
  g_test_add_func ("/store/fs/classify", test_fs_classify);
  g_test_add_func ("/store/fs/journal-per-type", test_journal_per_fs);
  g_test_add_func ("/store/migrate/from-v1", test_migrate_from_v1);
  g_test_add_func ("/store/migrate/from-v2", test_migrate_from_v2);
  g_test_add_func ("/store/migrate/from-v3", test_migrate_from_v3);
  g_test_add_func ("/store/migrate/from-v4", test_migrate_from_v4);
  g_test_add_func ("/store/migrate/from-v5", test_migrate_from_v5);
  g_test_add_func ("/store/migrate/from-v6", test_migrate_from_v6);
  g_test_add_func ("/store/migrate/from-v7", test_migrate_from_v7);
  g_test_add_func ("/store/migrate/lead-keys-agree", test_lead_keys_agree);
  g_test_add_func ("/store/migrate/from-v8", test_migrate_from_v8);
  g_test_add_func ("/store/migrate/from-v9", test_migrate_from_v9);
  g_test_add_func ("/store/migrate/from-v11", test_migrate_from_v11);
  g_test_add_func ("/store/backups/generations", test_backups_generations);
  g_test_add_func ("/store/backups/restore", test_backups_restore);
  g_test_add_func ("/store/migrate/refused-while-others-open", test_migrate_refused_while_others_open);
  g_test_add_func ("/store/bad/files", test_bad_files);
  g_test_add_func ("/store/bad/newer-schema", test_newer_schema);
  g_test_add_func ("/store/bad/read-only-file", test_read_only_file);
  g_test_add_func ("/store/bad/disk-full", test_disk_full);
  g_test_add_func ("/store/bad/corrupt", test_corrupt);
  g_test_add_func ("/store/write/version-conflict", test_version_conflict);
  g_test_add_func ("/store/write/busy-retry", test_busy_retry);
  g_test_add_func ("/store/changed/two-connections-and-processes", test_changed_signal);
  g_test_add_func ("/store/sessions", test_sessions);
  g_test_add_func ("/store/second-open-keeps-locks", test_second_open_keeps_locks);
  g_test_add_func ("/store/backup-and-check", test_backup_and_check);
  g_test_add_func ("/store/passwords", test_passwords);
  g_test_add_func ("/store/rows/serialised", test_rows_serialised);
  g_test_add_func ("/store/trace-reads", test_trace_reads);
  g_test_add_func ("/store/users-and-roles", test_users_and_roles);
  g_test_add_func ("/store/template-product", test_template_product);
  g_test_add_func ("/store/record-list/lazy", test_record_list_lazy);
  g_test_add_func ("/store/record-list/keeps-rows", test_record_list_keeps_rows);

  ret = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
