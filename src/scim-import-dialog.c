/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-import-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scim-import-dialog.h"
#include "scim-leads.h"

/* Import of leads from CSV, such as another CRM's export: choose the file,
 * see how its columns map to lead fields and its first rows, then import
 * in one transaction with progress and Cancel.
 *
 * When a column names owners, a dry run comes first: owners who are no
 * users here are listed, each with a choice of user ("Leave unassigned"
 * by default: those leads go to the incoming queue with the name kept),
 * before anything is written.  Unreadable rows are skipped and listed by
 * default (or the whole file refused, if the person chooses); after the
 * import the dialog stays open to show what was created, updated, left
 * as it was and refused, and saves the refused rows to a file to fix. */

#define PREVIEW_ROWS 5

struct _ScimImportDialog
{
  ScimEditDialog       parent_instance;

  AdwActionRow        *file_row;
  AdwPreferencesGroup *mapping_group;
  AdwPreferencesGroup *preview_group;
  GtkGrid             *preview_grid;
  GtkSwitch           *skip_bad_switch;
  GtkSwitch           *duplicates_switch;
  AdwPreferencesGroup *progress_group;
  GtkProgressBar      *progress_bar;
  AdwPreferencesGroup *issues_group;
  GtkListBox          *issues_list;

  AdwPreferencesGroup *owners_group;
  AdwPreferencesGroup *summary_group;
  AdwActionRow        *summary_row;
  GtkWidget           *save_refused_button;

  GFile               *file;
  GListModel          *users;
  GPtrArray           *mapping_rows;
  GPtrArray           *owner_rows;      /* AdwComboRow, one per unknown owner */
  GPtrArray           *owner_keys;      /* their keys, as the owner map wants them */
  GCancellable        *cancellable;
  gboolean             importing;
  gboolean             owners_checked;  /* the dry run for owners ran on this mapping */
  gboolean             done;
  ScimImportReport    *last_report;
};

G_DEFINE_FINAL_TYPE (ScimImportDialog, scim_import_dialog, SCIM_TYPE_EDIT_DIALOG)

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_grid_remove (GTK_GRID (box), child);
    }
}

static void
show_issues (ScimImportDialog *self,
             ScimImportReport *report)
{
  GPtrArray *lists[] = { report->refused, report->duplicates };
  guint shown = 0;

  clear_box (GTK_WIDGET (self->issues_list));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      for (guint i = 0; lists[l] != NULL && i < lists[l]->len && shown < 200; i++, shown++)
        {
          ScimImportIssue *issue = g_ptr_array_index (lists[l], i);
          g_autofree char *title = g_strdup_printf (_("Line %u"), issue->line);
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), issue->reason);
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                     gtk_image_new_from_icon_name (l == 0 ? "dialog-error-symbolic"
                                                                          : "edit-copy-symbolic"));
          gtk_list_box_append (self->issues_list, row);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->issues_group), shown > 0);
}

/* Preview */

static gpointer
preview_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return scim_store_preview_leads (store, data, PREVIEW_ROWS, cancellable, error);
}

static void on_mapping_changed_cb (AdwComboRow      *row,
                                   GParamSpec       *pspec,
                                   ScimImportDialog *self);

static void
on_preview_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScimImportDialog) self = user_data;
  g_autoptr(ScimImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *name = NULL;
  const char *labels[SCIM_LEAD_N_FIELDS + 1];

  report = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (report == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->mapping_group), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->preview_group), FALSE);
      return;
    }
  scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), NULL);

  name = g_file_get_basename (self->file);
  subtitle = g_strdup_printf (_("%s · %s · separator “%s”"), name, report->encoding,
                              report->delimiter == '\t' ? _("tab") : (char[]) { report->delimiter, '\0' });
  adw_action_row_set_subtitle (self->file_row, subtitle);

  for (guint i = 0; i < SCIM_LEAD_N_FIELDS; i++)
    labels[i] = scim_lead_field_get_label ((ScimLeadField) i);
  labels[SCIM_LEAD_N_FIELDS] = NULL;

  /* One row per column: its header and the field it fills. */
  for (guint i = 0; i < self->mapping_rows->len; i++)
    adw_preferences_group_remove (self->mapping_group, g_ptr_array_index (self->mapping_rows, i));
  g_ptr_array_set_size (self->mapping_rows, 0);
  for (guint i = 0; report->header != NULL && report->header[i] != NULL; i++)
    {
      AdwComboRow *row = scim_edit_dialog_add_choice (self->mapping_group, report->header[i], labels,
                                                      scim_lead_field_guess (report->header[i]));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_mapping_changed_cb), self, G_CONNECT_DEFAULT);
      g_ptr_array_add (self->mapping_rows, row);
    }

  clear_box (GTK_WIDGET (self->preview_grid));
  for (guint c = 0; report->header != NULL && report->header[c] != NULL; c++)
    {
      GtkWidget *label = gtk_label_new (report->header[c]);

      gtk_widget_add_css_class (label, "heading");
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_grid_attach (self->preview_grid, label, (int) c, 0, 1, 1);
    }
  for (guint r = 0; report->preview != NULL && r < report->preview->len; r++)
    {
      GStrv cells = g_ptr_array_index (report->preview, r);

      for (guint c = 0; cells[c] != NULL; c++)
        {
          GtkWidget *label = gtk_label_new (cells[c]);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
          gtk_grid_attach (self->preview_grid, label, (int) c, (int) r + 1, 1, 1);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_group), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_group), TRUE);
}

static void
clear_owners (ScimImportDialog *self)
{
  for (guint i = 0; i < self->owner_rows->len; i++)
    adw_preferences_group_remove (self->owners_group, g_ptr_array_index (self->owner_rows, i));
  g_ptr_array_set_size (self->owner_rows, 0);
  g_ptr_array_set_size (self->owner_keys, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->owners_group), FALSE);
  self->owners_checked = FALSE;
}

static void
on_mapping_changed_cb (AdwComboRow      *row,
                       GParamSpec       *pspec,
                       ScimImportDialog *self)
{
  /* Another column of owners, or none: ask again. */
  clear_owners (self);
}

/* The owners step: each name the file gives that is no user here, with
 * its row count and a choice of user. */
static void
show_owners (ScimImportDialog *self,
             ScimImportReport *report)
{
  clear_owners (self);
  for (guint i = 0; i < report->unknown_owners->len; i++)
    {
      ScimImportOwner *owner = g_ptr_array_index (report->unknown_owners, i);
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u lead", "%u leads", owner->rows),
                                                   owner->rows);
      /* The first choice is no one: say what that means here. */
      AdwComboRow *row = scim_edit_dialog_add_records_full (self->owners_group, owner->name, self->users,
                                                            "display-name", 0, _("Leave unassigned"));

      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_ptr_array_add (self->owner_rows, row);
      g_ptr_array_add (self->owner_keys, g_strdup (owner->key));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->owners_group), self->owner_rows->len > 0);
  self->owners_checked = TRUE;
}

/**
 * scim_import_dialog_set_file:
 * @self: a #ScimImportDialog
 * @file: the CSV file
 *
 * Reads the header and the first rows and proposes the mapping.
 */
void
scim_import_dialog_set_file (ScimImportDialog *self,
                             GFile            *file)
{
  g_return_if_fail (SCIM_IS_IMPORT_DIALOG (self));

  g_set_object (&self->file, file);
  g_clear_pointer (&self->last_report, scim_import_report_free);
  gtk_widget_set_visible (GTK_WIDGET (self->issues_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), FALSE);
  clear_owners (self);
  self->done = FALSE;
  scim_edit_dialog_set_editable (SCIM_EDIT_DIALOG (self), TRUE);
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), preview_thread, g_object_ref (file),
                        g_object_unref, NULL, on_preview_cb, g_object_ref (self));
}

static void
on_file_chosen_cb (GtkNativeDialog  *chooser,
                   int               response,
                   ScimImportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      scim_import_dialog_set_file (self, file);
    }
  g_object_unref (chooser);
}

static void
on_choose_clicked_cb (GtkButton        *button,
                      ScimImportDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Leads"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_pattern (csv, "*.txt");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Import */

typedef struct
{
  GFile            *file;
  ScimImportOptions options;
  ScimImportDialog *self;
} ImportJob;

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  g_object_unref (job->file);
  g_free (job->options.mapping);
  g_clear_pointer (&job->options.owner_map, g_hash_table_unref);
  g_free (job);
}

typedef struct
{
  GWeakRef dialog;
  double   fraction;
} Progress;

static gboolean
show_progress_cb (gpointer data)
{
  Progress *progress = data;
  g_autoptr(ScimImportDialog) self = g_weak_ref_get (&progress->dialog);

  if (self != NULL)
    gtk_progress_bar_set_fraction (self->progress_bar, progress->fraction);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_weak_ref_clear (&progress->dialog);
  g_free (progress);
}

static void
report_progress (double   fraction,
                 gpointer user_data)
{
  ImportJob *job = user_data;
  Progress *progress = g_new0 (Progress, 1);

  /* Called on the worker: hand the number to the main loop. */
  g_weak_ref_init (&progress->dialog, job->self);
  progress->fraction = fraction;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_progress_cb, progress, progress_free);
}

/* What an import gives back: the report, and the refusal when the file
 * was refused (the report then lists the bad lines). */
typedef struct
{
  ScimImportReport *report;
  GError           *refusal;
  gboolean          dry_run;
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  g_clear_pointer (&outcome->report, scim_import_report_free);
  g_clear_error (&outcome->refusal);
  g_free (outcome);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Outcome, outcome_free)

static gpointer
import_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  ImportJob *job = data;
  GError *local_error = NULL;
  Outcome *outcome;
  ScimImportReport *report;

  report = scim_store_import_leads (store, job->file, &job->options, cancellable, report_progress, job, &local_error);
  if (report == NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  outcome = g_new0 (Outcome, 1);
  outcome->report = report;
  outcome->refusal = local_error;
  outcome->dry_run = job->options.dry_run;
  return outcome;
}

static void
set_importing (ScimImportDialog *self,
               gboolean          importing)
{
  self->importing = importing;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_group), importing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mapping_group), !importing);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
}

static void start_import (ScimImportDialog *self,
                          gboolean          dry_run);

/* "5 leads imported; 2 updated; 3 unchanged; 1 duplicate skipped; 2 rows
 * refused": the parts that are not zero, the first always. */
static char *
summarize (const ScimImportReport *report)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  guint skipped = report->duplicates != NULL ? report->duplicates->len : 0;

  g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u lead imported", "%u leads imported",
                                                        report->created),
                                           report->created));
  if (report->updated > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u updated", "%u updated",
                                                          report->updated),
                                             report->updated));
  if (report->unchanged > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unchanged", "%u unchanged",
                                                          report->unchanged),
                                             report->unchanged));
  if (skipped > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u duplicate skipped",
                                                          "%u duplicates skipped", skipped),
                                             skipped));
  if (report->refused->len > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u row refused", "%u rows refused",
                                                          report->refused->len),
                                             report->refused->len));
  g_ptr_array_add (parts, NULL);
  /* Translators: joins the parts of an import's result: "5 leads imported; 2 updated". */
  return g_strjoinv (_("; "), (char **) parts->pdata);
}

static void
on_imported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScimImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Outcome) outcome = NULL;
  g_autofree char *message = NULL;
  ScimImportReport *report;
  gboolean dry_run;
  guint unassigned = 0;

  outcome = scim_store_run_finish (SCIM_STORE (source), result, &error);
  set_importing (self, FALSE);
  g_clear_object (&self->cancellable);

  if (outcome == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self),
                                  g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                                  g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED)
                                  ? _("Import cancelled: nothing was written.") : error->message);
      return;
    }
  report = outcome->report;
  dry_run = outcome->dry_run;
  g_clear_pointer (&self->last_report, scim_import_report_free);
  self->last_report = g_steal_pointer (&outcome->report);
  show_issues (self, report);
  if (outcome->refusal != NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), outcome->refusal->message);
      return;
    }

  if (dry_run)
    {
      /* The owners step, before anything is written. */
      show_owners (self, report);
      if (self->owner_rows->len == 0)
        {
          start_import (self, FALSE);
          return;
        }
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), NULL);
      gtk_widget_grab_focus (g_ptr_array_index (self->owner_rows, 0));
      return;
    }

  for (guint i = 0; i < report->unknown_owners->len; i++)
    unassigned += ((ScimImportOwner *) g_ptr_array_index (report->unknown_owners, i))->rows;
  message = summarize (report);
  g_signal_emit_by_name (self, "saved");

  if (report->refused->len == 0 && unassigned == 0)
    {
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
      GtkWidget *overlay = parent != NULL ? gtk_widget_get_first_child (GTK_WIDGET (parent)) : NULL;

      if (overlay != NULL && ADW_IS_TOAST_OVERLAY (overlay))
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  /* Something to read or to do: the summary stays, with the refused rows
   * to save and fix. */
  self->done = TRUE;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->summary_row), message);
  if (unassigned > 0)
    {
      g_autofree char *queue = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%u lead is unassigned, in the incoming queue, with "
                                                             "its owner’s name kept.",
                                                             "%u leads are unassigned, in the incoming queue, with "
                                                             "their owners’ names kept.",
                                                             unassigned),
                                                unassigned);
      adw_action_row_set_subtitle (self->summary_row, queue);
    }
  else
    adw_action_row_set_subtitle (self->summary_row, "");
  gtk_widget_set_visible (self->save_refused_button, scim_import_report_count_refused_cells (report) > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->owners_group), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mapping_group), FALSE);
  scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), NULL);
  scim_edit_dialog_set_editable (SCIM_EDIT_DIALOG (self), FALSE);
}

static gboolean
maps_owners (ScimImportDialog *self)
{
  for (guint i = 0; i < self->mapping_rows->len; i++)
    if (adw_combo_row_get_selected (g_ptr_array_index (self->mapping_rows, i)) == SCIM_LEAD_FIELD_OWNER)
      return TRUE;
  return FALSE;
}

static void
start_import (ScimImportDialog *self,
              gboolean          dry_run)
{
  ImportJob *job = g_new0 (ImportJob, 1);

  job->file = g_object_ref (self->file);
  job->self = self;
  job->options.n_columns = self->mapping_rows->len;
  job->options.mapping = g_new0 (ScimLeadField, MAX (1, job->options.n_columns));
  for (guint i = 0; i < self->mapping_rows->len; i++)
    job->options.mapping[i] = (ScimLeadField) adw_combo_row_get_selected (g_ptr_array_index (self->mapping_rows, i));
  job->options.skip_bad = gtk_switch_get_active (self->skip_bad_switch);
  job->options.keep_duplicates = gtk_switch_get_active (self->duplicates_switch);
  job->options.dry_run = dry_run;
  if (self->owner_rows->len > 0)
    {
      job->options.owner_map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i < self->owner_rows->len; i++)
        {
          gint64 id = scim_edit_dialog_get_record_id (g_ptr_array_index (self->owner_rows, i));

          g_hash_table_insert (job->options.owner_map, g_strdup (g_ptr_array_index (self->owner_keys, i)),
                               g_memdup2 (&id, sizeof id));
        }
    }

  scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), NULL);
  set_importing (self, TRUE);
  self->cancellable = g_cancellable_new ();
  scim_store_run_async (scim_edit_dialog_get_store (SCIM_EDIT_DIALOG (self)), import_thread, job, import_job_free,
                        self->cancellable, on_imported_cb, g_object_ref (self));
}

static void
scim_import_dialog_save (ScimEditDialog *dialog)
{
  ScimImportDialog *self = SCIM_IMPORT_DIALOG (dialog);

  if (self->importing || self->done)
    return;
  if (self->file == NULL)
    {
      scim_edit_dialog_set_error (dialog, _("File: choose the CSV file to import."));
      return;
    }
  /* Owners are settled before anything is written. */
  start_import (self, maps_owners (self) && !self->owners_checked);
}

/* Refused rows */

/**
 * scim_import_dialog_write_refused:
 * @self: a #ScimImportDialog after an import
 * @file: where to write
 * @error: return location for an error
 *
 * Writes the refused rows under the file's header, as the "Save Refused
 * Rows…" button does.
 *
 * Returns: whether the file was written
 */
gboolean
scim_import_dialog_write_refused (ScimImportDialog *self,
                                  GFile            *file,
                                  GError          **error)
{
  g_autoptr(GFileOutputStream) out = NULL;

  g_return_val_if_fail (SCIM_IS_IMPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (self->last_report != NULL, FALSE);

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  return out != NULL && scim_import_report_write_refused (self->last_report, G_OUTPUT_STREAM (out), NULL, error) &&
         g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static void
on_refused_chosen_cb (GtkNativeDialog  *chooser,
                      int               response,
                      ScimImportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;

      if (scim_import_dialog_write_refused (self, file, &error))
        scim_edit_dialog_toast (SCIM_EDIT_DIALOG (self), _("Refused rows saved: fix them and import that file."));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Cannot save the refused rows: %s"), error->message);

          scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), message);
        }
    }
  g_object_unref (chooser);
}

static void
on_save_refused_clicked_cb (GtkButton        *button,
                            ScimImportDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  char *dot;

  chooser = gtk_file_chooser_native_new (_("Save Refused Rows"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  base = self->file != NULL ? g_file_get_basename (self->file) : g_strdup ("leads.csv");
  if ((dot = strrchr (base, '.')) != NULL)
    *dot = '\0';
  /* Translators: the file name offered for the refused rows of "leads.csv". */
  name = g_strdup_printf (_("%s-refused.csv"), base);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_refused_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_cancel_import_clicked_cb (GtkButton        *button,
                             ScimImportDialog *self)
{
  g_cancellable_cancel (self->cancellable);
}

static void
scim_import_dialog_dispose (GObject *object)
{
  ScimImportDialog *self = SCIM_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_pointer (&self->mapping_rows, g_ptr_array_unref);
  g_clear_pointer (&self->owner_rows, g_ptr_array_unref);
  g_clear_pointer (&self->owner_keys, g_ptr_array_unref);
  g_clear_object (&self->users);
  g_clear_pointer (&self->last_report, scim_import_report_free);

  G_OBJECT_CLASS (scim_import_dialog_parent_class)->dispose (object);
}

static void
scim_import_dialog_class_init (ScimImportDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = scim_import_dialog_dispose;
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_import_dialog_save;
}

static void
scim_import_dialog_init (ScimImportDialog *self)
{
  self->mapping_rows = g_ptr_array_new ();
  self->owner_rows = g_ptr_array_new ();
  self->owner_keys = g_ptr_array_new_with_free_func (g_free);
}

/**
 * scim_import_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @users: (element-type ScimUser): who may take the leads of owners who
 *   are no users here
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimImportDialog *
scim_import_dialog_new (GtkWindow  *parent,
                        ScimStore  *store,
                        GListModel *users)
{
  ScimImportDialog *self = g_object_new (SCIM_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *file_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *options = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *choose, *cancel, *box, *scroller;

  scim_edit_dialog_set_store (dialog, store);
  self->users = g_object_ref (users);
  gtk_window_set_title (GTK_WINDOW (self), _("Import Leads"));
  scim_edit_dialog_set_save_label (dialog, _("_Import"));
  gtk_window_set_default_size (GTK_WINDOW (self), 720, 760);

  adw_preferences_group_set_description (file_group,
                                         _("A CSV file in UTF-8 or Windows-1251, separated by commas, semicolons or "
                                           "tabs, with a header row, such as an export of Bitrix24, amoCRM, "
                                           "Pipedrive or HubSpot. Leads imported before are updated, not added "
                                           "again."));
  self->file_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), _("File"));
  adw_action_row_set_subtitle (self->file_row, _("No file chosen"));
  choose = gtk_button_new_with_mnemonic (_("_Choose…"));
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  g_signal_connect_object (choose, "clicked", G_CALLBACK (on_choose_clicked_cb), self, G_CONNECT_DEFAULT);
  adw_action_row_add_suffix (self->file_row, choose);
  adw_preferences_group_add (file_group, GTK_WIDGET (self->file_row));
  scim_edit_dialog_add_group (dialog, file_group);

  self->progress_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->progress_bar), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Import progress"), -1);
  cancel = gtk_button_new_with_mnemonic (_("Stop _Import"));
  g_signal_connect_object (cancel, "clicked", G_CALLBACK (on_cancel_import_clicked_cb), self, G_CONNECT_DEFAULT);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress_bar));
  gtk_box_append (GTK_BOX (box), cancel);
  adw_preferences_group_add (self->progress_group, box);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_group), FALSE);
  scim_edit_dialog_add_group (dialog, self->progress_group);

  self->summary_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->summary_group, _("Imported"));
  self->summary_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->summary_row), FALSE);
  adw_action_row_add_prefix (self->summary_row, gtk_image_new_from_icon_name ("emblem-ok-symbolic"));
  self->save_refused_button = gtk_button_new_with_mnemonic (_("Save _Refused Rows…"));
  gtk_widget_set_valign (self->save_refused_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->save_refused_button,
                               _("Save the rows that were not imported under the file’s header, to fix and "
                                 "import again"));
  g_signal_connect_object (self->save_refused_button, "clicked", G_CALLBACK (on_save_refused_clicked_cb), self,
                           G_CONNECT_DEFAULT);
  adw_action_row_add_suffix (self->summary_row, self->save_refused_button);
  adw_preferences_group_add (self->summary_group, GTK_WIDGET (self->summary_row));
  gtk_widget_set_visible (GTK_WIDGET (self->summary_group), FALSE);
  scim_edit_dialog_add_group (dialog, self->summary_group);

  self->owners_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->owners_group, _("Owners Who Are Not Users Here"));
  adw_preferences_group_set_description (self->owners_group,
                                         _("Choose who takes the leads of each, then import. Leads left unassigned "
                                           "go to the incoming queue, with the owner’s name kept."));
  gtk_widget_set_visible (GTK_WIDGET (self->owners_group), FALSE);
  scim_edit_dialog_add_group (dialog, self->owners_group);

  self->issues_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->issues_group, _("Lines Not Imported"));
  self->issues_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->issues_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->issues_list), "boxed-list");
  adw_preferences_group_add (self->issues_group, GTK_WIDGET (self->issues_list));
  gtk_widget_set_visible (GTK_WIDGET (self->issues_group), FALSE);
  scim_edit_dialog_add_group (dialog, self->issues_group);

  adw_preferences_group_set_title (options, _("Options"));
  self->skip_bad_switch = scim_edit_dialog_add_switch (options, _("_Skip unreadable rows"),
                                                       _("Import the good rows and list the others; off: import "
                                                         "nothing when a row cannot be read"), TRUE);
  self->duplicates_switch = scim_edit_dialog_add_switch (options, _("Import _duplicates too"),
                                                         _("Leads with the e-mail, phone or tax id of an existing "
                                                           "lead or client are skipped otherwise"), FALSE);
  scim_edit_dialog_add_group (dialog, options);

  self->mapping_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->mapping_group, _("Columns"));
  adw_preferences_group_set_description (self->mapping_group, _("Which lead field each column of the file fills"));
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_group), FALSE);
  scim_edit_dialog_add_group (dialog, self->mapping_group);

  self->preview_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->preview_group, _("First Rows"));
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  self->preview_grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->preview_grid, 18);
  gtk_grid_set_row_spacing (self->preview_grid, 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->preview_grid));
  adw_preferences_group_add (self->preview_group, scroller);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_group), FALSE);
  scim_edit_dialog_add_group (dialog, self->preview_group);

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

gboolean
scim_import_dialog_get_importing (ScimImportDialog *self)
{
  g_return_val_if_fail (SCIM_IS_IMPORT_DIALOG (self), FALSE);
  return self->importing;
}

guint
scim_import_dialog_get_n_columns (ScimImportDialog *self)
{
  g_return_val_if_fail (SCIM_IS_IMPORT_DIALOG (self), 0);
  return self->mapping_rows->len;
}

guint
scim_import_dialog_get_n_owners (ScimImportDialog *self)
{
  g_return_val_if_fail (SCIM_IS_IMPORT_DIALOG (self), 0);
  return self->owner_rows->len;
}

AdwComboRow *
scim_import_dialog_get_owner_row (ScimImportDialog *self,
                                  guint             index)
{
  g_return_val_if_fail (SCIM_IS_IMPORT_DIALOG (self), NULL);
  g_return_val_if_fail (index < self->owner_rows->len, NULL);
  return g_ptr_array_index (self->owner_rows, index);
}

const ScimImportReport *
scim_import_dialog_get_report (ScimImportDialog *self)
{
  g_return_val_if_fail (SCIM_IS_IMPORT_DIALOG (self), NULL);
  return self->last_report;
}

gboolean
scim_import_dialog_get_done (ScimImportDialog *self)
{
  g_return_val_if_fail (SCIM_IS_IMPORT_DIALOG (self), FALSE);
  return self->done;
}
