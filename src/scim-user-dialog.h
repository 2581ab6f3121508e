/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_USER_DIALOG (scim_user_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimUserDialog, scim_user_dialog, SCIM, USER_DIALOG, ScimEditDialog)

ScimUserDialog *scim_user_dialog_new  (GtkWindow  *parent,
                                       ScimStore  *store,
                                       ScimRecord *user,
                                       gboolean    editable);
void            scim_user_dialog_fill (ScimUserDialog *self,
                                       const char     *login,
                                       const char     *full_name,
                                       ScimRole        role,
                                       const char     *password);

G_END_DECLS
