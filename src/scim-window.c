/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "scim-application.h"
#include "scim-book-page.h"
#include "scim-control-page.h"
#include "scim-funnel-page.h"
#include "scim-leads-page.h"
#include "scim-settings-page.h"
#include "scim-sign-in.h"
#include "scim-welcome.h"
#include "scim-window.h"
#include "scim-alerts-button.h"
#include "scim-sale-window.h"
#include "scim-backups-dialog.h"

/* The main window walks through four states: welcome (no file), loading
 * (opening on a worker thread), sign-in, and work (the five module pages).
 * Every store call that can wait on a lock runs through
 * scim_store_run_async(), so a busy shared file never freezes the window. */

struct _ScimWindow
{
  AdwApplicationWindow parent_instance;

  ScimAlertsButton    *alerts_button;
  gboolean             auto_sign_in;
  AdwToastOverlay     *toast_overlay;
  GMenu               *recent_menu;
  GtkStack            *stack;
  GtkSpinner          *loading_spinner;
  ScimWelcome         *welcome;
  ScimSignIn          *sign_in;
  AdwViewStack        *view_stack;
  GtkLabel            *user_label;
  GtkRevealer         *read_only_revealer;
  GtkLabel            *read_only_label;
  GtkWidget           *restore_button;
  GtkWidget           *trust_button;
  GtkWidget           *distrust_button;
  GtkWidget           *online_box;
  GtkLabel            *online_label;
  guint                online_timer;
  ScimFunnelPage      *funnel_page;
  ScimControlPage     *control_page;
  ScimBookPage        *book_page;
  ScimLeadsPage       *leads_page;
  ScimSettingsPage    *settings_page;

  GSettings           *settings;
  GCancellable        *cancellable;
  ScimStore           *store;
  ScimUser            *user;
  char                *wanted_login;
  guint                keyring_jobs;  /* lookups, remembers and forgets on their way */
  guint                backup_timer;
  gboolean             checked;
  gboolean             backing_up;
  guint                backups_made;
  char                *backup_error;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_NEEDS_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ScimWindow, scim_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const page_names[] = { "funnel", "control", "book", "leads", "settings" };

static void show_sign_in (ScimWindow *self);

static void
set_state (ScimWindow *self,
           const char *state)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), state) == 0)
    return;
  gtk_stack_set_visible_child_name (self->stack, state);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_USER]);
}

/* Signing in by itself (no password, or one from the keyring) is under
 * way: the sign-in page shows but does not wait for anyone yet. */
static void
set_auto_sign_in (ScimWindow *self,
                  gboolean    active)
{
  if (self->auto_sign_in == active)
    return;
  self->auto_sign_in = active;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_USER]);
}

static void
show_error_dialog (ScimWindow *self,
                   const char *heading,
                   const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_pending (ScimWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
set_pages_store (ScimWindow *self,
                 ScimStore  *store)
{
  scim_funnel_page_set_store (self->funnel_page, store);
  scim_control_page_set_store (self->control_page, store);
  scim_book_page_set_store (self->book_page, store);
  scim_leads_page_set_store (self->leads_page, store);
  scim_settings_page_set_store (self->settings_page, store);
}

static void
close_thread_cb (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  scim_store_close (task_data);
  g_task_return_boolean (task, TRUE);
}

/* Ending the session writes to the file, which may wait on a lock: do it
 * on a worker thread unless the window is going away anyway. */
static void
close_store (ScimWindow *self,
             gboolean    wait)
{
  set_pages_store (self, NULL);
  scim_alerts_button_set_store (self->alerts_button, NULL);
  gtk_widget_set_visible (self->online_box, FALSE);
  g_clear_object (&self->user);
  if (self->store == NULL)
    return;
  if (wait)
    scim_store_close (self->store);
  else
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
      g_task_run_in_thread (task, close_thread_cb);
    }
  g_clear_object (&self->store);
}

/* The main menu's Open Recent: the files of the "recent-files" setting,
 * newest first, each by its name with its folder. */
static void
fill_recent_menu (ScimWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-files");

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (recent[i]);
      g_autofree char *folder = g_path_get_dirname (recent[i]);
      g_autofree char *label = g_strdup_printf ("%s — %s", name, folder);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_menu, item);
    }
}

static void
on_recent_changed_cb (GSettings  *settings,
                      const char *key,
                      ScimWindow *self)
{
  fill_recent_menu (self);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  scim_window_open_file (SCIM_WINDOW (widget), g_variant_get_string (parameter, NULL), NULL);
}

static void
remember_recent (ScimWindow *self,
                 const char *path)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-files");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint kept = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; recent[i] != NULL && kept < 10; i++)
    {
      if (g_str_equal (recent[i], path))
        continue;
      g_strv_builder_add (builder, recent[i]);
      kept++;
    }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-files", (const char * const *) updated);
  g_settings_set_string (self->settings, "last-file", path);
}

/* Folders on mounts that may fake locks where the user writes anyway
 * (the settings' "trusted-folders"), each the folder of a database. */
static char *
folder_of (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);

  return g_path_get_dirname (canonical);
}

static gboolean
folder_trusted (ScimWindow *self,
                const char *path)
{
  g_autofree char *folder = folder_of (path);
  g_auto(GStrv) folders = g_settings_get_strv (self->settings, "trusted-folders");

  return g_strv_contains ((const char * const *) folders, folder);
}

static void
set_folder_trusted (ScimWindow *self,
                    const char *path,
                    gboolean    trusted)
{
  g_autofree char *folder = folder_of (path);
  g_auto(GStrv) folders = g_settings_get_strv (self->settings, "trusted-folders");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  for (guint i = 0; folders[i] != NULL; i++)
    if (!g_str_equal (folders[i], folder))
      g_strv_builder_add (builder, folders[i]);
  if (trusted)
    g_strv_builder_add (builder, folder);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "trusted-folders", (const char * const *) updated);
}

/* The banner under the header: why the file is read-only, and the way on:
 * for a damaged one its backups, for a mount that may fake locks the
 * user's word that they work; and, once given, that it was. */
static void
update_banner (ScimWindow *self)
{
  gboolean read_only = self->store != NULL && scim_store_is_read_only (self->store);
  gboolean damaged = read_only && scim_store_is_damaged (self->store);
  gboolean trusted = self->store != NULL && scim_store_get_trusts_locks (self->store);

  if (read_only)
    gtk_label_set_label (self->read_only_label, scim_store_get_read_only_reason (self->store));
  else if (trusted)
    {
      g_autofree char *text =
        g_strdup_printf (_("This folder is on a %s mount whose file locks SCIM Sales cannot check; you chose to "
                           "write here anyway. If anyone’s changes go missing, stop trusting it."),
                         scim_store_get_fs_type (self->store));

      gtk_label_set_label (self->read_only_label, text);
    }
  gtk_widget_set_visible (self->restore_button, damaged);
  gtk_widget_set_visible (self->trust_button,
                          read_only && !damaged && scim_store_get_fs_kind (self->store) == SCIM_FS_UNSAFE);
  gtk_widget_set_visible (self->distrust_button, !read_only && trusted);
  gtk_revealer_set_reveal_child (self->read_only_revealer, read_only || trusted);
}

static void
reopen (ScimWindow *self)
{
  g_autofree char *path = g_strdup (scim_store_get_path (self->store));
  g_autofree char *login = g_strdup (self->user != NULL ? scim_record_get_string (SCIM_RECORD (self->user), "login")
                                                        : self->wanted_login);

  scim_window_open_file (self, path, login);
}

static void
on_trust_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      ScimWindow       *self)
{
  if (!g_str_equal (response, "trust") || self->store == NULL)
    return;
  set_folder_trusted (self, scim_store_get_path (self->store), TRUE);
  reopen (self);
}

static void
trust_folder_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);
  g_autofree char *folder = NULL;
  GtkWidget *dialog;

  if (self->store == NULL || scim_store_get_fs_kind (self->store) != SCIM_FS_UNSAFE)
    return;
  folder = folder_of (scim_store_get_path (self->store));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Trust File Locks in This Folder?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("SCIM Sales cannot tell whether file locks on this %s mount reach the other "
                                    "computers. If they do not, two people saving at the same moment can lose "
                                    "each other’s work or damage the file. Write to databases in “%s” only when "
                                    "your administrator says the locks work there; backups are made either way."),
                                  scim_store_get_fs_type (self->store), folder);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "trust", _("_Trust and Write"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_trust_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
distrust_folder_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);

  if (self->store == NULL)
    return;
  set_folder_trusted (self, scim_store_get_path (self->store), FALSE);
  reopen (self);
}

/* The full quick_check runs after the first frame, on the store's worker;
 * damage makes the store read-only, and the banner offers the backups. */
static gpointer
check_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GPtrArray) problems = NULL;

  if (!scim_store_check (store, FALSE, &problems, error))
    return NULL;
  return GUINT_TO_POINTER (problems->len + 1);
}

static void
on_checked_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store != (ScimStore *) source)
    return;
  self->checked = TRUE;
  update_banner (self);
}

/**
 * scim_window_get_checked:
 * @self: a #ScimWindow
 *
 * Returns: whether the background check of the open file has finished
 */
gboolean
scim_window_get_checked (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), FALSE);
  return self->checked;
}

/* Who else is online: the sessions with a fresh heartbeat, read on the
 * store's worker when the file opens and every 15 seconds. */
static gpointer
online_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  return scim_store_dup_online (store, error);
}

static void
on_online_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) online = scim_store_run_finish (SCIM_STORE (source), result, &error);
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;
  guint n;

  if (online == NULL || self->store != (ScimStore *) source)
    return;
  n = g_strv_length (online);
  /* Translators: in the header, how many others have the file open. */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u other", "%u others", n), n);
  tooltip = g_strjoinv ("\n", online);
  gtk_label_set_label (self->online_label, label);
  gtk_widget_set_tooltip_text (self->online_box, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->online_box), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_visible (self->online_box, n > 0);
}

static gboolean
online_tick_cb (gpointer user_data)
{
  ScimWindow *self = user_data;

  if (self->store != NULL && self->user != NULL)
    scim_store_run_async_full (self->store, online_thread, NULL, NULL, (GDestroyNotify) g_strfreev,
                               self->cancellable, on_online_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/**
 * scim_window_get_online:
 * @self: a #ScimWindow
 *
 * Returns: (nullable): who else has the file open, as the header shows it
 *   in a tooltip, or %NULL when nobody does
 */
const char *
scim_window_get_online (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  if (!gtk_widget_get_visible (self->online_box))
    return NULL;
  return gtk_widget_get_tooltip_text (self->online_box);
}

/* Automatic backups: when the store opens and every ten minutes, a new
 * generation if the newest is backup-hours old, on the store's worker. */

typedef struct
{
  char  *folder;
  guint  hours;
  guint  keep;
} BackupJob;

static void
backup_job_free (gpointer data)
{
  BackupJob *job = data;

  g_free (job->folder);
  g_free (job);
}

static gpointer
auto_backup_thread (ScimStore     *store,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  BackupJob *job = data;

  if (!scim_backups_due (job->folder, scim_store_get_path (store), job->hours, g_get_real_time () / G_USEC_PER_SEC))
    return g_strdup ("");
  return scim_backups_make (store, job->folder, job->keep, cancellable, error);
}

static void
on_auto_backup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = scim_store_run_finish (SCIM_STORE (source), result, &error);

  self->backing_up = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (made == NULL)
    {
      /* Said once until a backup succeeds again. */
      if (g_strcmp0 (self->backup_error, error->message) != 0)
        {
          g_autofree char *message = g_strdup_printf (_("No backup was made: %s"), error->message);

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
          g_free (self->backup_error);
          self->backup_error = g_strdup (error->message);
        }
      return;
    }
  g_clear_pointer (&self->backup_error, g_free);
  if (*made != '\0')
    self->backups_made++;
}

static void
maybe_back_up (ScimWindow *self)
{
  if (self->store == NULL || self->backing_up || g_settings_get_int (self->settings, "backup-hours") == 0)
    return;
  {
    g_autofree char *chosen = g_settings_get_string (self->settings, "backup-folder");
    BackupJob *job = g_new0 (BackupJob, 1);

    job->folder = scim_backups_get_folder (scim_store_get_path (self->store), chosen);
    job->hours = (guint) g_settings_get_int (self->settings, "backup-hours");
    job->keep = (guint) g_settings_get_int (self->settings, "backup-keep");
    self->backing_up = TRUE;
    scim_store_run_async (self->store, auto_backup_thread, job, backup_job_free, self->cancellable,
                          on_auto_backup_cb, g_object_ref (self));
  }
}

static gboolean
backup_tick_cb (gpointer user_data)
{
  ScimWindow *self = user_data;

  /* Damage a read ran into since, shown with the way back. */
  if (self->store != NULL)
    update_banner (self);
  maybe_back_up (self);
  return G_SOURCE_CONTINUE;
}

/**
 * scim_window_get_backups_made:
 * @self: a #ScimWindow
 *
 * Returns: how many automatic backups this window made
 */
guint
scim_window_get_backups_made (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), 0);
  return self->backups_made;
}

/* Work */

static void
enter_work (ScimWindow *self)
{
  ScimRole role = SCIM_ROLE_SALES;
  g_autofree char *label = NULL;
  g_autofree char *last_page = NULL;

  scim_role_from_string (scim_record_get_string (SCIM_RECORD (self->user), "role"), &role);
  label = g_strdup_printf ("%s · %s", scim_record_get_string (SCIM_RECORD (self->user), "display-name"),
                           scim_role_get_label (role));
  gtk_label_set_label (self->user_label, label);

  update_banner (self);

  set_pages_store (self, self->store);
  scim_alerts_button_set_store (self->alerts_button, self->store);
  self->checked = FALSE;
  scim_store_run_async (self->store, check_thread, NULL, NULL, self->cancellable, on_checked_cb,
                        g_object_ref (self));
  gtk_widget_set_visible (self->online_box, FALSE);
  online_tick_cb (self);
  if (self->online_timer == 0)
    self->online_timer = g_timeout_add_seconds (15, online_tick_cb, self);
  maybe_back_up (self);
  if (self->backup_timer == 0)
    self->backup_timer = g_timeout_add_seconds (600, backup_tick_cb, self);
  g_settings_set_string (self->settings, "last-user", scim_record_get_string (SCIM_RECORD (self->user), "login"));

  last_page = g_settings_get_string (self->settings, "last-page");
  if (g_strv_contains (page_names, last_page))
    adw_view_stack_set_visible_child_name (self->view_stack, last_page);
  set_state (self, "work");
}

/* Signing in */

typedef struct
{
  char *login;
  char *password;
} SignInData;

static void
sign_in_data_free (gpointer data)
{
  SignInData *sign_in = data;

  g_free (sign_in->login);
  if (sign_in->password != NULL)
    explicit_bzero (sign_in->password, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in);
}

static gpointer
sign_in_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  SignInData *sign_in = data;

  return scim_store_sign_in (store, sign_in->login, sign_in->password, error);
}

typedef struct
{
  ScimWindow *self;
  char       *password;
  gboolean    remember;
} SignInRequest;

static void
on_remembered_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->keyring_jobs--;
  if (!scim_secrets_remember_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The password was not remembered: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SignInRequest *request = user_data;
  g_autoptr(ScimWindow) self = request->self;
  g_autofree char *password = request->password;
  gboolean remember = request->remember;
  g_autoptr(ScimUser) user = NULL;
  g_autoptr(GError) error = NULL;

  g_free (request);
  user = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (SCIM_STORE (source) != self->store)
    return;
  scim_sign_in_set_busy (self->sign_in, FALSE);
  if (user == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_sign_in (self);
          scim_sign_in_set_error (self->sign_in, error->message);
        }
      set_auto_sign_in (self, FALSE);
      return;
    }

  g_set_object (&self->user, user);
  if (remember && password != NULL && password[0] != '\0')
    {
      self->keyring_jobs++;
      scim_secrets_remember_async (scim_store_get_path (self->store),
                                   scim_record_get_string (SCIM_RECORD (user), "login"),
                                   password, NULL, on_remembered_cb, g_object_ref (self));
    }
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  enter_work (self);
  set_auto_sign_in (self, FALSE);
}

static void
sign_in (ScimWindow *self,
         const char *login,
         const char *password,
         gboolean    remember)
{
  SignInData *data = g_new0 (SignInData, 1);
  SignInRequest *request = g_new0 (SignInRequest, 1);

  data->login = g_strdup (login);
  data->password = g_strdup (password);
  request->self = g_object_ref (self);
  request->password = g_strdup (password);
  request->remember = remember;

  scim_sign_in_set_busy (self->sign_in, TRUE);
  scim_store_run_async_full (self->store, sign_in_thread, data, sign_in_data_free, g_object_unref,
                             self->cancellable, on_signed_in_cb, request);
}

static void
on_sign_in_cb (ScimSignIn *widget,
               const char *login,
               const char *password,
               gboolean    remember,
               ScimWindow *self)
{
  sign_in (self, login, password, remember);
}

static void
on_password_looked_up_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = scim_secrets_lookup_finish (result, &error);
  g_autofree char *login = NULL;

  self->keyring_jobs--;
  login = g_steal_pointer (&self->wanted_login);
  if (self->store == NULL || login == NULL)
    return;
  if (password != NULL)
    sign_in (self, login, password, FALSE);
  else
    {
      if (error != NULL)
        g_debug ("No keyring: %s", error->message);
      scim_sign_in_select (self->sign_in, login);
      set_auto_sign_in (self, FALSE);
    }
}

static ScimUser *
find_user (GListModel *users,
           const char *login)
{
  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(ScimUser) user = g_list_model_get_item (users, i);
      if (g_ascii_strcasecmp (scim_record_get_string (SCIM_RECORD (user), "login"), login) == 0)
        return g_steal_pointer (&user);
    }
  return NULL;
}

static gpointer
list_users_thread (ScimStore     *store,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_USERS);

  return scim_store_list (store, query, error);
}

static void
on_users_listed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GListModel) users = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) wanted = NULL;

  users = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (SCIM_STORE (source) != self->store)
    return;
  if (users == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error_dialog (self, _("Cannot Read the Users"), error->message);
      scim_window_show_welcome (self);
      return;
    }

  scim_sign_in_set_users (self->sign_in, scim_store_get_path (self->store), users);
  if (self->wanted_login != NULL)
    wanted = find_user (users, self->wanted_login);
  self->auto_sign_in = wanted != NULL;
  set_state (self, "sign-in");

  if (wanted != NULL)
    {
      if (!scim_record_get_bool (SCIM_RECORD (wanted), "has-password"))
        {
          g_autofree char *login = g_steal_pointer (&self->wanted_login);
          sign_in (self, login, NULL, FALSE);
        }
      else
        {
          self->keyring_jobs++;
          scim_secrets_lookup_async (scim_store_get_path (self->store), self->wanted_login, self->cancellable,
                                     on_password_looked_up_cb, g_object_ref (self));
        }
    }
  else
    g_clear_pointer (&self->wanted_login, g_free);
}

static void
show_sign_in (ScimWindow *self)
{
  scim_store_run_async_full (self->store, list_users_thread, NULL, NULL, g_object_unref, self->cancellable,
                             on_users_listed_cb, g_object_ref (self));
}

/* Opening and creating */

static void
on_store_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = scim_store_open_finish (result, &error);
  if (store == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      scim_window_show_welcome (self);
      scim_welcome_set_error (self->welcome, error->message);
      show_error_dialog (self, _("Cannot Open the Database"), error->message);
      return;
    }

  self->store = g_steal_pointer (&store);
  remember_recent (self, scim_store_get_path (self->store));
  show_sign_in (self);
}

typedef struct
{
  char *path;
  char *login;
  char *full_name;
} CreateData;

static void
create_data_free (gpointer data)
{
  CreateData *create = data;

  g_free (create->path);
  g_free (create->login);
  g_free (create->full_name);
  g_free (create);
}

/* Adds the first admin and the built-in funnel to a database without users. */
static gboolean
set_up_first_admin (ScimStore   *store,
                    CreateData  *create,
                    GError     **error)
{
  g_autoptr(ScimUser) admin = NULL;

  if (scim_store_add_user (store, create->login, create->full_name, NULL, SCIM_ROLE_ADMIN, TRUE, NULL, error) == 0)
    return FALSE;
  admin = scim_store_sign_in (store, create->login, NULL, error);
  if (admin == NULL)
    return FALSE;
  return scim_store_add_template_product (store, NULL, error) != 0;
}

static void
create_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  CreateData *create = task_data;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (create->path);

  if (g_file_test (create->path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                               _("“%s” already exists. Choose another file name, or open the file instead."),
                               create->path);
      return;
    }
  /* The default place is our own data folder; make it on first use. */
  if (g_str_has_prefix (create->path, g_get_user_data_dir ()))
    g_mkdir_with_parents (dir, 0700);

  store = scim_store_open (create->path, SCIM_STORE_CREATE, &error);
  if (store == NULL || !set_up_first_admin (store, create, &error))
    {
      if (store != NULL)
        {
          scim_store_close (store);
          g_unlink (create->path);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  scim_store_close (store);
  g_task_return_boolean (task, TRUE);
}

static void
on_created_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  CreateData *create = g_task_get_task_data (G_TASK (result));
  g_autofree char *login = g_strdup (create->login);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      scim_window_show_welcome (self);
      scim_welcome_set_error (self->welcome, error->message);
      return;
    }
  scim_window_open_file (self, create->path, login);
}

static gpointer
create_admin_thread (ScimStore     *store,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  if (!set_up_first_admin (store, data, error))
    return NULL;
  return scim_store_get_user (store, scim_store_get_user_id (store), error);
}

static void
on_create_admin_cb (ScimSignIn *widget,
                    const char *login,
                    const char *full_name,
                    ScimWindow *self)
{
  CreateData *data = g_new0 (CreateData, 1);
  SignInRequest *request = g_new0 (SignInRequest, 1);

  data->login = g_strdup (login);
  data->full_name = g_strdup (full_name);
  request->self = g_object_ref (self);
  scim_sign_in_set_busy (self->sign_in, TRUE);
  scim_store_run_async_full (self->store, create_admin_thread, data, create_data_free, g_object_unref,
                             self->cancellable, on_signed_in_cb, request);
}

static void
on_welcome_create_cb (ScimWelcome *welcome,
                      const char  *path,
                      const char  *login,
                      const char  *full_name,
                      ScimWindow  *self)
{
  scim_window_create_file (self, path, login, full_name);
}

static void
on_welcome_open_cb (ScimWelcome *welcome,
                    const char  *path,
                    ScimWindow  *self)
{
  scim_window_open_file (self, path, NULL);
}

static void
on_page_changed_cb (AdwViewStack *stack,
                    GParamSpec   *pspec,
                    ScimWindow   *self)
{
  const char *name = adw_view_stack_get_visible_child_name (stack);

  if (name != NULL && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "work"))
    g_settings_set_string (self->settings, "last-page", name);
}

/* Actions */

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);

  scim_window_set_page (self, g_variant_get_string (parameter, NULL));
}

static gboolean
is_search_entry (GtkWidget *widget)
{
  return GTK_IS_SEARCH_ENTRY (widget) && gtk_widget_get_mapped (widget) && gtk_widget_is_sensitive (widget);
}

static GtkWidget *
find_search_entry (GtkWidget *widget)
{
  if (is_search_entry (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gtk_widget_get_mapped (child) ? find_search_entry (child) : NULL;

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Ctrl+F: the search of the list on screen. */
static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);
  GtkWidget *entry = page != NULL && g_strcmp0 (scim_window_get_state (self), "work") == 0
                     ? find_search_entry (page) : NULL;

  if (entry != NULL)
    gtk_widget_grab_focus (entry);
}

/* F5: every list and page reads the file again now. */
static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);

  if (self->store != NULL && g_strcmp0 (scim_window_get_state (self), "work") == 0)
    scim_store_refresh (self->store);
}

/* Ctrl+Shift+N: a new lead's card, from any page. */
static void
new_lead_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);

  if (g_strcmp0 (scim_window_get_state (self), "work") != 0)
    return;
  scim_window_set_page (self, "leads");
  gtk_widget_activate_action (GTK_WIDGET (self->leads_page), "leads.new", NULL);
}

static void
on_password_forgotten_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(ScimWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->keyring_jobs--;
  if (!scim_secrets_forget_finish (result, &error))
    g_debug ("Could not forget the password: %s", error->message);
}

static gpointer
sign_out_thread (ScimStore     *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  scim_store_set_user_id (store, 0);
  return list_users_thread (store, data, cancellable, error);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);

  if (self->store == NULL || self->user == NULL)
    return;

  /* Signing out forgets the remembered password: the next person at this
   * desk must type it. */
  scim_secrets_forget_async (scim_store_get_path (self->store),
                             scim_record_get_string (SCIM_RECORD (self->user), "login"),
                             NULL, on_password_forgotten_cb, g_object_ref (self));
  self->keyring_jobs++;
  cancel_pending (self);
  set_pages_store (self, NULL);
  g_clear_object (&self->user);
  set_state (self, "loading");
  scim_store_run_async_full (self->store, sign_out_thread, NULL, NULL, g_object_unref, self->cancellable,
                             on_users_listed_cb, g_object_ref (self));
}

static void
on_backups_restored_cb (ScimBackupsDialog *dialog,
                        const char        *aside,
                        ScimWindow        *self)
{
  g_autofree char *path = g_strdup (scim_store_get_path (self->store));
  g_autofree char *login = g_strdup (scim_record_get_string (SCIM_RECORD (self->user), "login"));
  g_autofree char *message = g_strdup_printf (_("Restored. The file it replaced is kept as %s"), aside);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
  scim_window_open_file (self, path, login);
}

static void
backups_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);
  ScimBackupsDialog *dialog;

  if (self->store == NULL || self->user == NULL)
    return;
  dialog = scim_backups_dialog_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (dialog, "restored", G_CALLBACK (on_backups_restored_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
switch_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  scim_window_show_welcome (SCIM_WINDOW (widget));
}

static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ScimWindow *self = SCIM_WINDOW (widget);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (g_variant_get_string (parameter, NULL)));
}

/* GObject */

static void
scim_window_dispose (GObject *object)
{
  ScimWindow *self = (ScimWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->backup_timer, g_source_remove);
  g_clear_handle_id (&self->online_timer, g_source_remove);
  g_clear_pointer (&self->backup_error, g_free);
  close_store (self, TRUE);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCIM_TYPE_WINDOW);

  G_OBJECT_CLASS (scim_window_parent_class)->dispose (object);
}

static void
scim_window_finalize (GObject *object)
{
  ScimWindow *self = (ScimWindow *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_free (self->wanted_login);

  G_OBJECT_CLASS (scim_window_parent_class)->finalize (object);
}

static void
scim_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ScimWindow *self = SCIM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, scim_window_get_state (self));
      break;
    case PROP_NEEDS_USER:
      g_value_set_boolean (value, scim_window_get_needs_user (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* With "run in background" chosen, closing the window while signed in
 * hides it: the alerts keep coming; the app menu's Quit ends it. */
static gboolean
scim_window_close_request (GtkWindow *window)
{
  ScimWindow *self = SCIM_WINDOW (window);

  if (g_settings_get_boolean (self->settings, "run-in-background") && self->user != NULL &&
      g_strcmp0 (scim_window_get_state (self), "work") == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (scim_window_parent_class)->close_request (window);
}

static void
scim_window_class_init (ScimWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_window_dispose;
  object_class->finalize = scim_window_finalize;
  object_class->get_property = scim_window_get_property;
  GTK_WINDOW_CLASS (klass)->close_request = scim_window_close_request;

  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "welcome",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEEDS_USER] =
    g_param_spec_boolean ("needs-user", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SCIM_TYPE_WELCOME);
  g_type_ensure (SCIM_TYPE_SIGN_IN);
  g_type_ensure (SCIM_TYPE_FUNNEL_PAGE);
  g_type_ensure (SCIM_TYPE_CONTROL_PAGE);
  g_type_ensure (SCIM_TYPE_BOOK_PAGE);
  g_type_ensure (SCIM_TYPE_LEADS_PAGE);
  g_type_ensure (SCIM_TYPE_SETTINGS_PAGE);
  g_type_ensure (SCIM_TYPE_ALERTS_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, alerts_button);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, book_page);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, control_page);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, funnel_page);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, leads_page);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, read_only_revealer);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, settings_page);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, sign_in);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, restore_button);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, trust_button);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, distrust_button);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, online_box);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, online_label);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ScimWindow, welcome);
  gtk_widget_class_bind_template_callback (widget_class, on_create_admin_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_welcome_create_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_welcome_open_cb);

  gtk_widget_class_install_action (widget_class, "win.page", "s", page_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.switch-file", NULL, switch_file_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.new-lead", NULL, new_lead_action);
  gtk_widget_class_install_action (widget_class, "win.backups", NULL, backups_action);
  gtk_widget_class_install_action (widget_class, "win.trust-folder", NULL, trust_folder_action);
  gtk_widget_class_install_action (widget_class, "win.distrust-folder", NULL, distrust_folder_action);
  gtk_widget_class_install_action (widget_class, "win.show-error", "s", show_error_action);
}

static void
scim_window_init (ScimWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::recent-files", G_CALLBACK (on_recent_changed_cb), self,
                           G_CONNECT_DEFAULT);
  fill_recent_menu (self);

  /* A development build says so: the striped header and its title. */
  if (g_str_equal (PROFILE, "development"))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
      gtk_window_set_title (GTK_WINDOW (self), _("SCIM Sales (Development)"));
    }

  scim_window_show_welcome (self);
}

/* Public API */

ScimWindow *
scim_window_new (GtkApplication *application)
{
  return g_object_new (SCIM_TYPE_WINDOW, "application", application, NULL);
}

/**
 * scim_window_open_file:
 * @self: a #ScimWindow
 * @path: the database file
 * @login: (nullable): sign in as this user when no password is needed or
 *   the keyring remembers it
 *
 * Opens the file on a worker thread, then asks who signs in.
 */
void
scim_window_open_file (ScimWindow *self,
                       const char *path,
                       const char *login)
{
  g_return_if_fail (SCIM_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  cancel_pending (self);
  close_store (self, FALSE);
  g_free (self->wanted_login);
  self->wanted_login = g_strdup (login);
  scim_welcome_set_error (self->welcome, NULL);
  set_state (self, "loading");
  /* The header and versions are read at open; the page check runs after
   * the first frame (see check_thread). */
  scim_store_open_async (path,
                         SCIM_STORE_WATCH | SCIM_STORE_NO_CHECK |
                         (folder_trusted (self, path) ? SCIM_STORE_TRUST_LOCKS : SCIM_STORE_NONE),
                         self->cancellable, on_store_opened_cb, g_object_ref (self));
}

/**
 * scim_window_create_file:
 * @self: a #ScimWindow
 * @path: the new file; it must not exist
 * @login: the first administrator
 * @full_name: (nullable): the administrator's name
 *
 * Creates a database with its first admin and the built-in funnel, then
 * opens it signed in as that admin.
 */
void
scim_window_create_file (ScimWindow *self,
                         const char *path,
                         const char *login,
                         const char *full_name)
{
  g_autoptr(GTask) task = NULL;
  CreateData *data;

  g_return_if_fail (SCIM_IS_WINDOW (self));

  cancel_pending (self);
  close_store (self, FALSE);
  data = g_new0 (CreateData, 1);
  data->path = g_canonicalize_filename (path, NULL);
  data->login = g_strdup (login);
  data->full_name = g_strdup (full_name);
  set_state (self, "loading");

  task = g_task_new (NULL, self->cancellable, on_created_cb, g_object_ref (self));
  g_task_set_task_data (task, data, create_data_free);
  g_task_run_in_thread (task, create_thread_cb);
}

void
scim_window_show_welcome (ScimWindow *self)
{
  g_auto(GStrv) recent = NULL;

  g_return_if_fail (SCIM_IS_WINDOW (self));

  cancel_pending (self);
  close_store (self, FALSE);
  recent = g_settings_get_strv (self->settings, "recent-files");
  scim_welcome_set_recent (self->welcome, (const char * const *) recent);
  set_state (self, "welcome");
}

/**
 * scim_window_get_state:
 * @self: a #ScimWindow
 *
 * Returns: "welcome", "loading", "sign-in" or "work"
 */
const char *
scim_window_get_state (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * scim_window_get_needs_user:
 * @self: a #ScimWindow
 *
 * Returns: whether the window waits for the person: the welcome page, or
 *   the sign-in page with no sign-in of its own under way
 */
gboolean
scim_window_get_needs_user (ScimWindow *self)
{
  const char *state;

  g_return_val_if_fail (SCIM_IS_WINDOW (self), FALSE);
  state = scim_window_get_state (self);
  return g_strcmp0 (state, "welcome") == 0 || (g_strcmp0 (state, "sign-in") == 0 && !self->auto_sign_in);
}

const char *
scim_window_get_page (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
scim_window_set_page (ScimWindow *self,
                      const char *page)
{
  g_return_if_fail (SCIM_IS_WINDOW (self));

  if (g_strv_contains (page_names, page))
    adw_view_stack_set_visible_child_name (self->view_stack, page);
}

/**
 * scim_window_get_store:
 * @self: a #ScimWindow
 *
 * Returns: (transfer none) (nullable): the open database
 */
ScimStore *
scim_window_get_store (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return self->store;
}

/**
 * scim_window_get_user:
 * @self: a #ScimWindow
 *
 * Returns: (transfer none) (nullable): who is signed in
 */
ScimUser *
scim_window_get_user (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return self->user;
}

/**
 * scim_window_get_page_widget:
 * @self: a #ScimWindow
 * @page: a page name
 *
 * Returns: (transfer none) (nullable): the page
 */
GtkWidget *
scim_window_get_page_widget (ScimWindow *self,
                             const char *page)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return adw_view_stack_get_child_by_name (self->view_stack, page);
}

/**
 * scim_window_get_read_only_reason:
 * @self: a #ScimWindow
 *
 * Returns: (nullable): what the banner says: why the open file is
 *   read-only, or that it is written on a mount whose locks the user
 *   trusts; %NULL when the banner is not shown
 */
const char *
scim_window_get_read_only_reason (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->read_only_revealer))
    return NULL;
  return gtk_label_get_label (self->read_only_label);
}

/**
 * scim_window_get_keyring_busy:
 * @self: a #ScimWindow
 *
 * Returns: whether a keyring lookup, remember or forget is on its way
 */
gboolean
scim_window_get_keyring_busy (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), FALSE);
  return self->keyring_jobs > 0;
}

/**
 * scim_window_get_welcome:
 * @self: a #ScimWindow
 *
 * Returns: (transfer none): the first-run page
 */
GtkWidget *
scim_window_get_welcome (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->welcome);
}

/**
 * scim_window_get_sign_in:
 * @self: a #ScimWindow
 *
 * Returns: (transfer none): the sign-in page
 */
GtkWidget *
scim_window_get_sign_in (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->sign_in);
}

/**
 * scim_window_get_alerts_button:
 * @self: a #ScimWindow
 *
 * Returns: (transfer none): the header's alerts button
 */
ScimAlertsButton *
scim_window_get_alerts_button (ScimWindow *self)
{
  g_return_val_if_fail (SCIM_IS_WINDOW (self), NULL);
  return self->alerts_button;
}

/**
 * scim_window_open_sale:
 * @self: a #ScimWindow, signed in
 * @sale_id: a sale
 *
 * Brings the window up and opens the sale, as a notification's Open does.
 */
void
scim_window_open_sale (ScimWindow *self,
                       gint64      sale_id)
{
  g_return_if_fail (SCIM_IS_WINDOW (self));
  gtk_window_present (GTK_WINDOW (self));
  if (self->store != NULL && self->user != NULL)
    scim_sale_window_open (GTK_WINDOW (self), self->store, sale_id);
}
