/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-sale-move"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-format.h"
#include "scim-sales.h"
#include "scim-sale-move.h"
#include "scim-task-dialog.h"

/* A sale's move to another stage, as the sale window's stepper and the
 * pipeline board make it: the question a lost or paused stage asks first
 * (the reason, the day the pause ends; Move stays off until the answer
 * will do), and the write on the store's worker, refused when someone
 * else moved the sale since it was shown.  The core checks the roles. */

/**
 * scim_sale_move_needs_question:
 * @kind: (nullable): a stage kind
 *
 * Returns: whether a move to a stage of @kind asks for a reason or a day
 */
gboolean
scim_sale_move_needs_question (const char *kind)
{
  return g_strcmp0 (kind, "lost") == 0 || g_strcmp0 (kind, "paused") == 0;
}

static gboolean
parse_answer (const char *kind,
              const char *text,
              gint64     *until)
{
  g_autofree char *answer = g_strstrip (g_strdup (text != NULL ? text : ""));
  gboolean has_time;

  *until = 0;
  if (g_strcmp0 (kind, "paused") == 0)
    return scim_parse_due (answer, until, &has_time) && *until != 0;
  return answer[0] != '\0';
}

static void
on_answer_changed_cb (GtkEditable      *entry,
                      AdwMessageDialog *dialog)
{
  const char *kind = g_object_get_data (G_OBJECT (dialog), "scim-kind");
  gint64 until;

  adw_message_dialog_set_response_enabled (dialog, "move", parse_answer (kind, gtk_editable_get_text (entry), &until));
}

static void
on_response_cb (AdwMessageDialog *dialog,
                const char       *response,
                GObject          *owner)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "scim-entry");
  const char *kind = g_object_get_data (G_OBJECT (dialog), "scim-kind");
  ScimSaleMoveFunc func = (ScimSaleMoveFunc) g_object_get_data (G_OBJECT (dialog), "scim-func");
  gint64 stage_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "scim-stage"));
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  gint64 until;

  if (!g_str_equal (response, "move") || !parse_answer (kind, text, &until))
    return;
  func (owner, stage_id, g_str_equal (kind, "lost") ? text : NULL, until);
}

/**
 * scim_sale_move_ask:
 * @parent: the window the question belongs to
 * @stage_id: where the sale goes
 * @stage_name: its name
 * @kind: its kind
 * @func: called with the answer once Move is chosen
 * @owner: passed to @func; the question goes with it
 *
 * Asks why a sale is lost, or until when it is paused, then calls @func.
 * Any other stage asks nothing: @func is called at once.
 */
void
scim_sale_move_ask (GtkWindow         *parent,
                     gint64             stage_id,
                     const char        *stage_name,
                     const char        *kind,
                     ScimSaleMoveFunc  func,
                     GObject           *owner)
{
  g_autofree char *heading = NULL;
  gboolean lost = g_strcmp0 (kind, "lost") == 0;
  GtkWidget *dialog, *entry;

  g_return_if_fail (func != NULL && G_IS_OBJECT (owner));

  if (!scim_sale_move_needs_question (kind))
    {
      func (owner, stage_id, NULL, 0);
      return;
    }
  heading = g_strdup_printf (_("Move to “%s”"), stage_name);
  dialog = adw_message_dialog_new (parent, heading,
                                   lost ? _("Why is the sale lost? The reason stays in its history.")
                                        : _("Until when is the sale paused? You are reminded then."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), lost ? _("Lost reason") : _("2026-12-31"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  lost ? _("Lost reason") : _("Paused until"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "move", _("_Move"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "move");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "move",
                                              lost ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "move", FALSE);
  g_object_set_data (G_OBJECT (dialog), "scim-entry", entry);
  g_object_set_data (G_OBJECT (dialog), "scim-kind", (gpointer) (lost ? "lost" : "paused"));
  g_object_set_data (G_OBJECT (dialog), "scim-func", (gpointer) func);
  g_object_set_data (G_OBJECT (dialog), "scim-stage", GSIZE_TO_POINTER (stage_id));
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_answer_changed_cb), dialog, G_CONNECT_DEFAULT);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_response_cb), owner, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  gint64  sale_id;
  gint64  from_stage_id;
  gint64  stage_id;
  char   *reason;
  gint64  until;
} MoveJob;

static void
move_job_free (gpointer data)
{
  MoveJob *job = data;

  g_free (job->reason);
  g_free (job);
}

static gpointer
move_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  MoveJob *job = data;

  /* Someone else's move since the sale was shown refuses this one, with
   * who and where. */
  return scim_store_move_sale_from (store, job->sale_id, job->from_stage_id, job->stage_id, job->reason, job->until,
                                    error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * scim_sale_move_async:
 * @store: a #ScimStore
 * @sale_id: the sale
 * @from_stage_id: the stage it was shown at
 * @stage_id: where it goes
 * @reason: (nullable): the lost reason, or a note for the history
 * @until: the end of a pause, or 0
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context when written
 * @user_data: for @callback
 *
 * Moves the sale on the store's worker; finish with
 * scim_sale_move_finish().
 */
void
scim_sale_move_async (ScimStore          *store,
                       gint64              sale_id,
                       gint64              from_stage_id,
                       gint64              stage_id,
                       const char         *reason,
                       gint64              until,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  MoveJob *job = g_new0 (MoveJob, 1);

  g_return_if_fail (SCIM_IS_STORE (store));

  job->sale_id = sale_id;
  job->from_stage_id = from_stage_id;
  job->stage_id = stage_id;
  job->reason = g_strdup (reason);
  job->until = until;
  scim_store_run_async (store, move_thread, job, move_job_free, cancellable, callback, user_data);
}

/**
 * scim_sale_move_finish:
 * @store: the #ScimStore
 * @result: the result
 * @error: return location for an error
 *
 * Returns: whether the sale moved
 */
gboolean
scim_sale_move_finish (ScimStore    *store,
                        GAsyncResult *result,
                        GError      **error)
{
  return scim_store_run_finish (store, result, error) != NULL;
}
