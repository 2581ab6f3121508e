/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-audience-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-settings.h"
#include "scim-audience-dialog.h"

/* A target audience: name and description; an existing one can be merged
 * into another (its clients and products follow) or deleted. */

struct _ScimAudienceDialog
{
  ScimEditDialog  parent_instance;

  AdwEntryRow    *name_row;
  AdwEntryRow    *description_row;
  AdwComboRow    *merge_row;

  gint64          audience_id;
};

G_DEFINE_FINAL_TYPE (ScimAudienceDialog, scim_audience_dialog, SCIM_TYPE_EDIT_DIALOG)

typedef struct
{
  gint64  audience_id;
  gint64  version;
  char   *name;
  char   *description;
  gint64  merge_into;
  gboolean delete;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->name);
  g_free (job->description);
  g_free (job);
}

static gpointer
job_thread (ScimStore     *store,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Job *job = data;
  gboolean ok;

  if (job->delete)
    ok = scim_store_delete_audience (store, job->audience_id, error);
  else if (job->merge_into != 0)
    ok = scim_store_merge_audiences (store, job->audience_id, job->merge_into, error);
  else if (job->audience_id == 0)
    ok = scim_store_add_audience (store, job->name, job->description, error) != 0;
  else
    ok = scim_store_update_audience (store, job->audience_id, job->version, job->name, job->description, error);
  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

static Job *
job_from_form (ScimAudienceDialog *self)
{
  Job *job = g_new0 (Job, 1);

  job->audience_id = self->audience_id;
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
  job->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  job->description = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  return job;
}

static void
scim_audience_dialog_save (ScimEditDialog *dialog)
{
  scim_edit_dialog_run_save (dialog, job_thread, job_from_form (SCIM_AUDIENCE_DIALOG (dialog)), job_free);
}

static void
on_merge_clicked_cb (GtkButton          *button,
                     ScimAudienceDialog *self)
{
  Job *job = job_from_form (self);

  job->merge_into = scim_edit_dialog_get_record_id (self->merge_row);
  if (job->merge_into == 0 || job->merge_into == self->audience_id)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), _("Merge into: choose another target audience."));
      job_free (job);
      return;
    }
  scim_edit_dialog_run_save (SCIM_EDIT_DIALOG (self), job_thread, job, job_free);
}

static void
on_delete_clicked_cb (GtkButton          *button,
                      ScimAudienceDialog *self)
{
  Job *job = job_from_form (self);

  job->delete = TRUE;
  scim_edit_dialog_run_save (SCIM_EDIT_DIALOG (self), job_thread, job, job_free);
}

static gboolean
not_self (gpointer item,
          gpointer user_data)
{
  return scim_record_get_id (item) != (gint64) GPOINTER_TO_SIZE (user_data);
}

static void
scim_audience_dialog_class_init (ScimAudienceDialogClass *klass)
{
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_audience_dialog_save;
}

static void
scim_audience_dialog_init (ScimAudienceDialog *self)
{
}

/**
 * scim_audience_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @audience: (nullable): the audience, or %NULL for a new one
 * @audiences: (element-type ScimAudience): all audiences, to merge into
 * @editable: whether the signed-in user may change it
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimAudienceDialog *
scim_audience_dialog_new (GtkWindow  *parent,
                          ScimStore  *store,
                          ScimRecord *audience,
                          GListModel *audiences,
                          gboolean    editable)
{
  ScimAudienceDialog *self = g_object_new (SCIM_TYPE_AUDIENCE_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  scim_edit_dialog_set_store (dialog, store);
  self->audience_id = audience != NULL ? scim_record_get_id (audience) : 0;
  scim_edit_dialog_set_record (dialog, audience);
  gtk_window_set_title (GTK_WINDOW (self), audience != NULL ? scim_record_get_string (audience, "name")
                                                            : _("New Target Audience"));
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 420);

  self->name_row = scim_edit_dialog_add_entry (group, _("_Name"),
                                               audience != NULL ? scim_record_get_string (audience, "name") : NULL);
  self->description_row = scim_edit_dialog_add_entry (group, _("_Description"),
                                                      audience != NULL ? scim_record_get_string (audience, "description")
                                                                       : NULL);
  scim_edit_dialog_add_group (dialog, group);
  if (audience != NULL)
    {
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->name_row), "name");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->description_row), "description");
    }

  if (audience != NULL && editable)
    {
      AdwPreferencesGroup *merge = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      g_autoptr(GtkFilterListModel) others = NULL;
      GtkWidget *merge_button, *delete_button;

      adw_preferences_group_set_title (merge, _("Merge or Delete"));
      adw_preferences_group_set_description (merge, _("Merging moves its clients and products to the other "
                                                      "audience. Deleting leaves them without an audience."));
      others = gtk_filter_list_model_new (g_object_ref (audiences),
                                          GTK_FILTER (gtk_custom_filter_new (not_self,
                                                                             GSIZE_TO_POINTER (self->audience_id),
                                                                             NULL)));
      self->merge_row = scim_edit_dialog_add_records (merge, _("_Merge into"), G_LIST_MODEL (others), "name", 0, FALSE);
      merge_button = gtk_button_new_with_mnemonic (_("Mer_ge"));
      gtk_widget_set_valign (merge_button, GTK_ALIGN_CENTER);
      g_signal_connect_object (merge_button, "clicked", G_CALLBACK (on_merge_clicked_cb), self, G_CONNECT_DEFAULT);
      adw_action_row_add_suffix (ADW_ACTION_ROW (self->merge_row), merge_button);
      delete_button = gtk_button_new_with_mnemonic (_("_Delete Target Audience"));
      gtk_widget_add_css_class (delete_button, "destructive-action");
      gtk_widget_set_halign (delete_button, GTK_ALIGN_START);
      gtk_widget_set_margin_top (delete_button, 12);
      g_signal_connect_object (delete_button, "clicked", G_CALLBACK (on_delete_clicked_cb), self, G_CONNECT_DEFAULT);
      adw_preferences_group_add (merge, delete_button);
      scim_edit_dialog_add_group (dialog, merge);
    }

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (group), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
