/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_PRODUCT_DIALOG (scim_product_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimProductDialog, scim_product_dialog, SCIM, PRODUCT_DIALOG, ScimEditDialog)

ScimProductDialog *scim_product_dialog_new (GtkWindow  *parent,
                                            ScimStore  *store,
                                            ScimRecord *product,
                                            GListModel *audiences,
                                            GListModel *users,
                                            GListModel *products,
                                            gboolean    editable);
GtkWidget         *scim_product_dialog_get_funnel_editor (ScimProductDialog *self);
void               scim_product_dialog_fill (ScimProductDialog *self,
                                             const char        *name,
                                             guint              funnel_source);

G_END_DECLS
