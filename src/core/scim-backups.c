/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-backups"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "scim-backups.h"

/* Automatic backups: generations of one database in a folder, beside the
 * file ("sales-backups" for "sales.scim") or in one the user chose.  Each
 * is a verified copy made with SQLite's backup API (scim_store_backup()),
 * named after the database and the moment, "sales-20261207-041233.scim"
 * (UTC), so that the names sort by age and survive a copy to another
 * machine.  The newest N are kept.  Nothing here reads SQL: the store
 * makes and checks the copies. */

#define STAMP_FORMAT "%Y%m%d-%H%M%S"
#define STAMP_LENGTH 15 /* 20261207-041233 */
#define BACKUP_SUFFIX ".scim"

void
scim_backup_free (ScimBackup *backup)
{
  if (backup == NULL)
    return;
  g_free (backup->path);
  g_free (backup);
}

/* "sales" for /data/sales.scim or /data/sales.db */
static char *
db_stem (const char *db_path)
{
  g_autofree char *base = g_path_get_basename (db_path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

/**
 * scim_backups_get_folder:
 * @db_path: the database file
 * @chosen: (nullable): the folder the user chose, or %NULL or "" for the
 *   default
 *
 * Returns: (transfer full): where the backups of @db_path go: @chosen, or
 *   "STEM-backups" beside the file
 */
char *
scim_backups_get_folder (const char *db_path,
                         const char *chosen)
{
  g_autofree char *dir = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;

  if (chosen != NULL && *chosen != '\0')
    return g_strdup (chosen);
  dir = g_path_get_dirname (db_path);
  stem = db_stem (db_path);
  name = g_strconcat (stem, "-backups", NULL);
  return g_build_filename (dir, name, NULL);
}

/* The moment in a generation's name, or -1 when the name is not one. */
static gint64
parse_name (const char *name,
            const char *stem)
{
  gsize stem_len = strlen (stem);
  g_autofree char *stamp = NULL;
  g_autofree char *iso = NULL;
  g_autoptr(GDateTime) when = NULL;

  if (strncmp (name, stem, stem_len) != 0 || name[stem_len] != '-' ||
      strlen (name) != stem_len + 1 + STAMP_LENGTH + strlen (BACKUP_SUFFIX) ||
      !g_str_has_suffix (name, BACKUP_SUFFIX))
    return -1;
  stamp = g_strndup (name + stem_len + 1, STAMP_LENGTH);
  for (guint i = 0; i < STAMP_LENGTH; i++)
    if (i == 8 ? stamp[i] != '-' : !g_ascii_isdigit (stamp[i]))
      return -1;
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6, stamp + 9, stamp + 11,
                         stamp + 13);
  when = g_date_time_new_from_iso8601 (iso, NULL);
  return when != NULL ? g_date_time_to_unix (when) : -1;
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const ScimBackup *x = *(ScimBackup * const *) a;
  const ScimBackup *y = *(ScimBackup * const *) b;

  return (x->made_at < y->made_at) - (x->made_at > y->made_at);
}

/**
 * scim_backups_list:
 * @folder: the backups' folder
 * @db_path: the database they are of
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type ScimBackup): the generations,
 *   newest first (empty when the folder does not exist yet), or %NULL with
 *   @error set when the folder cannot be read
 */
GPtrArray *
scim_backups_list (const char  *folder,
                   const char  *db_path,
                   GError     **error)
{
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_backup_free);
  g_autofree char *stem = db_stem (db_path);
  g_autoptr(GError) local = NULL;
  GDir *dir;
  const char *name;

  dir = g_dir_open (folder, 0, &local);
  if (dir == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&backups);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NO_FOLDER,
                   _("Cannot read the backups’ folder “%s”: %s."), folder, local->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 made_at = parse_name (name, stem);
      GStatBuf st;
      ScimBackup *backup;

      if (made_at < 0)
        continue;
      backup = g_new0 (ScimBackup, 1);
      backup->path = g_build_filename (folder, name, NULL);
      backup->made_at = made_at;
      if (g_stat (backup->path, &st) == 0)
        backup->size = st.st_size;
      g_ptr_array_add (backups, backup);
    }
  g_dir_close (dir);
  g_ptr_array_sort (backups, newest_first);
  return g_steal_pointer (&backups);
}

/**
 * scim_backups_due:
 * @folder: the backups' folder
 * @db_path: the database
 * @hours: how often a backup is made; 0 for never
 * @now: UTC unix time
 *
 * Returns: whether the newest generation is at least @hours old (or there
 *   is none, or it is from the future: a clock put back)
 */
gboolean
scim_backups_due (const char *folder,
                  const char *db_path,
                  guint       hours,
                  gint64      now)
{
  g_autoptr(GPtrArray) backups = NULL;
  const ScimBackup *newest;

  if (hours == 0)
    return FALSE;
  backups = scim_backups_list (folder, db_path, NULL);
  if (backups == NULL || backups->len == 0)
    return TRUE;
  newest = g_ptr_array_index (backups, 0);
  return now - newest->made_at >= (gint64) hours * 3600 || newest->made_at > now + 3600;
}

static char *
stamped_path (const char *folder,
              const char *db_path,
              const char *infix,
              gint64      now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autofree char *stamp = g_date_time_format (utc, STAMP_FORMAT);
  g_autofree char *stem = db_stem (db_path);
  g_autofree char *name = g_strconcat (stem, infix, "-", stamp, BACKUP_SUFFIX, NULL);

  return g_build_filename (folder, name, NULL);
}

/**
 * scim_backups_aside_path:
 * @folder: the backups' folder
 * @db_path: the database
 * @now: UTC unix time
 *
 * Returns: (transfer full): where a restore keeps the file it replaces,
 *   "STEM-before-restore-STAMP.scim" in @folder (not one of the
 *   generations, so it is never pruned)
 */
char *
scim_backups_aside_path (const char *folder,
                         const char *db_path,
                         gint64      now)
{
  return stamped_path (folder, db_path, "-before-restore", now);
}

/**
 * scim_backups_make:
 * @store: the open database
 * @folder: the backups' folder; made when missing
 * @keep: how many generations to keep (at least 1)
 * @cancellable: (nullable): cancels the copy
 * @error: return location for an error
 *
 * Checks the database (quick_check), copies it into a new generation
 * with scim_store_backup() (which verifies the copy), then deletes the
 * generations beyond @keep, the oldest first.  A damaged database makes
 * no generation, so the sound ones are never pushed out by a bad one.
 *
 * Returns: (transfer full): the new backup's path, or %NULL with @error set
 */
char *
scim_backups_make (ScimStore     *store,
                   const char    *folder,
                   guint          keep,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *path = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NO_FOLDER,
                   _("Cannot make the backups’ folder “%s”: %s. Choose another folder in Preferences."),
                   folder, g_strerror (saved));
      return NULL;
    }
  if (!scim_store_check (store, FALSE, &problems, error))
    return NULL;
  if (problems->len > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT,
                   _("The database failed its check, so no backup was made and the earlier ones are kept: %s"),
                   (const char *) g_ptr_array_index (problems, 0));
      return NULL;
    }
  path = stamped_path (folder, scim_store_get_path (store), "", now);
  /* Two backups in one second: the later waits its turn. */
  while (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_free (path);
      path = stamped_path (folder, scim_store_get_path (store), "", ++now);
    }
  if (!scim_store_backup (store, path, cancellable, NULL, NULL, error))
    return NULL;

  backups = scim_backups_list (folder, scim_store_get_path (store), NULL);
  for (guint i = MAX (keep, 1); backups != NULL && i < backups->len; i++)
    {
      const ScimBackup *old = g_ptr_array_index (backups, i);

      if (g_unlink (old->path) != 0)
        g_warning ("Cannot delete the old backup %s: %s", old->path, g_strerror (errno));
    }
  return g_steal_pointer (&path);
}
