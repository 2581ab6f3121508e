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
 * ScimDueFilter:
 * @SCIM_DUE_ANY: any due date, or none
 * @SCIM_DUE_OVERDUE: planned tasks past due: a task with a time once the
 *   time has passed, a task for a day once that (local) day is over
 * @SCIM_DUE_TODAY: due today, the local day
 * @SCIM_DUE_WEEK: due from today on, seven local days including today
 * @SCIM_DUE_NONE: without a due date
 *
 * Which tasks by their due date.
 */
typedef enum
{
  SCIM_DUE_ANY,
  SCIM_DUE_OVERDUE,
  SCIM_DUE_TODAY,
  SCIM_DUE_WEEK,
  SCIM_DUE_NONE,
} ScimDueFilter;

/**
 * ScimSaleSignal:
 * @SCIM_SALE_SIGNAL_NONE: every sale
 * @SCIM_SALE_SIGNAL_NO_PLAN: sales that are not lost and have no planned task
 * @SCIM_SALE_SIGNAL_IDLE: sales in work (an open stage, or paused past
 *   their date) without a stage move, a closed task or a sales-book event in
 *   the last @idle_days days
 * @SCIM_SALE_SIGNAL_STUCK: sales longer at their stage than its "stuck
 *   after N days", the oldest first
 *
 * The signals of broken discipline, as filters of the sales list.
 */
typedef enum
{
  SCIM_SALE_SIGNAL_NONE,
  SCIM_SALE_SIGNAL_NO_PLAN,
  SCIM_SALE_SIGNAL_IDLE,
  SCIM_SALE_SIGNAL_STUCK,
} ScimSaleSignal;

/* Sales without activity for this many days are idle unless a query says otherwise. */
#define SCIM_DEFAULT_IDLE_DAYS 14

/**
 * ScimQuery:
 * @kind: what to list
 * @owner_id: only rows of this user (owner, author), or 0
 * @product_id: only rows of this product, or 0
 * @client_id: only rows of this client, or 0 (sales, tasks, events, contacts)
 * @sale_id: only rows of this sale, or 0; a sale's tasks then come in the
 *   order of its plan
 * @state: only rows in this state (a contact's role, a stage's kind, a user's role), or %NULL
 * @search: free text, or %NULL
 * @stage_id: sales at this stage, tasks of sales at this stage, or 0
 * @due: tasks by their due date
 * @signal: sales by a signal of broken discipline
 * @idle_days: for %SCIM_SALE_SIGNAL_IDLE; 0: %SCIM_DEFAULT_IDLE_DAYS
 * @now: UTC seconds that @due and @signal count from; 0: the clock
 * @since: events (leads received, sales entered) at or after this time (UTC seconds), or 0
 * @until: events (leads received, sales entered) before this time (UTC seconds), or 0
 * @only_unread: only events the signed-in user has not read
 * @event_kind: only events of this kind (scim_event_kinds()), or %NULL
 * @sort: an index into scim_list_kind_get_sorts(), 0 for the list's own order
 * @source: leads whose source or channel contains this text, or %NULL
 * @lead_id: sales that came from this lead, or 0
 * @audience_id: sales of clients in this audience, or 0
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
  gint64          stage_id;
  ScimDueFilter   due;
  ScimSaleSignal  signal;
  guint           idle_days;
  gint64          now;
  gint64          since;
  gint64          until;
  gboolean        only_unread;
  char           *event_kind;
  guint           sort;
  char           *source;
  gint64          lead_id;
  gint64          audience_id;
} ScimQuery;

#define SCIM_TYPE_QUERY (scim_query_get_type ())
GType       scim_query_get_type       (void) G_GNUC_CONST;
ScimQuery  *scim_query_new            (ScimListKind      kind);
ScimQuery  *scim_query_copy           (const ScimQuery  *query);
void        scim_query_free           (ScimQuery        *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimQuery, scim_query_free)

GType       scim_list_kind_get_record_type (ScimListKind kind);
const char * const *scim_list_kind_get_sorts (ScimListKind kind);
const char *scim_list_kind_get_table (ScimListKind kind);
gboolean    scim_list_kind_depends_on (ScimListKind      kind,
                                       const char       *entity);

GArray     *scim_store_query_ids      (ScimStore        *store,
                                       const ScimQuery  *query,
                                       GCancellable     *cancellable,
                                       GError          **error);
GArray     *scim_store_query_page     (ScimStore        *store,
                                       const ScimQuery  *query,
                                       GVariant         *after,
                                       guint             limit,
                                       GVariant        **last_key,
                                       GCancellable     *cancellable,
                                       GError          **error);
gint64      scim_store_query_count    (ScimStore        *store,
                                       const ScimQuery  *query,
                                       GCancellable     *cancellable,
                                       GError          **error);
gboolean    scim_store_query_total    (ScimStore        *store,
                                       const ScimQuery  *query,
                                       gint64           *count,
                                       gint64           *amount,
                                       GCancellable     *cancellable,
                                       GError          **error);
GPtrArray  *scim_store_load_rows      (ScimStore        *store,
                                       ScimListKind      kind,
                                       const gint64     *ids,
                                       guint             n_ids,
                                       GError          **error);
GPtrArray  *scim_store_load_listing_rows (ScimStore     *store,
                                       ScimListKind      kind,
                                       const gint64     *ids,
                                       guint             n_ids,
                                       GError          **error);
GVariant   *scim_row_lookup           (GVariant         *row,
                                       const char       *key);

/**
 * ScimRowCursor:
 *
 * A row of a listing as it stands in the store, for a #ScimRowFunc.
 */
typedef struct _ScimRowCursor ScimRowCursor;

/**
 * ScimRowFunc:
 * @cursor: the row; valid during the call only
 * @user_data: the data given with the function
 *
 * Called for each row of scim_store_each_listing_row().
 */
typedef void (*ScimRowFunc) (ScimRowCursor *cursor,
                             gpointer       user_data);

int         scim_row_cursor_find      (ScimRowCursor    *cursor,
                                       const char       *name);
gboolean    scim_row_cursor_get_int   (ScimRowCursor    *cursor,
                                       int               column,
                                       gint64           *value);
const char *scim_row_cursor_get_text  (ScimRowCursor    *cursor,
                                       int               column);
gboolean    scim_store_each_listing_row (ScimStore      *store,
                                       ScimListKind      kind,
                                       const gint64     *ids,
                                       guint             n_ids,
                                       ScimRowFunc       func,
                                       gpointer          user_data,
                                       GError          **error);
void        scim_store_refresh        (ScimStore        *store);
GListModel *scim_store_list           (ScimStore        *store,
                                       const ScimQuery  *query,
                                       GError          **error);

G_END_DECLS
