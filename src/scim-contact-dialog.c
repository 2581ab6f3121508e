/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-contact-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-settings.h"
#include "scim-contact-dialog.h"

/* A contact person of a client and their role in the decision. */

struct _ScimContactDialog
{
  ScimEditDialog  parent_instance;

  AdwEntryRow    *name_row;
  AdwEntryRow    *position_row;
  AdwEntryRow    *phone_row;
  AdwEntryRow    *email_row;
  AdwComboRow    *role_row;

  gint64          client_id;
  gint64          contact_id;
};

G_DEFINE_FINAL_TYPE (ScimContactDialog, scim_contact_dialog, SCIM_TYPE_EDIT_DIALOG)

static const char * const roles[] = { "decision_maker", "key_contact", "influence_agent", "other" };

typedef struct
{
  gint64 client_id;
  gint64 contact_id;
  gint64 version;
  char  *name;
  char  *position;
  char  *phone;
  char  *email;
  const char *role;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->name);
  g_free (job->position);
  g_free (job->phone);
  g_free (job->email);
  g_free (job);
}

static gpointer
save_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  SaveJob *job = data;

  if (job->contact_id == 0)
    return scim_store_add_contact (store, job->client_id, job->name, job->position, job->phone, job->email,
                                   job->role, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_update_contact (store, job->contact_id, job->version, job->name, job->position, job->phone,
                                    job->email, job->role, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
scim_contact_dialog_save (ScimEditDialog *dialog)
{
  ScimContactDialog *self = SCIM_CONTACT_DIALOG (dialog);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->client_id = self->client_id;
  job->contact_id = self->contact_id;
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
  job->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  job->position = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->position_row)));
  job->phone = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->phone_row)));
  job->email = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row)));
  job->role = roles[MIN (adw_combo_row_get_selected (self->role_row), G_N_ELEMENTS (roles) - 1)];
  scim_edit_dialog_run_save (dialog, save_thread, job, save_job_free);
}

static void
scim_contact_dialog_class_init (ScimContactDialogClass *klass)
{
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_contact_dialog_save;
}

static void
scim_contact_dialog_init (ScimContactDialog *self)
{
}

/**
 * scim_contact_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @client_id: whose contact
 * @contact: (nullable): the contact, or %NULL for a new one
 * @editable: whether the signed-in user may change it
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimContactDialog *
scim_contact_dialog_new (GtkWindow  *parent,
                         ScimStore  *store,
                         gint64      client_id,
                         ScimRecord *contact,
                         gboolean    editable)
{
  ScimContactDialog *self = g_object_new (SCIM_TYPE_CONTACT_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  const char *labels[] = { _("Decision maker"), _("Key contact"), _("Agent of influence"), C_("contact role", "Other"), NULL };
  guint role = G_N_ELEMENTS (roles) - 1;

  scim_edit_dialog_set_store (dialog, store);
  self->client_id = client_id;
  if (contact != NULL)
    {
      const char *stored = scim_record_get_string (contact, "role");

      self->contact_id = scim_record_get_id (contact);
      scim_edit_dialog_set_record (dialog, contact);
      for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
        if (g_strcmp0 (stored, roles[i]) == 0)
          role = i;
    }
  gtk_window_set_title (GTK_WINDOW (self), contact != NULL ? scim_record_get_string (contact, "name")
                                                           : _("New Contact"));
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 460);

  self->name_row = scim_edit_dialog_add_entry (group, _("_Name"),
                                               contact != NULL ? scim_record_get_string (contact, "name") : NULL);
  self->position_row = scim_edit_dialog_add_entry (group, _("P_osition"),
                                                   contact != NULL ? scim_record_get_string (contact, "position") : NULL);
  self->phone_row = scim_edit_dialog_add_entry (group, _("_Phone"),
                                                contact != NULL ? scim_record_get_string (contact, "phone") : NULL);
  self->email_row = scim_edit_dialog_add_entry (group, _("_E-mail"),
                                                contact != NULL ? scim_record_get_string (contact, "email") : NULL);
  self->role_row = scim_edit_dialog_add_choice (group, _("_Role in the decision"), labels, role);
  scim_edit_dialog_add_group (dialog, group);
  if (contact != NULL)
    {
      const char *role_values[] = { roles[0], roles[1], roles[2], roles[3], NULL };

      scim_edit_dialog_track (dialog, GTK_WIDGET (self->name_row), "name");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->position_row), "position");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->phone_row), "phone");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->email_row), "email");
      scim_edit_dialog_track_choice (dialog, self->role_row, "role", role_values);
    }

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (group), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
