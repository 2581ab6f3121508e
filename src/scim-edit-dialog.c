/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-edit-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-edit-dialog.h"
#include "scim-field-set.h"

/* The frame of every Settings dialog.  The save runs on a worker thread;
 * the dialog closes on success and shows the refusal otherwise, so nothing
 * is half-written and nothing typed is lost.  A save that waits for the
 * file (another process writing) says so after a moment.
 *
 * Conflicts: a dialog that edits a stored record gives it with
 * scim_edit_dialog_set_record() and names the widgets of its fields with
 * scim_edit_dialog_track*(); a #ScimFieldSet keeps them.  When the store
 * refuses a save because someone saved the record in between, the set asks
 * what to keep and the save runs again from their version. */

typedef struct
{
  AdwToastOverlay     *toast_overlay;
  AdwPreferencesPage  *page;
  AdwPreferencesGroup *error_group;
  GtkLabel            *error_label;
  GtkButton           *save_button;
  GtkButton           *cancel_button;
  AdwPreferencesGroup *wait_group;
  GtkSpinner          *wait_spinner;

  ScimStore           *store;
  gboolean             editable;
  gboolean             busy;
  guint                wait_source;

  ScimFieldSet        *fields;
  gboolean             based;
} ScimEditDialogPrivate;

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE_WITH_PRIVATE (ScimEditDialog, scim_edit_dialog, ADW_TYPE_WINDOW)

static void
on_save_clicked_cb (GtkButton      *button,
                    ScimEditDialog *self)
{
  scim_edit_dialog_save (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  scim_edit_dialog_save (SCIM_EDIT_DIALOG (widget));
}

static void
scim_edit_dialog_dispose (GObject *object)
{
  ScimEditDialog *self = SCIM_EDIT_DIALOG (object);
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  /* No gtk_widget_dispose_template() here: GTK 4.8 checks the template of
   * the instance's own class, which a subclass does not have.  The window
   * destroys its content itself. */
  g_clear_object (&priv->store);
  g_clear_handle_id (&priv->wait_source, g_source_remove);

  G_OBJECT_CLASS (scim_edit_dialog_parent_class)->dispose (object);
}

static void
scim_edit_dialog_finalize (GObject *object)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (SCIM_EDIT_DIALOG (object));

  g_object_unref (priv->fields);
  G_OBJECT_CLASS (scim_edit_dialog_parent_class)->finalize (object);
}

/* The values as the person first sees them are the base of a merge. */
static void
scim_edit_dialog_map (GtkWidget *widget)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (SCIM_EDIT_DIALOG (widget));

  GTK_WIDGET_CLASS (scim_edit_dialog_parent_class)->map (widget);
  if (!priv->based)
    scim_field_set_take_base (priv->fields);
  priv->based = TRUE;
}

static void
scim_edit_dialog_class_init (ScimEditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_edit_dialog_dispose;
  object_class->finalize = scim_edit_dialog_finalize;
  widget_class->map = scim_edit_dialog_map;

  /**
   * ScimEditDialog::saved:
   *
   * Emitted once the change is in the store, just before the dialog closes.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-edit-dialog.ui");
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, cancel_button);
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, error_group);
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, error_label);
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, page);
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, save_button);
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, toast_overlay);
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, wait_group);
  gtk_widget_class_bind_template_child_private (widget_class, ScimEditDialog, wait_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "dialog.save", NULL);
}

static void
scim_edit_dialog_init (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  gtk_widget_init_template (GTK_WIDGET (self));
  priv->editable = TRUE;
  priv->fields = scim_field_set_new ();
}

void
scim_edit_dialog_add_group (ScimEditDialog      *self,
                            AdwPreferencesGroup *group)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  adw_preferences_page_add (priv->page, group);
}

void
scim_edit_dialog_set_store (ScimEditDialog *self,
                            ScimStore      *store)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  g_set_object (&priv->store, store);
}

/**
 * scim_edit_dialog_get_store:
 * @self: a #ScimEditDialog
 *
 * Returns: (transfer none): the store
 */
ScimStore *
scim_edit_dialog_get_store (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_EDIT_DIALOG (self), NULL);
  return priv->store;
}

/**
 * scim_edit_dialog_set_editable:
 * @self: a #ScimEditDialog
 * @editable: %FALSE to show the record read-only (a user without the role)
 */
void
scim_edit_dialog_set_editable (ScimEditDialog *self,
                               gboolean        editable)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  priv->editable = editable;
  gtk_widget_set_visible (GTK_WIDGET (priv->save_button), editable);
  gtk_button_set_label (priv->cancel_button, editable ? _("_Cancel") : _("_Close"));
}

/**
 * scim_edit_dialog_set_save_label:
 * @self: a #ScimEditDialog
 * @label: the translated label of the Save button, with a mnemonic
 *
 * Names the action when it is not saving, as "_Import".
 */
void
scim_edit_dialog_set_save_label (ScimEditDialog *self,
                                 const char     *label)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  gtk_button_set_label (priv->save_button, label);
}

gboolean
scim_edit_dialog_get_editable (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_EDIT_DIALOG (self), FALSE);
  return priv->editable;
}

void
scim_edit_dialog_set_error (ScimEditDialog *self,
                            const char     *message)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  gtk_label_set_label (priv->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (priv->error_group), message != NULL);
}

void
scim_edit_dialog_toast (ScimEditDialog *self,
                        const char     *message)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  adw_toast_overlay_add_toast (priv->toast_overlay, adw_toast_new (message));
}

/* Saves as the Save button and Ctrl+S do. */
void
scim_edit_dialog_save (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  if (!priv->editable || priv->busy || SCIM_EDIT_DIALOG_GET_CLASS (self)->save == NULL)
    return;
  SCIM_EDIT_DIALOG_GET_CLASS (self)->save (self);
}

static void
show_waiting (ScimEditDialog *self,
              gboolean        waiting)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  gtk_widget_set_visible (GTK_WIDGET (priv->wait_group), waiting);
  if (waiting)
    gtk_spinner_start (priv->wait_spinner);
  else
    gtk_spinner_stop (priv->wait_spinner);
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  ScimEditDialog *self = user_data;
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  priv->wait_source = 0;
  if (priv->busy)
    show_waiting (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void start_conflict (ScimEditDialog *self);

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ScimEditDialog) self = user_data;
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  priv->busy = FALSE;
  g_clear_handle_id (&priv->wait_source, g_source_remove);
  show_waiting (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), TRUE);
  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    {
      if (g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT) &&
          scim_field_set_can_resolve (priv->fields))
        start_conflict (self);
      else
        scim_edit_dialog_set_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * scim_edit_dialog_run_save:
 * @self: a #ScimEditDialog
 * @func: (scope async): the write, on a worker; returns non-%NULL on success
 * @data: (transfer full): its data
 * @data_destroy: frees @data
 *
 * Runs the write; closes the dialog on success, shows the error otherwise.
 * After a second of waiting for the file it says so; the fields stay
 * editable and nothing typed is lost.
 */
void
scim_edit_dialog_run_save (ScimEditDialog *self,
                           ScimStoreFunc   func,
                           gpointer        data,
                           GDestroyNotify  data_destroy)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));

  priv->busy = TRUE;
  scim_edit_dialog_set_error (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), FALSE);
  g_clear_handle_id (&priv->wait_source, g_source_remove);
  priv->wait_source = g_timeout_add (1000, on_wait_timeout_cb, self);
  scim_store_run_async (priv->store, func, data, data_destroy, NULL, on_saved_cb, g_object_ref (self));
}

/**
 * scim_edit_dialog_get_waiting:
 * @self: a #ScimEditDialog
 *
 * Returns: whether the save is shown waiting for the file
 */
gboolean
scim_edit_dialog_get_waiting (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_EDIT_DIALOG (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (priv->wait_group));
}

/* The record and its fields */

/**
 * scim_edit_dialog_set_record:
 * @self: a #ScimEditDialog
 * @record: (nullable): the stored record being edited; %NULL for a new one
 *
 * Remembers its type, id and version: the save starts from that version,
 * and a conflict reads the record again.
 */
void
scim_edit_dialog_set_record (ScimEditDialog *self,
                             ScimRecord     *record)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  scim_field_set_set_record (priv->fields, record);
}

/**
 * scim_edit_dialog_get_version:
 * @self: a #ScimEditDialog
 *
 * Returns: the version a save starts from (after a conflict, theirs)
 */
gint64
scim_edit_dialog_get_version (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_EDIT_DIALOG (self), 0);
  return scim_field_set_get_version (priv->fields);
}

/**
 * scim_edit_dialog_track:
 * @self: a #ScimEditDialog
 * @widget: the field: an entry row, a text view of scim_edit_dialog_add_text(),
 *   a combo row of scim_edit_dialog_add_records() (the id), a switch or a spin
 *   button
 * @property: the record's property it shows
 *
 * Makes the field part of conflict handling (see the top of this file).
 */
void
scim_edit_dialog_track (ScimEditDialog *self,
                        GtkWidget      *widget,
                        const char     *property)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  scim_field_set_track (priv->fields, widget, property, NULL, NULL);
}

/**
 * scim_edit_dialog_track_choice:
 * @self: a #ScimEditDialog
 * @row: a combo row of scim_edit_dialog_add_choice()
 * @property: the record's string property it shows
 * @values: (array zero-terminated=1): the property's value at each position
 */
void
scim_edit_dialog_track_choice (ScimEditDialog     *self,
                               AdwComboRow        *row,
                               const char         *property,
                               const char * const *values)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  scim_field_set_track (priv->fields, GTK_WIDGET (row), property, values, NULL);
}

/**
 * scim_edit_dialog_track_format:
 * @self: a #ScimEditDialog
 * @row: an entry row whose text is made from the record, as a date
 * @property: a name for the field
 * @format: makes the text from a record
 */
void
scim_edit_dialog_track_format (ScimEditDialog     *self,
                               AdwEntryRow        *row,
                               const char         *property,
                               ScimEditFormatFunc  format)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_if_fail (SCIM_IS_EDIT_DIALOG (self));
  scim_field_set_track (priv->fields, GTK_WIDGET (row), property, NULL, format);
}

/* The conflict */

static gboolean
destroy_idle (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
on_resolved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScimEditDialog) self = user_data;
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  ScimFieldSetOutcome outcome = scim_field_set_resolve_finish (SCIM_FIELD_SET (source), result, &error);

  priv->busy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), TRUE);
  if (error != NULL)
    {
      scim_edit_dialog_set_error (self, error->message);
      return;
    }
  switch (outcome)
    {
    case SCIM_FIELD_SET_SAVE_AGAIN:
      scim_edit_dialog_save (self);
      break;
    case SCIM_FIELD_SET_TOOK_THEIRS:
      /* Their version is in the file already: nothing to write.  The
       * question is still closing, so the dialog goes once it has. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, destroy_idle, g_object_ref (self), g_object_unref);
      break;
    case SCIM_FIELD_SET_BACK:
    default:
      scim_edit_dialog_set_error (self, _("Someone else saved this record after you opened it. Save again to "
                                          "choose between your version and theirs."));
      break;
    }
}

static void
start_conflict (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  priv->busy = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (priv->save_button), FALSE);
  scim_field_set_resolve_async (priv->fields, GTK_WINDOW (self), priv->store, on_resolved_cb, g_object_ref (self));
}

gboolean
scim_edit_dialog_get_busy (ScimEditDialog *self)
{
  ScimEditDialogPrivate *priv = scim_edit_dialog_get_instance_private (self);

  g_return_val_if_fail (SCIM_IS_EDIT_DIALOG (self), FALSE);
  return priv->busy;
}

/* Row helpers */

/**
 * scim_edit_dialog_add_entry:
 * @group: the group
 * @title: the translated title, with a mnemonic
 * @text: (nullable): the value
 *
 * Returns: (transfer none): the new row
 */
AdwEntryRow *
scim_edit_dialog_add_entry (AdwPreferencesGroup *group,
                            const char          *title,
                            const char          *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  adw_preferences_group_add (group, row);
  return ADW_ENTRY_ROW (row);
}

/**
 * scim_edit_dialog_add_switch:
 * @group: the group
 * @title: the translated title
 * @subtitle: (nullable): what it means
 * @active: the value
 *
 * Returns: (transfer none): the switch
 */
GtkSwitch *
scim_edit_dialog_add_switch (AdwPreferencesGroup *group,
                             const char          *title,
                             const char          *subtitle,
                             gboolean             active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_switch_set_active (GTK_SWITCH (toggle), active);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (group, row);
  return GTK_SWITCH (toggle);
}

/**
 * scim_edit_dialog_add_choice:
 * @group: the group
 * @title: the translated title
 * @labels: (array zero-terminated=1): the translated choices
 * @selected: the one chosen
 *
 * Returns: (transfer none): the row
 */
AdwComboRow *
scim_edit_dialog_add_choice (AdwPreferencesGroup *group,
                             const char          *title,
                             const char * const  *labels,
                             guint                selected)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  adw_preferences_group_add (group, row);
  return ADW_COMBO_ROW (row);
}

/**
 * scim_edit_dialog_add_records:
 * @group: the group
 * @title: the translated title
 * @records: (element-type ScimRecord): the choices
 * @property: the string property to show
 * @selected_id: the record chosen, or 0
 * @allow_none: whether "None" comes first
 *
 * Returns: (transfer none): the row; read the choice with
 *   scim_edit_dialog_get_record_id()
 */
AdwComboRow *
scim_edit_dialog_add_records (AdwPreferencesGroup *group,
                              const char          *title,
                              GListModel          *records,
                              const char          *property,
                              gint64               selected_id,
                              gboolean             allow_none)
{
  return scim_edit_dialog_add_records_full (group, title, records, property, selected_id,
                                            allow_none ? _("None") : NULL);
}

/**
 * scim_edit_dialog_add_records_full:
 * @group: the group
 * @title: the translated title
 * @records: (element-type ScimRecord): the choices
 * @property: the string property to show
 * @selected_id: the record chosen, or 0
 * @none: (nullable): the label of a first choice of no record, as
 *   "Leave unassigned"; %NULL for none
 *
 * Returns: (transfer none): the row
 */
AdwComboRow *
scim_edit_dialog_add_records_full (AdwPreferencesGroup *group,
                                   const char          *title,
                                   GListModel          *records,
                                   const char          *property,
                                   gint64               selected_id,
                                   const char          *none_label)
{
  gboolean allow_none = none_label != NULL;
  GType type = g_list_model_get_item_type (records);
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  GtkFlattenListModel *flat;
  GtkWidget *row = adw_combo_row_new ();
  guint selected = 0;

  if (allow_none)
    {
      g_autoptr(GListStore) none = g_list_store_new (type);
      g_autoptr(ScimRecord) placeholder = scim_record_new (type, 0);

      g_object_set (placeholder, property, none_label, NULL);
      g_list_store_append (none, placeholder);
      g_list_store_append (parts, none);
    }
  g_list_store_append (parts, records);
  flat = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts)));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (flat)); i++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (G_LIST_MODEL (flat), i);
      if (scim_record_get_id (record) == selected_id)
        selected = i;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_expression (ADW_COMBO_ROW (row), gtk_property_expression_new (type, NULL, property));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (flat));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_object_unref (flat);
  adw_preferences_group_add (group, row);
  return ADW_COMBO_ROW (row);
}

gint64
scim_edit_dialog_get_record_id (AdwComboRow *row)
{
  ScimRecord *record = adw_combo_row_get_selected_item (row);

  return record != NULL ? scim_record_get_id (record) : 0;
}

/**
 * scim_edit_dialog_add_text:
 * @group: the group
 * @title: the translated title
 * @text: (nullable): the value
 *
 * Adds a multi-line field (notes, phones one per line).
 *
 * Returns: (transfer none): the text view
 */
GtkTextView *
scim_edit_dialog_add_text (AdwPreferencesGroup *group,
                           const char          *title,
                           const char          *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (title);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), view);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, -1, 60);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text != NULL ? text : "", -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_widget_set_margin_top (box, 12);
  adw_preferences_group_add (group, box);
  return GTK_TEXT_VIEW (view);
}

/**
 * scim_edit_dialog_get_text:
 * @view: a text view from scim_edit_dialog_add_text()
 *
 * Returns: (transfer full): its text
 */
char *
scim_edit_dialog_get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
