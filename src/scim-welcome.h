/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SCIM_TYPE_WELCOME (scim_welcome_get_type ())
G_DECLARE_FINAL_TYPE (ScimWelcome, scim_welcome, SCIM, WELCOME, GtkWidget)

void        scim_welcome_set_recent (ScimWelcome        *self,
                                     const char * const *paths);
void        scim_welcome_set_error  (ScimWelcome        *self,
                                     const char         *message);
const char *scim_welcome_get_error  (ScimWelcome        *self);
void        scim_welcome_fill       (ScimWelcome        *self,
                                     const char         *login,
                                     const char         *full_name,
                                     const char         *path);
void        scim_welcome_create     (ScimWelcome        *self);

G_END_DECLS
