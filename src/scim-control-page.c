/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-control-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-control-page.h"
#include "scim-record-table.h"

/* The Plan & control module: the tasks of every plan, as the head of sales
 * controls them daily. */

struct _ScimControlPage
{
  GtkWidget           parent_instance;

  ScimRecordTable *table;
  GtkToggleButton *mine_button;
  ScimStore       *store;
};

G_DEFINE_FINAL_TYPE (ScimControlPage, scim_control_page, GTK_TYPE_WIDGET)

static char *
count_tasks (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u task", "%'u tasks", n), n);
}

static void
adjust_query (ScimQuery *query,
              gpointer   user_data)
{
  ScimControlPage *self = user_data;

  if (self->store != NULL && gtk_toggle_button_get_active (self->mine_button))
    query->owner_id = scim_store_get_user_id (self->store);
}

static void
on_mine_toggled_cb (GtkToggleButton *button,
                    ScimControlPage *self)
{
  scim_record_table_refilter (self->table);
}

static void
on_record_activated_cb (ScimRecordTable *table,
                        ScimRecord      *record,
                        ScimControlPage *self)
{
  /* The record windows (sale, lead card) come with their modules. */
  g_debug ("Activated record %" G_GINT64_FORMAT, scim_record_get_id (record));
}

static void
scim_control_page_dispose (GObject *object)
{
  GtkWidget *child;
  ScimControlPage *self = (ScimControlPage *) object;

  gtk_widget_dispose_template (GTK_WIDGET (object), SCIM_TYPE_CONTROL_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (scim_control_page_parent_class)->dispose (object);
}

static void
scim_control_page_class_init (ScimControlPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_control_page_dispose;

  g_type_ensure (SCIM_TYPE_RECORD_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-control-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimControlPage, table);
  gtk_widget_class_bind_template_callback (widget_class, on_record_activated_cb);
}

static void
scim_control_page_init (ScimControlPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  static const char * const labels[] = { N_("Open tasks"), N_("Done"), N_("Failed"), N_("Cancelled"), N_("All tasks"), NULL };
  static const char * const states[] = { "planned", "done", "failed", "cancelled", "", NULL };
  const char *translated[G_N_ELEMENTS (labels)];
  GtkWidget *mine;

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    translated[i] = labels[i] != NULL ? _(labels[i]) : NULL;

  scim_record_table_set_kind (self->table, SCIM_LIST_TASKS);
  scim_record_table_set_texts (self->table, _("Search tasks and results"),
                               _("No tasks"), _("No task matches the filter."));
  scim_record_table_set_count_func (self->table, count_tasks);
  scim_record_table_set_states (self->table, translated, states, 0);
  scim_record_table_set_adjust_func (self->table, adjust_query, self);

  mine = gtk_toggle_button_new_with_label (_("Only mine"));
  gtk_widget_set_tooltip_text (mine, _("Show only my tasks"));
  g_signal_connect_object (mine, "toggled", G_CALLBACK (on_mine_toggled_cb), self, G_CONNECT_DEFAULT);
  self->mine_button = GTK_TOGGLE_BUTTON (mine);
  scim_record_table_add_tool (self->table, mine);

  scim_record_table_add_column (self->table, _("Due"), "due-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->table, _("Task"), "title", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Client"), "client", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Product"), "product", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Stage"), "sale-stage", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Owner"), "owner", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("State"), "state", SCIM_CELL_STATE, FALSE);
  scim_record_table_add_column (self->table, _("Result"), "result", SCIM_CELL_TEXT, TRUE);
}

void
scim_control_page_set_store (ScimControlPage *self,
                                  ScimStore     *store)
{
  g_return_if_fail (SCIM_IS_CONTROL_PAGE (self));

  /* A salesperson starts with their own tasks; the head with everyone's. */
  if (store != NULL)
    {
      ScimRole role = scim_store_get_user_role (store);

      g_signal_handlers_block_by_func (self->mine_button, on_mine_toggled_cb, self);
      gtk_toggle_button_set_active (self->mine_button, role == SCIM_ROLE_SALES);
      g_signal_handlers_unblock_by_func (self->mine_button, on_mine_toggled_cb, self);
    }
  g_set_object (&self->store, store);
  scim_record_table_set_store (self->table, store);
}

/**
 * scim_control_page_get_model:
 * @self: a #ScimControlPage
 *
 * Returns: (transfer none) (nullable): the rows shown
 */
GListModel *
scim_control_page_get_model (ScimControlPage *self)
{
  g_return_val_if_fail (SCIM_IS_CONTROL_PAGE (self), NULL);
  return scim_record_table_get_model (self->table);
}
