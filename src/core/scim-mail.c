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
 * curl_easy_perform() returns CURLE_OK. */

G_DEFINE_QUARK (scim-mail-error-quark, scim_mail_error)

gboolean
scim_mail_security_from_string (const char       *text,
                                ScimMailSecurity *security)
{
  if (g_strcmp0 (text, "starttls") == 0)
    *security = SCIM_MAIL_STARTTLS;
  else if (g_strcmp0 (text, "tls") == 0)
    *security = SCIM_MAIL_TLS;
  else if (g_strcmp0 (text, "plain") == 0)
    *security = SCIM_MAIL_PLAIN;
  else
    return FALSE;
  return TRUE;
}

const char *
scim_mail_security_to_string (ScimMailSecurity security)
{
  switch (security)
    {
    case SCIM_MAIL_TLS:
      return "tls";
    case SCIM_MAIL_PLAIN:
      return "plain";
    case SCIM_MAIL_STARTTLS:
    default:
      return "starttls";
    }
}

/* A header value as RFC 2047 wants non-ASCII text: =?UTF-8?B?…?= words
 * short enough for a line. */
static void
append_encoded (GString    *out,
                const char *text)
{
  gboolean ascii = TRUE;
  const char *p = text;

  for (const char *c = text; *c != '\0'; c++)
    if ((guchar) *c >= 0x80 || *c == '\r' || *c == '\n')
      ascii = FALSE;
  if (ascii)
    {
      g_string_append (out, text);
      return;
    }
  while (*p != '\0')
    {
      const char *end = p;
      g_autofree char *chunk = NULL;
      g_autofree char *b64 = NULL;

      /* Whole characters, at most 45 bytes a word. */
      while (*end != '\0' && end - p < 45)
        {
          const char *next = g_utf8_next_char (end);

          if (next - p > 45)
            break;
          end = next;
        }
      chunk = g_strndup (p, (gsize) (end - p));
      g_strdelimit (chunk, "\r\n", ' ');
      b64 = g_base64_encode ((const guchar *) chunk, strlen (chunk));
      g_string_append_printf (out, "%s=?UTF-8?B?%s?=", p != text ? "\r\n " : "", b64);
      p = end;
    }
}

/**
 * scim_mail_compose:
 * @from: the sender's address
 * @to: the recipient's address
 * @subject: the subject, any text
 * @body: the text, UTF-8, lines separated by "\n"
 * @date: UTC seconds
 *
 * Returns: (transfer full): the message with CRLF line ends
 */
char *
scim_mail_compose (const char *from,
                   const char *to,
                   const char *subject,
                   const char *body,
                   gint64      date)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (date);
  g_autofree char *date_text = NULL;
  g_autofree char *crlf = NULL;
  g_autofree char *b64 = NULL;
  gsize b64_len;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autofree char *id = g_uuid_string_random ();
  const char *domain = strchr (from, '@');

  /* English day and month names, as RFC 5322 wants, whatever the locale. */
  {
    static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
    static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                    "Dec" };
    g_autofree char *zone = g_date_time_format (when, "%z");

    date_text = g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d %s", days[g_date_time_get_day_of_week (when) - 1],
                                 g_date_time_get_day_of_month (when), months[g_date_time_get_month (when) - 1],
                                 g_date_time_get_year (when), g_date_time_get_hour (when),
                                 g_date_time_get_minute (when), g_date_time_get_second (when), zone);
  }

  for (const char *p = body; *p != '\0'; p++)
    {
      if (*p == '\n' && (p == body || p[-1] != '\r'))
        g_string_append_c (lines, '\r');
      g_string_append_c (lines, *p);
    }
  b64 = g_base64_encode ((const guchar *) lines->str, lines->len);

  g_string_append_printf (text, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: ", date_text, from, to);
  append_encoded (text, subject);
  g_string_append_printf (text, "\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
                                "Auto-Submitted: auto-generated\r\nX-Mailer: SCIM Sales\r\n\r\n",
                          id, domain != NULL ? domain + 1 : "localhost");
  /* Lines of 76 characters; the last is shorter, so the step must not
   * pass the end of the text. */
  b64_len = strlen (b64);
  for (gsize i = 0; i < b64_len; i += 76)
    {
      g_string_append_len (text, b64 + i, MIN (76, b64_len - i));
      g_string_append (text, "\r\n");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

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
