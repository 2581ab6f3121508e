/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-events"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-events.h"
#include "scim-store-private.h"
#include "scim-users.h"

/* The Sales book.  Anyone signed in writes events in any sale; the author,
 * a head or an admin edits and deletes them, and the version replaced or
 * deleted is kept in event_history.
 *
 * Unread marks (schema version 6).  An event is unread for a user when a
 * colleague wrote it after the user's watermark in event_read_upto and the
 * user has not marked it read one by one (event_reads).  The watermark is a
 * key (created_at, id) rather than a time alone, so that two events written
 * in the same second are told apart.  Two rules of this file keep the key
 * growing: a new event is written no earlier than the newest one
 * (created_at is never less than the greatest, even when this computer's
 * clock is behind another's), and gets an id above every id a watermark or
 * the history has seen, so a deleted event's id is never given again.
 * Marking everything read moves the watermark: one row, whatever the number
 * of events.  A trigger of schema version 6 gives each new user a watermark
 * at the newest event, so they start with everything read.  Counting is a
 * range of the index events_created from the watermark, less the single
 * marks. */

static const char * const event_kinds[] = {
  "call", "meeting", "email", "proposal", "contract", "payment", "note", "other", NULL
};

/**
 * scim_event_kinds:
 *
 * Returns: (transfer none) (array zero-terminated=1): the kinds of events
 *   as stored; show them with scim_format_event_kind()
 */
const char * const *
scim_event_kinds (void)
{
  return event_kinds;
}

/**
 * scim_event_kind_is_valid:
 * @kind: (nullable): a kind as stored
 *
 * Returns: whether @kind is one of scim_event_kinds()
 */
gboolean
scim_event_kind_is_valid (const char *kind)
{
  return kind != NULL && g_strv_contains (event_kinds, kind);
}

static char *
clean (const char *text)
{
  return text != NULL ? g_strstrip (g_strdup (text)) : g_strdup ("");
}

static gboolean
signed_in (ScimTx  *tx,
           GError **error)
{
  return scim_store_require_role (tx->store, SCIM_ROLE_SALES, error);
}

/* Heads and admins may change any event and move any sale. */
static gint64
is_head_or_admin (ScimTx  *tx,
                  GError **error)
{
  return _scim_store_query_int (tx->store, error,
                                "SELECT count(*) FROM users WHERE id = ? AND active = 1 AND role IN ('head', 'admin')",
                                "I", tx->user_id);
}

static gboolean
may_change_event (ScimTx  *tx,
                  gint64   author_id,
                  GError **error)
{
  gint64 boss;

  if (!signed_in (tx, error))
    return FALSE;
  if (author_id != 0 && author_id == tx->user_id)
    return TRUE;
  boss = is_head_or_admin (tx, error);
  if (boss < 0)
    return FALSE;
  if (boss == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Only the author of the event, a head of sales or an administrator may change or delete it."));
      return FALSE;
    }
  return TRUE;
}

/* The event column `planned` says whether the event was ahead when it was
 * last written.  Readers compare `at` with the clock themselves; each write
 * of the book brings the column up to date for the events whose time has
 * come since (index events_planned), without a new version: nobody edited
 * them. */
static gboolean
settle_planned (ScimTx  *tx,
                GError **error)
{
  return _scim_store_exec (tx->store, error, "UPDATE events SET planned = 0 WHERE planned = 1 AND at <= ?", "I",
                           tx->now);
}

typedef struct
{
  gint64 product_id;
  gint64 stage_id;
  gint64 owner_id;
} SaleInfo;

static gboolean
sale_info (ScimTx    *tx,
           gint64     sale_id,
           SaleInfo  *info,
           GError   **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (tx->store, "SELECT product_id, stage_id, owner_id FROM sales WHERE id = ?",
                                            error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", sale_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SQLITE_ROW)
    {
      info->product_id = sqlite3_column_int64 (stmt, 0);
      info->stage_id = sqlite3_column_int64 (stmt, 1);
      info->owner_id = sqlite3_column_int64 (stmt, 2);
      sqlite3_reset (stmt);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                 _("Sale: this sale no longer exists. Choose another."));
  return FALSE;
}

/* The fields, cleaned and checked.  Errors name the field. */
typedef struct
{
  gint64  sale_id;
  char   *kind;
  char   *title;
  char   *text;
  gint64  at;
} CleanFields;

static void
clean_fields_clear (CleanFields *c)
{
  g_free (c->kind);
  g_free (c->title);
  g_free (c->text);
}

static gboolean
check_fields (ScimTx                *tx,
              const ScimEventFields *f,
              gint64                 default_at,
              CleanFields           *c,
              SaleInfo              *sale,
              GError               **error)
{
  const char *texts[] = { f->kind, f->title, f->text };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] != NULL && !g_utf8_validate (texts[i], -1, NULL))
      {
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("The text is not valid UTF-8. Type it again or fix the file it came from."));
        return FALSE;
      }

  c->kind = clean (f->kind);
  c->title = clean (f->title);
  c->text = g_strdup (f->text != NULL ? f->text : "");
  g_strchomp (c->text);
  c->at = f->at != 0 ? f->at : default_at;
  c->sale_id = f->sale_id;

  if (!scim_event_kind_is_valid (c->kind))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Kind: “%s” is not a kind of event. Choose call, meeting, email, proposal, contract, payment, "
                     "note or other."), c->kind);
      return FALSE;
    }
  if (c->title[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Title: say in a few words what happened or what is planned."));
      return FALSE;
    }
  if (c->at < 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("When: the date is before 1970. Choose a later date."));
      return FALSE;
    }
  return sale_info (tx, c->sale_id, sale, error);
}

/* Moving the sale */

/* Moves @sale_id to @stage_id inside the transaction, with the rules of
 * scim_store_move_sale(): the stage history (whose trigger keeps the stage
 * intervals), then the sale's stage, when it entered it, and its closing
 * date for a won or lost stage (a sale moving between two won stages keeps
 * the day it closed).  A lost stage needs @reason; a paused stage needs
 * @paused_until ahead.  The caller checks who may move the sale.
 * scim_store_move_sale() runs the same steps in a transaction of its own;
 * the two should become one helper of scim-store-private.h. */
static gboolean
move_sale (ScimTx      *tx,
           gint64       sale_id,
           gint64       stage_id,
           const char  *reason,
           gint64       paused_until,
           GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *kind = NULL;
  g_autofree char *from_kind = NULL;
  gint64 from_stage = 0;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT st.kind, s.stage_id, cur.kind FROM sales s "
                              "JOIN stages st ON st.id = ? AND st.product_id = s.product_id "
                              "JOIN stages cur ON cur.id = s.stage_id WHERE s.id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "II", stage_id, sale_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Stage: this stage is not in the funnel of the sale’s product. Choose one of its stages."));
      return FALSE;
    }
  kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  from_stage = sqlite3_column_int64 (stmt, 1);
  from_kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  sqlite3_reset (stmt);

  if (g_str_equal (kind, "lost") && (reason == NULL || reason[0] == '\0'))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Stage: a lost sale needs the reason it was lost. Say it in the title."));
      return FALSE;
    }
  if (g_str_equal (kind, "paused") && paused_until <= tx->now)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Stage: a paused sale needs the date to take it up again. Give the event a date ahead."));
      return FALSE;
    }

  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO stage_changes (sale_id, from_stage_id, to_stage_id, user_id, at, reason) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         "IIINIs", sale_id, from_stage, stage_id, tx->user_id, tx->now,
                         reason != NULL && reason[0] != '\0' ? reason : NULL) ||
      !scim_tx_log (tx, "stage_changes", sqlite3_last_insert_rowid (tx->db), "insert", error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE sales SET stage_id = ?1, stage_entered_at = ?2, version = version + 1,"
                         " closed_at = CASE WHEN ?3 IN ('won', 'lost')"
                         "   THEN (CASE WHEN ?4 = ?3 THEN coalesce(closed_at, ?2) ELSE ?2 END) ELSE NULL END,"
                         " lost_reason = CASE WHEN ?3 = 'lost' THEN ?5 ELSE NULL END,"
                         " paused_until = CASE WHEN ?3 = 'paused' THEN ?6 ELSE NULL END "
                         "WHERE id = ?7",
                         "IIsssII", stage_id, tx->now, kind, from_kind, reason, paused_until, sale_id))
    return FALSE;
  return scim_tx_log (tx, "sales", sale_id, "update", error);
}

/* Adding */

typedef struct
{
  const ScimEventFields *fields;
  gint64                 move_to_stage;
  gint64                 id;
  gint64                 version;
} EventOp;

static gboolean
add_event_cb (ScimTx    *tx,
              gpointer   user_data,
              GError   **error)
{
  EventOp *op = user_data;
  CleanFields c = { 0 };
  SaleInfo sale = { 0 };
  gboolean ok = FALSE;

  if (!signed_in (tx, error) || !check_fields (tx, op->fields, tx->now, &c, &sale, error))
    goto out;

  if (op->move_to_stage != 0 && op->move_to_stage != sale.stage_id)
    {
      /* Writing in the book is open to all; moving the sale is not. */
      if (sale.owner_id != tx->user_id)
        {
          gint64 boss = is_head_or_admin (tx, error);

          if (boss < 0)
            goto out;
          if (boss == 0)
            {
              g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                           _("Only the salesperson of the sale, a head of sales or an administrator may move it to "
                             "another stage. Add the event without the stage."));
              goto out;
            }
        }
      if (!move_sale (tx, c.sale_id, op->move_to_stage, c.title, c.at, error))
        goto out;
    }

  if (!settle_planned (tx, error))
    goto out;
  op->id = _scim_store_query_int (tx->store, error,
                                  "SELECT max(coalesce((SELECT max(id) FROM events), 0), "
                                  "coalesce((SELECT max(event_id) FROM event_read_upto), 0), "
                                  "coalesce((SELECT max(event_id) FROM event_history), 0)) + 1", "");
  if (op->id <= 0)
    goto out;
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO events (id, sale_id, kind, title, text, at, planned, author_id, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, max(?, coalesce((SELECT max(created_at) FROM events), 0)))",
                         "IIsssIiII", op->id, c.sale_id, c.kind, c.title, c.text, c.at, c.at > tx->now ? 1 : 0,
                         tx->user_id, tx->now))
    goto out;
  ok = scim_tx_log (tx, "events", op->id, "insert", error);

out:
  clean_fields_clear (&c);
  return ok;
}

/**
 * scim_store_add_event:
 * @store: a #ScimStore
 * @fields: the event
 * @move_to_stage: a stage of the sale's funnel to move the sale to, or 0
 * @error: return location for an error
 *
 * Anyone signed in may write in the book of any sale.  Moving the sale
 * needs its salesperson, a head or an admin; the event's title is the
 * reason of the move (a lost stage needs one), and a paused stage lasts
 * until the event's date, which must be ahead.  The event and the move are
 * one transaction: when the move is refused, no event is written either.
 *
 * Returns: the new event's id, or 0 with @error set
 */
gint64
scim_store_add_event (ScimStore             *store,
                      const ScimEventFields *fields,
                      gint64                 move_to_stage,
                      GError               **error)
{
  EventOp op = { fields, move_to_stage, 0, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);
  g_return_val_if_fail (fields != NULL, 0);
  if (!scim_store_write (store, add_event_cb, &op, error))
    return 0;
  return op.id;
}

/* Editing */

/* The event's author, or -1 with @error set when it is gone. */
static gint64
event_author (ScimTx  *tx,
              gint64   event_id,
              GError **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (tx->store, "SELECT coalesce(author_id, 0) FROM events WHERE id = ?",
                                            error);
  gint64 author;
  int rc;

  if (stmt == NULL)
    return -1;
  _scim_stmt_bind (stmt, "I", event_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return -1;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This event no longer exists. Someone deleted it; reload the book."));
      return -1;
    }
  author = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return author;
}

/* Keeps the event as it is now in its history, before it is changed or
 * deleted. */
static gboolean
keep_version (ScimTx      *tx,
              gint64       event_id,
              const char  *action,
              GError     **error)
{
  return _scim_store_exec (tx->store, error,
                           "INSERT INTO event_history (event_id, action, changed_at, changed_by, sale_id, kind, title, "
                           "text, at, author_id, version) "
                           "SELECT id, ?, ?, ?, sale_id, kind, title, text, at, author_id, version FROM events "
                           "WHERE id = ?",
                           "sINI", action, tx->now, tx->user_id, event_id);
}

static gboolean
update_event_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  EventOp *op = user_data;
  ScimEventFields fields = *op->fields;
  CleanFields c = { 0 };
  SaleInfo sale = { 0 };
  gint64 author, at = 0;
  gboolean ok = FALSE;

  author = event_author (tx, op->id, error);
  if (author < 0 || !may_change_event (tx, author, error))
    return FALSE;

  /* 0 keeps the event's sale and time. */
  if (fields.sale_id == 0)
    fields.sale_id = _scim_store_query_int (tx->store, error, "SELECT sale_id FROM events WHERE id = ?", "I", op->id);
  if (fields.at == 0)
    at = _scim_store_query_int (tx->store, error, "SELECT at FROM events WHERE id = ?", "I", op->id);
  if (fields.sale_id < 0 || at < 0)
    return FALSE;
  if (!check_fields (tx, &fields, at, &c, &sale, error))
    goto out;

  if (!settle_planned (tx, error) || !keep_version (tx, op->id, "update", error))
    goto out;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE events SET sale_id = ?, kind = ?, title = ?, text = ?, at = ?, planned = ?, "
                         "version = version + 1 WHERE id = ? AND version = ?",
                         "IsssIiII", c.sale_id, c.kind, c.title, c.text, c.at, c.at > tx->now ? 1 : 0, op->id,
                         op->version))
    goto out;
  ok = _scim_tx_finish_update (tx, "events", op->id, error);

out:
  clean_fields_clear (&c);
  return ok;
}

/**
 * scim_store_update_event:
 * @store: a #ScimStore
 * @event_id: the event
 * @version: the version the editor started from
 * @fields: the new values; a @sale_id or @at of 0 keeps the event's own
 * @error: return location for an error
 *
 * Only the author, a head or an admin may edit an event.  The version it
 * replaces is kept (scim_store_event_history()).
 *
 * Returns: %TRUE when saved; %SCIM_STORE_ERROR_CONFLICT when someone saved
 *   the event in between
 */
gboolean
scim_store_update_event (ScimStore             *store,
                         gint64                 event_id,
                         gint64                 version,
                         const ScimEventFields *fields,
                         GError               **error)
{
  EventOp op = { fields, 0, event_id, version };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  return scim_store_write (store, update_event_cb, &op, error);
}

/* Deleting and undoing */

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

typedef struct
{
  gint64    id;
  GVariant *row;
} DeleteOp;

static gboolean
delete_event_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  DeleteOp *op = user_data;
  gint64 author = event_author (tx, op->id, error);
  sqlite3_stmt *stmt;

  if (author < 0 || !may_change_event (tx, author, error))
    return FALSE;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, sale_id, kind, title, text, at, planned, author_id, created_at, version "
                              "FROM events WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->id);
  if (_scim_store_step (tx->store, stmt, error) != SQLITE_ROW)
    return FALSE;
  g_clear_pointer (&op->row, g_variant_unref);
  op->row = row_variant (stmt);
  sqlite3_reset (stmt);

  if (!settle_planned (tx, error) || !keep_version (tx, op->id, "delete", error))
    return FALSE;
  /* The read marks go with it (ON DELETE CASCADE). */
  if (!_scim_store_exec (tx->store, error, "DELETE FROM events WHERE id = ?", "I", op->id))
    return FALSE;
  return scim_tx_log (tx, "events", op->id, "delete", error);
}

/**
 * scim_store_delete_event:
 * @store: a #ScimStore
 * @event_id: the event
 * @error: return location for an error
 *
 * Only the author, a head or an admin may delete an event.  The history
 * keeps what it said.
 *
 * Returns: (transfer full): the deleted row, for scim_store_restore_event(),
 *   or %NULL with @error set
 */
GVariant *
scim_store_delete_event (ScimStore  *store,
                         gint64      event_id,
                         GError    **error)
{
  DeleteOp op = { event_id, NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!scim_store_write (store, delete_event_cb, &op, error))
    {
      g_clear_pointer (&op.row, g_variant_unref);
      return NULL;
    }
  return op.row;
}

static gboolean
restore_event_cb (ScimTx    *tx,
                  gpointer   user_data,
                  GError   **error)
{
  GVariant *row = user_data;
  const char *kind = NULL, *title = NULL, *text = NULL;
  gint64 id = 0, sale_id = 0, at = 0, author = 0, created = 0, version = 1;
  gint64 exists;

  if (!g_variant_lookup (row, "id", "x", &id) || !g_variant_lookup (row, "sale_id", "x", &sale_id) ||
      !g_variant_lookup (row, "kind", "&s", &kind) || !g_variant_lookup (row, "title", "&s", &title) ||
      !g_variant_lookup (row, "at", "x", &at))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("This is not a deleted event, so it cannot be put back."));
      return FALSE;
    }
  if (!g_variant_lookup (row, "text", "&s", &text))
    text = "";
  g_variant_lookup (row, "author_id", "x", &author);
  g_variant_lookup (row, "created_at", "x", &created);
  g_variant_lookup (row, "version", "x", &version);

  if (!may_change_event (tx, author, error))
    return FALSE;
  exists = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM events WHERE id = ?", "I", id);
  if (exists < 0)
    return FALSE;
  if (exists > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT,
                   _("This event is already back. Reload the book."));
      return FALSE;
    }
  exists = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM sales WHERE id = ?", "I", sale_id);
  if (exists < 0)
    return FALSE;
  if (exists == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("The sale of this event no longer exists, so the event cannot be put back."));
      return FALSE;
    }

  if (!settle_planned (tx, error))
    return FALSE;
  /* Back under its own id and with its own time of writing: read for those
   * whose watermark had passed it.  Single marks went with the delete, so
   * it is unread again for whoever had marked only it. */
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO events (id, sale_id, kind, title, text, at, planned, author_id, created_at, version) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM users WHERE id = ?), ?, ?)",
                         "IIsssIiIII", id, sale_id, kind, title, text, at, at > tx->now ? 1 : 0, author,
                         created != 0 ? created : tx->now, version))
    return FALSE;
  return scim_tx_log (tx, "events", id, "insert", error);
}

/**
 * scim_store_restore_event:
 * @store: a #ScimStore
 * @row: what scim_store_delete_event() returned
 * @error: return location for an error
 *
 * Undoes a delete.  The history keeps the delete.
 */
gboolean
scim_store_restore_event (ScimStore  *store,
                          GVariant   *row,
                          GError    **error)
{
  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);
  return scim_store_write (store, restore_event_cb, row, error);
}

/* History */

typedef struct
{
  gint64     id;
  GPtrArray *versions;
} HistoryOp;

static gboolean
history_cb (ScimTx    *tx,
            gpointer   user_data,
            GError   **error)
{
  HistoryOp *op = user_data;
  sqlite3_stmt *stmt;
  int rc;

  g_ptr_array_set_size (op->versions, 0);
  stmt = _scim_store_prepare (tx->store,
                              "SELECT h.changed_at, coalesce(nullif(u.full_name, ''), u.login, ''), h.title, h.text, "
                              "h.action, h.kind, h.at FROM event_history h LEFT JOIN users u ON u.id = h.changed_by "
                              "WHERE h.event_id = ? ORDER BY h.id", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      GStrv version = g_new0 (char *, 8);

      version[0] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));
      for (int i = 1; i < 6; i++)
        version[i] = g_strdup ((const char *) sqlite3_column_text (stmt, i));
      version[6] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 6));
      g_ptr_array_add (op->versions, version);
    }
  return rc == SQLITE_DONE;
}

/**
 * scim_store_event_history:
 * @store: a #ScimStore
 * @event_id: an event, present or deleted
 * @error: return location for an error
 *
 * Each element is a #GStrv: the time the version was replaced or deleted
 * (UTC seconds, decimal), who did it, and the version's title and text;
 * then "update" or "delete", the version's kind and its own time (UTC
 * seconds, decimal).
 *
 * Returns: (transfer full) (element-type GStrv): the earlier versions,
 *   oldest first; empty for an event never changed
 */
GPtrArray *
scim_store_event_history (ScimStore  *store,
                          gint64      event_id,
                          GError    **error)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  HistoryOp op = { event_id, versions };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!_scim_store_read (store, history_cb, &op, error))
    return NULL;
  return g_steal_pointer (&versions);
}

/* Unread marks */

typedef struct
{
  const gint64 *ids;
  guint         n_ids;
} MarkOp;

static gboolean
mark_read_cb (ScimTx    *tx,
              gpointer   user_data,
              GError   **error)
{
  MarkOp *op = user_data;
  int marked = 0;

  if (!signed_in (tx, error))
    return FALSE;

  if (op->ids == NULL)
    {
      /* Everything read: the watermark moves past the newest event, and
       * the single marks below it are no longer needed. */
      if (!_scim_store_exec (tx->store, error,
                             "INSERT INTO event_read_upto (user_id, created_at, event_id) "
                             "VALUES (?1, coalesce((SELECT max(created_at) FROM events), 0), "
                             "coalesce((SELECT max(id) FROM events), 0)) "
                             "ON CONFLICT (user_id) DO UPDATE SET created_at = excluded.created_at, "
                             "event_id = excluded.event_id",
                             "I", tx->user_id) ||
          !_scim_store_exec (tx->store, error, "DELETE FROM event_reads WHERE user_id = ?", "I", tx->user_id))
        return FALSE;
      return scim_tx_log (tx, "event_reads", tx->user_id, "update", error);
    }

  /* One mark per event that is unread now: not one's own, above the
   * watermark, not marked yet.  Unknown ids (deleted meanwhile) are
   * skipped. */
  for (guint i = 0; i < op->n_ids; i++)
    {
      if (!_scim_store_exec (tx->store, error,
                             "INSERT OR IGNORE INTO event_reads (user_id, event_id) "
                             "SELECT ?1, e.id FROM events e JOIN event_read_upto m ON m.user_id = ?1 "
                             "WHERE e.id = ?2 AND e.author_id IS NOT ?1 "
                             "AND (e.created_at > m.created_at OR (e.created_at = m.created_at AND e.id > m.event_id))",
                             "II", tx->user_id, op->ids[i]))
        return FALSE;
      marked += sqlite3_changes (tx->db);
    }
  /* Views refresh only when something became read. */
  return marked == 0 || scim_tx_log (tx, "event_reads", tx->user_id, "update", error);
}

/**
 * scim_store_mark_events_read:
 * @store: a #ScimStore
 * @event_ids: (array length=n_events) (nullable): the events, or %NULL for all
 * @n_events: how many
 * @error: return location for an error
 *
 * Marks events read for the signed-in user.  Marking all is one row
 * whatever the size of the book.
 */
gboolean
scim_store_mark_events_read (ScimStore     *store,
                             const gint64  *event_ids,
                             guint          n_events,
                             GError       **error)
{
  MarkOp op = { event_ids, n_events };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  if (event_ids != NULL && n_events == 0)
    return TRUE;
  return scim_store_write (store, mark_read_cb, &op, error);
}

/**
 * scim_store_count_unread_events:
 * @store: a #ScimStore
 * @error: return location for an error
 *
 * Returns: how many events colleagues wrote that the signed-in user has
 *   not read (0 when nobody is signed in), or -1 on error
 */
gint64
scim_store_count_unread_events (ScimStore  *store,
                                GError    **error)
{
  gint64 user_id, n;

  g_return_val_if_fail (SCIM_IS_STORE (store), -1);
  user_id = scim_store_get_user_id (store);
  if (user_id == 0)
    return 0;
  _scim_store_lock (store);
  /* Written after the watermark by others, less those marked read one by
   * one: two index range counts, without a probe per event. */
  n = _scim_store_query_int (store, error,
                             "SELECT (SELECT count(*) FROM event_read_upto m JOIN events e "
                             "ON e.created_at >= m.created_at WHERE m.user_id = ?1 "
                             "AND (e.created_at > m.created_at OR e.id > m.event_id) AND e.author_id IS NOT ?1) "
                             "- (SELECT count(*) FROM event_read_upto m JOIN event_reads r ON r.user_id = m.user_id "
                             "JOIN events e ON e.id = r.event_id WHERE m.user_id = ?1 "
                             "AND (e.created_at > m.created_at OR (e.created_at = m.created_at AND e.id > m.event_id)) "
                             "AND e.author_id IS NOT ?1)",
                             "I", user_id);
  _scim_store_unlock (store);
  return n;
}

/**
 * scim_store_get_event:
 * @store: a #ScimStore
 * @event_id: the event
 * @error: return location for an error
 *
 * Returns: (transfer full): the loaded event, or %NULL with
 *   %SCIM_STORE_ERROR_NOT_FOUND
 */
ScimEvent *
scim_store_get_event (ScimStore  *store,
                      gint64      event_id,
                      GError    **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  ScimRecord *event;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  rows = scim_store_load_rows (store, SCIM_LIST_EVENTS, &event_id, 1, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This event no longer exists. Someone deleted it; reload the book."));
      return NULL;
    }
  event = scim_record_new (SCIM_TYPE_EVENT, event_id);
  scim_record_update (event, g_ptr_array_index (rows, 0));
  return SCIM_EVENT (event);
}
