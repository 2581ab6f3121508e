/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_IMPORT_DIALOG (scim_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimImportDialog, scim_import_dialog, SCIM, IMPORT_DIALOG, ScimEditDialog)

ScimImportDialog *scim_import_dialog_new           (GtkWindow        *parent,
                                                    ScimStore        *store,
                                                    GListModel       *users);
void              scim_import_dialog_set_file      (ScimImportDialog *self,
                                                    GFile            *file);
gboolean          scim_import_dialog_get_importing (ScimImportDialog *self);
guint             scim_import_dialog_get_n_columns (ScimImportDialog *self);
guint             scim_import_dialog_get_n_owners  (ScimImportDialog *self);
AdwComboRow      *scim_import_dialog_get_owner_row (ScimImportDialog *self,
                                                    guint             index);
const ScimImportReport *scim_import_dialog_get_report (ScimImportDialog *self);
gboolean          scim_import_dialog_get_done      (ScimImportDialog *self);
gboolean          scim_import_dialog_write_refused (ScimImportDialog *self,
                                                    GFile            *file,
                                                    GError          **error);

G_END_DECLS
