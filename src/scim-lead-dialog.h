/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_LEAD_DIALOG (scim_lead_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimLeadDialog, scim_lead_dialog, SCIM, LEAD_DIALOG, ScimEditDialog)

ScimLeadDialog *scim_lead_dialog_new  (GtkWindow  *parent,
                                       ScimStore  *store,
                                       ScimRecord *lead,
                                       GListModel *products,
                                       GListModel *users,
                                       gboolean    editable,
                                       gboolean    may_accept);
void            scim_lead_dialog_fill (ScimLeadDialog *self,
                                       const char     *name,
                                       const char     *company,
                                       const char     *phone,
                                       const char     *email);

GListModel     *scim_lead_dialog_get_sales (ScimLeadDialog *self);

GListModel     *scim_lead_dialog_get_duplicates (ScimLeadDialog *self);
void            scim_lead_dialog_merge          (ScimLeadDialog *self,
                                                 gint64          duplicate_id);

G_END_DECLS
