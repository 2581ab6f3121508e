/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"
#include "scim-alerts-button.h"

G_BEGIN_DECLS

#define SCIM_TYPE_WINDOW (scim_window_get_type ())
G_DECLARE_FINAL_TYPE (ScimWindow, scim_window, SCIM, WINDOW, AdwApplicationWindow)

ScimWindow *scim_window_new              (GtkApplication *application);
void        scim_window_open_file        (ScimWindow     *self,
                                          const char     *path,
                                          const char     *login);
void        scim_window_create_file      (ScimWindow     *self,
                                          const char     *path,
                                          const char     *login,
                                          const char     *full_name);
void        scim_window_show_welcome     (ScimWindow     *self);
const char *scim_window_get_state        (ScimWindow     *self);
gboolean    scim_window_get_needs_user   (ScimWindow     *self);
const char *scim_window_get_page         (ScimWindow     *self);
void        scim_window_set_page         (ScimWindow     *self,
                                          const char     *page);
ScimStore  *scim_window_get_store        (ScimWindow     *self);
ScimUser   *scim_window_get_user         (ScimWindow     *self);
GtkWidget  *scim_window_get_page_widget  (ScimWindow     *self,
                                          const char     *page);
const char *scim_window_get_read_only_reason (ScimWindow *self);
gboolean    scim_window_get_keyring_busy (ScimWindow     *self);
GtkWidget  *scim_window_get_welcome      (ScimWindow     *self);
GtkWidget  *scim_window_get_sign_in      (ScimWindow     *self);
ScimAlertsButton *scim_window_get_alerts_button (ScimWindow *self);
guint       scim_window_get_backups_made (ScimWindow     *self);
gboolean    scim_window_get_checked      (ScimWindow     *self);
const char *scim_window_get_online       (ScimWindow     *self);
void        scim_window_open_sale        (ScimWindow     *self,
                                          gint64          sale_id);

G_END_DECLS
