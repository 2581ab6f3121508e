/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-preferences"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scim-autostart.h"
#include "scim-preferences.h"

/* Preferences: which alerts pop up on the desktop, how early a planned
 * event alerts, quiet hours, running in the background; the e-mail of
 * alerts (the SMTP account, which kinds mail at once, the daily digest).
 * Everything is GSettings, of this user on this machine, except the SMTP
 * password: that goes to the desktop keyring, on a worker, and is never
 * written to GSettings or the database. */

struct _ScimPreferences
{
  AdwPreferencesWindow parent_instance;

  GSettings           *settings;
  AdwEntryRow         *host_row;
  AdwEntryRow         *user_row;
  AdwPasswordEntryRow *password_row;
  GtkWidget           *password_status;
  AdwActionRow        *autostart_row;
  GtkSwitch           *autostart_switch;
  GCancellable        *cancellable;
  guint                keyring_jobs;
  guint                autostart_jobs;
  gboolean             autostart_syncing;
};

G_DEFINE_FINAL_TYPE (ScimPreferences, scim_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/* A switch for a kind in a strv key of kinds. */
typedef struct
{
  GSettings    *settings;
  const char   *key;
  ScimAlertKind kind;
} KindSwitch;

static void
on_kind_toggled_cb (GtkSwitch  *toggle,
                    GParamSpec *pspec,
                    KindSwitch *data)
{
  g_auto(GStrv) kinds = g_settings_get_strv (data->settings, data->key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) result = NULL;
  const char *id = scim_alert_kind_to_string (data->kind);

  for (guint i = 0; kinds[i] != NULL; i++)
    if (!g_str_equal (kinds[i], id))
      g_strv_builder_add (builder, kinds[i]);
  if (gtk_switch_get_active (toggle))
    g_strv_builder_add (builder, id);
  result = g_strv_builder_end (builder);
  g_settings_set_strv (data->settings, data->key, (const char * const *) result);
}

static void
add_kind_switches (ScimPreferences     *self,
                   AdwPreferencesGroup *group,
                   const char          *key)
{
  g_auto(GStrv) kinds = g_settings_get_strv (self->settings, key);

  for (guint k = 0; k < SCIM_ALERT_N_KINDS; k++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();
      KindSwitch *data = g_new0 (KindSwitch, 1);

      data->settings = self->settings;
      data->key = key;
      data->kind = (ScimAlertKind) k;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scim_alert_kind_get_label ((ScimAlertKind) k));
      gtk_switch_set_active (GTK_SWITCH (toggle),
                             g_strv_contains ((const char * const *) kinds, scim_alert_kind_to_string (k)));
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      g_object_set_data_full (G_OBJECT (toggle), "kind-switch", data, g_free);
      g_signal_connect (toggle, "notify::active", G_CALLBACK (on_kind_toggled_cb), data);
      adw_preferences_group_add (group, row);
    }
}

static GtkWidget *
switch_row (GSettings  *settings,
            const char *key,
            const char *title,
            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_settings_bind (settings, key, toggle, "active", G_SETTINGS_BIND_DEFAULT);
  return row;
}

/* A number of a GSettings key, shown in @scale units (60: hours of a key
 * in minutes). */
static gboolean
to_units (GValue   *value,
          GVariant *variant,
          gpointer  user_data)
{
  g_value_set_double (value, (double) g_variant_get_int32 (variant) / GPOINTER_TO_INT (user_data));
  return TRUE;
}

static GVariant *
from_units (const GValue       *value,
            const GVariantType *type,
            gpointer            user_data)
{
  return g_variant_new_int32 ((gint32) (g_value_get_double (value) * GPOINTER_TO_INT (user_data)));
}

static GtkWidget *
spin_row (GSettings  *settings,
          const char *key,
          const char *title,
          const char *subtitle,
          double      lower,
          double      upper,
          int         scale)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_settings_bind_with_mapping (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT, to_units, from_units,
                                GINT_TO_POINTER (scale), NULL);
  return row;
}

static gboolean
security_to_index (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  ScimMailSecurity security = SCIM_MAIL_STARTTLS;

  scim_mail_security_from_string (g_variant_get_string (variant, NULL), &security);
  g_value_set_uint (value, (guint) security);
  return TRUE;
}

static GVariant *
security_from_index (const GValue       *value,
                     const GVariantType *type,
                     gpointer            user_data)
{
  return g_variant_new_string (scim_mail_security_to_string ((ScimMailSecurity) g_value_get_uint (value)));
}

static GtkWidget *
entry_row (GSettings  *settings,
           const char *key,
           const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  g_settings_bind (settings, key, row, "text", G_SETTINGS_BIND_DEFAULT);
  return row;
}

/* The password: to the keyring on a worker */

typedef struct
{
  char *host;
  char *user;
  char *password;
} Secret;

static void
secret_free (gpointer data)
{
  Secret *secret = data;

  g_free (secret->host);
  g_free (secret->user);
  if (secret->password != NULL)
    explicit_bzero (secret->password, strlen (secret->password));
  g_free (secret->password);
  g_free (secret);
}

static void
store_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Secret *secret = data;
  GError *error = NULL;

  if (scim_mail_store_password (secret->host, secret->user, secret->password, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_password_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ScimPreferences) self = user_data;
  g_autoptr(GError) error = NULL;

  self->keyring_jobs--;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    gtk_label_set_label (GTK_LABEL (self->password_status), _("Saved in the keyring"));
  else
    {
      g_autofree char *text = g_strdup_printf (_("Not saved: %s"), error->message);

      gtk_label_set_label (GTK_LABEL (self->password_status), text);
    }
}

/**
 * scim_preferences_save_password:
 * @self: a #ScimPreferences
 *
 * Saves the password as typed to the keyring for the server and login
 * shown, and clears the field; an empty field forgets it.
 */
void
scim_preferences_save_password (ScimPreferences *self)
{
  Secret *secret = g_new0 (Secret, 1);
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_password_stored_cb, g_object_ref (self));

  secret->host = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_row)));
  secret->user = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row)));
  secret->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (secret->host[0] == '\0' || secret->user[0] == '\0')
    {
      gtk_label_set_label (GTK_LABEL (self->password_status), _("Set the server and the login first"));
      secret_free (secret);
      g_task_return_boolean (task, FALSE);
      return;
    }
  self->keyring_jobs++;
  gtk_label_set_label (GTK_LABEL (self->password_status), _("Saving…"));
  g_task_set_task_data (task, secret, secret_free);
  g_task_run_in_thread (task, store_thread);
}

static void
on_password_apply_cb (AdwEntryRow     *row,
                      ScimPreferences *self)
{
  scim_preferences_save_password (self);
}

gboolean
scim_preferences_get_keyring_busy (ScimPreferences *self)
{
  g_return_val_if_fail (SCIM_IS_PREFERENCES (self), FALSE);
  return self->keyring_jobs > 0;
}

/* For tests: flip the start at login as a person would. */
void
scim_preferences_set_autostart (ScimPreferences *self,
                                gboolean         enable)
{
  g_return_if_fail (SCIM_IS_PREFERENCES (self));
  gtk_switch_set_active (self->autostart_switch, enable);
}

gboolean
scim_preferences_get_autostart (ScimPreferences *self)
{
  g_return_val_if_fail (SCIM_IS_PREFERENCES (self), FALSE);
  return gtk_switch_get_active (self->autostart_switch);
}

gboolean
scim_preferences_get_autostart_busy (ScimPreferences *self)
{
  g_return_val_if_fail (SCIM_IS_PREFERENCES (self), FALSE);
  return self->autostart_jobs > 0;
}

const char *
scim_preferences_get_autostart_status (ScimPreferences *self)
{
  g_return_val_if_fail (SCIM_IS_PREFERENCES (self), NULL);
  return adw_action_row_get_subtitle (self->autostart_row);
}

/* Start at login: the autostart entry or the Background portal */

#define AUTOSTART_SUBTITLE _("Hidden, for the alerts; it keeps running in the background")

static void
set_autostart_switch (ScimPreferences *self,
                      gboolean         active)
{
  self->autostart_syncing = TRUE;
  gtk_switch_set_active (self->autostart_switch, active);
  self->autostart_syncing = FALSE;
}

static void
on_autostart_set_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ScimPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean wanted;

  self->autostart_jobs--;
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->autostart_switch), TRUE);
  wanted = gtk_switch_get_active (self->autostart_switch);
  if (scim_autostart_set_finish (result, &error))
    {
      g_settings_set_boolean (self->settings, "autostart", wanted);
      if (wanted)
        g_settings_set_boolean (self->settings, "run-in-background", TRUE);
      adw_action_row_set_subtitle (self->autostart_row, AUTOSTART_SUBTITLE);
    }
  else
    {
      set_autostart_switch (self, !wanted);
      adw_action_row_set_subtitle (self->autostart_row, error->message);
    }
}

static void
on_autostart_toggled_cb (GtkSwitch       *toggle,
                         GParamSpec      *pspec,
                         ScimPreferences *self)
{
  if (self->autostart_syncing)
    return;
  self->autostart_jobs++;
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), FALSE);
  adw_action_row_set_subtitle (self->autostart_row, scim_autostart_uses_portal () ? _("Asking the desktop…")
                                                                                   : _("Saving…"));
  scim_autostart_set_async (gtk_switch_get_active (toggle), self->cancellable, on_autostart_set_cb,
                            g_object_ref (self));
}

static GtkWidget *
autostart_row (ScimPreferences *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  self->autostart_row = ADW_ACTION_ROW (row);
  self->autostart_switch = GTK_SWITCH (toggle);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Start at _login"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), AUTOSTART_SUBTITLE);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  set_autostart_switch (self, scim_autostart_get_enabled (g_settings_get_boolean (self->settings, "autostart")));
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_autostart_toggled_cb), self, G_CONNECT_DEFAULT);
  return row;
}

/* The window */

static void
scim_preferences_dispose (GObject *object)
{
  ScimPreferences *self = SCIM_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (scim_preferences_parent_class)->dispose (object);
}

static void
scim_preferences_class_init (ScimPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = scim_preferences_dispose;
}

static void
scim_preferences_init (ScimPreferences *self)
{
  AdwPreferencesPage *alerts = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesPage *mail = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *desktop = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *timing = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *account = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *mailed = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *security;
  static const char *securities[] = { N_("STARTTLS (port 587)"), N_("TLS (port 465)"),
                                      N_("None (a server on this computer)"), NULL };
  g_autoptr(GtkStringList) security_list = gtk_string_list_new (NULL);

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Preferences"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 720);

  adw_preferences_page_set_title (alerts, _("Alerts"));
  adw_preferences_page_set_icon_name (alerts, "preferences-system-notifications-symbolic");
  adw_preferences_group_set_title (timing, _("When"));
  adw_preferences_group_add (timing, spin_row (self->settings, "event-lead-minutes", _("Planned events, minutes _ahead"),
                                               _("How early a meeting, call or demo alerts"), 1, 1440, 1));
  adw_preferences_group_add (timing, spin_row (self->settings, "quiet-start", _("Quiet from, _hour"),
                                               _("No pop-ups from this hour; equal to the end: none"), 0, 23, 60));
  adw_preferences_group_add (timing, spin_row (self->settings, "quiet-end", _("Quiet until, h_our"),
                                               _("What came meanwhile is summed up then"), 0, 23, 60));
  adw_preferences_group_add (timing, switch_row (self->settings, "run-in-background", _("Run in the _background"),
                                                 _("Closing the window keeps alerts coming; Quit in the main menu "
                                                   "ends the app")));
  adw_preferences_group_add (timing, autostart_row (self));
  adw_preferences_page_add (alerts, timing);
  adw_preferences_group_set_title (desktop, _("Desktop Notifications"));
  adw_preferences_group_set_description (desktop, _("The kinds that pop up; all are in the alerts list"));
  add_kind_switches (self, desktop, "notify-kinds");
  adw_preferences_page_add (alerts, desktop);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), alerts);

  adw_preferences_page_set_title (mail, _("E-mail"));
  adw_preferences_page_set_icon_name (mail, "mail-send-symbolic");
  adw_preferences_group_set_title (account, _("Mail Account"));
  adw_preferences_group_set_description (account, _("Alerts are mailed through your own SMTP server. The password "
                                                    "is kept in the desktop keyring, never in the database."));
  adw_preferences_group_add (account, switch_row (self->settings, "mail-enabled", _("_Mail alerts"), NULL));
  self->host_row = ADW_ENTRY_ROW (entry_row (self->settings, "smtp-host", _("_Server")));
  adw_preferences_group_add (account, GTK_WIDGET (self->host_row));
  adw_preferences_group_add (account, spin_row (self->settings, "smtp-port", _("_Port"), _("0: the usual one"), 0,
                                                65535, 1));
  for (guint i = 0; securities[i] != NULL; i++)
    gtk_string_list_append (security_list, _(securities[i]));
  security = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (security), _("Encryption"));
  adw_combo_row_set_model (ADW_COMBO_ROW (security), G_LIST_MODEL (security_list));
  g_settings_bind_with_mapping (self->settings, "smtp-security", security, "selected", G_SETTINGS_BIND_DEFAULT,
                                security_to_index, security_from_index, NULL, NULL);
  adw_preferences_group_add (account, security);
  self->user_row = ADW_ENTRY_ROW (entry_row (self->settings, "smtp-user", _("_Login")));
  adw_preferences_group_add (account, GTK_WIDGET (self->user_row));
  self->password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Pass_word"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->password_row), TRUE);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->password_row), TRUE);
  g_signal_connect_object (self->password_row, "apply", G_CALLBACK (on_password_apply_cb), self, G_CONNECT_DEFAULT);
  self->password_status = gtk_label_new ("");
  gtk_widget_add_css_class (self->password_status, "dim-label");
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->password_row), self->password_status);
  adw_preferences_group_add (account, GTK_WIDGET (self->password_row));
  adw_preferences_group_add (account, entry_row (self->settings, "mail-from", _("Sen_der address")));
  adw_preferences_group_add (account, spin_row (self->settings, "digest-time", _("Daily _digest at, hour"),
                                                _("Every unread alert in one mail; −1: no digest"), -1, 23, 60));
  adw_preferences_page_add (mail, account);
  adw_preferences_group_set_title (mailed, _("Mailed at Once"));
  adw_preferences_group_set_description (mailed, _("The kinds mailed as soon as they come; the rest wait for "
                                                   "the digest"));
  add_kind_switches (self, mailed, "mail-kinds");
  adw_preferences_page_add (mail, mailed);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), mail);

  {
    AdwPreferencesPage *backups = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
    AdwPreferencesGroup *automatic = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

    adw_preferences_page_set_title (backups, _("Backups"));
    adw_preferences_page_set_icon_name (backups, "document-save-symbolic");
    adw_preferences_group_set_title (automatic, _("Automatic Backups"));
    adw_preferences_group_set_description (automatic, _("A verified copy of the open database, made when it opens "
                                                        "if the last one is that many hours old, and again each time "
                                                        "that many hours pass. Restore one from Backups in the main "
                                                        "menu."));
    adw_preferences_group_add (automatic, spin_row (self->settings, "backup-hours", _("Every, _hours"),
                                                    _("0: no automatic backups"), 0, 720, 1));
    adw_preferences_group_add (automatic, spin_row (self->settings, "backup-keep", _("_Keep"),
                                                    _("The oldest beyond this many are deleted"), 1, 100, 1));
    adw_preferences_group_add (automatic, entry_row (self->settings, "backup-folder",
                                                     _("_Folder (empty: beside the database)")));
    adw_preferences_page_add (backups, automatic);
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), backups);
  }
}

/**
 * scim_preferences_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer none): the preferences window, shown
 */
ScimPreferences *
scim_preferences_new (GtkWindow *parent)
{
  ScimPreferences *self = g_object_new (SCIM_TYPE_PREFERENCES, "transient-for", parent, NULL);

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/* For tests: type a password as a person would. */
void
scim_preferences_set_password_text (ScimPreferences *self,
                                    const char      *password)
{
  g_return_if_fail (SCIM_IS_PREFERENCES (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}
