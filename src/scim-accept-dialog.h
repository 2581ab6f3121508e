/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_ACCEPT_DIALOG (scim_accept_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimAcceptDialog, scim_accept_dialog, SCIM, ACCEPT_DIALOG, ScimEditDialog)

ScimAcceptDialog *scim_accept_dialog_new        (GtkWindow    *parent,
                                                 ScimStore    *store,
                                                 const gint64 *lead_ids,
                                                 guint         n_leads,
                                                 GListModel   *products,
                                                 GListModel   *users);
gboolean          scim_accept_dialog_is_ready   (ScimAcceptDialog *self);
void              scim_accept_dialog_choose     (ScimAcceptDialog *self,
                                                 gint64            product_id,
                                                 gint64            owner_id,
                                                 guint             client_choice);

G_END_DECLS
