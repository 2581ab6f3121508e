/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-alerts-button"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scim-alerts-button.h"
#include "scim-sale-window.h"
#include "scim-window.h"

/* The alerts of the signed-in user: a button in the header with the
 * unread count, a list grouped by kind (open, snooze, mark read, mark all
 * read), and desktop notifications for what has not been shown yet.  The
 * alerts are computed on a worker every minute and after every change
 * from other users; what was shown and read is marked in the file, so it
 * holds across restarts and machines.  Many new alerts at once (start-up,
 * a long absence) make one summary notification, never a flood; quiet
 * hours hold them back until they end. */

/* More new alerts than this at once make one summary notification. */
#define MAX_SEPARATE_NOTIFICATIONS 3
#define REFRESH_SECONDS 60

struct _ScimAlertsButton
{
  GtkWidget      parent_instance;

  GtkWidget     *button;
  GtkWidget     *count_label;
  GtkWidget     *popover;
  GtkListBox    *list;
  GtkWidget     *empty_label;
  GtkWidget     *all_read_button;

  ScimStore     *store;
  GSettings     *settings;
  GCancellable  *cancellable;
  GPtrArray     *alerts;
  guint          timer;
  gboolean       loading;
  gboolean       again;
  guint          refreshes;
  guint          notified;

  /* Mail: one at a time; after a failure, again after a growing pause. */
  gboolean       mailing;
  gint64         next_mail_at;
  guint          backoff;
  gboolean       mail_failed;
  guint          mails_sent;
};

G_DEFINE_FINAL_TYPE (ScimAlertsButton, scim_alerts_button, GTK_TYPE_WIDGET)

/* Loading */

static gpointer
alerts_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  return scim_store_list_alerts (store, data, error);
}

typedef struct
{
  char **keys;
  int    mark;           /* ScimAlertMark, or -1 to snooze */
  gint64 until;
} MarkJob;

static void
mark_job_free (gpointer data)
{
  MarkJob *job = data;

  g_strfreev (job->keys);
  g_free (job);
}

static gpointer
mark_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  MarkJob *job = data;

  if (job->mark < 0)
    return scim_store_snooze_alert (store, job->keys[0], job->until, error) ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_mark_alerts (store, (const char * const *) job->keys, (ScimAlertMark) job->mark, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_marked_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimAlertsButton) self = user_data;
  g_autoptr(GError) error = NULL;

  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot mark alerts: %s", error->message);
  scim_alerts_button_refresh (self);
}

static void
run_mark (ScimAlertsButton *self,
          GPtrArray        *keys,
          int               mark,
          gint64            until,
          gboolean          refresh)
{
  MarkJob *job;

  if (self->store == NULL || keys->len == 0)
    return;
  job = g_new0 (MarkJob, 1);
  job->keys = g_new0 (char *, keys->len + 1);
  for (guint i = 0; i < keys->len; i++)
    job->keys[i] = g_strdup (g_ptr_array_index (keys, i));
  job->mark = mark;
  job->until = until;
  scim_store_run_async (self->store, mark_thread, job, mark_job_free, self->cancellable,
                        refresh ? on_marked_cb : NULL, refresh ? g_object_ref (self) : NULL);
}

/* The list */

static ScimAlert *
alert_of_row (ScimAlertsButton *self,
              GtkListBoxRow    *row)
{
  int index = gtk_list_box_row_get_index (row);

  return self->alerts != NULL && index >= 0 && (guint) index < self->alerts->len
         ? g_ptr_array_index (self->alerts, index) : NULL;
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  ScimAlertsButton *self = user_data;
  ScimAlert *alert = alert_of_row (self, row);
  ScimAlert *previous = before != NULL ? alert_of_row (self, before) : NULL;
  GtkWidget *label;

  if (alert == NULL || (previous != NULL && previous->kind == alert->kind))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (scim_alert_kind_get_label (alert->kind));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, before != NULL ? 12 : 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_box_row_set_header (row, label);
}

static GMenuModel *
snooze_menu (const char *key)
{
  GMenu *menu = g_menu_new ();
  static const struct { const char *label; const char *action; } items[] = {
    { N_("For 15 Minutes"), "alerts.snooze-15" },
    { N_("For an Hour"), "alerts.snooze-60" },
    { N_("Until Tomorrow"), "alerts.snooze-tomorrow" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, items[i].action, g_variant_new_string (key));
      g_menu_append_item (menu, item);
    }
  return G_MENU_MODEL (menu);
}

static void
rebuild_list (ScimAlertsButton *self)
{
  GtkWidget *child;
  guint unread = scim_alerts_button_get_unread (self);
  g_autofree char *count = g_strdup_printf ("%u", unread);
  g_autofree char *tooltip = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; self->alerts != NULL && i < self->alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (self->alerts, i);
      GtkWidget *row = adw_action_row_new ();
      g_autoptr(GMenuModel) menu = snooze_menu (alert->key);
      GtkWidget *snooze = gtk_menu_button_new ();
      GtkWidget *mark;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), alert->title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), alert->body);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      if (alert->read_at == 0)
        {
          /* The unread dot marks it read without opening it, as in mail. */
          mark = gtk_button_new_from_icon_name ("mail-unread-symbolic");
          gtk_widget_add_css_class (mark, "flat");
          gtk_widget_set_valign (mark, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (mark), "alerts.mark-read");
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (mark), g_variant_new_string (alert->key));
          gtk_widget_set_tooltip_text (mark, _("Mark as Read"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Mark as Read"),
                                          -1);
        }
      else
        {
          mark = gtk_image_new_from_icon_name ("mail-read-symbolic");
          gtk_widget_set_opacity (mark, 0.4);
          gtk_widget_set_margin_start (mark, 9);
          gtk_widget_set_margin_end (mark, 9);
          gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Read"), -1);
        }
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), mark);
      if (alert->read_at == 0)
        gtk_widget_add_css_class (row, "alert-unread");

      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (snooze), "alarm-symbolic");
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (snooze), menu);
      gtk_widget_set_valign (snooze, GTK_ALIGN_CENTER);
      gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (snooze), FALSE);
      gtk_widget_set_tooltip_text (snooze, _("Snooze"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (snooze), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Snooze"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), snooze);
      gtk_list_box_append (self->list, row);
    }
  gtk_widget_set_visible (self->empty_label, self->alerts == NULL || self->alerts->len == 0);
  gtk_widget_set_sensitive (self->all_read_button, unread > 0);
  gtk_label_set_label (GTK_LABEL (self->count_label), count);
  gtk_widget_set_visible (self->count_label, unread > 0);
  tooltip = unread > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Alerts: %u unread", "Alerts: %u unread",
                                                       unread), unread)
                       : g_strdup (_("Alerts"));
  gtk_widget_set_tooltip_text (self->button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

/* Opens what the alert is about: its sale, the Leads page, the product. */
static void
open_alert (ScimAlertsButton *self,
            ScimAlert        *alert)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_ptr_array_add (keys, alert->key);
  run_mark (self, keys, SCIM_ALERT_MARK_READ, 0, TRUE);
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  if (alert->sale_id != 0)
    scim_sale_window_open (GTK_WINDOW (root), self->store, alert->sale_id);
  else if (SCIM_IS_WINDOW (root) && alert->kind == SCIM_ALERT_LEADS_WAITING)
    scim_window_set_page (SCIM_WINDOW (root), "leads");
  else if (SCIM_IS_WINDOW (root))
    scim_window_set_page (SCIM_WINDOW (root), "settings");
}

static void
on_row_activated_cb (GtkListBox       *list,
                     GtkListBoxRow    *row,
                     ScimAlertsButton *self)
{
  ScimAlert *alert = alert_of_row (self, row);

  if (alert != NULL)
    open_alert (self, alert);
}

/* Mail */

#define MAX_BACKOFF (30 * 60)

typedef struct
{
  char             *host;
  guint             port;
  ScimMailSecurity  security;
  char             *user;
  char             *from;
  char             *ca_file;
  char             *digest_key;   /* claim before a digest; NULL: new alerts */
  char             *subject;
  char             *body;
  char            **keys;         /* marked mailed once sent */
  char             *to;           /* from the user, on the worker */
} MailJob;

static void
mail_job_free (gpointer data)
{
  MailJob *job = data;

  g_free (job->host);
  g_free (job->user);
  g_free (job->from);
  g_free (job->ca_file);
  g_free (job->digest_key);
  g_free (job->subject);
  g_free (job->body);
  g_strfreev (job->keys);
  g_free (job->to);
  g_free (job);
}

static gpointer
mail_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  MailJob *job = data;
  g_autoptr(ScimUser) user = scim_store_get_user (store, scim_store_get_user_id (store), error);
  g_autofree char *password = NULL;
  ScimMailAccount account = { 0 };
  const char *to;
  gboolean claimed = TRUE;
  gboolean sent;

  if (user == NULL)
    return NULL;
  to = scim_record_get_string (SCIM_RECORD (user), "email");
  if (to == NULL || to[0] == '\0')
    {
      g_set_error_literal (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_INVALID,
                           _("Alerts are not mailed: your user has no e-mail. Ask an administrator to set it in "
                             "Settings → Users."));
      return NULL;
    }
  if (job->user != NULL && job->user[0] != '\0')
    {
      GError *local = NULL;

      password = scim_mail_lookup_password (job->host, job->user, cancellable, &local);
      if (password == NULL)
        {
          if (local == NULL)
            g_set_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_LOGIN,
                         _("Alerts are not mailed: no password for %s at %s. Save it in Preferences → E-mail."),
                         job->user, job->host);
          else
            g_propagate_error (error, local);
          return NULL;
        }
    }
  /* One digest a day, whichever machine sends it. */
  if (job->digest_key != NULL && !scim_store_claim_alert (store, job->digest_key, &claimed, error))
    return NULL;
  if (!claimed)
    return GINT_TO_POINTER (TRUE);
  account = (ScimMailAccount) { job->host, job->port, job->security, job->user, password,
                                job->from != NULL && job->from[0] != '\0' ? job->from : to, job->ca_file, 0 };
  sent = scim_mail_send (&account, to, job->subject, job->body, cancellable, error);
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  if (!sent)
    {
      if (job->digest_key != NULL)
        scim_store_release_alert (store, job->digest_key, NULL);
      return NULL;
    }
  /* Sent: only now is it marked. */
  if (job->keys != NULL && job->keys[0] != NULL &&
      !scim_store_mark_alerts (store, (const char * const *) job->keys, SCIM_ALERT_MARK_MAILED, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
toast (ScimAlertsButton *self,
       const char       *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *overlay = root != NULL ? gtk_widget_get_first_child (GTK_WIDGET (root)) : NULL;

  while (overlay != NULL && !ADW_IS_TOAST_OVERLAY (overlay))
    overlay = gtk_widget_get_first_child (overlay);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
on_mailed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimAlertsButton) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  self->mailing = FALSE;
  if (scim_store_run_finish (SCIM_STORE (source), result, &error) != NULL)
    {
      self->backoff = 0;
      self->next_mail_at = 0;
      self->mail_failed = FALSE;
      self->mails_sent++;
      scim_alerts_button_refresh (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_object_set_data (G_OBJECT (self), "digest-done", NULL);
  /* Shown once; tried again later, more and more seldom; nothing marked. */
  if (!self->mail_failed)
    toast (self, error->message);
  self->mail_failed = TRUE;
  self->backoff = self->backoff == 0 ? 60 : MIN (self->backoff * 2, MAX_BACKOFF);
  self->next_mail_at = now + self->backoff;
  g_debug ("Mail failed (%s); next try in %u s", error->message, self->backoff);
}

static void
maybe_mail (ScimAlertsButton *self)
{
  g_auto(GStrv) kinds = NULL;
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autofree char *host = NULL;
  g_autofree char *security = NULL;
  g_autofree char *digest_key = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now);
  int digest_at = g_settings_get_int (self->settings, "digest-time");
  int minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  gboolean digest = FALSE;
  MailJob *job;

  if (self->alerts == NULL || self->mailing || now < self->next_mail_at ||
      !g_settings_get_boolean (self->settings, "mail-enabled"))
    return;
  host = g_settings_get_string (self->settings, "smtp-host");
  if (host[0] == '\0')
    return;
  kinds = g_settings_get_strv (self->settings, "mail-kinds");

  /* The daily digest once its time has come, else what mails at once. */
  if (digest_at >= 0 && minute >= digest_at)
    {
      g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");
      gboolean done = FALSE;

      digest_key = g_strdup_printf ("digest:%s", day);
      done = g_strcmp0 (g_object_get_data (G_OBJECT (self), "digest-done"), digest_key) == 0;
      digest = !done;
    }
  for (guint i = 0; i < self->alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (self->alerts, i);

      if (alert->read_at != 0)
        continue;
      if (digest || (alert->mailed_at == 0 &&
                     g_strv_contains ((const char * const *) kinds, scim_alert_kind_to_string (alert->kind))))
        {
          g_ptr_array_add (chosen, alert);
          if (alert->mailed_at == 0)
            g_ptr_array_add (keys, g_strdup (alert->key));
        }
    }
  if (digest)
    g_object_set_data_full (G_OBJECT (self), "digest-done", g_strdup (digest_key), g_free);
  if (chosen->len == 0)
    return;

  job = g_new0 (MailJob, 1);
  job->host = g_steal_pointer (&host);
  job->port = (guint) g_settings_get_int (self->settings, "smtp-port");
  security = g_settings_get_string (self->settings, "smtp-security");
  scim_mail_security_from_string (security, &job->security);
  job->user = g_settings_get_string (self->settings, "smtp-user");
  job->from = g_settings_get_string (self->settings, "mail-from");
  job->ca_file = g_strdup (g_getenv ("SCIM_SMTP_CA_FILE"));
  job->digest_key = digest ? g_steal_pointer (&digest_key) : NULL;
  job->body = scim_alerts_compose_mail (chosen, digest, &job->subject);
  g_ptr_array_add (keys, NULL);
  job->keys = (char **) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
  self->mailing = TRUE;
  scim_store_run_async (self->store, mail_thread, job, mail_job_free, self->cancellable, on_mailed_cb,
                        g_object_ref (self));
}

/* Desktop notifications */

static gboolean
kind_notifies (ScimAlertsButton *self,
               ScimAlertKind     kind)
{
  g_auto(GStrv) kinds = g_settings_get_strv (self->settings, "notify-kinds");

  return g_strv_contains ((const char * const *) kinds, scim_alert_kind_to_string (kind));
}

static gboolean
snoozable (ScimAlertKind kind)
{
  return kind == SCIM_ALERT_TASK_OVERDUE || kind == SCIM_ALERT_TASK_DUE_TODAY || kind == SCIM_ALERT_EVENT_SOON;
}

static void
deliver (ScimAlertsButton *self)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (app == NULL || self->alerts == NULL)
    return;
  if (scim_alerts_quiet (now, (guint) g_settings_get_int (self->settings, "quiet-start"),
                         (guint) g_settings_get_int (self->settings, "quiet-end")))
    return;   /* kept undelivered: a summary when the quiet hours end */
  for (guint i = 0; i < self->alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (self->alerts, i);

      if (!scim_alert_needs_delivery (alert))
        continue;
      g_ptr_array_add (keys, alert->key);
      if (kind_notifies (self, alert->kind))
        g_ptr_array_add (fresh, alert);
    }

  if (fresh->len > MAX_SEPARATE_NOTIFICATIONS)
    {
      g_autofree char *summary = scim_alerts_summarize (fresh);
      g_autoptr(GString) body = g_string_new (NULL);
      g_autoptr(GNotification) notification = g_notification_new (summary);

      for (guint i = 0; i < fresh->len && i < 3; i++)
        g_string_append_printf (body, "%s%s", i > 0 ? "\n" : "", ((ScimAlert *) g_ptr_array_index (fresh, i))->title);
      if (fresh->len > 3)
        g_string_append (body, "\n…");
      g_notification_set_body (notification, body->str);
      g_notification_set_default_action (notification, "app.show-alerts");
      g_notification_add_button (notification, _("Show Alerts"), "app.show-alerts");
      g_application_send_notification (app, "alerts-summary", notification);
      self->notified++;
    }
  else
    for (guint i = 0; i < fresh->len; i++)
      {
        ScimAlert *alert = g_ptr_array_index (fresh, i);
        g_autoptr(GNotification) notification = g_notification_new (alert->title);

        g_notification_set_body (notification, alert->body);
        if (alert->kind == SCIM_ALERT_TASK_OVERDUE)
          g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
        if (alert->sale_id != 0)
          {
            g_notification_set_default_action_and_target (notification, "app.open-sale", "x", alert->sale_id);
            g_notification_add_button_with_target (notification, _("Open"), "app.open-sale", "x", alert->sale_id);
          }
        else
          {
            g_notification_set_default_action (notification, "app.show-alerts");
            g_notification_add_button (notification, _("Open"), "app.show-alerts");
          }
        if (snoozable (alert->kind))
          g_notification_add_button_with_target (notification, _("Snooze"), "app.snooze-alert", "s", alert->key);
        g_application_send_notification (app, alert->key, notification);
        self->notified++;
      }
  /* Shown (or not wanted on the desktop): once per user, everywhere. */
  run_mark (self, keys, SCIM_ALERT_MARK_DELIVERED, 0, FALSE);
  for (guint i = 0; i < self->alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (self->alerts, i);

      if (scim_alert_needs_delivery (alert))
        alert->delivered_at = now;
    }
}

static void
on_alerts_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ScimAlertsButton) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *alerts;

  self->loading = FALSE;
  alerts = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (SCIM_STORE (source) != self->store)
    {
      g_clear_pointer (&alerts, g_ptr_array_unref);
      return;
    }
  if (alerts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Alerts not loaded: %s", error->message);
      return;
    }
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  self->alerts = alerts;
  self->refreshes++;
  rebuild_list (self);
  deliver (self);
  maybe_mail (self);
  if (self->again)
    {
      self->again = FALSE;
      scim_alerts_button_refresh (self);
    }
}

/**
 * scim_alerts_button_refresh:
 * @self: a #ScimAlertsButton
 *
 * Computes the alerts again on a worker, shows them and notifies the new
 * ones.  A refresh asked for while one runs runs after it.
 */
void
scim_alerts_button_refresh (ScimAlertsButton *self)
{
  ScimAlertOptions *options;

  g_return_if_fail (SCIM_IS_ALERTS_BUTTON (self));
  if (self->store == NULL || scim_store_get_user_id (self->store) == 0)
    return;
  if (self->loading)
    {
      self->again = TRUE;
      return;
    }
  options = g_new0 (ScimAlertOptions, 1);
  options->event_lead_minutes = (guint) g_settings_get_int (self->settings, "event-lead-minutes");
  options->idle_days = (guint) g_settings_get_int (self->settings, "idle-days");
  self->loading = TRUE;
  scim_store_run_async (self->store, alerts_thread, options, g_free, self->cancellable, on_alerts_loaded_cb,
                        g_object_ref (self));
}

static gboolean
refresh_timeout_cb (gpointer data)
{
  scim_alerts_button_refresh (data);
  return G_SOURCE_CONTINUE;
}

static void
on_store_changed_cb (ScimStore        *store,
                     GPtrArray        *changes,
                     ScimAlertsButton *self)
{
  scim_alerts_button_refresh (self);
}

/**
 * scim_alerts_button_set_store:
 * @self: a #ScimAlertsButton
 * @store: (nullable): the store, signed in; %NULL stops the checks
 */
void
scim_alerts_button_set_store (ScimAlertsButton *self,
                              ScimStore        *store)
{
  g_return_if_fail (SCIM_IS_ALERTS_BUTTON (self));

  if (self->store == store)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  self->loading = FALSE;
  self->again = FALSE;
  self->mailing = FALSE;
  rebuild_list (self);
  if (store == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, G_CONNECT_DEFAULT);
  self->timer = g_timeout_add_seconds (REFRESH_SECONDS, refresh_timeout_cb, self);
  scim_alerts_button_refresh (self);
}

/* Actions */

void
scim_alerts_button_snooze (ScimAlertsButton *self,
                           const char       *key,
                           gint64            until)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_return_if_fail (SCIM_IS_ALERTS_BUTTON (self));
  g_ptr_array_add (keys, (gpointer) key);
  run_mark (self, keys, -1, until, TRUE);
  if (g_application_get_default () != NULL)
    g_application_withdraw_notification (g_application_get_default (), key);
}

static void
snooze_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScimAlertsButton *self = SCIM_ALERTS_BUTTON (widget);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 until;

  if (g_str_equal (action_name, "alerts.snooze-15"))
    until = now + 15 * 60;
  else if (g_str_equal (action_name, "alerts.snooze-60"))
    until = now + 60 * 60;
  else
    {
      /* Tomorrow at nine, local time. */
      g_autoptr(GDateTime) local = g_date_time_new_now_local ();
      g_autoptr(GDateTime) next = g_date_time_add_days (local, 1);
      g_autoptr(GDateTime) nine = g_date_time_new_local (g_date_time_get_year (next), g_date_time_get_month (next),
                                                         g_date_time_get_day_of_month (next), 9, 0, 0);
      until = g_date_time_to_unix (nine);
    }
  scim_alerts_button_snooze (self, g_variant_get_string (parameter, NULL), until);
}

/**
 * scim_alerts_button_mark_read:
 * @self: a #ScimAlertsButton
 * @key: the alert's key
 *
 * Marks one alert read, on every computer that opens the file.
 */
void
scim_alerts_button_mark_read (ScimAlertsButton *self,
                              const char       *key)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_return_if_fail (SCIM_IS_ALERTS_BUTTON (self));
  g_ptr_array_add (keys, (gpointer) key);
  run_mark (self, keys, SCIM_ALERT_MARK_READ, 0, TRUE);
  if (g_application_get_default () != NULL)
    g_application_withdraw_notification (g_application_get_default (), key);
}

static void
mark_read_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  scim_alerts_button_mark_read (SCIM_ALERTS_BUTTON (widget), g_variant_get_string (parameter, NULL));
}

/**
 * scim_alerts_button_mark_all_read:
 * @self: a #ScimAlertsButton
 */
void
scim_alerts_button_mark_all_read (ScimAlertsButton *self)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  g_return_if_fail (SCIM_IS_ALERTS_BUTTON (self));
  for (guint i = 0; self->alerts != NULL && i < self->alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (self->alerts, i);

      if (alert->read_at == 0)
        g_ptr_array_add (keys, alert->key);
    }
  run_mark (self, keys, SCIM_ALERT_MARK_READ, 0, TRUE);
}

static void
on_all_read_clicked_cb (GtkButton        *button,
                        ScimAlertsButton *self)
{
  scim_alerts_button_mark_all_read (self);
}

void
scim_alerts_button_popup (ScimAlertsButton *self)
{
  g_return_if_fail (SCIM_IS_ALERTS_BUTTON (self));
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->button));
}

/* Object */

static void
scim_alerts_button_dispose (GObject *object)
{
  ScimAlertsButton *self = SCIM_ALERTS_BUTTON (object);

  scim_alerts_button_set_store (self, NULL);
  g_clear_pointer (&self->button, gtk_widget_unparent);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (scim_alerts_button_parent_class)->dispose (object);
}

static void
scim_alerts_button_class_init (ScimAlertsButtonClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = scim_alerts_button_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "alerts.mark-read", "s", mark_read_action_cb);
  gtk_widget_class_install_action (widget_class, "alerts.snooze-15", "s", snooze_action_cb);
  gtk_widget_class_install_action (widget_class, "alerts.snooze-60", "s", snooze_action_cb);
  gtk_widget_class_install_action (widget_class, "alerts.snooze-tomorrow", "s", snooze_action_cb);
}

static void
scim_alerts_button_init (ScimAlertsButton *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (_("Alerts"));
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->settings = g_settings_new (APP_ID);

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("preferences-system-notifications-symbolic"));
  self->count_label = gtk_label_new ("0");
  gtk_widget_add_css_class (self->count_label, "alerts-count");
  gtk_widget_set_visible (self->count_label, FALSE);
  gtk_box_append (GTK_BOX (box), self->count_label);

  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_child (GTK_MENU_BUTTON (self->button), box);
  gtk_widget_set_parent (self->button, GTK_WIDGET (self));

  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_hexpand (title, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (top), title);
  self->all_read_button = gtk_button_new_with_mnemonic (_("Mark All _Read"));
  gtk_widget_add_css_class (self->all_read_button, "flat");
  g_signal_connect_object (self->all_read_button, "clicked", G_CALLBACK (on_all_read_clicked_cb), self,
                           G_CONNECT_DEFAULT);
  gtk_box_append (GTK_BOX (top), self->all_read_button);
  gtk_box_append (GTK_BOX (content), top);

  self->empty_label = gtk_label_new (_("Nothing to do right now: no alerts."));
  gtk_widget_add_css_class (self->empty_label, "dim-label");
  gtk_widget_set_margin_top (self->empty_label, 24);
  gtk_widget_set_margin_bottom (self->empty_label, 24);
  gtk_box_append (GTK_BOX (content), self->empty_label);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_header_func (self->list, header_func, self, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "alerts-list");
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (on_row_activated_cb), self, G_CONNECT_DEFAULT);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 560);
  gtk_widget_set_size_request (scroller, 400, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (content), scroller);

  self->popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (self->popover), content);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->button), self->popover);
  rebuild_list (self);
}

GtkWidget *
scim_alerts_button_new (void)
{
  return g_object_new (SCIM_TYPE_ALERTS_BUTTON, NULL);
}

/* For tests */

GPtrArray *
scim_alerts_button_get_alerts (ScimAlertsButton *self)
{
  g_return_val_if_fail (SCIM_IS_ALERTS_BUTTON (self), NULL);
  return self->alerts;
}

guint
scim_alerts_button_get_unread (ScimAlertsButton *self)
{
  guint n = 0;

  g_return_val_if_fail (SCIM_IS_ALERTS_BUTTON (self), 0);
  for (guint i = 0; self->alerts != NULL && i < self->alerts->len; i++)
    n += ((ScimAlert *) g_ptr_array_index (self->alerts, i))->read_at == 0;
  return n;
}

guint
scim_alerts_button_get_refreshes (ScimAlertsButton *self)
{
  g_return_val_if_fail (SCIM_IS_ALERTS_BUTTON (self), 0);
  return self->refreshes;
}

guint
scim_alerts_button_get_notified (ScimAlertsButton *self)
{
  g_return_val_if_fail (SCIM_IS_ALERTS_BUTTON (self), 0);
  return self->notified;
}

GtkWidget *
scim_alerts_button_get_popover (ScimAlertsButton *self)
{
  g_return_val_if_fail (SCIM_IS_ALERTS_BUTTON (self), NULL);
  return self->popover;
}

guint
scim_alerts_button_get_mails_sent (ScimAlertsButton *self)
{
  g_return_val_if_fail (SCIM_IS_ALERTS_BUTTON (self), 0);
  return self->mails_sent;
}

gboolean
scim_alerts_button_get_mail_failed (ScimAlertsButton *self)
{
  g_return_val_if_fail (SCIM_IS_ALERTS_BUTTON (self), FALSE);
  return self->mail_failed;
}

/* For tests: try the mail now, not after the pause. */
void
scim_alerts_button_retry_mail (ScimAlertsButton *self)
{
  g_return_if_fail (SCIM_IS_ALERTS_BUTTON (self));
  self->next_mail_at = 0;
  scim_alerts_button_refresh (self);
}
