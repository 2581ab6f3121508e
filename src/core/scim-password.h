/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *scim_password_hash   (const char  *password,
                                GError     **error);
gboolean  scim_password_verify (const char  *password,
                                const char  *hash);

G_END_DECLS
