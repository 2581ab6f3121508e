/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-conflict-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-conflict-dialog.h"

/* When a save finds the record saved by someone else since it was opened:
 * who and when, then each field that differs with both versions side by
 * side, one of the two chosen.  A field only one side changed comes chosen
 * that side's way; where both changed it, mine comes chosen and the row is
 * marked.  Merge writes the choices, Keep Mine writes mine over theirs,
 * Take Theirs drops mine; Back to Editing keeps everything typed. */

typedef struct
{
  char           *key;
  GtkCheckButton *mine;
  GtkCheckButton *theirs;
  ScimMergeKind   kind;
} Row;

struct _ScimConflictDialog
{
  AdwMessageDialog parent_instance;

  GtkGrid         *grid;
  GArray          *rows;
  guint            n_collisions;
  char            *who;
  char            *when;
};

G_DEFINE_FINAL_TYPE (ScimConflictDialog, scim_conflict_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->key);
}

static void
update_body (ScimConflictDialog *self)
{
  g_autofree char *body = NULL;

  if (self->n_collisions == 0)
    /* Translators: the first %s is a person, the second a date and time. */
    body = g_strdup_printf (_("%s saved this record at %s, after you opened it. No field was changed by both of "
                              "you: Merge keeps your changes and theirs."), self->who, self->when);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s saved this record at %s, after you opened it. You both changed %u "
                                         "field: choose which version to keep.",
                                         "%s saved this record at %s, after you opened it. You both changed %u "
                                         "fields: choose which version to keep.",
                                         self->n_collisions),
                            self->who, self->when, self->n_collisions);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
}

static void
scim_conflict_dialog_finalize (GObject *object)
{
  ScimConflictDialog *self = SCIM_CONFLICT_DIALOG (object);

  g_array_unref (self->rows);
  g_free (self->who);
  g_free (self->when);
  G_OBJECT_CLASS (scim_conflict_dialog_parent_class)->finalize (object);
}

static void
scim_conflict_dialog_class_init (ScimConflictDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = scim_conflict_dialog_finalize;
}

static GtkWidget *
header (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
scim_conflict_dialog_init (ScimConflictDialog *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, row_clear);

  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->grid, 12);
  gtk_grid_set_row_spacing (self->grid, 6);
  gtk_grid_attach (self->grid, header (_("Field")), 0, 0, 1, 1);
  gtk_grid_attach (self->grid, header (_("Yours")), 1, 0, 1, 1);
  gtk_grid_attach (self->grid, header (_("Theirs")), 2, 0, 1, 1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->grid));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), scroller);

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Changed by Someone Else"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Back to Editing"),
                                    SCIM_CONFLICT_THEIRS, _("_Take Theirs"),
                                    SCIM_CONFLICT_MINE, _("_Keep Mine"),
                                    SCIM_CONFLICT_MERGE, _("_Merge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), SCIM_CONFLICT_MERGE,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), SCIM_CONFLICT_MERGE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
}

/**
 * scim_conflict_dialog_new:
 * @parent: the editing window
 * @who: (nullable): who saved in between, as people read the name
 * @at: when, UTC seconds (0: unknown)
 *
 * Returns: (transfer none): the dialog, not shown; add the fields, then present it
 */
ScimConflictDialog *
scim_conflict_dialog_new (GtkWindow  *parent,
                          const char *who,
                          gint64      at)
{
  ScimConflictDialog *self = g_object_new (SCIM_TYPE_CONFLICT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

  self->who = g_strdup (who != NULL ? who : _("Someone"));
  self->when = at > 0 ? scim_format_date_time (at) : g_strdup (_("an unknown time"));
  update_body (self);
  return self;
}

static GtkWidget *
choice (const char     *text,
        GtkCheckButton *group)
{
  GtkWidget *button = gtk_check_button_new_with_label (text[0] != '\0' ? text : _("(empty)"));
  GtkWidget *label = gtk_widget_get_last_child (button);

  if (GTK_IS_LABEL (label))
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
    }
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (button), group);
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  return button;
}

/**
 * scim_conflict_dialog_add_field:
 * @self: a #ScimConflictDialog
 * @key: the field's key
 * @label: the translated name of the field
 * @mine: my value as people read it
 * @theirs: theirs
 * @kind: how it merges; %SCIM_MERGE_SAME fields are not shown
 */
void
scim_conflict_dialog_add_field (ScimConflictDialog *self,
                                const char         *key,
                                const char         *label,
                                const char         *mine,
                                const char         *theirs,
                                ScimMergeKind       kind)
{
  GtkWidget *name, *mine_button, *theirs_button;
  int line = (int) self->rows->len + 1;
  Row row = { 0 };

  g_return_if_fail (SCIM_IS_CONFLICT_DIALOG (self));
  if (kind == SCIM_MERGE_SAME)
    return;

  name = gtk_label_new (label);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_set_valign (name, GTK_ALIGN_START);
  if (kind == SCIM_MERGE_COLLISION)
    {
      /* Both changed it: the name says so, not only a colour. */
      g_autofree char *marked = g_strdup_printf (_("%s (both changed)"), label);

      gtk_label_set_label (GTK_LABEL (name), marked);
      gtk_widget_add_css_class (name, "warning");
      self->n_collisions++;
    }
  else
    gtk_widget_add_css_class (name, "dim-label");

  mine_button = choice (mine, NULL);
  theirs_button = choice (theirs, GTK_CHECK_BUTTON (mine_button));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (kind == SCIM_MERGE_THEIRS ? theirs_button : mine_button), TRUE);
  {
    g_autofree char *mine_name = g_strdup_printf (_("%s: yours"), label);
    g_autofree char *theirs_name = g_strdup_printf (_("%s: theirs"), label);

    gtk_accessible_update_property (GTK_ACCESSIBLE (mine_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, mine_name, -1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (theirs_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    theirs_name, -1);
  }
  gtk_grid_attach (self->grid, name, 0, line, 1, 1);
  gtk_grid_attach (self->grid, mine_button, 1, line, 1, 1);
  gtk_grid_attach (self->grid, theirs_button, 2, line, 1, 1);

  row.key = g_strdup (key);
  row.mine = GTK_CHECK_BUTTON (mine_button);
  row.theirs = GTK_CHECK_BUTTON (theirs_button);
  row.kind = kind;
  g_array_append_val (self->rows, row);
  update_body (self);
}

guint
scim_conflict_dialog_get_n_fields (ScimConflictDialog *self)
{
  g_return_val_if_fail (SCIM_IS_CONFLICT_DIALOG (self), 0);
  return self->rows->len;
}

guint
scim_conflict_dialog_get_n_collisions (ScimConflictDialog *self)
{
  g_return_val_if_fail (SCIM_IS_CONFLICT_DIALOG (self), 0);
  return self->n_collisions;
}

static Row *
find_row (ScimConflictDialog *self,
          const char         *key)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (g_str_equal (g_array_index (self->rows, Row, i).key, key))
      return &g_array_index (self->rows, Row, i);
  return NULL;
}

/**
 * scim_conflict_dialog_takes_theirs:
 * @self: a #ScimConflictDialog
 * @key: a field
 *
 * Returns: whether the merge takes their value of @key (as chosen now)
 */
gboolean
scim_conflict_dialog_takes_theirs (ScimConflictDialog *self,
                                   const char         *key)
{
  Row *row;

  g_return_val_if_fail (SCIM_IS_CONFLICT_DIALOG (self), FALSE);
  row = find_row (self, key);
  return row != NULL && gtk_check_button_get_active (row->theirs);
}

/* Chooses a side as a click on it does (for tests and keyboard paths). */
void
scim_conflict_dialog_choose (ScimConflictDialog *self,
                             const char         *key,
                             gboolean            theirs)
{
  Row *row;

  g_return_if_fail (SCIM_IS_CONFLICT_DIALOG (self));
  row = find_row (self, key);
  g_return_if_fail (row != NULL);
  gtk_check_button_set_active (theirs ? row->theirs : row->mine, TRUE);
}
