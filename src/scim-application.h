/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SCIM_TYPE_APPLICATION (scim_application_get_type ())
G_DECLARE_FINAL_TYPE (ScimApplication, scim_application, SCIM, APPLICATION, AdwApplication)

ScimApplication *scim_application_new         (GApplicationFlags  flags);
GtkWindow       *scim_application_open_window (ScimApplication   *self,
                                               const char        *path,
                                               const char        *login);
GtkWindow       *scim_application_open_hidden (ScimApplication   *self,
                                               const char        *path,
                                               const char        *login);

G_END_DECLS
