/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"
#include "scim-pipeline-board.h"

G_BEGIN_DECLS

#define SCIM_TYPE_FUNNEL_PAGE (scim_funnel_page_get_type ())
G_DECLARE_FINAL_TYPE (ScimFunnelPage, scim_funnel_page, SCIM, FUNNEL_PAGE, GtkWidget)

void        scim_funnel_page_set_store (ScimFunnelPage *self,
                                        ScimStore      *store);
void        scim_funnel_page_show_stage    (ScimFunnelPage *self,
                                            gint64          stage_id);
GtkWidget  *scim_funnel_page_get_chart     (ScimFunnelPage *self);
GtkDropDown *scim_funnel_page_get_compare  (ScimFunnelPage *self);
GtkWidget  *scim_funnel_page_get_replay    (ScimFunnelPage *self,
                                            const char     *name);
gboolean    scim_funnel_page_get_busy      (ScimFunnelPage *self);
char       *scim_funnel_page_get_table_csv (ScimFunnelPage *self,
                                            const char     *name);
GListModel *scim_funnel_page_get_model (ScimFunnelPage *self);
gboolean    scim_funnel_page_select_product (ScimFunnelPage *self,
                                            gint64          product_id);
ScimPipelineBoard *scim_funnel_page_show_board (ScimFunnelPage *self,
                                            gboolean        board);

G_END_DECLS
