/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-lead-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-leads.h"
#include "scim-lead-dialog.h"
#include "scim-sale-window.h"

/* The lead card: the contact as received, its company, source and channel,
 * the product of interest, notes, what the CRM it came from called it, its
 * likely duplicates (to merge into it) and the history of what happened to
 * it.  A new lead can be accepted or rejected from here by someone who may. */

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
  AdwPreferencesGroup *duplicates_group;
  GtkListBox          *duplicates_list;
  GListModel          *duplicates;
  gboolean             may_accept;

  gint64               lead_id;
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
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
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

/* Likely duplicates */

static gpointer
duplicates_thread (ScimStore     *store,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  return scim_store_find_duplicate_leads (store, GPOINTER_TO_SIZE (data), error);
}

static gpointer
merge_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  gint64 *ids = data;

  return scim_store_merge_leads (store, ids[0], ids[1], error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_merged_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimLeadDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;
  GtkWidget *overlay;

  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
      return;
    }
  /* The card shows the lead as it was: the merged one opens afresh. */
  g_signal_emit_by_name (self, "saved");
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  overlay = parent != NULL ? gtk_widget_get_first_child (GTK_WIDGET (parent)) : NULL;
  if (overlay != NULL && ADW_IS_TOAST_OVERLAY (overlay))
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (_("Leads merged")));
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * scim_lead_dialog_merge:
 * @self: a #ScimLeadDialog
 * @duplicate_id: one of its likely duplicates
 *
 * Merges @duplicate_id into this card's lead, as the Merge button does
 * once confirmed, and closes the card.
 */
void
scim_lead_dialog_merge (ScimLeadDialog *self,
                        gint64          duplicate_id)
{
  gint64 *ids = g_new (gint64, 2);

  g_return_if_fail (SCIM_IS_LEAD_DIALOG (self));
  ids[0] = self->lead_id;
  ids[1] = duplicate_id;
  scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), NULL);
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), merge_thread, ids, g_free, NULL,
                        on_merged_cb, g_object_ref (self));
}

static void
on_merge_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      ScimLeadDialog   *self)
{
  if (g_strcmp0 (response, "merge") == 0)
    scim_lead_dialog_merge (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "lead-id")));
}

static void
on_merge_clicked_cb (GtkButton      *button,
                     ScimLeadDialog *self)
{
  ScimRecord *other = g_object_get_data (G_OBJECT (button), "lead");
  const char *name = scim_record_get_string (other, "name")[0] != '\0' ? scim_record_get_string (other, "name")
                                                                      : scim_record_get_string (other, "company");
  g_autofree char *heading = g_strdup_printf (_("Merge “%s” Into This Lead?"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("Its contacts fill what this lead lacks, its notes are added, and its "
                                                "sales and history move here; then it is deleted. This cannot be "
                                                "undone."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "merge", _("_Merge"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "merge", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "lead-id", GSIZE_TO_POINTER (scim_record_get_id (other)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_merge_response_cb), self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Which keys two leads share, for the row's subtitle. */
static char *
shared_keys (ScimLeadDialog *self,
             ScimRecord     *other)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *date = scim_format_date (scim_record_get_int (other, "received-at"));
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->phone_row));
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  const char *tax = gtk_editable_get_text (GTK_EDITABLE (self->tax_row));

  if (phone[0] != '\0' && scim_record_get_string (other, "phone")[0] != '\0')
    g_ptr_array_add (parts, (gpointer) scim_record_get_string (other, "phone"));
  if (email[0] != '\0' && scim_record_get_string (other, "email")[0] != '\0')
    g_ptr_array_add (parts, (gpointer) scim_record_get_string (other, "email"));
  if (tax[0] != '\0' && g_strcmp0 (scim_record_get_string (other, "tax-id"), tax) == 0)
    g_ptr_array_add (parts, (gpointer) tax);
  g_ptr_array_add (parts, date);
  g_ptr_array_add (parts, (gpointer) scim_format_state (scim_record_get_string (other, "state")));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
on_duplicates_loaded_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(ScimLeadDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *dups;

  dups = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (dups == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
      return;
    }
  g_clear_object (&self->duplicates);
  self->duplicates = dups;
  for (guint i = 0; i < g_list_model_get_n_items (dups); i++)
    {
      g_autoptr(ScimRecord) other = g_list_model_get_item (dups, i);
      const char *name = scim_record_get_string (other, "name");
      const char *company = scim_record_get_string (other, "company");
      g_autofree char *title = g_strdup_printf ("%s%s%s", name, name[0] != '\0' && company[0] != '\0' ? " · " : "",
                                                company);
      g_autofree char *subtitle = shared_keys (self, other);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (self->may_accept)
        {
          GtkWidget *merge = gtk_button_new_with_mnemonic (_("_Merge…"));
          g_autofree char *label = g_strdup_printf (_("Merge “%s” into this lead"), title);

          gtk_widget_set_valign (merge, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (merge, label);
          gtk_accessible_update_property (GTK_ACCESSIBLE (merge), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          g_object_set_data_full (G_OBJECT (merge), "lead", g_object_ref (other), g_object_unref);
          g_signal_connect_object (merge, "clicked", G_CALLBACK (on_merge_clicked_cb), self, G_CONNECT_DEFAULT);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), merge);
        }
      gtk_list_box_append (self->duplicates_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), g_list_model_get_n_items (dups) > 0);
}

/**
 * scim_lead_dialog_get_duplicates:
 * @self: a #ScimLeadDialog
 *
 * Returns: (transfer none) (nullable): the likely duplicates shown, once
 *   loaded; for tests
 */
GListModel *
scim_lead_dialog_get_duplicates (ScimLeadDialog *self)
{
  g_return_val_if_fail (SCIM_IS_LEAD_DIALOG (self), NULL);
  return self->duplicates;
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
scim_lead_dialog_dispose (GObject *object)
{
  ScimLeadDialog *self = SCIM_LEAD_DIALOG (object);

  g_clear_object (&self->duplicates);
  G_OBJECT_CLASS (scim_lead_dialog_parent_class)->dispose (object);
}

static void
scim_lead_dialog_class_init (ScimLeadDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = scim_lead_dialog_dispose;
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
  self->may_accept = may_accept;
  self->lead_id = lead != NULL ? scim_record_get_id (lead) : 0;
  scim_edit_dialog_set_record (dialog, lead);
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

  /* Likely duplicates come first: merging is the first thing to do. */
  if (lead != NULL)
    {
      self->duplicates_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_title (self->duplicates_group, _("Likely Duplicates"));
      adw_preferences_group_set_description (self->duplicates_group,
                                             _("Other leads with the same phone, e-mail or tax ID"));
      self->duplicates_list = GTK_LIST_BOX (gtk_list_box_new ());
      gtk_list_box_set_selection_mode (self->duplicates_list, GTK_SELECTION_NONE);
      gtk_widget_add_css_class (GTK_WIDGET (self->duplicates_list), "boxed-list");
      adw_preferences_group_add (self->duplicates_group, GTK_WIDGET (self->duplicates_list));
      gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), FALSE);
      scim_edit_dialog_add_group (dialog, self->duplicates_group);
      scim_store_run_async (store, duplicates_thread, GSIZE_TO_POINTER (self->lead_id), NULL, NULL,
                            on_duplicates_loaded_cb, g_object_ref (self));

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
  if (lead != NULL)
    {
      static const struct { gsize offset; const char *property; } tracked[] = {
        { G_STRUCT_OFFSET (ScimLeadDialog, name_row), "name" },
        { G_STRUCT_OFFSET (ScimLeadDialog, company_row), "company" },
        { G_STRUCT_OFFSET (ScimLeadDialog, position_row), "position" },
        { G_STRUCT_OFFSET (ScimLeadDialog, phone_row), "phone" },
        { G_STRUCT_OFFSET (ScimLeadDialog, email_row), "email" },
        { G_STRUCT_OFFSET (ScimLeadDialog, tax_row), "tax-id" },
        { G_STRUCT_OFFSET (ScimLeadDialog, source_row), "source" },
        { G_STRUCT_OFFSET (ScimLeadDialog, channel_row), "channel" },
        { G_STRUCT_OFFSET (ScimLeadDialog, product_row), "product-id" },
        { G_STRUCT_OFFSET (ScimLeadDialog, owner_row), "owner-id" },
        { G_STRUCT_OFFSET (ScimLeadDialog, notes_view), "notes" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (tracked); i++)
        scim_edit_dialog_track (dialog, G_STRUCT_MEMBER (GtkWidget *, self, tracked[i].offset), tracked[i].property);
    }
  /* What the CRM it came from called it: its id, status and owner. */
  if (lead != NULL && (FIELD ("source-id")[0] != '\0' || FIELD ("source-status")[0] != '\0' ||
                       FIELD ("source-owner")[0] != '\0'))
    {
      GtkWidget *row = adw_action_row_new ();
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *said = NULL;

      if (FIELD ("source-id")[0] != '\0')
        g_ptr_array_add (parts, g_strdup_printf (_("ID %s"), FIELD ("source-id")));
      if (FIELD ("source-status")[0] != '\0')
        g_ptr_array_add (parts, g_strdup_printf (_("status “%s”"), FIELD ("source-status")));
      if (FIELD ("source-owner")[0] != '\0')
        g_ptr_array_add (parts, g_strdup_printf (_("owner %s"), FIELD ("source-owner")));
      g_ptr_array_add (parts, NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("In the CRM it came from"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      said = g_strjoinv (" · ", (char **) parts->pdata);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), said);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (origin, row);
    }
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
