/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli-alerts"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "scim-cli.h"

/* `alerts`: the signed-in user's alerts, as the app shows them, for people
 * who keep the app closed (from cron or a systemd timer, see
 * data/scim-sales-alerts.timer); --mark-read marks them read everywhere. */

static char *opt_format;
static char *opt_kinds;
static gboolean opt_mark_read;
static gboolean opt_unread;
static int opt_idle_days;
static int opt_lead_minutes;
static gboolean opt_email;
static gboolean opt_digest;
static char *opt_smtp;
static char *opt_smtp_user;
static char *opt_smtp_ca;
static char *opt_mail_from;
static char *opt_mail_to;

static const GOptionEntry entries[] = {
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text (default), csv or json"), N_("FORMAT") },
  { "kinds", 0, 0, G_OPTION_ARG_STRING, &opt_kinds,
    N_("Only these kinds, separated by commas: task-overdue, task-due, event-soon, event-new, task-changed, "
       "make-plan, product-no-sales, leads-waiting, sale-idle, sale-stuck"), N_("LIST") },
  { "unread", 0, 0, G_OPTION_ARG_NONE, &opt_unread, N_("Only the alerts not read yet"), NULL },
  { "idle-days", 0, 0, G_OPTION_ARG_INT, &opt_idle_days, N_("A sale is idle after this many days (default 14)"),
    N_("DAYS") },
  { "lead-minutes", 0, 0, G_OPTION_ARG_INT, &opt_lead_minutes,
    N_("Alert a planned event this many minutes ahead (default 15)"), N_("MINUTES") },
  { "mark-read", 0, 0, G_OPTION_ARG_NONE, &opt_mark_read, N_("Mark the alerts listed as read, everywhere"), NULL },
  { "email", 0, 0, G_OPTION_ARG_NONE, &opt_email,
    N_("Mail the unread alerts not mailed yet (with --digest: every unread alert) and mark them mailed once the "
       "server has accepted the mail"), NULL },
  { "digest", 0, 0, G_OPTION_ARG_NONE, &opt_digest, N_("With --email: the daily digest of every unread alert"), NULL },
  { "smtp", 0, 0, G_OPTION_ARG_STRING, &opt_smtp,
    N_("The mail server: smtp://HOST[:PORT] (STARTTLS required), smtps://HOST[:PORT] (TLS) or "
       "smtp+plain://HOST[:PORT] (no encryption, for a server on this machine)"), N_("URL") },
  { "smtp-user", 0, 0, G_OPTION_ARG_STRING, &opt_smtp_user,
    N_("The login at the mail server; the password comes from SCIM_SMTP_PASSWORD or the keyring"), N_("LOGIN") },
  { "smtp-ca", 0, 0, G_OPTION_ARG_FILENAME, &opt_smtp_ca,
    N_("Trust the mail server's certificate from this file besides the system's authorities"), N_("FILE") },
  { "mail-from", 0, 0, G_OPTION_ARG_STRING, &opt_mail_from, N_("The sender's address (default: the recipient)"),
    N_("ADDRESS") },
  { "mail-to", 0, 0, G_OPTION_ARG_STRING, &opt_mail_to, N_("Where to mail (default: the user's e-mail)"),
    N_("ADDRESS") },
  { NULL }
};

static gboolean
parse_kinds (const char *text,
             guint      *mask,
             int        *code)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  *mask = 0;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      ScimAlertKind kind;

      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      if (!scim_alert_kind_from_string (parts[i], &kind))
        {
          *code = scim_cli_fail (SCIM_CLI_USAGE, _("--kinds: “%s” is not a kind of alert. See “alerts --help”."),
                                 parts[i]);
          return FALSE;
        }
      *mask |= 1u << kind;
    }
  return TRUE;
}

static void
csv_field (GString    *out,
           const char *text)
{
  if (text[strcspn (text, ",\"\r\n")] == '\0')
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
print_alerts (GPtrArray     *alerts,
              ScimCliFormat  format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == SCIM_CLI_FORMAT_JSON)
    {
      g_string_append_c (out, '[');
      for (guint i = 0; i < alerts->len; i++)
        {
          ScimAlert *alert = g_ptr_array_index (alerts, i);

          g_string_append (out, i > 0 ? ",\n {" : "\n {");
          g_string_append (out, "\"key\": ");
          scim_cli_json_string (out, alert->key);
          g_string_append (out, ", \"kind\": ");
          scim_cli_json_string (out, scim_alert_kind_to_string (alert->kind));
          g_string_append (out, ", \"title\": ");
          scim_cli_json_string (out, alert->title);
          g_string_append (out, ", \"body\": ");
          scim_cli_json_string (out, alert->body);
          g_string_append_printf (out, ", \"at\": %" G_GINT64_FORMAT ", \"sale_id\": %" G_GINT64_FORMAT
                                  ", \"task_id\": %" G_GINT64_FORMAT ", \"event_id\": %" G_GINT64_FORMAT
                                  ", \"product_id\": %" G_GINT64_FORMAT ", \"delivered\": %s, \"read\": %s}",
                                  alert->at, alert->sale_id, alert->task_id, alert->event_id, alert->product_id,
                                  alert->delivered_at != 0 ? "true" : "false", alert->read_at != 0 ? "true" : "false");
        }
      g_string_append (out, alerts->len > 0 ? "\n]\n" : "]\n");
    }
  else if (format == SCIM_CLI_FORMAT_CSV)
    {
      g_string_append (out, "key,kind,title,body,at,sale_id,task_id,read\r\n");
      for (guint i = 0; i < alerts->len; i++)
        {
          ScimAlert *alert = g_ptr_array_index (alerts, i);

          csv_field (out, alert->key);
          g_string_append_c (out, ',');
          csv_field (out, scim_alert_kind_to_string (alert->kind));
          g_string_append_c (out, ',');
          csv_field (out, alert->title);
          g_string_append_c (out, ',');
          csv_field (out, alert->body);
          g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%s\r\n",
                                  alert->at, alert->sale_id, alert->task_id, alert->read_at != 0 ? "yes" : "no");
        }
    }
  else
    {
      int kind = -1;

      if (alerts->len == 0)
        g_string_append_printf (out, "%s\n", _("No alerts."));
      for (guint i = 0; i < alerts->len; i++)
        {
          ScimAlert *alert = g_ptr_array_index (alerts, i);

          if ((int) alert->kind != kind)
            {
              kind = (int) alert->kind;
              g_string_append_printf (out, "%s%s\n", i > 0 ? "\n" : "", scim_alert_kind_get_label (alert->kind));
            }
          g_string_append_printf (out, "  %s %s\n    %s\n", alert->read_at != 0 ? " " : "•", alert->title, alert->body);
        }
    }
  fputs (out->str, stdout);
}

/* smtp://host:587, smtps://host, smtp+plain://host:8025 */
static gboolean
parse_smtp (const char       *url,
            char            **host,
            guint            *port,
            ScimMailSecurity *security,
            int              *code)
{
  const char *rest;
  const char *colon;
  guint64 number = 0;

  if (g_str_has_prefix (url, "smtp://"))
    *security = SCIM_MAIL_STARTTLS, rest = url + 7;
  else if (g_str_has_prefix (url, "smtps://"))
    *security = SCIM_MAIL_TLS, rest = url + 8;
  else if (g_str_has_prefix (url, "smtp+plain://"))
    *security = SCIM_MAIL_PLAIN, rest = url + 13;
  else
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--smtp: write smtp://HOST[:PORT], smtps://HOST[:PORT] or "
                                               "smtp+plain://HOST[:PORT]; “%s” is none of them."), url);
      return FALSE;
    }
  colon = strrchr (rest, ':');
  if (colon != NULL && !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &number, NULL))
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--smtp: “%s” is not a port."), colon + 1);
      return FALSE;
    }
  *host = colon != NULL ? g_strndup (rest, (gsize) (colon - rest)) : g_strdup (rest);
  g_strdelimit (*host, "/", '\0');
  *port = (guint) number;
  if ((*host)[0] == '\0')
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--smtp: the server’s name is missing."));
      return FALSE;
    }
  return TRUE;
}

/* --email: one mail of the alerts; marked mailed only once accepted. */
static int
mail_alerts (ScimStore *store,
             GPtrArray *alerts)
{
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = NULL;
  g_autofree char *host = NULL;
  g_autofree char *password = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  const char *to = opt_mail_to;
  ScimMailAccount account = { 0 };
  ScimMailSecurity security = SCIM_MAIL_STARTTLS;
  guint port = 0;
  int code = SCIM_CLI_OK;

  if (opt_smtp == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--email needs the mail server: --smtp smtp://HOST[:PORT]."));
  if (!parse_smtp (opt_smtp, &host, &port, &security, &code))
    return code;
  user = scim_store_get_user (store, scim_store_get_user_id (store), &error);
  if (user == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  if (to == NULL || to[0] == '\0')
    to = scim_record_get_string (SCIM_RECORD (user), "email");
  if (to == NULL || to[0] == '\0')
    return scim_cli_fail (SCIM_CLI_USAGE, _("The user has no e-mail: give one with --mail-to, or set it in "
                                            "Settings → Users."));

  for (guint i = 0; i < alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (alerts, i);

      if (alert->read_at != 0 || (!opt_digest && alert->mailed_at != 0))
        continue;
      g_ptr_array_add (chosen, alert);
      g_ptr_array_add (keys, alert->key);
    }
  if (chosen->len == 0)
    {
      g_print ("%s\n", _("Nothing to mail."));
      return SCIM_CLI_OK;
    }
  g_ptr_array_add (keys, NULL);

  if (opt_smtp_user != NULL && opt_smtp_user[0] != '\0')
    {
      const char *env = g_getenv ("SCIM_SMTP_PASSWORD");

      if (env != NULL)
        password = g_strdup (env);
      else
        {
          g_autoptr(GError) local = NULL;

          password = scim_cli_mail_lookup_password (host, opt_smtp_user, &local);
          if (password == NULL)
            return scim_cli_fail (SCIM_CLI_USAGE, _("No password for %s at %s: set SCIM_SMTP_PASSWORD, or save it "
                                                    "in the app’s Preferences (it goes to the keyring)%s%s"),
                                  opt_smtp_user, host, local != NULL ? ": " : ".",
                                  local != NULL ? local->message : "");
        }
    }
  account = (ScimMailAccount) { host, port, security, opt_smtp_user, password,
                                opt_mail_from != NULL ? opt_mail_from : to, opt_smtp_ca, 0 };
  body = scim_alerts_compose_mail (chosen, opt_digest, &subject);
  if (!scim_cli_mail_send (&account, to, subject, body, &error))
    {
      if (password != NULL)
        memset (password, 0, strlen (password));
      return scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
    }
  if (password != NULL)
    memset (password, 0, strlen (password));
  if (!scim_store_mark_alerts (store, (const char * const *) keys->pdata, SCIM_ALERT_MARK_MAILED, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Mailed %u alert to %s.\n", "Mailed %u alerts to %s.\n", chosen->len),
           chosen->len, to);
  return SCIM_CLI_OK;
}

static int
cmd_alerts (ScimCliGlobals  *g,
            int              argc,
            char           **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  ScimAlertOptions options = { 0 };
  ScimCliFormat format = SCIM_CLI_FORMAT_TEXT;
  int code = SCIM_CLI_OK;

  context = scim_cli_context ("alerts", NULL,
                              _("List the alerts of the user given by --user, as the app shows them: overdue tasks, "
                                "tasks due today, planned events coming up, others' news in your sales, plans to "
                                "make, leads waiting, idle and stuck sales. Unread ones are marked with •. For cron "
                                "or a systemd timer (see scim-sales-alerts.timer)."),
                              entries);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("%s takes no arguments."), "alerts");
  if (opt_format != NULL && !scim_cli_parse_format (opt_format, &format, &code))
    return code;
  if (opt_kinds != NULL && !parse_kinds (opt_kinds, &options.kinds, &code))
    return code;
  if (opt_kinds != NULL && options.kinds == 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--kinds: name at least one kind of alert."));
  if (opt_idle_days < 0 || opt_lead_minutes < 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--idle-days and --lead-minutes take a positive number."));
  options.idle_days = (guint) opt_idle_days;
  options.event_lead_minutes = (guint) opt_lead_minutes;

  if (g->user == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("Say whose alerts with --user LOGIN."));

  /* Only mailing and marking write; a listing opens as every reader does. */
  store = scim_cli_open_store (g, SCIM_STORE_NONE, opt_email || opt_mark_read, &code);
  if (store == NULL)
    return code;
  alerts = scim_store_list_alerts (store, &options, &error);
  if (alerts == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  if (opt_unread)
    for (guint i = alerts->len; i > 0; i--)
      if (((ScimAlert *) g_ptr_array_index (alerts, i - 1))->read_at != 0)
        g_ptr_array_remove_index (alerts, i - 1);

  if (opt_email)
    {
      code = mail_alerts (store, alerts);
      if (code != SCIM_CLI_OK)
        return code;
    }
  else
    print_alerts (alerts, format);
  if (opt_mark_read && alerts->len > 0)
    {
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();

      for (guint i = 0; i < alerts->len; i++)
        g_ptr_array_add (keys, ((ScimAlert *) g_ptr_array_index (alerts, i))->key);
      g_ptr_array_add (keys, NULL);
      if (!scim_store_mark_alerts (store, (const char * const *) keys->pdata, SCIM_ALERT_MARK_READ, &error))
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
    }
  return SCIM_CLI_OK;
}

const ScimCliCommand scim_cli_alerts_commands[] = {
  { "alerts", N_("List a user’s alerts: overdue tasks, news, plans to make"), cmd_alerts },
  { NULL }
};
