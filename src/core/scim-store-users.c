/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-users"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-password.h"
#include "scim-query.h"
#include "scim-store-private.h"
#include "scim-users.h"

static const char * const role_names[] = { "sales", "head", "admin" };

gboolean
scim_role_from_string (const char *text,
                       ScimRole   *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if (g_strcmp0 (text, role_names[i]) == 0)
        {
          *role = (ScimRole) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
scim_role_to_string (ScimRole role)
{
  g_return_val_if_fail (role <= SCIM_ROLE_ADMIN, "sales");
  return role_names[role];
}

/**
 * scim_role_get_label:
 * @role: a role
 *
 * Returns: the translated name of the role
 */
const char *
scim_role_get_label (ScimRole role)
{
  switch (role)
    {
    case SCIM_ROLE_SALES: return _("Salesperson");
    case SCIM_ROLE_HEAD: return _("Head of sales");
    case SCIM_ROLE_ADMIN: return _("Administrator");
    default: g_return_val_if_reached ("");
    }
}

static gboolean
valid_login (const char  *login,
             GError     **error)
{
  g_autofree char *trimmed = login != NULL ? g_strstrip (g_strdup (login)) : NULL;

  if (trimmed == NULL || trimmed[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Login: type a login name."));
      return FALSE;
    }
  if (!g_utf8_validate (login, -1, NULL))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Login: the text is not valid UTF-8."));
      return FALSE;
    }
  for (const char *p = login; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == ':' || c == '/' || g_unichar_iscntrl (c))
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Login: use letters, digits, dots, dashes or underscores, without spaces."));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
current_role (ScimStore *store,
              ScimRole  *role,
              GError   **error)
{
  gint64 user_id = scim_store_get_user_id (store);
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (user_id == 0)
    return FALSE;
  stmt = _scim_store_prepare (store, "SELECT role FROM users WHERE id = ? AND active = 1", error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "I", user_id);
  if (_scim_store_step (store, stmt, error) == SQLITE_ROW)
    found = scim_role_from_string ((const char *) sqlite3_column_text (stmt, 0), role);
  sqlite3_reset (stmt);
  return found;
}

/**
 * scim_store_get_role:
 * @store: a #ScimStore
 * @role: (out): the signed-in user's role
 *
 * Returns: %FALSE when nobody (active) is signed in
 */
gboolean
scim_store_get_role (ScimStore *store,
                     ScimRole  *role)
{
  gboolean ret;

  _scim_store_lock (store);
  ret = current_role (store, role, NULL);
  _scim_store_unlock (store);
  return ret;
}

/**
 * scim_store_get_user_role:
 * @store: a #ScimStore
 *
 * The role of the signed-in user as it was at sign-in, without reading the
 * file: for the UI to choose defaults.  Permission checks read the file.
 *
 * Returns: the role; %SCIM_ROLE_SALES when nobody signed in
 */
ScimRole
scim_store_get_user_role (ScimStore *store)
{
  ScimRole role = SCIM_ROLE_SALES;

  if (scim_store_get_user_id (store) != 0)
    scim_role_from_string (g_object_get_data (G_OBJECT (store), "scim-user-role"), &role);
  return role;
}

/**
 * scim_store_require_role:
 * @store: a #ScimStore
 * @role: the least role the action needs
 * @error: return location for a translated %SCIM_STORE_ERROR_PERMISSION
 *
 * Role checks live here, in the core, so the CLI and the GUI refuse alike.
 */
gboolean
scim_store_require_role (ScimStore  *store,
                         ScimRole    role,
                         GError    **error)
{
  ScimRole have;

  if (!scim_store_get_role (store, &have))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Sign in first: this change needs a user."));
      return FALSE;
    }
  if (have < role)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("Only a user with the role “%s” or higher may do this; you are “%s”. "
                     "Ask an administrator."),
                   scim_role_get_label (role), scim_role_get_label (have));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *login;
  const char *full_name;
  const char *email;
  ScimRole    role;
  gboolean    may_accept;
  const char *hash;
  gint64      id;
} AddUser;

static gboolean
add_user_cb (ScimTx    *tx,
             gpointer   user_data,
             GError   **error)
{
  AddUser *data = user_data;
  ScimStore *store = tx->store;
  gint64 n_users;
  gint64 exists;

  n_users = _scim_store_query_int (store, error, "SELECT count(*) FROM users", "");
  if (n_users < 0)
    return FALSE;
  if (n_users == 0)
    {
      /* The first user of a new database sets it up, so it must be an admin. */
      if (data->role != SCIM_ROLE_ADMIN)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                       _("Role: the first user of a database must be an administrator."));
          return FALSE;
        }
    }
  else if (!scim_store_require_role (store, SCIM_ROLE_ADMIN, error))
    return FALSE;

  exists = _scim_store_query_int (store, error, "SELECT count(*) FROM users WHERE login = ?", "s",
                                  data->login);
  if (exists < 0)
    return FALSE;
  if (exists > 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("Login: “%s” is taken. Choose another login."), data->login);
      return FALSE;
    }

  if (!_scim_store_exec (store, error,
                         "INSERT INTO users (login, full_name, email, role, may_accept, password_hash, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         "ssssisI", data->login, data->full_name ? data->full_name : "",
                         data->email ? data->email : "", scim_role_to_string (data->role),
                         data->may_accept || data->role != SCIM_ROLE_SALES ? 1 : 0, data->hash, tx->now))
    return FALSE;
  data->id = sqlite3_last_insert_rowid (tx->db);
  return scim_tx_log (tx, "users", data->id, "insert", error);
}

/**
 * scim_store_add_user:
 * @store: a #ScimStore
 * @login: the login name, unique regardless of case
 * @full_name: (nullable): the person's name
 * @email: (nullable): where alerts go
 * @role: the role
 * @may_accept: whether the user may accept leads (heads and admins always may)
 * @password: (nullable): a password, hashed before it is stored
 * @error: return location for an error
 *
 * Adds a user.  Only an admin may, except for the first user of a new
 * database, who must be an admin.
 *
 * Returns: the new user's id, or 0 with @error set
 */
gint64
scim_store_add_user (ScimStore   *store,
                     const char  *login,
                     const char  *full_name,
                     const char  *email,
                     ScimRole     role,
                     gboolean     may_accept,
                     const char  *password,
                     GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *hash = NULL;
  AddUser data = { 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), 0);

  if (!valid_login (login, error))
    return 0;
  trimmed = g_strstrip (g_strdup (login));
  if (password != NULL && password[0] != '\0')
    {
      hash = scim_password_hash (password, error);
      if (hash == NULL)
        return 0;
    }

  data.login = trimmed;
  data.full_name = full_name;
  data.email = email;
  data.role = role;
  data.may_accept = may_accept;
  data.hash = hash;
  if (!scim_store_write (store, add_user_cb, &data, error))
    return 0;
  return data.id;
}

typedef struct
{
  gint64      user_id;
  const char *hash;
} SetPassword;

static gboolean
set_password_cb (ScimTx    *tx,
                 gpointer   user_data,
                 GError   **error)
{
  SetPassword *data = user_data;

  if (tx->user_id != data->user_id && !scim_store_require_role (tx->store, SCIM_ROLE_ADMIN, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?",
                         "sI", data->hash, data->user_id))
    return FALSE;
  if (sqlite3_changes (tx->db) == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND, _("This user no longer exists."));
      return FALSE;
    }
  return scim_tx_log (tx, "users", data->user_id, "update", error);
}

/**
 * scim_store_set_password:
 * @store: a #ScimStore
 * @user_id: whose password
 * @password: (nullable): the new password; %NULL or empty removes it
 * @error: return location for an error
 *
 * Users may change their own password; an admin may change anyone's.
 */
gboolean
scim_store_set_password (ScimStore   *store,
                         gint64       user_id,
                         const char  *password,
                         GError     **error)
{
  g_autofree char *hash = NULL;
  SetPassword data;

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);

  if (password != NULL && password[0] != '\0')
    {
      hash = scim_password_hash (password, error);
      if (hash == NULL)
        return FALSE;
    }
  data.user_id = user_id;
  data.hash = hash;
  return scim_store_write (store, set_password_cb, &data, error);
}

typedef struct
{
  gint64      user_id;
  gint64      version;
  const char *full_name;
  const char *email;
} UpdateProfile;

static gboolean
update_profile_cb (ScimTx    *tx,
                   gpointer   user_data,
                   GError   **error)
{
  UpdateProfile *data = user_data;

  if (tx->user_id != data->user_id && !scim_store_require_role (tx->store, SCIM_ROLE_ADMIN, error))
    return FALSE;
  if (!_scim_store_exec (tx->store, error,
                         "UPDATE users SET full_name = ?, email = ?, version = version + 1 "
                         "WHERE id = ? AND version = ?",
                         "ssII", data->full_name, data->email, data->user_id, data->version))
    return FALSE;
  return _scim_tx_finish_update (tx, "users", data->user_id, error);
}

/**
 * scim_store_update_user_profile:
 * @store: a #ScimStore
 * @user_id: whose profile
 * @version: the version the editor started from
 * @full_name: the new name
 * @email: the new e-mail
 * @error: return location for an error
 *
 * Saves a user's name and e-mail, unless someone saved the user since
 * @version was read: then %SCIM_STORE_ERROR_CONFLICT names who and when, and
 * nothing is written.  Users edit their own profile; admins anyone's.
 */
gboolean
scim_store_update_user_profile (ScimStore   *store,
                                gint64       user_id,
                                gint64       version,
                                const char  *full_name,
                                const char  *email,
                                GError     **error)
{
  UpdateProfile data = { user_id, version, full_name != NULL ? full_name : "", email != NULL ? email : "" };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, update_profile_cb, &data, error);
}

gint64
scim_store_count_users (ScimStore  *store,
                        GError    **error)
{
  gint64 n;

  g_return_val_if_fail (SCIM_IS_STORE (store), -1);

  _scim_store_lock (store);
  n = _scim_store_query_int (store, error, "SELECT count(*) FROM users", "");
  _scim_store_unlock (store);
  return n;
}

static ScimUser *
load_user (ScimStore   *store,
           gint64       user_id,
           GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  ScimUser *user;

  rows = scim_store_load_rows (store, SCIM_LIST_USERS, &user_id, 1, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND, _("This user no longer exists."));
      return NULL;
    }
  user = SCIM_USER (scim_record_new (SCIM_TYPE_USER, user_id));
  scim_record_update (SCIM_RECORD (user), g_ptr_array_index (rows, 0));
  return user;
}

/**
 * scim_store_get_user:
 * @store: a #ScimStore
 * @user_id: the user
 * @error: return location for an error
 *
 * Returns: (transfer full): the user, or %NULL with @error set
 */
ScimUser *
scim_store_get_user (ScimStore  *store,
                     gint64      user_id,
                     GError    **error)
{
  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  return load_user (store, user_id, error);
}

/**
 * scim_store_find_user:
 * @store: a #ScimStore
 * @login: the login, in any case
 * @error: return location for an error
 *
 * Returns: (transfer full): the user, or %NULL with %SCIM_STORE_ERROR_NOT_FOUND
 */
ScimUser *
scim_store_find_user (ScimStore   *store,
                      const char  *login,
                      GError     **error)
{
  gint64 id;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (login != NULL, NULL);

  _scim_store_lock (store);
  id = _scim_store_query_int (store, error, "SELECT id FROM users WHERE login = ?", "s", login);
  _scim_store_unlock (store);
  if (id < 0)
    return NULL;
  if (id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                   _("There is no user “%s” in this database. Check the login."), login);
      return NULL;
    }
  return load_user (store, id, error);
}

/**
 * scim_store_sign_in:
 * @store: a #ScimStore
 * @login: who signs in
 * @password: (nullable): the password, when the user has one
 * @error: return location for an error
 *
 * Checks the login and password; on success the store acts as this user.
 *
 * Returns: (transfer full): the signed-in user, or %NULL with @error set
 */
ScimUser *
scim_store_sign_in (ScimStore   *store,
                    const char  *login,
                    const char  *password,
                    GError     **error)
{
  g_autoptr(ScimUser) user = NULL;
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;
  gboolean active = FALSE;
  int rc = SQLITE_DONE;
  gint64 id;

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  user = scim_store_find_user (store, login, error);
  if (user == NULL)
    return NULL;
  id = scim_record_get_id (SCIM_RECORD (user));

  _scim_store_lock (store);
  stmt = _scim_store_prepare (store, "SELECT password_hash, active FROM users WHERE id = ?", error);
  if (stmt != NULL)
    {
      _scim_stmt_bind (stmt, "I", id);
      rc = _scim_store_step (store, stmt, error);
      if (rc == SQLITE_ROW)
        {
          hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          active = sqlite3_column_int (stmt, 1) != 0;
        }
      sqlite3_reset (stmt);
    }
  _scim_store_unlock (store);
  /* A failed step (the file busy past the timeout) has set @error already;
   * it is not a switched-off user. */
  if (stmt == NULL || (rc != SQLITE_ROW && rc != SQLITE_DONE))
    return NULL;

  if (!active)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   _("The user “%s” is switched off. Ask an administrator to switch the user on."), login);
      return NULL;
    }
  if (hash != NULL && !scim_password_verify (password, hash))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION,
                   password == NULL || password[0] == '\0'
                   ? _("The user “%s” has a password. Type it to sign in.")
                   : _("Wrong password for “%s”. Try again."), login);
      return NULL;
    }

  scim_store_set_user_id (store, id);
  g_object_set_data_full (G_OBJECT (store), "scim-user-role",
                          g_strdup (scim_record_get_string (SCIM_RECORD (user), "role")), g_free);
  return g_steal_pointer (&user);
}

/* scim_store_add_template_product() is in scim-store-settings.c, with the
 * other product writes. */
