/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "scim-store.h"

G_BEGIN_DECLS

struct _ScimTx
{
  ScimStore *store;
  sqlite3   *db;
  gint64     now;
  gint64     user_id;
};

typedef struct
{
  int          version;
  const char  *sql;
  gboolean   (*after) (ScimTx *tx, GError **error);
} ScimMigration;

const ScimMigration *_scim_schema_get_migrations (guint *n_migrations);

void          _scim_store_lock            (ScimStore     *self);
void          _scim_store_unlock          (ScimStore     *self);
sqlite3      *_scim_store_get_db          (ScimStore     *self);
sqlite3_stmt *_scim_store_prepare         (ScimStore     *self,
                                           const char    *sql,
                                           GError       **error);
void          _scim_store_finalize        (ScimStore     *self,
                                           sqlite3_stmt  *stmt);
gboolean      _scim_store_set_error       (ScimStore     *self,
                                           int            rc,
                                           GError       **error);
void          _scim_stmt_bindv            (sqlite3_stmt  *stmt,
                                           const char    *fmt,
                                           va_list        args);
void          _scim_stmt_bind             (sqlite3_stmt  *stmt,
                                           const char    *fmt,
                                           ...);
int           _scim_store_step            (ScimStore     *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
gboolean      _scim_store_exec            (ScimStore     *self,
                                           GError       **error,
                                           const char    *sql,
                                           const char    *fmt,
                                           ...);
gint64        _scim_store_query_int       (ScimStore     *self,
                                           GError       **error,
                                           const char    *sql,
                                           const char    *fmt,
                                           ...);
GArray       *_scim_tx_collect_ids        (ScimTx        *tx,
                                           GError       **error,
                                           const char    *sql,
                                           const char    *fmt,
                                           ...);
gboolean      _scim_tx_log_ids            (ScimTx        *tx,
                                           const char    *entity,
                                           GArray        *ids,
                                           const char    *action,
                                           GError       **error);
gboolean      _scim_store_read            (ScimStore     *self,
                                           ScimTxFunc     func,
                                           gpointer       user_data,
                                           GError       **error);
gboolean      _scim_tx_finish_update      (ScimTx        *tx,
                                           const char    *entity,
                                           gint64         entity_id,
                                           GError       **error);
gboolean      _scim_store_require_writable (ScimStore    *self,
                                           GError       **error);
char         *_scim_format_time           (gint64         unix_time);
gint64        _scim_local_day_start       (gint64         unix_time,
                                           int            days);

/* The feed of colleagues' events (schema version 10) filled at once from
 * the last month's events, as its trigger keeps it row by row: by the
 * migration, and by the demo after its bulk insert. */
#define SCIM_SCHEMA_EVENT_NEWS_FILL \
  "INSERT OR IGNORE INTO event_news (user_id, created_at, event_id) " \
  "  SELECT s.owner_id, e.created_at, e.id FROM events e JOIN sales s ON s.id = e.sale_id " \
  "  WHERE e.created_at >= (SELECT max(created_at) FROM events) - 30 * 86400 " \
  "  AND s.owner_id IS NOT NULL AND s.owner_id IS NOT e.author_id " \
  "  UNION ALL SELECT p.manager_id, e.created_at, e.id FROM events e JOIN sales s ON s.id = e.sale_id " \
  "  JOIN products p ON p.id = s.product_id " \
  "  WHERE e.created_at >= (SELECT max(created_at) FROM events) - 30 * 86400 " \
  "  AND p.manager_id IS NOT NULL AND p.manager_id IS NOT e.author_id"

/* The text of a lead in the search index (schema version 12): its name,
 * company, phone and e-mail, "ё" as "е" (the index folds case). */
#define SCIM_SCHEMA_LEAD_SEARCH_TEXT(row) \
  "replace(replace(coalesce(" row ".name, '') || ' ' || coalesce(" row ".company, '') || ' ' || " \
  "coalesce(" row ".phone, '') || ' ' || coalesce(" row ".email, ''), 'ё', 'е'), 'Ё', 'Е')"

gboolean      _scim_tx_index_queued_leads (ScimTx        *tx,
                                           guint          limit,
                                           gboolean      *more,
                                           GError       **error);

/* The funnel's summaries (schema version 13), worked out again from the
 * sales and their stays: every product's (a migration, the demo after its
 * bulk insert), or those funnel_dirty names (after each write). */
/* A sale's furthest open or won stage, in the funnel's order (position,
 * then id), and the stage of its open stay: what the history pass of the
 * funnel finds, for the triggers and the rebuild alike. */
#define SCIM_SCHEMA_SALE_FURTHEST(sale) \
  "(SELECT st.id FROM stage_intervals i JOIN stages st ON st.id = i.stage_id" \
  " WHERE i.sale_id = " sale " AND st.kind IN ('open', 'won') ORDER BY st.position DESC, st.id DESC LIMIT 1)"
#define SCIM_SCHEMA_SALE_CURRENT(sale) \
  "(SELECT i.stage_id FROM stage_intervals i WHERE i.sale_id = " sale " AND i.left_at IS NULL" \
  " ORDER BY i.stage_id DESC, i.entered_at DESC LIMIT 1)"

gboolean      _scim_tx_rebuild_funnel_summaries (ScimTx   *tx,
                                                 GError  **error);
gboolean      _scim_tx_rebuild_dirty_funnels    (ScimTx   *tx,
                                                 GError  **error);

GVariant     *_scim_row_from_stmt         (sqlite3_stmt  *stmt,
                                           GByteArray    *scratch,
                                           GArray        *ends);

#define SCIM_STMT_ROW  SQLITE_ROW
#define SCIM_STMT_DONE SQLITE_DONE
#define SCIM_STMT_ERROR (-1)

G_END_DECLS
