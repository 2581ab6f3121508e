/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_TASK_DIALOG (scim_task_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimTaskDialog, scim_task_dialog, SCIM, TASK_DIALOG, ScimEditDialog)

ScimTaskDialog *scim_task_dialog_new (GtkWindow  *parent,
                                      ScimStore  *store,
                                      gint64      sale_id,
                                      ScimRecord *task,
                                      GListModel *users,
                                      GListModel *stages,
                                      gint64      default_owner,
                                      gboolean    editable);
gboolean        scim_parse_due       (const char *text,
                                      gint64     *due_at,
                                      gboolean   *has_time);

G_END_DECLS
