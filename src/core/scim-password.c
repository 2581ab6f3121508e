/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-password"

#include "config.h"

#include <glib/gi18n.h>
#include <crypt.h>
#include <string.h>

#include "scim-password.h"
#include "scim-store.h"

/**
 * scim_password_hash:
 * @password: the password in UTF-8
 * @error: return location for an error
 *
 * Hashes with yescrypt (libxcrypt) and a fresh random salt.
 *
 * Returns: (transfer full): the hash string, as stored in users.password_hash
 */
char *
scim_password_hash (const char  *password,
                    GError     **error)
{
  struct crypt_data *data;
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  char *result = NULL;

  g_return_val_if_fail (password != NULL, NULL);

  if (password[0] == '\0')
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("The password is empty. Type a password, or leave the user without one."));
      return NULL;
    }
  if (crypt_gensalt_rn ("$y$", 0, NULL, 0, salt, sizeof salt) == NULL)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                   _("Cannot make a password salt: the system has no yescrypt support."));
      return NULL;
    }

  data = g_new0 (struct crypt_data, 1);
  if (crypt_rn (password, salt, data, sizeof *data) != NULL && data->output[0] != '*')
    result = g_strdup (data->output);
  explicit_bzero (data, sizeof *data);
  g_free (data);

  if (result == NULL)
    g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED,
                 _("Cannot hash the password."));
  return result;
}

/**
 * scim_password_verify:
 * @password: what the user typed
 * @hash: (nullable): the stored hash
 *
 * Returns: whether @password matches @hash; %FALSE for a %NULL hash
 */
gboolean
scim_password_verify (const char *password,
                      const char *hash)
{
  struct crypt_data *data;
  gboolean ok = FALSE;
  size_t len;

  if (password == NULL || hash == NULL || hash[0] == '\0')
    return FALSE;

  data = g_new0 (struct crypt_data, 1);
  if (crypt_rn (password, hash, data, sizeof *data) != NULL && data->output[0] != '*')
    {
      len = strlen (hash);
      /* Compare in constant time over the whole stored hash. */
      if (strlen (data->output) == len)
        {
          unsigned char diff = 0;
          for (size_t i = 0; i < len; i++)
            diff |= (unsigned char) (data->output[i] ^ hash[i]);
          ok = diff == 0;
        }
    }
  explicit_bzero (data, sizeof *data);
  g_free (data);
  return ok;
}
