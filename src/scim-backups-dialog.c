/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-backups-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-backups-dialog.h"

/* Backups of the open database: the generations, newest first, "Back Up
 * Now", and "Restore…" on each.  Copies and restores run on the store's
 * worker; a restore asks first, and on success emits ::restored so the
 * window opens the file again. */

struct _ScimBackupsDialog
{
  AdwWindow      parent_instance;

  ScimStore     *store;
  GSettings     *settings;
  GCancellable  *cancellable;
  GPtrArray     *backups;
  char          *folder;
  guint          keep;
  char          *error;
  gboolean       busy;

  AdwPreferencesGroup *group;
  GtkWidget     *list;
  GtkWidget     *back_up_button;
  GtkWidget     *spinner;
  AdwToastOverlay *toasts;
};

enum {
  RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimBackupsDialog, scim_backups_dialog, ADW_TYPE_WINDOW)

static void refresh (ScimBackupsDialog *self);

static void
set_busy (ScimBackupsDialog *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->back_up_button, !busy);
  gtk_widget_set_sensitive (self->list, !busy);
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
}

static void
show_error (ScimBackupsDialog *self,
            const GError      *error)
{
  GtkWidget *dialog;

  g_free (self->error);
  self->error = g_strdup (error->message);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Backup Failed"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Back up now */

static gpointer
back_up_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  ScimBackupsDialog *self = data;

  /* folder and keep were read on the main thread, before the job began. */
  return scim_backups_make (store, self->folder, self->keep, cancellable, error);
}

static void
on_backed_up_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ScimBackupsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = scim_store_run_finish (SCIM_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (made == NULL)
    {
      show_error (self, error);
      return;
    }
  refresh (self);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Backup made")));
}

/**
 * scim_backups_dialog_back_up:
 * @self: a #ScimBackupsDialog
 *
 * Makes a new generation now, as "Back Up Now" does.
 */
void
scim_backups_dialog_back_up (ScimBackupsDialog *self)
{
  g_return_if_fail (SCIM_IS_BACKUPS_DIALOG (self));

  if (self->busy)
    return;
  g_clear_pointer (&self->error, g_free);
  self->keep = (guint) g_settings_get_int (self->settings, "backup-keep");
  set_busy (self, TRUE);
  scim_store_run_async (self->store, back_up_thread, self, NULL, self->cancellable, on_backed_up_cb,
                        g_object_ref (self));
}

/* Restore */

typedef struct
{
  char *backup;
  char *aside;
} RestoreJob;

static void
restore_job_free (gpointer data)
{
  RestoreJob *job = data;

  g_free (job->backup);
  g_free (job->aside);
  g_free (job);
}

static gpointer
restore_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  RestoreJob *job = data;

  if (!scim_store_restore (store, job->backup, job->aside, cancellable, error))
    return NULL;
  return g_strdup (job->aside);
}

static void
on_restored_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScimBackupsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = scim_store_run_finish (SCIM_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (aside == NULL)
    {
      show_error (self, error);
      return;
    }
  g_signal_emit (self, signals[RESTORED], 0, aside);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_restore (ScimBackupsDialog *self,
               const ScimBackup  *backup)
{
  RestoreJob *job = g_new0 (RestoreJob, 1);

  job->backup = g_strdup (backup->path);
  job->aside = scim_backups_aside_path (self->folder, scim_store_get_path (self->store),
                                        g_get_real_time () / G_USEC_PER_SEC);
  g_clear_pointer (&self->error, g_free);
  set_busy (self, TRUE);
  scim_store_run_async (self->store, restore_thread, job, restore_job_free, self->cancellable, on_restored_cb,
                        g_object_ref (self));
}

static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  ScimBackupsDialog *self = user_data;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "index"));

  if (g_str_equal (response, "restore") && index < self->backups->len && !self->busy)
    start_restore (self, g_ptr_array_index (self->backups, index));
}

/**
 * scim_backups_dialog_restore:
 * @self: a #ScimBackupsDialog
 * @index: the backup, 0 for the newest
 *
 * Asks whether to restore that backup, as its "Restore…" button does.
 */
void
scim_backups_dialog_restore (ScimBackupsDialog *self,
                             guint              index)
{
  const ScimBackup *backup;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  g_return_if_fail (SCIM_IS_BACKUPS_DIALOG (self));
  g_return_if_fail (index < self->backups->len);

  backup = g_ptr_array_index (self->backups, index);
  when = scim_format_date_time (backup->made_at);
  body = g_strdup_printf (_("Everything written since %s will be replaced by the backup. The current file is "
                            "kept in the backups’ folder first. Everyone else must close the database."),
                          when);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Restore the Backup?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "index", GUINT_TO_POINTER (index));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_restore_clicked_cb (GtkButton         *button,
                       ScimBackupsDialog *self)
{
  scim_backups_dialog_restore (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

/* The list */

static void
refresh (ScimBackupsDialog *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  g_clear_pointer (&self->backups, g_ptr_array_unref);
  self->backups = scim_backups_list (self->folder, scim_store_get_path (self->store), &error);
  if (self->backups == NULL)
    {
      self->backups = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_backup_free);
      adw_preferences_group_set_description (self->group, error->message);
      return;
    }
  adw_preferences_group_set_description (self->group, self->folder);
  if (self->backups->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No backups yet"));
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
    }
  for (guint i = 0; i < self->backups->len; i++)
    {
      const ScimBackup *backup = g_ptr_array_index (self->backups, i);
      g_autofree char *when = scim_format_date_time (backup->made_at);
      g_autofree char *size = g_format_size (backup->size);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore…"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (on_restore_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
    }
}

guint
scim_backups_dialog_get_n_backups (ScimBackupsDialog *self)
{
  g_return_val_if_fail (SCIM_IS_BACKUPS_DIALOG (self), 0);
  return self->backups->len;
}

gboolean
scim_backups_dialog_get_busy (ScimBackupsDialog *self)
{
  g_return_val_if_fail (SCIM_IS_BACKUPS_DIALOG (self), FALSE);
  return self->busy;
}

/**
 * scim_backups_dialog_get_error:
 * @self: a #ScimBackupsDialog
 *
 * Returns: (nullable): the message of the last failed backup or restore
 */
const char *
scim_backups_dialog_get_error (ScimBackupsDialog *self)
{
  g_return_val_if_fail (SCIM_IS_BACKUPS_DIALOG (self), NULL);
  return self->error;
}

/* GObject */

static void
scim_backups_dialog_dispose (GObject *object)
{
  ScimBackupsDialog *self = SCIM_BACKUPS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->backups, g_ptr_array_unref);
  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->error, g_free);
  G_OBJECT_CLASS (scim_backups_dialog_parent_class)->dispose (object);
}

static void
scim_backups_dialog_class_init (ScimBackupsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_backups_dialog_dispose;

  /**
   * ScimBackupsDialog::restored:
   * @aside: where the replaced file was kept
   *
   * The database was restored; open it again.
   */
  signals[RESTORED] = g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scim_backups_dialog_init (ScimBackupsDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Backups"));
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 560);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  self->back_up_button = gtk_button_new_with_mnemonic (_("_Back Up Now"));
  gtk_widget_add_css_class (self->back_up_button, "suggested-action");
  g_signal_connect_swapped (self->back_up_button, "clicked", G_CALLBACK (scim_backups_dialog_back_up), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->back_up_button);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->spinner);
  gtk_box_append (GTK_BOX (box), header);

  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Backups of This Database"));
  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  adw_preferences_group_add (self->group, self->list);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->group);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, box);
  adw_window_set_content (ADW_WINDOW (self), GTK_WIDGET (self->toasts));
}

/**
 * scim_backups_dialog_new:
 * @parent: the main window
 * @store: its open database
 *
 * Returns: (transfer floating): the dialog, listing the backups of @store
 */
ScimBackupsDialog *
scim_backups_dialog_new (GtkWindow *parent,
                         ScimStore *store)
{
  ScimBackupsDialog *self = g_object_new (SCIM_TYPE_BACKUPS_DIALOG, "transient-for", parent, NULL);
  g_autofree char *chosen = NULL;

  self->store = g_object_ref (store);
  chosen = g_settings_get_string (self->settings, "backup-folder");
  self->folder = scim_backups_get_folder (scim_store_get_path (store), chosen);
  refresh (self);
  return self;
}
