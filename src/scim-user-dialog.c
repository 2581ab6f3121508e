/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-user-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-settings.h"
#include "scim-user-dialog.h"

/* A user: login, name, e-mail, role, whether they may accept leads, whether
 * they may sign in at all, and their password (stored only as a hash). */

struct _ScimUserDialog
{
  ScimEditDialog  parent_instance;

  AdwEntryRow    *login_row;
  AdwEntryRow    *name_row;
  AdwEntryRow    *email_row;
  AdwComboRow    *role_row;
  GtkSwitch      *accept_switch;
  GtkSwitch      *active_switch;
  AdwEntryRow    *password_row;

  gint64          user_id;
};

G_DEFINE_FINAL_TYPE (ScimUserDialog, scim_user_dialog, SCIM_TYPE_EDIT_DIALOG)

typedef struct
{
  gint64   user_id;
  gint64   version;
  char    *login;
  char    *full_name;
  char    *email;
  ScimRole role;
  gboolean may_accept;
  gboolean active;
  char    *password;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->login);
  g_free (job->full_name);
  g_free (job->email);
  if (job->password != NULL)
    explicit_bzero (job->password, strlen (job->password));
  g_free (job->password);
  g_free (job);
}

static gpointer
save_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  SaveJob *job = data;

  if (job->user_id == 0)
    return scim_store_add_user (store, job->login, job->full_name, job->email, job->role, job->may_accept,
                                job->password, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;

  /* Each part is its own checked change; the first refusal stops the rest. */
  if (!scim_store_update_user_profile (store, job->user_id, job->version, job->full_name, job->email, error) ||
      !scim_store_set_user_role (store, job->user_id, job->role, error) ||
      !scim_store_set_user_flags (store, job->user_id, job->active, job->may_accept, error))
    return NULL;
  if (job->password != NULL && job->password[0] != '\0' &&
      !scim_store_set_password (store, job->user_id, job->password, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
scim_user_dialog_save (ScimEditDialog *dialog)
{
  ScimUserDialog *self = SCIM_USER_DIALOG (dialog);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->user_id = self->user_id;
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
  job->login = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->login_row)));
  job->full_name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  job->email = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row)));
  job->role = (ScimRole) adw_combo_row_get_selected (self->role_row);
  job->may_accept = gtk_switch_get_active (self->accept_switch);
  job->active = gtk_switch_get_active (self->active_switch);
  job->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  scim_edit_dialog_run_save (dialog, save_thread, job, save_job_free);
}

static void
scim_user_dialog_class_init (ScimUserDialogClass *klass)
{
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_user_dialog_save;
}

static void
scim_user_dialog_init (ScimUserDialog *self)
{
}

/**
 * scim_user_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @user: (nullable): the user, or %NULL for a new one
 * @editable: whether the signed-in user may change it (admins)
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimUserDialog *
scim_user_dialog_new (GtkWindow  *parent,
                      ScimStore  *store,
                      ScimRecord *user,
                      gboolean    editable)
{
  ScimUserDialog *self = g_object_new (SCIM_TYPE_USER_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *access = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  const char *roles[] = { scim_role_get_label (SCIM_ROLE_SALES), scim_role_get_label (SCIM_ROLE_HEAD),
                          scim_role_get_label (SCIM_ROLE_ADMIN), NULL };
  ScimRole role = SCIM_ROLE_SALES;

  scim_edit_dialog_set_store (dialog, store);
  if (user != NULL)
    {
      self->user_id = scim_record_get_id (user);
      scim_edit_dialog_set_record (dialog, user);
      scim_role_from_string (scim_record_get_string (user, "role"), &role);
    }
  gtk_window_set_title (GTK_WINDOW (self), user != NULL ? scim_record_get_string (user, "display-name")
                                                        : _("New User"));

  self->login_row = scim_edit_dialog_add_entry (group, _("_Login"),
                                                user != NULL ? scim_record_get_string (user, "login") : NULL);
  /* The login names the user in the change history: it stays. */
  gtk_editable_set_editable (GTK_EDITABLE (self->login_row), user == NULL);
  self->name_row = scim_edit_dialog_add_entry (group, _("Full _name"),
                                               user != NULL ? scim_record_get_string (user, "full-name") : NULL);
  self->email_row = scim_edit_dialog_add_entry (group, _("_E-mail"),
                                                user != NULL ? scim_record_get_string (user, "email") : NULL);
  self->role_row = scim_edit_dialog_add_choice (group, _("_Role"), roles, role);
  scim_edit_dialog_add_group (dialog, group);

  adw_preferences_group_set_title (access, _("Access"));
  self->accept_switch = scim_edit_dialog_add_switch (access, _("May _accept leads"),
                                                     _("Heads of sales and administrators always may"),
                                                     user != NULL ? scim_record_get_bool (user, "may-accept") : FALSE);
  self->active_switch = scim_edit_dialog_add_switch (access, _("May _sign in"),
                                                     _("Switch off for someone who left; their history stays"),
                                                     user != NULL ? scim_record_get_bool (user, "active") : TRUE);
  self->password_row = ADW_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                 user != NULL && scim_record_get_bool (user, "has-password")
                                 ? _("New _password (empty keeps the old one)") : _("_Password (optional)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->password_row), TRUE);
  adw_preferences_group_add (access, GTK_WIDGET (self->password_row));
  scim_edit_dialog_add_group (dialog, access);
  if (user != NULL)
    {
      const char *role_values[] = { scim_role_to_string (SCIM_ROLE_SALES), scim_role_to_string (SCIM_ROLE_HEAD),
                                    scim_role_to_string (SCIM_ROLE_ADMIN), NULL };

      scim_edit_dialog_track (dialog, GTK_WIDGET (self->name_row), "full-name");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->email_row), "email");
      scim_edit_dialog_track_choice (dialog, self->role_row, "role", role_values);
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->accept_switch), "may-accept");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->active_switch), "active");
    }

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (access), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/* Fills the form as a person would; for tests. */
void
scim_user_dialog_fill (ScimUserDialog *self,
                       const char     *login,
                       const char     *full_name,
                       ScimRole        role,
                       const char     *password)
{
  g_return_if_fail (SCIM_IS_USER_DIALOG (self));

  if (login != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->login_row), login);
  if (full_name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), full_name);
  adw_combo_row_set_selected (self->role_row, role);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}
