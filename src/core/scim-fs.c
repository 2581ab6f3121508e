/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-fs"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "scim-fs.h"

/* Magic numbers of statfs(2) for filesystems that live on another machine
 * or behind FUSE.  They are used when /proc/self/mountinfo cannot tell. */
#define MAGIC_NFS   0x6969
#define MAGIC_SMB   0x517B
#define MAGIC_CIFS  0xFF534D42
#define MAGIC_SMB2  0xFE534D42
#define MAGIC_FUSE  0x65735546
#define MAGIC_AFS   0x5346414F
#define MAGIC_CEPH  0x00C36400
#define MAGIC_9P    0x01021997
#define MAGIC_CODA  0x73757245

static gboolean
has_option (const char *options,
            const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (options == NULL)
    return FALSE;

  parts = g_strsplit (options, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_strcmp0 (parts[i], name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_network_fstype (const char *fstype)
{
  static const char * const network[] = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "ceph", "9p",
    "coda", "glusterfs", "lustre", "ncpfs", "davfs", "gfs2", "ocfs2", NULL
  };

  if (g_str_has_prefix (fstype, "fuse"))
    return TRUE;
  return g_strv_contains (network, fstype);
}

/* FUSE filesystems whose locks reach the other machines. */
static gboolean
is_locking_fuse (const char *fstype)
{
  static const char * const locking[] = {
    "fuse.glusterfs", "fuse.ceph", "fuse.ceph-fuse", "fuse.moosefs", "fuse.mfs", "fuse.lizardfs", NULL
  };

  return g_strv_contains (locking, fstype);
}

/**
 * scim_fs_classify:
 * @fstype: the filesystem type as in /proc/self/mountinfo (e.g. "ext4", "nfs4", "fuse.sshfs")
 * @options: (nullable): the mount and super options, comma separated
 * @reason: (out) (optional): for an unsafe mount, a translated explanation and advice
 *
 * Decides how a database file on such a mount may be used.
 *
 * Returns: the kind of filesystem
 */
ScimFsKind
scim_fs_classify (const char  *fstype,
                  const char  *options,
                  char       **reason)
{
  g_return_val_if_fail (fstype != NULL, SCIM_FS_LOCAL);

  if (reason != NULL)
    *reason = NULL;

  if ((g_str_equal (fstype, "cifs") || g_str_has_prefix (fstype, "smb")) &&
      has_option (options, "nobrl"))
    {
      if (reason != NULL)
        *reason = g_strdup (_("The network share is mounted with “nobrl”, which disables file locks, "
                              "so two people could overwrite each other’s work. Ask your administrator "
                              "to mount the share without “nobrl”."));
      return SCIM_FS_UNSAFE;
    }

  if (g_str_has_prefix (fstype, "nfs") &&
      (has_option (options, "nolock") ||
       has_option (options, "local_lock=all") ||
       has_option (options, "local_lock=posix") ||
       has_option (options, "local_lock=flock")))
    {
      if (reason != NULL)
        *reason = g_strdup (_("The NFS share is mounted with local-only locks (“nolock” or “local_lock”), "
                              "so other computers do not see this computer’s locks. Ask your administrator "
                              "to mount it with “lock” and “local_lock=none”."));
      return SCIM_FS_UNSAFE;
    }

  if (g_str_equal (fstype, "fuse.sshfs") || g_str_equal (fstype, "sshfs"))
    {
      if (reason != NULL)
        *reason = g_strdup (_("The folder is mounted over SSH (sshfs), which cannot lock files between "
                              "computers. Put the database on an NFS or SMB share mounted with locking."));
      return SCIM_FS_UNSAFE;
    }

  if (g_str_has_prefix (fstype, "fuse.gvfs") || g_str_equal (fstype, "fuse.gvfsd-fuse"))
    {
      if (reason != NULL)
        *reason = g_strdup (_("The folder is opened through the file manager’s network view (GVFS), "
                              "which cannot lock files. Ask your administrator to mount the share "
                              "as NFS or SMB with locking and open the file from there."));
      return SCIM_FS_UNSAFE;
    }

  /* A file chosen in a sandboxed app's file dialog arrives through the
   * document portal (/run/user/UID/doc/…): that one file alone, with no
   * folder beside it for SQLite's journal, and locks that stay inside
   * the portal. */
  if (g_str_equal (fstype, "fuse.portal"))
    {
      if (reason != NULL)
        *reason = g_strdup_printf (_("The file was handed to the app alone through the desktop’s document portal, "
                                     "so its journal cannot be kept beside it and its locks do not reach other "
                                     "programs or computers. Let the app see the file’s folder with “flatpak "
                                     "override --user --filesystem=FOLDER %s”, then open the file again."),
                                   APP_ID);
      return SCIM_FS_UNSAFE;
    }

  /* Other FUSE mounts (bindfs, rclone, s3fs and the like) pass locks to a
   * program on this machine, which may keep them here or drop them; only
   * cluster filesystems known to lock across machines count as shares. */
  if (g_str_has_prefix (fstype, "fuse") && !is_locking_fuse (fstype))
    {
      if (reason != NULL)
        *reason = g_strdup_printf (_("The folder is a FUSE mount (%s), whose file locks may stay on this computer, "
                                     "so two people could overwrite each other’s work. Ask your administrator "
                                     "to mount the share as NFS or SMB with locking and open the file from there."),
                                   fstype);
      return SCIM_FS_UNSAFE;
    }

  if (is_network_fstype (fstype))
    return SCIM_FS_NETWORK;

  return SCIM_FS_LOCAL;
}

static char *
unescape_mount_field (const char *field)
{
  /* mountinfo escapes space, tab, newline and backslash as \ooo. */
  return g_strcompress (field);
}

static gboolean
find_mount (const char  *path,
            char       **fstype,
            char       **options)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize best_len = 0;

  if (!g_file_get_contents ("/proc/self/mountinfo", &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) halves = NULL;
      g_auto(GStrv) left = NULL;
      g_auto(GStrv) right = NULL;
      g_autofree char *mount_point = NULL;
      gsize len;

      halves = g_strsplit (lines[i], " - ", 2);
      if (halves[0] == NULL || halves[1] == NULL)
        continue;
      left = g_strsplit (halves[0], " ", -1);
      right = g_strsplit (halves[1], " ", -1);
      if (g_strv_length (left) < 6 || g_strv_length (right) < 3)
        continue;

      mount_point = unescape_mount_field (left[4]);
      len = strlen (mount_point);
      if (!(g_str_equal (mount_point, "/") ||
            (g_str_has_prefix (path, mount_point) &&
             (path[len] == '/' || path[len] == '\0'))))
        continue;
      if (g_str_equal (mount_point, "/"))
        len = 1;
      /* Later lines of the same mount point shadow earlier ones. */
      if (len >= best_len)
        {
          best_len = len;
          g_free (*fstype);
          g_free (*options);
          *fstype = g_strdup (right[0]);
          *options = g_strconcat (left[5], ",", right[2], NULL);
        }
    }

  return best_len > 0;
}

static const char *
fstype_from_magic (long magic)
{
  switch ((unsigned long) magic & 0xFFFFFFFFUL)
    {
    case MAGIC_NFS: return "nfs";
    case MAGIC_SMB: return "smb";
    case MAGIC_CIFS: return "cifs";
    case MAGIC_SMB2: return "smb2";
    case MAGIC_FUSE: return "fuse";
    case MAGIC_AFS: return "afs";
    case MAGIC_CEPH: return "ceph";
    case MAGIC_9P: return "9p";
    case MAGIC_CODA: return "coda";
    default: return NULL;
    }
}

/**
 * scim_fs_detect:
 * @path: a file or folder; the folder must exist
 * @fstype: (out) (optional): the filesystem type found
 * @reason: (out) (optional): why the mount is unsafe, when it is
 *
 * Looks up the mount that holds @path.  The environment variable
 * `SCIM_FORCE_FSTYPE` (for tests) replaces the detected type; it may carry
 * options after a colon, as in `cifs:nobrl`.
 */
ScimFsKind
scim_fs_detect (const char  *path,
                char       **fstype,
                char       **reason)
{
  const char *forced = g_getenv ("SCIM_FORCE_FSTYPE");
  g_autofree char *type = NULL;
  g_autofree char *options = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *real = NULL;
  struct statfs st;
  ScimFsKind kind;

  if (forced != NULL && forced[0] != '\0')
    {
      const char *colon = strchr (forced, ':');

      if (colon != NULL)
        {
          type = g_strndup (forced, colon - forced);
          options = g_strdup (colon + 1);
        }
      else
        type = g_strdup (forced);
    }
  else
    {
      dir = g_file_test (path, G_FILE_TEST_IS_DIR) ? g_strdup (path) : g_path_get_dirname (path);
      real = realpath (dir, NULL);
      if (real == NULL)
        real = g_strdup (dir);

      if (!find_mount (real, &type, &options) && statfs (real, &st) == 0)
        {
          const char *magic_type = fstype_from_magic (st.f_type);
          type = g_strdup (magic_type != NULL ? magic_type : "unknown");
        }
      if (type == NULL)
        type = g_strdup ("unknown");
    }

  kind = scim_fs_classify (type, options, reason);
  if (fstype != NULL)
    *fstype = g_steal_pointer (&type);
  return kind;
}

const char *
scim_fs_kind_to_string (ScimFsKind kind)
{
  switch (kind)
    {
    case SCIM_FS_LOCAL: return "local";
    case SCIM_FS_NETWORK: return "network";
    case SCIM_FS_UNSAFE: return "unsafe";
    default: g_return_val_if_reached ("unknown");
    }
}
