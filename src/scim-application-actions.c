/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-application-private.h"
#include "scim-window.h"
#include "scim-preferences.h"

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "SCIM", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("SCIM Sales"),
                        "application-icon", APP_ID,
                        "developer-name", "SCIM",
                        "version", PACKAGE_VERSION,
                        "website", "https://scim.ru",
                        "support-url", "mailto:scim@scim.ru",
                        "comments", _("Run a sales department by the pushing method: every lead moves through "
                                      "its product’s funnel with a plan of concrete tasks, and the head of sales "
                                      "controls every plan every day."),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  scim_application_open_window (SCIM_APPLICATION (user_data), NULL, NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);

  /* Close the windows first so each ends its session in the file. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_destroy (GTK_WINDOW (windows->data));
      windows = next;
    }
  g_application_quit (G_APPLICATION (app));
}

/* The window to bring up for a notification: the active one, else any,
 * hidden in the background or not. */
static ScimWindow *
notified_window (GtkApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (app);
  GList *windows = gtk_application_get_windows (app);

  for (GList *l = windows; window == NULL && l != NULL; l = l->next)
    if (SCIM_IS_WINDOW (l->data))
      window = l->data;
  return window != NULL && SCIM_IS_WINDOW (window) ? SCIM_WINDOW (window) : NULL;
}

static void
show_alerts_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ScimWindow *window = notified_window (GTK_APPLICATION (user_data));

  if (window == NULL)
    return;
  gtk_window_present (GTK_WINDOW (window));
  scim_alerts_button_popup (scim_window_get_alerts_button (window));
}

static void
open_sale_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ScimWindow *window = notified_window (GTK_APPLICATION (user_data));

  if (window != NULL)
    scim_window_open_sale (window, g_variant_get_int64 (parameter));
}

static void
snooze_alert_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ScimWindow *window = notified_window (GTK_APPLICATION (user_data));

  if (window != NULL)
    scim_alerts_button_snooze (scim_window_get_alerts_button (window), g_variant_get_string (parameter, NULL),
                               g_get_real_time () / G_USEC_PER_SEC + 15 * 60);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  scim_preferences_new (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "show-alerts", show_alerts_action },
  { "open-sale", open_sale_action, "x" },
  { "snooze-alert", snooze_alert_action, "s" },
  { "new-window", new_window_action },
  { "quit", quit_action },
};

void
_scim_application_install_actions (ScimApplication *self)
{
  GtkApplication *app = GTK_APPLICATION (self);
  static const struct { const char *action; const char *accels[2]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "win.switch-file", { "<Control>o", NULL } },
    { "win.page::funnel", { "<Control>1", NULL } },
    { "win.page::control", { "<Control>2", NULL } },
    { "win.page::book", { "<Control>3", NULL } },
    { "win.page::leads", { "<Control>4", NULL } },
    { "win.page::settings", { "<Control>5", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.refresh", { "F5", NULL } },
    { "win.new-lead", { "<Control><Shift>n", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}
