/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_STAGE_DIALOG (scim_stage_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ScimStageDialog, scim_stage_dialog, SCIM, STAGE_DIALOG, AdwWindow)

ScimStageDialog *scim_stage_dialog_new  (GtkWindow  *parent,
                                         ScimStore  *store,
                                         gint64      product_id,
                                         int         position,
                                         ScimStage  *stage);
void             scim_stage_dialog_save (ScimStageDialog *self);

G_END_DECLS
