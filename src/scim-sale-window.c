/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-sale-window"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-sale-window.h"
#include "scim-field-set.h"
#include "scim-sales.h"
#include "scim-sale-move.h"
#include "scim-task-dialog.h"
#include "scim-timeline.h"
#include "scim-event-dialog.h"

/* The sale window: client, product, salesperson, amount and expected close;
 * the product's funnel as a stepper with the current stage; the plan of
 * tasks (add, edit, reorder by drag or Alt+Up/Down, finish with a result,
 * delete with undo, the usual tasks of a stage); the stage history; and
 * the sale's sales-book events beside the plan.  Everything is loaded on a
 * worker and reloaded when anyone commits a change to this sale. */

struct _ScimSaleWindow
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *title;
  GtkBox              *stepper;
  GtkBox              *side_stages;
  AdwEntryRow         *amount_row;
  AdwEntryRow         *close_row;
  AdwComboRow         *owner_row;
  GtkButton           *save_button;
  GtkListBox          *task_list;
  AdwEntryRow         *quick_add_row;
  GtkButton           *template_button;
  GtkButton           *add_button;
  GtkListBox          *history_list;
  ScimTimeline        *timeline;
  ScimRecordList      *events;
  GtkLabel            *read_only_label;

  ScimStore           *store;
  gint64               sale_id;
  ScimSale            *sale;
  GListModel          *stages;
  GListStore          *tasks;
  GListModel          *users;
  gboolean             may_edit;
  guint                loading;
  guint                reload_source;
  GCancellable        *cancellable;
  int                  focus_task;
  ScimFieldSet        *details;   /* amount, close, owner: unsaved input and conflicts */
};

G_DEFINE_FINAL_TYPE (ScimSaleWindow, scim_sale_window, ADW_TYPE_WINDOW)

static void reload (ScimSaleWindow *self);

static void
say (ScimSaleWindow *self,
     const char     *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Writes */

typedef struct
{
  ScimSaleWindow *self;
  char           *done;
  GVariant       *undo_row;
  gint64          undo_stage;  /* a move: the stage it left */
  gint64          undo_until;  /* and the end of its pause there */
  gint64          moved_to;    /* a move: the stage it went to */
  gboolean        details;     /* the save of the sale's details */
} WriteRequest;

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data);
static void resolve_details (ScimSaleWindow *self);

static void
run_write (ScimSaleWindow *self,
           ScimStoreFunc   func,
           gpointer        data,
           GDestroyNotify  destroy,
           const char     *done)
{
  WriteRequest *request = g_new0 (WriteRequest, 1);

  request->self = g_object_ref (self);
  request->done = g_strdup (done);
  self->loading++;
  scim_store_run_async (self->store, func, data, destroy, NULL, on_written_cb, request);
}

static gpointer
restore_task_thread (ScimStore     *store,
                     gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return scim_store_restore_task (store, data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
on_undo_delete_cb (AdwToast       *toast,
                   ScimSaleWindow *self)
{
  GVariant *row = g_object_get_data (G_OBJECT (toast), "scim-row");

  run_write (self, restore_task_thread, g_variant_ref (row), (GDestroyNotify) g_variant_unref, _("Task restored"));
}

static void move_to (ScimSaleWindow *self,
                     gint64          from_stage_id,
                     gint64          stage_id,
                     const char     *reason,
                     gint64          until);

static void
on_undo_move_cb (AdwToast       *toast,
                 ScimSaleWindow *self)
{
  move_to (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toast), "scim-from")),
           GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toast), "scim-stage")), _("Move undone"),
           (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toast), "scim-until")));
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WriteRequest *request = user_data;
  g_autoptr(ScimSaleWindow) self = request->self;
  g_autofree char *done = request->done;
  g_autoptr(GError) error = NULL;
  gpointer outcome;

  gboolean details = request->details;
  gint64 undo_stage = request->undo_stage;
  gint64 undo_until = request->undo_until;
  gint64 moved_to = request->moved_to;

  g_free (request);
  self->loading--;
  outcome = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (outcome == NULL && details && g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT))
    {
      resolve_details (self);
      return;
    }
  if (outcome == NULL)
    {
      say (self, error->message);
    }
  else if (moved_to != 0)
    {
      /* Undo is one more move, back where it was: the history keeps both. */
      AdwToast *toast = adw_toast_new (_("Stage changed"));

      adw_toast_set_button_label (toast, _("_Undo"));
      g_object_set_data (G_OBJECT (toast), "scim-stage", GSIZE_TO_POINTER (undo_stage));
      g_object_set_data (G_OBJECT (toast), "scim-from", GSIZE_TO_POINTER (moved_to));
      g_object_set_data (G_OBJECT (toast), "scim-until", GSIZE_TO_POINTER (undo_until));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_move_cb), self, G_CONNECT_DEFAULT);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  else if (done != NULL)
    {
      say (self, done);
    }
  /* Saved: what the fields hold is in the file, so the reload may show it. */
  if (outcome != NULL && details)
    scim_field_set_take_base (self->details);
  reload (self);
}

/* Stage moves */

/* Undo is one more move, back where it was, paused till the same day if
 * it was paused: the history keeps both. */
static void
move_to (ScimSaleWindow *self,
         gint64          from_stage_id,
         gint64          stage_id,
         const char     *reason,
         gint64          until)
{
  WriteRequest *request = g_new0 (WriteRequest, 1);

  request->self = g_object_ref (self);
  request->undo_stage = from_stage_id;
  request->undo_until = scim_record_get_int (SCIM_RECORD (self->sale), "paused-until");
  request->moved_to = stage_id;
  self->loading++;
  scim_sale_move_async (self->store, self->sale_id, from_stage_id, stage_id, reason, until, NULL, on_written_cb,
                         request);
}

static void
on_move_answered (GObject    *owner,
                  gint64      stage_id,
                  const char *reason,
                  gint64      until)
{
  ScimSaleWindow *self = SCIM_SALE_WINDOW (owner);

  move_to (self, scim_record_get_int (SCIM_RECORD (self->sale), "stage-id"), stage_id, reason, until);
}

static void
on_stage_clicked_cb (GtkButton      *button,
                     ScimSaleWindow *self)
{
  ScimRecord *stage = g_object_get_data (G_OBJECT (button), "scim-stage");
  const char *kind = scim_record_get_string (stage, "kind");

  if (scim_record_get_id (stage) == scim_record_get_int (SCIM_RECORD (self->sale), "stage-id"))
    return;
  scim_sale_move_ask (GTK_WINDOW (self), scim_record_get_id (stage), scim_record_get_string (stage, "name"), kind,
                       on_move_answered, G_OBJECT (self));
}

static void
build_stepper (ScimSaleWindow *self)
{
  GtkWidget *child;
  gint64 current = scim_record_get_int (SCIM_RECORD (self->sale), "stage-id");
  gint64 current_position = 0;
  guint n = g_list_model_get_n_items (self->stages);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stepper))) != NULL)
    gtk_box_remove (self->stepper, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->side_stages))) != NULL)
    gtk_box_remove (self->side_stages, child);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (self->stages, i);
      if (scim_record_get_id (stage) == current)
        current_position = scim_record_get_int (stage, "position");
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (self->stages, i);
      const char *kind = scim_record_get_string (stage, "kind");
      gboolean side = g_strcmp0 (kind, "lost") == 0 || g_strcmp0 (kind, "paused") == 0;
      gboolean is_current = scim_record_get_id (stage) == current;
      GtkWidget *button = gtk_button_new ();
      GtkWidget *label = gtk_label_new (scim_record_get_string (stage, "name"));
      g_autofree char *tooltip = NULL;

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_button_set_child (GTK_BUTTON (button), label);
      tooltip = g_strdup_printf ("%s · %s", scim_format_kind (kind), scim_record_get_string (stage, "description"));
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      scim_record_get_string (stage, "name"), -1);
      if (is_current)
        {
          gtk_widget_add_css_class (button, side && g_strcmp0 (kind, "lost") == 0 ? "destructive-action"
                                                                                  : "suggested-action");
          gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_SELECTED, TRUE, -1);
        }
      else if (!side && scim_record_get_int (stage, "position") < current_position)
        gtk_widget_add_css_class (button, "stage-passed");
      else
        gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_sensitive (button, self->may_edit || is_current);
      g_object_set_data_full (G_OBJECT (button), "scim-stage", g_object_ref (stage), g_object_unref);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_stage_clicked_cb), self, G_CONNECT_DEFAULT);
      gtk_box_append (side ? self->side_stages : self->stepper, button);
    }
}

/* The plan */

typedef struct
{
  gint64  task_id;
  gint64  version;
  char   *state;
  char   *result;
} FinishJob;

static void
finish_job_free (gpointer data)
{
  FinishJob *job = data;

  g_free (job->state);
  g_free (job->result);
  g_free (job);
}

static gpointer
finish_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  FinishJob *job = data;

  if (job->state == NULL)
    return scim_store_reopen_task (store, job->task_id, error) ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_finish_task (store, job->task_id, job->version, job->state, job->result, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * scim_sale_window_finish_task:
 * @self: a #ScimSaleWindow
 * @task_id: a task of the plan
 * @state: "done", "failed" or "cancelled"; %NULL reopens the task
 * @result: (nullable): what came of it
 *
 * Closes a task with its result, as the finish dialog does.
 */
void
scim_sale_window_finish_task (ScimSaleWindow *self,
                              gint64          task_id,
                              const char     *state,
                              const char     *result)
{
  FinishJob *job = g_new0 (FinishJob, 1);

  g_return_if_fail (SCIM_IS_SALE_WINDOW (self));

  job->task_id = task_id;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tasks)); i++)
    {
      g_autoptr(ScimRecord) task = g_list_model_get_item (G_LIST_MODEL (self->tasks), i);
      if (scim_record_get_id (task) == task_id)
        job->version = scim_record_get_version (task);
    }
  job->state = g_strdup (state);
  job->result = g_strdup (result);
  run_write (self, finish_thread, job, finish_job_free, state != NULL ? _("Task closed") : _("Task reopened"));
}

static void
on_finish_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       ScimSaleWindow   *self)
{
  GtkCheckButton *done = g_object_get_data (G_OBJECT (dialog), "scim-done");
  GtkCheckButton *failed = g_object_get_data (G_OBJECT (dialog), "scim-failed");
  GtkEditable *result = g_object_get_data (G_OBJECT (dialog), "scim-result");
  gint64 task_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "scim-task"));
  const char *state;

  if (!g_str_equal (response, "finish"))
    {
      reload (self);
      return;
    }
  state = gtk_check_button_get_active (done) ? "done" : gtk_check_button_get_active (failed) ? "failed" : "cancelled";
  scim_sale_window_finish_task (self, task_id, state, gtk_editable_get_text (result));
}

static void
ask_finish (ScimSaleWindow *self,
            ScimRecord     *task)
{
  g_autofree char *heading = g_strdup_printf (_("Finish “%s”"), scim_record_get_string (task, "title"));
  GtkWidget *dialog, *box, *done, *failed, *cancelled, *result;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("What came of it? A negative result is a result too."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  done = gtk_check_button_new_with_mnemonic (_("_Done"));
  failed = gtk_check_button_new_with_mnemonic (_("_Failed"));
  cancelled = gtk_check_button_new_with_mnemonic (_("_Cancelled: not needed any more"));
  gtk_check_button_set_group (GTK_CHECK_BUTTON (failed), GTK_CHECK_BUTTON (done));
  gtk_check_button_set_group (GTK_CHECK_BUTTON (cancelled), GTK_CHECK_BUTTON (done));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (done), TRUE);
  result = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (result), _("The result"));
  gtk_entry_set_activates_default (GTK_ENTRY (result), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (result), GTK_ACCESSIBLE_PROPERTY_LABEL, _("The result"), -1);
  gtk_box_append (GTK_BOX (box), done);
  gtk_box_append (GTK_BOX (box), failed);
  gtk_box_append (GTK_BOX (box), cancelled);
  gtk_box_append (GTK_BOX (box), result);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "finish", _("_Finish"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "finish");
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "finish", ADW_RESPONSE_SUGGESTED);
  g_object_set_data (G_OBJECT (dialog), "scim-done", done);
  g_object_set_data (G_OBJECT (dialog), "scim-failed", failed);
  g_object_set_data (G_OBJECT (dialog), "scim-result", result);
  g_object_set_data (G_OBJECT (dialog), "scim-task", GSIZE_TO_POINTER (scim_record_get_id (task)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_finish_response_cb), self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (result);
}

static void
on_check_toggled_cb (GtkCheckButton *check,
                     GtkWidget      *row)
{
  ScimSaleWindow *self = SCIM_SALE_WINDOW (gtk_widget_get_root (row));
  ScimRecord *task = g_object_get_data (G_OBJECT (row), "scim-task");
  gboolean planned = g_strcmp0 (scim_record_get_string (task, "state"), "planned") == 0;

  if (gtk_check_button_get_active (check) && planned)
    ask_finish (self, task);
  else if (!gtk_check_button_get_active (check) && !planned)
    scim_sale_window_finish_task (self, scim_record_get_id (task), NULL, NULL);
}

typedef struct
{
  gint64  sale_id;
  GArray *order;
} OrderJob;

static void
order_job_free (gpointer data)
{
  OrderJob *job = data;

  g_array_unref (job->order);
  g_free (job);
}

static gpointer
reorder_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  OrderJob *job = data;

  return scim_store_reorder_tasks (store, job->sale_id, (const gint64 *) (gpointer) job->order->data, job->order->len,
                                   error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * scim_sale_window_move_task:
 * @self: a #ScimSaleWindow
 * @from: a task's place in the plan
 * @to: its new place
 *
 * Reorders the plan, as a drag or Alt+Up/Down does.
 */
void
scim_sale_window_move_task (ScimSaleWindow *self,
                            guint           from,
                            guint           to)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));
  OrderJob *job;
  gint64 moved;

  g_return_if_fail (SCIM_IS_SALE_WINDOW (self));
  if (!self->may_edit || from >= n || to >= n || from == to)
    return;

  job = g_new0 (OrderJob, 1);
  job->sale_id = self->sale_id;
  job->order = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) task = g_list_model_get_item (G_LIST_MODEL (self->tasks), i);
      gint64 id = scim_record_get_id (task);
      g_array_append_val (job->order, id);
    }
  moved = g_array_index (job->order, gint64, from);
  g_array_remove_index (job->order, from);
  g_array_insert_val (job->order, to, moved);
  self->focus_task = (int) to;
  run_write (self, reorder_thread, job, order_job_free, NULL);
}

static gpointer
delete_task_thread (ScimStore     *store,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return scim_store_delete_task (store, GPOINTER_TO_SIZE (data), error);
}

static void
on_task_deleted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ScimSaleWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *row = scim_store_run_finish (SCIM_STORE (source), result, &error);
  AdwToast *toast;

  self->loading--;
  if (row == NULL)
    {
      say (self, error->message);
      return;
    }
  toast = adw_toast_new (_("Task deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "scim-row", row, (GDestroyNotify) g_variant_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_delete_cb), self, G_CONNECT_DEFAULT);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  reload (self);
}

static guint
row_index (GtkWidget *row)
{
  return (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
}

static void
on_delete_task_clicked_cb (GtkButton *button,
                           GtkWidget *row)
{
  ScimSaleWindow *self = SCIM_SALE_WINDOW (gtk_widget_get_root (row));
  ScimRecord *task = g_object_get_data (G_OBJECT (row), "scim-task");

  self->loading++;
  scim_store_run_async (self->store, delete_task_thread, GSIZE_TO_POINTER (scim_record_get_id (task)), NULL, NULL,
                        on_task_deleted_cb, g_object_ref (self));
}

static void
on_up_clicked_cb (GtkButton *button,
                  GtkWidget *row)
{
  guint index = row_index (row);

  if (index > 0)
    scim_sale_window_move_task (SCIM_SALE_WINDOW (gtk_widget_get_root (row)), index, index - 1);
}

static void
on_down_clicked_cb (GtkButton *button,
                    GtkWidget *row)
{
  scim_sale_window_move_task (SCIM_SALE_WINDOW (gtk_widget_get_root (row)), row_index (row), row_index (row) + 1);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource *source,
                    double         x,
                    double         y,
                    GtkWidget     *row)
{
  GValue value = G_VALUE_INIT;
  GdkContentProvider *provider;

  g_value_init (&value, G_TYPE_UINT);
  g_value_set_uint (&value, row_index (row));
  provider = gdk_content_provider_new_for_value (&value);
  g_value_unset (&value);
  return provider;
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            GtkWidget     *row)
{
  if (!G_VALUE_HOLDS_UINT (value))
    return FALSE;
  scim_sale_window_move_task (SCIM_SALE_WINDOW (gtk_widget_get_root (row)), g_value_get_uint (value), row_index (row));
  return TRUE;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             GCallback   callback,
             GtkWidget  *row)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", callback, row);
  return button;
}

static GtkWidget *
task_row (ScimSaleWindow *self,
          ScimRecord     *task,
          guint           index,
          guint           n)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  const char *state = scim_record_get_string (task, "state");
  gboolean planned = g_strcmp0 (state, "planned") == 0;
  gint64 due = scim_record_get_int (task, "due-at");
  g_autofree char *due_text = due == 0 ? g_strdup (_("no due date"))
                                       : scim_record_get_bool (task, "due-has-time") ? scim_format_date_time (due)
                                                                                      : scim_format_date (due);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  gboolean may_close = self->may_edit || scim_record_get_int (task, "owner-id") == scim_store_get_user_id (self->store);

  g_string_append_printf (subtitle, "%s · %s", due_text, scim_record_get_string (task, "owner"));
  if (scim_record_get_string (task, "target-stage")[0] != '\0')
    g_string_append_printf (subtitle, " · → %s", scim_record_get_string (task, "target-stage"));
  if (!planned)
    g_string_append_printf (subtitle, " · %s: %s", scim_format_state (state), scim_record_get_string (task, "result"));
  else if (due != 0 && due < g_get_real_time () / G_USEC_PER_SEC)
    {
      g_string_append_printf (subtitle, " · %s", _("overdue"));
      gtk_widget_add_css_class (row, "task-overdue");
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scim_record_get_string (task, "title"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 4);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  if (!planned)
    gtk_widget_add_css_class (row, "task-closed");

  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), !planned);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (check, may_close);
  gtk_widget_set_tooltip_text (check, planned ? _("Finish with a result") : _("Reopen"));
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled_cb), row);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  g_object_set_data_full (G_OBJECT (row), "scim-task", g_object_ref (task), g_object_unref);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  if (self->may_edit)
    {
      GtkDragSource *source = gtk_drag_source_new ();
      GtkDropTarget *target = gtk_drop_target_new (G_TYPE_UINT, GDK_ACTION_MOVE);
      GtkWidget *up = icon_button ("go-up-symbolic", _("Move Up (Alt+Up)"), G_CALLBACK (on_up_clicked_cb), row);
      GtkWidget *down = icon_button ("go-down-symbolic", _("Move Down (Alt+Down)"), G_CALLBACK (on_down_clicked_cb), row);

      gtk_widget_set_sensitive (up, index > 0);
      gtk_widget_set_sensitive (down, index + 1 < n);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), up);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), down);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon_button ("user-trash-symbolic", _("Delete Task"),
                                                                    G_CALLBACK (on_delete_task_clicked_cb), row));
      gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
      g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare_cb), row);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
      g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), row);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
    }
  return row;
}

static void
on_task_saved_cb (ScimEditDialog *dialog,
                  ScimSaleWindow *self)
{
  reload (self);
}

static void
open_task (ScimSaleWindow *self,
           ScimRecord     *task)
{
  ScimTaskDialog *dialog;

  dialog = scim_task_dialog_new (GTK_WINDOW (self), self->store, self->sale_id, task, self->users, self->stages,
                                 scim_record_get_int (SCIM_RECORD (self->sale), "owner-id"), self->may_edit);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_task_saved_cb), self, G_CONNECT_DEFAULT);
}

static void
on_task_activated_cb (GtkListBox     *list,
                      GtkListBoxRow  *row,
                      ScimSaleWindow *self)
{
  ScimRecord *task = g_object_get_data (G_OBJECT (row), "scim-task");

  if (task != NULL)
    open_task (self, task);
}

static void
on_add_clicked_cb (GtkButton      *button,
                   ScimSaleWindow *self)
{
  open_task (self, NULL);
}

typedef struct
{
  gint64  sale_id;
  char   *title;
  gint64  owner_id;
} QuickJob;

static void
quick_job_free (gpointer data)
{
  QuickJob *job = data;

  g_free (job->title);
  g_free (job);
}

static gpointer
quick_add_thread (ScimStore     *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  QuickJob *job = data;
  ScimTaskFields fields = { job->title, "", job->owner_id, 0, FALSE, 0 };

  return scim_store_add_task (store, job->sale_id, -1, &fields, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * scim_sale_window_add_task:
 * @self: a #ScimSaleWindow
 * @title: what to do
 *
 * Adds a task owned by the sale's owner at the end of the plan, as typing
 * into "Add a task" and pressing Enter does.
 */
void
scim_sale_window_add_task (ScimSaleWindow *self,
                           const char     *title)
{
  QuickJob *job = g_new0 (QuickJob, 1);

  g_return_if_fail (SCIM_IS_SALE_WINDOW (self));

  job->sale_id = self->sale_id;
  job->title = g_strdup (title);
  job->owner_id = scim_record_get_int (SCIM_RECORD (self->sale), "owner-id");
  self->focus_task = (int) g_list_model_get_n_items (G_LIST_MODEL (self->tasks));
  run_write (self, quick_add_thread, job, quick_job_free, NULL);
}

static void
on_quick_add_cb (AdwEntryRow    *row,
                 ScimSaleWindow *self)
{
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (title[0] == '\0')
    return;
  scim_sale_window_add_task (self, title);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static gpointer
template_thread (ScimStore     *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gint added = scim_store_apply_plan_template (store, GPOINTER_TO_SIZE (data), 0, error);

  return added >= 0 ? GINT_TO_POINTER (added + 1) : NULL;
}

static void
on_template_clicked_cb (GtkButton      *button,
                        ScimSaleWindow *self)
{
  run_write (self, template_thread, GSIZE_TO_POINTER (self->sale_id), NULL, _("The usual tasks of the stage were added"));
}

/* Events */

/**
 * scim_sale_window_add_event:
 * @self: a #ScimSaleWindow
 *
 * Returns: (transfer none): the new-event dialog for this sale
 */
GtkWidget *
scim_sale_window_add_event (ScimSaleWindow *self)
{
  g_return_val_if_fail (SCIM_IS_SALE_WINDOW (self), NULL);
  return GTK_WIDGET (scim_event_dialog_new (GTK_WINDOW (self), self->store, self->sale_id, NULL,
                                            !scim_store_is_read_only (self->store)));
}

static void
on_add_event_clicked_cb (GtkButton      *button,
                         ScimSaleWindow *self)
{
  scim_sale_window_add_event (self);
}

/* Sale details */

typedef struct
{
  gint64 sale_id;
  gint64 version;
  gint64 amount;
  gint64 close;
  gint64 owner_id;
} SaleJob;

static gpointer
save_sale_thread (ScimStore     *store,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  SaleJob *job = data;

  return scim_store_update_sale (store, job->sale_id, job->version, job->amount, job->close, job->owner_id, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gboolean
parse_money (const char *text,
             gint64     *minor)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  double value;
  char *end;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isdigit (c))
        g_string_append_c (digits, (char) ('0' + g_unichar_digit_value (c)));
      else if (c == ',' || c == '.')
        g_string_append_c (digits, '.');
      else if (!g_unichar_isspace (c) && c != 0x202F && c != 0x00A0 && c != '\'')
        return FALSE;
    }
  if (digits->len == 0)
    {
      *minor = 0;
      return TRUE;
    }
  value = g_ascii_strtod (digits->str, &end);
  if (*end != '\0' || value < 0)
    return FALSE;
  *minor = (gint64) (value * 100.0 + 0.5);
  return TRUE;
}

static void
on_save_sale_clicked_cb (GtkButton      *button,
                         ScimSaleWindow *self)
{
  SaleJob *job = g_new0 (SaleJob, 1);
  WriteRequest *request;
  gboolean has_time;

  job->sale_id = self->sale_id;
  job->version = scim_field_set_get_version (self->details);
  job->owner_id = scim_edit_dialog_get_record_id (self->owner_row);
  if (!parse_money (gtk_editable_get_text (GTK_EDITABLE (self->amount_row)), &job->amount))
    {
      say (self, _("Amount: write a number, like 150 000,00."));
      g_free (job);
      return;
    }
  if (!scim_parse_due (gtk_editable_get_text (GTK_EDITABLE (self->close_row)), &job->close, &has_time))
    {
      say (self, _("Expected close: write the date as 2026-12-31 or 31.12.2026."));
      g_free (job);
      return;
    }
  request = g_new0 (WriteRequest, 1);
  request->self = g_object_ref (self);
  request->done = g_strdup (_("Sale saved"));
  request->details = TRUE;
  self->loading++;
  scim_store_run_async (self->store, save_sale_thread, job, g_free, NULL, on_written_cb, request);
}

static void
on_details_resolved_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ScimSaleWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  switch (scim_field_set_resolve_finish (SCIM_FIELD_SET (source), result, &error))
    {
    case SCIM_FIELD_SET_SAVE_AGAIN:
      on_save_sale_clicked_cb (NULL, self);
      return;
    case SCIM_FIELD_SET_TOOK_THEIRS:
      say (self, _("Their version is shown; yours was dropped."));
      break;
    case SCIM_FIELD_SET_BACK:
    default:
      say (self, error != NULL ? error->message
                               : _("Someone else saved this sale after you opened it. Save again to choose "
                                   "between your version and theirs."));
      break;
    }
  reload (self);
}

/* Someone saved the sale since its details were shown: ask what to keep. */
static void
resolve_details (ScimSaleWindow *self)
{
  scim_field_set_resolve_async (self->details, GTK_WINDOW (self), self->store, on_details_resolved_cb,
                                g_object_ref (self));
}

static char *
format_amount (ScimRecord *sale)
{
  return scim_format_money_exact (scim_record_get_int (sale, "amount"));
}

static char *
format_close (ScimRecord *sale)
{
  return scim_format_date (scim_record_get_int (sale, "expected-close"));
}

/* Loading */

typedef struct
{
  ScimSale   *sale;
  GListModel *stages;
  GListModel *tasks;
  GListModel *users;
  GPtrArray  *history;
  gboolean    may_edit;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_object (&loaded->sale);
  g_clear_object (&loaded->stages);
  g_clear_object (&loaded->tasks);
  g_clear_object (&loaded->users);
  g_clear_pointer (&loaded->history, g_ptr_array_unref);
  g_free (loaded);
}

static gpointer
load_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  gint64 sale_id = GPOINTER_TO_SIZE (data);
  g_autoptr(ScimQuery) stages = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(ScimQuery) tasks = scim_query_new (SCIM_LIST_TASKS);
  g_autoptr(ScimQuery) users = scim_query_new (SCIM_LIST_USERS);
  Loaded *loaded = g_new0 (Loaded, 1);

  loaded->sale = scim_store_get_sale (store, sale_id, error);
  if (loaded->sale == NULL)
    goto failed;
  stages->product_id = scim_record_get_int (SCIM_RECORD (loaded->sale), "product-id");
  tasks->sale_id = sale_id;
  if ((loaded->stages = scim_store_list (store, stages, error)) == NULL ||
      (loaded->tasks = scim_store_list (store, tasks, error)) == NULL ||
      (loaded->users = scim_store_list (store, users, error)) == NULL ||
      (loaded->history = scim_store_sale_history (store, sale_id, error)) == NULL)
    goto failed;
  loaded->may_edit = !scim_store_is_read_only (store) && scim_store_may_edit_plan (store, sale_id, NULL);
  return loaded;

failed:
  loaded_free (loaded);
  return NULL;
}

static int
by_position (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  gint64 pa = scim_record_get_int ((ScimRecord *) a, "position");
  gint64 pb = scim_record_get_int ((ScimRecord *) b, "position");

  return (pa > pb) - (pa < pb);
}

static void
show_loaded (ScimSaleWindow *self,
             Loaded         *loaded)
{
  ScimRecord *sale = SCIM_RECORD (loaded->sale);
  g_autofree char *title = g_strdup_printf ("%s · %s", scim_record_get_string (sale, "client"),
                                            scim_record_get_string (sale, "product"));
  g_autofree char *money = scim_format_money (scim_record_get_int (sale, "amount"));
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", scim_record_get_string (sale, "owner"),
                                               scim_record_get_string (sale, "stage"), money);
  guint n;

  g_set_object (&self->sale, loaded->sale);
  g_set_object (&self->stages, loaded->stages);
  g_set_object (&self->users, loaded->users);
  self->may_edit = loaded->may_edit;

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->title, title);
  adw_window_title_set_subtitle (self->title, subtitle);
  /* The details show the stored values unless the person is changing them:
   * then the input stays, and so does the version it started from, so that
   * a save over someone else's change asks instead of overwriting it. */
  if (self->details == NULL)
    {
      g_autoptr(GListModel) users = g_object_ref (loaded->users);

      adw_combo_row_set_model (self->owner_row, users);
      self->details = scim_field_set_new ();
      scim_field_set_track (self->details, GTK_WIDGET (self->amount_row), "amount", NULL, format_amount);
      scim_field_set_track (self->details, GTK_WIDGET (self->close_row), "expected-close", NULL, format_close);
      scim_field_set_track (self->details, GTK_WIDGET (self->owner_row), "owner-id", NULL, NULL);
      scim_field_set_load (self->details, SCIM_RECORD (loaded->sale));
    }
  else if (!scim_field_set_is_dirty (self->details))
    {
      if (adw_combo_row_get_model (self->owner_row) != loaded->users)
        adw_combo_row_set_model (self->owner_row, loaded->users);
      scim_field_set_load (self->details, SCIM_RECORD (loaded->sale));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->amount_row), self->may_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->close_row), self->may_edit);
  gtk_widget_set_sensitive (GTK_WIDGET (self->owner_row), self->may_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), self->may_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->quick_add_row), self->may_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), self->may_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->template_button), self->may_edit);
  gtk_widget_set_visible (GTK_WIDGET (self->read_only_label), !self->may_edit);
  build_stepper (self);

  /* The plan in its own order. */
  g_list_store_remove_all (self->tasks);
  for (guint i = 0; i < g_list_model_get_n_items (loaded->tasks); i++)
    {
      g_autoptr(ScimRecord) task = g_list_model_get_item (loaded->tasks, i);
      g_list_store_insert_sorted (self->tasks, task, by_position, NULL);
    }
  clear_list (self->task_list);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) task = g_list_model_get_item (G_LIST_MODEL (self->tasks), i);
      gtk_list_box_append (self->task_list, task_row (self, task, i, n));
    }
  if (self->focus_task >= 0)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->task_list, self->focus_task);
      if (row != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (row));
      self->focus_task = -1;
    }

  clear_list (self->history_list);
  for (guint i = loaded->history->len; i > 0; i--)
    {
      ScimStageMove *move = g_ptr_array_index (loaded->history, i - 1);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = scim_format_date_time (move->at);
      g_autofree char *what = move->from != NULL ? g_strdup_printf ("%s → %s", move->from, move->to)
                                                 : g_strdup (move->to);
      g_autofree char *sub = move->reason != NULL && move->reason[0] != '\0'
                             ? g_strdup_printf ("%s · %s · %s", when, move->by != NULL ? move->by : "", move->reason)
                             : g_strdup_printf ("%s · %s", when, move->by != NULL ? move->by : "");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 4);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
      gtk_list_box_append (self->history_list, row);
    }

}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimSaleWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = scim_store_run_finish (SCIM_STORE (source), result, &error);

  self->loading--;
  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, error->message);
      return;
    }
  show_loaded (self, loaded);
  loaded_free (loaded);
}

static void
reload (ScimSaleWindow *self)
{
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading++;
  scim_store_run_async_full (self->store, load_thread, GSIZE_TO_POINTER (self->sale_id), NULL, loaded_free,
                             self->cancellable, on_loaded_cb, g_object_ref (self));
}

static gboolean
reload_timeout_cb (gpointer data)
{
  ScimSaleWindow *self = data;

  self->reload_source = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (ScimStore      *store,
                     GPtrArray      *changes,
                     ScimSaleWindow *self)
{
  /* Someone else's commit to this sale, its plan or its events. */
  for (guint i = 0; i < changes->len; i++)
    {
      ScimChange *change = g_ptr_array_index (changes, i);

      if ((g_str_equal (change->entity, "sales") && change->entity_id == self->sale_id) ||
          g_str_equal (change->entity, "tasks") || g_str_equal (change->entity, "events"))
        {
          if (self->reload_source == 0)
            self->reload_source = g_timeout_add (200, reload_timeout_cb, self);
          return;
        }
    }
}

/* Keyboard: Alt+Up/Down move the focused task. */
static void
move_focused_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ScimSaleWindow *self = SCIM_SALE_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW) : NULL;
  guint index;

  if (row == NULL || gtk_widget_get_parent (row) != GTK_WIDGET (self->task_list))
    return;
  index = row_index (row);
  if (g_str_equal (action_name, "sale.move-task-up"))
    {
      if (index > 0)
        scim_sale_window_move_task (self, index, index - 1);
    }
  else
    scim_sale_window_move_task (self, index, index + 1);
}

/* GObject */

static void
scim_sale_window_dispose (GObject *object)
{
  ScimSaleWindow *self = SCIM_SALE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_object (&self->sale);
  g_clear_object (&self->stages);
  g_clear_object (&self->tasks);
  g_clear_object (&self->users);
  g_clear_object (&self->events);
  g_clear_object (&self->store);
  g_clear_object (&self->details);

  G_OBJECT_CLASS (scim_sale_window_parent_class)->dispose (object);
}

/* Ctrl+T: the plan's quick-add row, where a new task is typed. */
static void
new_task_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScimSaleWindow *self = SCIM_SALE_WINDOW (widget);

  if (gtk_widget_get_visible (GTK_WIDGET (self->quick_add_row)))
    gtk_widget_grab_focus (GTK_WIDGET (self->quick_add_row));
}

static void
scim_sale_window_class_init (ScimSaleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_sale_window_dispose;

  gtk_widget_class_install_action (widget_class, "sale.move-task-up", NULL, move_focused_action);
  gtk_widget_class_install_action (widget_class, "sale.move-task-down", NULL, move_focused_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "sale.move-task-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "sale.move-task-down", NULL);
  gtk_widget_class_install_action (widget_class, "sale.new-task", NULL, new_task_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "sale.new-task", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static GtkListBox *
boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return GTK_LIST_BOX (list);
}

static GtkWidget *
group (const char *title,
       GtkWidget  *suffix)
{
  GtkWidget *g = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (g), title);
  if (suffix != NULL)
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (g), suffix);
  return g;
}

static void
scim_sale_window_init (ScimSaleWindow *self)
{
  GtkWidget *box, *header, *page, *stage_group, *details, *plan, *history, *events, *scroller, *buttons, *columns;
  GtkWidget *left, *right, *save;

  self->tasks = g_list_store_new (SCIM_TYPE_TASK);
  self->focus_task = -1;
  gtk_window_set_default_size (GTK_WINDOW (self), 1000, 760);

  self->toast_overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Sale"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);

  /* The funnel as a stepper; paused and lost stand apart. */
  stage_group = group (_("Stage"), NULL);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (stage_group),
                                         _("Click a stage to move the sale there, forward or back"));
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  self->stepper = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4));
  gtk_widget_add_css_class (GTK_WIDGET (self->stepper), "stage-stepper");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->stepper));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (stage_group), scroller);
  self->side_stages = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4));
  gtk_widget_set_margin_top (GTK_WIDGET (self->side_stages), 6);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (stage_group), GTK_WIDGET (self->side_stages));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (stage_group));

  columns = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_hexpand (left, TRUE);
  gtk_widget_set_hexpand (right, TRUE);
  gtk_box_append (GTK_BOX (columns), left);
  gtk_box_append (GTK_BOX (columns), right);

  /* The plan */
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->template_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Usual Tasks")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->template_button), _("Add the usual tasks for this stage"));
  gtk_widget_add_css_class (GTK_WIDGET (self->template_button), "flat");
  g_signal_connect_object (self->template_button, "clicked", G_CALLBACK (on_template_clicked_cb), self,
                           G_CONNECT_DEFAULT);
  self->add_button = GTK_BUTTON (gtk_button_new_from_icon_name ("list-add-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->add_button), _("Add a Task"));
  gtk_widget_add_css_class (GTK_WIDGET (self->add_button), "flat");
  g_signal_connect_object (self->add_button, "clicked", G_CALLBACK (on_add_clicked_cb), self, G_CONNECT_DEFAULT);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->template_button));
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->add_button));
  plan = group (_("Plan"), buttons);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (plan),
                                         _("Tasks that push the sale to the next stage. Tick one to close it with "
                                           "its result; drag or press Alt+Up and Alt+Down to reorder."));
  self->read_only_label = GTK_LABEL (gtk_label_new (_("Only the sale’s salesperson or a head of sales changes this "
                                                      "plan; you may close the tasks that are yours.")));
  gtk_label_set_wrap (self->read_only_label, TRUE);
  gtk_label_set_xalign (self->read_only_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->read_only_label), "dim-label");
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->read_only_label), 6);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (plan), GTK_WIDGET (self->read_only_label));
  self->task_list = boxed_list ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->task_list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Plan"), -1);
  g_signal_connect_object (self->task_list, "row-activated", G_CALLBACK (on_task_activated_cb), self,
                           G_CONNECT_DEFAULT);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (plan), GTK_WIDGET (self->task_list));
  self->quick_add_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->quick_add_row), _("Add a task and press Enter"));
  g_signal_connect_object (self->quick_add_row, "entry-activated", G_CALLBACK (on_quick_add_cb), self,
                           G_CONNECT_DEFAULT);
  {
    GtkListBox *quick = boxed_list ();

    gtk_widget_set_margin_top (GTK_WIDGET (quick), 6);
    gtk_list_box_append (quick, GTK_WIDGET (self->quick_add_row));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (plan), GTK_WIDGET (quick));
  }
  gtk_box_append (GTK_BOX (left), plan);

  /* Details */
  save = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (save, "flat");
  self->save_button = GTK_BUTTON (save);
  g_signal_connect_object (save, "clicked", G_CALLBACK (on_save_sale_clicked_cb), self, G_CONNECT_DEFAULT);
  details = group (_("Sale"), save);
  self->amount_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->amount_row), _("_Amount"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->amount_row), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (details), GTK_WIDGET (self->amount_row));
  self->close_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->close_row), _("_Expected close"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->close_row), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (details), GTK_WIDGET (self->close_row));
  self->owner_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->owner_row), _("Sa_lesperson"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->owner_row), TRUE);
  adw_combo_row_set_expression (self->owner_row, gtk_property_expression_new (SCIM_TYPE_USER, NULL, "display-name"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (details), GTK_WIDGET (self->owner_row));
  gtk_box_append (GTK_BOX (right), details);

  {
    GtkWidget *add_event = gtk_button_new_from_icon_name ("list-add-symbolic");

    gtk_widget_set_tooltip_text (add_event, _("Write a Key Event"));
    gtk_widget_add_css_class (add_event, "flat");
    g_signal_connect_object (add_event, "clicked", G_CALLBACK (on_add_event_clicked_cb), self, G_CONNECT_DEFAULT);
    events = group (_("Sales Book"), add_event);
  }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (events), _("Key events of this sale, newest first"));
  self->timeline = SCIM_TIMELINE (scim_timeline_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->timeline), -1, 320);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (events), GTK_WIDGET (self->timeline));
  gtk_box_append (GTK_BOX (right), events);

  history = group (_("Stage History"), NULL);
  self->history_list = boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (history), GTK_WIDGET (self->history_list));
  gtk_box_append (GTK_BOX (right), history);

  {
    GtkWidget *holder = adw_preferences_group_new ();
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (holder), columns);
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (holder));
  }

  gtk_box_append (GTK_BOX (box), page);
  adw_toast_overlay_set_child (self->toast_overlay, box);
  adw_window_set_content (ADW_WINDOW (self), GTK_WIDGET (self->toast_overlay));
}

/**
 * scim_sale_window_open:
 * @parent: (nullable): the window it opens from
 * @store: the store
 * @sale_id: the sale
 *
 * Shows the sale's window, raising it when it is already open.
 *
 * Returns: (transfer none): the window
 */
ScimSaleWindow *
scim_sale_window_open (GtkWindow *parent,
                       ScimStore *store,
                       gint64     sale_id)
{
  GList *toplevels = gtk_window_list_toplevels ();
  ScimSaleWindow *self = NULL;

  for (GList *l = toplevels; l != NULL && self == NULL; l = l->next)
    if (SCIM_IS_SALE_WINDOW (l->data) && SCIM_SALE_WINDOW (l->data)->sale_id == sale_id &&
        SCIM_SALE_WINDOW (l->data)->store == store)
      self = l->data;
  g_list_free (toplevels);

  if (self == NULL)
    {
      self = g_object_new (SCIM_TYPE_SALE_WINDOW, NULL);
      if (parent != NULL)
        gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
      self->store = g_object_ref (store);
      self->sale_id = sale_id;
      g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, G_CONNECT_DEFAULT);
      /* The same timeline as the Sales book page, of this sale only. */
      {
        g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_EVENTS);

        query->sale_id = sale_id;
        self->events = scim_record_list_new (store, query);
        scim_timeline_set_model (self->timeline, G_LIST_MODEL (self->events));
      }
      reload (self);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/* Whether a load or a write is on its way; tests wait for it to settle. */
gboolean
scim_sale_window_get_busy (ScimSaleWindow *self)
{
  g_return_val_if_fail (SCIM_IS_SALE_WINDOW (self), FALSE);
  return self->loading > 0 || self->sale == NULL;
}

/**
 * scim_sale_window_get_tasks:
 * @self: a #ScimSaleWindow
 *
 * Returns: (transfer none): the plan, in its order
 */
GListModel *
scim_sale_window_get_tasks (ScimSaleWindow *self)
{
  g_return_val_if_fail (SCIM_IS_SALE_WINDOW (self), NULL);
  return G_LIST_MODEL (self->tasks);
}

/**
 * scim_sale_window_get_task_row:
 * @self: a #ScimSaleWindow
 * @position: a task's place in the plan
 *
 * Returns: (transfer none) (nullable): its row
 */
GtkWidget *
scim_sale_window_get_task_row (ScimSaleWindow *self,
                               guint           position)
{
  g_return_val_if_fail (SCIM_IS_SALE_WINDOW (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->task_list, (int) position));
}

/**
 * scim_sale_window_get_events:
 * @self: a #ScimSaleWindow
 *
 * Returns: (transfer none): the sale's events, as its timeline shows them
 */
GListModel *
scim_sale_window_get_events (ScimSaleWindow *self)
{
  g_return_val_if_fail (SCIM_IS_SALE_WINDOW (self), NULL);
  return G_LIST_MODEL (self->events);
}

/* Lists of sales elsewhere (a client's card, a lead's card): product, stage
 * and salesperson; a click opens the sale's window. */
static void
update_sale_row (ScimRecord   *sale,
                 GParamSpec   *pspec,
                 AdwActionRow *row)
{
  g_autofree char *subtitle = NULL;

  if (!scim_record_get_loaded (sale))
    return;
  subtitle = g_strdup_printf ("%s · %s · %s", scim_record_get_string (sale, "client"),
                              scim_record_get_string (sale, "stage"), scim_record_get_string (sale, "owner"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scim_record_get_string (sale, "product"));
  adw_action_row_set_subtitle (row, subtitle);
}

static GtkWidget *
create_sale_row (gpointer item,
                 gpointer user_data)
{
  ScimRecord *sale = item;
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  gint64 *sale_id = g_new (gint64, 1);

  adw_action_row_add_suffix (row, gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), _("Open the sale"));
  *sale_id = scim_record_get_id (sale);
  g_object_set_data_full (G_OBJECT (row), "sale-id", sale_id, g_free);
  g_signal_connect_object (sale, "notify::loaded", G_CALLBACK (update_sale_row), row, G_CONNECT_DEFAULT);
  update_sale_row (sale, NULL, row);
  return GTK_WIDGET (row);
}

static void
on_sale_row_activated_cb (GtkListBox    *list,
                          GtkListBoxRow *row,
                          ScimStore     *store)
{
  gint64 *sale_id = g_object_get_data (G_OBJECT (row), "sale-id");

  scim_sale_window_open (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (list))), store, *sale_id);
}

/**
 * scim_sale_list_new:
 * @store: the store
 * @query: which sales (a %SCIM_LIST_SALES query)
 *
 * A boxed list of sales, loaded lazily and kept current; activating a row
 * opens that sale's window.  The list's "sales" data is its #GListModel.
 *
 * Returns: (transfer floating): a #GtkListBox
 */
GtkWidget *
scim_sale_list_new (ScimStore       *store,
                    const ScimQuery *query)
{
  GtkWidget *list = gtk_list_box_new ();
  ScimRecordList *sales = scim_record_list_new (store, query);

  g_return_val_if_fail (query->kind == SCIM_LIST_SALES, list);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_bind_model (GTK_LIST_BOX (list), G_LIST_MODEL (sales), create_sale_row, NULL, NULL);
  g_object_set_data_full (G_OBJECT (list), "sales", sales, g_object_unref);
  g_signal_connect_data (list, "row-activated", G_CALLBACK (on_sale_row_activated_cb), g_object_ref (store),
                         (GClosureNotify) (void (*) (void)) g_object_unref, G_CONNECT_DEFAULT);
  return list;
}
