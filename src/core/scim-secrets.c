/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-secrets"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "scim-secrets.h"

/* Passwords remembered in the desktop keyring, one per database file and
 * login, so signing in to the same file skips the password prompt. */

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    BASE_APP_ID ".Password", SECRET_SCHEMA_NONE,
    {
      { "database", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "login", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static char *
canonical (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

static void
on_stored_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
scim_secrets_remember_async (const char          *db_path,
                             const char          *login,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *path = canonical (db_path);
  g_autofree char *label = g_strdup_printf (_("SCIM Sales password of %s for %s"), login, path);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                         on_stored_cb, task,
                         "database", path, "login", login, NULL);
}

gboolean
scim_secrets_remember_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
scim_secrets_lookup_async (const char          *db_path,
                           const char          *login,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *path = canonical (db_path);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  secret_password_lookup (get_schema (), cancellable, on_looked_up_cb, task,
                          "database", path, "login", login, NULL);
}

/**
 * scim_secrets_lookup_finish:
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the remembered password, or %NULL
 *   when none is remembered
 */
char *
scim_secrets_lookup_finish (GAsyncResult  *result,
                            GError       **error)
{
  char *password = g_task_propagate_pointer (G_TASK (result), error);
  char *copy = g_strdup (password);

  if (password != NULL)
    secret_password_free (password);
  return copy;
}

static void
on_cleared_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
scim_secrets_forget_async (const char          *db_path,
                           const char          *login,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *path = canonical (db_path);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  secret_password_clear (get_schema (), cancellable, on_cleared_cb, task,
                         "database", path, "login", login, NULL);
}

gboolean
scim_secrets_forget_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
