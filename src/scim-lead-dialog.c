/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-lead-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-leads.h"
#include "scim-lead-dialog.h"
#include "scim-sale-window.h"

/* The lead card: the contact as received, its company, source and channel,
 * the product of interest, notes, and the history of what happened to it.
 * A new lead can be accepted or rejected from here by someone who may. */

struct _ScimLeadDialog
{
  ScimEditDialog       parent_instance;

  AdwEntryRow         *name_row;
  AdwEntryRow         *company_row;
  AdwEntryRow         *position_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *email_row;
  AdwEntryRow         *tax_row;
  AdwEntryRow         *source_row;
  AdwEntryRow         *channel_row;
  AdwComboRow         *product_row;
  AdwComboRow         *owner_row;
  GtkTextView         *notes_view;
  AdwPreferencesGroup *history_group;
  GtkListBox          *history_list;
  GtkWidget           *sales_list;

  gint64               lead_id;
  gint64               version;
  gint64               received_at;
};

enum {
  ACCEPT,
  REJECT,
  DELETE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimLeadDialog, scim_lead_dialog, SCIM_TYPE_EDIT_DIALOG)

typedef struct
{
  gint64 lead_id;
  gint64 version;
  char  *name, *company, *position, *phone, *email, *tax_id, *source, *channel, *notes;
  gint64 product_id;
  gint64 owner_id;
  gint64 received_at;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->name);
  g_free (job->company);
  g_free (job->position);
  g_free (job->phone);
  g_free (job->email);
  g_free (job->tax_id);
  g_free (job->source);
  g_free (job->channel);
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
  ScimLeadFields fields = {
    job->name, job->company, job->position, job->phone, job->email, job->tax_id, job->source,
    job->channel, job->product_id, job->notes, job->received_at, job->owner_id,
  };

  if (job->lead_id == 0)
    return scim_store_add_lead (store, &fields, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_update_lead (store, job->lead_id, job->version, &fields, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static char *
entry_text (AdwEntryRow *row)
{
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
scim_lead_dialog_save (ScimEditDialog *dialog)
{
  ScimLeadDialog *self = SCIM_LEAD_DIALOG (dialog);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->lead_id = self->lead_id;
  job->version = self->version;
  job->name = entry_text (self->name_row);
  job->company = entry_text (self->company_row);
  job->position = entry_text (self->position_row);
  job->phone = entry_text (self->phone_row);
  job->email = entry_text (self->email_row);
  job->tax_id = entry_text (self->tax_row);
  job->source = entry_text (self->source_row);
  job->channel = entry_text (self->channel_row);
  job->notes = scim_edit_dialog_get_text (self->notes_view);
  job->product_id = scim_edit_dialog_get_record_id (self->product_row);
  job->owner_id = scim_edit_dialog_get_record_id (self->owner_row);
  job->received_at = self->received_at;
  scim_edit_dialog_run_save (dialog, save_thread, job, save_job_free);
}

static gpointer
history_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return scim_store_lead_history (store, GPOINTER_TO_SIZE (data), error);
}

static void
on_history_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ScimLeadDialog) self = user_data;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  history = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (history == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
      return;
    }
  for (guint i = 0; i < history->len; i++)
    {
      ScimHistoryEntry *entry = g_ptr_array_index (history, i);
      g_autofree char *when = scim_format_date_time (entry->at);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, entry->who != NULL ? entry->who : "");
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->what);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->history_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), history->len > 0);
}

static void
on_accept_clicked_cb (GtkButton      *button,
                      ScimLeadDialog *self)
{
  g_signal_emit (self, signals[ACCEPT], 0, self->lead_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_reject_clicked_cb (GtkButton      *button,
                      ScimLeadDialog *self)
{
  g_signal_emit (self, signals[REJECT], 0, self->lead_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_delete_clicked_cb (GtkButton      *button,
                      ScimLeadDialog *self)
{
  g_signal_emit (self, signals[DELETE], 0, self->lead_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
scim_lead_dialog_class_init (ScimLeadDialogClass *klass)
{
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_lead_dialog_save;

  /**
   * ScimLeadDialog::accept:
   * @lead_id: the lead to accept
   */
  signals[ACCEPT] = g_signal_new ("accept", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * ScimLeadDialog::reject:
   * @lead_id: the lead to reject
   */
  signals[REJECT] = g_signal_new ("reject", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * ScimLeadDialog::delete:
   * @lead_id: the lead to delete (with undo)
   */
  signals[DELETE] = g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
scim_lead_dialog_init (ScimLeadDialog *self)
{
}

static GtkWidget *
action_button (const char *label,
               const char *style,
               GCallback   callback,
               gpointer    self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  g_signal_connect_object (button, "clicked", callback, self, G_CONNECT_DEFAULT);
  return button;
}

/**
 * scim_lead_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @lead: (nullable): the lead, or %NULL for a new one
 * @products: (element-type ScimProduct): products of interest to choose from
 * @users: (element-type ScimUser): salespeople to choose from
 * @editable: whether the signed-in user may change it
 * @may_accept: whether the signed-in user may accept and reject leads
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimLeadDialog *
scim_lead_dialog_new (GtkWindow  *parent,
                      ScimStore  *store,
                      ScimRecord *lead,
                      GListModel *products,
                      GListModel *users,
                      gboolean    editable,
                      gboolean    may_accept)
{
  ScimLeadDialog *self = g_object_new (SCIM_TYPE_LEAD_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *contact = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *origin = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  gboolean is_new = lead == NULL || g_strcmp0 (scim_record_get_string (lead, "state"), "new") == 0;

#define FIELD(name) (lead != NULL ? scim_record_get_string (lead, name) : NULL)

  scim_edit_dialog_set_store (dialog, store);
  self->lead_id = lead != NULL ? scim_record_get_id (lead) : 0;
  self->version = lead != NULL ? scim_record_get_version (lead) : 0;
  self->received_at = lead != NULL ? scim_record_get_int (lead, "received-at") : 0;
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 760);
  if (lead == NULL)
    gtk_window_set_title (GTK_WINDOW (self), _("New Lead"));
  else
    {
      g_autofree char *title = g_strdup_printf ("%s · %s", FIELD ("name")[0] != '\0' ? FIELD ("name") : FIELD ("company"),
                                                scim_format_state (FIELD ("state")));
      gtk_window_set_title (GTK_WINDOW (self), title);
    }

  adw_preferences_group_set_title (contact, _("Contact as Received"));
  self->name_row = scim_edit_dialog_add_entry (contact, _("_Name"), FIELD ("name"));
  self->company_row = scim_edit_dialog_add_entry (contact, _("_Company"), FIELD ("company"));
  self->position_row = scim_edit_dialog_add_entry (contact, _("P_osition"), FIELD ("position"));
  self->phone_row = scim_edit_dialog_add_entry (contact, _("_Phone"), FIELD ("phone"));
  self->email_row = scim_edit_dialog_add_entry (contact, _("_E-mail"), FIELD ("email"));
  self->tax_row = scim_edit_dialog_add_entry (contact, _("_Tax ID"), FIELD ("tax-id"));
  scim_edit_dialog_add_group (dialog, contact);

  adw_preferences_group_set_title (origin, _("Where It Came From"));
  self->source_row = scim_edit_dialog_add_entry (origin, _("_Source"), FIELD ("source"));
  self->channel_row = scim_edit_dialog_add_entry (origin, _("C_hannel"), FIELD ("channel"));
  self->product_row = scim_edit_dialog_add_records (origin, _("Product of _interest"), products, "name",
                                                    lead != NULL ? scim_record_get_int (lead, "product-id") : 0, TRUE);
  self->owner_row = scim_edit_dialog_add_records (origin, _("Sa_lesperson"), users, "display-name",
                                                  lead != NULL ? scim_record_get_int (lead, "owner-id") : 0, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->owner_row), may_accept);
  self->notes_view = scim_edit_dialog_add_text (origin, _("N_otes"), FIELD ("notes"));
  scim_edit_dialog_add_group (dialog, origin);

#undef FIELD

  if (lead != NULL)
    {
      AdwPreferencesGroup *actions = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

      if (is_new && may_accept)
        {
          gtk_box_append (GTK_BOX (box), action_button (_("_Accept…"), "suggested-action",
                                                        G_CALLBACK (on_accept_clicked_cb), self));
          gtk_box_append (GTK_BOX (box), action_button (_("_Reject…"), NULL, G_CALLBACK (on_reject_clicked_cb), self));
        }
      if (editable)
        {
          GtkWidget *delete = action_button (_("_Delete Lead"), "destructive-action",
                                             G_CALLBACK (on_delete_clicked_cb), self);
          gtk_widget_set_hexpand (delete, TRUE);
          gtk_widget_set_halign (delete, GTK_ALIGN_END);
          gtk_box_append (GTK_BOX (box), delete);
        }
      adw_preferences_group_add (actions, box);
      scim_edit_dialog_add_group (dialog, actions);

      /* An accepted lead leads on to its sales. */
      if (g_strcmp0 (scim_record_get_string (lead, "state"), "accepted") == 0)
        {
          AdwPreferencesGroup *group_sales = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);

          adw_preferences_group_set_title (group_sales, _("Sales from This Lead"));
          query->lead_id = self->lead_id;
          self->sales_list = scim_sale_list_new (store, query);
          adw_preferences_group_add (group_sales, self->sales_list);
          scim_edit_dialog_add_group (dialog, group_sales);
        }

      self->history_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_title (self->history_group, _("History"));
      self->history_list = GTK_LIST_BOX (gtk_list_box_new ());
      gtk_list_box_set_selection_mode (self->history_list, GTK_SELECTION_NONE);
      gtk_widget_add_css_class (GTK_WIDGET (self->history_list), "boxed-list");
      adw_preferences_group_add (self->history_group, GTK_WIDGET (self->history_list));
      gtk_widget_set_visible (GTK_WIDGET (self->history_group), FALSE);
      scim_edit_dialog_add_group (dialog, self->history_group);
      scim_store_run_async (store, history_thread, GSIZE_TO_POINTER (self->lead_id), NULL, NULL,
                            on_history_loaded_cb, g_object_ref (self));
    }

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (contact), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (origin), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/* Fills the form as a person would; for tests. */
void
scim_lead_dialog_fill (ScimLeadDialog *self,
                       const char     *name,
                       const char     *company,
                       const char     *phone,
                       const char     *email)
{
  g_return_if_fail (SCIM_IS_LEAD_DIALOG (self));

  if (name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (company != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->company_row), company);
  if (phone != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->phone_row), phone);
  if (email != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
}

/**
 * scim_lead_dialog_get_sales:
 * @self: a #ScimLeadDialog
 *
 * Returns: (transfer none) (nullable): the sales made from an accepted
 *   lead, as listed; for tests
 */
GListModel *
scim_lead_dialog_get_sales (ScimLeadDialog *self)
{
  g_return_val_if_fail (SCIM_IS_LEAD_DIALOG (self), NULL);
  return self->sales_list != NULL ? g_object_get_data (G_OBJECT (self->sales_list), "sales") : NULL;
}
