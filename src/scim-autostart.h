/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  scim_autostart_uses_portal     (void);
char     *scim_autostart_get_desktop_path (void);
gboolean  scim_autostart_get_enabled     (gboolean     remembered);
void      scim_autostart_set_async       (gboolean             enable,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  scim_autostart_set_finish      (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
