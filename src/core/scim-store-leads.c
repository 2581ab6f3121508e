/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-leads"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-leads.h"
#include "scim-query.h"
#include "scim-settings.h"
#include "scim-store-private.h"
#include "scim-users.h"

/* The lead card and acceptance.  An accepted lead becomes a client (found
 * or made) and one sale per chosen product at the first stage of that
 * product's funnel; the salesperson gets a stored "build a plan" request,
 * closed by the first task of the sale (a trigger of schema version 4). */

static const char * const reject_reasons[] = {
  N_("No budget"),
  N_("Not our target audience"),
  N_("Could not reach them"),
  N_("Chose a competitor"),
  N_("A duplicate of another lead"),
  N_("Spam or a mistake"),
  NULL
};

/**
 * scim_lead_reject_reasons:
 *
 * Returns: (transfer none) (array zero-terminated=1): the usual reasons,
 *   untranslated; show them with _()
 */
const char * const *
scim_lead_reject_reasons (void)
{
  return reject_reasons;
}

void
scim_history_entry_free (ScimHistoryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->who);
  g_free (entry->what);
  g_free (entry);
}

static char *
clean (const char *text)
{
  return text != NULL ? g_strstrip (g_strdup (text)) : g_strdup ("");
}

static gboolean
valid_utf8 (const ScimLeadFields *f,
            GError              **error)
{
  const char *texts[] = { f->name, f->company, f->position, f->phone, f->email, f->tax_id, f->source,
                          f->channel, f->notes };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] != NULL && !g_utf8_validate (texts[i], -1, NULL))
      {
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("The text is not valid UTF-8. Type it again or fix the file it came from."));
        return FALSE;
      }
  return TRUE;
}

/* Who may decide on leads: heads, admins, and users marked "may accept". */
static gboolean
may_accept (ScimTx  *tx,
            GError **error)
{
  gint64 allowed;

  if (tx->user_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Sign in first: this change needs a user."));
      return FALSE;
    }
  allowed = _scim_store_query_int (tx->store, error,
                                   "SELECT count(*) FROM users WHERE id = ? AND active = 1 "
                                   "AND (may_accept = 1 OR role IN ('head', 'admin'))",
                                   "I", tx->user_id);
  if (allowed < 0)
    return FALSE;
  if (allowed == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Only a head of sales or a user allowed to accept leads may do this. "
                     "Ask an administrator to allow you."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_owner (ScimTx  *tx,
             gint64   owner_id,
             GError **error)
{
  gint64 ok;

  if (owner_id == 0)
    return TRUE;
  ok = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I",
                              owner_id);
  if (ok < 0)
    return FALSE;
  if (ok == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Salesperson: this user does not exist or may not sign in. Choose another."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_lead_fields (ScimTx               *tx,
                   const ScimLeadFields *f,
                   GError              **error)
{
  g_autofree char *joined = NULL;

  if (!valid_utf8 (f, error))
    return FALSE;
  joined = g_strconcat (f->name ? f->name : "", f->company ? f->company : "", f->phone ? f->phone : "",
                        f->email ? f->email : "", NULL);
  g_strstrip (joined);
  if (joined[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Name: type a name, a company, a phone or an e-mail, so that the lead can be reached."));
      return FALSE;
    }
  if (f->product_id != 0 &&
      _scim_store_query_int (tx->store, error, "SELECT count(*) FROM products WHERE id = ?", "I", f->product_id) <= 0)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("Product: this product no longer exists. Choose another."));
      return FALSE;
    }
  return check_owner (tx, f->owner_id, error);
}

typedef struct
{
  const ScimLeadFields *fields;
  gint64                id;
  gint64                version;
} LeadOp;

static gboolean
add_lead_cb (ScimTx    *tx,
             gpointer   user_data,
             GError   **error)
{
  LeadOp *op = user_data;
  const ScimLeadFields *f = op->fields;
  g_autofree char *name = clean (f->name);
  g_autofree char *company = clean (f->company);
  g_autofree char *position = clean (f->position);
  g_autofree char *phone = clean (f->phone);
  g_autofree char *email = clean (f->email);
  g_autofree char *tax_id = clean (f->tax_id);
  g_autofree char *source = clean (f->source);
  g_autofree char *channel = clean (f->channel);

  if (tx->user_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Sign in first: this change needs a user."));
      return FALSE;
    }
  if (!check_lead_fields (tx, f, error))
    return FALSE;
  if (f->owner_id != 0 && !may_accept (tx, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO leads (name, company, position, phone, email, tax_id, source, channel, "
                         "product_id, notes, received_at, owner_id, created_at, phone_key, email_key) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, scim_phone_key (?4), scim_email_key (?5))",
                         "ssssssssNsINI", name, company, position, phone, email, tax_id, source, channel,
                         f->product_id, f->notes != NULL ? f->notes : "",
                         f->received_at != 0 ? f->received_at : tx->now, f->owner_id, tx->now))
    return FALSE;
  op->id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "leads", op->id, "insert", error);
}

/**
 * scim_store_add_lead:
 * @store: a #ScimStore
 * @fields: the lead
 * @error: return location for an error
 *
 * Anyone signed in may add a lead; only someone who may accept leads may
 * give it a salesperson at once.
 *
 * Returns: the new lead's id, or 0 with @error set
 */
gint64
scim_store_add_lead (ScimStore            *store,
                     const ScimLeadFields *fields,
                     GError              **error)
{
  LeadOp op = { fields, 0, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);
  if (!scim_store_write (store, add_lead_cb, &op, error))
    return 0;
  return op.id;
}

static char *
lead_state (ScimTx  *tx,
            gint64   lead_id,
            gint64  *owner_id,
            GError **error)
{
  sqlite3_stmt *stmt = _scim_store_prepare (tx->store, "SELECT state, owner_id FROM leads WHERE id = ?", error);
  char *state = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  _scim_stmt_bind (stmt, "I", lead_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SQLITE_ROW)
    {
      state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (owner_id != NULL)
        *owner_id = sqlite3_column_int64 (stmt, 1);
      sqlite3_reset (stmt);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND, _("This lead no longer exists."));
  return state;
}

static gboolean
update_lead_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  LeadOp *op = user_data;
  const ScimLeadFields *f = op->fields;
  g_autofree char *state = NULL;
  g_autofree char *name = clean (f->name);
  g_autofree char *company = clean (f->company);
  g_autofree char *position = clean (f->position);
  g_autofree char *phone = clean (f->phone);
  g_autofree char *email = clean (f->email);
  g_autofree char *tax_id = clean (f->tax_id);
  g_autofree char *source = clean (f->source);
  g_autofree char *channel = clean (f->channel);
  gint64 owner = 0;

  state = lead_state (tx, op->id, &owner, error);
  if (state == NULL)
    return FALSE;
  if (!check_lead_fields (tx, f, error))
    return FALSE;
  /* A new lead is open to everyone; a decided one, and the salesperson of
   * any lead, only to those who may accept. */
  if ((!g_str_equal (state, "new") || owner != f->owner_id) && !may_accept (tx, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE leads SET name = ?, company = ?, position = ?, phone = ?, email = ?, tax_id = ?, "
                         "source = ?, channel = ?, product_id = ?, notes = ?, received_at = ?, owner_id = ?, "
                         "version = version + 1, phone_key = scim_phone_key (?4), email_key = scim_email_key (?5) "
                         "WHERE id = ? AND version = ?",
                         "ssssssssNsINII", name, company, position, phone, email, tax_id, source, channel,
                         f->product_id, f->notes != NULL ? f->notes : "",
                         f->received_at != 0 ? f->received_at : tx->now, f->owner_id, op->id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "leads", op->id, error);
}

/**
 * scim_store_update_lead:
 * @store: a #ScimStore
 * @lead_id: the lead
 * @version: the version the card started from
 * @fields: the new values
 * @error: return location for an error
 *
 * Returns: %TRUE when saved; %SCIM_STORE_ERROR_CONFLICT when someone saved
 *   the lead in between
 */
gboolean
scim_store_update_lead (ScimStore            *store,
                        gint64                lead_id,
                        gint64                version,
                        const ScimLeadFields *fields,
                        GError              **error)
{
  LeadOp op = { fields, lead_id, version };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, update_lead_cb, &op, error);
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

typedef struct
{
  gint64    id;
  GVariant *row;
} DeleteOp;

static gboolean
delete_lead_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  DeleteOp *op = user_data;
  g_autofree char *state = lead_state (tx, op->id, NULL, error);
  sqlite3_stmt *stmt;

  if (state == NULL)
    return FALSE;
  if (!g_str_equal (state, "new") && !may_accept (tx, error))
    return FALSE;
  if (g_str_equal (state, "new") && tx->user_id == 0)
    return may_accept (tx, error);

  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, name, company, position, phone, email, tax_id, source, channel, product_id, "
                              "notes, received_at, state, decided_by, decided_at, reject_reason, owner_id, client_id, "
                              "created_at, version, source_id, source_status, source_owner FROM leads WHERE id = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->id);
  if (_scim_store_step (tx->store, stmt, error) != SQLITE_ROW)
    return FALSE;
  g_clear_pointer (&op->row, g_variant_unref);
  op->row = row_variant (stmt);
  sqlite3_reset (stmt);

  if (!_scim_store_exec (tx->store, error, "DELETE FROM leads WHERE id = ?", "I", op->id))
    return FALSE;
  return scim_tx_log (tx, "leads", op->id, "delete", error);
}

/**
 * scim_store_delete_lead:
 * @store: a #ScimStore
 * @lead_id: the lead
 * @error: return location for an error
 *
 * Returns: (transfer full): the deleted row, for scim_store_restore_lead(),
 *   or %NULL with @error set
 */
GVariant *
scim_store_delete_lead (ScimStore  *store,
                        gint64      lead_id,
                        GError    **error)
{
  DeleteOp op = { lead_id, NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!scim_store_write (store, delete_lead_cb, &op, error))
    {
      g_clear_pointer (&op.row, g_variant_unref);
      return NULL;
    }
  return op.row;
}

static gboolean
restore_lead_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  GVariant *row = user_data;
  static const char * const texts[] = { "name", "company", "position", "phone", "email", "tax_id", "source",
                                        "channel", "notes", "state", "source_id", "source_status", "source_owner" };
  const char *text[G_N_ELEMENTS (texts)];
  const char *reason = NULL;
  gint64 id = 0, product = 0, received = 0, decided_by = 0, decided_at = 0, owner = 0, client = 0, created = 0;

  if (tx->user_id == 0)
    return may_accept (tx, error);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (!g_variant_lookup (row, texts[i], "&s", &text[i]))
      text[i] = "";
  g_variant_lookup (row, "reject_reason", "&s", &reason);
  g_variant_lookup (row, "id", "x", &id);
  g_variant_lookup (row, "product_id", "x", &product);
  g_variant_lookup (row, "received_at", "x", &received);
  g_variant_lookup (row, "decided_by", "x", &decided_by);
  g_variant_lookup (row, "decided_at", "x", &decided_at);
  g_variant_lookup (row, "owner_id", "x", &owner);
  g_variant_lookup (row, "client_id", "x", &client);
  g_variant_lookup (row, "created_at", "x", &created);

  /* Put it back under its own id, with what it referred to when that
   * still exists. */
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO leads (id, name, company, position, phone, email, tax_id, source, channel, notes, "
                         "state, reject_reason, product_id, received_at, decided_by, decided_at, owner_id, client_id, "
                         "created_at, source_id, source_status, source_owner, phone_key, email_key) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "(SELECT id FROM products WHERE id = ?), ?, (SELECT id FROM users WHERE id = ?), ?, "
                         "(SELECT id FROM users WHERE id = ?), (SELECT id FROM clients WHERE id = ?), ?, ?, ?, ?, "
                         "scim_phone_key (?5), scim_email_key (?6))",
                         "IsssssssssssNINNNNIsss", id, text[0], text[1], text[2], text[3], text[4], text[5], text[6],
                         text[7], text[8], text[9], reason, product, received, decided_by, decided_at, owner, client,
                         created, text[10], text[11], text[12]))
    return FALSE;
  return scim_tx_log (tx, "leads", id, "insert", error);
}

/**
 * scim_store_restore_lead:
 * @store: a #ScimStore
 * @row: what scim_store_delete_lead() returned
 * @error: return location for an error
 *
 * Undoes a delete.
 */
gboolean
scim_store_restore_lead (ScimStore  *store,
                         GVariant   *row,
                         GError    **error)
{
  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);
  return scim_store_write (store, restore_lead_cb, row, error);
}

/* History */

typedef struct
{
  gint64     id;
  GPtrArray *entries;
} HistoryOp;

static void
add_entry (GPtrArray  *entries,
           gint64      at,
           const char *who,
           char       *what)
{
  ScimHistoryEntry *entry = g_new0 (ScimHistoryEntry, 1);

  entry->at = at;
  entry->who = g_strdup (who);
  entry->what = what;
  g_ptr_array_add (entries, entry);
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const ScimHistoryEntry *ea = *(ScimHistoryEntry **) a;
  const ScimHistoryEntry *eb = *(ScimHistoryEntry **) b;

  return (ea->at > eb->at) - (ea->at < eb->at);
}

static gboolean
history_cb (ScimTx    *tx,
            gpointer   user_data,
            GError   **error)
{
  HistoryOp *op = user_data;
  sqlite3_stmt *stmt;
  int rc;

  g_ptr_array_set_size (op->entries, 0);

  stmt = _scim_store_prepare (tx->store,
                              "SELECT l.received_at, l.source, l.state, l.decided_at, l.reject_reason, "
                              "coalesce(nullif(d.full_name, ''), d.login), coalesce(nullif(o.full_name, ''), o.login) "
                              "FROM leads l LEFT JOIN users d ON d.id = l.decided_by LEFT JOIN users o ON o.id = l.owner_id "
                              "WHERE l.id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND, _("This lead no longer exists."));
      return FALSE;
    }
  {
    const char *source = (const char *) sqlite3_column_text (stmt, 1);
    const char *state = (const char *) sqlite3_column_text (stmt, 2);
    const char *decider = (const char *) sqlite3_column_text (stmt, 5);
    const char *owner = (const char *) sqlite3_column_text (stmt, 6);

    add_entry (op->entries, sqlite3_column_int64 (stmt, 0), source,
               source != NULL && source[0] != '\0' ? g_strdup_printf (_("Received from “%s”"), source)
                                                   : g_strdup (_("Received")));
    if (g_strcmp0 (state, "accepted") == 0)
      add_entry (op->entries, sqlite3_column_int64 (stmt, 3), decider,
                 g_strdup_printf (_("Accepted; salesperson %s"), owner != NULL ? owner : "—"));
    else if (g_strcmp0 (state, "rejected") == 0)
      add_entry (op->entries, sqlite3_column_int64 (stmt, 3), decider,
                 g_strdup_printf (_("Rejected: %s"), (const char *) sqlite3_column_text (stmt, 4)));
  }
  sqlite3_reset (stmt);

  /* Every saved change, from the change log. */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT c.at, coalesce(nullif(u.full_name, ''), u.login), c.action FROM change_log c "
                              "LEFT JOIN users u ON u.id = c.user_id "
                              "WHERE c.entity = 'leads' AND c.entity_id = ? ORDER BY c.seq", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      const char *action = (const char *) sqlite3_column_text (stmt, 2);

      add_entry (op->entries, sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1),
                 g_strdup (g_strcmp0 (action, "insert") == 0 ? _("Card created") : _("Card changed")));
    }
  if (rc != SQLITE_DONE)
    return FALSE;

  /* The sales that came of it. */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT s.created_at, coalesce(nullif(u.full_name, ''), u.login), p.name, st.name "
                              "FROM sales s JOIN products p ON p.id = s.product_id JOIN stages st ON st.id = s.stage_id "
                              "JOIN users u ON u.id = s.owner_id WHERE s.lead_id = ? ORDER BY s.id", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    add_entry (op->entries, sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1),
               g_strdup_printf (_("Sale of “%s”, now at “%s”"), (const char *) sqlite3_column_text (stmt, 2),
                                (const char *) sqlite3_column_text (stmt, 3)));
  if (rc != SQLITE_DONE)
    return FALSE;

  g_ptr_array_sort (op->entries, compare_entries);
  return TRUE;
}

/**
 * scim_store_lead_history:
 * @store: a #ScimStore
 * @lead_id: the lead
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type ScimHistoryEntry): what happened
 *   to the lead, oldest first
 */
GPtrArray *
scim_store_lead_history (ScimStore  *store,
                         gint64      lead_id,
                         GError    **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_history_entry_free);
  HistoryOp op = { lead_id, entries };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!_scim_store_read (store, history_cb, &op, error))
    return NULL;
  return g_steal_pointer (&entries);
}

/* Suggestions */

typedef struct
{
  gint64  id;
  char   *tax_id;
  char   *phone;
  char   *email;
  char   *company;
  GArray *name_ids;
} LeadIdentity;

static gboolean
identity_cb (ScimTx    *tx,
             gpointer   user_data,
             GError   **error)
{
  LeadIdentity *who = user_data;
  sqlite3_stmt *stmt = _scim_store_prepare (tx->store,
                                            "SELECT tax_id, phone, email, company FROM leads WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", who->id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND, _("This lead no longer exists."));
      return FALSE;
    }
  who->tax_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  who->phone = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  who->email = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  who->company = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  sqlite3_reset (stmt);

  g_array_set_size (who->name_ids, 0);
  if (who->company[0] == '\0')
    return TRUE;
  stmt = _scim_store_prepare (tx->store, "SELECT id FROM clients WHERE name = ? COLLATE NOCASE LIMIT 10", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "s", who->company);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (who->name_ids, id);
    }
  return rc == SQLITE_DONE;
}

static void
lead_identity_clear (LeadIdentity *who)
{
  g_free (who->tax_id);
  g_free (who->phone);
  g_free (who->email);
  g_free (who->company);
  g_array_unref (who->name_ids);
}

/**
 * scim_store_suggest_clients:
 * @store: a #ScimStore
 * @lead_id: the lead
 * @error: return location for an error
 *
 * Returns: (transfer full): loaded #ScimClient records that may be the
 *   lead's company, the likeliest first
 */
GListModel *
scim_store_suggest_clients (ScimStore  *store,
                            gint64      lead_id,
                            GError    **error)
{
  LeadIdentity who = { lead_id, NULL, NULL, NULL, NULL, g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_autoptr(GListModel) same = NULL;
  g_autoptr(GListStore) result = g_list_store_new (SCIM_TYPE_CLIENT);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  if (!_scim_store_read (store, identity_cb, &who, error))
    {
      lead_identity_clear (&who);
      return NULL;
    }
  same = scim_store_find_duplicate_clients (store, 0, who.tax_id, who.phone, who.email, error);
  if (same == NULL)
    {
      lead_identity_clear (&who);
      return NULL;
    }
  for (guint i = 0; i < g_list_model_get_n_items (same); i++)
    {
      g_autoptr(ScimRecord) client = g_list_model_get_item (same, i);
      gint64 *id = g_new (gint64, 1);

      *id = scim_record_get_id (client);
      g_hash_table_add (seen, id);
      g_list_store_append (result, client);
    }
  rows = scim_store_load_rows (store, SCIM_LIST_CLIENTS, (const gint64 *) (gpointer) who.name_ids->data,
                               who.name_ids->len, error);
  if (rows == NULL)
    {
      lead_identity_clear (&who);
      return NULL;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      GVariant *row = g_ptr_array_index (rows, i);
      g_autoptr(ScimRecord) client = NULL;
      gint64 id;

      if (!g_variant_lookup (row, "id", "x", &id) || g_hash_table_contains (seen, &id))
        continue;
      client = scim_record_new (SCIM_TYPE_CLIENT, id);
      scim_record_update (client, row);
      g_list_store_append (result, client);
    }
  /* The ids in "seen" were allocated above. */
  {
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init (&iter, seen);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_free (key);
  }
  lead_identity_clear (&who);
  return G_LIST_MODEL (g_steal_pointer (&result));
}

/* Likely duplicates and merging */

typedef struct
{
  gint64  lead_id;
  GArray *ids;
} DuplicatesOp;

static gboolean
duplicates_cb (ScimTx    *tx,
               gpointer   user_data,
               GError   **error)
{
  DuplicatesOp *op = user_data;
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_size (op->ids, 0);
  /* The same keys as the Leads table's count, each an index lookup. */
  stmt = _scim_store_prepare (tx->store,
                              "WITH l AS (SELECT phone_key, email_key, tax_id FROM leads WHERE id = ?1) "
                              "SELECT d.id FROM leads d, l WHERE l.phone_key != '' AND d.phone_key = l.phone_key "
                              "AND d.phone_key != '' AND d.id != ?1 "
                              "UNION SELECT d.id FROM leads d, l WHERE l.email_key != '' AND d.email_key = l.email_key "
                              "AND d.email_key != '' AND d.id != ?1 "
                              "UNION SELECT d.id FROM leads d, l WHERE l.tax_id != '' AND d.tax_id = l.tax_id "
                              "AND d.tax_id != '' AND d.id != ?1 "
                              "ORDER BY 1 LIMIT 50",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", op->lead_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (op->ids, id);
    }
  return rc == SQLITE_DONE;
}

/**
 * scim_store_find_duplicate_leads:
 * @store: a #ScimStore
 * @lead_id: a lead
 * @error: return location for an error
 *
 * Other leads that share the lead's first phone (its last 10 digits), its
 * first e-mail (in any case) or its tax id: likely the same person or
 * company, to merge.  At most 50, oldest first.
 *
 * Returns: (transfer full): a list of #ScimLead, or %NULL with @error set
 */
GListModel *
scim_store_find_duplicate_leads (ScimStore  *store,
                                 gint64      lead_id,
                                 GError    **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GListStore) result = g_list_store_new (SCIM_TYPE_LEAD);
  g_autoptr(GPtrArray) rows = NULL;
  DuplicatesOp op = { lead_id, ids };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  if (!_scim_store_read (store, duplicates_cb, &op, error))
    return NULL;
  rows = scim_store_load_rows (store, SCIM_LIST_LEADS, (const gint64 *) (gpointer) ids->data, ids->len, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      GVariant *row = g_ptr_array_index (rows, i);
      g_autoptr(ScimRecord) lead = NULL;
      gint64 id;

      if (!g_variant_lookup (row, "id", "x", &id))
        continue;
      lead = scim_record_new (SCIM_TYPE_LEAD, id);
      scim_record_update (lead, row);
      g_list_store_append (result, lead);
    }
  return G_LIST_MODEL (g_steal_pointer (&result));
}

typedef struct
{
  gint64 keep;
  gint64 drop;
} MergeOp;

static gboolean
merge_cb (ScimTx    *tx,
          gpointer   user_data,
          GError   **error)
{
  MergeOp *op = user_data;
  g_autofree char *keep_state = NULL;
  g_autofree char *drop_state = NULL;

  if (!may_accept (tx, error))
    return FALSE;
  if (op->keep == op->drop)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("A lead cannot be merged with itself."));
      return FALSE;
    }
  keep_state = lead_state (tx, op->keep, NULL, error);
  if (keep_state == NULL)
    return FALSE;
  drop_state = lead_state (tx, op->drop, NULL, error);
  if (drop_state == NULL)
    return FALSE;

  /* What the kept lead says wins; the other fills its blanks.  Phones and
   * e-mails that differ are both kept, notes are joined, the earlier
   * arrival counts.  The decision that went further (accepted over new
   * over rejected) stands, with its salesperson and client. */
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE leads SET "
                         "  name = CASE WHEN k.name != '' THEN k.name ELSE d.name END,"
                         "  company = CASE WHEN k.company != '' THEN k.company ELSE d.company END,"
                         "  position = CASE WHEN k.position != '' THEN k.position ELSE d.position END,"
                         "  phone = CASE WHEN k.phone = '' THEN d.phone WHEN d.phone = '' OR d.phone_key = k.phone_key "
                         "    THEN k.phone ELSE k.phone || ', ' || d.phone END,"
                         "  email = CASE WHEN k.email = '' THEN d.email WHEN d.email = '' OR d.email_key = k.email_key "
                         "    THEN k.email ELSE k.email || ', ' || d.email END,"
                         "  tax_id = CASE WHEN k.tax_id != '' THEN k.tax_id ELSE d.tax_id END,"
                         "  source = CASE WHEN k.source != '' THEN k.source ELSE d.source END,"
                         "  channel = CASE WHEN k.channel != '' THEN k.channel ELSE d.channel END,"
                         "  source_id = CASE WHEN k.source_id != '' THEN k.source_id ELSE d.source_id END,"
                         "  source_status = CASE WHEN k.source_status != '' THEN k.source_status ELSE d.source_status END,"
                         "  source_owner = CASE WHEN k.source_owner != '' THEN k.source_owner ELSE d.source_owner END,"
                         "  notes = CASE WHEN d.notes = '' OR d.notes = k.notes THEN k.notes WHEN k.notes = '' THEN d.notes "
                         "    ELSE k.notes || char(10) || char(10) || d.notes END,"
                         "  product_id = coalesce(k.product_id, d.product_id),"
                         "  received_at = min(k.received_at, d.received_at),"
                         "  state = CASE WHEN r.drop_wins THEN d.state ELSE k.state END,"
                         "  decided_by = CASE WHEN r.drop_wins THEN d.decided_by ELSE k.decided_by END,"
                         "  decided_at = CASE WHEN r.drop_wins THEN d.decided_at ELSE k.decided_at END,"
                         "  reject_reason = CASE WHEN r.drop_wins THEN d.reject_reason ELSE k.reject_reason END,"
                         "  owner_id = CASE WHEN r.drop_wins THEN coalesce(d.owner_id, k.owner_id) "
                         "    ELSE coalesce(k.owner_id, d.owner_id) END,"
                         "  client_id = CASE WHEN r.drop_wins THEN coalesce(d.client_id, k.client_id) "
                         "    ELSE coalesce(k.client_id, d.client_id) END,"
                         "  version = k.version + 1 "
                         "FROM leads k, leads d, (SELECT (CASE ?3 WHEN 'accepted' THEN 2 WHEN 'new' THEN 1 ELSE 0 END) > "
                         "  (CASE ?4 WHEN 'accepted' THEN 2 WHEN 'new' THEN 1 ELSE 0 END) AS drop_wins) r "
                         "WHERE leads.id = ?1 AND k.id = ?1 AND d.id = ?2",
                         "IIss", op->keep, op->drop, drop_state, keep_state) ||
      !_scim_store_exec (tx->store, error,
                         "UPDATE leads SET phone_key = scim_phone_key (phone), email_key = scim_email_key (email) "
                         "WHERE id = ?", "I", op->keep))
    return FALSE;
  /* Its sales, plan requests and history come along. */
  if (!_scim_store_exec (tx->store, error, "UPDATE sales SET lead_id = ?1 WHERE lead_id = ?2", "II", op->keep,
                         op->drop) ||
      !_scim_store_exec (tx->store, error, "UPDATE plan_requests SET lead_id = ?1 WHERE lead_id = ?2", "II", op->keep,
                         op->drop) ||
      !_scim_store_exec (tx->store, error,
                         "UPDATE change_log SET entity_id = ?1 WHERE entity = 'leads' AND entity_id = ?2", "II",
                         op->keep, op->drop) ||
      !_scim_store_exec (tx->store, error, "DELETE FROM leads WHERE id = ?", "I", op->drop))
    return FALSE;
  return scim_tx_log (tx, "leads", op->drop, "delete", error) && scim_tx_log (tx, "leads", op->keep, "update", error);
}

/**
 * scim_store_merge_leads:
 * @store: a #ScimStore
 * @keep_id: the lead that stays
 * @drop_id: its duplicate, merged into it and deleted
 * @error: return location for an error
 *
 * Merges two leads of one person or company: what @keep_id says wins and
 * @drop_id fills its blanks; differing phones and e-mails are both kept,
 * notes joined, the earlier arrival kept; the decision that went further
 * (accepted, then new, then rejected) stands with its salesperson and
 * client; the sales, plan requests and history of @drop_id move to
 * @keep_id.  Only a head of sales, an admin or a user who may accept
 * leads merges.
 *
 * Returns: %TRUE when merged
 */
gboolean
scim_store_merge_leads (ScimStore  *store,
                        gint64      keep_id,
                        gint64      drop_id,
                        GError    **error)
{
  MergeOp op = { keep_id, drop_id };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, merge_cb, &op, error);
}

/* Acceptance */

typedef struct
{
  const gint64 *lead_ids;
  guint         n_leads;
  gint64        client_id;     /* for a single lead; 0: make one */
  const gint64 *product_ids;
  guint         n_products;
  gint64        owner_id;
  gboolean      guess_client;  /* bulk: link to the first matching client */
  const char   *reason;
  gint64        sales_created;
} DecisionOp;

static gint64
first_stage (ScimTx  *tx,
             gint64   product_id,
             GError **error)
{
  gint64 stage = _scim_store_query_int (tx->store, error,
                                        "SELECT id FROM stages WHERE product_id = ? "
                                        "ORDER BY kind != 'open', position, id LIMIT 1",
                                        "I", product_id);
  gint64 active;

  if (stage < 0)
    return -1;
  active = _scim_store_query_int (tx->store, error, "SELECT active FROM products WHERE id = ?", "I", product_id);
  if (stage == 0 || active <= 0)
    {
      if (active >= 0)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("Products: a chosen product is archived or has no funnel. Choose another product."));
      return -1;
    }
  return stage;
}

static gint64
client_from_lead (ScimTx  *tx,
                  gint64   lead_id,
                  gint64   manager_id,
                  GError **error)
{
  sqlite3_stmt *stmt;
  gint64 client_id;
  g_autofree char *name = NULL;
  g_autofree char *company = NULL;
  g_autofree char *position = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *email = NULL;
  g_autofree char *tax_id = NULL;
  gint64 audience = 0;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT l.name, l.company, l.position, l.phone, l.email, l.tax_id, p.audience_id "
                              "FROM leads l LEFT JOIN products p ON p.id = l.product_id WHERE l.id = ?", error);
  if (stmt == NULL)
    return 0;
  _scim_stmt_bind (stmt, "I", lead_id);
  if (_scim_store_step (tx->store, stmt, error) != SQLITE_ROW)
    return 0;
  name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  company = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  position = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  phone = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  email = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  tax_id = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  audience = sqlite3_column_int64 (stmt, 6);
  sqlite3_reset (stmt);

  /* A company when the lead names one; the person otherwise. */
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO clients (kind, name, tax_id, phones, emails, audience_id, manager_id, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         "sssssNNI", company[0] != '\0' ? "company" : "person",
                         company[0] != '\0' ? company : (name[0] != '\0' ? name : (email[0] != '\0' ? email : phone)),
                         tax_id, phone, email, audience, manager_id, tx->now))
    return 0;
  client_id = sqlite3_last_insert_rowid (tx->db);
  if (!scim_tx_log (tx, "clients", client_id, "insert", error))
    return 0;

  if (company[0] != '\0' && name[0] != '\0')
    {
      if (!_scim_store_exec (tx->store, error,
                             "INSERT INTO contacts (client_id, name, position, phone, email, role) "
                             "VALUES (?, ?, ?, ?, ?, 'key_contact')",
                             "Issss", client_id, name, position, phone, email))
        return 0;
      if (!scim_tx_log (tx, "contacts", sqlite3_last_insert_rowid (tx->db), "insert", error))
        return 0;
    }
  return client_id;
}

static gint64
guess_client (ScimTx  *tx,
              gint64   lead_id,
              GError **error)
{
  /* The same tax id, e-mail or company name as a client already known. */
  return _scim_store_query_int (tx->store, error,
                                "SELECT c.id FROM leads l JOIN clients c ON "
                                "(l.tax_id != '' AND c.tax_id = l.tax_id) "
                                "OR (l.company != '' AND c.name = l.company COLLATE NOCASE) "
                                "WHERE l.id = ? ORDER BY c.id LIMIT 1",
                                "I", lead_id);
}

static gboolean
accept_one (ScimTx     *tx,
            DecisionOp *op,
            gint64      lead_id,
            GError    **error)
{
  g_autofree char *state = lead_state (tx, lead_id, NULL, error);
  gint64 client_id = op->client_id;

  if (state == NULL)
    return FALSE;
  if (!g_str_equal (state, "new"))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   g_str_equal (state, "accepted") ? _("Lead %lld is already accepted. Reload the list.")
                                                   : _("Lead %lld is already rejected. Reload the list."),
                   (long long) lead_id);
      return FALSE;
    }

  if (client_id == 0 && op->guess_client)
    {
      client_id = guess_client (tx, lead_id, error);
      if (client_id < 0)
        return FALSE;
    }
  if (client_id != 0 &&
      _scim_store_query_int (tx->store, error, "SELECT count(*) FROM clients WHERE id = ?", "I", client_id) <= 0)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                     _("Client: this client no longer exists. Choose another."));
      return FALSE;
    }
  if (client_id == 0 && (client_id = client_from_lead (tx, lead_id, op->owner_id, error)) == 0)
    return FALSE;

  for (guint i = 0; i < op->n_products; i++)
    {
      gint64 stage = first_stage (tx, op->product_ids[i], error);
      gint64 sale_id;

      if (stage < 0)
        return FALSE;
      if (!_scim_store_exec (tx->store, error,
                             "INSERT INTO sales (client_id, product_id, stage_id, owner_id, lead_id, stage_entered_at, "
                             "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             "IIIIIII", client_id, op->product_ids[i], stage, op->owner_id, lead_id, tx->now, tx->now))
        return FALSE;
      sale_id = sqlite3_last_insert_rowid (tx->db);
      if (!_scim_store_exec (tx->store, error,
                             "INSERT INTO stage_changes (sale_id, to_stage_id, user_id, at, reason) VALUES (?, ?, ?, ?, ?)",
                             "IINIs", sale_id, stage, tx->user_id, tx->now, _("Lead accepted")))
        return FALSE;
      /* The salesperson is asked to build a plan for the new sale. */
      if (!_scim_store_exec (tx->store, error,
                             "INSERT INTO plan_requests (sale_id, user_id, lead_id, created_at) VALUES (?, ?, ?, ?)",
                             "IIII", sale_id, op->owner_id, lead_id, tx->now))
        return FALSE;
      if (!scim_tx_log (tx, "sales", sale_id, "insert", error) ||
          !scim_tx_log (tx, "plan_requests", sqlite3_last_insert_rowid (tx->db), "insert", error))
        return FALSE;
      op->sales_created++;
    }

  if (!_scim_store_exec (tx->store, error,
                         "UPDATE leads SET state = 'accepted', decided_by = ?, decided_at = ?, owner_id = ?, "
                         "client_id = ?, version = version + 1 WHERE id = ?",
                         "NIIII", tx->user_id, tx->now, op->owner_id, client_id, lead_id))
    return FALSE;
  return scim_tx_log (tx, "leads", lead_id, "update", error);
}

static gboolean
accept_cb (ScimTx    *tx,
           gpointer   user_data,
           GError   **error)
{
  DecisionOp *op = user_data;

  op->sales_created = 0;
  if (!may_accept (tx, error))
    return FALSE;
  if (op->n_products == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Products: choose at least one product the lead wants."));
      return FALSE;
    }
  if (op->owner_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Salesperson: choose who works with the lead."));
      return FALSE;
    }
  if (!check_owner (tx, op->owner_id, error))
    return FALSE;
  for (guint i = 0; i < op->n_leads; i++)
    if (!accept_one (tx, op, op->lead_ids[i], error))
      return FALSE;
  return TRUE;
}

/**
 * scim_store_accept_lead:
 * @store: a #ScimStore
 * @lead_id: a new lead
 * @client_id: its client, or 0 to make one from the lead
 * @product_ids: (array length=n_products): the products it wants
 * @n_products: how many; at least one
 * @owner_id: the salesperson
 * @error: return location for an error
 *
 * Accepts the lead in one transaction: client, one sale per product at the
 * first stage of its funnel (with its stage history), a "build a plan"
 * request for the salesperson, and the lead marked accepted.
 */
gboolean
scim_store_accept_lead (ScimStore     *store,
                        gint64         lead_id,
                        gint64         client_id,
                        const gint64  *product_ids,
                        guint          n_products,
                        gint64         owner_id,
                        GError       **error)
{
  DecisionOp op = { &lead_id, 1, client_id, product_ids, n_products, owner_id, FALSE, NULL, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, accept_cb, &op, error);
}

/**
 * scim_store_accept_leads:
 * @store: a #ScimStore
 * @lead_ids: (array length=n_leads): new leads
 * @n_leads: how many
 * @product_id: the product they all want
 * @owner_id: the salesperson
 * @error: return location for an error
 *
 * Accepts several leads at once, each linked to a known client with the
 * same tax id or company name, or to a new one.  All or none.
 */
gboolean
scim_store_accept_leads (ScimStore     *store,
                         const gint64  *lead_ids,
                         guint          n_leads,
                         gint64         product_id,
                         gint64         owner_id,
                         GError       **error)
{
  DecisionOp op = { lead_ids, n_leads, 0, &product_id, product_id != 0 ? 1 : 0, owner_id, TRUE, NULL, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, accept_cb, &op, error);
}

static gboolean
reject_cb (ScimTx    *tx,
           gpointer   user_data,
           GError   **error)
{
  DecisionOp *op = user_data;
  g_autofree char *reason = clean (op->reason);

  if (!may_accept (tx, error))
    return FALSE;
  if (reason[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Reason: say why the lead is rejected."));
      return FALSE;
    }
  for (guint i = 0; i < op->n_leads; i++)
    {
      g_autofree char *state = lead_state (tx, op->lead_ids[i], NULL, error);

      if (state == NULL)
        return FALSE;
      if (!g_str_equal (state, "new"))
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       g_str_equal (state, "accepted") ? _("Lead %lld is already accepted. Reload the list.")
                                                       : _("Lead %lld is already rejected. Reload the list."),
                       (long long) op->lead_ids[i]);
          return FALSE;
        }
      if (!_scim_store_exec (tx->store, error,
                             "UPDATE leads SET state = 'rejected', reject_reason = ?, decided_by = ?, decided_at = ?, "
                             "version = version + 1 WHERE id = ?",
                             "sNII", reason, tx->user_id, tx->now, op->lead_ids[i]) ||
          !scim_tx_log (tx, "leads", op->lead_ids[i], "update", error))
        return FALSE;
    }
  return TRUE;
}

gboolean
scim_store_reject_lead (ScimStore   *store,
                        gint64       lead_id,
                        const char  *reason,
                        GError     **error)
{
  return scim_store_reject_leads (store, &lead_id, 1, reason, error);
}

/**
 * scim_store_reject_leads:
 * @store: a #ScimStore
 * @lead_ids: (array length=n_leads): new leads
 * @n_leads: how many
 * @reason: why; required
 * @error: return location for an error
 *
 * All or none.
 */
gboolean
scim_store_reject_leads (ScimStore     *store,
                         const gint64  *lead_ids,
                         guint          n_leads,
                         const char    *reason,
                         GError       **error)
{
  DecisionOp op = { lead_ids, n_leads, 0, NULL, 0, 0, FALSE, reason, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, reject_cb, &op, error);
}

static gboolean
assign_cb (ScimTx    *tx,
           gpointer   user_data,
           GError   **error)
{
  DecisionOp *op = user_data;

  if (!may_accept (tx, error) || !check_owner (tx, op->owner_id, error))
    return FALSE;
  if (op->owner_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Salesperson: choose who works with the leads."));
      return FALSE;
    }
  for (guint i = 0; i < op->n_leads; i++)
    {
      if (!_scim_store_exec (tx->store, error,
                             "UPDATE leads SET owner_id = ?, version = version + 1 WHERE id = ?",
                             "II", op->owner_id, op->lead_ids[i]))
        return FALSE;
      if (sqlite3_changes (tx->db) == 0)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                       _("Lead %lld no longer exists. Reload the list."),
                       (long long) op->lead_ids[i]);
          return FALSE;
        }
      if (!scim_tx_log (tx, "leads", op->lead_ids[i], "update", error))
        return FALSE;
    }
  return TRUE;
}

/**
 * scim_store_assign_leads:
 * @store: a #ScimStore
 * @lead_ids: (array length=n_leads): leads
 * @n_leads: how many
 * @owner_id: the salesperson
 * @error: return location for an error
 *
 * Gives the leads a salesperson; all or none.
 */
gboolean
scim_store_assign_leads (ScimStore     *store,
                         const gint64  *lead_ids,
                         guint          n_leads,
                         gint64         owner_id,
                         GError       **error)
{
  DecisionOp op = { lead_ids, n_leads, 0, NULL, 0, owner_id, FALSE, NULL, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, assign_cb, &op, error);
}

/**
 * scim_store_count_plan_requests:
 * @store: a #ScimStore
 * @user_id: the salesperson
 * @error: return location for an error
 *
 * Returns: how many sales of theirs still wait for a plan, or -1 on error
 */
gint64
scim_store_count_plan_requests (ScimStore  *store,
                                gint64      user_id,
                                GError    **error)
{
  gint64 n;

  g_return_val_if_fail (SCIM_IS_STORE (store), -1);
  _scim_store_lock (store);
  n = _scim_store_query_int (store, error,
                             "SELECT count(*) FROM plan_requests WHERE user_id = ? AND done_at IS NULL", "I", user_id);
  _scim_store_unlock (store);
  return n;
}

/* The search index */

/* Indexes up to @limit leads of leads_search_queue (schema version 12) in
 * the open write transaction @tx: their text into leads_search, and off the
 * queue.  @more says whether the queue has more.  scim_store_write() calls
 * it after every write (a lead saved is searchable in the same commit) and
 * then in short transactions of its own until the queue is empty, so an
 * import's write lock does not carry the tokenizing of its leads. */
gboolean
_scim_tx_index_queued_leads (ScimTx    *tx,
                             guint      limit,
                             gboolean  *more,
                             GError   **error)
{
  gint64 left;

  *more = FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO leads_search (rowid, text) SELECT l.id, " SCIM_SCHEMA_LEAD_SEARCH_TEXT ("l")
                         " FROM leads l WHERE l.id IN (SELECT lead_id FROM leads_search_queue ORDER BY lead_id LIMIT ?)",
                         "i", (int) limit) ||
      !_scim_store_exec (tx->store, error,
                         "DELETE FROM leads_search_queue WHERE lead_id IN "
                         "(SELECT lead_id FROM leads_search_queue ORDER BY lead_id LIMIT ?)",
                         "i", (int) limit))
    return FALSE;
  left = _scim_store_query_int (tx->store, error, "SELECT EXISTS (SELECT 1 FROM leads_search_queue)", "");
  if (left < 0)
    return FALSE;
  *more = left > 0;
  return TRUE;
}
