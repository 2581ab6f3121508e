/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_BACKUPS_DIALOG (scim_backups_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimBackupsDialog, scim_backups_dialog, SCIM, BACKUPS_DIALOG, AdwWindow)

ScimBackupsDialog *scim_backups_dialog_new         (GtkWindow         *parent,
                                                    ScimStore         *store);
void               scim_backups_dialog_back_up     (ScimBackupsDialog *self);
void               scim_backups_dialog_restore     (ScimBackupsDialog *self,
                                                    guint              index);
guint              scim_backups_dialog_get_n_backups (ScimBackupsDialog *self);
gboolean           scim_backups_dialog_get_busy    (ScimBackupsDialog *self);
const char        *scim_backups_dialog_get_error   (ScimBackupsDialog *self);

G_END_DECLS
