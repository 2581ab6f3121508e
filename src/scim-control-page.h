/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_CONTROL_PAGE (scim_control_page_get_type ())
G_DECLARE_FINAL_TYPE (ScimControlPage, scim_control_page, SCIM, CONTROL_PAGE, GtkWidget)

void        scim_control_page_set_store (ScimControlPage *self,
                                         ScimStore       *store);
void        scim_control_page_set_due       (ScimControlPage *self,
                                             guint            due);
void        scim_control_page_show_everyone (ScimControlPage *self);
GtkWidget  *scim_control_page_get_table     (ScimControlPage *self);
GListModel *scim_control_page_get_model (ScimControlPage *self);
GtkDropDown *scim_control_page_get_filter (ScimControlPage *self,
                                           const char      *name);

void        scim_control_page_show_idle (ScimControlPage *self,
                                         guint            days);
GListModel *scim_control_page_get_sales_model (ScimControlPage *self);

G_END_DECLS
