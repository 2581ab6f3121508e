/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_SETTINGS_PAGE (scim_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (ScimSettingsPage, scim_settings_page, SCIM, SETTINGS_PAGE, GtkWidget)

void        scim_settings_page_set_store (ScimSettingsPage *self,
                                          ScimStore        *store);
GtkWidget  *scim_settings_page_open_product (ScimSettingsPage *self,
                                             ScimRecord       *product);
GtkWidget  *scim_settings_page_get_add_button (ScimSettingsPage *self,
                                               const char       *section);
GListModel *scim_settings_page_get_section_model (ScimSettingsPage *self,
                                                  const char       *section);
GListModel *scim_settings_page_get_model (ScimSettingsPage *self);

G_END_DECLS
