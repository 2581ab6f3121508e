/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-leads-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-accept-dialog.h"
#include "scim-choices.h"
#include "scim-import-dialog.h"
#include "scim-lead-dialog.h"
#include "scim-leads.h"
#include "scim-leads-page.h"
#include "scim-record-table.h"

/* The Leads module: every lead in a lazy table, searched and filtered by
 * state in SQL, so it stays fast with 150,000 leads; the lead card; the
 * acceptance queue (state "New"); bulk assign, accept and reject; CSV
 * import and export. */

struct _ScimLeadsPage
{
  GtkWidget        parent_instance;

  ScimRecordTable *table;
  GtkActionBar    *action_bar;
  GtkLabel        *selection_label;
  GtkWidget       *accept_button;
  GtkWidget       *reject_button;
  GtkWidget       *assign_button;

  GtkDropDown     *owner_dropdown;
  GtkDropDown     *period_dropdown;
  GtkEntry        *source_entry;

  ScimStore       *store;
  GListModel      *products;
  GListModel      *users;
  gboolean         may_accept;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (ScimLeadsPage, scim_leads_page, GTK_TYPE_WIDGET)

static char *
count_leads (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u lead", "%'u leads", n), n);
}

static void
adjust_query (ScimQuery *query,
              gpointer   user_data)
{
  ScimLeadsPage *self = user_data;
  const char *source = gtk_editable_get_text (GTK_EDITABLE (self->source_entry));

  query->owner_id = scim_choices_get_id (self->owner_dropdown);
  query->since = scim_choices_period_since (gtk_drop_down_get_selected (self->period_dropdown));
  if (source != NULL && source[0] != '\0')
    query->source = g_strdup (source);
}

static void
on_filter_changed_cb (GObject       *object,
                      GParamSpec    *pspec,
                      ScimLeadsPage *self)
{
  scim_record_table_refilter (self->table);
}

static void
on_source_changed_cb (GtkEditable   *editable,
                      ScimLeadsPage *self)
{
  scim_record_table_refilter (self->table);
}

static GtkWindow *
parent_window (ScimLeadsPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
toast (ScimLeadsPage *self,
       AdwToast      *item)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), item);
  else
    g_object_unref (g_object_ref_sink (item));
}

static void
say (ScimLeadsPage *self,
     const char    *message)
{
  toast (self, adw_toast_new (message));
}

/* Writes on a worker; the message goes to a toast. */

typedef struct
{
  ScimLeadsPage *self;
  char          *done_message;
} WriteRequest;

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WriteRequest *request = user_data;
  g_autoptr(ScimLeadsPage) self = request->self;
  g_autofree char *done = request->done_message;
  g_autoptr(GError) error = NULL;

  g_free (request);
  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    say (self, error->message);
  else if (done != NULL)
    say (self, done);
  scim_record_table_refilter (self->table);
}

static void
run_write (ScimLeadsPage  *self,
           ScimStoreFunc   func,
           gpointer        data,
           GDestroyNotify  destroy,
           const char     *done_message)
{
  WriteRequest *request = g_new0 (WriteRequest, 1);

  request->self = g_object_ref (self);
  request->done_message = g_strdup (done_message);
  scim_store_run_async (self->store, func, data, destroy, NULL, on_written_cb, request);
}

/* Rejecting */

typedef struct
{
  GArray *ids;
  char   *reason;
} RejectJob;

static void
reject_job_free (gpointer data)
{
  RejectJob *job = data;

  g_array_unref (job->ids);
  g_free (job->reason);
  g_free (job);
}

static gpointer
reject_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  RejectJob *job = data;

  return scim_store_reject_leads (store, (const gint64 *) (gpointer) job->ids->data, job->ids->len, job->reason,
                                  error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_reject_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       ScimLeadsPage    *self)
{
  GArray *ids = g_object_get_data (G_OBJECT (dialog), "scim-ids");
  GtkDropDown *reasons = g_object_get_data (G_OBJECT (dialog), "scim-reasons");
  GtkEditable *other = g_object_get_data (G_OBJECT (dialog), "scim-other");
  const char * const *list = scim_lead_reject_reasons ();
  guint selected = gtk_drop_down_get_selected (reasons);
  RejectJob *job;
  const char *text;

  if (!g_str_equal (response, "reject"))
    return;
  text = gtk_editable_get_text (other);
  job = g_new0 (RejectJob, 1);
  job->ids = g_array_ref (ids);
  /* A typed reason wins over the chosen one. */
  job->reason = g_strdup (text != NULL && text[0] != '\0' ? text : _(list[selected]));
  run_write (self, reject_thread, job, reject_job_free,
             g_dngettext (GETTEXT_PACKAGE, "Lead rejected", "Leads rejected", ids->len));
}

static void
ask_reject (ScimLeadsPage *self,
            GArray        *ids)
{
  const char * const *reasons = scim_lead_reject_reasons ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reject %u Lead?", "Reject %u Leads?",
                                                           ids->len), ids->len);
  GtkWidget *dialog, *box, *dropdown, *other;

  for (guint i = 0; reasons[i] != NULL; i++)
    gtk_string_list_append (labels, _(reasons[i]));
  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   _("A rejected lead keeps its history. Choose the reason, or type your own."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  other = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (other), _("Another reason"));
  gtk_box_append (GTK_BOX (box), dropdown);
  gtk_box_append (GTK_BOX (box), other);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "reject", _("_Reject"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reject", ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "scim-ids", g_array_ref (ids), (GDestroyNotify) g_array_unref);
  g_object_set_data (G_OBJECT (dialog), "scim-reasons", dropdown);
  g_object_set_data (G_OBJECT (dialog), "scim-other", other);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reject_response_cb), self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Accepting */

static void
on_accepted_cb (ScimEditDialog *dialog,
                ScimLeadsPage  *self)
{
  say (self, _("Accepted: the salesperson is asked to build a plan"));
  scim_record_table_refilter (self->table);
}

/**
 * scim_leads_page_accept:
 * @self: a #ScimLeadsPage
 * @ids: (element-type gint64): the leads
 *
 * Returns: (transfer none): the acceptance dialog
 */
GtkWidget *
scim_leads_page_accept (ScimLeadsPage *self,
                        GArray        *ids)
{
  ScimAcceptDialog *dialog;

  dialog = scim_accept_dialog_new (parent_window (self), self->store, (const gint64 *) (gpointer) ids->data, ids->len,
                                   self->products, self->users);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_accepted_cb), self, G_CONNECT_DEFAULT);
  return GTK_WIDGET (dialog);
}

/* Assigning */

typedef struct
{
  GArray *ids;
  gint64  owner_id;
} AssignJob;

static void
assign_job_free (gpointer data)
{
  AssignJob *job = data;

  g_array_unref (job->ids);
  g_free (job);
}

static gpointer
assign_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  AssignJob *job = data;

  return scim_store_assign_leads (store, (const gint64 *) (gpointer) job->ids->data, job->ids->len, job->owner_id,
                                  error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_assign_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       ScimLeadsPage    *self)
{
  GtkDropDown *owners = g_object_get_data (G_OBJECT (dialog), "scim-owners");
  ScimRecord *owner = gtk_drop_down_get_selected_item (owners);
  AssignJob *job;

  if (!g_str_equal (response, "assign") || owner == NULL)
    return;
  job = g_new0 (AssignJob, 1);
  job->ids = g_array_ref (g_object_get_data (G_OBJECT (dialog), "scim-ids"));
  job->owner_id = scim_record_get_id (owner);
  run_write (self, assign_thread, job, assign_job_free, _("Salesperson assigned"));
}

static void
ask_assign (ScimLeadsPage *self,
            GArray        *ids)
{
  g_autofree char *heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Assign %u Lead", "Assign %u Leads",
                                                           ids->len), ids->len);
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), heading, _("Who works with them?"));
  GtkWidget *owners = gtk_drop_down_new (g_object_ref (self->users),
                                         gtk_property_expression_new (SCIM_TYPE_USER, NULL, "display-name"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (owners), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Salesperson"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), owners);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "assign", _("_Assign"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "assign", ADW_RESPONSE_SUGGESTED);
  g_object_set_data_full (G_OBJECT (dialog), "scim-ids", g_array_ref (ids), (GDestroyNotify) g_array_unref);
  g_object_set_data (G_OBJECT (dialog), "scim-owners", owners);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_assign_response_cb), self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Deleting with undo */

static gpointer
delete_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  return scim_store_delete_lead (store, GPOINTER_TO_SIZE (data), error);
}

static gpointer
restore_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return scim_store_restore_lead (store, data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_undo_delete_cb (AdwToast      *item,
                   ScimLeadsPage *self)
{
  GVariant *row = g_object_get_data (G_OBJECT (item), "scim-row");

  run_write (self, restore_thread, g_variant_ref (row), (GDestroyNotify) g_variant_unref, _("Lead restored"));
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScimLeadsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *row = scim_store_run_finish (SCIM_STORE (source), result, &error);
  AdwToast *item;

  if (row == NULL)
    {
      say (self, error->message);
      return;
    }
  item = adw_toast_new (_("Lead deleted"));
  adw_toast_set_button_label (item, _("_Undo"));
  g_object_set_data_full (G_OBJECT (item), "scim-row", row, (GDestroyNotify) g_variant_unref);
  g_signal_connect_object (item, "button-clicked", G_CALLBACK (on_undo_delete_cb), self, G_CONNECT_DEFAULT);
  toast (self, item);
  scim_record_table_refilter (self->table);
}

/* The card */

static void
on_card_accept_cb (ScimLeadDialog *dialog,
                   gint64          lead_id,
                   ScimLeadsPage  *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_val (ids, lead_id);
  scim_leads_page_accept (self, ids);
}

static void
on_card_reject_cb (ScimLeadDialog *dialog,
                   gint64          lead_id,
                   ScimLeadsPage  *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_val (ids, lead_id);
  ask_reject (self, ids);
}

static void
on_card_delete_cb (ScimLeadDialog *dialog,
                   gint64          lead_id,
                   ScimLeadsPage  *self)
{
  scim_store_run_async (self->store, delete_thread, GSIZE_TO_POINTER (lead_id), NULL, NULL, on_deleted_cb,
                        g_object_ref (self));
}

static void
on_card_saved_cb (ScimEditDialog *dialog,
                  ScimLeadsPage  *self)
{
  scim_record_table_refilter (self->table);
}

/**
 * scim_leads_page_open_card:
 * @self: a #ScimLeadsPage
 * @lead: (nullable): a lead, or %NULL for a new one
 *
 * Returns: (transfer none): the lead card
 */
GtkWidget *
scim_leads_page_open_card (ScimLeadsPage *self,
                           ScimRecord    *lead)
{
  ScimLeadDialog *dialog;
  gboolean editable;

  /* A new lead may be edited by anyone; a decided one by whoever may accept. */
  editable = !scim_store_is_read_only (self->store) &&
             (lead == NULL || self->may_accept || g_strcmp0 (scim_record_get_string (lead, "state"), "new") == 0);
  dialog = scim_lead_dialog_new (parent_window (self), self->store, lead, self->products, self->users, editable,
                                 self->may_accept && !scim_store_is_read_only (self->store));
  g_signal_connect_object (dialog, "accept", G_CALLBACK (on_card_accept_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (dialog, "reject", G_CALLBACK (on_card_reject_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (dialog, "delete", G_CALLBACK (on_card_delete_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_card_saved_cb), self, G_CONNECT_DEFAULT);
  return GTK_WIDGET (dialog);
}

static void
on_record_activated_cb (ScimRecordTable *table,
                        ScimRecord      *record,
                        ScimLeadsPage   *self)
{
  scim_leads_page_open_card (self, record);
}

static void
on_selection_changed_cb (ScimRecordTable *table,
                         ScimLeadsPage   *self)
{
  g_autoptr(GArray) ids = scim_record_table_get_selected_ids (self->table);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u selected", "%'u selected", ids->len),
                                           ids->len);

  gtk_label_set_label (self->selection_label, text);
  gtk_action_bar_set_revealed (self->action_bar, ids->len > 1 && self->may_accept);
}

static void
on_bulk_accept_cb (GtkButton     *button,
                   ScimLeadsPage *self)
{
  g_autoptr(GArray) ids = scim_record_table_get_selected_ids (self->table);

  if (ids->len > 0)
    scim_leads_page_accept (self, ids);
}

static void
on_bulk_reject_cb (GtkButton     *button,
                   ScimLeadsPage *self)
{
  g_autoptr(GArray) ids = scim_record_table_get_selected_ids (self->table);

  if (ids->len > 0)
    ask_reject (self, ids);
}

static void
on_bulk_assign_cb (GtkButton     *button,
                   ScimLeadsPage *self)
{
  g_autoptr(GArray) ids = scim_record_table_get_selected_ids (self->table);

  if (ids->len > 0)
    ask_assign (self, ids);
}

static void
on_add_clicked_cb (GtkButton     *button,
                   ScimLeadsPage *self)
{
  scim_leads_page_open_card (self, NULL);
}

static void
new_lead_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  scim_leads_page_open_card (SCIM_LEADS_PAGE (widget), NULL);
}

static void
on_import_finished_cb (ScimEditDialog *dialog,
                       ScimLeadsPage  *self)
{
  scim_record_table_refilter (self->table);
}

static void
on_import_clicked_cb (GtkButton     *button,
                      ScimLeadsPage *self)
{
  ScimImportDialog *dialog = scim_import_dialog_new (parent_window (self), self->store, self->users);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_import_finished_cb), self, G_CONNECT_DEFAULT);
}

/* Export */

typedef struct
{
  ScimQuery *query;
  GFile     *file;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_pointer (&job->query, scim_query_free);
  g_object_unref (job->file);
  g_free (job);
}

static gpointer
export_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  ExportJob *job = data;
  g_autoptr(GFileOutputStream) out = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                                     cancellable, error);

  if (out == NULL)
    return NULL;
  if (!scim_store_export_leads (store, job->query, G_OUTPUT_STREAM (out), cancellable, NULL, NULL, error))
    return NULL;
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       ScimLeadsPage   *self)
{
  gboolean all = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "scim-all"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      ExportJob *job = g_new0 (ExportJob, 1);
      GListModel *model = scim_record_table_get_model (self->table);

      job->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (!all && model != NULL)
        job->query = scim_query_copy (scim_record_list_get_query (SCIM_RECORD_LIST (model)));
      run_write (self, export_thread, job, export_job_free, _("Leads exported"));
    }
  g_object_unref (chooser);
}

static void
export_leads (ScimLeadsPage *self,
              gboolean       all)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (all ? _("Export All Leads") : _("Export the Leads Shown"),
                                         parent_window (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("leads.csv"));
  g_object_set_data (G_OBJECT (chooser), "scim-all", GINT_TO_POINTER (all));
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_view_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  export_leads (SCIM_LEADS_PAGE (widget), FALSE);
}

static void
export_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  export_leads (SCIM_LEADS_PAGE (widget), TRUE);
}

/* Loading the product line and the people for the dialogs */

typedef struct
{
  GListModel *products;
  GListModel *users;
  gboolean    may_accept;
} Lists;

static void
lists_free (gpointer data)
{
  Lists *lists = data;

  g_clear_object (&lists->products);
  g_clear_object (&lists->users);
  g_free (lists);
}

static gpointer
lists_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(ScimQuery) products = scim_query_new (SCIM_LIST_PRODUCTS);
  g_autoptr(ScimQuery) users = scim_query_new (SCIM_LIST_USERS);
  g_autoptr(ScimUser) me = NULL;
  Lists *lists = g_new0 (Lists, 1);

  lists->products = scim_store_list (store, products, error);
  lists->users = lists->products != NULL ? scim_store_list (store, users, error) : NULL;
  me = lists->users != NULL ? scim_store_get_user (store, scim_store_get_user_id (store), NULL) : NULL;
  if (lists->users == NULL)
    {
      lists_free (lists);
      return NULL;
    }
  lists->may_accept = me != NULL && (scim_record_get_bool (SCIM_RECORD (me), "may-accept") ||
                                     scim_store_get_user_role (store) >= SCIM_ROLE_HEAD);
  return lists;
}

static void
on_lists_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ScimLeadsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  Lists *lists = scim_store_run_finish (SCIM_STORE (source), result, &error);

  if (lists == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, error->message);
      return;
    }
  g_set_object (&self->products, lists->products);
  g_set_object (&self->users, lists->users);
  g_signal_handlers_block_by_func (self->owner_dropdown, on_filter_changed_cb, self);
  scim_choices_fill (self->owner_dropdown, lists->users, _("Every salesperson"), FALSE);
  g_signal_handlers_unblock_by_func (self->owner_dropdown, on_filter_changed_cb, self);
  self->may_accept = lists->may_accept;
  lists_free (lists);
}

static void
scim_leads_page_dispose (GObject *object)
{
  ScimLeadsPage *self = (ScimLeadsPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCIM_TYPE_LEADS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_object (&self->products);
  g_clear_object (&self->users);

  G_OBJECT_CLASS (scim_leads_page_parent_class)->dispose (object);
}

static void
scim_leads_page_class_init (ScimLeadsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_leads_page_dispose;

  g_type_ensure (SCIM_TYPE_RECORD_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-leads-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimLeadsPage, accept_button);
  gtk_widget_class_bind_template_child (widget_class, ScimLeadsPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, ScimLeadsPage, assign_button);
  gtk_widget_class_bind_template_child (widget_class, ScimLeadsPage, reject_button);
  gtk_widget_class_bind_template_child (widget_class, ScimLeadsPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, ScimLeadsPage, table);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bulk_accept_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bulk_assign_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bulk_reject_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_record_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);

  gtk_widget_class_install_action (widget_class, "leads.new", NULL, new_lead_action);
  gtk_widget_class_install_action (widget_class, "leads.export-view", NULL, export_view_action);
  gtk_widget_class_install_action (widget_class, "leads.export-all", NULL, export_all_action);
}

static void
scim_leads_page_init (ScimLeadsPage *self)
{
  static const char * const labels[] = { N_("All states"), N_("New"), N_("Accepted"), N_("Rejected"), NULL };
  static const char * const states[] = { "", "new", "accepted", "rejected", NULL };
  const char *translated[G_N_ELEMENTS (labels)];

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    translated[i] = labels[i] != NULL ? _(labels[i]) : NULL;

  scim_record_table_set_kind (self->table, SCIM_LIST_LEADS);
  scim_record_table_set_multiple (self->table, TRUE);
  scim_record_table_set_texts (self->table, _("Search name, company, phone, e-mail"),
                               _("No leads"), _("No lead matches the search and the filter."));
  scim_record_table_set_count_func (self->table, count_leads);
  scim_record_table_set_states (self->table, translated, states, 0);
  scim_record_table_set_adjust_func (self->table, adjust_query, self);

  {
    static const char * const periods[] = { N_("Received any time"), N_("Received today"),
                                             N_("Received this week"), N_("Received this month"),
                                             N_("Received this quarter"), N_("Received this year"), NULL };

    self->owner_dropdown = scim_choices_new (SCIM_TYPE_USER, "display-name", _("Salesperson"));
    self->period_dropdown = scim_choices_new_strings (periods, _("Received"));
    self->source_entry = GTK_ENTRY (gtk_entry_new ());
    gtk_entry_set_placeholder_text (self->source_entry, _("Source or channel"));
    gtk_editable_set_width_chars (GTK_EDITABLE (self->source_entry), 14);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->source_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Source or channel"), -1);
    g_signal_connect_object (self->owner_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                             G_CONNECT_DEFAULT);
    g_signal_connect_object (self->period_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                             G_CONNECT_DEFAULT);
    g_signal_connect_object (self->source_entry, "changed", G_CALLBACK (on_source_changed_cb), self,
                             G_CONNECT_DEFAULT);
    /* Each tool goes right after the state filter: add them in reverse. */
    scim_record_table_add_tool (self->table, GTK_WIDGET (self->source_entry));
    scim_record_table_add_tool (self->table, GTK_WIDGET (self->period_dropdown));
    scim_record_table_add_tool (self->table, GTK_WIDGET (self->owner_dropdown));
  }

  scim_record_table_add_column (self->table, _("Received"), "received-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->table, _("Name"), "name", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Company"), "company", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Phone"), "phone", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("E-mail"), "email", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Source"), "source", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Product"), "product", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("State"), "state", SCIM_CELL_STATE, FALSE);
  scim_record_table_add_column (self->table, _("Salesperson"), "owner", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Duplicates"), "duplicates", SCIM_CELL_DUPLICATES, FALSE);
}

void
scim_leads_page_set_store (ScimLeadsPage *self,
                           ScimStore     *store)
{
  g_return_if_fail (SCIM_IS_LEADS_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->store, store);
  self->may_accept = FALSE;
  scim_record_table_set_store (self->table, store);
  if (store != NULL)
    {
      self->cancellable = g_cancellable_new ();
      scim_store_run_async_full (store, lists_thread, NULL, NULL, lists_free, self->cancellable, on_lists_loaded_cb,
                                 self);
    }
}

/**
 * scim_leads_page_get_model:
 * @self: a #ScimLeadsPage
 *
 * Returns: (transfer none) (nullable): the leads shown
 */
GListModel *
scim_leads_page_get_model (ScimLeadsPage *self)
{
  g_return_val_if_fail (SCIM_IS_LEADS_PAGE (self), NULL);
  return scim_record_table_get_model (self->table);
}

/* Whether the product line and the people are loaded; tests wait for it. */
gboolean
scim_leads_page_is_ready (ScimLeadsPage *self)
{
  g_return_val_if_fail (SCIM_IS_LEADS_PAGE (self), FALSE);
  return self->users != NULL;
}

/**
 * scim_leads_page_get_table:
 * @self: a #ScimLeadsPage
 *
 * Returns: (transfer none): the table of leads
 */
GtkWidget *
scim_leads_page_get_table (ScimLeadsPage *self)
{
  g_return_val_if_fail (SCIM_IS_LEADS_PAGE (self), NULL);
  return GTK_WIDGET (self->table);
}
