/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      scim_secrets_remember_async  (const char          *db_path,
                                        const char          *login,
                                        const char          *password,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  scim_secrets_remember_finish (GAsyncResult        *result,
                                        GError             **error);
void      scim_secrets_lookup_async    (const char          *db_path,
                                        const char          *login,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char     *scim_secrets_lookup_finish   (GAsyncResult        *result,
                                        GError             **error);
void      scim_secrets_forget_async    (const char          *db_path,
                                        const char          *login,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  scim_secrets_forget_finish   (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
