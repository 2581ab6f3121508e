/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-stage-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "scim-settings.h"
#include "scim-sales.h"
#include "scim-stage-dialog.h"

/* Adds a stage to a funnel, or edits one.  The write runs on a worker; a
 * refusal (empty name, no won stage left, someone else's newer version)
 * stays in the dialog next to the fields. */

struct _ScimStageDialog
{
  AdwWindow      parent_instance;

  AdwEntryRow   *name_row;
  AdwEntryRow   *description_row;
  AdwComboRow   *kind_row;
  GtkSpinButton *probability_spin;
  GtkSpinButton *stuck_spin;
  GtkLabel      *error_label;
  GtkButton     *save_button;
  GtkTextView   *template_view;

  ScimStore     *store;
  gint64         product_id;
  int            position;
  gint64         stage_id;
  gint64         version;
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimStageDialog, scim_stage_dialog, ADW_TYPE_WINDOW)

static const char * const kinds[] = { "open", "won", "lost", "paused" };

typedef struct
{
  gint64 product_id;
  int    position;
  gint64 stage_id;
  gint64 version;
  char  *name;
  char  *description;
  const char *kind;
  int    probability;
  int    stuck_days;
  char  *template;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->name);
  g_free (job->description);
  g_free (job->template);
  g_free (job);
}

static gpointer
save_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  SaveJob *job = data;
  ScimStageFields fields = { job->name, job->description, job->kind, job->probability, job->stuck_days };
  g_autoptr(GArray) tasks = g_array_new (FALSE, TRUE, sizeof (ScimTemplateTask));
  g_auto(GStrv) lines = g_strsplit (job->template, "\n", -1);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  gint64 stage_id = job->stage_id;

  /* "Title; days" per line; an unreadable number of days is refused. */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (lines[i], ";", 2);
      char *title = parts[0] != NULL ? g_strstrip (g_strdup (parts[0])) : g_strdup ("");
      ScimTemplateTask task = { NULL, "", 0 };

      if (title[0] == '\0')
        {
          g_free (title);
          continue;
        }
      if (parts[0] != NULL && parts[1] != NULL)
        {
          char *end = NULL;
          g_autofree char *days = g_strstrip (g_strdup (parts[1]));
          long value = strtol (days, &end, 10);

          if (days[0] == '\0' || *end != '\0' || value < 0 || value > 3650)
            {
              g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                           _("Usual tasks, line %u: write the days until due as a number, like “Call; 3”."), i + 1);
              g_free (title);
              return NULL;
            }
          task.due_in_days = (int) value;
        }
      g_ptr_array_add (titles, title);
      task.title = title;
      g_array_append_val (tasks, task);
    }

  if (stage_id == 0)
    {
      stage_id = scim_store_add_stage (store, job->product_id, job->position, &fields, error);
      if (stage_id == 0)
        return NULL;
    }
  else if (!scim_store_update_stage (store, job->stage_id, job->version, &fields, error))
    return NULL;
  if ((tasks->len > 0 || job->stage_id != 0) &&
      !scim_store_set_plan_template (store, job->product_id, stage_id, (const ScimTemplateTask *) (gpointer) tasks->data,
                                     tasks->len, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static gpointer
load_template_thread (ScimStore     *store,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return scim_store_get_plan_template (store, GPOINTER_TO_SIZE (data), error);
}

static void
on_template_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ScimStageDialog) self = user_data;
  g_autoptr(GPtrArray) tasks = scim_store_run_finish (SCIM_STORE (source), result, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  if (tasks == NULL)
    return;
  for (guint i = 0; i < tasks->len; i++)
    {
      GStrv task = g_ptr_array_index (tasks, i);
      g_string_append_printf (text, "%s; %s\n", task[0], task[2] != NULL ? task[2] : "0");
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->template_view), text->str, -1);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ScimStageDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  if (scim_store_run_finish (SCIM_STORE (source), result, &error) == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_save_clicked_cb (GtkWidget       *widget,
                    ScimStageDialog *self)
{
  scim_stage_dialog_save (self);
}

static void
scim_stage_dialog_dispose (GObject *object)
{
  ScimStageDialog *self = (ScimStageDialog *) object;

  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCIM_TYPE_STAGE_DIALOG);

  G_OBJECT_CLASS (scim_stage_dialog_parent_class)->dispose (object);
}

static void
scim_stage_dialog_class_init (ScimStageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_stage_dialog_dispose;

  /**
   * ScimStageDialog::saved:
   *
   * Emitted after the stage was written to the store.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-stage-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, probability_spin);
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, stuck_spin);
  gtk_widget_class_bind_template_child (widget_class, ScimStageDialog, template_view);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scim_stage_dialog_init (ScimStageDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * scim_stage_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @product_id: the product whose funnel gets the stage
 * @position: where a new stage goes
 * @stage: (nullable): the stage to edit, or %NULL for a new one
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimStageDialog *
scim_stage_dialog_new (GtkWindow *parent,
                       ScimStore *store,
                       gint64     product_id,
                       int        position,
                       ScimStage *stage)
{
  ScimStageDialog *self = g_object_new (SCIM_TYPE_STAGE_DIALOG, "transient-for", parent, NULL);

  self->store = g_object_ref (store);
  self->product_id = product_id;
  self->position = position;
  if (stage != NULL)
    {
      ScimRecord *record = SCIM_RECORD (stage);
      const char *kind = scim_record_get_string (record, "kind");

      self->stage_id = scim_record_get_id (record);
      self->version = scim_record_get_version (record);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Stage"));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), scim_record_get_string (record, "name"));
      gtk_editable_set_text (GTK_EDITABLE (self->description_row), scim_record_get_string (record, "description"));
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (g_strcmp0 (kind, kinds[i]) == 0)
          adw_combo_row_set_selected (self->kind_row, i);
      gtk_spin_button_set_value (self->probability_spin, (double) scim_record_get_int (record, "probability"));
      gtk_spin_button_set_value (self->stuck_spin, (double) scim_record_get_int (record, "stuck-days"));
      scim_store_run_async (store, load_template_thread, GSIZE_TO_POINTER (self->stage_id), NULL, NULL,
                            on_template_loaded_cb, g_object_ref (self));
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _("New Stage"));

  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return self;
}

/* Saves as the Save button does. */
void
scim_stage_dialog_save (ScimStageDialog *self)
{
  SaveJob *job;
  guint kind = adw_combo_row_get_selected (self->kind_row);

  g_return_if_fail (SCIM_IS_STAGE_DIALOG (self));

  job = g_new0 (SaveJob, 1);
  job->product_id = self->product_id;
  job->position = self->position;
  job->stage_id = self->stage_id;
  job->version = self->version;
  job->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  job->description = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  job->kind = kinds[MIN (kind, G_N_ELEMENTS (kinds) - 1)];
  job->probability = gtk_spin_button_get_value_as_int (self->probability_spin);
  job->stuck_days = gtk_spin_button_get_value_as_int (self->stuck_spin);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->template_view);
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    job->template = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  }

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  scim_store_run_async (self->store, save_thread, job, save_job_free, NULL, on_saved_cb, g_object_ref (self));
}
