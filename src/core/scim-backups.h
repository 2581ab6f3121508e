/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scim-store.h"

G_BEGIN_DECLS

/**
 * ScimBackup:
 * @path: the backup file
 * @made_at: when it was made, UTC unix time (from its name)
 * @size: its size in bytes
 *
 * One generation of the automatic backups of a database.
 */
typedef struct
{
  char   *path;
  gint64  made_at;
  goffset size;
} ScimBackup;

void        scim_backup_free           (ScimBackup  *backup);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimBackup, scim_backup_free)

/* How many generations are kept, and how often one is made, by default. */
#define SCIM_BACKUPS_DEFAULT_KEEP 7
#define SCIM_BACKUPS_DEFAULT_HOURS 24

char       *scim_backups_get_folder    (const char  *db_path,
                                        const char  *chosen);
GPtrArray  *scim_backups_list          (const char  *folder,
                                        const char  *db_path,
                                        GError     **error);
gboolean    scim_backups_due           (const char  *folder,
                                        const char  *db_path,
                                        guint        hours,
                                        gint64       now);
char       *scim_backups_make          (ScimStore    *store,
                                        const char   *folder,
                                        guint         keep,
                                        GCancellable *cancellable,
                                        GError      **error);
char       *scim_backups_aside_path    (const char  *folder,
                                        const char  *db_path,
                                        gint64       now);

G_END_DECLS
