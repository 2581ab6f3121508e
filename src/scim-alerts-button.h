/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_ALERTS_BUTTON (scim_alerts_button_get_type ())
G_DECLARE_FINAL_TYPE (ScimAlertsButton, scim_alerts_button, SCIM, ALERTS_BUTTON, GtkWidget)

GtkWidget *scim_alerts_button_new          (void);
void       scim_alerts_button_set_store    (ScimAlertsButton *self,
                                            ScimStore        *store);
void       scim_alerts_button_refresh      (ScimAlertsButton *self);
void       scim_alerts_button_popup        (ScimAlertsButton *self);
void       scim_alerts_button_snooze       (ScimAlertsButton *self,
                                            const char       *key,
                                            gint64            until);
void       scim_alerts_button_mark_all_read (ScimAlertsButton *self);
void       scim_alerts_button_mark_read    (ScimAlertsButton *self,
                                            const char       *key);
GPtrArray *scim_alerts_button_get_alerts   (ScimAlertsButton *self);
guint      scim_alerts_button_get_unread   (ScimAlertsButton *self);
guint      scim_alerts_button_get_refreshes (ScimAlertsButton *self);
guint      scim_alerts_button_get_notified (ScimAlertsButton *self);
GtkWidget *scim_alerts_button_get_popover  (ScimAlertsButton *self);
guint      scim_alerts_button_get_mails_sent (ScimAlertsButton *self);
gboolean   scim_alerts_button_get_mail_failed (ScimAlertsButton *self);
void       scim_alerts_button_retry_mail   (ScimAlertsButton *self);

G_END_DECLS
