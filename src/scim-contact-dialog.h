/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_CONTACT_DIALOG (scim_contact_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimContactDialog, scim_contact_dialog, SCIM, CONTACT_DIALOG, ScimEditDialog)

ScimContactDialog *scim_contact_dialog_new (GtkWindow  *parent,
                                            ScimStore  *store,
                                            gint64      client_id,
                                            ScimRecord *contact,
                                            gboolean    editable);

G_END_DECLS
