/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_SALE_WINDOW (scim_sale_window_get_type ())
G_DECLARE_FINAL_TYPE (ScimSaleWindow, scim_sale_window, SCIM, SALE_WINDOW, AdwWindow)

ScimSaleWindow *scim_sale_window_open          (GtkWindow      *parent,
                                                ScimStore      *store,
                                                gint64          sale_id);
void            scim_sale_window_add_task      (ScimSaleWindow *self,
                                                const char     *title);
void            scim_sale_window_move_task     (ScimSaleWindow *self,
                                                guint           from,
                                                guint           to);
void            scim_sale_window_finish_task   (ScimSaleWindow *self,
                                                gint64          task_id,
                                                const char     *state,
                                                const char     *result);
gboolean        scim_sale_window_get_busy      (ScimSaleWindow *self);
GListModel     *scim_sale_window_get_tasks     (ScimSaleWindow *self);
GListModel     *scim_sale_window_get_events    (ScimSaleWindow *self);
GtkWidget      *scim_sale_window_add_event     (ScimSaleWindow *self);
GtkWidget      *scim_sale_window_get_task_row  (ScimSaleWindow *self,
                                                guint           position);

GtkWidget      *scim_sale_list_new             (ScimStore       *store,
                                                const ScimQuery *query);

G_END_DECLS
