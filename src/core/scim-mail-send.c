/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-mail"

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "scim-mail.h"

/* SMTP through libcurl: STARTTLS required (not merely tried) or TLS from
 * the start, certificates verified against the system's authorities or a
 * given file; plain only when asked for.  A message counts as sent when
 * the server accepted it at the end of DATA, which is when
 * curl_easy_perform() returns CURLE_OK.  The account's password lives in
 * the keyring (libsecret).
 *
 * Apart from scim-mail.c, which has no libcurl and no libsecret, so that
 * a program that only composes or names the security links neither: the
 * command line reaches this file through its extras module
 * (src/cli/scim-cli-extras.c). */

typedef struct
{
  const char   *data;
  gsize         len;
  gsize         sent;
  GCancellable *cancellable;
} Payload;

static size_t
read_cb (char   *buffer,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  Payload *payload = user_data;
  size_t room = size * n;
  size_t left = payload->len - payload->sent;
  size_t chunk = MIN (room, left);

  if (g_cancellable_is_cancelled (payload->cancellable))
    return CURL_READFUNC_ABORT;
  memcpy (buffer, payload->data + payload->sent, chunk);
  payload->sent += chunk;
  return chunk;
}

static int
progress_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Payload *payload = user_data;

  return g_cancellable_is_cancelled (payload->cancellable) ? 1 : 0;
}

static gboolean
valid_address (const char *address)
{
  const char *at = address != NULL ? strchr (address, '@') : NULL;

  return at != NULL && at != address && at[1] != '\0' && strpbrk (address, " <>\r\n,;") == NULL;
}

/**
 * scim_mail_send:
 * @account: the SMTP account
 * @to: the recipient
 * @subject: the subject
 * @body: the text
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error, %SCIM_MAIL_ERROR
 *
 * Returns: %TRUE once the server accepted the message
 */
gboolean
scim_mail_send (const ScimMailAccount *account,
                const char            *to,
                const char            *subject,
                const char            *body,
                GCancellable          *cancellable,
                GError               **error)
{
  static gsize initialized;
  g_autofree char *message = NULL;
  g_autofree char *url = NULL;
  g_autofree char *from = NULL;
  g_autofree char *rcpt = NULL;
  char curl_error[CURL_ERROR_SIZE] = "";
  struct curl_slist *recipients = NULL;
  Payload payload = { 0 };
  guint port;
  CURLcode rc;
  CURL *curl;

  g_return_val_if_fail (account != NULL, FALSE);

  if (g_once_init_enter (&initialized))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&initialized, 1);
    }
  if (account->host == NULL || account->host[0] == '\0')
    {
      g_set_error_literal (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_INVALID,
                           _("No mail server: set the SMTP server in Preferences."));
      return FALSE;
    }
  if (!valid_address (account->from) || !valid_address (to))
    {
      g_set_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_INVALID,
                   _("“%s” is not an e-mail address: check the sender in Preferences and the user’s e-mail."),
                   !valid_address (account->from) ? (account->from != NULL ? account->from : "") : to);
      return FALSE;
    }

  port = account->port != 0 ? account->port
         : account->security == SCIM_MAIL_TLS ? 465 : account->security == SCIM_MAIL_PLAIN ? 25 : 587;
  url = g_strdup_printf ("%s://%s:%u", account->security == SCIM_MAIL_TLS ? "smtps" : "smtp", account->host, port);
  from = g_strdup_printf ("<%s>", account->from);
  rcpt = g_strdup_printf ("<%s>", to);
  message = scim_mail_compose (account->from, to, subject, body, g_get_real_time () / G_USEC_PER_SEC);
  payload = (Payload) { message, strlen (message), 0, cancellable };

  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error_literal (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_CONNECT, _("Cannot start the mail client."));
      return FALSE;
    }
  recipients = curl_slist_append (NULL, rcpt);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt (curl, CURLOPT_READDATA, &payload);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) (account->timeout != 0 ? account->timeout : 30));
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &payload);
  if (account->security != SCIM_MAIL_PLAIN)
    {
      /* STARTTLS is required, never quietly skipped. */
      curl_easy_setopt (curl, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
      curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
      if (account->ca_file != NULL && account->ca_file[0] != '\0')
        curl_easy_setopt (curl, CURLOPT_CAINFO, account->ca_file);
    }
  if (account->user != NULL && account->user[0] != '\0')
    {
      curl_easy_setopt (curl, CURLOPT_USERNAME, account->user);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, account->password != NULL ? account->password : "");
    }

  rc = curl_easy_perform (curl);
  curl_slist_free_all (recipients);
  curl_easy_cleanup (curl);
  if (message != NULL)
    memset (message, 0, strlen (message));
  if (rc == CURLE_OK)
    return TRUE;

  switch (rc)
    {
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_READ_ERROR:
      g_set_error_literal (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_CANCELLED, _("Sending cancelled."));
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      g_set_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_CONNECT,
                   _("Cannot reach the mail server %s:%u (%s). The mail is kept and sent again later."),
                   account->host, port, curl_error[0] != '\0' ? curl_error : curl_easy_strerror (rc));
      break;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      g_set_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_TLS,
                   _("The mail server %s does not offer trusted encryption (%s). Check the server, the port and "
                     "the security setting in Preferences."),
                   account->host, curl_error[0] != '\0' ? curl_error : curl_easy_strerror (rc));
      break;
    case CURLE_LOGIN_DENIED:
      g_set_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_LOGIN,
                   _("The mail server refused the user name or the password for %s. Check them in Preferences."),
                   account->user != NULL ? account->user : "");
      break;
    default:
      g_set_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_REFUSED, _("The mail server refused the message: %s"),
                   curl_error[0] != '\0' ? curl_error : curl_easy_strerror (rc));
      break;
    }
  return FALSE;
}

/* The keyring */

static const SecretSchema *
smtp_schema (void)
{
  static const SecretSchema schema = {
    BASE_APP_ID ".Smtp", SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/**
 * scim_mail_store_password:
 * @host: the SMTP server
 * @user: the login there
 * @password: the password; "" forgets it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Blocks on the keyring: call it on a worker.
 *
 * Returns: %TRUE when stored
 */
gboolean
scim_mail_store_password (const char    *host,
                          const char    *user,
                          const char    *password,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *label = g_strdup_printf (_("SCIM Sales mail password of %s at %s"), user, host);

  if (password == NULL || password[0] == '\0')
    return secret_password_clear_sync (smtp_schema (), cancellable, error, "host", host, "user", user, NULL) ||
           (error != NULL && *error == NULL);
  return secret_password_store_sync (smtp_schema (), SECRET_COLLECTION_DEFAULT, label, password, cancellable, error,
                                     "host", host, "user", user, NULL);
}

/**
 * scim_mail_lookup_password:
 * @host: the SMTP server
 * @user: the login there
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the password, or %NULL when none is
 *   stored (without an error) or the keyring failed
 */
char *
scim_mail_lookup_password (const char    *host,
                           const char    *user,
                           GCancellable  *cancellable,
                           GError       **error)
{
  char *secret = secret_password_lookup_sync (smtp_schema (), cancellable, error, "host", host, "user", user, NULL);
  char *copy = g_strdup (secret);

  secret_password_free (secret);
  return copy;
}
