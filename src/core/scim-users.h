/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-records.h"
#include "scim-store.h"

G_BEGIN_DECLS

/**
 * ScimRole:
 * @SCIM_ROLE_SALES: edits own sales, tasks and events; reads the rest
 * @SCIM_ROLE_HEAD: edits all sales, reassigns, accepts leads
 * @SCIM_ROLE_ADMIN: everything, including settings and users
 */
typedef enum
{
  SCIM_ROLE_SALES,
  SCIM_ROLE_HEAD,
  SCIM_ROLE_ADMIN,
} ScimRole;

gboolean    scim_role_from_string        (const char  *text,
                                          ScimRole    *role);
const char *scim_role_to_string          (ScimRole     role);
const char *scim_role_get_label          (ScimRole     role);

gint64      scim_store_add_user          (ScimStore   *store,
                                          const char  *login,
                                          const char  *full_name,
                                          const char  *email,
                                          ScimRole     role,
                                          gboolean     may_accept,
                                          const char  *password,
                                          GError     **error);
gboolean    scim_store_set_password      (ScimStore   *store,
                                          gint64       user_id,
                                          const char  *password,
                                          GError     **error);
gboolean    scim_store_update_user_profile (ScimStore *store,
                                          gint64       user_id,
                                          gint64       version,
                                          const char  *full_name,
                                          const char  *email,
                                          GError     **error);
gint64      scim_store_count_users       (ScimStore   *store,
                                          GError     **error);
ScimUser   *scim_store_find_user         (ScimStore   *store,
                                          const char  *login,
                                          GError     **error);
ScimUser   *scim_store_get_user          (ScimStore   *store,
                                          gint64       user_id,
                                          GError     **error);
ScimUser   *scim_store_sign_in           (ScimStore   *store,
                                          const char  *login,
                                          const char  *password,
                                          GError     **error);
gboolean    scim_store_get_role          (ScimStore   *store,
                                          ScimRole    *role);
ScimRole    scim_store_get_user_role     (ScimStore   *store);
gboolean    scim_store_require_role      (ScimStore   *store,
                                          ScimRole     role,
                                          GError     **error);

gint64      scim_store_add_template_product (ScimStore *store,
                                          const char  *name,
                                          GError     **error);

G_END_DECLS
