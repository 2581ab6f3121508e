/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-task-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-sales.h"
#include "scim-task-dialog.h"

/* One task of a sale's plan: what to do, who, by when, and the stage it
 * should bring the sale to. */

struct _ScimTaskDialog
{
  ScimEditDialog  parent_instance;

  AdwEntryRow    *title_row;
  AdwEntryRow    *notes_row;
  AdwComboRow    *owner_row;
  AdwEntryRow    *due_row;
  AdwComboRow    *stage_row;

  gint64          sale_id;
  gint64          task_id;
};

G_DEFINE_FINAL_TYPE (ScimTaskDialog, scim_task_dialog, SCIM_TYPE_EDIT_DIALOG)

typedef struct
{
  gint64   sale_id;
  gint64   task_id;
  gint64   version;
  char    *title;
  char    *notes;
  gint64   owner_id;
  gint64   due_at;
  gboolean due_has_time;
  gint64   stage_id;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->title);
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
  ScimTaskFields fields = { job->title, job->notes, job->owner_id, job->due_at, job->due_has_time, job->stage_id };

  if (job->task_id == 0)
    return scim_store_add_task (store, job->sale_id, -1, &fields, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_update_task (store, job->task_id, job->version, &fields, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * scim_parse_due:
 * @text: `YYYY-MM-DD`, `DD.MM.YYYY`, optionally followed by ` HH:MM` (local)
 * @due_at: (out): UTC seconds; the local midnight when no time is given
 * @has_time: (out): whether a time was given
 *
 * Returns: %TRUE when @text is empty (no due date, @due_at 0) or valid
 */
gboolean
scim_parse_due (const char *text,
                gint64     *due_at,
                gboolean   *has_time)
{
  g_autofree char *clean = g_strstrip (g_strdup (text != NULL ? text : ""));
  int y = 0, m = 0, d = 0, hh = 0, mm = 0;
  g_autoptr(GDateTime) local = NULL;
  char sep = 0;
  int n;

  *due_at = 0;
  *has_time = FALSE;
  if (clean[0] == '\0')
    return TRUE;
  if ((n = sscanf (clean, "%4d-%2d-%2d%c%2d:%2d", &y, &m, &d, &sep, &hh, &mm)) < 3 &&
      (n = sscanf (clean, "%2d.%2d.%4d%c%2d:%2d", &d, &m, &y, &sep, &hh, &mm)) < 3)
    return FALSE;
  if (n == 6)
    *has_time = TRUE;
  else if (n != 3)
    return FALSE;
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
    return FALSE;
  local = g_date_time_new_local (y, m, d, hh, mm, 0);
  if (local == NULL || g_date_time_get_day_of_month (local) != d)
    return FALSE;
  *due_at = g_date_time_to_unix (local);
  return TRUE;
}

static void
scim_task_dialog_save (ScimEditDialog *dialog)
{
  ScimTaskDialog *self = SCIM_TASK_DIALOG (dialog);
  SaveJob *job = g_new0 (SaveJob, 1);

  if (!scim_parse_due (gtk_editable_get_text (GTK_EDITABLE (self->due_row)), &job->due_at, &job->due_has_time))
    {
      scim_edit_dialog_set_error (dialog, _("Due: write the date as 2026-11-27 or 27.11.2026, with a time "
                                            "like 14:30 after it if needed."));
      g_free (job);
      return;
    }
  job->sale_id = self->sale_id;
  job->task_id = self->task_id;
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
  job->title = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  job->notes = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->notes_row)));
  job->owner_id = scim_edit_dialog_get_record_id (self->owner_row);
  job->stage_id = scim_edit_dialog_get_record_id (self->stage_row);
  scim_edit_dialog_run_save (dialog, save_thread, job, save_job_free);
}

static void
scim_task_dialog_class_init (ScimTaskDialogClass *klass)
{
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_task_dialog_save;
}

static void
scim_task_dialog_init (ScimTaskDialog *self)
{
}

/**
 * scim_task_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @sale_id: the sale whose plan it belongs to
 * @task: (nullable): the task, or %NULL for a new one
 * @users: (element-type ScimUser): possible owners
 * @stages: (element-type ScimStage): the stages of the sale's funnel
 * @default_owner: the owner of a new task
 * @editable: whether the signed-in user may change it
 *
 * Returns: (transfer none): the dialog, shown
 */
/* The due date as the field shows it. */
static char *
format_due (ScimRecord *task)
{
  if (scim_record_get_int (task, "due-at") == 0)
    return g_strdup ("");
  return scim_record_get_bool (task, "due-has-time")
         ? scim_format_date_time (scim_record_get_int (task, "due-at"))
         : scim_format_date (scim_record_get_int (task, "due-at"));
}

ScimTaskDialog *
scim_task_dialog_new (GtkWindow  *parent,
                      ScimStore  *store,
                      gint64      sale_id,
                      ScimRecord *task,
                      GListModel *users,
                      GListModel *stages,
                      gint64      default_owner,
                      gboolean    editable)
{
  ScimTaskDialog *self = g_object_new (SCIM_TYPE_TASK_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *due = NULL;

  scim_edit_dialog_set_store (dialog, store);
  self->sale_id = sale_id;
  self->task_id = task != NULL ? scim_record_get_id (task) : 0;
  scim_edit_dialog_set_record (dialog, task);
  gtk_window_set_title (GTK_WINDOW (self), task != NULL ? _("Task") : _("New Task"));
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 480);

  if (task != NULL)
    due = format_due (task);

  self->title_row = scim_edit_dialog_add_entry (group, _("_What to do"),
                                                task != NULL ? scim_record_get_string (task, "title") : NULL);
  self->notes_row = scim_edit_dialog_add_entry (group, _("_Notes"),
                                                task != NULL ? scim_record_get_string (task, "notes") : NULL);
  self->owner_row = scim_edit_dialog_add_records (group, _("_Who"), users, "display-name",
                                                  task != NULL ? scim_record_get_int (task, "owner-id") : default_owner,
                                                  FALSE);
  self->due_row = scim_edit_dialog_add_entry (group, _("_Due (2026-11-27 14:30; empty for none)"), due);
  self->stage_row = scim_edit_dialog_add_records (group, _("Brings the sale to _stage"), stages, "name",
                                                  task != NULL ? scim_record_get_int (task, "target-stage-id") : 0,
                                                  TRUE);
  scim_edit_dialog_add_group (dialog, group);
  if (task != NULL)
    {
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->title_row), "title");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->notes_row), "notes");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->owner_row), "owner-id");
      scim_edit_dialog_track_format (dialog, self->due_row, "due-at", format_due);
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->stage_row), "target-stage-id");
    }

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (group), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
