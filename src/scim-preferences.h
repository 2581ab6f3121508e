/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_PREFERENCES (scim_preferences_get_type ())
G_DECLARE_FINAL_TYPE (ScimPreferences, scim_preferences, SCIM, PREFERENCES, AdwPreferencesWindow)

ScimPreferences *scim_preferences_new               (GtkWindow       *parent);
void             scim_preferences_save_password     (ScimPreferences *self);
void             scim_preferences_set_password_text (ScimPreferences *self,
                                                     const char      *password);
gboolean         scim_preferences_get_keyring_busy  (ScimPreferences *self);
void             scim_preferences_set_autostart     (ScimPreferences *self,
                                                     gboolean         enable);
gboolean         scim_preferences_get_autostart     (ScimPreferences *self);
gboolean         scim_preferences_get_autostart_busy (ScimPreferences *self);
const char      *scim_preferences_get_autostart_status (ScimPreferences *self);

G_END_DECLS
