/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_CONFLICT_DIALOG (scim_conflict_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimConflictDialog, scim_conflict_dialog, SCIM, CONFLICT_DIALOG, AdwMessageDialog)

/* The responses, besides "cancel" (back to editing, nothing lost). */
#define SCIM_CONFLICT_MERGE  "merge"
#define SCIM_CONFLICT_MINE   "mine"
#define SCIM_CONFLICT_THEIRS "theirs"

ScimConflictDialog *scim_conflict_dialog_new     (GtkWindow          *parent,
                                                  const char         *who,
                                                  gint64              at);
void                scim_conflict_dialog_add_field (ScimConflictDialog *self,
                                                  const char         *key,
                                                  const char         *label,
                                                  const char         *mine,
                                                  const char         *theirs,
                                                  ScimMergeKind       kind);
guint               scim_conflict_dialog_get_n_fields (ScimConflictDialog *self);
guint               scim_conflict_dialog_get_n_collisions (ScimConflictDialog *self);
gboolean            scim_conflict_dialog_takes_theirs (ScimConflictDialog *self,
                                                  const char         *key);
void                scim_conflict_dialog_choose  (ScimConflictDialog *self,
                                                  const char         *key,
                                                  gboolean            theirs);

G_END_DECLS
