/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-field-set"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-conflict-dialog.h"
#include "scim-edit-dialog.h"
#include "scim-field-set.h"

/* The fields of one stored record on screen, for conflicts.  A window that
 * edits a record names the widgets of its fields with
 * scim_field_set_track() and gives the record with
 * scim_field_set_set_record().  The set keeps each field's value as opened
 * (the base).  When the store refuses a save because someone saved the
 * record in between, scim_field_set_resolve_async() reads their version on
 * the store's worker, compares the three per field (scim_merge_field()) and
 * asks with a #ScimConflictDialog: Merge, Keep Mine or Take Theirs.  The
 * chosen values go into the widgets, their version becomes the base, and
 * the caller saves again.
 *
 * Values are GVariants: "s" text, "x" an id or a number, "b" a switch. */

typedef struct
{
  GtkWidget           *widget;
  char                *property;
  char                *label;
  GStrv                values;   /* a choice row: the property's value per position */
  ScimEditFormatFunc   format;   /* an entry whose text is formatted from the record */
  GVariant            *base;
} Field;

struct _ScimFieldSet
{
  GObject  parent_instance;

  GType    record_type;
  gint64   record_id;
  gint64   version;
  GArray  *fields;
};

G_DEFINE_FINAL_TYPE (ScimFieldSet, scim_field_set, G_TYPE_OBJECT)

static void
field_clear (gpointer data)
{
  Field *field = data;

  g_free (field->property);
  g_free (field->label);
  g_strfreev (field->values);
  g_clear_pointer (&field->base, g_variant_unref);
}

static void
scim_field_set_finalize (GObject *object)
{
  ScimFieldSet *self = SCIM_FIELD_SET (object);

  g_array_unref (self->fields);
  G_OBJECT_CLASS (scim_field_set_parent_class)->finalize (object);
}

static void
scim_field_set_class_init (ScimFieldSetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = scim_field_set_finalize;
}

static void
scim_field_set_init (ScimFieldSet *self)
{
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, field_clear);
}

ScimFieldSet *
scim_field_set_new (void)
{
  return g_object_new (SCIM_TYPE_FIELD_SET, NULL);
}

/**
 * scim_field_set_set_record:
 * @self: a #ScimFieldSet
 * @record: (nullable): the stored record being edited; %NULL for a new one
 *
 * Remembers its type, id and version: the save starts from that version,
 * and a conflict reads the record again.
 */
void
scim_field_set_set_record (ScimFieldSet *self,
                           ScimRecord   *record)
{
  g_return_if_fail (SCIM_IS_FIELD_SET (self));
  self->record_type = record != NULL ? G_OBJECT_TYPE (record) : G_TYPE_INVALID;
  self->record_id = record != NULL ? scim_record_get_id (record) : 0;
  self->version = record != NULL ? scim_record_get_version (record) : 0;
}

/* Returns: the version a save starts from (after a conflict, theirs) */
gint64
scim_field_set_get_version (ScimFieldSet *self)
{
  g_return_val_if_fail (SCIM_IS_FIELD_SET (self), 0);
  return self->version;
}

/* Returns: whether a conflict of this record can be shown field by field */
gboolean
scim_field_set_can_resolve (ScimFieldSet *self)
{
  g_return_val_if_fail (SCIM_IS_FIELD_SET (self), FALSE);
  return self->record_id != 0 && self->fields->len > 0;
}

/* "_Name" → "Name"; "__" stays one underscore. */
static char *
strip_mnemonic (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static char *
field_label (GtkWidget  *widget,
             const char *property)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);

  if (ADW_IS_PREFERENCES_ROW (widget))
    row = widget;
  if (row != NULL)
    return strip_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  /* A text view of scim_edit_dialog_add_text(): its label is the box's first child. */
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkWidget *frame = gtk_widget_get_parent (widget);
      GtkWidget *first = frame != NULL && gtk_widget_get_parent (frame) != NULL
                         ? gtk_widget_get_first_child (gtk_widget_get_parent (frame)) : NULL;

      if (GTK_IS_LABEL (first))
        return g_strdup (gtk_label_get_text (GTK_LABEL (first)));
    }
  return g_strdup (property);
}

static GVariant *
widget_value (Field *field)
{
  GtkWidget *w = field->widget;

  if (GTK_IS_TEXT_VIEW (w))
    {
      g_autofree char *text = scim_edit_dialog_get_text (GTK_TEXT_VIEW (w));
      return g_variant_ref_sink (g_variant_new_string (text));
    }
  if (ADW_IS_COMBO_ROW (w) && field->values != NULL)
    {
      guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (w));
      return g_variant_ref_sink (g_variant_new_string (i < g_strv_length (field->values) ? field->values[i] : ""));
    }
  if (ADW_IS_COMBO_ROW (w))
    return g_variant_ref_sink (g_variant_new_int64 (scim_edit_dialog_get_record_id (ADW_COMBO_ROW (w))));
  if (GTK_IS_SWITCH (w))
    return g_variant_ref_sink (g_variant_new_boolean (gtk_switch_get_active (GTK_SWITCH (w))));
  if (GTK_IS_SPIN_BUTTON (w))
    return g_variant_ref_sink (g_variant_new_int64 (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (w))));
  return g_variant_ref_sink (g_variant_new_string (gtk_editable_get_text (GTK_EDITABLE (w))));
}

static GVariant *
record_value (Field      *field,
              ScimRecord *record)
{
  GParamSpec *pspec;
  g_auto(GValue) value = G_VALUE_INIT;

  if (field->format != NULL)
    {
      g_autofree char *text = field->format (record);
      return g_variant_ref_sink (g_variant_new_string (text != NULL ? text : ""));
    }
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (record), field->property);
  g_return_val_if_fail (pspec != NULL, NULL);
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (record), field->property, &value);
  if (G_VALUE_HOLDS_STRING (&value))
    return g_variant_ref_sink (g_variant_new_string (g_value_get_string (&value) != NULL
                                                     ? g_value_get_string (&value) : ""));
  if (G_VALUE_HOLDS_BOOLEAN (&value))
    return g_variant_ref_sink (g_variant_new_boolean (g_value_get_boolean (&value)));
  if (G_VALUE_HOLDS_INT64 (&value))
    return g_variant_ref_sink (g_variant_new_int64 (g_value_get_int64 (&value)));
  if (G_VALUE_HOLDS_INT (&value))
    return g_variant_ref_sink (g_variant_new_int64 (g_value_get_int (&value)));
  g_return_val_if_reached (NULL);
}

static guint
combo_position_of_id (AdwComboRow *row,
                      gint64       id)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (model, i);
      if (scim_record_get_id (record) == id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
set_widget_value (Field    *field,
                  GVariant *value)
{
  GtkWidget *w = field->widget;

  if (GTK_IS_TEXT_VIEW (w))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (w)), g_variant_get_string (value, NULL), -1);
  else if (ADW_IS_COMBO_ROW (w) && field->values != NULL)
    {
      for (guint i = 0; field->values[i] != NULL; i++)
        if (g_str_equal (field->values[i], g_variant_get_string (value, NULL)))
          adw_combo_row_set_selected (ADW_COMBO_ROW (w), i);
    }
  else if (ADW_IS_COMBO_ROW (w))
    {
      guint i = combo_position_of_id (ADW_COMBO_ROW (w), g_variant_get_int64 (value));
      if (i != GTK_INVALID_LIST_POSITION)
        adw_combo_row_set_selected (ADW_COMBO_ROW (w), i);
    }
  else if (GTK_IS_SWITCH (w))
    gtk_switch_set_active (GTK_SWITCH (w), g_variant_get_boolean (value));
  else if (GTK_IS_SPIN_BUTTON (w))
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (w), (double) g_variant_get_int64 (value));
  else
    gtk_editable_set_text (GTK_EDITABLE (w), g_variant_get_string (value, NULL));
}

/* A value as the person reads it in that widget. */
static char *
value_text (Field    *field,
            GVariant *value)
{
  GtkWidget *w = field->widget;

  if (ADW_IS_COMBO_ROW (w))
    {
      GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (w));
      GtkExpression *expression = adw_combo_row_get_expression (ADW_COMBO_ROW (w));
      guint i = GTK_INVALID_LIST_POSITION;
      g_autoptr(GObject) item = NULL;
      g_auto(GValue) text = G_VALUE_INIT;

      if (field->values != NULL)
        {
          for (guint k = 0; field->values[k] != NULL; k++)
            if (g_str_equal (field->values[k], g_variant_get_string (value, NULL)))
              i = k;
        }
      else
        i = combo_position_of_id (ADW_COMBO_ROW (w), g_variant_get_int64 (value));
      if (i == GTK_INVALID_LIST_POSITION || i >= g_list_model_get_n_items (model))
        return g_strdup (_("(not in the list)"));
      item = g_list_model_get_item (model, i);
      if (GTK_IS_STRING_OBJECT (item))
        return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
      if (expression != NULL && gtk_expression_evaluate (expression, item, &text) && G_VALUE_HOLDS_STRING (&text))
        return g_value_dup_string (&text);
      return g_strdup ("");
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _("Yes") : _("No"));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  return g_variant_dup_string (value, NULL);
}

void
scim_field_set_take_base (ScimFieldSet *self)
{
  g_return_if_fail (SCIM_IS_FIELD_SET (self));
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);

      g_clear_pointer (&field->base, g_variant_unref);
      field->base = widget_value (field);
    }
}

/**
 * scim_field_set_track:
 * @self: a #ScimFieldSet
 * @widget: the field: an entry row, a text view of scim_edit_dialog_add_text(),
 *   a combo row of scim_edit_dialog_add_records() (the id) or of
 *   scim_edit_dialog_add_choice() (with @values), a switch or a spin button
 * @property: the record's property it shows
 * @values: (nullable) (array zero-terminated=1): for a choice row, the
 *   property's value at each position
 * @format: (nullable): for an entry whose text is made from the record (a
 *   date), how
 *
 * Its value now is its base.
 */
void
scim_field_set_track (ScimFieldSet       *self,
                      GtkWidget          *widget,
                      const char         *property,
                      const char * const *values,
                      ScimEditFormatFunc  format)
{
  Field field = { 0 };

  g_return_if_fail (SCIM_IS_FIELD_SET (self));
  field.widget = widget;
  field.property = g_strdup (property);
  field.label = field_label (widget, property);
  field.values = g_strdupv ((GStrv) values);
  field.format = format;
  field.base = widget_value (&field);
  g_array_append_val (self->fields, field);
}

/* Returns: whether any field differs from its base: unsaved input */
gboolean
scim_field_set_is_dirty (ScimFieldSet *self)
{
  g_return_val_if_fail (SCIM_IS_FIELD_SET (self), FALSE);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);
      g_autoptr(GVariant) now = widget_value (field);

      if (field->base == NULL || !g_variant_equal (now, field->base))
        return TRUE;
    }
  return FALSE;
}

/**
 * scim_field_set_load:
 * @self: a #ScimFieldSet
 * @record: the record as stored now
 *
 * Shows @record in the fields; its values become the base and its version
 * the one a save starts from.
 */
void
scim_field_set_load (ScimFieldSet *self,
                     ScimRecord   *record)
{
  g_return_if_fail (SCIM_IS_FIELD_SET (self));
  scim_field_set_set_record (self, record);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);
      g_autoptr(GVariant) value = record_value (field, record);

      set_widget_value (field, value);
      g_clear_pointer (&field->base, g_variant_unref);
      field->base = widget_value (field);
    }
}

/* The conflict */

typedef struct
{
  ScimListKind kind;
  gint64       id;
  GVariant    *row;
  char        *who;
  gint64       at;
} Theirs;

static void
theirs_free (gpointer data)
{
  Theirs *theirs = data;

  g_clear_pointer (&theirs->row, g_variant_unref);
  g_free (theirs->who);
  g_free (theirs);
}

static gpointer
theirs_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Theirs *theirs = data;
  g_autoptr(GPtrArray) rows = scim_store_load_rows (store, theirs->kind, &theirs->id, 1, error);

  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error_literal (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND,
                           _("Someone deleted this record while you were editing it. Copy what you typed if you "
                             "need it, then close the window."));
      return NULL;
    }
  theirs->row = g_variant_ref (g_ptr_array_index (rows, 0));
  if (!scim_store_last_change (store, theirs->kind, theirs->id, &theirs->who, &theirs->at, error))
    return NULL;
  return theirs;
}

typedef struct
{
  GtkWindow  *parent;
  ScimRecord *theirs;
  GPtrArray  *mine;          /* GVariant per field, as typed when the conflict came */
  GPtrArray  *their_values;  /* GVariant per field */
} Conflict;

static void
conflict_free (gpointer data)
{
  Conflict *conflict = data;

  g_clear_object (&conflict->parent);
  g_clear_object (&conflict->theirs);
  g_clear_pointer (&conflict->mine, g_ptr_array_unref);
  g_clear_pointer (&conflict->their_values, g_ptr_array_unref);
  g_free (conflict);
}

static void
apply (GTask            *task,
       const char       *response,
       AdwMessageDialog *dialog)
{
  ScimFieldSet *self = g_task_get_source_object (task);
  Conflict *conflict = g_task_get_task_data (task);
  gboolean take_theirs = g_str_equal (response, SCIM_CONFLICT_THEIRS);
  gboolean keep_mine = g_str_equal (response, SCIM_CONFLICT_MINE);

  if (g_str_equal (response, "cancel"))
    {
      g_task_return_int (task, SCIM_FIELD_SET_BACK);
      return;
    }

  /* From here a save starts from their version, and theirs is the new base. */
  self->version = scim_record_get_version (conflict->theirs);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);
      GVariant *mine = g_ptr_array_index (conflict->mine, i);
      GVariant *theirs = g_ptr_array_index (conflict->their_values, i);
      gboolean theirs_wins = take_theirs ||
                             (!keep_mine && dialog != NULL &&
                              scim_conflict_dialog_takes_theirs (SCIM_CONFLICT_DIALOG (dialog), field->property));

      set_widget_value (field, theirs_wins ? theirs : mine);
      g_clear_pointer (&field->base, g_variant_unref);
      field->base = g_variant_ref (theirs);
    }
  g_task_return_int (task, take_theirs ? SCIM_FIELD_SET_TOOK_THEIRS : SCIM_FIELD_SET_SAVE_AGAIN);
}

static void
on_response_cb (AdwMessageDialog *dialog,
                const char       *response,
                gpointer          user_data)
{
  g_autoptr(GTask) task = user_data;

  apply (task, response, dialog);
}

static void
on_theirs_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScimFieldSet *self = g_task_get_source_object (task);
  Conflict *conflict = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Theirs *theirs = scim_store_run_finish (SCIM_STORE (source), result, &error);
  ScimConflictDialog *dialog;

  if (theirs == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  conflict->theirs = scim_record_new (self->record_type, self->record_id);
  scim_record_update (conflict->theirs, theirs->row);
  conflict->mine = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  conflict->their_values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  dialog = scim_conflict_dialog_new (conflict->parent, theirs->who, theirs->at);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);
      GVariant *mine = widget_value (field);
      GVariant *their = record_value (field, conflict->theirs);
      g_autofree char *mine_text = value_text (field, mine);
      g_autofree char *their_text = value_text (field, their);

      g_ptr_array_add (conflict->mine, mine);
      g_ptr_array_add (conflict->their_values, their);
      scim_conflict_dialog_add_field (dialog, field->property, field->label, mine_text, their_text,
                                      scim_merge_field (field->base, mine, their));
    }

  if (scim_conflict_dialog_get_n_fields (dialog) == 0)
    {
      /* They changed nothing these fields show (or changed it as I did):
       * nothing to choose, the save goes on from their version. */
      gtk_window_destroy (GTK_WINDOW (dialog));
      apply (task, SCIM_CONFLICT_MINE, NULL);
      return;
    }
  g_signal_connect (dialog, "response", G_CALLBACK (on_response_cb), g_steal_pointer (&task));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * scim_field_set_resolve_async:
 * @self: a #ScimFieldSet with a record (scim_field_set_can_resolve())
 * @parent: the editing window
 * @store: the store, for their version
 * @callback: called with the outcome once the person chose
 * @user_data: its data
 *
 * Reads their version and asks what to keep (see the top of this file).
 */
void
scim_field_set_resolve_async (ScimFieldSet        *self,
                              GtkWindow           *parent,
                              ScimStore           *store,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Conflict *conflict;
  Theirs *theirs;

  g_return_if_fail (SCIM_IS_FIELD_SET (self));
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, scim_field_set_resolve_async);
  conflict = g_new0 (Conflict, 1);
  conflict->parent = g_object_ref (parent);
  g_task_set_task_data (task, conflict, conflict_free);

  theirs = g_new0 (Theirs, 1);
  theirs->id = self->record_id;
  theirs->kind = G_MAXINT;
  for (ScimListKind kind = SCIM_LIST_USERS; kind <= SCIM_LIST_CONTACTS; kind++)
    if (scim_list_kind_get_record_type (kind) == self->record_type)
      theirs->kind = kind;
  if (theirs->kind == G_MAXINT || self->record_id == 0)
    {
      theirs_free (theirs);
      g_task_return_new_error (task, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT, "%s",
                               _("Someone else saved this record after you opened it. Close it, open it again "
                                 "and make your change."));
      return;
    }
  scim_store_run_async (store, theirs_thread, theirs, theirs_free, NULL, on_theirs_loaded_cb,
                        g_steal_pointer (&task));
}

/**
 * scim_field_set_resolve_finish:
 * @self: a #ScimFieldSet
 * @result: the result
 * @error: return location for an error (their version could not be read)
 *
 * Returns: the outcome; %SCIM_FIELD_SET_BACK with @error set on failure
 */
ScimFieldSetOutcome
scim_field_set_resolve_finish (ScimFieldSet  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  gssize outcome;

  g_return_val_if_fail (g_task_is_valid (result, self), SCIM_FIELD_SET_BACK);
  outcome = g_task_propagate_int (G_TASK (result), error);
  return outcome < 0 ? SCIM_FIELD_SET_BACK : (ScimFieldSetOutcome) outcome;
}
