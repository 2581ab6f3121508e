/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SCIM_TYPE_SIGN_IN (scim_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (ScimSignIn, scim_sign_in, SCIM, SIGN_IN, GtkWidget)

void        scim_sign_in_set_users    (ScimSignIn *self,
                                       const char *file,
                                       GListModel *users);
void        scim_sign_in_select       (ScimSignIn *self,
                                       const char *login);
void        scim_sign_in_set_error    (ScimSignIn *self,
                                       const char *message);
gboolean    scim_sign_in_get_busy     (ScimSignIn *self);
void        scim_sign_in_set_busy     (ScimSignIn *self,
                                       gboolean    busy);
void        scim_sign_in_submit       (ScimSignIn *self,
                                       const char *password);

G_END_DECLS
