/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scim-query.h"
#include "scim-store.h"

G_BEGIN_DECLS

/**
 * ScimMergeKind:
 * @SCIM_MERGE_SAME: both sides hold the same value (changed alike, or not at all)
 * @SCIM_MERGE_MINE: only I changed it: mine goes in
 * @SCIM_MERGE_THEIRS: only they changed it: theirs stays
 * @SCIM_MERGE_COLLISION: both changed it, differently: a person chooses
 *
 * How one field of a record merges when a save found the record changed by
 * someone else since it was read: a three-way comparison of the value as
 * read (the base), as edited (mine) and as saved by the other (theirs).
 */
typedef enum
{
  SCIM_MERGE_SAME,
  SCIM_MERGE_MINE,
  SCIM_MERGE_THEIRS,
  SCIM_MERGE_COLLISION,
} ScimMergeKind;

ScimMergeKind scim_merge_field   (GVariant    *base,
                                  GVariant    *mine,
                                  GVariant    *theirs);
GVariant     *scim_merge_fields  (GVariant    *base,
                                  GVariant    *mine,
                                  GVariant    *theirs,
                                  GStrv       *collisions);

/* Who last changed a record and when, for the conflict's explanation. */
gboolean      scim_store_last_change (ScimStore   *store,
                                  ScimListKind kind,
                                  gint64       id,
                                  char       **who,
                                  gint64      *at,
                                  GError     **error);

G_END_DECLS
