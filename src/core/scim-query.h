/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-store.h"

G_BEGIN_DECLS

typedef enum
{
  SCIM_LIST_USERS,
  SCIM_LIST_AUDIENCES,
  SCIM_LIST_CLIENTS,
  SCIM_LIST_PRODUCTS,
  SCIM_LIST_STAGES,
  SCIM_LIST_LEADS,
  SCIM_LIST_SALES,
  SCIM_LIST_TASKS,
  SCIM_LIST_EVENTS,
  SCIM_LIST_CONTACTS,
} ScimListKind;

/**
 * ScimQuery:
 * @kind: what to list
 * @owner_id: only rows of this user (owner, author), or 0
 * @product_id: only rows of this product, or 0
 * @client_id: only rows of this client, or 0 (sales, tasks, events, contacts)
 * @sale_id: only rows of this sale, or 0
 * @state: only rows in this state (a contact's role, a stage's kind, a user's role), or %NULL
 * @search: free text, or %NULL
 * @since: events at or after this time (UTC seconds), or 0
 * @until: events before this time (UTC seconds), or 0
 * @only_unread: only events the signed-in user has not read
 * @event_kind: only events of this kind (scim_event_kinds()), or %NULL
 *
 * What a list shows.  Filters that do not apply to @kind are ignored.
 */
typedef struct
{
  ScimListKind kind;
  gint64       owner_id;
  gint64       product_id;
  gint64       client_id;
  gint64       sale_id;
  char        *state;
  char        *search;
  gint64          since;
  gint64          until;
  gboolean        only_unread;
  char           *event_kind;
} ScimQuery;

#define SCIM_TYPE_QUERY (scim_query_get_type ())
GType       scim_query_get_type       (void) G_GNUC_CONST;
ScimQuery  *scim_query_new            (ScimListKind      kind);
ScimQuery  *scim_query_copy           (const ScimQuery  *query);
void        scim_query_free           (ScimQuery        *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimQuery, scim_query_free)

GType       scim_list_kind_get_record_type (ScimListKind kind);
gboolean    scim_list_kind_depends_on (ScimListKind      kind,
                                       const char       *entity);

GArray     *scim_store_query_ids      (ScimStore        *store,
                                       const ScimQuery  *query,
                                       GCancellable     *cancellable,
                                       GError          **error);
GPtrArray  *scim_store_load_rows      (ScimStore        *store,
                                       ScimListKind      kind,
                                       const gint64     *ids,
                                       guint             n_ids,
                                       GError          **error);
GListModel *scim_store_list           (ScimStore        *store,
                                       const ScimQuery  *query,
                                       GError          **error);

G_END_DECLS
