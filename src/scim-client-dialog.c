/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-client-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-settings.h"
#include "scim-client-dialog.h"
#include "scim-contact-dialog.h"
#include "scim-sale-window.h"
#include "scim-timeline.h"

/* The client card: company or person, tax id, phones, e-mails, address,
 * website, target audience, client manager, notes, and the contacts with
 * their roles.  Possible duplicates (same tax id, phone or e-mail) show up
 * while typing, before anything is saved. */

#define DUPLICATE_DELAY_MS 400

struct _ScimClientDialog
{
  ScimEditDialog       parent_instance;

  AdwComboRow         *kind_row;
  AdwEntryRow         *name_row;
  AdwEntryRow         *tax_row;
  GtkTextView         *phones_view;
  GtkTextView         *emails_view;
  AdwEntryRow         *address_row;
  AdwEntryRow         *website_row;
  AdwComboRow         *audience_row;
  AdwComboRow         *manager_row;
  GtkSwitch           *customer_switch;
  GtkTextView         *notes_view;
  AdwPreferencesGroup *duplicates_group;
  GtkListBox          *duplicates_list;
  AdwPreferencesGroup *contacts_group;
  GtkListBox          *contacts_list;
  ScimRecordList      *events;
  ScimRecordList      *sales;

  gint64               client_id;
  gboolean             editable;
  guint                duplicate_source;
  guint                n_duplicates;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (ScimClientDialog, scim_client_dialog, SCIM_TYPE_EDIT_DIALOG)

static const char * const kinds[] = { "company", "person" };

static void reload_contacts (ScimClientDialog *self);

typedef struct
{
  gint64  client_id;
  gint64  version;
  char   *kind;
  char   *name;
  char   *tax_id;
  char   *phones;
  char   *emails;
  char   *address;
  char   *website;
  gint64  audience_id;
  gint64  manager_id;
  gboolean is_customer;
  char   *notes;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->kind);
  g_free (job->name);
  g_free (job->tax_id);
  g_free (job->phones);
  g_free (job->emails);
  g_free (job->address);
  g_free (job->website);
  g_free (job->notes);
  g_free (job);
}

static gpointer
save_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  SaveJob *job = data;
  ScimClientFields fields = {
    job->kind, job->name, job->tax_id, job->phones, job->emails, job->address, job->website,
    job->audience_id, job->manager_id, job->is_customer, job->notes,
  };

  if (job->client_id == 0)
    return scim_store_add_client (store, &fields, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_update_client (store, job->client_id, job->version, &fields, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static SaveJob *
job_from_form (ScimClientDialog *self)
{
  SaveJob *job = g_new0 (SaveJob, 1);

  job->client_id = self->client_id;
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
  job->kind = g_strdup (kinds[MIN (adw_combo_row_get_selected (self->kind_row), G_N_ELEMENTS (kinds) - 1)]);
  job->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  job->tax_id = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->tax_row)));
  job->phones = scim_edit_dialog_get_text (self->phones_view);
  job->emails = scim_edit_dialog_get_text (self->emails_view);
  job->address = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row)));
  job->website = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->website_row)));
  job->audience_id = scim_edit_dialog_get_record_id (self->audience_row);
  job->manager_id = scim_edit_dialog_get_record_id (self->manager_row);
  job->is_customer = gtk_switch_get_active (self->customer_switch);
  job->notes = scim_edit_dialog_get_text (self->notes_view);
  return job;
}

static void
scim_client_dialog_save (ScimEditDialog *dialog)
{
  scim_edit_dialog_run_save (dialog, save_thread, job_from_form (SCIM_CLIENT_DIALOG (dialog)), save_job_free);
}

/* Duplicates */

static gpointer
duplicates_thread (ScimStore     *store,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SaveJob *job = data;

  return scim_store_find_duplicate_clients (store, job->client_id, job->tax_id, job->phones, job->emails, error);
}

static void
on_duplicates_found_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ScimClientDialog) self = user_data;
  g_autoptr(GListModel) found = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  found = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (found == NULL)
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->duplicates_list))) != NULL)
    gtk_list_box_remove (self->duplicates_list, child);
  self->n_duplicates = g_list_model_get_n_items (found);
  for (guint i = 0; i < self->n_duplicates; i++)
    {
      g_autoptr(ScimRecord) client = g_list_model_get_item (found, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = g_strdup_printf ("%s %s · %s", _("Tax ID"),
                                                   scim_record_get_string (client, "tax-id"),
                                                   scim_record_get_string (client, "phones"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scim_record_get_string (client, "name"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
      gtk_list_box_append (self->duplicates_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), self->n_duplicates > 0);
}

static gboolean
find_duplicates_cb (gpointer user_data)
{
  ScimClientDialog *self = user_data;
  SaveJob *job = job_from_form (self);

  self->duplicate_source = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), duplicates_thread, job,
                        save_job_free, self->cancellable, on_duplicates_found_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_duplicates (ScimClientDialog *self)
{
  g_clear_handle_id (&self->duplicate_source, g_source_remove);
  self->duplicate_source = g_timeout_add (DUPLICATE_DELAY_MS, find_duplicates_cb, self);
}

static void
on_identity_changed_cb (GObject          *object,
                        ScimClientDialog *self)
{
  schedule_duplicates (self);
}

/* Contacts */

typedef struct
{
  gint64 client_id;
  char  *name;
  char  *position;
  char  *phone;
  char  *email;
  char  *role;
  gint64 contact_id;
} ContactJob;

static void
contact_job_free (gpointer data)
{
  ContactJob *job = data;

  g_free (job->name);
  g_free (job->position);
  g_free (job->phone);
  g_free (job->email);
  g_free (job->role);
  g_free (job);
}

static gpointer
delete_contact_thread (ScimStore     *store,
                       gpointer       data,
                       GCancellable  *cancellable,
                       GError       **error)
{
  ContactJob *job = data;

  return scim_store_delete_contact (store, job->contact_id, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
restore_contact_thread (ScimStore     *store,
                        gpointer       data,
                        GCancellable  *cancellable,
                        GError       **error)
{
  ContactJob *job = data;

  return scim_store_add_contact (store, job->client_id, job->name, job->position, job->phone, job->email,
                                 job->role, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_contact_changed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ScimClientDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
  reload_contacts (self);
}

typedef struct
{
  ScimClientDialog *self;
  ContactJob       *job;
} UndoData;

static void
undo_data_free (gpointer data,
                GClosure *closure)
{
  UndoData *undo = data;

  g_object_unref (undo->self);
  contact_job_free (undo->job);
  g_free (undo);
}

static void
on_undo_delete_cb (AdwToast *toast,
                   UndoData *undo)
{
  ContactJob *copy = g_new0 (ContactJob, 1);

  *copy = *undo->job;
  copy->name = g_strdup (undo->job->name);
  copy->position = g_strdup (undo->job->position);
  copy->phone = g_strdup (undo->job->phone);
  copy->email = g_strdup (undo->job->email);
  copy->role = g_strdup (undo->job->role);
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (undo->self)), restore_contact_thread, copy,
                        contact_job_free, NULL, on_contact_changed_cb, g_object_ref (undo->self));
}

static void
on_delete_contact_clicked_cb (GtkButton *button,
                              GtkWidget *row)
{
  ScimClientDialog *self = SCIM_CLIENT_DIALOG (gtk_widget_get_root (row));
  ScimRecord *contact = g_object_get_data (G_OBJECT (row), "scim-contact");
  ContactJob *job = g_new0 (ContactJob, 1);
  UndoData *undo = g_new0 (UndoData, 1);
  g_autofree char *message = g_strdup_printf (_("Contact “%s” deleted"), scim_record_get_string (contact, "name"));
  AdwToast *toast;
  GtkWidget *overlay;

  job->contact_id = scim_record_get_id (contact);
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), delete_contact_thread, job,
                        contact_job_free, NULL, on_contact_changed_cb, g_object_ref (self));

  /* Undo adds the same person back. */
  undo->self = g_object_ref (self);
  undo->job = g_new0 (ContactJob, 1);
  undo->job->client_id = self->client_id;
  undo->job->name = g_strdup (scim_record_get_string (contact, "name"));
  undo->job->position = g_strdup (scim_record_get_string (contact, "position"));
  undo->job->phone = g_strdup (scim_record_get_string (contact, "phone"));
  undo->job->email = g_strdup (scim_record_get_string (contact, "email"));
  undo->job->role = g_strdup (scim_record_get_string (contact, "role"));
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_delete_cb), undo, undo_data_free, 0);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self->contacts_list), ADW_TYPE_TOAST_OVERLAY);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
on_contact_saved_cb (ScimEditDialog   *dialog,
                     ScimClientDialog *self)
{
  reload_contacts (self);
}

static void
on_contact_activated_cb (GtkListBox       *list,
                         GtkListBoxRow    *row,
                         ScimClientDialog *self)
{
  ScimRecord *contact = g_object_get_data (G_OBJECT (row), "scim-contact");
  ScimContactDialog *dialog;

  dialog = scim_contact_dialog_new (GTK_WINDOW (self), scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)),
                                    self->client_id, contact, self->editable);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_contact_saved_cb), self, G_CONNECT_DEFAULT);
}

static void
on_add_contact_clicked_cb (GtkButton        *button,
                           ScimClientDialog *self)
{
  ScimContactDialog *dialog;

  dialog = scim_contact_dialog_new (GTK_WINDOW (self), scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)),
                                    self->client_id, NULL, TRUE);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_contact_saved_cb), self, G_CONNECT_DEFAULT);
}

static const char *
contact_role_label (const char *role)
{
  if (g_strcmp0 (role, "decision_maker") == 0)
    return _("Decision maker");
  if (g_strcmp0 (role, "key_contact") == 0)
    return _("Key contact");
  if (g_strcmp0 (role, "influence_agent") == 0)
    return _("Agent of influence");
  return C_("contact role", "Other");
}

static gpointer
list_contacts_thread (ScimStore     *store,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return scim_store_list_contacts (store, GPOINTER_TO_SIZE (data), error);
}

static void
on_contacts_listed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ScimClientDialog) self = user_data;
  g_autoptr(GListModel) contacts = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  contacts = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (contacts == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->contacts_list))) != NULL)
    gtk_list_box_remove (self->contacts_list, child);
  for (guint i = 0; i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr(ScimRecord) contact = g_list_model_get_item (contacts, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s",
                                                   contact_role_label (scim_record_get_string (contact, "role")),
                                                   scim_record_get_string (contact, "position"),
                                                   scim_record_get_string (contact, "phone"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scim_record_get_string (contact, "name"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "scim-contact", g_object_ref (contact), g_object_unref);
      if (self->editable)
        {
          GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

          gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (remove, "flat");
          gtk_widget_set_tooltip_text (remove, _("Delete Contact"));
          g_signal_connect (remove, "clicked", G_CALLBACK (on_delete_contact_clicked_cb), row);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
        }
      gtk_list_box_append (self->contacts_list, row);
    }
}

static void
reload_contacts (ScimClientDialog *self)
{
  if (self->client_id == 0)
    return;
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), list_contacts_thread,
                        GSIZE_TO_POINTER (self->client_id), NULL, NULL, on_contacts_listed_cb, g_object_ref (self));
}

/* GObject */

static void
scim_client_dialog_dispose (GObject *object)
{
  ScimClientDialog *self = SCIM_CLIENT_DIALOG (object);

  g_clear_handle_id (&self->duplicate_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->events);
  g_clear_object (&self->sales);

  G_OBJECT_CLASS (scim_client_dialog_parent_class)->dispose (object);
}

static void
scim_client_dialog_class_init (ScimClientDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = scim_client_dialog_dispose;
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_client_dialog_save;
}

static void
scim_client_dialog_init (ScimClientDialog *self)
{
}

static GtkListBox *
boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return GTK_LIST_BOX (list);
}

/**
 * scim_client_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @client: (nullable): the client, or %NULL for a new one
 * @audiences: (element-type ScimAudience): target audiences to choose from
 * @users: (element-type ScimUser): client managers to choose from
 * @editable: whether the signed-in user may change it
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimClientDialog *
scim_client_dialog_new (GtkWindow  *parent,
                        ScimStore  *store,
                        ScimRecord *client,
                        GListModel *audiences,
                        GListModel *users,
                        gboolean    editable)
{
  ScimClientDialog *self = g_object_new (SCIM_TYPE_CLIENT_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *reach = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *sales = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  const char *kind_labels[] = { _("Company"), _("Person"), NULL };
  const char *s;

#define FIELD(name) (client != NULL ? scim_record_get_string (client, name) : NULL)

  scim_edit_dialog_set_store (dialog, store);
  self->editable = editable;
  self->client_id = client != NULL ? scim_record_get_id (client) : 0;
  scim_edit_dialog_set_record (dialog, client);
  gtk_window_set_title (GTK_WINDOW (self), client != NULL ? FIELD ("name") : _("New Client"));
  gtk_window_set_default_size (GTK_WINDOW (self), 620, 760);

  /* Duplicates first, so they are seen before saving. */
  self->duplicates_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->duplicates_group, _("Possible Duplicates"));
  adw_preferences_group_set_description (self->duplicates_group,
                                         _("These clients share the tax id, a phone or an e-mail. "
                                           "Check that you are not adding the same client twice."));
  self->duplicates_list = boxed_list ();
  adw_preferences_group_add (self->duplicates_group, GTK_WIDGET (self->duplicates_list));
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), FALSE);
  scim_edit_dialog_add_group (dialog, self->duplicates_group);

  s = FIELD ("kind");
  self->kind_row = scim_edit_dialog_add_choice (group, _("_Kind"), kind_labels, g_strcmp0 (s, "person") == 0 ? 1 : 0);
  self->name_row = scim_edit_dialog_add_entry (group, _("_Name"), FIELD ("name"));
  self->tax_row = scim_edit_dialog_add_entry (group, _("_Tax ID"), FIELD ("tax-id"));
  scim_edit_dialog_add_group (dialog, group);

  adw_preferences_group_set_title (reach, _("How to Reach"));
  self->phones_view = scim_edit_dialog_add_text (reach, _("_Phones, one per line"), FIELD ("phones"));
  self->emails_view = scim_edit_dialog_add_text (reach, _("_E-mails, one per line"), FIELD ("emails"));
  self->address_row = scim_edit_dialog_add_entry (reach, _("_Address"), FIELD ("address"));
  self->website_row = scim_edit_dialog_add_entry (reach, _("_Website"), FIELD ("website"));
  scim_edit_dialog_add_group (dialog, reach);

  adw_preferences_group_set_title (sales, _("Sales"));
  self->audience_row = scim_edit_dialog_add_records (sales, _("Target _audience"), audiences, "name",
                                                     client != NULL ? scim_record_get_int (client, "audience-id") : 0,
                                                     TRUE);
  self->manager_row = scim_edit_dialog_add_records (sales, _("Client _manager"), users, "display-name",
                                                    client != NULL ? scim_record_get_int (client, "manager-id")
                                                                   : scim_store_get_user_id (store),
                                                    TRUE);
  self->customer_switch = scim_edit_dialog_add_switch (sales, _("Already a _customer"),
                                                       _("Has bought from us before"),
                                                       client != NULL && scim_record_get_bool (client, "is-customer"));
  self->notes_view = scim_edit_dialog_add_text (sales, _("N_otes"), FIELD ("notes"));
  scim_edit_dialog_add_group (dialog, sales);
  if (client != NULL)
    {
      const char *kind_values[] = { kinds[0], kinds[1], NULL };

      scim_edit_dialog_track_choice (dialog, self->kind_row, "kind", kind_values);
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->name_row), "name");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->tax_row), "tax-id");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->phones_view), "phones");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->emails_view), "emails");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->address_row), "address");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->website_row), "website");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->audience_row), "audience-id");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->manager_row), "manager-id");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->customer_switch), "is-customer");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->notes_view), "notes");
    }

#undef FIELD

  if (client != NULL)
    {
      GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");

      self->contacts_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_title (self->contacts_group, _("Contacts"));
      adw_preferences_group_set_description (self->contacts_group,
                                             _("Decision makers, key contacts and agents of influence"));
      gtk_widget_set_tooltip_text (add, _("Add a Contact"));
      gtk_widget_add_css_class (add, "flat");
      gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
      gtk_widget_set_visible (add, editable);
      g_signal_connect_object (add, "clicked", G_CALLBACK (on_add_contact_clicked_cb), self, G_CONNECT_DEFAULT);
      adw_preferences_group_set_header_suffix (self->contacts_group, add);
      self->contacts_list = boxed_list ();
      g_signal_connect_object (self->contacts_list, "row-activated", G_CALLBACK (on_contact_activated_cb), self,
                               G_CONNECT_DEFAULT);
      adw_preferences_group_add (self->contacts_group, GTK_WIDGET (self->contacts_list));
      scim_edit_dialog_add_group (dialog, self->contacts_group);
      reload_contacts (self);

      /* The client's sales, each one click from its window. */
      {
        AdwPreferencesGroup *group_sales = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
        g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);
        GtkWidget *list;

        adw_preferences_group_set_title (group_sales, _("Sales to This Client"));
        query->client_id = self->client_id;
        list = scim_sale_list_new (store, query);
        self->sales = g_object_ref (g_object_get_data (G_OBJECT (list), "sales"));
        adw_preferences_group_add (group_sales, list);
        scim_edit_dialog_add_group (dialog, group_sales);
      }

      /* The client's sales book: the same timeline as the Sales book page. */
      {
        AdwPreferencesGroup *book = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
        g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_EVENTS);
        GtkWidget *timeline = scim_timeline_new ();

        adw_preferences_group_set_title (book, _("Sales Book"));
        adw_preferences_group_set_description (book, _("Key events of all sales to this client"));
        query->client_id = self->client_id;
        self->events = scim_record_list_new (store, query);
        scim_timeline_set_model (SCIM_TIMELINE (timeline), G_LIST_MODEL (self->events));
        gtk_widget_set_size_request (timeline, -1, 280);
        adw_preferences_group_add (book, timeline);
        scim_edit_dialog_add_group (dialog, book);
      }
    }

  g_signal_connect_object (self->tax_row, "changed", G_CALLBACK (on_identity_changed_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (gtk_text_view_get_buffer (self->phones_view), "changed",
                           G_CALLBACK (on_identity_changed_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (gtk_text_view_get_buffer (self->emails_view), "changed",
                           G_CALLBACK (on_identity_changed_cb), self, G_CONNECT_DEFAULT);

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (reach), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (sales), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/**
 * scim_client_dialog_get_sales:
 * @self: a #ScimClientDialog of a saved client
 *
 * Returns: (transfer none) (nullable): the client's sales as listed; for
 *   tests
 */
GListModel *
scim_client_dialog_get_sales (ScimClientDialog *self)
{
  g_return_val_if_fail (SCIM_IS_CLIENT_DIALOG (self), NULL);
  return G_LIST_MODEL (self->sales);
}

/* Opens the sale in row @index, as a click would; for tests. */
void
scim_client_dialog_open_sale (ScimClientDialog *self,
                              guint             index)
{
  g_autoptr(ScimRecord) sale = NULL;

  g_return_if_fail (SCIM_IS_CLIENT_DIALOG (self));
  sale = g_list_model_get_item (G_LIST_MODEL (self->sales), index);
  g_return_if_fail (sale != NULL);
  scim_sale_window_open (GTK_WINDOW (self), scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)),
                         scim_record_get_id (sale));
}

/* Fills the form as a person would; for tests. */
void
scim_client_dialog_fill (ScimClientDialog *self,
                         const char       *name,
                         const char       *tax_id,
                         const char       *phones,
                         const char       *emails)
{
  g_return_if_fail (SCIM_IS_CLIENT_DIALOG (self));

  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (tax_id != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->tax_row), tax_id);
  if (phones != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->phones_view), phones, -1);
  if (emails != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->emails_view), emails, -1);
}

/* How many possible duplicates are shown now. */
guint
scim_client_dialog_get_n_duplicates (ScimClientDialog *self)
{
  g_return_val_if_fail (SCIM_IS_CLIENT_DIALOG (self), 0);
  return self->n_duplicates;
}
