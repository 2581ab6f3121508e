/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-funnel"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "scim-funnel.h"
#include "scim-store-private.h"

/* The Funnel module's statistics.  Everything about the past comes from
 * stage_intervals (one row per stay of a sale at a stage, kept by a trigger
 * on stage_changes): every sale has an interval from its creation on, so
 * "the stage at time T" is the interval with entered_at <= T and no left_at
 * or left_at > T, and a sale with no interval entered by T did not exist.
 *
 * One product costs two or three statements, each a covering index range:
 * the counts and amounts of now from sales_funnel; with a filter or as of a
 * date, the product's matching sales and their amounts (sales_funnel, or
 * sales_owner for one salesperson); and one pass over the product's stays in
 * sale order from stage_intervals_product_sale (schema version 7), folded
 * here as the rows come: each sale's furthest open or won stage, where it
 * stood and since when, the paused and lost stages it ever saw, and the
 * time spent at each stage.  SQL is built per call because the filter goes
 * into it; every value in it is an integer.  On the large demo (200,000
 * sales, 630,000 stays) one product takes about 16 ms, all twenty 120 ms.
 *
 * The funnel of now without a filter, the one the head of sales opens
 * every morning, reads the summaries of schema version 13 instead (see
 * scim-schema.c): a few rows a stage, 0.6 ms a product and 7.5 ms all
 * twenty on the same file (./build-aux/dev bench).  test-funnel checks them
 * against this pass. */

#define SECONDS_PER_DAY 86400
/* Paused and lost stages are tracked as bits of one integer. */
#define MAX_SIDE_STAGES 62

typedef struct
{
  const ScimFunnelFilter *filter;
  gint64                  now;
  gint64                  product_id;
  ScimFunnel             *funnel;     /* scim_store_funnel */
  GPtrArray              *funnels;    /* scim_store_funnels */
} FunnelRead;

/* Statements */

static sqlite3_stmt *
prepare (ScimTx      *tx,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (tx->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      if ((rc & 0xFF) != SQLITE_BUSY && (rc & 0xFF) != SQLITE_LOCKED &&
          (rc & 0xFF) != SQLITE_CORRUPT && (rc & 0xFF) != SQLITE_NOTADB)
        g_critical ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (tx->db));
      _scim_store_set_error (tx->store, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* After the last sqlite3_step(): finalizes @stmt, %FALSE with @error set
 * unless @rc says the rows ran out. */
static gboolean
finish (ScimTx        *tx,
        sqlite3_stmt  *stmt,
        int            rc,
        GError       **error)
{
  gboolean ok = rc == SQLITE_DONE;

  if (!ok)
    _scim_store_set_error (tx->store, rc, error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
filter_on_sales (const ScimFunnelFilter *f)
{
  return f->owner_id != 0 || f->audience_id != 0 || f->entered_since != 0 || f->entered_until != 0;
}

/* The filter's conditions on sales (alias @s), each starting with AND. */
static void
append_sale_filter (GString                *sql,
                    const ScimFunnelFilter *f,
                    const char             *s)
{
  if (f->owner_id != 0)
    g_string_append_printf (sql, " AND %s.owner_id = %" G_GINT64_FORMAT, s, f->owner_id);
  if (f->audience_id != 0)
    g_string_append_printf (sql, " AND %s.client_id IN (SELECT id FROM clients WHERE audience_id = %" G_GINT64_FORMAT ")",
                            s, f->audience_id);
  if (f->entered_since != 0)
    g_string_append_printf (sql, " AND %s.created_at >= %" G_GINT64_FORMAT, s, f->entered_since);
  if (f->entered_until != 0)
    g_string_append_printf (sql, " AND %s.created_at <= %" G_GINT64_FORMAT, s, f->entered_until);
}

/* The filter's conditions on a sale s, product included, each starting
 * with AND; without its salesperson when @with_owner is %FALSE. */
static void
append_sale_conditions (GString                *sql,
                        const ScimFunnelFilter *filter,
                        gboolean                with_owner)
{
  ScimFunnelFilter f = *filter;

  if (!with_owner)
    f.owner_id = 0;
  if (f.product_id != 0)
    g_string_append_printf (sql, " AND s.product_id = %" G_GINT64_FORMAT, f.product_id);
  if (f.as_of != 0)
    g_string_append_printf (sql, " AND s.created_at <= %" G_GINT64_FORMAT, f.as_of);
  append_sale_filter (sql, &f, "s");
}

/* The moment the numbers stand at. */
static gint64
filter_time (const ScimFunnelFilter *f,
             gint64                  now)
{
  return f->as_of != 0 ? f->as_of : now;
}

static gint64
column_int (sqlite3_stmt *stmt,
            int           column)
{
  return sqlite3_column_int64 (stmt, column);
}

static gint64
column_money (sqlite3_stmt *stmt,
              int           column)
{
  /* total() is a double; amounts stay far below 2^53 minor units. */
  return (gint64) llround (sqlite3_column_double (stmt, column));
}

static gint64
weigh (gint64 amount,
       int    probability)
{
  return (amount * probability + 50) / 100;
}

/* Funnels */

static void
stage_free (gpointer data)
{
  ScimFunnelStage *stage = data;

  g_free (stage->name);
  g_free (stage->kind);
  g_free (stage);
}

/**
 * scim_funnel_free:
 * @funnel: (nullable): a funnel from scim_store_funnel()
 */
void
scim_funnel_free (ScimFunnel *funnel)
{
  if (funnel == NULL)
    return;
  g_free (funnel->product);
  g_clear_pointer (&funnel->stages, g_ptr_array_unref);
  g_free (funnel);
}

static gboolean
is_kind (const ScimFunnelStage *stage,
         const char            *kind)
{
  return g_str_equal (stage->kind, kind);
}

static gboolean
is_step (const ScimFunnelStage *stage)
{
  return is_kind (stage, "open") || is_kind (stage, "won");
}

static gboolean
load_stages (ScimTx      *tx,
             ScimFunnel  *funnel,
             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, name, kind, position, probability, coalesce(stuck_days, 0) "
                              "FROM stages WHERE product_id = ? ORDER BY position, id", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", funnel->product_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      ScimFunnelStage *stage = g_new0 (ScimFunnelStage, 1);

      stage->stage_id = sqlite3_column_int64 (stmt, 0);
      stage->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      stage->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      stage->position = sqlite3_column_int (stmt, 3);
      stage->probability = sqlite3_column_int (stmt, 4);
      stage->stuck_days = sqlite3_column_int (stmt, 5);
      stage->conversion = -1;
      g_ptr_array_add (funnel->stages, stage);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

static int
stage_index (const ScimFunnel *funnel,
             gint64            stage_id)
{
  for (guint i = 0; i < funnel->stages->len; i++)
    if (((ScimFunnelStage *) g_ptr_array_index (funnel->stages, i))->stage_id == stage_id)
      return (int) i;
  return -1;
}

/* Sales standing at each stage now: the covering index sales_funnel when
 * nothing but the product is filtered. */
static gboolean
read_counts_now (ScimTx                 *tx,
                 ScimFunnel             *funnel,
                 const ScimFunnelFilter *filter,
                 GError                **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_string_printf (sql, "SELECT s.stage_id, count(*), total(s.amount) FROM sales s WHERE s.product_id = %" G_GINT64_FORMAT,
                   funnel->product_id);
  append_sale_filter (sql, filter, "s");
  g_string_append (sql, " GROUP BY s.stage_id");

  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int i = stage_index (funnel, column_int (stmt, 0));

      if (i >= 0)
        {
          ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);
          stage->count = (guint) column_int (stmt, 1);
          stage->amount = column_money (stmt, 2);
        }
    }
  return finish (tx, stmt, rc, error);
}

typedef struct
{
  gint64 id;
  gint64 amount;
} SaleAmount;

static int
compare_sale_amounts (gconstpointer a,
                      gconstpointer b)
{
  gint64 x = ((const SaleAmount *) a)->id, y = ((const SaleAmount *) b)->id;

  return x < y ? -1 : x > y;
}

/* The sales of a product the filter keeps, with their amounts, by id: the
 * covering index sales_funnel (sales_owner with a salesperson) when nothing
 * else is filtered.  Whether a sale existed at a past moment is for the
 * history to say: its first stay begins when it was created. */
static GArray *
read_sale_amounts (ScimTx                 *tx,
                   gint64                  product_id,
                   const ScimFunnelFilter *filter,
                   GError                **error)
{
  g_autoptr(GArray) sales = g_array_new (FALSE, FALSE, sizeof (SaleAmount));
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_string_printf (sql, "SELECT s.id, s.amount FROM sales s WHERE s.product_id = %" G_GINT64_FORMAT, product_id);
  append_sale_filter (sql, filter, "s");
  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SaleAmount sale = { column_int (stmt, 0), column_int (stmt, 1) };
      g_array_append_val (sales, sale);
    }
  if (!finish (tx, stmt, rc, error))
    return NULL;
  g_array_sort (sales, compare_sale_amounts);
  return g_steal_pointer (&sales);
}

/* What the pass over the history gathers. */
typedef struct
{
  ScimFunnel *funnel;
  gint64      at;          /* the moment: now, or the filter's as_of */
  gboolean    as_of;       /* count the sales standing at each stage then */
  int        *step_of;     /* per stage: its open/won step, or -1 */
  int        *side_of;     /* per stage: its paused/lost bit, or -1 */
  guint      *hist;        /* per step: sales whose furthest step it is */
  guint      *hist_won;    /* … of them now at a won stage */
  guint      *hist_closed; /* … of them now at a won or lost stage */
  guint      *side_won;    /* per paused/lost bit: sales ever there now won */
  double     *seconds;     /* per stage: time spent there, all stays */
  guint      *stays;       /* per stage: the number of stays */

  /* The sale being read */
  int         furthest;
  int         current;
  gint64      current_since;
  guint64     visited;
  gint64      amount;
} History;

static void
history_sale_begin (History *h,
                    gint64   amount)
{
  h->furthest = -1;
  h->current = -1;
  h->current_since = 0;
  h->visited = 0;
  h->amount = amount;
}

/* Whether a sale standing at the stage of index @current (-1: none) is
 * won, and whether it is closed (won or lost). */
static void
outcome_at (const ScimFunnel *funnel,
            int               current,
            gboolean         *won,
            gboolean         *closed)
{
  const ScimFunnelStage *now = current >= 0 ? g_ptr_array_index (funnel->stages, current) : NULL;

  *won = now != NULL && is_kind (now, "won");
  *closed = *won || (now != NULL && is_kind (now, "lost"));
}

static void
history_sale_end (History *h)
{
  ScimFunnelStage *now = h->current >= 0 ? g_ptr_array_index (h->funnel->stages, h->current) : NULL;
  gboolean won, closed;

  outcome_at (h->funnel, h->current, &won, &closed);

  if (now != NULL)
    {
      if (now->stuck_days > 0 && h->current_since < h->at - (gint64) now->stuck_days * SECONDS_PER_DAY)
        now->stuck++;
      if (h->as_of)
        {
          now->count++;
          now->amount += h->amount;
        }
    }
  if (h->furthest >= 0)
    {
      h->hist[h->furthest]++;
      h->hist_won[h->furthest] += won;
      h->hist_closed[h->furthest] += closed;
    }
  for (guint i = 0; h->visited != 0 && i < h->funnel->stages->len; i++)
    {
      int bit = h->side_of[i];

      if (bit >= 0 && (h->visited & ((guint64) 1 << bit)))
        {
          ScimFunnelStage *side = g_ptr_array_index (h->funnel->stages, i);
          side->reached++;
          side->closed += closed;
          h->side_won[bit] += won;
        }
    }
}

/* Every stay of every sale of the product, in sale order from the covering
 * index stage_intervals_product_sale, folded in one pass: each sale's
 * furthest open or won step, where it stood at @at and since when, the
 * paused and lost stages it ever saw, and the time spent at each stage
 * (closed stays whole, the current one up to @at).  @sales, when given, is
 * the sales to keep (by id) with their amounts. */
static gboolean
read_history (ScimTx      *tx,
              History     *h,
              GArray      *sales,
              GError     **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  const ScimFunnel *funnel = h->funnel;
  guint next_sale = 0;
  gboolean keep = TRUE;
  gint64 sale = -1;
  int cached = -1;
  gint64 cached_id = 0;
  sqlite3_stmt *stmt;
  int rc;

  g_string_printf (sql, "SELECT si.sale_id, si.stage_id, si.entered_at, si.left_at FROM stage_intervals si "
                        "WHERE si.product_id = %" G_GINT64_FORMAT " AND si.entered_at <= %" G_GINT64_FORMAT
                        " ORDER BY si.sale_id",
                   funnel->product_id, h->at);
  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 stage_id = sqlite3_column_int64 (stmt, 1);
      gint64 entered = sqlite3_column_int64 (stmt, 2);
      gboolean open = sqlite3_column_type (stmt, 3) == SQLITE_NULL;
      gint64 left = open ? h->at : MIN (sqlite3_column_int64 (stmt, 3), h->at);
      int i;

      if (id != sale)
        {
          if (sale >= 0 && keep)
            history_sale_end (h);
          sale = id;
          if (sales != NULL)
            {
              /* Both go by id: a merge, not a lookup per sale. */
              while (next_sale < sales->len && g_array_index (sales, SaleAmount, next_sale).id < id)
                next_sale++;
              keep = next_sale < sales->len && g_array_index (sales, SaleAmount, next_sale).id == id;
            }
          history_sale_begin (h, keep && sales != NULL ? g_array_index (sales, SaleAmount, next_sale).amount : 0);
        }
      if (!keep)
        continue;

      if (stage_id == cached_id && cached >= 0)
        i = cached;
      else
        {
          i = stage_index (funnel, stage_id);
          cached = i;
          cached_id = stage_id;
        }
      if (i < 0)
        continue;

      /* Standing there at @at: the stay has not ended by then. */
      if (open || sqlite3_column_int64 (stmt, 3) > h->at)
        {
          h->current = i;
          h->current_since = entered;
        }
      if (h->step_of[i] > h->furthest)
        h->furthest = h->step_of[i];
      if (h->side_of[i] >= 0)
        h->visited |= (guint64) 1 << h->side_of[i];
      h->seconds[i] += MAX (0, left - entered);
      h->stays[i]++;
    }
  if (sale >= 0 && keep && rc == SQLITE_DONE)
    history_sale_end (h);
  return finish (tx, stmt, rc, error);
}

/* The summaries (schema version 13) */

/* The funnel of now with no filter reads the summaries the triggers keep,
 * unless the product's stages were reordered or changed kind since the last
 * rebuild (funnel_dirty), or a stay begins after @at (a clock ahead on
 * another machine of the team): the history alone says what those mean. */
static gboolean
summary_serves (ScimTx                 *tx,
                gint64                  product_id,
                const ScimFunnelFilter *filter,
                gint64                  at,
                gboolean               *serves,
                GError                **error)
{
  gint64 n;

  *serves = FALSE;
  if (scim_store_get_schema_version (tx->store) < 13 || filter->as_of != 0 || filter_on_sales (filter))
    return TRUE;
  n = _scim_store_query_int (tx->store, error,
                             "SELECT EXISTS (SELECT 1 FROM funnel_dirty WHERE product_id = ?1) "
                             "OR EXISTS (SELECT 1 FROM stage_intervals WHERE product_id = ?1 AND entered_at > ?2)",
                             "II", product_id, at);
  if (n < 0)
    return FALSE;
  *serves = n == 0;
  return TRUE;
}

/* What read_history() gathers, from the summaries: the counts and amounts
 * of now, each stage's stays, the sales by furthest step and by the side
 * stages they saw, each counted at the stage they stand at, and the stuck
 * ones, a range of the open stays by start time. */
static gboolean
read_summary (ScimTx   *tx,
              History  *h,
              GError  **error)
{
  ScimFunnel *funnel = h->funnel;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT t.stage_id, t.sales, t.amount, t.stays, t.closed_seconds, t.open_stays, t.open_entered "
                              "FROM stages st JOIN stage_totals t ON t.stage_id = st.id WHERE st.product_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", funnel->product_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      int i = stage_index (funnel, column_int (stmt, 0));
      ScimFunnelStage *stage;

      if (i < 0)
        continue;
      stage = g_ptr_array_index (funnel->stages, i);
      stage->count = (guint) column_int (stmt, 1);
      stage->amount = column_int (stmt, 2);
      h->stays[i] = (guint) column_int (stmt, 3);
      h->seconds[i] = (double) column_int (stmt, 4) +
                      (double) column_int (stmt, 5) * (double) h->at - (double) column_int (stmt, 6);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT furthest_id, current_id, sales FROM funnel_paths "
                              "WHERE product_id = ? AND sales != 0", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", funnel->product_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      int furthest = stage_index (funnel, column_int (stmt, 0));
      guint n = (guint) column_int (stmt, 2);
      gboolean won, closed;

      outcome_at (funnel, stage_index (funnel, column_int (stmt, 1)), &won, &closed);
      if (furthest < 0 || h->step_of[furthest] < 0)
        continue;
      h->hist[h->step_of[furthest]] += n;
      h->hist_won[h->step_of[furthest]] += won ? n : 0;
      h->hist_closed[h->step_of[furthest]] += closed ? n : 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT side_id, current_id, sales FROM funnel_sides "
                              "WHERE product_id = ? AND sales != 0", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", funnel->product_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      int side = stage_index (funnel, column_int (stmt, 0));
      guint n = (guint) column_int (stmt, 2);
      gboolean won, closed;
      ScimFunnelStage *stage;

      outcome_at (funnel, stage_index (funnel, column_int (stmt, 1)), &won, &closed);

      if (side < 0 || h->side_of[side] < 0)
        continue;
      stage = g_ptr_array_index (funnel->stages, side);
      stage->reached += n;
      stage->closed += closed ? n : 0;
      h->side_won[h->side_of[side]] += won ? n : 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT st.id, (SELECT count(*) FROM stage_intervals i INDEXED BY stage_intervals_open_stage "
                              "  WHERE i.stage_id = st.id AND i.left_at IS NULL AND i.entered_at < ?2 - st.stuck_days * 86400) "
                              "FROM stages st WHERE st.product_id = ?1 AND st.stuck_days > 0", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "II", funnel->product_id, h->at);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      int i = stage_index (funnel, column_int (stmt, 0));

      if (i >= 0)
        ((ScimFunnelStage *) g_ptr_array_index (funnel->stages, i))->stuck = (guint) column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* One product's summaries from its sales and stays.  The rows of the
 * sales' paths go through the triggers that count them. */
static const char * const rebuild_product_sql[] = {
  "DELETE FROM sale_sides WHERE sale_id IN (SELECT sale_id FROM sale_paths WHERE product_id = ?1)",
  "DELETE FROM sale_paths WHERE product_id = ?1",
  "DELETE FROM funnel_paths WHERE product_id = ?1",
  "DELETE FROM funnel_sides WHERE product_id = ?1",
  "DELETE FROM stage_totals WHERE stage_id IN (SELECT id FROM stages WHERE product_id = ?1)",
  "INSERT INTO stage_totals (stage_id, sales, amount) "
  "SELECT stage_id, count(*), sum(amount) FROM sales WHERE product_id = ?1 GROUP BY stage_id",
  "INSERT INTO stage_totals (stage_id, stays, closed_seconds, open_stays, open_entered) "
  "SELECT stage_id, count(*), coalesce(sum(left_at - entered_at), 0), count(*) - count(left_at), "
  "  sum(iif(left_at IS NULL, entered_at, 0)) "
  "FROM stage_intervals WHERE product_id = ?1 GROUP BY stage_id "
  "ON CONFLICT (stage_id) DO UPDATE SET stays = excluded.stays, closed_seconds = excluded.closed_seconds, "
  "  open_stays = excluded.open_stays, open_entered = excluded.open_entered",
  "INSERT INTO sale_paths (sale_id, product_id, furthest_id, current_id) "
  "SELECT s.sale_id, ?1, " SCIM_SCHEMA_SALE_FURTHEST ("s.sale_id") ", " SCIM_SCHEMA_SALE_CURRENT ("s.sale_id") " "
  "FROM (SELECT DISTINCT sale_id FROM stage_intervals WHERE product_id = ?1) s",
  "INSERT INTO sale_sides (sale_id, stage_id) "
  "SELECT DISTINCT i.sale_id, i.stage_id FROM stage_intervals i JOIN stages st ON st.id = i.stage_id "
  "WHERE i.product_id = ?1 AND st.kind IN ('paused', 'lost')",
  "DELETE FROM funnel_dirty WHERE product_id = ?1",
};

static gboolean
rebuild_products (ScimTx      *tx,
                  const char  *ids_sql,
                  GError     **error)
{
  g_autoptr(GArray) ids = _scim_tx_collect_ids (tx, error, ids_sql, "");

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (rebuild_product_sql); j++)
      if (!_scim_store_exec (tx->store, error, rebuild_product_sql[j], "I", g_array_index (ids, gint64, i)))
        return FALSE;
  /* Products gone since they were marked. */
  return _scim_store_exec (tx->store, error, "DELETE FROM funnel_dirty", "");
}

/**
 * _scim_tx_rebuild_funnel_summaries:
 * @tx: a write transaction
 * @error: return location for an error
 *
 * Works out every product's funnel summaries again: the migration to
 * schema version 13 and the demo after its bulk insert.
 */
gboolean
_scim_tx_rebuild_funnel_summaries (ScimTx    *tx,
                                   GError   **error)
{
  return rebuild_products (tx, "SELECT id FROM products ORDER BY id", error);
}

/**
 * _scim_tx_rebuild_dirty_funnels:
 * @tx: a write transaction
 * @error: return location for an error
 *
 * Works out again the summaries of the products whose stages were
 * reordered or changed kind (funnel_dirty).  scim_store_write() calls it
 * after every write; it costs one lookup when there are none.
 */
gboolean
_scim_tx_rebuild_dirty_funnels (ScimTx    *tx,
                                GError   **error)
{
  gint64 dirty = _scim_store_query_int (tx->store, error, "SELECT EXISTS (SELECT 1 FROM funnel_dirty)", "");

  if (dirty <= 0)
    return dirty == 0;
  return rebuild_products (tx, "SELECT product_id FROM funnel_dirty ORDER BY product_id", error);
}

static ScimFunnel *
read_funnel (ScimTx                 *tx,
             gint64                  product_id,
             const char             *product,
             const ScimFunnelFilter *filter,
             gint64                  now,
             GError                **error)
{
  g_autoptr(ScimFunnel) funnel = g_new0 (ScimFunnel, 1);
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) sides = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) sales = NULL;
  g_autofree int *step_of = NULL;
  g_autofree int *side_of = NULL;
  g_autofree guint *hist = NULL;
  g_autofree guint *hist_won = NULL;
  g_autofree guint *hist_closed = NULL;
  g_autofree guint *side_won = NULL;
  g_autofree double *seconds = NULL;
  g_autofree guint *stays = NULL;
  History history = { 0 };
  guint n_stages;
  gint64 at = filter_time (filter, now);
  guint reached = 0, won = 0, closed = 0, top = 0;
  double worst = G_MAXDOUBLE;
  int first_open = -1;
  gboolean summary = FALSE;

  funnel->product_id = product_id;
  funnel->stages = g_ptr_array_new_with_free_func (stage_free);
  funnel->worst_step = -1;
  funnel->as_of = at;

  if (product != NULL)
    funnel->product = g_strdup (product);
  else
    {
      sqlite3_stmt *stmt = _scim_store_prepare (tx->store, "SELECT name FROM products WHERE id = ?", error);
      int rc;

      if (stmt == NULL)
        return NULL;
      _scim_stmt_bind (stmt, "I", product_id);
      rc = _scim_store_step (tx->store, stmt, error);
      if (rc == SCIM_STMT_ERROR)
        return NULL;
      if (rc == SQLITE_ROW)
        funnel->product = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      if (funnel->product == NULL)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                       _("The product is not in the database any more. Choose another one."));
          return NULL;
        }
    }

  if (!load_stages (tx, funnel, error))
    return NULL;

  n_stages = MAX (funnel->stages->len, 1);
  step_of = g_new (int, n_stages);
  side_of = g_new (int, n_stages);
  for (guint i = 0; i < funnel->stages->len; i++)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);
      int index = (int) i;

      step_of[i] = side_of[i] = -1;
      if (is_step (stage))
        {
          step_of[i] = (int) steps->len;
          g_array_append_val (steps, index);
        }
      else if (sides->len < MAX_SIDE_STAGES)
        {
          side_of[i] = (int) sides->len;
          g_array_append_val (sides, index);
        }
    }
  hist = g_new0 (guint, MAX (steps->len, 1));
  hist_won = g_new0 (guint, MAX (steps->len, 1));
  hist_closed = g_new0 (guint, MAX (steps->len, 1));
  side_won = g_new0 (guint, MAX (sides->len, 1));
  seconds = g_new0 (double, n_stages);
  stays = g_new0 (guint, n_stages);

  history = (History) { funnel, at, filter->as_of != 0, step_of, side_of, hist, hist_won, hist_closed, side_won,
                        seconds, stays, 0, 0, 0, 0, 0 };
  if (!summary_serves (tx, product_id, filter, at, &summary, error))
    return NULL;
  if (summary)
    {
      if (!read_summary (tx, &history, error))
        return NULL;
    }
  else
    {
      /* Now: counts and amounts from sales.  As of a date: from the stays,
       * with the amounts of the sales that existed then. */
      if (filter->as_of == 0 && !read_counts_now (tx, funnel, filter, error))
        return NULL;
      if ((filter->as_of != 0 || filter_on_sales (filter)) &&
          (sales = read_sale_amounts (tx, product_id, filter, error)) == NULL)
        return NULL;
      if (!read_history (tx, &history, sales, error))
        return NULL;
    }

  /* Reached: a sale counts at its furthest step and at every step before. */
  for (int k = (int) steps->len - 1; k >= 0; k--)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, g_array_index (steps, int, k));

      reached += hist[k];
      won += hist_won[k];
      closed += hist_closed[k];
      stage->reached = reached;
      stage->closed = closed;
      stage->observed_win_rate = closed > 0 ? (double) won / closed : 0;
    }
  for (guint j = 0; j < sides->len; j++)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, g_array_index (sides, int, j));
      stage->observed_win_rate = stage->closed > 0 ? (double) side_won[j] / stage->closed : 0;
    }

  /* The top of the funnel is its first open stage. */
  for (guint k = 0; k < steps->len && first_open < 0; k++)
    if (is_kind (g_ptr_array_index (funnel->stages, g_array_index (steps, int, k)), "open"))
      first_open = g_array_index (steps, int, k);
  if (first_open < 0 && steps->len > 0)
    first_open = g_array_index (steps, int, 0);
  if (first_open >= 0)
    top = ((ScimFunnelStage *) g_ptr_array_index (funnel->stages, first_open))->reached;

  for (guint i = 0; i < funnel->stages->len; i++)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);

      stage->weighted_amount = weigh (stage->amount, stage->probability);
      stage->avg_days = stays[i] > 0 ? seconds[i] / stays[i] / SECONDS_PER_DAY : 0;
      stage->share = top > 0 ? (double) stage->reached / top : 0;
      if (is_kind (stage, "open"))
        {
          funnel->in_work += stage->count;
          funnel->in_work_amount += stage->amount;
          funnel->forecast_wins += stage->count * stage->observed_win_rate;
          funnel->forecast_wins_configured += stage->count * stage->probability / 100.0;
          funnel->forecast_amount += llround (stage->amount * stage->observed_win_rate);
          funnel->forecast_amount_configured += weigh (stage->amount, stage->probability);
        }
      else if (is_kind (stage, "won"))
        {
          funnel->won += stage->count;
          funnel->won_amount += stage->amount;
        }
      else if (is_kind (stage, "lost"))
        {
          funnel->lost += stage->count;
          funnel->lost_amount += stage->amount;
        }
      else
        {
          funnel->paused += stage->count;
          funnel->paused_amount += stage->amount;
        }
    }

  /* Conversion to the next step; the worst one is the lowest of the steps
   * that some sale reached (0 of 0 is no drop-off). */
  for (guint k = 0; k + 1 < steps->len; k++)
    {
      ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, g_array_index (steps, int, k));
      ScimFunnelStage *next = g_ptr_array_index (funnel->stages, g_array_index (steps, int, k + 1));

      stage->conversion = stage->reached > 0 ? (double) next->reached / stage->reached : 0;
      if (stage->reached > 0 && stage->conversion < worst)
        {
          worst = stage->conversion;
          funnel->worst_step = g_array_index (steps, int, k);
        }
    }

  return g_steal_pointer (&funnel);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
funnel_cb (ScimTx    *tx,
           gpointer   user_data,
           GError   **error)
{
  FunnelRead *read = user_data;

  g_clear_pointer (&read->funnel, scim_funnel_free);
  read->funnel = read_funnel (tx, read->product_id, NULL, read->filter, read->now, error);
  return read->funnel != NULL;
}

/**
 * scim_store_funnel:
 * @store: a #ScimStore
 * @filter: the product (required) and what to count
 * @error: return location for an error
 *
 * The funnel of one product: per stage, in funnel order and of every kind,
 * the sales standing there, how many reached it, conversion, time in stage,
 * stuck sales and the win rate observed in the stage history; with a
 * forecast from both the observed and the configured rates.  With
 * @filter->as_of, the funnel as it stood then, rebuilt from the history
 * (amounts are today's amounts of the sales).  May block.
 *
 * Returns: (transfer full): the funnel, or %NULL with @error set
 *   (%SCIM_STORE_ERROR_NOT_FOUND when the product does not exist)
 */
ScimFunnel *
scim_store_funnel (ScimStore              *store,
                   const ScimFunnelFilter *filter,
                   GError                **error)
{
  FunnelRead read = { filter, now_seconds (), 0, NULL, NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (filter != NULL, NULL);

  if (filter->product_id <= 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("Choose a product: each has its own funnel."));
      return NULL;
    }
  read.product_id = filter->product_id;
  if (!_scim_store_read (store, funnel_cb, &read, error))
    {
      g_clear_pointer (&read.funnel, scim_funnel_free);
      return NULL;
    }
  return read.funnel;
}

static gboolean
funnels_cb (ScimTx    *tx,
            gpointer   user_data,
            GError   **error)
{
  FunnelRead *read = user_data;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_ptr_array_set_size (read->funnels, 0);
  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, name FROM products WHERE active = 1 ORDER BY name COLLATE NOCASE, id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
      g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      ScimFunnel *funnel = read_funnel (tx, g_array_index (ids, gint64, i), g_ptr_array_index (names, i),
                                        read->filter, read->now, error);
      if (funnel == NULL)
        return FALSE;
      g_ptr_array_add (read->funnels, funnel);
    }
  return TRUE;
}

/**
 * scim_store_funnels:
 * @store: a #ScimStore
 * @filter: what to count; its product_id is ignored
 * @error: return location for an error
 *
 * One funnel per active product, by product name, all read in one
 * snapshot.  May block.
 *
 * Returns: (transfer full) (element-type ScimFunnel): the funnels, or %NULL
 *   with @error set
 */
GPtrArray *
scim_store_funnels (ScimStore              *store,
                    const ScimFunnelFilter *filter,
                    GError                **error)
{
  g_autoptr(GPtrArray) funnels = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_funnel_free);
  FunnelRead read = { filter, now_seconds (), 0, NULL, funnels };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (filter != NULL, NULL);

  if (!_scim_store_read (store, funnels_cb, &read, error))
    return NULL;
  return g_steal_pointer (&funnels);
}

/* Pivots */

typedef struct
{
  ScimPivotKind           kind;
  const ScimFunnelFilter *filter;
  guint                   max_rows;
  gint64                  now;
  ScimPivot              *pivot;
} PivotRead;

/**
 * scim_pivot_free:
 * @pivot: (nullable): a pivot from scim_store_pivot()
 */
void
scim_pivot_free (ScimPivot *pivot)
{
  if (pivot == NULL)
    return;
  g_clear_pointer (&pivot->row_names, g_ptr_array_unref);
  g_clear_pointer (&pivot->row_ids, g_array_unref);
  g_clear_pointer (&pivot->column_names, g_ptr_array_unref);
  g_clear_pointer (&pivot->column_ids, g_array_unref);
  g_clear_pointer (&pivot->counts, g_array_unref);
  g_clear_pointer (&pivot->amounts, g_array_unref);
  g_clear_pointer (&pivot->row_counts, g_array_unref);
  g_clear_pointer (&pivot->row_amounts, g_array_unref);
  g_clear_pointer (&pivot->column_counts, g_array_unref);
  g_clear_pointer (&pivot->column_amounts, g_array_unref);
  g_clear_pointer (&pivot->cell_stage_ids, g_array_unref);
  g_free (pivot);
}

static ScimPivot *
pivot_new (void)
{
  ScimPivot *pivot = g_new0 (ScimPivot, 1);

  pivot->row_names = g_ptr_array_new_with_free_func (g_free);
  pivot->row_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  pivot->column_names = g_ptr_array_new_with_free_func (g_free);
  pivot->column_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  pivot->counts = g_array_new (FALSE, TRUE, sizeof (guint));
  pivot->amounts = g_array_new (FALSE, TRUE, sizeof (gint64));
  pivot->row_counts = g_array_new (FALSE, TRUE, sizeof (guint));
  pivot->row_amounts = g_array_new (FALSE, TRUE, sizeof (gint64));
  pivot->column_counts = g_array_new (FALSE, TRUE, sizeof (guint));
  pivot->column_amounts = g_array_new (FALSE, TRUE, sizeof (gint64));
  return pivot;
}

static int
find_id (GArray *ids,
         gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return (int) i;
  return -1;
}

static gboolean
read_pivot_columns (ScimTx                 *tx,
                    ScimPivot              *pivot,
                    const ScimFunnelFilter *filter,
                    GError                **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT p.id, p.name FROM products p WHERE ");
  sqlite3_stmt *stmt;
  int rc;

  /* Active products, and any other that has sales to show. */
  if (filter->product_id != 0)
    g_string_append_printf (sql, "p.id = %" G_GINT64_FORMAT, filter->product_id);
  else
    g_string_append (sql, "(p.active = 1 OR EXISTS (SELECT 1 FROM sales x WHERE x.product_id = p.id))");
  g_string_append (sql, " ORDER BY p.name COLLATE NOCASE, p.id");

  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = column_int (stmt, 0);
      g_array_append_val (pivot->column_ids, id);
      g_ptr_array_add (pivot->column_names, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  return finish (tx, stmt, rc, error);
}

typedef struct
{
  char   *name;
  gint64  first_id;
  int     kind_rank;
  int     position;
} StageRow;

static void
stage_row_free (gpointer data)
{
  StageRow *row = data;

  g_free (row->name);
  g_free (row);
}

static int
compare_stage_rows (gconstpointer a,
                    gconstpointer b)
{
  const StageRow *x = *(StageRow **) a;
  const StageRow *y = *(StageRow **) b;

  if (x->kind_rank != y->kind_rank)
    return x->kind_rank - y->kind_rank;
  if (x->position != y->position)
    return x->position - y->position;
  return g_utf8_collate (x->name, y->name);
}

static int
kind_rank (const char *kind)
{
  if (g_str_equal (kind, "open"))
    return 0;
  if (g_str_equal (kind, "won"))
    return 1;
  if (g_str_equal (kind, "paused"))
    return 2;
  return 3;
}

/* Stage × product: funnels differ, so a row is a stage name; products that
 * share a name share its row.  Rows go open, won, paused, lost, then by
 * their earliest position. */
static gboolean
read_stage_rows (ScimTx     *tx,
                 ScimPivot  *pivot,
                 GHashTable *cell_of_stage,    /* stage id → row × columns + column + 1, keys owned */
                 GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (stage_row_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) stage_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) stage_rows = g_array_new (FALSE, FALSE, sizeof (StageRow *));
  g_autoptr(GArray) stage_columns = g_array_new (FALSE, FALSE, sizeof (int));
  guint n_columns = pivot->column_ids->len;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store, "SELECT id, product_id, name, kind, position FROM stages ORDER BY product_id, position, id",
                              error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      int column = find_id (pivot->column_ids, sqlite3_column_int64 (stmt, 1));
      const char *name = (const char *) sqlite3_column_text (stmt, 2);
      int rank = kind_rank ((const char *) sqlite3_column_text (stmt, 3));
      int position = sqlite3_column_int (stmt, 4);
      StageRow *row;

      if (column < 0)
        continue;
      row = g_hash_table_lookup (by_name, name);
      if (row == NULL)
        {
          row = g_new0 (StageRow, 1);
          row->name = g_strdup (name);
          row->first_id = id;
          row->kind_rank = rank;
          row->position = position;
          g_ptr_array_add (rows, row);
          g_hash_table_insert (by_name, row->name, row);
        }
      else
        {
          row->kind_rank = MIN (row->kind_rank, rank);
          row->position = MIN (row->position, position);
        }
      g_array_append_val (stage_ids, id);
      g_array_append_val (stage_rows, row);
      g_array_append_val (stage_columns, column);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  g_ptr_array_sort (rows, compare_stage_rows);
  pivot->cell_stage_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_array_set_size (pivot->cell_stage_ids, rows->len * n_columns);
  for (guint r = 0; r < rows->len; r++)
    {
      StageRow *row = g_ptr_array_index (rows, r);
      g_array_append_val (pivot->row_ids, row->first_id);
      g_ptr_array_add (pivot->row_names, g_strdup (row->name));
    }
  for (guint i = 0; i < stage_ids->len; i++)
    {
      StageRow *row = g_array_index (stage_rows, StageRow *, i);
      guint r = 0;
      guint cell;

      g_ptr_array_find (rows, row, &r);
      cell = r * n_columns + (guint) g_array_index (stage_columns, int, i);
      g_array_index (pivot->cell_stage_ids, gint64, cell) = g_array_index (stage_ids, gint64, i);
      g_hash_table_insert (cell_of_stage, g_memdup2 (&g_array_index (stage_ids, gint64, i), sizeof (gint64)),
                           GUINT_TO_POINTER (cell + 1));
    }
  return TRUE;
}

/* The pivot's rows: ids and names, in order. */
static gboolean
read_rows (ScimTx      *tx,
           ScimPivot   *pivot,
           const char  *sql_text,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if ((stmt = prepare (tx, sql_text, error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = column_int (stmt, 0);
      g_array_append_val (pivot->row_ids, id);
      g_ptr_array_add (pivot->row_names, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  return finish (tx, stmt, rc, error);
}

static void
pivot_size (ScimPivot *pivot)
{
  guint n_rows = pivot->row_ids->len, n_columns = pivot->column_ids->len;

  g_array_set_size (pivot->counts, n_rows * n_columns);
  g_array_set_size (pivot->amounts, n_rows * n_columns);
  g_array_set_size (pivot->row_counts, n_rows);
  g_array_set_size (pivot->row_amounts, n_rows);
  g_array_set_size (pivot->column_counts, n_columns);
  g_array_set_size (pivot->column_amounts, n_columns);
}

/* Adds to a cell (row -1: to no row, only the totals). */
static void
add_cell (ScimPivot *pivot,
          int        row,
          int        column,
          guint      count,
          gint64     amount,
          gboolean   totals)
{
  guint n_columns = pivot->column_ids->len;

  if (column < 0)
    return;
  if (totals)
    {
      g_array_index (pivot->column_counts, guint, column) += count;
      g_array_index (pivot->column_amounts, gint64, column) += amount;
      pivot->total_count += count;
      pivot->total_amount += amount;
    }
  if (row < 0)
    return;
  g_array_index (pivot->counts, guint, row * n_columns + column) += count;
  g_array_index (pivot->amounts, gint64, row * n_columns + column) += amount;
  g_array_index (pivot->row_counts, guint, row) += count;
  g_array_index (pivot->row_amounts, gint64, row) += amount;
}

typedef struct
{
  gint64 key;
  gint64 product_id;
  guint  count;
  gint64 amount;
} PivotCell;

/* "SELECT key, product_id, count, amount …" into cells. */
static GArray *
read_cells (ScimTx      *tx,
            const char  *sql_text,
            GError     **error)
{
  g_autoptr(GArray) cells = g_array_new (FALSE, FALSE, sizeof (PivotCell));
  sqlite3_stmt *stmt;
  int rc;

  if ((stmt = prepare (tx, sql_text, error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PivotCell cell = { column_int (stmt, 0), column_int (stmt, 1), (guint) column_int (stmt, 2),
                         column_money (stmt, 3) };
      g_array_append_val (cells, cell);
    }
  if (!finish (tx, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&cells);
}

static gboolean
pivot_stages (ScimTx    *tx,
              PivotRead *read,
              ScimPivot *pivot,
              GError   **error)
{
  const ScimFunnelFilter *filter = read->filter;
  g_autoptr(GHashTable) cell_of_stage = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n_columns = pivot->column_ids->len;

  if (!read_stage_rows (tx, pivot, cell_of_stage, error))
    return FALSE;
  pivot_size (pivot);

  if (filter->as_of != 0)
    {
      /* Where each sale stood then: the funnels' own pass over the history. */
      for (guint c = 0; c < n_columns; c++)
        {
          g_autoptr(ScimFunnel) funnel = read_funnel (tx, g_array_index (pivot->column_ids, gint64, c),
                                                      g_ptr_array_index (pivot->column_names, c), filter, read->now,
                                                      error);
          if (funnel == NULL)
            return FALSE;
          for (guint i = 0; i < funnel->stages->len; i++)
            {
              ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);
              guint cell = GPOINTER_TO_UINT (g_hash_table_lookup (cell_of_stage, &stage->stage_id));

              add_cell (pivot, cell > 0 ? (int) ((cell - 1) / n_columns) : -1, (int) c, stage->count, stage->amount,
                        TRUE);
            }
        }
    }
  else
    {
      g_autoptr(GString) sql = g_string_new ("SELECT s.stage_id, s.product_id, count(*), total(s.amount) "
                                             "FROM sales s WHERE 1");
      g_autoptr(GArray) cells = NULL;

      append_sale_conditions (sql, filter, TRUE);
      g_string_append (sql, " GROUP BY s.product_id, s.stage_id");
      if ((cells = read_cells (tx, sql->str, error)) == NULL)
        return FALSE;
      for (guint i = 0; i < cells->len; i++)
        {
          PivotCell *cell = &g_array_index (cells, PivotCell, i);
          guint at = GPOINTER_TO_UINT (g_hash_table_lookup (cell_of_stage, &cell->key));

          add_cell (pivot, at > 0 ? (int) ((at - 1) / n_columns) : -1, find_id (pivot->column_ids, cell->product_id),
                    cell->count, cell->amount, TRUE);
        }
    }
  return TRUE;
}

static gboolean
pivot_owners (ScimTx    *tx,
              PivotRead *read,
              ScimPivot *pivot,
              GError   **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT s.owner_id, s.product_id, count(*), total(s.amount) FROM sales s WHERE 1");
  g_autoptr(GArray) cells = NULL;
  g_autoptr(GHashTable) row_of = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* The covering index sales_owner, in its order. */
  append_sale_conditions (sql, read->filter, TRUE);
  g_string_append (sql, " GROUP BY s.owner_id, s.product_id");
  if ((cells = read_cells (tx, sql->str, error)) == NULL)
    return FALSE;

  /* The rows: whoever owns some of the sales, by name. */
  g_string_assign (sql, "SELECT u.id, CASE WHEN trim(u.full_name) != '' THEN u.full_name ELSE u.login END AS name "
                        "FROM users u WHERE u.id IN (0");
  for (guint i = 0; i < cells->len; i++)
    if (i == 0 || g_array_index (cells, PivotCell, i).key != g_array_index (cells, PivotCell, i - 1).key)
      g_string_append_printf (sql, ", %" G_GINT64_FORMAT, g_array_index (cells, PivotCell, i).key);
  g_string_append (sql, ") ORDER BY name COLLATE NOCASE, u.id");
  if (!read_rows (tx, pivot, sql->str, error))
    return FALSE;
  pivot_size (pivot);

  for (guint r = 0; r < pivot->row_ids->len; r++)
    g_hash_table_insert (row_of, &g_array_index (pivot->row_ids, gint64, r), GINT_TO_POINTER ((int) r + 1));
  for (guint i = 0; i < cells->len; i++)
    {
      PivotCell *cell = &g_array_index (cells, PivotCell, i);

      add_cell (pivot, GPOINTER_TO_INT (g_hash_table_lookup (row_of, &cell->key)) - 1,
                find_id (pivot->column_ids, cell->product_id), cell->count, cell->amount, TRUE);
    }
  return TRUE;
}

static gboolean
pivot_clients (ScimTx    *tx,
               PivotRead *read,
               ScimPivot *pivot,
               GError   **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) cells = NULL;
  g_autoptr(GArray) totals = NULL;
  g_autoptr(GHashTable) row_of = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* The biggest clients by the amount of their sales: the covering index
   * sales_client, in client order, then the top of the sums. */
  g_string_append (sql, "SELECT c.id, c.name FROM (SELECT s.client_id AS id, total(s.amount) AS total FROM sales s WHERE 1");
  append_sale_conditions (sql, read->filter, TRUE);
  g_string_append (sql, " GROUP BY s.client_id ORDER BY total DESC, s.client_id");
  if (read->max_rows > 0)
    g_string_append_printf (sql, " LIMIT %u", read->max_rows);
  g_string_append (sql, ") t JOIN clients c ON c.id = t.id ORDER BY t.total DESC, c.name COLLATE NOCASE, c.id");
  if (!read_rows (tx, pivot, sql->str, error))
    return FALSE;
  pivot_size (pivot);
  for (guint r = 0; r < pivot->row_ids->len; r++)
    g_hash_table_insert (row_of, &g_array_index (pivot->row_ids, gint64, r), GINT_TO_POINTER ((int) r + 1));

  g_string_assign (sql, "SELECT s.client_id, s.product_id, count(*), total(s.amount) FROM sales s WHERE 1");
  if (read->max_rows > 0)
    {
      g_string_append (sql, " AND s.client_id IN (0");
      for (guint r = 0; r < pivot->row_ids->len; r++)
        g_string_append_printf (sql, ", %" G_GINT64_FORMAT, g_array_index (pivot->row_ids, gint64, r));
      g_string_append (sql, ")");
    }
  append_sale_conditions (sql, read->filter, TRUE);
  g_string_append (sql, " GROUP BY s.client_id, s.product_id");
  if ((cells = read_cells (tx, sql->str, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < cells->len; i++)
    {
      PivotCell *cell = &g_array_index (cells, PivotCell, i);

      add_cell (pivot, GPOINTER_TO_INT (g_hash_table_lookup (row_of, &cell->key)) - 1,
                find_id (pivot->column_ids, cell->product_id), cell->count, cell->amount, read->max_rows == 0);
    }

  if (read->max_rows > 0)
    {
      /* The totals of every client, also those beyond the rows. */
      g_string_assign (sql, "SELECT 0, s.product_id, count(*), total(s.amount) FROM sales s WHERE 1");
      append_sale_conditions (sql, read->filter, TRUE);
      g_string_append (sql, " GROUP BY s.product_id");
      if ((totals = read_cells (tx, sql->str, error)) == NULL)
        return FALSE;
      for (guint i = 0; i < totals->len; i++)
        {
          PivotCell *cell = &g_array_index (totals, PivotCell, i);
          add_cell (pivot, -1, find_id (pivot->column_ids, cell->product_id), cell->count, cell->amount, TRUE);
        }
    }
  return TRUE;
}

static gboolean
pivot_cb (ScimTx    *tx,
          gpointer   user_data,
          GError   **error)
{
  PivotRead *read = user_data;
  g_autoptr(ScimPivot) pivot = pivot_new ();
  gboolean ok;

  if (!read_pivot_columns (tx, pivot, read->filter, error))
    return FALSE;
  switch (read->kind)
    {
    case SCIM_PIVOT_STAGE_PRODUCT:
      ok = pivot_stages (tx, read, pivot, error);
      break;
    case SCIM_PIVOT_OWNER_PRODUCT:
      ok = pivot_owners (tx, read, pivot, error);
      break;
    case SCIM_PIVOT_CLIENT_PRODUCT:
    default:
      ok = pivot_clients (tx, read, pivot, error);
      break;
    }
  if (!ok)
    return FALSE;
  g_clear_pointer (&read->pivot, scim_pivot_free);
  read->pivot = g_steal_pointer (&pivot);
  return TRUE;
}

/**
 * scim_store_pivot:
 * @store: a #ScimStore
 * @kind: what the rows are: stages (by name, as funnels share them),
 *   salespeople or clients; the columns are products
 * @filter: which sales; product_id 0 for every product
 * @max_rows: for clients, the biggest by amount first; 0: all
 * @error: return location for an error
 *
 * Counts and amounts of every sale the filter matches, whatever its stage,
 * per row and product, with totals.  As of a date: the sales that existed
 * then, at the stage they stood at.  May block.
 *
 * Returns: (transfer full): the pivot, or %NULL with @error set
 */
ScimPivot *
scim_store_pivot (ScimStore              *store,
                  ScimPivotKind           kind,
                  const ScimFunnelFilter *filter,
                  guint                   max_rows,
                  GError                **error)
{
  PivotRead read = { kind, filter, max_rows, now_seconds (), NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (filter != NULL, NULL);

  if (!_scim_store_read (store, pivot_cb, &read, error))
    {
      g_clear_pointer (&read.pivot, scim_pivot_free);
      return NULL;
    }
  return read.pivot;
}

/* Salespeople */

typedef struct
{
  const ScimFunnelFilter *filter;
  gint64                  now;
  GPtrArray              *rows;
} PerformanceRead;

/**
 * scim_performance_free:
 * @row: (nullable): a row of scim_store_performance()
 */
void
scim_performance_free (ScimPerformance *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row);
}

static ScimPerformance *
performance_row (GPtrArray *rows,
                 gint64     user_id)
{
  for (guint i = 0; i < rows->len; i++)
    {
      ScimPerformance *row = g_ptr_array_index (rows, i);
      if (row->user_id == user_id)
        return row;
    }
  return NULL;
}

/* Sales of one salesperson at stages of one kind, and for won ones the
 * seconds from creation to closing of the @n_closed that have a closing. */
typedef struct
{
  gint64 owner_id;
  enum { KIND_OPEN, KIND_WON, KIND_LOST, KIND_OTHER } kind;
  guint  n;
  double seconds;
  guint  n_closed;
} OwnerCount;

static gboolean
performance_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  PerformanceRead *read = user_data;
  const ScimFunnelFilter *filter = read->filter;
  gboolean as_of = filter->as_of != 0;
  gint64 at = filter_time (filter, read->now);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (OwnerCount));
  g_autoptr(GHashTable) cycles = g_hash_table_new (NULL, NULL);   /* row → won sales with a closing */
  sqlite3_stmt *stmt;
  int rc;

  g_ptr_array_set_size (read->rows, 0);

  /* In work, won, lost: by the kind of the stage they stand at; for won
   * sales the seconds from creation to closing. */
  if (as_of)
    {
      g_string_append_printf (sql,
                              "SELECT s.owner_id, st.kind, count(*), "
                              "total(CASE WHEN st.kind = 'won' THEN "
                              "  (CASE WHEN s.closed_at IS NOT NULL AND s.closed_at <= %1$" G_GINT64_FORMAT
                              "   THEN s.closed_at ELSE si.entered_at END) - s.created_at END), count(*) "
                              "FROM stage_intervals si JOIN sales s ON s.id = si.sale_id JOIN stages st ON st.id = si.stage_id "
                              "WHERE si.entered_at <= %1$" G_GINT64_FORMAT " AND (si.left_at IS NULL OR si.left_at > %1$"
                              G_GINT64_FORMAT ")",
                              at);
      append_sale_conditions (sql, filter, TRUE);
      g_string_append (sql, " GROUP BY 1, 2");
    }
  else
    {
      /* One scan of the covering index sales_owner, in its own order;
       * then the kind of each stage. */
      g_string_append (sql, "SELECT g.owner_id, st.kind, g.n, g.seconds, g.n_closed FROM "
                            "(SELECT s.owner_id, s.stage_id, count(*) AS n, total(s.closed_at - s.created_at) AS seconds, "
                            "count(s.closed_at) AS n_closed FROM sales s WHERE 1");
      append_sale_conditions (sql, filter, TRUE);
      g_string_append (sql, " GROUP BY s.owner_id, s.product_id, s.stage_id) g JOIN stages st ON st.id = g.stage_id");
    }
  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      OwnerCount count = { column_int (stmt, 0), 0, (guint) column_int (stmt, 2), sqlite3_column_double (stmt, 3),
                           (guint) column_int (stmt, 4) };

      count.kind = g_str_equal (kind, "open") ? KIND_OPEN : g_str_equal (kind, "won") ? KIND_WON
                 : g_str_equal (kind, "lost") ? KIND_LOST : KIND_OTHER;
      g_array_append_val (counts, count);
    }
  if (!finish (tx, stmt, rc, error))
    return FALSE;

  /* Salespeople: everyone active in sales, and whoever owns such sales. */
  g_string_assign (sql, "SELECT u.id, CASE WHEN trim(u.full_name) != '' THEN u.full_name ELSE u.login END AS name "
                        "FROM users u WHERE ");
  if (filter->owner_id != 0)
    g_string_append_printf (sql, "u.id = %" G_GINT64_FORMAT, filter->owner_id);
  else
    {
      g_string_append (sql, "(u.active = 1 AND u.role = 'sales') OR u.id IN (0");
      for (guint i = 0; i < counts->len; i++)
        g_string_append_printf (sql, ", %" G_GINT64_FORMAT, g_array_index (counts, OwnerCount, i).owner_id);
      g_string_append (sql, ")");
    }
  g_string_append (sql, " ORDER BY name COLLATE NOCASE, u.id");
  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ScimPerformance *row = g_new0 (ScimPerformance, 1);

      row->user_id = column_int (stmt, 0);
      row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_ptr_array_add (read->rows, row);
    }
  if (!finish (tx, stmt, rc, error))
    return FALSE;

  for (guint i = 0; i < counts->len; i++)
    {
      OwnerCount *count = &g_array_index (counts, OwnerCount, i);
      ScimPerformance *row = performance_row (read->rows, count->owner_id);

      if (row == NULL)
        continue;
      if (count->kind == KIND_OPEN)
        row->in_work += count->n;
      else if (count->kind == KIND_LOST)
        row->lost += count->n;
      else if (count->kind == KIND_WON)
        {
          row->won += count->n;
          row->avg_cycle_days += count->seconds;   /* the sum of seconds, for now */
          g_hash_table_insert (cycles, row, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (cycles, row)) +
                                                              count->n_closed));
        }
    }

  for (guint i = 0; i < read->rows->len; i++)
    {
      ScimPerformance *row = g_ptr_array_index (read->rows, i);

      row->conversion = row->won + row->lost > 0 ? (double) row->won / (row->won + row->lost) : 0;
      guint n_closed = GPOINTER_TO_UINT (g_hash_table_lookup (cycles, row));

      row->avg_cycle_days = n_closed > 0 ? row->avg_cycle_days / n_closed / SECONDS_PER_DAY : 0;
    }

  /* Overdue planned tasks of each person, whoever owns the sale: a range
   * of the index tasks_owner per person.  As of a date: planned then
   * (created and not yet closed) and due before it. */
  g_string_truncate (sql, 0);
  if (as_of)
    g_string_append_printf (sql,
                            "SELECT t.owner_id, count(*) FROM tasks t WHERE t.due_at < %1$" G_GINT64_FORMAT
                            " AND t.created_at <= %1$" G_GINT64_FORMAT
                            " AND (t.closed_at IS NULL OR t.closed_at > %1$" G_GINT64_FORMAT ")",
                            at);
  else
    g_string_append_printf (sql,
                            "SELECT u.id, (SELECT count(*) FROM tasks t WHERE t.owner_id = u.id AND t.state = 'planned'"
                            " AND t.due_at < %" G_GINT64_FORMAT,
                            at);
  if (filter->product_id != 0 || filter->audience_id != 0 || filter->entered_since != 0 || filter->entered_until != 0)
    {
      g_string_append (sql, " AND t.sale_id IN (SELECT s.id FROM sales s WHERE 1");
      append_sale_conditions (sql, filter, FALSE);
      g_string_append (sql, ")");
    }
  g_string_append (sql, as_of ? " GROUP BY t.owner_id" : ") FROM users u");

  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ScimPerformance *row = performance_row (read->rows, column_int (stmt, 0));
      if (row != NULL)
        row->overdue_tasks = (guint) column_int (stmt, 1);
    }
  return finish (tx, stmt, rc, error);
}

/**
 * scim_store_performance:
 * @store: a #ScimStore
 * @filter: which sales and salespeople
 * @error: return location for an error
 *
 * Per salesperson (active salespeople, and whoever owns matching sales):
 * sales in work (at open stages), won, lost, won / (won + lost), planned
 * tasks they own that are overdue, and the average days from creation to
 * closing of their won sales.  May block.
 *
 * Returns: (transfer full) (element-type ScimPerformance): the rows by
 *   name, or %NULL with @error set
 */
GPtrArray *
scim_store_performance (ScimStore              *store,
                        const ScimFunnelFilter *filter,
                        GError                **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_performance_free);
  PerformanceRead read = { filter, now_seconds (), rows };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (filter != NULL, NULL);

  if (!_scim_store_read (store, performance_cb, &read, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/* Cross-sell */

typedef struct
{
  guint      max_rows;
  GPtrArray *rows;
} CrossSellRead;

/**
 * scim_cross_sell_free:
 * @row: (nullable): a row of scim_store_cross_sell()
 */
void
scim_cross_sell_free (ScimCrossSell *row)
{
  if (row == NULL)
    return;
  g_free (row->client);
  g_free (row->has_product);
  g_free (row->fits_product);
  g_free (row->audience);
  g_free (row);
}

typedef struct
{
  gint64  id;
  char   *name;
  gint64  audience_id;
} Offer;

static void
offer_clear (gpointer data)
{
  g_free (((Offer *) data)->name);
}

/* Clients are walked by name in the index clients_name, each one's
 * products looked up in sales_client, until the rows are there: no sort of
 * every client × product. */
static gboolean
cross_sell_cb (ScimTx    *tx,
               gpointer   user_data,
               GError   **error)
{
  CrossSellRead *read = user_data;
  g_autoptr(GArray) offers = g_array_new (FALSE, TRUE, sizeof (Offer));
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) had = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) had_names = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_ptr_array_set_size (read->rows, 0);
  g_array_set_clear_func (offers, offer_clear);

  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, name, audience_id FROM products WHERE active = 1 AND audience_id IS NOT NULL "
                              "ORDER BY name COLLATE NOCASE, id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      Offer offer = { sqlite3_column_int64 (stmt, 0), g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
                      sqlite3_column_int64 (stmt, 2) };
      g_array_append_val (offers, offer);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  if (offers->len == 0)
    return TRUE;

  g_string_append (sql, "SELECT c.id, c.name, c.audience_id, a.name FROM clients c INDEXED BY clients_name "
                        "JOIN audiences a ON a.id = c.audience_id WHERE c.audience_id IN (0");
  for (guint i = 0; i < offers->len; i++)
    g_string_append_printf (sql, ", %" G_GINT64_FORMAT, g_array_index (offers, Offer, i).audience_id);
  g_string_append (sql, ") AND EXISTS (SELECT 1 FROM sales s WHERE s.client_id = c.id) "
                        "ORDER BY c.name COLLATE NOCASE, c.id");
  if ((stmt = prepare (tx, sql->str, error)) == NULL)
    return FALSE;

  while ((read->max_rows == 0 || read->rows->len < read->max_rows) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 client_id = sqlite3_column_int64 (stmt, 0);
      gint64 audience_id = sqlite3_column_int64 (stmt, 2);
      sqlite3_stmt *products;
      int prc;

      /* What the client has. */
      products = _scim_store_prepare (tx->store,
                                      "SELECT DISTINCT s.product_id, p.name FROM sales s JOIN products p ON p.id = s.product_id "
                                      "WHERE s.client_id = ? ORDER BY p.name COLLATE NOCASE, p.id", error);
      if (products == NULL)
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      _scim_stmt_bind (products, "I", client_id);
      g_array_set_size (had, 0);
      g_string_truncate (had_names, 0);
      while ((prc = _scim_store_step (tx->store, products, error)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (products, 0);

          g_array_append_val (had, id);
          g_string_append_printf (had_names, "%s%s", had_names->len > 0 ? ", " : "",
                                  (const char *) sqlite3_column_text (products, 1));
        }
      sqlite3_reset (products);
      if (prc != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }

      for (guint i = 0; i < offers->len && (read->max_rows == 0 || read->rows->len < read->max_rows); i++)
        {
          Offer *offer = &g_array_index (offers, Offer, i);
          ScimCrossSell *row;

          if (offer->audience_id != audience_id || find_id (had, offer->id) >= 0)
            continue;
          row = g_new0 (ScimCrossSell, 1);
          row->client_id = client_id;
          row->client = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          row->has_product = g_strdup (had_names->str);
          row->product_id = offer->id;
          row->fits_product = g_strdup (offer->name);
          row->audience = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          g_ptr_array_add (read->rows, row);
        }
    }
  if (read->max_rows > 0 && read->rows->len >= read->max_rows)
    rc = SQLITE_DONE;
  return finish (tx, stmt, rc, error);
}

/**
 * scim_store_cross_sell:
 * @store: a #ScimStore
 * @max_rows: at most this many rows; 0: all
 * @error: return location for an error
 *
 * Clients with sales of some product whose audience is the audience of
 * another active product they have no sale of: one row per client and
 * fitting product, by client name; has_product names the products they
 * have.  May block.
 *
 * Returns: (transfer full) (element-type ScimCrossSell): the rows, or %NULL
 *   with @error set
 */
GPtrArray *
scim_store_cross_sell (ScimStore  *store,
                       guint       max_rows,
                       GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_cross_sell_free);
  CrossSellRead read = { max_rows, rows };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  if (!_scim_store_read (store, cross_sell_cb, &read, error))
    return NULL;
  return g_steal_pointer (&rows);
}
