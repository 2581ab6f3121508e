/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-event-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-event-dialog.h"
#include "scim-events.h"
#include "scim-sale-window.h"
#include "scim-task-dialog.h"

/* A key event of a sale: its kind, when (now, or a future date for a
 * planned event), title and text; it may move the sale's stage in the same
 * step ("contract signed" → Deal signed). */

#define SEARCH_DELAY_MS 300

struct _ScimEventDialog
{
  ScimEditDialog  parent_instance;

  AdwEntryRow    *client_row;
  AdwComboRow    *sale_row;
  AdwComboRow    *kind_row;
  AdwEntryRow    *when_row;
  AdwEntryRow    *title_row;
  GtkTextView    *text_view;
  AdwComboRow    *stage_row;

  gint64          sale_id;
  gint64          event_id;
  guint           search_source;
  GCancellable   *cancellable;
  GListModel     *sales;
};

enum {
  DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimEventDialog, scim_event_dialog, SCIM_TYPE_EDIT_DIALOG)

static const char * const kinds[] = { "call", "meeting", "email", "proposal", "contract", "payment", "note", "other" };

typedef struct
{
  gint64 event_id;
  gint64 version;
  gint64 sale_id;
  const char *kind;
  char  *title;
  char  *text;
  gint64 at;
  gint64 stage_id;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->title);
  g_free (job->text);
  g_free (job);
}

static gpointer
save_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  SaveJob *job = data;
  ScimEventFields fields = { job->sale_id, job->kind, job->title, job->text, job->at };

  if (job->event_id == 0)
    return scim_store_add_event (store, &fields, job->stage_id, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_update_event (store, job->event_id, job->version, &fields, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/* "Client · Product · Stage" for the sale chooser. */
static char *
sale_label (ScimRecord *sale,
            gpointer    user_data)
{
  if (sale == NULL)
    return g_strdup ("");
  return g_strdup_printf ("%s · %s · %s", scim_record_get_string (sale, "client"),
                          scim_record_get_string (sale, "product"), scim_record_get_string (sale, "stage"));
}

static gint64
chosen_sale (ScimEventDialog *self)
{
  if (self->sale_id != 0)
    return self->sale_id;
  return self->sale_row != NULL ? scim_edit_dialog_get_record_id (self->sale_row) : 0;
}

static void
scim_event_dialog_save (ScimEditDialog *dialog)
{
  ScimEventDialog *self = SCIM_EVENT_DIALOG (dialog);
  SaveJob *job = g_new0 (SaveJob, 1);
  gboolean has_time;

  job->sale_id = chosen_sale (self);
  if (job->sale_id == 0)
    {
      scim_edit_dialog_set_error (dialog, _("Sale: type the client’s name and choose the sale."));
      g_free (job);
      return;
    }
  if (!scim_parse_due (gtk_editable_get_text (GTK_EDITABLE (self->when_row)), &job->at, &has_time))
    {
      scim_edit_dialog_set_error (dialog, _("When: write the date as 2026-11-27 14:30 or 27.11.2026, or leave it "
                                            "empty for now."));
      g_free (job);
      return;
    }
  job->event_id = self->event_id;
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
  job->kind = kinds[MIN (adw_combo_row_get_selected (self->kind_row), G_N_ELEMENTS (kinds) - 1)];
  job->title = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  job->text = scim_edit_dialog_get_text (self->text_view);
  job->stage_id = self->stage_row != NULL ? scim_edit_dialog_get_record_id (self->stage_row) : 0;
  scim_edit_dialog_run_save (dialog, save_thread, job, save_job_free);
}

/* Choosing the sale by its client's name */

static gpointer
search_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);

  query->search = g_strdup (data);
  return scim_store_list (store, query, error);
}

static gpointer
stages_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(ScimSale) sale = scim_store_get_sale (store, GPOINTER_TO_SIZE (data), error);

  if (sale == NULL)
    return NULL;
  query->product_id = scim_record_get_int (SCIM_RECORD (sale), "product-id");
  return scim_store_list (store, query, error);
}

static void
on_stages_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimEventDialog) self = user_data;
  g_autoptr(GListModel) stages = scim_store_run_finish (SCIM_STORE (source), result, NULL);
  g_autoptr(GListStore) choices = NULL;
  g_autoptr(ScimRecord) none = NULL;

  if (stages == NULL || self->stage_row == NULL)
    return;
  choices = g_list_store_new (SCIM_TYPE_STAGE);
  none = scim_record_new (SCIM_TYPE_STAGE, 0);
  g_object_set (none, "name", _("Keep the stage"), NULL);
  g_list_store_append (choices, none);
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (stages, i);
      g_list_store_append (choices, stage);
    }
  adw_combo_row_set_model (self->stage_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->stage_row, 0);
}

static void
load_stages (ScimEventDialog *self)
{
  gint64 sale = chosen_sale (self);

  if (sale != 0 && self->stage_row != NULL)
    scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), stages_thread, GSIZE_TO_POINTER (sale),
                          NULL, NULL, on_stages_cb, g_object_ref (self));
}

static void
on_sales_found_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ScimEventDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *sales = scim_store_run_finish (SCIM_STORE (source), result, &error);

  if (sales == NULL)
    return;
  g_clear_object (&self->sales);
  self->sales = sales;
  adw_combo_row_set_model (self->sale_row, sales);
  load_stages (self);
}

static gboolean
search_cb (gpointer data)
{
  ScimEventDialog *self = data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->client_row));

  self->search_source = 0;
  if (text == NULL || g_utf8_strlen (text, -1) < 2)
    return G_SOURCE_REMOVE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), search_thread, g_strdup (text), g_free,
                        self->cancellable, on_sales_found_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
on_client_changed_cb (GtkEditable     *editable,
                      ScimEventDialog *self)
{
  g_clear_handle_id (&self->search_source, g_source_remove);
  self->search_source = g_timeout_add (SEARCH_DELAY_MS, search_cb, self);
}

static void
on_sale_selected_cb (AdwComboRow     *row,
                     GParamSpec      *pspec,
                     ScimEventDialog *self)
{
  load_stages (self);
}

static gpointer
delete_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  return scim_store_delete_event (store, GPOINTER_TO_SIZE (data), error);
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScimEventDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) row = scim_store_run_finish (SCIM_STORE (source), result, &error);

  if (row == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
      return;
    }
  g_signal_emit (self, signals[DELETED], 0, row);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_delete_clicked_cb (GtkButton       *button,
                      ScimEventDialog *self)
{
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), delete_thread,
                        GSIZE_TO_POINTER (self->event_id), NULL, NULL, on_deleted_cb, g_object_ref (self));
}

static void
scim_event_dialog_dispose (GObject *object)
{
  ScimEventDialog *self = SCIM_EVENT_DIALOG (object);

  g_clear_handle_id (&self->search_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sales);

  G_OBJECT_CLASS (scim_event_dialog_parent_class)->dispose (object);
}

static void
scim_event_dialog_class_init (ScimEventDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = scim_event_dialog_dispose;
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_event_dialog_save;

  /**
   * ScimEventDialog::deleted:
   * @row: the event as it was, for undo
   */
  signals[DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_VARIANT);
}

static void
scim_event_dialog_init (ScimEventDialog *self)
{
}

static void
on_open_sale_activated_cb (AdwActionRow    *row,
                           ScimEventDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  scim_sale_window_open (parent, scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), self->sale_id);
  gtk_window_close (GTK_WINDOW (self));
}

/* The event's sale, one click from the book: client, product and stage. */
static void
add_sale_row (ScimEventDialog *self,
              ScimRecord      *event)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", scim_record_get_string (event, "product"),
                                               scim_record_get_string (event, "stage"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scim_record_get_string (event, "client"));
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_add_suffix (row, gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), _("Open the sale"));
  g_signal_connect_object (row, "activated", G_CALLBACK (on_open_sale_activated_cb), self, G_CONNECT_DEFAULT);
  adw_preferences_group_set_title (group, _("Sale"));
  adw_preferences_group_add (group, GTK_WIDGET (row));
  scim_edit_dialog_add_group (SCIM_EDIT_DIALOG (self), group);
}

/* Opens the event's sale window, as a click on the sale row would; for
 * tests. */
void
scim_event_dialog_open_sale (ScimEventDialog *self)
{
  g_return_if_fail (SCIM_IS_EVENT_DIALOG (self));
  g_return_if_fail (self->event_id != 0);
  on_open_sale_activated_cb (NULL, self);
}

/**
 * scim_event_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @sale_id: the sale, or 0 to choose one in the dialog
 * @event: (nullable): the event to edit, or %NULL for a new one
 * @editable: whether the signed-in user may change it
 *
 * Returns: (transfer none): the dialog, shown
 */
static char *
format_when (ScimRecord *event)
{
  return scim_format_date_time (scim_record_get_int (event, "at"));
}

ScimEventDialog *
scim_event_dialog_new (GtkWindow  *parent,
                       ScimStore  *store,
                       gint64      sale_id,
                       ScimRecord *event,
                       gboolean    editable)
{
  ScimEventDialog *self = g_object_new (SCIM_TYPE_EVENT_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  const char *labels[G_N_ELEMENTS (kinds) + 1];
  guint kind = G_N_ELEMENTS (kinds) - 2;   /* a note */
  g_autofree char *when = NULL;

  scim_edit_dialog_set_store (dialog, store);
  self->sale_id = event != NULL ? scim_record_get_int (event, "sale-id") : sale_id;
  self->event_id = event != NULL ? scim_record_get_id (event) : 0;
  scim_edit_dialog_set_record (dialog, event);
  gtk_window_set_title (GTK_WINDOW (self), event != NULL ? _("Event") : _("New Event"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      labels[i] = scim_format_event_kind (kinds[i]);
      if (event != NULL && g_strcmp0 (scim_record_get_string (event, "kind"), kinds[i]) == 0)
        kind = i;
    }
  labels[G_N_ELEMENTS (kinds)] = NULL;
  if (event != NULL)
    when = format_when (event);

  /* From the sale's own window the sale is already open. */
  if (event != NULL && !SCIM_IS_SALE_WINDOW (parent))
    add_sale_row (self, event);
  if (self->sale_id == 0)
    {
      AdwPreferencesGroup *sale = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      g_autoptr(GListStore) empty = g_list_store_new (SCIM_TYPE_SALE);

      adw_preferences_group_set_title (sale, _("Sale"));
      self->client_row = scim_edit_dialog_add_entry (sale, _("_Client’s name"), NULL);
      g_signal_connect_object (self->client_row, "changed", G_CALLBACK (on_client_changed_cb), self, G_CONNECT_DEFAULT);
      self->sale_row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sale_row), _("_Sale"));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->sale_row), TRUE);
      adw_combo_row_set_expression (self->sale_row,
                                    gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                                 G_CALLBACK (sale_label), NULL, NULL));
      adw_combo_row_set_model (self->sale_row, G_LIST_MODEL (empty));
      g_signal_connect_object (self->sale_row, "notify::selected", G_CALLBACK (on_sale_selected_cb), self,
                               G_CONNECT_DEFAULT);
      adw_preferences_group_add (sale, GTK_WIDGET (self->sale_row));
      scim_edit_dialog_add_group (dialog, sale);
    }

  self->kind_row = scim_edit_dialog_add_choice (group, _("_Kind"), labels, kind);
  self->when_row = scim_edit_dialog_add_entry (group, _("_When (empty: now; a future date: planned)"), when);
  self->title_row = scim_edit_dialog_add_entry (group, _("_Title"),
                                                event != NULL ? scim_record_get_string (event, "title") : NULL);
  self->text_view = scim_edit_dialog_add_text (group, _("Te_xt"),
                                               event != NULL ? scim_record_get_string (event, "text") : NULL);
  if (event == NULL)
    {
      self->stage_row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->stage_row), _("Move the sale to _stage"));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->stage_row), TRUE);
      adw_combo_row_set_expression (self->stage_row, gtk_property_expression_new (SCIM_TYPE_STAGE, NULL, "name"));
      adw_preferences_group_add (group, GTK_WIDGET (self->stage_row));
    }
  scim_edit_dialog_add_group (dialog, group);
  load_stages (self);
  if (event != NULL)
    {
      const char *kind_values[G_N_ELEMENTS (kinds) + 1] = { NULL };

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        kind_values[i] = kinds[i];
      scim_edit_dialog_track_choice (dialog, self->kind_row, "kind", kind_values);
      scim_edit_dialog_track_format (dialog, self->when_row, "at", format_when);
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->title_row), "title");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->text_view), "text");
    }

  if (event != NULL && editable)
    {
      AdwPreferencesGroup *actions = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      GtkWidget *delete = gtk_button_new_with_mnemonic (_("_Delete Event"));

      gtk_widget_add_css_class (delete, "destructive-action");
      gtk_widget_set_halign (delete, GTK_ALIGN_START);
      g_signal_connect_object (delete, "clicked", G_CALLBACK (on_delete_clicked_cb), self, G_CONNECT_DEFAULT);
      adw_preferences_group_add (actions, delete);
      scim_edit_dialog_add_group (dialog, actions);
    }

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (group), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/* Fills the form as a person would; for tests. */
void
scim_event_dialog_fill (ScimEventDialog *self,
                        const char      *kind,
                        const char      *title,
                        const char      *text,
                        const char      *when)
{
  g_return_if_fail (SCIM_IS_EVENT_DIALOG (self));

  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kind, kinds[i]))
      adw_combo_row_set_selected (self->kind_row, i);
  if (title != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->title_row), title);
  if (text != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  if (when != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->when_row), when);
}

/* Chooses the sale directly, as picking it from the search does; for tests. */
gboolean
scim_event_dialog_choose_sale (ScimEventDialog *self,
                               gint64           sale_id)
{
  g_return_val_if_fail (SCIM_IS_EVENT_DIALOG (self), FALSE);

  self->sale_id = sale_id;
  load_stages (self);
  return TRUE;
}
