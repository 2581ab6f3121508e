/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_FUNNEL_EDITOR (scim_funnel_editor_get_type ())
G_DECLARE_FINAL_TYPE (ScimFunnelEditor, scim_funnel_editor, SCIM, FUNNEL_EDITOR, GtkWidget)

GtkWidget  *scim_funnel_editor_new          (void);
void        scim_funnel_editor_set_product  (ScimFunnelEditor *self,
                                             ScimStore        *store,
                                             gint64            product_id,
                                             gboolean          editable);
guint       scim_funnel_editor_get_n_stages (ScimFunnelEditor *self);
gint64      scim_funnel_editor_get_stage_id (ScimFunnelEditor *self,
                                             guint             position);
void        scim_funnel_editor_move         (ScimFunnelEditor *self,
                                             guint             from,
                                             guint             to);
GtkWidget  *scim_funnel_editor_get_row      (ScimFunnelEditor *self,
                                             guint             position);
gboolean    scim_funnel_editor_get_busy     (ScimFunnelEditor *self);

G_END_DECLS
