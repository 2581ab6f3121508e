/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-sales"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-query.h"
#include "scim-format.h"
#include "scim-sales.h"
#include "scim-store-private.h"
#include "scim-users.h"

/* Plan & control: a sale, its stage moves and its plan of tasks, the plan
 * templates, and the discipline counts of the control view.
 *
 * Who may do what is decided here, inside each write's transaction: the
 * sale's salesperson, a head or an administrator edits the sale and its
 * plan; the owner of a task may close it (and reopen it) on anyone's sale;
 * a sale at a lost stage keeps its plan read-only until it is moved back.
 * Task positions are kept 0..n-1 per sale.  The counters that the control
 * view filters on (sales.open_tasks, sales.last_activity_at) are kept by
 * the triggers of schema version 5, so no code here has to remember them. */

#define USER_NAME(alias) "coalesce(nullif(" alias ".full_name, ''), " alias ".login)"

static const char * const finished_states[] = { "done", "failed", "cancelled" };

typedef struct
{
  gint64  id;
  gint64  owner_id;
  gint64  product_id;
  gint64  stage_id;
  char   *stage_kind;
  char   *stage_name;
} SaleInfo;

static void
sale_info_clear (SaleInfo *info)
{
  g_clear_pointer (&info->stage_kind, g_free);
  g_clear_pointer (&info->stage_name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SaleInfo, sale_info_clear)

typedef struct
{
  gint64  id;
  gint64  sale_id;
  gint64  owner_id;
  char   *state;
} TaskInfo;

static void
task_info_clear (TaskInfo *info)
{
  g_clear_pointer (&info->state, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TaskInfo, task_info_clear)

/* Helpers */

/**
 * _scim_local_day_start:
 * @unix_time: UTC seconds
 * @days: days to add
 *
 * Returns: the local midnight that begins the day @days after the day of
 *   @unix_time, in UTC seconds
 */
gint64
_scim_local_day_start (gint64 unix_time,
                       int    days)
{
  g_autoptr(GTimeZone) zone = scim_local_zone ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) t = utc != NULL ? g_date_time_to_timezone (utc, zone) : NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) shifted = NULL;
  g_autoptr(GDateTime) midnight = NULL;

  if (t == NULL)
    return unix_time;
  day = g_date_time_new (zone, g_date_time_get_year (t), g_date_time_get_month (t),
                         g_date_time_get_day_of_month (t), 12, 0, 0);
  /* Noon, shifted by whole days and cut back to midnight, so that a change
   * to or from summer time on the way does not move the day. */
  shifted = g_date_time_add_days (day, days);
  midnight = g_date_time_new (zone, g_date_time_get_year (shifted), g_date_time_get_month (shifted),
                              g_date_time_get_day_of_month (shifted), 0, 0, 0);
  return midnight != NULL ? g_date_time_to_unix (midnight) : unix_time;
}

static char *
dup_clean (const char *text)
{
  return text != NULL ? g_strstrip (g_strdup (text)) : g_strdup ("");
}

static gboolean
check_utf8 (const char  *text,
            GError     **error)
{
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return TRUE;
  g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
               _("The text is not valid UTF-8. Type it again or fix the file it came from."));
  return FALSE;
}

static gboolean
load_sale (ScimTx    *tx,
           gint64     sale_id,
           SaleInfo  *info,
           GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT s.owner_id, s.product_id, s.stage_id, st.kind, st.name "
                              "FROM sales s JOIN stages st ON st.id = s.stage_id WHERE s.id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", sale_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                 _("This sale no longer exists. Reload the list."));
  if (rc != SQLITE_ROW)
    return FALSE;
  info->id = sale_id;
  info->owner_id = sqlite3_column_int64 (stmt, 0);
  info->product_id = sqlite3_column_int64 (stmt, 1);
  info->stage_id = sqlite3_column_int64 (stmt, 2);
  info->stage_kind = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  info->stage_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
load_task (ScimTx    *tx,
           gint64     task_id,
           TaskInfo  *info,
           GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store, "SELECT sale_id, owner_id, state FROM tasks WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", task_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                 _("This task no longer exists. Reload the plan."));
  if (rc != SQLITE_ROW)
    return FALSE;
  info->id = task_id;
  info->sale_id = sqlite3_column_int64 (stmt, 0);
  info->owner_id = sqlite3_column_int64 (stmt, 1);
  info->state = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  sqlite3_reset (stmt);
  return TRUE;
}

/* The signed-in user's role, read from the file inside the transaction. */
static gboolean
signed_in_role (ScimTx    *tx,
                ScimRole  *role,
                GError   **error)
{
  if (tx->user_id == 0 || !scim_store_get_role (tx->store, role))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Sign in first: this change needs a user."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
plan_writable (const SaleInfo  *sale,
               GError         **error)
{
  if (g_strcmp0 (sale->stage_kind, "lost") != 0)
    return TRUE;
  g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
               _("This sale is lost; move it back to a stage in progress to change its plan."));
  return FALSE;
}

/* Whether the signed-in user may edit @sale (and, with @plan, its plan):
 * its salesperson, a head or an administrator. */
static gboolean
may_edit_sale (ScimTx          *tx,
               const SaleInfo  *sale,
               gboolean         plan,
               GError         **error)
{
  ScimRole role;

  if (!signed_in_role (tx, &role, error))
    return FALSE;
  if (role < SCIM_ROLE_HEAD && sale->owner_id != tx->user_id)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Only the salesperson of this sale, a head of sales or an administrator may change the sale "
                     "or its plan. Ask the head of sales."));
      return FALSE;
    }
  return !plan || plan_writable (sale, error);
}

/* Closing and reopening: the task's owner too, on anyone's sale. */
static gboolean
may_close_task (ScimTx          *tx,
                const SaleInfo  *sale,
                const TaskInfo  *task,
                GError         **error)
{
  ScimRole role;

  if (task->owner_id != tx->user_id)
    return may_edit_sale (tx, sale, TRUE, error);
  return signed_in_role (tx, &role, error) && plan_writable (sale, error);
}

static gboolean
check_active_user (ScimTx      *tx,
                   gint64       user_id,
                   const char  *message,
                   GError     **error)
{
  gint64 ok = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM users WHERE id = ? AND active = 1",
                                     "I", user_id);

  if (ok < 0)
    return FALSE;
  if (ok == 0)
    {
      g_set_error_literal (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, message);
      return FALSE;
    }
  return TRUE;
}

/* Puts the sale's tasks at positions 0..n-1 in their present order. */
static gboolean
renumber_tasks (ScimTx   *tx,
                gint64    sale_id,
                GError  **error)
{
  g_autoptr(GArray) ids = NULL;

  ids = _scim_tx_collect_ids (tx, error,
                     "UPDATE tasks SET position = r.n FROM "
                     "(SELECT id, row_number () OVER (ORDER BY position, id) - 1 AS n FROM tasks WHERE sale_id = ?1) r "
                     "WHERE tasks.id = r.id AND tasks.position != r.n RETURNING tasks.id",
                     "I", sale_id);
  return ids != NULL && _scim_tx_log_ids (tx, "tasks", ids, "update", error);
}

/* Makes room at @position (clamped to 0..n) and returns it, or -1. */
static int
open_position (ScimTx   *tx,
               gint64    sale_id,
               int       position,
               GError  **error)
{
  g_autoptr(GArray) ids = NULL;
  gint64 n;

  n = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM tasks WHERE sale_id = ?", "I", sale_id);
  if (n < 0)
    return -1;
  if (position < 0 || position > n)
    position = (int) n;
  ids = _scim_tx_collect_ids (tx, error,
                     "UPDATE tasks SET position = position + 1 WHERE sale_id = ? AND position >= ? RETURNING id",
                     "Ii", sale_id, position);
  if (ids == NULL || !_scim_tx_log_ids (tx, "tasks", ids, "update", error))
    return -1;
  return position;
}

/* Stage moves */

typedef struct
{
  gint64      sale_id;
  gint64      version;
  gint64      amount;
  gint64      expected_close;
  gint64      owner_id;
  gint64      stage_id;
  gint64      from_stage_id;  /* a move seen from this stage; 0: from any */
  const char *reason;
  gint64      paused_until;
  gint64      client_id;
  gint64      product_id;
  gint64      new_id;
} SaleOp;

static gboolean
update_sale_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  SaleOp *op = user_data;
  g_auto(SaleInfo) sale = { 0 };
  gint64 owner_id;
  ScimRole role;

  if (!load_sale (tx, op->sale_id, &sale, error) || !may_edit_sale (tx, &sale, FALSE, error))
    return FALSE;
  if (op->amount < 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Amount: a sum cannot be negative."));
      return FALSE;
    }
  owner_id = op->owner_id != 0 ? op->owner_id : sale.owner_id;
  if (owner_id != sale.owner_id)
    {
      if (!signed_in_role (tx, &role, error))
        return FALSE;
      if (role < SCIM_ROLE_HEAD)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                       _("Only a head of sales or an administrator may give a sale to another salesperson."));
          return FALSE;
        }
      if (!check_active_user (tx, owner_id,
                              _("Salesperson: this user does not exist or may not sign in. Choose another."), error))
        return FALSE;
    }
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE sales SET amount = ?, expected_close = ?, owner_id = ?, version = version + 1 "
                         "WHERE id = ? AND version = ?",
                         "INIII", op->amount, MAX (op->expected_close, 0), owner_id, op->sale_id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "sales", op->sale_id, error);
}

/**
 * scim_store_update_sale:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @version: the version the editor started from
 * @amount: the amount in minor units, not negative
 * @expected_close: when the sale is expected to close, UTC seconds; 0: not known
 * @owner_id: the salesperson; 0 keeps the present one.  Giving the sale to
 *   someone else needs a head of sales or an administrator.
 * @error: return location for an error
 *
 * Returns: %TRUE when saved; %SCIM_STORE_ERROR_CONFLICT when someone saved
 *   the sale in between
 */
gboolean
scim_store_update_sale (ScimStore  *store,
                        gint64      sale_id,
                        gint64      version,
                        gint64      amount,
                        gint64      expected_close,
                        gint64      owner_id,
                        GError    **error)
{
  SaleOp op = { .sale_id = sale_id, .version = version, .amount = amount, .expected_close = expected_close,
                .owner_id = owner_id };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, update_sale_cb, &op, error);
}

/* The refusal of a move seen from a stage the sale has left since: who
 * moved it where, and when. */
static gboolean
moved_meanwhile (ScimTx  *tx,
                 gint64   sale_id,
                 GError **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (tx->store,
                                            "SELECT coalesce(nullif(u.full_name, ''), u.login), c.at, s.name "
                                            "FROM stage_changes c JOIN stages s ON s.id = c.to_stage_id "
                                            "LEFT JOIN users u ON u.id = c.user_id "
                                            "WHERE c.sale_id = ? ORDER BY c.at DESC, c.id DESC LIMIT 1",
                                            error);
  g_autofree char *who = NULL;
  g_autofree char *stage = NULL;
  g_autofree char *when = NULL;

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", sale_id);
  if (_scim_store_step (tx->store, stmt, error) == SQLITE_ROW)
    {
      who = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      when = scim_format_date_time (sqlite3_column_int64 (stmt, 1));
      stage = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      sqlite3_reset (stmt);
    }
  else if (error != NULL && *error != NULL)
    return FALSE;
  if (stage == NULL)
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT,
                 _("The sale was moved to another stage meanwhile. Look at it again before you move it."));
  else
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT,
                 _("%s moved this sale to “%s” at %s. Look at it again before you move it."),
                 who != NULL ? who : _("Someone"), stage, when);
  return FALSE;
}

static gboolean
move_sale_cb (ScimTx    *tx,
              gpointer   user_data,
              GError   **error)
{
  SaleOp *op = user_data;
  g_auto(SaleInfo) sale = { 0 };
  g_autofree char *reason = dup_clean (op->reason);
  g_autofree char *kind = NULL;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!load_sale (tx, op->sale_id, &sale, error) || !may_edit_sale (tx, &sale, FALSE, error))
    return FALSE;
  if (!check_utf8 (op->reason, error))
    return FALSE;
  if (op->from_stage_id != 0 && op->from_stage_id != sale.stage_id)
    return moved_meanwhile (tx, op->sale_id, error);

  stmt = _scim_store_prepare (tx->store, "SELECT kind, name FROM stages WHERE id = ? AND product_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "II", op->stage_id, sale.product_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                 _("Stage: this stage is not in the funnel of the sale’s product. Choose one of its stages."));
  if (rc != SQLITE_ROW)
    return FALSE;
  kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);

  if (op->stage_id == sale.stage_id)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Stage: the sale is already at “%s”."), name);
      return FALSE;
    }
  if (g_str_equal (kind, "lost") && reason[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Reason: say why the sale is lost."));
      return FALSE;
    }
  if (g_str_equal (kind, "paused") && op->paused_until <= tx->now)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Until: say until when the sale is paused — a date in the future."));
      return FALSE;
    }

  /* The history first: its trigger closes the sale's stage interval and
   * opens the next one. */
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO stage_changes (sale_id, from_stage_id, to_stage_id, user_id, at, reason) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         "IIINIs", op->sale_id, sale.stage_id, op->stage_id, tx->user_id, tx->now,
                         reason[0] != '\0' ? reason : NULL) ||
      !scim_tx_log (tx, "stage_changes", sqlite3_last_insert_rowid (tx->db), "insert", error))
    return FALSE;

  /* As the funnel editor does when it moves sales: closed at won and lost
   * stages (a sale moving between two won stages keeps the day it closed),
   * open otherwise. */
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE sales SET stage_id = ?1, stage_entered_at = ?2, version = version + 1,"
                         " closed_at = CASE WHEN ?3 IN ('won', 'lost')"
                         "   THEN (CASE WHEN ?4 = ?3 THEN coalesce(closed_at, ?2) ELSE ?2 END) ELSE NULL END,"
                         " lost_reason = CASE WHEN ?3 = 'lost' THEN ?5 ELSE NULL END,"
                         " paused_until = CASE WHEN ?3 = 'paused' THEN ?6 ELSE NULL END "
                         "WHERE id = ?7",
                         "IIsssII", op->stage_id, tx->now, kind, sale.stage_kind, reason, op->paused_until,
                         op->sale_id))
    return FALSE;
  return scim_tx_log (tx, "sales", op->sale_id, "update", error);
}

/**
 * scim_store_move_sale:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @stage_id: a stage of the funnel of the sale's product, not the present one
 * @reason: (nullable): why; required for a lost stage, kept with the move otherwise
 * @paused_until: UTC seconds, in the future; required for a paused stage
 * @error: return location for an error
 *
 * Moves the sale to any stage of its funnel, forward or back, and writes
 * the move to its history (who, when, from, to, reason).  A won or lost
 * stage closes the sale; any other stage opens it again.  Moving a lost
 * sale back makes its plan editable again.
 *
 * Returns: %TRUE when moved
 */
gboolean
scim_store_move_sale (ScimStore   *store,
                      gint64       sale_id,
                      gint64       stage_id,
                      const char  *reason,
                      gint64       paused_until,
                      GError     **error)
{
  SaleOp op = { .sale_id = sale_id, .stage_id = stage_id, .reason = reason, .paused_until = paused_until };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, move_sale_cb, &op, error);
}

/**
 * scim_store_move_sale_from:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @from_stage_id: the stage the user saw the sale at
 * @stage_id: a stage of the funnel of the sale's product
 * @reason: (nullable): as for scim_store_move_sale()
 * @paused_until: as for scim_store_move_sale()
 * @error: return location for an error
 *
 * scim_store_move_sale() for a move decided on what a view showed: when
 * someone else has moved the sale since, nothing is written.
 *
 * Returns: %TRUE when moved; %SCIM_STORE_ERROR_CONFLICT, naming who moved
 *   it where and when, when the sale is no longer at @from_stage_id
 */
gboolean
scim_store_move_sale_from (ScimStore   *store,
                           gint64       sale_id,
                           gint64       from_stage_id,
                           gint64       stage_id,
                           const char  *reason,
                           gint64       paused_until,
                           GError     **error)
{
  SaleOp op = { .sale_id = sale_id, .stage_id = stage_id, .from_stage_id = from_stage_id, .reason = reason,
                .paused_until = paused_until };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (from_stage_id != 0, FALSE);
  return scim_store_write (store, move_sale_cb, &op, error);
}

static gboolean
add_sale_cb (ScimTx    *tx,
             gpointer   user_data,
             GError   **error)
{
  SaleOp *op = user_data;
  gint64 owner_id = op->owner_id != 0 ? op->owner_id : tx->user_id;
  gint64 stage_id, ok;
  ScimRole role;

  if (!signed_in_role (tx, &role, error))
    return FALSE;
  if (owner_id != tx->user_id && role < SCIM_ROLE_HEAD)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Only a head of sales or an administrator may give a sale to another salesperson."));
      return FALSE;
    }
  if (!check_active_user (tx, owner_id,
                          _("Salesperson: this user does not exist or may not sign in. Choose another."), error))
    return FALSE;
  if (op->amount < 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("Amount: a sum cannot be negative."));
      return FALSE;
    }
  ok = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM clients WHERE id = ?", "I", op->client_id);
  if (ok <= 0)
    {
      if (ok == 0)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("Client: this client no longer exists. Choose another."));
      return FALSE;
    }
  /* The first stage in work of an active product's funnel. */
  stage_id = _scim_store_query_int (tx->store, error,
                                    "SELECT st.id FROM stages st JOIN products p ON p.id = st.product_id "
                                    "WHERE st.product_id = ? AND p.active = 1 "
                                    "ORDER BY st.kind != 'open', st.position, st.id LIMIT 1",
                                    "I", op->product_id);
  if (stage_id <= 0)
    {
      if (stage_id == 0)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("Product: this product is archived or has no funnel. Choose another product."));
      return FALSE;
    }

  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO sales (client_id, product_id, stage_id, owner_id, amount, expected_close, "
                         "stage_entered_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         "IIIIINII", op->client_id, op->product_id, stage_id, owner_id, op->amount,
                         MAX (op->expected_close, 0), tx->now, tx->now))
    return FALSE;
  op->new_id = sqlite3_last_insert_rowid (tx->db);
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO stage_changes (sale_id, to_stage_id, user_id, at) VALUES (?, ?, ?, ?)",
                         "IIII", op->new_id, stage_id, tx->user_id, tx->now) ||
      !scim_tx_log (tx, "stage_changes", sqlite3_last_insert_rowid (tx->db), "insert", error))
    return FALSE;
  return scim_tx_log (tx, "sales", op->new_id, "insert", error);
}

/**
 * scim_store_add_sale:
 * @store: a #ScimStore
 * @client_id: the client
 * @product_id: an active product with a funnel
 * @owner_id: the salesperson; 0: the signed-in user.  Someone else needs a
 *   head of sales or an administrator.
 * @amount: minor units, not negative
 * @expected_close: UTC seconds; 0: not known
 * @error: return location for an error
 *
 * Starts a sale of @product_id to @client_id at the first stage of the
 * product's funnel, with that first step in its history.
 *
 * Returns: the new sale's id, or 0 with @error set
 */
gint64
scim_store_add_sale (ScimStore  *store,
                     gint64      client_id,
                     gint64      product_id,
                     gint64      owner_id,
                     gint64      amount,
                     gint64      expected_close,
                     GError    **error)
{
  SaleOp op = { .client_id = client_id, .product_id = product_id, .owner_id = owner_id, .amount = amount,
                .expected_close = expected_close };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);
  if (!scim_store_write (store, add_sale_cb, &op, error))
    return 0;
  return op.new_id;
}

void
scim_stage_move_free (ScimStageMove *move)
{
  if (move == NULL)
    return;
  g_free (move->from);
  g_free (move->to);
  g_free (move->by);
  g_free (move->reason);
  g_free (move);
}

typedef struct
{
  gint64     sale_id;
  GPtrArray *rows;
} ReadOp;

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
sale_history_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  ReadOp *op = user_data;
  g_auto(SaleInfo) sale = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  g_ptr_array_set_size (op->rows, 0);
  if (!load_sale (tx, op->sale_id, &sale, error))
    return FALSE;
  /* A stage deleted since keeps its name in the history (schema version 3). */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT c.at, coalesce(f.name, c.from_stage_name), coalesce(t.name, c.to_stage_name), "
                              USER_NAME ("u") ", c.reason "
                              "FROM stage_changes c LEFT JOIN stages f ON f.id = c.from_stage_id "
                              "LEFT JOIN stages t ON t.id = c.to_stage_id LEFT JOIN users u ON u.id = c.user_id "
                              "WHERE c.sale_id = ? ORDER BY c.at, c.id", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->sale_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      ScimStageMove *move = g_new0 (ScimStageMove, 1);

      move->at = sqlite3_column_int64 (stmt, 0);
      move->from = column_dup (stmt, 1);
      move->to = column_dup (stmt, 2);
      move->by = column_dup (stmt, 3);
      move->reason = column_dup (stmt, 4);
      g_ptr_array_add (op->rows, move);
    }
  return rc == SQLITE_DONE;
}

/**
 * scim_store_sale_history:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type ScimStageMove): the sale's stage
 *   moves, oldest first, or %NULL with @error set
 */
GPtrArray *
scim_store_sale_history (ScimStore  *store,
                         gint64      sale_id,
                         GError    **error)
{
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_stage_move_free);
  ReadOp op = { sale_id, moves };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!_scim_store_read (store, sale_history_cb, &op, error))
    return NULL;
  return g_steal_pointer (&moves);
}

/**
 * scim_store_get_sale:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @error: return location for an error
 *
 * Returns: (transfer full): the sale with the columns of the sales list,
 *   or %NULL with %SCIM_STORE_ERROR_NOT_FOUND
 */
ScimSale *
scim_store_get_sale (ScimStore  *store,
                     gint64      sale_id,
                     GError    **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  ScimRecord *record;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  rows = scim_store_load_rows (store, SCIM_LIST_SALES, &sale_id, 1, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This sale no longer exists. Reload the list."));
      return NULL;
    }
  record = scim_record_new (SCIM_TYPE_SALE, sale_id);
  scim_record_update (record, g_ptr_array_index (rows, 0));
  return SCIM_SALE (record);
}

static gboolean
may_edit_plan_cb (ScimTx    *tx,
                  gpointer   user_data,
                  GError   **error)
{
  gint64 *sale_id = user_data;
  g_auto(SaleInfo) sale = { 0 };

  return load_sale (tx, *sale_id, &sale, error) && may_edit_sale (tx, &sale, TRUE, error);
}

/**
 * scim_store_may_edit_plan:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @error: (nullable): return location for the reason why not
 *
 * Whether the signed-in user may change the sale's plan now, so that the
 * sale window can show it read-only with the reason.  The writes check
 * again.
 *
 * Returns: %TRUE when they may
 */
gboolean
scim_store_may_edit_plan (ScimStore  *store,
                          gint64      sale_id,
                          GError    **error)
{
  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return _scim_store_read (store, may_edit_plan_cb, &sale_id, error);
}

/* Tasks */

typedef struct
{
  char    *title;
  char    *notes;
  gint64   owner_id;
  gint64   due_at;
  gboolean due_has_time;
  gint64   target_stage_id;
} CleanTask;

static void
clean_task_clear (CleanTask *task)
{
  g_clear_pointer (&task->title, g_free);
  g_clear_pointer (&task->notes, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CleanTask, clean_task_clear)

static gboolean
check_task_fields (ScimTx                *tx,
                   const SaleInfo        *sale,
                   const ScimTaskFields  *f,
                   CleanTask             *out,
                   GError               **error)
{
  if (!check_utf8 (f->title, error) || !check_utf8 (f->notes, error))
    return FALSE;
  out->title = dup_clean (f->title);
  out->notes = g_strdup (f->notes != NULL ? f->notes : "");
  if (out->title[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Title: say what is to be done."));
      return FALSE;
    }
  out->owner_id = f->owner_id != 0 ? f->owner_id : sale->owner_id;
  if (!check_active_user (tx, out->owner_id,
                          _("Owner: this user does not exist or may not sign in. Choose another."), error))
    return FALSE;
  out->target_stage_id = f->target_stage_id;
  if (f->target_stage_id != 0)
    {
      gint64 ok = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM stages WHERE id = ? AND product_id = ?",
                                         "II", f->target_stage_id, sale->product_id);
      if (ok < 0)
        return FALSE;
      if (ok == 0)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Target stage: this stage is not in the funnel of the sale’s product. Choose another."));
          return FALSE;
        }
    }
  if (f->due_at < 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("Due: the date is not valid."));
      return FALSE;
    }
  out->due_has_time = f->due_at != 0 && f->due_has_time;
  /* A task for a day is due at the local midnight that begins it. */
  out->due_at = f->due_at != 0 && !f->due_has_time ? _scim_local_day_start (f->due_at, 0) : f->due_at;
  return TRUE;
}

typedef struct
{
  gint64                task_id;
  gint64                sale_id;
  gint64                version;
  int                   position;
  const ScimTaskFields *fields;
  const char           *state;
  const char           *result;
  const gint64         *ids;
  guint                 n_ids;
  GVariant             *row;
} TaskOp;

static gboolean
add_task_cb (ScimTx    *tx,
             gpointer   user_data,
             GError   **error)
{
  TaskOp *op = user_data;
  g_auto(SaleInfo) sale = { 0 };
  g_auto(CleanTask) task = { 0 };
  int position;

  if (!load_sale (tx, op->sale_id, &sale, error) || !may_edit_sale (tx, &sale, TRUE, error) ||
      !check_task_fields (tx, &sale, op->fields, &task, error))
    return FALSE;
  position = open_position (tx, op->sale_id, op->position, error);
  if (position < 0)
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO tasks (sale_id, title, notes, owner_id, due_at, due_has_time, target_stage_id, "
                         "position, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "IssINiNiIN", op->sale_id, task.title, task.notes, task.owner_id, task.due_at,
                         task.due_has_time ? 1 : 0, task.target_stage_id, position, tx->now, tx->user_id))
    return FALSE;
  op->task_id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "tasks", op->task_id, "insert", error) && renumber_tasks (tx, op->sale_id, error);
}

/**
 * scim_store_add_task:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @position: where in the plan, from 0; -1 (or past the end): at the end
 * @fields: the task; an owner of 0 means the sale's salesperson
 * @error: return location for an error
 *
 * Adds a planned task to the sale's plan.  The first task of a sale
 * answers its "build a plan" request (a trigger of schema version 4).
 *
 * Returns: the new task's id, or 0 with @error set
 */
gint64
scim_store_add_task (ScimStore             *store,
                     gint64                 sale_id,
                     int                    position,
                     const ScimTaskFields  *fields,
                     GError               **error)
{
  TaskOp op = { .sale_id = sale_id, .position = position, .fields = fields };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);
  g_return_val_if_fail (fields != NULL, 0);
  if (!scim_store_write (store, add_task_cb, &op, error))
    return 0;
  return op.task_id;
}

static gboolean
update_task_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  TaskOp *op = user_data;
  g_auto(TaskInfo) current = { 0 };
  g_auto(SaleInfo) sale = { 0 };
  g_auto(CleanTask) task = { 0 };

  if (!load_task (tx, op->task_id, &current, error) || !load_sale (tx, current.sale_id, &sale, error) ||
      !may_edit_sale (tx, &sale, TRUE, error) || !check_task_fields (tx, &sale, op->fields, &task, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE tasks SET title = ?, notes = ?, owner_id = ?, due_at = ?, due_has_time = ?, "
                         "target_stage_id = ?, version = version + 1 WHERE id = ? AND version = ?",
                         "ssINiNII", task.title, task.notes, task.owner_id, task.due_at, task.due_has_time ? 1 : 0,
                         task.target_stage_id, op->task_id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "tasks", op->task_id, error);
}

/**
 * scim_store_update_task:
 * @store: a #ScimStore
 * @task_id: the task
 * @version: the version the editor started from
 * @fields: the new values; an owner of 0 means the sale's salesperson
 * @error: return location for an error
 *
 * Returns: %TRUE when saved; %SCIM_STORE_ERROR_CONFLICT when someone saved
 *   the task in between
 */
gboolean
scim_store_update_task (ScimStore             *store,
                        gint64                 task_id,
                        gint64                 version,
                        const ScimTaskFields  *fields,
                        GError               **error)
{
  TaskOp op = { .task_id = task_id, .version = version, .fields = fields };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  return scim_store_write (store, update_task_cb, &op, error);
}

static gboolean
finish_task_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  TaskOp *op = user_data;
  g_auto(TaskInfo) task = { 0 };
  g_auto(SaleInfo) sale = { 0 };
  g_autofree char *result = dup_clean (op->result);
  gboolean known = FALSE;

  if (!load_task (tx, op->task_id, &task, error) || !load_sale (tx, task.sale_id, &sale, error) ||
      !may_close_task (tx, &sale, &task, error) || !check_utf8 (op->result, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (finished_states); i++)
    known |= g_strcmp0 (op->state, finished_states[i]) == 0;
  if (!known)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("State: a task is finished as done, failed or cancelled."));
      return FALSE;
    }
  if (!g_str_equal (op->state, "cancelled") && result[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Result: write what came of it — a negative result is a result too."));
      return FALSE;
    }
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE tasks SET state = ?, result = ?, closed_at = ?, version = version + 1 "
                         "WHERE id = ? AND version = ?",
                         "ssIII", op->state, result, tx->now, op->task_id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "tasks", op->task_id, error);
}

/**
 * scim_store_finish_task:
 * @store: a #ScimStore
 * @task_id: the task
 * @version: the version the window showed
 * @state: "done", "failed" or "cancelled"
 * @result: (nullable): what came of it; required for done and failed
 * @error: return location for an error
 *
 * Closes a task with its result.  Besides those who may edit the plan, the
 * task's owner may close it on someone else's sale.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_finish_task (ScimStore   *store,
                        gint64       task_id,
                        gint64       version,
                        const char  *state,
                        const char  *result,
                        GError     **error)
{
  TaskOp op = { .task_id = task_id, .version = version, .state = state, .result = result };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, finish_task_cb, &op, error);
}

static gboolean
reopen_task_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  TaskOp *op = user_data;
  g_auto(TaskInfo) task = { 0 };
  g_auto(SaleInfo) sale = { 0 };

  if (!load_task (tx, op->task_id, &task, error) || !load_sale (tx, task.sale_id, &sale, error) ||
      !may_close_task (tx, &sale, &task, error))
    return FALSE;
  if (g_str_equal (task.state, "planned"))
    return TRUE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE tasks SET state = 'planned', result = '', closed_at = NULL, version = version + 1 "
                         "WHERE id = ?",
                         "I", op->task_id))
    return FALSE;
  return scim_tx_log (tx, "tasks", op->task_id, "update", error);
}

/**
 * scim_store_reopen_task:
 * @store: a #ScimStore
 * @task_id: a closed task
 * @error: return location for an error
 *
 * Plans a closed task again: its result and closing time are cleared.  A
 * planned task is left as it is.
 *
 * Returns: %TRUE when done
 */
gboolean
scim_store_reopen_task (ScimStore  *store,
                        gint64      task_id,
                        GError    **error)
{
  TaskOp op = { .task_id = task_id };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, reopen_task_cb, &op, error);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gboolean
reorder_tasks_cb (ScimTx    *tx,
                  gpointer   user_data,
                  GError   **error)
{
  TaskOp *op = user_data;
  g_auto(SaleInfo) sale = { 0 };
  g_autoptr(GArray) positions = g_array_sized_new (FALSE, FALSE, sizeof (gint64), op->n_ids);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  if (!load_sale (tx, op->sale_id, &sale, error) || !may_edit_sale (tx, &sale, TRUE, error))
    return FALSE;

  /* The tasks given take, in the order given, the places they hold between
   * them; the others stay where they are. */
  for (guint i = 0; i < op->n_ids; i++)
    {
      gint64 place = _scim_store_query_int (tx->store, error,
                                            "SELECT position + 1 FROM tasks WHERE id = ? AND sale_id = ?",
                                            "II", op->ids[i], op->sale_id);

      if (place < 0)
        return FALSE;
      if (place == 0 || g_hash_table_contains (seen, &op->ids[i]))
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT,
                       _("The plan was changed by someone else. Reload it and order the tasks again."));
          return FALSE;
        }
      g_hash_table_add (seen, (gpointer) &op->ids[i]);
      place--;
      g_array_append_val (positions, place);
    }
  g_array_sort (positions, compare_int64);

  for (guint i = 0; i < op->n_ids; i++)
    {
      gint64 place = g_array_index (positions, gint64, i);

      if (!_scim_store_exec (tx->store, error, "UPDATE tasks SET position = ? WHERE id = ? AND position != ?",
                             "III", place, op->ids[i], place))
        return FALSE;
      if (sqlite3_changes (tx->db) > 0 && !scim_tx_log (tx, "tasks", op->ids[i], "update", error))
        return FALSE;
    }
  return renumber_tasks (tx, op->sale_id, error);
}

/**
 * scim_store_reorder_tasks:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @task_ids: (array length=n_task_ids): tasks of the sale in their new order
 * @n_task_ids: how many
 * @error: return location for an error
 *
 * Orders the plan.  The tasks given may be all of the plan or some of it
 * (say, the planned ones): they take the places they held between them,
 * in the order given.  A task that is no longer in the plan gives
 * %SCIM_STORE_ERROR_CONFLICT.
 *
 * Returns: %TRUE when done
 */
gboolean
scim_store_reorder_tasks (ScimStore     *store,
                          gint64         sale_id,
                          const gint64  *task_ids,
                          guint          n_task_ids,
                          GError       **error)
{
  TaskOp op = { .sale_id = sale_id, .ids = task_ids, .n_ids = n_task_ids };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (task_ids != NULL || n_task_ids == 0, FALSE);
  return scim_store_write (store, reorder_tasks_cb, &op, error);
}

static GVariant *
row_variant (sqlite3_stmt *stmt)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    {
      const char *name = sqlite3_column_name (stmt, i);

      switch (sqlite3_column_type (stmt, i))
        {
        case SQLITE_INTEGER:
          g_variant_builder_add (&builder, "{sv}", name, g_variant_new_int64 (sqlite3_column_int64 (stmt, i)));
          break;
        case SQLITE_TEXT:
          g_variant_builder_add (&builder, "{sv}", name,
                                 g_variant_new_string ((const char *) sqlite3_column_text (stmt, i)));
          break;
        default:
          break;
        }
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static gboolean
delete_task_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  TaskOp *op = user_data;
  g_auto(TaskInfo) task = { 0 };
  g_auto(SaleInfo) sale = { 0 };
  sqlite3_stmt *stmt;

  if (!load_task (tx, op->task_id, &task, error) || !load_sale (tx, task.sale_id, &sale, error) ||
      !may_edit_sale (tx, &sale, TRUE, error))
    return FALSE;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, sale_id, title, notes, owner_id, due_at, due_has_time, target_stage_id, state, "
                              "result, position, created_at, created_by, closed_at, version FROM tasks WHERE id = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->task_id);
  if (_scim_store_step (tx->store, stmt, error) != SQLITE_ROW)
    return FALSE;
  g_clear_pointer (&op->row, g_variant_unref);
  op->row = row_variant (stmt);
  sqlite3_reset (stmt);

  if (!_scim_store_exec (tx->store, error, "DELETE FROM tasks WHERE id = ?", "I", op->task_id) ||
      !scim_tx_log (tx, "tasks", op->task_id, "delete", error))
    return FALSE;
  return renumber_tasks (tx, task.sale_id, error);
}

/**
 * scim_store_delete_task:
 * @store: a #ScimStore
 * @task_id: the task
 * @error: return location for an error
 *
 * Returns: (transfer full): the deleted row, for scim_store_restore_task(),
 *   or %NULL with @error set
 */
GVariant *
scim_store_delete_task (ScimStore  *store,
                        gint64      task_id,
                        GError    **error)
{
  TaskOp op = { .task_id = task_id };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!scim_store_write (store, delete_task_cb, &op, error))
    {
      g_clear_pointer (&op.row, g_variant_unref);
      return NULL;
    }
  return op.row;
}

static gboolean
restore_task_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  TaskOp *op = user_data;
  g_auto(SaleInfo) sale = { 0 };
  const char *title = NULL, *notes = "", *state = "planned", *result = "";
  gint64 id = 0, sale_id = 0, owner = 0, due = 0, has_time = 0, target = 0, position = -1;
  gint64 created_at = 0, created_by = 0, closed_at = 0, version = 0;
  g_autofree char *clean_title = NULL;
  int place;

  g_variant_lookup (op->row, "id", "x", &id);
  g_variant_lookup (op->row, "sale_id", "x", &sale_id);
  g_variant_lookup (op->row, "title", "&s", &title);
  g_variant_lookup (op->row, "notes", "&s", &notes);
  g_variant_lookup (op->row, "owner_id", "x", &owner);
  g_variant_lookup (op->row, "due_at", "x", &due);
  g_variant_lookup (op->row, "due_has_time", "x", &has_time);
  g_variant_lookup (op->row, "target_stage_id", "x", &target);
  g_variant_lookup (op->row, "state", "&s", &state);
  g_variant_lookup (op->row, "result", "&s", &result);
  g_variant_lookup (op->row, "position", "x", &position);
  g_variant_lookup (op->row, "created_at", "x", &created_at);
  g_variant_lookup (op->row, "created_by", "x", &created_by);
  g_variant_lookup (op->row, "closed_at", "x", &closed_at);
  g_variant_lookup (op->row, "version", "x", &version);

  if (!load_sale (tx, sale_id, &sale, error) || !may_edit_sale (tx, &sale, TRUE, error))
    return FALSE;
  clean_title = dup_clean (title);
  if (clean_title[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("Title: say what is to be done."));
      return FALSE;
    }
  place = open_position (tx, sale_id, (int) MIN (position, G_MAXINT), error);
  if (place < 0)
    return FALSE;

  /* Back under its own id unless that was taken since; with its owner and
   * target stage when they still exist. */
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO tasks (id, sale_id, title, notes, owner_id, due_at, due_has_time, target_stage_id, "
                         "state, result, position, created_at, created_by, closed_at, version) VALUES ("
                         "(SELECT CASE WHEN EXISTS (SELECT 1 FROM tasks WHERE id = ?1) THEN NULL ELSE ?1 END), "
                         "?2, ?3, ?4, coalesce((SELECT id FROM users WHERE id = ?5), ?6), ?7, ?8, "
                         "(SELECT id FROM stages WHERE id = ?9 AND product_id = ?10), ?11, ?12, ?13, ?14, "
                         "(SELECT id FROM users WHERE id = ?15), "
                         "CASE WHEN ?11 = 'planned' THEN NULL ELSE coalesce(?16, ?17) END, ?18)",
                         "NIssIINiIIssiINNII", id, sale_id, clean_title, notes, owner, sale.owner_id, due,
                         has_time != 0 ? 1 : 0, target, sale.product_id, state, result, place,
                         created_at != 0 ? created_at : tx->now, created_by, closed_at, tx->now, version + 1))
    return FALSE;
  op->task_id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "tasks", op->task_id, "insert", error) && renumber_tasks (tx, sale_id, error);
}

/**
 * scim_store_restore_task:
 * @store: a #ScimStore
 * @row: what scim_store_delete_task() returned
 * @error: return location for an error
 *
 * Undoes a delete: the task comes back at its place in the plan, under its
 * own id when that is still free.
 *
 * Returns: %TRUE when done
 */
gboolean
scim_store_restore_task (ScimStore  *store,
                         GVariant   *row,
                         GError    **error)
{
  TaskOp op = { .row = row };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (row != NULL && g_variant_is_of_type (row, G_VARIANT_TYPE_VARDICT), FALSE);
  return scim_store_write (store, restore_task_cb, &op, error);
}

/* Plan templates */

typedef struct
{
  gint64                  product_id;
  gint64                  stage_id;
  gint64                  sale_id;
  const ScimTemplateTask *tasks;
  guint                   n_tasks;
  gint                    added;
  GPtrArray              *rows;
} TemplateOp;

static gboolean
set_plan_template_cb (ScimTx    *tx,
                      gpointer   user_data,
                      GError   **error)
{
  TemplateOp *op = user_data;
  g_autoptr(GArray) old = NULL;
  gint64 ok;

  if (!scim_store_require_role (tx->store, SCIM_ROLE_ADMIN, error))
    return FALSE;
  ok = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM stages WHERE id = ? AND product_id = ?", "II",
                              op->stage_id, op->product_id);
  if (ok <= 0)
    {
      if (ok == 0)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("Stage: this stage is not in the funnel of the product. Choose one of its stages."));
      return FALSE;
    }
  for (guint i = 0; i < op->n_tasks; i++)
    {
      g_autofree char *title = NULL;

      if (!check_utf8 (op->tasks[i].title, error) || !check_utf8 (op->tasks[i].notes, error))
        return FALSE;
      title = dup_clean (op->tasks[i].title);
      if (title[0] == '\0')
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Title: say what is to be done (task %u)."), i + 1);
          return FALSE;
        }
      if (op->tasks[i].due_in_days < 0)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Days: the number of days until the task is due cannot be negative (task %u)."), i + 1);
          return FALSE;
        }
    }

  old = _scim_tx_collect_ids (tx, error, "DELETE FROM plan_templates WHERE stage_id = ? RETURNING id", "I", op->stage_id);
  if (old == NULL || !_scim_tx_log_ids (tx, "plan_templates", old, "delete", error))
    return FALSE;
  for (guint i = 0; i < op->n_tasks; i++)
    {
      g_autofree char *title = dup_clean (op->tasks[i].title);

      if (!_scim_store_exec (tx->store, error,
                             "INSERT INTO plan_templates (product_id, stage_id, position, title, notes, due_in_days) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             "IIissi", op->product_id, op->stage_id, (int) i, title,
                             op->tasks[i].notes != NULL ? op->tasks[i].notes : "", op->tasks[i].due_in_days) ||
          !scim_tx_log (tx, "plan_templates", sqlite3_last_insert_rowid (tx->db), "insert", error))
        return FALSE;
    }
  return TRUE;
}

/**
 * scim_store_set_plan_template:
 * @store: a #ScimStore
 * @product_id: the product
 * @stage_id: a stage of its funnel
 * @tasks: (array length=n_tasks): the usual tasks of the stage, in order
 * @n_tasks: how many; 0 clears the template
 * @error: return location for an error
 *
 * Replaces the usual tasks of a stage.  Administrators only.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_set_plan_template (ScimStore               *store,
                              gint64                   product_id,
                              gint64                   stage_id,
                              const ScimTemplateTask  *tasks,
                              guint                    n_tasks,
                              GError                 **error)
{
  TemplateOp op = { .product_id = product_id, .stage_id = stage_id, .tasks = tasks, .n_tasks = n_tasks };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (tasks != NULL || n_tasks == 0, FALSE);
  return scim_store_write (store, set_plan_template_cb, &op, error);
}

/* The template of @stage_id as {title, notes, days} rows. */
static gboolean
read_template (ScimTx     *tx,
               gint64      stage_id,
               GPtrArray  *rows,
               GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT title, notes, due_in_days FROM plan_templates WHERE stage_id = ? "
                              "ORDER BY position, id", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", stage_id);
  g_ptr_array_set_size (rows, 0);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      char **row = g_new0 (char *, 4);

      row[0] = column_dup (stmt, 0);
      row[1] = column_dup (stmt, 1);
      row[2] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 2));
      g_ptr_array_add (rows, row);
    }
  return rc == SQLITE_DONE;
}

static gboolean
get_plan_template_cb (ScimTx    *tx,
                      gpointer   user_data,
                      GError   **error)
{
  TemplateOp *op = user_data;

  return read_template (tx, op->stage_id, op->rows, error);
}

/**
 * scim_store_get_plan_template:
 * @store: a #ScimStore
 * @stage_id: a stage
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type GStrv): the usual tasks of the
 *   stage in order, each {title, notes, days until due} (days as a decimal
 *   number), or %NULL with @error set
 */
GPtrArray *
scim_store_get_plan_template (ScimStore  *store,
                              gint64      stage_id,
                              GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  TemplateOp op = { .stage_id = stage_id, .rows = rows };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!_scim_store_read (store, get_plan_template_cb, &op, error))
    return NULL;
  return g_steal_pointer (&rows);
}

static gboolean
apply_plan_template_cb (ScimTx    *tx,
                        gpointer   user_data,
                        GError   **error)
{
  TemplateOp *op = user_data;
  g_auto(SaleInfo) sale = { 0 };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gint64 stage_id;

  op->added = 0;
  if (!load_sale (tx, op->sale_id, &sale, error) || !may_edit_sale (tx, &sale, TRUE, error))
    return FALSE;
  stage_id = op->stage_id != 0 ? op->stage_id : sale.stage_id;
  if (stage_id != sale.stage_id)
    {
      gint64 ok = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM stages WHERE id = ? AND product_id = ?",
                                         "II", stage_id, sale.product_id);
      if (ok <= 0)
        {
          if (ok == 0)
            g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                         _("Stage: this stage is not in the funnel of the sale’s product. Choose one of its stages."));
          return FALSE;
        }
    }
  if (!read_template (tx, stage_id, rows, error))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      int days = (int) CLAMP (g_ascii_strtoll (row[2], NULL, 10), 0, 3650);
      int position = open_position (tx, op->sale_id, -1, error);
      gint64 task_id;

      if (position < 0)
        return FALSE;
      if (!_scim_store_exec (tx->store, error,
                             "INSERT INTO tasks (sale_id, title, notes, owner_id, due_at, due_has_time, position, "
                             "created_at, created_by) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
                             "IssIIiIN", op->sale_id, row[0], row[1], sale.owner_id,
                             _scim_local_day_start (tx->now, days), position, tx->now, tx->user_id))
        return FALSE;
      task_id = sqlite3_last_insert_rowid (tx->db);
      if (!scim_tx_log (tx, "tasks", task_id, "insert", error))
        return FALSE;
      op->added++;
    }
  return TRUE;
}

/**
 * scim_store_apply_plan_template:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @stage_id: whose usual tasks; 0: the sale's present stage
 * @error: return location for an error
 *
 * Adds the usual tasks of a stage at the end of the sale's plan, owned by
 * the sale's salesperson and due the given number of days after today.
 *
 * Returns: how many tasks were added (0 when the stage has no template),
 *   or -1 with @error set
 */
gint
scim_store_apply_plan_template (ScimStore  *store,
                                gint64      sale_id,
                                gint64      stage_id,
                                GError    **error)
{
  TemplateOp op = { .sale_id = sale_id, .stage_id = stage_id };

  g_return_val_if_fail (SCIM_IS_STORE (store), -1);
  if (!scim_store_write (store, apply_plan_template_cb, &op, error))
    return -1;
  return op.added;
}

/* Control */

void
scim_discipline_free (ScimDiscipline *discipline)
{
  if (discipline == NULL)
    return;
  g_free (discipline->name);
  g_free (discipline);
}

typedef struct
{
  guint      idle_days;
  gint64     now;
  GPtrArray *rows;
} DisciplineOp;

static gboolean
discipline_cb (ScimTx    *tx,
               gpointer   user_data,
               GError   **error)
{
  DisciplineOp *op = user_data;
  gint64 now = op->now != 0 ? op->now : tx->now;
  gint64 today = _scim_local_day_start (now, 0);
  gint64 tomorrow = _scim_local_day_start (now, 1);
  guint days = op->idle_days != 0 ? op->idle_days : SCIM_DEFAULT_IDLE_DAYS;
  sqlite3_stmt *stmt;
  int rc;

  /* Each count is an index range: planned tasks by (owner, state, due),
   * sales without a plan by the partial index on open_tasks = 0, sales in
   * work by the partial index on (owner, last activity).  Only the tasks with
   * a time that fell due earlier today are read from the table. */
  stmt = _scim_store_prepare (tx->store,
                              "WITH np AS (SELECT owner_id, count(*) AS n FROM sales INDEXED BY sales_no_plan "
                              "   WHERE open_tasks = 0 AND stage_id IN (SELECT id FROM stages WHERE kind != 'lost') "
                              "   GROUP BY owner_id), "
                              " late AS (SELECT owner_id, count(*) AS n FROM tasks "
                              "   WHERE state = 'planned' AND due_at >= ?2 AND due_at < ?1 AND due_has_time = 1 "
                              "   GROUP BY owner_id) "
                              "SELECT u.id, " USER_NAME ("u") " AS name, "
                              " (SELECT count(*) FROM tasks k WHERE k.owner_id = u.id AND k.state = 'planned'), "
                              " (SELECT count(*) FROM tasks k WHERE k.owner_id = u.id AND k.state = 'planned' "
                              "   AND k.due_at < ?2) + coalesce(late.n, 0), "
                              " (SELECT count(*) FROM tasks k WHERE k.owner_id = u.id AND k.state = 'planned' "
                              "   AND k.due_at >= ?2 AND k.due_at < ?3), "
                              " coalesce(np.n, 0), "
                              " (SELECT count(*) FROM sales s INDEXED BY sales_in_work WHERE s.owner_id = u.id "
                              "   AND s.closed_at IS NULL AND s.last_activity_at < ?4 AND coalesce(s.paused_until, 0) < ?1) "
                              "FROM users u LEFT JOIN np ON np.owner_id = u.id "
                              " LEFT JOIN late ON late.owner_id = u.id "
                              "WHERE u.active = 1 AND (u.role = 'sales' "
                              " OR EXISTS (SELECT 1 FROM sales s WHERE s.owner_id = u.id) "
                              " OR EXISTS (SELECT 1 FROM tasks k WHERE k.owner_id = u.id AND k.state = 'planned')) "
                              "ORDER BY name COLLATE NOCASE, u.id",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IIII", now, today, tomorrow, now - (gint64) days * 24 * 3600);
  g_ptr_array_set_size (op->rows, 0);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      ScimDiscipline *d = g_new0 (ScimDiscipline, 1);

      d->user_id = sqlite3_column_int64 (stmt, 0);
      d->name = column_dup (stmt, 1);
      d->open_tasks = (guint) sqlite3_column_int64 (stmt, 2);
      d->overdue = (guint) sqlite3_column_int64 (stmt, 3);
      d->due_today = (guint) sqlite3_column_int64 (stmt, 4);
      d->sales_without_plan = (guint) sqlite3_column_int64 (stmt, 5);
      d->sales_idle = (guint) sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (op->rows, d);
    }
  return rc == SQLITE_DONE;
}

/**
 * scim_store_discipline_at:
 * @store: a #ScimStore
 * @idle_days: days without activity after which a sale in work is idle;
 *   0: %SCIM_DEFAULT_IDLE_DAYS
 * @now: UTC seconds to count from; 0: the clock
 * @error: return location for an error
 *
 * Like scim_store_discipline(), at a given time (for tests and reports).
 *
 * Returns: (transfer full) (element-type ScimDiscipline): one row per
 *   active salesperson, and per head or administrator who owns sales or
 *   planned tasks, by name; %NULL with @error set
 */
GPtrArray *
scim_store_discipline_at (ScimStore  *store,
                          guint       idle_days,
                          gint64      now,
                          GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_discipline_free);
  DisciplineOp op = { idle_days, now, rows };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!_scim_store_read (store, discipline_cb, &op, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/**
 * scim_store_discipline:
 * @store: a #ScimStore
 * @idle_days: days without a stage move, a closed task or a sales-book
 *   event after which a sale in work counts as idle; 0: %SCIM_DEFAULT_IDLE_DAYS
 * @error: return location for an error
 *
 * The counts the head of sales looks at every morning, per salesperson:
 * planned tasks, overdue ones (a task for a day once the day is over, one
 * with a time once the time has passed), those due today, sales that are
 * not lost and have no planned task, and idle sales in work.
 *
 * Returns: (transfer full) (element-type ScimDiscipline): one row per
 *   active salesperson, and per head or administrator who owns sales or
 *   planned tasks, by name; %NULL with @error set
 */
GPtrArray *
scim_store_discipline (ScimStore  *store,
                       guint       idle_days,
                       GError    **error)
{
  return scim_store_discipline_at (store, idle_days, 0, error);
}
