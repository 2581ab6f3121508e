/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_LEADS_PAGE (scim_leads_page_get_type ())
G_DECLARE_FINAL_TYPE (ScimLeadsPage, scim_leads_page, SCIM, LEADS_PAGE, GtkWidget)

void        scim_leads_page_set_store (ScimLeadsPage *self,
                                       ScimStore     *store);
GtkWidget  *scim_leads_page_open_card (ScimLeadsPage *self,
                                       ScimRecord    *lead);
GtkWidget  *scim_leads_page_accept    (ScimLeadsPage *self,
                                       GArray        *ids);
gboolean    scim_leads_page_is_ready  (ScimLeadsPage *self);
GtkWidget  *scim_leads_page_get_table (ScimLeadsPage *self);
GListModel *scim_leads_page_get_model (ScimLeadsPage *self);

G_END_DECLS
