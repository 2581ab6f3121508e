/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ScimFsKind:
 * @SCIM_FS_LOCAL: a local filesystem; WAL journal
 * @SCIM_FS_NETWORK: a network or cluster filesystem with working locks; rollback journal
 * @SCIM_FS_UNSAFE: a mount known to fake locks, or one whose locks may stay on this
 *   machine (FUSE); the file opens read-only unless the user trusts its locks
 */
typedef enum
{
  SCIM_FS_LOCAL,
  SCIM_FS_NETWORK,
  SCIM_FS_UNSAFE,
} ScimFsKind;

ScimFsKind  scim_fs_classify      (const char  *fstype,
                                   const char  *options,
                                   char       **reason);
ScimFsKind  scim_fs_detect        (const char  *path,
                                   char       **fstype,
                                   char       **reason);
const char *scim_fs_kind_to_string (ScimFsKind kind);

G_END_DECLS
