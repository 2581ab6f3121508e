/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-settings"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scim-funnel-template.h"
#include "scim-query.h"
#include "scim-settings.h"
#include "scim-store-private.h"

/* The writes of the Settings module.  Each public function validates what
 * it can before the transaction, then runs one transaction that checks the
 * signed-in user's role, validates against the data, writes and logs every
 * changed row.  Any error rolls the whole transaction back. */

typedef struct
{
  guint  line;
  char  *name;
  char  *kind;
  int    probability;
  int    stuck_days;
} ParsedStage;

static const char * const stage_kinds[] = { "open", "won", "lost", "paused" };
static const char * const contact_roles[] = { "decision_maker", "key_contact", "influence_agent", "other" };

/* Helpers */

static char *
dup_clean (const char *text)
{
  return g_strstrip (g_strdup (text != NULL ? text : ""));
}

/* A name as people compare names: regardless of case in any alphabet and of
 * how accents are composed. */
static char *
fold_name (const char *name)
{
  g_autofree char *normal = g_utf8_normalize (name, -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normal != NULL ? normal : name, -1);
}

static gboolean
names_equal (const char *a,
             const char *b)
{
  g_autofree char *fa = fold_name (a);
  g_autofree char *fb = fold_name (b);

  return g_str_equal (fa, fb);
}

static gboolean
check_text (const char  *text,
            GError     **error)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("The text is not valid UTF-8. Type it again or fix the file it came from."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (!check_text (name, error))
    return FALSE;
  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("Name: type a name."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_one_of (const char         *value,
           const char * const *values,
           guint               n_values)
{
  for (guint i = 0; i < n_values; i++)
    if (g_strcmp0 (value, values[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
require_admin (ScimTx  *tx,
               GError **error)
{
  return scim_store_require_role (tx->store, SCIM_ROLE_ADMIN, error);
}

/* Whether another row of @sql (selecting id, name; one optional parameter
 * @param) has @name.  Returns 1 when taken, 0 when free, -1 on error. */
static int
name_taken (ScimTx      *tx,
            const char  *sql,
            gint64       param,
            gint64       except_id,
            const char  *name,
            GError     **error)
{
  g_autofree char *folded = fold_name (name);
  sqlite3_stmt *stmt;
  int rc, taken = 0;

  stmt = _scim_store_prepare (tx->store, sql, error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    _scim_stmt_bind (stmt, "I", param);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      g_autofree char *other = NULL;

      if (sqlite3_column_int64 (stmt, 0) == except_id)
        continue;
      other = fold_name ((const char *) sqlite3_column_text (stmt, 1));
      if (g_str_equal (other, folded))
        {
          taken = 1;
          sqlite3_reset (stmt);
          break;
        }
    }
  if (rc == SCIM_STMT_ERROR)
    return -1;
  return taken;
}

static gboolean
row_exists (ScimTx      *tx,
            const char  *sql,
            gint64       id,
            gboolean    *exists,
            GError     **error)
{
  gint64 n = _scim_store_query_int (tx->store, error, sql, "I", id);

  if (n < 0)
    return FALSE;
  *exists = n > 0;
  return TRUE;
}

static gboolean
check_audience_and_manager (ScimTx      *tx,
                            gint64       audience_id,
                            gint64       manager_id,
                            GError     **error)
{
  gboolean exists = TRUE;

  if (audience_id != 0)
    {
      if (!row_exists (tx, "SELECT count(*) FROM audiences WHERE id = ?", audience_id, &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Audience: this target audience no longer exists. Choose another."));
          return FALSE;
        }
    }
  if (manager_id != 0)
    {
      if (!row_exists (tx, "SELECT count(*) FROM users WHERE id = ?", manager_id, &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Manager: this user no longer exists. Choose another."));
          return FALSE;
        }
    }
  return TRUE;
}

/* Audiences */

typedef struct
{
  gint64      id;
  gint64      version;
  gint64      other_id;
  const char *name;
  const char *description;
} AudienceOp;

static const char sql_audience_names[] = "SELECT id, name FROM audiences";

static gboolean
check_audience_name (ScimTx      *tx,
                     AudienceOp  *op,
                     GError     **error)
{
  int taken = name_taken (tx, sql_audience_names, 0, op->id, op->name, error);

  if (taken < 0)
    return FALSE;
  if (taken > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Name: a target audience “%s” already exists. Choose another name, or merge the two."),
                   op->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_audience_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  AudienceOp *op = user_data;

  if (!require_admin (tx, error) || !check_audience_name (tx, op, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error, "INSERT INTO audiences (name, description) VALUES (?, ?)", "ss",
                         op->name, op->description))
    return FALSE;
  op->id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "audiences", op->id, "insert", error);
}

/**
 * scim_store_add_audience:
 * @store: a #ScimStore
 * @name: the audience's name, unique regardless of case
 * @description: (nullable): what it is
 * @error: return location for an error
 *
 * Adds a target audience.  Admins only.
 *
 * Returns: the new audience's id, or 0 with @error set
 */
gint64
scim_store_add_audience (ScimStore   *store,
                         const char  *name,
                         const char  *description,
                         GError     **error)
{
  g_autofree char *clean = dup_clean (name);
  g_autofree char *desc = dup_clean (description);
  AudienceOp op = { 0, 0, 0, clean, desc };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);

  if (!check_name (clean, error) || !check_text (desc, error))
    return 0;
  if (!scim_store_write (store, add_audience_cb, &op, error))
    return 0;
  return op.id;
}

static gboolean
update_audience_cb (ScimTx    *tx,
                    gpointer   user_data,
                    GError   **error)
{
  AudienceOp *op = user_data;

  if (!require_admin (tx, error) || !check_audience_name (tx, op, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE audiences SET name = ?, description = ?, version = version + 1 "
                         "WHERE id = ? AND version = ?",
                         "ssII", op->name, op->description, op->id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "audiences", op->id, error);
}

/**
 * scim_store_update_audience:
 * @store: a #ScimStore
 * @audience_id: the audience
 * @version: the version the editor started from
 * @name: the new name
 * @description: (nullable): the new description
 * @error: return location for an error
 *
 * Renames or describes a target audience.  Admins only.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_update_audience (ScimStore   *store,
                            gint64       audience_id,
                            gint64       version,
                            const char  *name,
                            const char  *description,
                            GError     **error)
{
  g_autofree char *clean = dup_clean (name);
  g_autofree char *desc = dup_clean (description);
  AudienceOp op = { audience_id, version, 0, clean, desc };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);

  if (!check_name (clean, error) || !check_text (desc, error))
    return FALSE;
  return scim_store_write (store, update_audience_cb, &op, error);
}

/* Points every client and product of audience @from at @into (0: none),
 * each a logged update. */
static gboolean
move_audience_rows (ScimTx   *tx,
                    gint64    from,
                    gint64    into,
                    GError  **error)
{
  g_autoptr(GArray) clients = NULL;
  g_autoptr(GArray) products = NULL;

  clients = _scim_tx_collect_ids (tx, error,
                         "UPDATE clients SET audience_id = ?, version = version + 1 WHERE audience_id = ? "
                         "RETURNING id",
                         "NI", into, from);
  if (clients == NULL || !_scim_tx_log_ids (tx, "clients", clients, "update", error))
    return FALSE;
  products = _scim_tx_collect_ids (tx, error,
                          "UPDATE products SET audience_id = ?, version = version + 1 WHERE audience_id = ? "
                          "RETURNING id",
                          "NI", into, from);
  if (products == NULL || !_scim_tx_log_ids (tx, "products", products, "update", error))
    return FALSE;
  return TRUE;
}

static gboolean
require_audience (ScimTx   *tx,
                  gint64    audience_id,
                  GError  **error)
{
  gboolean exists;

  if (!row_exists (tx, "SELECT count(*) FROM audiences WHERE id = ?", audience_id, &exists, error))
    return FALSE;
  if (!exists)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This target audience no longer exists. Reload the list."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
merge_audiences_cb (ScimTx    *tx,
                    gpointer   user_data,
                    GError   **error)
{
  AudienceOp *op = user_data;

  if (!require_admin (tx, error))
    return FALSE;
  if (op->id == op->other_id)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Audience: choose two different target audiences to merge."));
      return FALSE;
    }
  if (!require_audience (tx, op->id, error) || !require_audience (tx, op->other_id, error))
    return FALSE;
  if (!move_audience_rows (tx, op->id, op->other_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error, "DELETE FROM audiences WHERE id = ?", "I", op->id))
    return FALSE;
  return scim_tx_log (tx, "audiences", op->id, "delete", error);
}

/**
 * scim_store_merge_audiences:
 * @store: a #ScimStore
 * @from_id: the audience that goes away
 * @into_id: the audience that stays
 * @error: return location for an error
 *
 * Moves every client and product of @from_id to @into_id and deletes
 * @from_id, in one transaction.  Admins only.
 *
 * Returns: %TRUE when merged
 */
gboolean
scim_store_merge_audiences (ScimStore  *store,
                            gint64      from_id,
                            gint64      into_id,
                            GError    **error)
{
  AudienceOp op = { from_id, 0, into_id, NULL, NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, merge_audiences_cb, &op, error);
}

static gboolean
delete_audience_cb (ScimTx    *tx,
                    gpointer   user_data,
                    GError   **error)
{
  AudienceOp *op = user_data;

  if (!require_admin (tx, error) || !require_audience (tx, op->id, error))
    return FALSE;
  if (!move_audience_rows (tx, op->id, 0, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error, "DELETE FROM audiences WHERE id = ?", "I", op->id))
    return FALSE;
  return scim_tx_log (tx, "audiences", op->id, "delete", error);
}

/**
 * scim_store_delete_audience:
 * @store: a #ScimStore
 * @audience_id: the audience
 * @error: return location for an error
 *
 * Deletes a target audience; its clients and products are left without
 * one.  Admins only.
 *
 * Returns: %TRUE when deleted
 */
gboolean
scim_store_delete_audience (ScimStore  *store,
                            gint64      audience_id,
                            GError    **error)
{
  AudienceOp op = { audience_id, 0, 0, NULL, NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, delete_audience_cb, &op, error);
}

/* Clients */

typedef struct
{
  char     *kind;
  char     *name;
  char     *tax_id;
  char     *phones;
  char     *emails;
  char     *address;
  char     *website;
  gint64    audience_id;
  gint64    manager_id;
  gboolean  is_customer;
  char     *notes;
} CleanClient;

static void
clean_client_clear (CleanClient *c)
{
  g_free (c->kind);
  g_free (c->name);
  g_free (c->tax_id);
  g_free (c->phones);
  g_free (c->emails);
  g_free (c->address);
  g_free (c->website);
  g_free (c->notes);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CleanClient, clean_client_clear)

static gboolean
clean_client (const ScimClientFields  *fields,
              CleanClient             *c,
              GError                 **error)
{
  static const char * const kinds[] = { "company", "person" };

  c->kind = dup_clean (fields->kind != NULL ? fields->kind : "company");
  c->name = dup_clean (fields->name);
  c->tax_id = dup_clean (fields->tax_id);
  c->phones = dup_clean (fields->phones);
  c->emails = dup_clean (fields->emails);
  c->address = dup_clean (fields->address);
  c->website = dup_clean (fields->website);
  c->notes = g_strdup (fields->notes != NULL ? fields->notes : "");
  c->audience_id = fields->audience_id;
  c->manager_id = fields->manager_id;
  c->is_customer = fields->is_customer;

  if (!is_one_of (c->kind, kinds, G_N_ELEMENTS (kinds)))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Kind: choose a company or a person."));
      return FALSE;
    }
  if (!check_text (c->name, error))
    return FALSE;
  if (c->name[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("Name: type the client’s name."));
      return FALSE;
    }
  return check_text (c->tax_id, error) && check_text (c->phones, error) && check_text (c->emails, error) &&
         check_text (c->address, error) && check_text (c->website, error) && check_text (c->notes, error);
}

/* Whether the signed-in user may edit a client managed by @manager_id:
 * heads and admins may edit any, a salesperson only their own. */
static gboolean
may_edit_client (ScimTx   *tx,
                 gint64    manager_id,
                 GError  **error)
{
  ScimRole role;

  if (!scim_store_get_role (tx->store, &role))
    return scim_store_require_role (tx->store, SCIM_ROLE_SALES, error);
  if (role >= SCIM_ROLE_HEAD || (manager_id != 0 && manager_id == tx->user_id))
    return TRUE;
  g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
               _("You may edit only the clients you manage. Ask the head of sales to change this one."));
  return FALSE;
}

typedef struct
{
  gint64       id;
  gint64       version;
  CleanClient *c;
} ClientOp;

static gboolean
add_client_cb (ScimTx    *tx,
               gpointer   user_data,
               GError   **error)
{
  ClientOp *op = user_data;
  CleanClient *c = op->c;
  gint64 manager_id = c->manager_id;
  ScimRole role;

  if (!scim_store_require_role (tx->store, SCIM_ROLE_SALES, error) || !scim_store_get_role (tx->store, &role))
    return FALSE;
  if (role == SCIM_ROLE_SALES)
    {
      /* A salesperson's new client is their own; handing clients to
       * others is the head's call. */
      if (manager_id == 0)
        manager_id = tx->user_id;
      if (manager_id != tx->user_id)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                       _("Manager: a salesperson adds clients they manage themselves. "
                         "Ask the head of sales to assign another manager."));
          return FALSE;
        }
    }
  if (!check_audience_and_manager (tx, c->audience_id, manager_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO clients (kind, name, tax_id, phones, emails, address, website, audience_id, "
                         "manager_id, is_customer, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "sssssssNNisI", c->kind, c->name, c->tax_id, c->phones, c->emails, c->address,
                         c->website, c->audience_id, manager_id, c->is_customer ? 1 : 0, c->notes, tx->now))
    return FALSE;
  op->id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "clients", op->id, "insert", error);
}

/**
 * scim_store_add_client:
 * @store: a #ScimStore
 * @fields: the client
 * @error: return location for an error
 *
 * Adds a client.  Heads and admins may add any; a salesperson adds clients
 * they manage themselves (a client without a manager becomes theirs).
 * Check for duplicates first with scim_store_find_duplicate_clients().
 *
 * Returns: the new client's id, or 0 with @error set
 */
gint64
scim_store_add_client (ScimStore               *store,
                       const ScimClientFields  *fields,
                       GError                 **error)
{
  g_auto(CleanClient) c = { 0 };
  ClientOp op = { 0, 0, &c };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);
  g_return_val_if_fail (fields != NULL, 0);

  if (!clean_client (fields, &c, error))
    return 0;
  if (!scim_store_write (store, add_client_cb, &op, error))
    return 0;
  return op.id;
}

/* The manager of a client; NOT_FOUND when the client is gone. */
static gboolean
client_manager (ScimTx   *tx,
                gint64    client_id,
                gint64   *manager_id,
                GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store, "SELECT coalesce(manager_id, 0) FROM clients WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", client_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This client no longer exists. Reload the list."));
      return FALSE;
    }
  *manager_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
update_client_cb (ScimTx    *tx,
                  gpointer   user_data,
                  GError   **error)
{
  ClientOp *op = user_data;
  CleanClient *c = op->c;
  gint64 manager_id;
  ScimRole role;

  if (!client_manager (tx, op->id, &manager_id, error) || !may_edit_client (tx, manager_id, error) ||
      !scim_store_get_role (tx->store, &role))
    return FALSE;
  if (role == SCIM_ROLE_SALES && c->manager_id != manager_id)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Manager: only the head of sales may hand a client to another manager."));
      return FALSE;
    }
  if (!check_audience_and_manager (tx, c->audience_id, c->manager_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE clients SET kind = ?, name = ?, tax_id = ?, phones = ?, emails = ?, address = ?, "
                         "website = ?, audience_id = ?, manager_id = ?, is_customer = ?, notes = ?, "
                         "version = version + 1 WHERE id = ? AND version = ?",
                         "sssssssNNisII", c->kind, c->name, c->tax_id, c->phones, c->emails, c->address,
                         c->website, c->audience_id, c->manager_id, c->is_customer ? 1 : 0, c->notes,
                         op->id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "clients", op->id, error);
}

/**
 * scim_store_update_client:
 * @store: a #ScimStore
 * @client_id: the client
 * @version: the version the editor started from
 * @fields: the client's new fields
 * @error: return location for an error
 *
 * Saves a client.  Heads and admins may edit any client; a salesperson the
 * clients they manage, without handing them to someone else.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_update_client (ScimStore               *store,
                          gint64                   client_id,
                          gint64                   version,
                          const ScimClientFields  *fields,
                          GError                 **error)
{
  g_auto(CleanClient) c = { 0 };
  ClientOp op = { client_id, version, &c };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  if (!clean_client (fields, &c, error))
    return FALSE;
  return scim_store_write (store, update_client_cb, &op, error);
}

static gboolean
delete_client_cb (ScimTx    *tx,
                  gpointer   user_data,
                  GError   **error)
{
  ClientOp *op = user_data;
  g_autoptr(GArray) contacts = NULL;
  g_autoptr(GArray) leads = NULL;
  gint64 manager_id, n_sales;

  if (!scim_store_require_role (tx->store, SCIM_ROLE_HEAD, error) ||
      !client_manager (tx, op->id, &manager_id, error))
    return FALSE;
  n_sales = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM sales WHERE client_id = ?", "I", op->id);
  if (n_sales < 0)
    return FALSE;
  if (n_sales > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "This client has %d sale, so it cannot be deleted. The sales history must stay.",
                                "This client has %d sales, so it cannot be deleted. The sales history must stay.",
                                (gulong) n_sales),
                   (int) n_sales);
      return FALSE;
    }

  contacts = _scim_tx_collect_ids (tx, error, "DELETE FROM contacts WHERE client_id = ? RETURNING id", "I", op->id);
  if (contacts == NULL || !_scim_tx_log_ids (tx, "contacts", contacts, "delete", error))
    return FALSE;
  leads = _scim_tx_collect_ids (tx, error,
                       "UPDATE leads SET client_id = NULL, version = version + 1 WHERE client_id = ? RETURNING id",
                       "I", op->id);
  if (leads == NULL || !_scim_tx_log_ids (tx, "leads", leads, "update", error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error, "DELETE FROM clients WHERE id = ?", "I", op->id))
    return FALSE;
  return scim_tx_log (tx, "clients", op->id, "delete", error);
}

/**
 * scim_store_delete_client:
 * @store: a #ScimStore
 * @client_id: the client
 * @error: return location for an error
 *
 * Deletes a client without sales, with its contacts.  Heads and admins only.
 *
 * Returns: %TRUE when deleted
 */
gboolean
scim_store_delete_client (ScimStore  *store,
                          gint64      client_id,
                          GError    **error)
{
  ClientOp op = { client_id, 0, NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, delete_client_cb, &op, error);
}

/* Duplicates */

static gboolean
is_list_separator (char c)
{
  return c == '\n' || c == '\r' || c == ',' || c == ';';
}

/* Calls @func with the last 10 digits of each phone in @phones (one per
 * line; commas and semicolons also separate), so "+7 (495) 123-45-67" and
 * "8 495 1234567" meet.  Numbers of fewer than 5 digits are not compared.
 * Stops at the first call that returns %TRUE, and returns that. */
static gboolean
foreach_phone_key (const char  *phones,
                   gboolean   (*func) (const char *key, gpointer data),
                   gpointer     data)
{
  if (phones == NULL)
    return FALSE;
  for (const char *p = phones; *p != '\0';)
    {
      char digits[64];
      guint n = 0;

      while (*p != '\0' && !is_list_separator (*p))
        {
          if (g_ascii_isdigit (*p) && n < sizeof digits - 1)
            digits[n++] = *p;
          p++;
        }
      while (*p != '\0' && is_list_separator (*p))
        p++;
      digits[n] = '\0';
      if (n >= 5 && func (n > 10 ? digits + n - 10 : digits, data))
        return TRUE;
    }
  return FALSE;
}

/* The same for e-mail addresses, compared regardless of case. */
static gboolean
foreach_email_key (const char  *emails,
                   gboolean   (*func) (const char *key, gpointer data),
                   gpointer     data)
{
  if (emails == NULL || strchr (emails, '@') == NULL)
    return FALSE;
  for (const char *p = emails; *p != '\0';)
    {
      gsize len = strcspn (p, "\n\r,; \t");

      if (len > 0 && memchr (p, '@', len) != NULL && g_utf8_validate (p, (gssize) len, NULL))
        {
          g_autofree char *key = g_utf8_casefold (p, (gssize) len);

          if (func (key, data))
            return TRUE;
        }
      p += len;
      if (*p != '\0')
        p++;
    }
  return FALSE;
}

static gboolean
add_key_cb (const char *key,
            gpointer    data)
{
  g_hash_table_add (data, g_strdup (key));
  return FALSE;
}

static gboolean
has_key_cb (const char *key,
            gpointer    data)
{
  return g_hash_table_contains (data, key);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

typedef struct
{
  gint64      except_id;
  char       *tax_id;
  GHashTable *phones;
  GHashTable *emails;
  GArray     *ids;
} Duplicates;

static gboolean
find_duplicates_cb (ScimTx    *tx,
                    gpointer   user_data,
                    GError   **error)
{
  Duplicates *d = user_data;
  g_autoptr(GArray) by_tax = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_size (d->ids, 0);
  if (d->tax_id[0] != '\0')
    {
      /* An index lookup. */
      by_tax = _scim_tx_collect_ids (tx, error, "SELECT id FROM clients WHERE tax_id = ? AND tax_id != '' AND id != ?",
                            "sI", d->tax_id, d->except_id);
      if (by_tax == NULL)
        return FALSE;
      g_array_append_vals (d->ids, by_tax->data, by_tax->len);
    }
  if (g_hash_table_size (d->phones) == 0 && g_hash_table_size (d->emails) == 0)
    return TRUE;

  /* Phones are typed in every format, so they are compared digit by digit
   * in one pass over the clients. */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, phones, emails FROM clients WHERE id != ? AND (phones != '' OR emails != '')",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", d->except_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gboolean match = FALSE;

      if (g_hash_table_size (d->phones) > 0)
        match = foreach_phone_key ((const char *) sqlite3_column_text (stmt, 1), has_key_cb, d->phones);
      if (!match && g_hash_table_size (d->emails) > 0)
        match = foreach_email_key ((const char *) sqlite3_column_text (stmt, 2), has_key_cb, d->emails);
      if (match)
        g_array_append_val (d->ids, id);
    }
  if (rc != SQLITE_DONE)
    return FALSE;

  /* Sorted and unique: a client may match by several values. */
  g_array_sort (d->ids, compare_ids);
  for (guint i = 1; i < d->ids->len;)
    {
      if (g_array_index (d->ids, gint64, i) == g_array_index (d->ids, gint64, i - 1))
        g_array_remove_index (d->ids, i);
      else
        i++;
    }
  return TRUE;
}

/* Loaded records of @ids, in that order. */
static GListModel *
records_for_ids (ScimStore     *store,
                 ScimListKind   kind,
                 GArray        *ids,
                 GError       **error)
{
  GType type = scim_list_kind_get_record_type (kind);
  g_autoptr(GListStore) list = g_list_store_new (type);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids->len);

  rows = scim_store_load_rows (store, kind, (const gint64 *) (gpointer) ids->data, ids->len, error);
  if (rows == NULL)
    return NULL;
  g_array_set_size (keys, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      GVariant *row = g_ptr_array_index (rows, i);

      if (g_variant_lookup (row, "id", "x", &g_array_index (keys, gint64, i)))
        g_hash_table_insert (by_id, &g_array_index (keys, gint64, i), row);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      GVariant *row = g_hash_table_lookup (by_id, &g_array_index (ids, gint64, i));
      g_autoptr(ScimRecord) record = NULL;

      if (row == NULL)
        continue;
      record = scim_record_new (type, g_array_index (ids, gint64, i));
      scim_record_update (record, row);
      g_list_store_append (list, record);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

/**
 * scim_store_find_duplicate_clients:
 * @store: a #ScimStore
 * @except_id: the client being edited (left out), or 0
 * @tax_id: (nullable): a tax id
 * @phones: (nullable): phones, one per line
 * @emails: (nullable): e-mail addresses, one per line
 * @error: return location for an error
 *
 * Finds the clients that may be the same as the one being entered: the same
 * tax id, any phone with the same last 10 digits, or any e-mail address
 * equal regardless of case.  Runs in one pass over the clients; call it on
 * a worker thread in the GUI.
 *
 * Returns: (transfer full): a #GListModel of loaded #ScimClient, oldest
 *   first, or %NULL with @error set
 */
GListModel *
scim_store_find_duplicate_clients (ScimStore   *store,
                                   gint64       except_id,
                                   const char  *tax_id,
                                   const char  *phones,
                                   const char  *emails,
                                   GError     **error)
{
  g_autofree char *tax = dup_clean (tax_id);
  g_autoptr(GHashTable) phone_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) email_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  Duplicates d = { except_id, tax, phone_keys, email_keys, ids };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  foreach_phone_key (phones, add_key_cb, phone_keys);
  foreach_email_key (emails, add_key_cb, email_keys);
  if (!_scim_store_read (store, find_duplicates_cb, &d, error))
    return NULL;
  return records_for_ids (store, SCIM_LIST_CLIENTS, ids, error);
}

/* Contacts */

typedef struct
{
  gint64      id;
  gint64      version;
  gint64      client_id;
  const char *name;
  const char *position;
  const char *phone;
  const char *email;
  const char *role;
} ContactOp;

static gboolean
check_contact (ContactOp  *op,
               GError    **error)
{
  if (!check_text (op->name, error) || !check_text (op->position, error) ||
      !check_text (op->phone, error) || !check_text (op->email, error))
    return FALSE;
  if (op->name[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, _("Name: type the contact’s name."));
      return FALSE;
    }
  if (!is_one_of (op->role, contact_roles, G_N_ELEMENTS (contact_roles)))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Role: choose decision maker, key contact, agent of influence or other."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_contact_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  ContactOp *op = user_data;
  gint64 manager_id;

  if (!client_manager (tx, op->client_id, &manager_id, error) || !may_edit_client (tx, manager_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO contacts (client_id, name, position, phone, email, role) VALUES (?, ?, ?, ?, ?, ?)",
                         "Isssss", op->client_id, op->name, op->position, op->phone, op->email, op->role))
    return FALSE;
  op->id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "contacts", op->id, "insert", error);
}

/**
 * scim_store_add_contact:
 * @store: a #ScimStore
 * @client_id: the client
 * @name: the person's name
 * @position: (nullable): their job
 * @phone: (nullable): a phone
 * @email: (nullable): an e-mail address
 * @role: (nullable): decision_maker, key_contact, influence_agent or other
 *   (%NULL: other)
 * @error: return location for an error
 *
 * Adds a contact to a client.  Whoever may edit the client may.
 *
 * Returns: the new contact's id, or 0 with @error set
 */
gint64
scim_store_add_contact (ScimStore   *store,
                        gint64       client_id,
                        const char  *name,
                        const char  *position,
                        const char  *phone,
                        const char  *email,
                        const char  *role,
                        GError     **error)
{
  g_autofree char *n = dup_clean (name);
  g_autofree char *p = dup_clean (position);
  g_autofree char *ph = dup_clean (phone);
  g_autofree char *e = dup_clean (email);
  ContactOp op = { 0, 0, client_id, n, p, ph, e, role != NULL ? role : "other" };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);

  if (!check_contact (&op, error) || !scim_store_write (store, add_contact_cb, &op, error))
    return 0;
  return op.id;
}

static gboolean
contact_client (ScimTx   *tx,
                gint64    contact_id,
                gint64   *client_id,
                GError  **error)
{
  *client_id = _scim_store_query_int (tx->store, error, "SELECT client_id FROM contacts WHERE id = ?", "I",
                                      contact_id);
  if (*client_id < 0)
    return FALSE;
  if (*client_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This contact no longer exists. Reload the client."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
update_contact_cb (ScimTx    *tx,
                   gpointer   user_data,
                   GError   **error)
{
  ContactOp *op = user_data;
  gint64 client_id, manager_id;

  if (!contact_client (tx, op->id, &client_id, error) || !client_manager (tx, client_id, &manager_id, error) ||
      !may_edit_client (tx, manager_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE contacts SET name = ?, position = ?, phone = ?, email = ?, role = ?, "
                         "version = version + 1 WHERE id = ? AND version = ?",
                         "sssssII", op->name, op->position, op->phone, op->email, op->role, op->id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "contacts", op->id, error);
}

/**
 * scim_store_update_contact:
 * @store: a #ScimStore
 * @contact_id: the contact
 * @version: the version the editor started from
 * @name: the person's name
 * @position: (nullable): their job
 * @phone: (nullable): a phone
 * @email: (nullable): an e-mail address
 * @role: (nullable): decision_maker, key_contact, influence_agent or other
 * @error: return location for an error
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_update_contact (ScimStore   *store,
                           gint64       contact_id,
                           gint64       version,
                           const char  *name,
                           const char  *position,
                           const char  *phone,
                           const char  *email,
                           const char  *role,
                           GError     **error)
{
  g_autofree char *n = dup_clean (name);
  g_autofree char *p = dup_clean (position);
  g_autofree char *ph = dup_clean (phone);
  g_autofree char *e = dup_clean (email);
  ContactOp op = { contact_id, version, 0, n, p, ph, e, role != NULL ? role : "other" };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);

  return check_contact (&op, error) && scim_store_write (store, update_contact_cb, &op, error);
}

static gboolean
delete_contact_cb (ScimTx    *tx,
                   gpointer   user_data,
                   GError   **error)
{
  ContactOp *op = user_data;
  gint64 client_id, manager_id;

  if (!contact_client (tx, op->id, &client_id, error) || !client_manager (tx, client_id, &manager_id, error) ||
      !may_edit_client (tx, manager_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error, "DELETE FROM contacts WHERE id = ?", "I", op->id))
    return FALSE;
  return scim_tx_log (tx, "contacts", op->id, "delete", error);
}

/**
 * scim_store_delete_contact:
 * @store: a #ScimStore
 * @contact_id: the contact
 * @error: return location for an error
 *
 * Returns: %TRUE when deleted
 */
gboolean
scim_store_delete_contact (ScimStore  *store,
                           gint64      contact_id,
                           GError    **error)
{
  ContactOp op = { contact_id, 0, 0, NULL, NULL, NULL, NULL, NULL };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, delete_contact_cb, &op, error);
}

/**
 * scim_store_list_contacts:
 * @store: a #ScimStore
 * @client_id: the client
 * @error: return location for an error
 *
 * Returns: (transfer full): a #GListModel of loaded #ScimContact, by name
 */
GListModel *
scim_store_list_contacts (ScimStore  *store,
                          gint64      client_id,
                          GError    **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_CONTACTS);

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  /* A client not saved yet has no contacts (0 would mean "all" to a query). */
  if (client_id <= 0)
    return G_LIST_MODEL (g_list_store_new (SCIM_TYPE_CONTACT));
  query->client_id = client_id;
  return scim_store_list (store, query, error);
}

/**
 * scim_contact_role_get_label:
 * @role: a contact role as stored
 *
 * Returns: the translated name of the role
 */
const char *
scim_contact_role_get_label (const char *role)
{
  if (g_strcmp0 (role, "decision_maker") == 0)
    return _("Decision maker");
  if (g_strcmp0 (role, "key_contact") == 0)
    return _("Key contact");
  if (g_strcmp0 (role, "influence_agent") == 0)
    return _("Agent of influence");
  if (g_strcmp0 (role, "other") == 0)
    return C_("contact role", "Other");
  return role != NULL ? role : "";
}

/* Stages: shared by the product, stage and import writes */

typedef struct
{
  char *name;
  char *description;
  char *kind;
  int   probability;
  int   stuck_days;
} CleanStage;

static void
clean_stage_clear (CleanStage *c)
{
  g_free (c->name);
  g_free (c->description);
  g_free (c->kind);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CleanStage, clean_stage_clear)

static gboolean
clean_stage (const ScimStageFields  *fields,
             CleanStage             *c,
             GError                **error)
{
  c->name = dup_clean (fields->name);
  c->description = dup_clean (fields->description);
  c->kind = dup_clean (fields->kind != NULL ? fields->kind : "open");
  c->probability = fields->probability;
  c->stuck_days = fields->stuck_days;

  if (!check_name (c->name, error) || !check_text (c->description, error))
    return FALSE;
  if (!is_one_of (c->kind, stage_kinds, G_N_ELEMENTS (stage_kinds)))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Kind: choose open, won, lost or paused."));
      return FALSE;
    }
  if (c->probability < 0 || c->probability > 100)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Probability: use a whole number from 0 to 100."));
      return FALSE;
    }
  if (c->stuck_days < 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Stuck after: use a number of days, or 0 for never."));
      return FALSE;
    }
  return TRUE;
}

static const char sql_stage_names[] = "SELECT id, name FROM stages WHERE product_id = ?";

static gboolean
check_stage_name (ScimTx      *tx,
                  gint64       product_id,
                  gint64       stage_id,
                  const char  *name,
                  GError     **error)
{
  int taken = name_taken (tx, sql_stage_names, product_id, stage_id, name, error);

  if (taken < 0)
    return FALSE;
  if (taken > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Name: this funnel already has a stage “%s”. Choose another name."), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_stage (ScimTx            *tx,
              gint64             product_id,
              int                position,
              const CleanStage  *c,
              gint64            *stage_id,
              GError           **error)
{
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO stages (product_id, position, name, description, kind, probability, stuck_days) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         "IisssiN", product_id, position, c->name, c->description, c->kind, c->probability,
                         (gint64) c->stuck_days))
    return FALSE;
  *stage_id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "stages", *stage_id, "insert", error);
}

static GArray *
product_stage_ids (ScimTx   *tx,
           gint64    product_id,
           GError  **error)
{
  return _scim_tx_collect_ids (tx, error, "SELECT id FROM stages WHERE product_id = ? ORDER BY position, id", "I",
                      product_id);
}

/* Numbers the stages 0, 1, 2… in the order of @ids; only rows whose
 * position changes get a new version and a log row. */
static gboolean
apply_order (ScimTx   *tx,
             GArray   *ids,
             GError  **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (!_scim_store_exec (tx->store, error,
                             "UPDATE stages SET position = ?, version = version + 1 WHERE id = ? AND position != ?",
                             "iIi", (int) i, id, (int) i))
        return FALSE;
      if (sqlite3_changes (tx->db) > 0 && !scim_tx_log (tx, "stages", id, "update", error))
        return FALSE;
    }
  return TRUE;
}

/* After every funnel edit: a funnel needs somewhere to work on a sale and
 * somewhere to finish it. */
static gboolean
check_funnel (ScimTx   *tx,
              gint64    product_id,
              GError  **error)
{
  gint64 open, won;

  open = _scim_store_query_int (tx->store, error,
                                "SELECT count(*) FROM stages WHERE product_id = ? AND kind = 'open'", "I", product_id);
  if (open < 0)
    return FALSE;
  won = _scim_store_query_int (tx->store, error,
                               "SELECT count(*) FROM stages WHERE product_id = ? AND kind = 'won'", "I", product_id);
  if (won < 0)
    return FALSE;
  if (open == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Kind: a funnel needs at least one open stage, where sales are worked on. Keep or add one."));
      return FALSE;
    }
  if (won == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Kind: a funnel needs at least one won stage, where a sale is complete. Keep or add one."));
      return FALSE;
    }
  return TRUE;
}

/* Keeps the sales of a stage consistent with its kind: closed in won and
 * lost stages (closed_at kept when already closed the same way), open
 * otherwise; a lost sale has a reason. */
static gboolean
fit_sales_to_kind (ScimTx      *tx,
                   gint64       stage_id,
                   const char  *old_kind,
                   const char  *new_kind,
                   const char  *reason,
                   GError     **error)
{
  g_autoptr(GArray) ids = NULL;

  ids = _scim_tx_collect_ids (tx, error,
                     "UPDATE sales SET version = version + 1,"
                     " closed_at = CASE WHEN ?1 IN ('won', 'lost')"
                     "   THEN (CASE WHEN ?2 = ?1 THEN coalesce(closed_at, ?3) ELSE ?3 END) ELSE NULL END,"
                     " lost_reason = CASE WHEN ?1 = 'lost' THEN coalesce(lost_reason, ?4) ELSE NULL END,"
                     " paused_until = CASE WHEN ?1 = 'paused' THEN paused_until ELSE NULL END "
                     "WHERE stage_id = ?5 RETURNING id",
                     "ssIsI", new_kind, old_kind, tx->now, reason, stage_id);
  return ids != NULL && _scim_tx_log_ids (tx, "sales", ids, "update", error);
}

/* Moves every sale of stage @from to stage @to, in the stage history too. */
static gboolean
move_sales (ScimTx      *tx,
            gint64       from,
            const char  *from_kind,
            gint64       to,
            const char  *to_kind,
            const char  *reason,
            GError     **error)
{
  g_autoptr(GArray) changes = NULL;
  g_autoptr(GArray) sales = NULL;

  /* The trigger on stage_changes closes each sale's open interval and opens
   * one in the new stage. */
  changes = _scim_tx_collect_ids (tx, error,
                         "INSERT INTO stage_changes (sale_id, from_stage_id, to_stage_id, user_id, at, reason) "
                         "SELECT id, stage_id, ?, ?, ?, ? FROM sales WHERE stage_id = ? RETURNING id",
                         "INIsI", to, tx->user_id, tx->now, reason, from);
  if (changes == NULL || !_scim_tx_log_ids (tx, "stage_changes", changes, "insert", error))
    return FALSE;
  sales = _scim_tx_collect_ids (tx, error,
                       "UPDATE sales SET stage_id = ?1, stage_entered_at = ?2, version = version + 1,"
                       " closed_at = CASE WHEN ?3 IN ('won', 'lost')"
                       "   THEN (CASE WHEN ?4 = ?3 THEN coalesce(closed_at, ?2) ELSE ?2 END) ELSE NULL END,"
                       " lost_reason = CASE WHEN ?3 = 'lost' THEN coalesce(lost_reason, ?5) ELSE NULL END,"
                       " paused_until = CASE WHEN ?3 = 'paused' AND ?4 = 'paused' THEN paused_until ELSE NULL END "
                       "WHERE stage_id = ?6 RETURNING id",
                       "IIsssI", to, tx->now, to_kind, from_kind, reason, from);
  return sales != NULL && _scim_tx_log_ids (tx, "sales", sales, "update", error);
}

typedef struct
{
  gint64  product_id;
  char   *name;
  char   *kind;
} StageRow;

static void
stage_row_clear (StageRow *row)
{
  g_free (row->name);
  g_free (row->kind);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StageRow, stage_row_clear)

static gboolean
load_stage (ScimTx    *tx,
            gint64     stage_id,
            StageRow  *row,
            GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store, "SELECT product_id, name, kind FROM stages WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", stage_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This stage no longer exists. Reload the funnel."));
      return FALSE;
    }
  row->product_id = sqlite3_column_int64 (stmt, 0);
  row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  row->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  sqlite3_reset (stmt);
  return TRUE;
}

/* Deletes a stage that holds no sales; tasks aiming at it lose their target. */
static gboolean
delete_empty_stage (ScimTx   *tx,
                    gint64    stage_id,
                    GError  **error)
{
  g_autoptr(GArray) tasks = NULL;

  tasks = _scim_tx_collect_ids (tx, error,
                       "UPDATE tasks SET target_stage_id = NULL, version = version + 1 "
                       "WHERE target_stage_id = ? RETURNING id",
                       "I", stage_id);
  if (tasks == NULL || !_scim_tx_log_ids (tx, "tasks", tasks, "update", error))
    return FALSE;
  /* The stage history keeps the stage's name (trigger stages_name_in_history);
   * its intervals go with it. */
  if (!_scim_store_exec (tx->store, error, "DELETE FROM stages WHERE id = ?", "I", stage_id))
    return FALSE;
  return scim_tx_log (tx, "stages", stage_id, "delete", error);
}

static gboolean
require_product (ScimTx   *tx,
                 gint64    product_id,
                 GError  **error)
{
  gboolean exists;

  if (!row_exists (tx, "SELECT count(*) FROM products WHERE id = ?", product_id, &exists, error))
    return FALSE;
  if (!exists)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("This product no longer exists. Reload the list."));
      return FALSE;
    }
  return TRUE;
}

/* Products */

typedef struct
{
  gint64            id;
  gint64            version;
  const char       *name;
  const char       *description;
  gint64            audience_id;
  gint64            manager_id;
  gboolean          manager_is_self;
  gboolean          active;
  ScimFunnelSource  source;
  gint64            copy_from;
} ProductOp;

static const char sql_product_names[] = "SELECT id, name FROM products";

static gboolean
check_product_name (ScimTx      *tx,
                    gint64       product_id,
                    const char  *name,
                    GError     **error)
{
  int taken = name_taken (tx, sql_product_names, 0, product_id, name, error);

  if (taken < 0)
    return FALSE;
  if (taken > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Name: a product “%s” already exists. Choose another name."), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_template_stages (ScimTx   *tx,
                        gint64    product_id,
                        GError  **error)
{
  const ScimStageTemplate *stages;
  guint n_stages;

  stages = scim_funnel_template_get_stages (&n_stages);
  for (guint i = 0; i < n_stages; i++)
    {
      CleanStage c = { (char *) _(stages[i].name), (char *) _(stages[i].description), (char *) stages[i].kind,
                       stages[i].probability, stages[i].stuck_days };
      gint64 id;

      if (!insert_stage (tx, product_id, (int) i, &c, &id, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_empty_stages (ScimTx   *tx,
                     gint64    product_id,
                     GError  **error)
{
  CleanStage first = { (char *) C_("funnel stage", "New"), (char *) "", (char *) "open", 10, 0 };
  CleanStage last = { (char *) C_("funnel stage", "Won"), (char *) "", (char *) "won", 100, 0 };
  gint64 id;

  return insert_stage (tx, product_id, 0, &first, &id, error) &&
         insert_stage (tx, product_id, 1, &last, &id, error);
}

static gboolean
copy_stages (ScimTx   *tx,
             gint64    product_id,
             gint64    from_product,
             GError  **error)
{
  g_autoptr(GArray) ids = NULL;
  gboolean exists;

  if (!row_exists (tx, "SELECT count(*) FROM products WHERE id = ?", from_product, &exists, error))
    return FALSE;
  if (!exists)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Funnel: the product to copy the funnel from no longer exists. Choose another."));
      return FALSE;
    }
  ids = _scim_tx_collect_ids (tx, error,
                     "INSERT INTO stages (product_id, position, name, description, kind, probability, stuck_days) "
                     "SELECT ?, row_number () OVER (ORDER BY position, id) - 1, name, description, kind, "
                     "probability, stuck_days FROM stages WHERE product_id = ? ORDER BY position, id RETURNING id",
                     "II", product_id, from_product);
  return ids != NULL && _scim_tx_log_ids (tx, "stages", ids, "insert", error);
}

static gboolean
add_product_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  ProductOp *op = user_data;
  gint64 manager_id = op->manager_is_self ? tx->user_id : op->manager_id;
  gboolean ok;

  if (!require_admin (tx, error) || !check_product_name (tx, 0, op->name, error) ||
      !check_audience_and_manager (tx, op->audience_id, manager_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO products (name, description, audience_id, manager_id, created_at) "
                         "VALUES (?, ?, ?, ?, ?)",
                         "ssNNI", op->name, op->description, op->audience_id, manager_id, tx->now))
    return FALSE;
  op->id = sqlite3_last_insert_rowid (tx->db);
  if (!scim_tx_log (tx, "products", op->id, "insert", error))
    return FALSE;

  switch (op->source)
    {
    case SCIM_FUNNEL_EMPTY:
      ok = insert_empty_stages (tx, op->id, error);
      break;
    case SCIM_FUNNEL_TEMPLATE:
      ok = insert_template_stages (tx, op->id, error);
      break;
    case SCIM_FUNNEL_COPY:
      ok = copy_stages (tx, op->id, op->copy_from, error);
      break;
    default:
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Funnel: choose an empty funnel, the template or a copy of another product’s funnel."));
      ok = FALSE;
      break;
    }
  return ok && check_funnel (tx, op->id, error);
}

/**
 * scim_store_add_product:
 * @store: a #ScimStore
 * @name: the product's name, unique regardless of case
 * @description: (nullable): what it is
 * @audience_id: its target audience, or 0
 * @manager_id: its product manager, or 0
 * @source: where its funnel comes from
 * @copy_from_product: with %SCIM_FUNNEL_COPY, the product whose stages are copied
 * @error: return location for an error
 *
 * Adds a product with a funnel to start from: an open "New" and a won "Won"
 * stage, the built-in template in the current language, or a copy of
 * another product's stages.  Admins only.
 *
 * Returns: the new product's id, or 0 with @error set
 */
gint64
scim_store_add_product (ScimStore         *store,
                        const char        *name,
                        const char        *description,
                        gint64             audience_id,
                        gint64             manager_id,
                        ScimFunnelSource   source,
                        gint64             copy_from_product,
                        GError           **error)
{
  g_autofree char *clean = dup_clean (name);
  g_autofree char *desc = dup_clean (description);
  ProductOp op = { 0, 0, clean, desc, audience_id, manager_id, FALSE, TRUE, source, copy_from_product };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);

  if (!check_name (clean, error) || !check_text (desc, error))
    return 0;
  if (!scim_store_write (store, add_product_cb, &op, error))
    return 0;
  return op.id;
}

/**
 * scim_store_add_template_product:
 * @store: a #ScimStore
 * @name: (nullable): the product's name; %NULL for the template's own name
 * @error: return location for an error
 *
 * Adds a product whose funnel is the built-in "Financial consulting"
 * template, with stage names in the current language, managed by the
 * signed-in user.  Admins only.
 *
 * Returns: the product id, or 0 with @error set
 */
gint64
scim_store_add_template_product (ScimStore   *store,
                                 const char  *name,
                                 GError     **error)
{
  g_autofree char *clean = dup_clean (name != NULL ? name : _(scim_funnel_template_get_name ()));
  ProductOp op = { 0, 0, clean, "", 0, 0, TRUE, TRUE, SCIM_FUNNEL_TEMPLATE, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);

  if (!check_name (clean, error))
    return 0;
  if (!scim_store_write (store, add_product_cb, &op, error))
    return 0;
  return op.id;
}

static gboolean
update_product_cb (ScimTx    *tx,
                   gpointer   user_data,
                   GError   **error)
{
  ProductOp *op = user_data;

  if (!require_admin (tx, error) || !check_product_name (tx, op->id, op->name, error) ||
      !check_audience_and_manager (tx, op->audience_id, op->manager_id, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE products SET name = ?, description = ?, audience_id = ?, manager_id = ?, active = ?, "
                         "version = version + 1 WHERE id = ? AND version = ?",
                         "ssNNiII", op->name, op->description, op->audience_id, op->manager_id, op->active ? 1 : 0,
                         op->id, op->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "products", op->id, error);
}

/**
 * scim_store_update_product:
 * @store: a #ScimStore
 * @product_id: the product
 * @version: the version the editor started from
 * @name: the new name
 * @description: (nullable): the new description
 * @audience_id: its target audience, or 0
 * @manager_id: its product manager, or 0
 * @active: %FALSE archives the product
 * @error: return location for an error
 *
 * Admins only.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_update_product (ScimStore   *store,
                           gint64       product_id,
                           gint64       version,
                           const char  *name,
                           const char  *description,
                           gint64       audience_id,
                           gint64       manager_id,
                           gboolean     active,
                           GError     **error)
{
  g_autofree char *clean = dup_clean (name);
  g_autofree char *desc = dup_clean (description);
  ProductOp op = { product_id, version, clean, desc, audience_id, manager_id, FALSE, active, SCIM_FUNNEL_EMPTY, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);

  if (!check_name (clean, error) || !check_text (desc, error))
    return FALSE;
  return scim_store_write (store, update_product_cb, &op, error);
}

static gint64
find_product_id (ScimTx      *tx,
                 const char  *name,
                 GError     **error)
{
  g_autofree char *folded = fold_name (name);
  sqlite3_stmt *stmt;
  gint64 found = 0;
  int rc;

  stmt = _scim_store_prepare (tx->store, sql_product_names, error);
  if (stmt == NULL)
    return -1;
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      g_autofree char *other = fold_name ((const char *) sqlite3_column_text (stmt, 1));

      if (g_str_equal (other, folded))
        {
          found = sqlite3_column_int64 (stmt, 0);
          sqlite3_reset (stmt);
          return found;
        }
    }
  return rc == SQLITE_DONE ? 0 : -1;
}

typedef struct
{
  const char *name;
  gint64      id;
} FindProduct;

static gboolean
find_product_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  FindProduct *find = user_data;

  find->id = find_product_id (tx, find->name, error);
  return find->id >= 0;
}

/**
 * scim_store_find_product:
 * @store: a #ScimStore
 * @name: the product's name, in any case
 * @error: return location for an error
 *
 * Returns: (transfer full): the loaded product, or %NULL with
 *   %SCIM_STORE_ERROR_NOT_FOUND
 */
ScimProduct *
scim_store_find_product (ScimStore   *store,
                         const char  *name,
                         GError     **error)
{
  g_autofree char *clean = dup_clean (name);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GListModel) found = NULL;
  FindProduct find = { clean, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  if (!check_text (clean, error) || !_scim_store_read (store, find_product_cb, &find, error))
    return NULL;
  if (find.id > 0)
    {
      g_array_append_val (ids, find.id);
      found = records_for_ids (store, SCIM_LIST_PRODUCTS, ids, error);
      if (found == NULL)
        return NULL;
    }
  if (found == NULL || g_list_model_get_n_items (found) == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("There is no product “%s”. Check the name."), clean);
      return NULL;
    }
  return g_list_model_get_item (found, 0);
}

/* Stages */

typedef struct
{
  gint64            id;
  gint64            version;
  gint64            product_id;
  int               position;
  const CleanStage *c;
  const gint64     *ids;
  guint             n_ids;
  gint64            move_to;
} StageOp;

static gboolean
add_stage_cb (ScimTx    *tx,
              gpointer   user_data,
              GError   **error)
{
  StageOp *op = user_data;
  g_autoptr(GArray) ids = NULL;
  guint position;

  if (!require_admin (tx, error) || !require_product (tx, op->product_id, error) ||
      !check_stage_name (tx, op->product_id, 0, op->c->name, error))
    return FALSE;
  ids = product_stage_ids (tx, op->product_id, error);
  if (ids == NULL)
    return FALSE;
  position = op->position < 0 || (guint) op->position > ids->len ? ids->len : (guint) op->position;
  if (!insert_stage (tx, op->product_id, (int) position, op->c, &op->id, error))
    return FALSE;
  g_array_insert_val (ids, position, op->id);
  return apply_order (tx, ids, error) && check_funnel (tx, op->product_id, error);
}

/**
 * scim_store_add_stage:
 * @store: a #ScimStore
 * @product_id: the product
 * @position: where the stage goes, from 0; the stages from there on move
 *   down one place.  Negative or past the end: last
 * @fields: the stage
 * @error: return location for an error
 *
 * Admins only.
 *
 * Returns: the new stage's id, or 0 with @error set
 */
gint64
scim_store_add_stage (ScimStore              *store,
                      gint64                  product_id,
                      int                     position,
                      const ScimStageFields  *fields,
                      GError                **error)
{
  g_auto(CleanStage) c = { 0 };
  StageOp op = { 0, 0, product_id, position, &c, NULL, 0, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);
  g_return_val_if_fail (fields != NULL, 0);

  if (!clean_stage (fields, &c, error) || !scim_store_write (store, add_stage_cb, &op, error))
    return 0;
  return op.id;
}

static gboolean
update_stage_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  StageOp *op = user_data;
  g_auto(StageRow) row = { 0 };

  if (!require_admin (tx, error) || !load_stage (tx, op->id, &row, error) ||
      !check_stage_name (tx, row.product_id, op->id, op->c->name, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE stages SET name = ?, description = ?, kind = ?, probability = ?, stuck_days = ?, "
                         "version = version + 1 WHERE id = ? AND version = ?",
                         "sssiNII", op->c->name, op->c->description, op->c->kind, op->c->probability,
                         (gint64) op->c->stuck_days, op->id, op->version))
    return FALSE;
  if (!_scim_tx_finish_update (tx, "stages", op->id, error))
    return FALSE;
  if (!g_str_equal (row.kind, op->c->kind) &&
      !fit_sales_to_kind (tx, op->id, row.kind, op->c->kind, _("The stage became a lost stage"), error))
    return FALSE;
  return check_funnel (tx, row.product_id, error);
}

/**
 * scim_store_update_stage:
 * @store: a #ScimStore
 * @stage_id: the stage
 * @version: the version the editor started from
 * @fields: the stage's new fields
 * @error: return location for an error
 *
 * Saves a stage.  When its kind changes, its sales follow: they are closed
 * in a won or lost stage and open again in an open or paused one.  Admins
 * only.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_update_stage (ScimStore              *store,
                         gint64                  stage_id,
                         gint64                  version,
                         const ScimStageFields  *fields,
                         GError                **error)
{
  g_auto(CleanStage) c = { 0 };
  StageOp op = { stage_id, version, 0, 0, &c, NULL, 0, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  return clean_stage (fields, &c, error) && scim_store_write (store, update_stage_cb, &op, error);
}

static gboolean
reorder_stages_cb (ScimTx    *tx,
                   gpointer   user_data,
                   GError   **error)
{
  StageOp *op = user_data;
  g_autoptr(GArray) current = NULL;
  g_autoptr(GArray) wanted = NULL;
  gboolean same = TRUE;

  if (!require_admin (tx, error) || !require_product (tx, op->product_id, error))
    return FALSE;
  current = product_stage_ids (tx, op->product_id, error);
  if (current == NULL)
    return FALSE;

  /* Exactly the product's stages, each once. */
  wanted = g_array_sized_new (FALSE, FALSE, sizeof (gint64), op->n_ids);
  g_array_append_vals (wanted, op->ids, op->n_ids);
  if (wanted->len != current->len)
    same = FALSE;
  else
    {
      g_autoptr(GArray) a = g_array_copy (current);
      g_autoptr(GArray) b = g_array_copy (wanted);

      g_array_sort (a, compare_ids);
      g_array_sort (b, compare_ids);
      same = memcmp (a->data, b->data, a->len * sizeof (gint64)) == 0;
    }
  if (!same)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Order: the list of stages is out of date (someone changed the funnel). "
                     "Reload the funnel and try again."));
      return FALSE;
    }
  return apply_order (tx, wanted, error) && check_funnel (tx, op->product_id, error);
}

/**
 * scim_store_reorder_stages:
 * @store: a #ScimStore
 * @product_id: the product
 * @stage_ids: (array length=n_stage_ids): every stage of the product, in the
 *   new order
 * @n_stage_ids: how many
 * @error: return location for an error
 *
 * Admins only.  Refused when @stage_ids are not exactly the product's
 * stages.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_reorder_stages (ScimStore     *store,
                           gint64         product_id,
                           const gint64  *stage_ids,
                           guint          n_stage_ids,
                           GError       **error)
{
  StageOp op = { 0, 0, product_id, 0, NULL, stage_ids, n_stage_ids, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (stage_ids != NULL || n_stage_ids == 0, FALSE);

  return scim_store_write (store, reorder_stages_cb, &op, error);
}

/**
 * scim_store_count_stage_sales:
 * @store: a #ScimStore
 * @stage_id: a stage
 * @error: return location for an error
 *
 * Returns: how many sales are at the stage now, or -1 with @error set
 */
gint64
scim_store_count_stage_sales (ScimStore  *store,
                              gint64      stage_id,
                              GError    **error)
{
  gint64 n;

  g_return_val_if_fail (SCIM_IS_STORE (store), -1);

  _scim_store_lock (store);
  n = _scim_store_query_int (store, error, "SELECT count(*) FROM sales WHERE stage_id = ?", "I", stage_id);
  _scim_store_unlock (store);
  return n;
}

static gboolean
delete_stage_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  StageOp *op = user_data;
  g_auto(StageRow) row = { 0 };
  g_autoptr(GArray) ids = NULL;
  gint64 n_sales;

  if (!require_admin (tx, error) || !load_stage (tx, op->id, &row, error))
    return FALSE;
  n_sales = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM sales WHERE stage_id = ?", "I", op->id);
  if (n_sales < 0)
    return FALSE;
  if (n_sales > 0)
    {
      g_auto(StageRow) target = { 0 };

      if (op->move_to == 0)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Move sales to: the stage “%s” holds %d sale. Choose the stage it moves to.",
                                    "Move sales to: the stage “%s” holds %d sales. Choose the stage they move to.",
                                    (gulong) n_sales),
                       row.name, (int) n_sales);
          return FALSE;
        }
      if (op->move_to == op->id)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Move sales to: choose a stage other than the one being deleted."));
          return FALSE;
        }
      if (!load_stage (tx, op->move_to, &target, error))
        return FALSE;
      if (target.product_id != row.product_id)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Move sales to: choose a stage of the same product."));
          return FALSE;
        }
      if (!move_sales (tx, op->id, row.kind, op->move_to, target.kind, _("Stage deleted"), error))
        return FALSE;
    }
  if (!delete_empty_stage (tx, op->id, error))
    return FALSE;
  ids = product_stage_ids (tx, row.product_id, error);
  return ids != NULL && apply_order (tx, ids, error) && check_funnel (tx, row.product_id, error);
}

/**
 * scim_store_delete_stage:
 * @store: a #ScimStore
 * @stage_id: the stage
 * @move_sales_to: where the stage's sales go (a stage of the same
 *   product), or 0 when it holds none
 * @error: return location for an error
 *
 * Deletes a stage.  Its sales move to @move_sales_to, each move written to
 * the stage history with the reason "Stage deleted"; tasks that aimed at it
 * lose their target stage; the history keeps its name.  A stage holding
 * sales with @move_sales_to 0 is refused, naming how many.  Admins only.
 *
 * Returns: %TRUE when deleted
 */
gboolean
scim_store_delete_stage (ScimStore  *store,
                         gint64      stage_id,
                         gint64      move_sales_to,
                         GError    **error)
{
  StageOp op = { stage_id, 0, 0, 0, NULL, NULL, 0, move_sales_to };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, delete_stage_cb, &op, error);
}

/* Funnel import */

static void
parsed_stage_free (gpointer data)
{
  ParsedStage *stage = data;

  g_free (stage->name);
  g_free (stage->kind);
  g_free (stage);
}

static gboolean
parse_number (const char *text,
              int         max,
              int        *value)
{
  g_autofree char *digits = g_strstrip (g_strdup (text));
  guint64 n;

  if (digits[0] == '\0' || !g_ascii_isdigit (digits[0]))
    return FALSE;
  if (!g_ascii_string_to_unsigned (digits, 10, 0, (guint64) max, &n, NULL))
    return FALSE;
  *value = (int) n;
  return TRUE;
}

/* Reads `name;kind;probability;stuck_days` lines.  Every bad line is
 * reported, each as "Line N: …", so a file is fixed in one go. */
static GPtrArray *
parse_funnel (const char  *text,
              GError     **error)
{
  g_autoptr(GPtrArray) stages = g_ptr_array_new_with_free_func (parsed_stage_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = NULL;
  gboolean has_open = FALSE, has_won = FALSE;

  if (text == NULL)
    text = "";
  if (g_str_has_prefix (text, "\xEF\xBB\xBF"))
    text += 3;
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint number = i + 1;
      char *line = lines[i];
      g_auto(GStrv) fields = NULL;
      g_autofree char *folded = NULL;
      ParsedStage *stage;
      guint n_fields;

      if (!g_utf8_validate (line, -1, NULL))
        {
          g_ptr_array_add (problems, g_strdup_printf (_("Line %u: the text is not UTF-8. Save the file as UTF-8."),
                                                      number));
          continue;
        }
      g_strstrip (line);
      if (line[0] == '\0' || line[0] == '#')
        continue;

      fields = g_strsplit (line, ";", -1);
      n_fields = g_strv_length (fields);
      for (guint f = 0; f < n_fields; f++)
        g_strstrip (fields[f]);
      if (n_fields > 4)
        {
          g_ptr_array_add (problems,
                           g_strdup_printf (_("Line %u: too many fields; write name;kind;probability;stuck_days."),
                                            number));
          continue;
        }

      stage = g_new0 (ParsedStage, 1);
      stage->line = number;
      stage->name = g_strdup (fields[0]);
      stage->kind = g_ascii_strdown (n_fields > 1 && fields[1][0] != '\0' ? fields[1] : "open", -1);
      g_ptr_array_add (stages, stage);

      if (stage->name[0] == '\0')
        g_ptr_array_add (problems, g_strdup_printf (_("Line %u: the stage has no name."), number));
      if (!is_one_of (stage->kind, stage_kinds, G_N_ELEMENTS (stage_kinds)))
        g_ptr_array_add (problems,
                         g_strdup_printf (_("Line %u: “%s” is not a kind of stage; use open, won, lost or paused."),
                                          number, fields[1]));
      if (n_fields > 2 && fields[2][0] != '\0')
        {
          g_autofree char *number_text = g_strdup (fields[2]);
          gsize len = strlen (number_text);

          if (len > 0 && number_text[len - 1] == '%')
            number_text[len - 1] = '\0';
          if (!parse_number (number_text, 100, &stage->probability))
            g_ptr_array_add (problems,
                             g_strdup_printf (_("Line %u: the probability “%s” is not a whole number from 0 to 100."),
                                              number, fields[2]));
        }
      if (n_fields > 3 && fields[3][0] != '\0' && g_ascii_strcasecmp (fields[3], "none") != 0 &&
          !parse_number (fields[3], 36500, &stage->stuck_days))
        g_ptr_array_add (problems,
                         g_strdup_printf (_("Line %u: “%s” is not a number of days; use 0 or more, or none."),
                                          number, fields[3]));

      if (stage->name[0] != '\0')
        {
          gpointer first;

          folded = fold_name (stage->name);
          first = g_hash_table_lookup (seen, folded);
          if (first != NULL)
            g_ptr_array_add (problems,
                             g_strdup_printf (_("Line %u: the stage “%s” is already on line %u."),
                                              number, stage->name, GPOINTER_TO_UINT (first)));
          else
            g_hash_table_insert (seen, g_steal_pointer (&folded), GUINT_TO_POINTER (number));
        }
      has_open |= g_str_equal (stage->kind, "open");
      has_won |= g_str_equal (stage->kind, "won");
    }

  if (problems->len > 0)
    {
      g_autofree char *message = NULL;

      g_ptr_array_add (problems, NULL);
      message = g_strjoinv ("\n", (char **) problems->pdata);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, "%s", message);
      return NULL;
    }
  if (stages->len == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("The file has no stages: write one stage per line, name;kind;probability;stuck_days."));
      return NULL;
    }
  if (!has_open || !has_won)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, "%s",
                   !has_open
                   ? _("Kind: a funnel needs at least one open stage, where sales are worked on. Keep or add one.")
                   : _("Kind: a funnel needs at least one won stage, where a sale is complete. Keep or add one."));
      return NULL;
    }
  return g_steal_pointer (&stages);
}

typedef struct
{
  gint64  id;
  char   *name;
  char   *kind;
  int     probability;
  int     stuck_days;
} CurrentStage;

static void
current_stage_free (gpointer data)
{
  CurrentStage *stage = data;

  g_free (stage->name);
  g_free (stage->kind);
  g_free (stage);
}

typedef struct
{
  const char *product_name;
  GPtrArray  *stages;
  gint64      product_id;
} ImportOp;

static GPtrArray *
load_current_stages (ScimTx   *tx,
                     gint64    product_id,
                     GError  **error)
{
  g_autoptr(GPtrArray) stages = g_ptr_array_new_with_free_func (current_stage_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT id, name, kind, probability, coalesce(stuck_days, 0) FROM stages "
                              "WHERE product_id = ? ORDER BY position, id",
                              error);
  if (stmt == NULL)
    return NULL;
  _scim_stmt_bind (stmt, "I", product_id);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      CurrentStage *stage = g_new0 (CurrentStage, 1);

      stage->id = sqlite3_column_int64 (stmt, 0);
      stage->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      stage->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      stage->probability = sqlite3_column_int (stmt, 3);
      stage->stuck_days = sqlite3_column_int (stmt, 4);
      g_ptr_array_add (stages, stage);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&stages);
}

static gboolean
import_funnel_cb (ScimTx    *tx,
                  gpointer   user_data,
                  GError   **error)
{
  ImportOp *op = user_data;
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!require_admin (tx, error))
    return FALSE;
  op->product_id = find_product_id (tx, op->product_name, error);
  if (op->product_id < 0)
    return FALSE;
  if (op->product_id == 0)
    {
      if (!_scim_store_exec (tx->store, error, "INSERT INTO products (name, created_at) VALUES (?, ?)", "sI",
                             op->product_name, tx->now))
        return FALSE;
      op->product_id = sqlite3_last_insert_rowid (tx->db);
      if (!scim_tx_log (tx, "products", op->product_id, "insert", error))
        return FALSE;
    }

  current = load_current_stages (tx, op->product_id, error);
  if (current == NULL)
    return FALSE;
  for (guint i = 0; i < op->stages->len; i++)
    {
      ParsedStage *stage = g_ptr_array_index (op->stages, i);
      g_hash_table_insert (by_name, fold_name (stage->name), stage);
    }

  /* Stages left out of the file go, unless sales are at them: then the
   * whole import is refused, naming each such stage. */
  for (guint i = 0; i < current->len; i++)
    {
      CurrentStage *stage = g_ptr_array_index (current, i);
      g_autofree char *folded = fold_name (stage->name);
      gint64 n_sales;

      if (g_hash_table_contains (by_name, folded))
        continue;
      n_sales = _scim_store_query_int (tx->store, error, "SELECT count(*) FROM sales WHERE stage_id = ?", "I",
                                       stage->id);
      if (n_sales < 0)
        return FALSE;
      if (n_sales > 0)
        g_ptr_array_add (problems,
                         g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "The stage “%s” is not in the file, but %d sale is at it. "
                                                       "Keep the stage in the file, or move its sales in the funnel editor first.",
                                                       "The stage “%s” is not in the file, but %d sales are at it. "
                                                       "Keep the stage in the file, or move its sales in the funnel editor first.",
                                                       (gulong) n_sales),
                                          stage->name, (int) n_sales));
      else if (!delete_empty_stage (tx, stage->id, error))
        return FALSE;
    }
  if (problems->len > 0)
    {
      g_autofree char *message = NULL;

      g_ptr_array_add (problems, NULL);
      message = g_strjoinv ("\n", (char **) problems->pdata);
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, "%s", message);
      return FALSE;
    }

  /* Matched stages are updated in place, so their sales and history stay;
   * the others are added. */
  for (guint i = 0; i < op->stages->len; i++)
    {
      ParsedStage *parsed = g_ptr_array_index (op->stages, i);
      CurrentStage *match = NULL;
      gint64 id;

      for (guint j = 0; j < current->len && match == NULL; j++)
        {
          CurrentStage *stage = g_ptr_array_index (current, j);
          if (names_equal (stage->name, parsed->name))
            match = stage;
        }

      if (match == NULL)
        {
          CleanStage c = { parsed->name, (char *) "", parsed->kind, parsed->probability, parsed->stuck_days };

          if (!insert_stage (tx, op->product_id, (int) i, &c, &id, error))
            return FALSE;
        }
      else
        {
          id = match->id;
          if (g_strcmp0 (match->name, parsed->name) != 0 || g_strcmp0 (match->kind, parsed->kind) != 0 ||
              match->probability != parsed->probability || match->stuck_days != parsed->stuck_days)
            {
              if (!_scim_store_exec (tx->store, error,
                                     "UPDATE stages SET name = ?, kind = ?, probability = ?, stuck_days = ?, "
                                     "version = version + 1 WHERE id = ?",
                                     "ssiNI", parsed->name, parsed->kind, parsed->probability,
                                     (gint64) parsed->stuck_days, id) ||
                  !scim_tx_log (tx, "stages", id, "update", error))
                return FALSE;
              if (g_strcmp0 (match->kind, parsed->kind) != 0 &&
                  !fit_sales_to_kind (tx, id, match->kind, parsed->kind, _("The stage became a lost stage"), error))
                return FALSE;
            }
        }
      g_array_append_val (order, id);
    }

  return apply_order (tx, order, error) && check_funnel (tx, op->product_id, error);
}

/**
 * scim_store_import_funnel:
 * @store: a #ScimStore
 * @product_name: the product, found regardless of case; created when missing
 * @text: the funnel, one stage a line: `name;kind;probability;stuck_days`
 *   (kind open, won, lost or paused; the last three may be left out for
 *   open, 0 and never).  Blank lines and lines starting with `#` are
 *   skipped; UTF-8 with or without a byte order mark, LF or CRLF
 * @product_id: (out) (optional): the product's id
 * @error: return location for an error
 *
 * Makes the product's funnel the one in @text.  Stages are matched by name
 * regardless of case: matched stages keep their sales and history and are
 * updated and reordered; new ones are added; stages missing from @text are
 * deleted.  A missing stage that holds sales refuses the whole import, as
 * does any bad line ("Line N: …", every bad line listed).  On error nothing
 * is written.  Admins only.
 *
 * Returns: %TRUE when imported
 */
gboolean
scim_store_import_funnel (ScimStore   *store,
                          const char  *product_name,
                          const char  *text,
                          gint64      *product_id,
                          GError     **error)
{
  g_autofree char *name = dup_clean (product_name);
  g_autoptr(GPtrArray) stages = NULL;
  ImportOp op = { name, NULL, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);

  if (!check_name (name, error))
    return FALSE;
  stages = parse_funnel (text, error);
  if (stages == NULL)
    return FALSE;
  op.stages = stages;
  if (!scim_store_write (store, import_funnel_cb, &op, error))
    return FALSE;
  if (product_id != NULL)
    *product_id = op.product_id;
  return TRUE;
}

/* Users */

typedef struct
{
  gint64   user_id;
  ScimRole role;
  gboolean active;
  gboolean may_accept;
} UserOp;

typedef struct
{
  char     *name;
  char     *role;
  gboolean  active;
} UserRow;

static void
user_row_clear (UserRow *row)
{
  g_free (row->name);
  g_free (row->role);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UserRow, user_row_clear)

static gboolean
load_user_row (ScimTx   *tx,
               gint64    user_id,
               UserRow  *row,
               GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT coalesce(nullif(full_name, ''), login), role, active FROM users WHERE id = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", user_id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SCIM_STMT_ERROR)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND, _("This user no longer exists."));
      return FALSE;
    }
  row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  row->role = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  row->active = sqlite3_column_int (stmt, 2) != 0;
  sqlite3_reset (stmt);
  return TRUE;
}

/* Whether taking @user_id out of the active admins leaves none. */
static gboolean
is_last_admin (ScimTx    *tx,
               gint64     user_id,
               UserRow   *row,
               gboolean  *last,
               GError   **error)
{
  gint64 others;

  *last = FALSE;
  if (!row->active || g_strcmp0 (row->role, "admin") != 0)
    return TRUE;
  others = _scim_store_query_int (tx->store, error,
                                  "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?",
                                  "I", user_id);
  if (others < 0)
    return FALSE;
  *last = others == 0;
  return TRUE;
}

static gboolean
set_user_role_cb (ScimTx    *tx,
                  gpointer   user_data,
                  GError   **error)
{
  UserOp *op = user_data;
  g_auto(UserRow) row = { 0 };
  gboolean last;

  if (!require_admin (tx, error) || !load_user_row (tx, op->user_id, &row, error) ||
      !is_last_admin (tx, op->user_id, &row, &last, error))
    return FALSE;
  if (last && op->role != SCIM_ROLE_ADMIN)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Role: %s is the last administrator. Make another user an administrator first."), row.name);
      return FALSE;
    }
  /* Heads and admins may always accept leads, as when they are added. */
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE users SET role = ?1, may_accept = CASE WHEN ?1 = 'sales' THEN may_accept ELSE 1 END, "
                         "version = version + 1 WHERE id = ?2",
                         "sI", scim_role_to_string (op->role), op->user_id))
    return FALSE;
  return scim_tx_log (tx, "users", op->user_id, "update", error);
}

/**
 * scim_store_set_user_role:
 * @store: a #ScimStore
 * @user_id: the user
 * @role: the new role
 * @error: return location for an error
 *
 * Changes a user's role; heads and admins may accept leads.  Refused when
 * it would leave no active administrator.  Admins only.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_set_user_role (ScimStore  *store,
                          gint64      user_id,
                          ScimRole    role,
                          GError    **error)
{
  UserOp op = { user_id, role, TRUE, TRUE };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);

  if ((guint) role > SCIM_ROLE_ADMIN)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Role: choose salesperson, head of sales or administrator."));
      return FALSE;
    }
  if (!scim_store_write (store, set_user_role_cb, &op, error))
    return FALSE;
  /* Keep the role the UI reads in step when users change their own. */
  if (user_id == scim_store_get_user_id (store))
    g_object_set_data_full (G_OBJECT (store), "scim-user-role", g_strdup (scim_role_to_string (role)), g_free);
  return TRUE;
}

static gboolean
set_user_flags_cb (ScimTx    *tx,
                   gpointer   user_data,
                   GError   **error)
{
  UserOp *op = user_data;
  g_auto(UserRow) row = { 0 };
  gboolean last;

  if (!require_admin (tx, error) || !load_user_row (tx, op->user_id, &row, error) ||
      !is_last_admin (tx, op->user_id, &row, &last, error))
    return FALSE;
  if (last && !op->active)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Active: %s is the last administrator and cannot be switched off. "
                     "Make another user an administrator first."), row.name);
      return FALSE;
    }
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE users SET active = ?1, may_accept = CASE WHEN role = 'sales' THEN ?2 ELSE 1 END, "
                         "version = version + 1 WHERE id = ?3",
                         "iiI", op->active ? 1 : 0, op->may_accept ? 1 : 0, op->user_id))
    return FALSE;
  return scim_tx_log (tx, "users", op->user_id, "update", error);
}

/**
 * scim_store_set_user_flags:
 * @store: a #ScimStore
 * @user_id: the user
 * @active: %FALSE switches the user off: they can no longer sign in
 * @may_accept: whether a salesperson may accept leads (heads and admins
 *   always may)
 * @error: return location for an error
 *
 * Refused when it would switch off the last active administrator.  Admins
 * only.
 *
 * Returns: %TRUE when saved
 */
gboolean
scim_store_set_user_flags (ScimStore  *store,
                           gint64      user_id,
                           gboolean    active,
                           gboolean    may_accept,
                           GError    **error)
{
  UserOp op = { user_id, SCIM_ROLE_SALES, active, may_accept };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, set_user_flags_cb, &op, error);
}
