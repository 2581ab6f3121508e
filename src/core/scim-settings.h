/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-records.h"
#include "scim-store.h"
#include "scim-users.h"

G_BEGIN_DECLS

/* The Settings module's writes: audiences, clients and contacts, products
 * and their funnels, users.  Every function checks the signed-in user's
 * role inside its transaction, validates its input with a translated
 * message that names the field ("Name: …"), and changes nothing on error.
 * Updates take the version the editor started from and fail with
 * SCIM_STORE_ERROR_CONFLICT when someone saved in between. */

/* Audiences (admin) */
gint64    scim_store_add_audience      (ScimStore   *store,
                                        const char  *name,
                                        const char  *description,
                                        GError     **error);
gboolean  scim_store_update_audience   (ScimStore   *store,
                                        gint64       audience_id,
                                        gint64       version,
                                        const char  *name,
                                        const char  *description,
                                        GError     **error);
gboolean  scim_store_merge_audiences   (ScimStore   *store,
                                        gint64       from_id,
                                        gint64       into_id,
                                        GError     **error);
gboolean  scim_store_delete_audience   (ScimStore   *store,
                                        gint64       audience_id,
                                        GError     **error);

/* Clients (admin, head; a salesperson for clients they manage) */
typedef struct
{
  const char *kind;            /* "company" or "person" */
  const char *name;
  const char *tax_id;
  const char *phones;          /* one per line */
  const char *emails;          /* one per line */
  const char *address;
  const char *website;
  gint64      audience_id;     /* 0: none */
  gint64      manager_id;      /* 0: none */
  gboolean    is_customer;
  const char *notes;
} ScimClientFields;

gint64     scim_store_add_client           (ScimStore              *store,
                                            const ScimClientFields *fields,
                                            GError                **error);
gboolean   scim_store_update_client        (ScimStore              *store,
                                            gint64                  client_id,
                                            gint64                  version,
                                            const ScimClientFields *fields,
                                            GError                **error);
gboolean   scim_store_delete_client        (ScimStore              *store,
                                            gint64                  client_id,
                                            GError                **error);
GListModel *scim_store_find_duplicate_clients (ScimStore           *store,
                                            gint64                  except_id,
                                            const char             *tax_id,
                                            const char             *phones,
                                            const char             *emails,
                                            GError                **error);

/* Contacts of a client; role: decision_maker, key_contact, influence_agent, other */
gint64     scim_store_add_contact          (ScimStore   *store,
                                            gint64       client_id,
                                            const char  *name,
                                            const char  *position,
                                            const char  *phone,
                                            const char  *email,
                                            const char  *role,
                                            GError     **error);
gboolean   scim_store_update_contact       (ScimStore   *store,
                                            gint64       contact_id,
                                            gint64       version,
                                            const char  *name,
                                            const char  *position,
                                            const char  *phone,
                                            const char  *email,
                                            const char  *role,
                                            GError     **error);
gboolean   scim_store_delete_contact       (ScimStore   *store,
                                            gint64       contact_id,
                                            GError     **error);
GListModel *scim_store_list_contacts       (ScimStore   *store,
                                            gint64       client_id,
                                            GError     **error);
const char *scim_contact_role_get_label    (const char  *role);

/* Products and funnels (admin) */
typedef enum
{
  SCIM_FUNNEL_EMPTY,          /* one open and one won stage to start from */
  SCIM_FUNNEL_TEMPLATE,       /* the seed's "Financial consulting" funnel */
  SCIM_FUNNEL_COPY,           /* a copy of another product's funnel */
} ScimFunnelSource;

gint64    scim_store_add_product       (ScimStore        *store,
                                        const char       *name,
                                        const char       *description,
                                        gint64            audience_id,
                                        gint64            manager_id,
                                        ScimFunnelSource  source,
                                        gint64            copy_from_product,
                                        GError          **error);
gboolean  scim_store_update_product    (ScimStore        *store,
                                        gint64            product_id,
                                        gint64            version,
                                        const char       *name,
                                        const char       *description,
                                        gint64            audience_id,
                                        gint64            manager_id,
                                        gboolean          active,
                                        GError          **error);

typedef struct
{
  const char *name;
  const char *description;
  const char *kind;           /* "open", "won", "lost", "paused" */
  int         probability;    /* 0..100 */
  int         stuck_days;     /* 0: never stuck */
} ScimStageFields;

gint64    scim_store_add_stage         (ScimStore             *store,
                                        gint64                 product_id,
                                        int                    position,
                                        const ScimStageFields *fields,
                                        GError               **error);
gboolean  scim_store_update_stage      (ScimStore             *store,
                                        gint64                 stage_id,
                                        gint64                 version,
                                        const ScimStageFields *fields,
                                        GError               **error);
gboolean  scim_store_reorder_stages    (ScimStore             *store,
                                        gint64                 product_id,
                                        const gint64          *stage_ids,
                                        guint                  n_stage_ids,
                                        GError               **error);
gint64    scim_store_count_stage_sales (ScimStore             *store,
                                        gint64                 stage_id,
                                        GError               **error);
gboolean  scim_store_delete_stage      (ScimStore             *store,
                                        gint64                 stage_id,
                                        gint64                 move_sales_to,
                                        GError               **error);
gboolean  scim_store_import_funnel     (ScimStore             *store,
                                        const char            *product_name,
                                        const char            *text,
                                        gint64                *product_id,
                                        GError               **error);
ScimProduct *scim_store_find_product  (ScimStore             *store,
                                        const char            *name,
                                        GError               **error);

/* Users (admin) */
gboolean  scim_store_set_user_role     (ScimStore   *store,
                                        gint64       user_id,
                                        ScimRole     role,
                                        GError     **error);
gboolean  scim_store_set_user_flags    (ScimStore   *store,
                                        gint64       user_id,
                                        gboolean     active,
                                        gboolean     may_accept,
                                        GError     **error);

G_END_DECLS
