/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_CLIENT_DIALOG (scim_client_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimClientDialog, scim_client_dialog, SCIM, CLIENT_DIALOG, ScimEditDialog)

ScimClientDialog *scim_client_dialog_new  (GtkWindow  *parent,
                                           ScimStore  *store,
                                           ScimRecord *client,
                                           GListModel *audiences,
                                           GListModel *users,
                                           gboolean    editable);
void              scim_client_dialog_fill (ScimClientDialog *self,
                                           const char       *name,
                                           const char       *tax_id,
                                           const char       *phones,
                                           const char       *emails);
guint             scim_client_dialog_get_n_duplicates (ScimClientDialog *self);

GListModel *scim_client_dialog_get_sales (ScimClientDialog *self);
void        scim_client_dialog_open_sale (ScimClientDialog *self,
                                          guint             index);

G_END_DECLS
