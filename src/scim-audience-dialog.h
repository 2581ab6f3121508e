/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-edit-dialog.h"

G_BEGIN_DECLS

#define SCIM_TYPE_AUDIENCE_DIALOG (scim_audience_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimAudienceDialog, scim_audience_dialog, SCIM, AUDIENCE_DIALOG, ScimEditDialog)

ScimAudienceDialog *scim_audience_dialog_new (GtkWindow  *parent,
                                              ScimStore  *store,
                                              ScimRecord *audience,
                                              GListModel *audiences,
                                              gboolean    editable);

G_END_DECLS
