/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-mail"

#include "config.h"

#include <string.h>

#include "scim-mail.h"

/* The parts of e-mail that need no network: the security's names and the
 * message as RFC 5322 wants it.  Sending and the keyring are in
 * scim-mail-send.c. */

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
