/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-leads-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-leads-page.h"
#include "scim-record-table.h"

/* The Leads module: every lead in a lazy table, searched and filtered by
 * state in SQL, so it stays fast with 150,000 leads. */

struct _ScimLeadsPage
{
  GtkWidget           parent_instance;

  ScimRecordTable *table;
};

G_DEFINE_FINAL_TYPE (ScimLeadsPage, scim_leads_page, GTK_TYPE_WIDGET)

static char *
count_leads (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u lead", "%'u leads", n), n);
}

static void
on_record_activated_cb (ScimRecordTable *table,
                        ScimRecord      *record,
                        ScimLeadsPage  *self)
{
  /* The record windows (sale, lead card) come with their modules. */
  g_debug ("Activated record %" G_GINT64_FORMAT, scim_record_get_id (record));
}

static void
scim_leads_page_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), SCIM_TYPE_LEADS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (scim_leads_page_parent_class)->dispose (object);
}

static void
scim_leads_page_class_init (ScimLeadsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_leads_page_dispose;

  g_type_ensure (SCIM_TYPE_RECORD_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-leads-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimLeadsPage, table);
  gtk_widget_class_bind_template_callback (widget_class, on_record_activated_cb);
}

static void
scim_leads_page_init (ScimLeadsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  static const char * const labels[] = { N_("All states"), N_("New"), N_("Accepted"), N_("Rejected"), NULL };
  static const char * const states[] = { "", "new", "accepted", "rejected", NULL };
  const char *translated[G_N_ELEMENTS (labels)];

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    translated[i] = labels[i] != NULL ? _(labels[i]) : NULL;

  scim_record_table_set_kind (self->table, SCIM_LIST_LEADS);
  scim_record_table_set_texts (self->table, _("Search name, company, phone, e-mail"),
                               _("No leads"), _("No lead matches the search and the filter."));
  scim_record_table_set_count_func (self->table, count_leads);
  scim_record_table_set_states (self->table, translated, states, 0);
  scim_record_table_add_column (self->table, _("Received"), "received-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->table, _("Name"), "name", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Company"), "company", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Phone"), "phone", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("E-mail"), "email", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Source"), "source", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Product"), "product", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("State"), "state", SCIM_CELL_STATE, FALSE);
  scim_record_table_add_column (self->table, _("Salesperson"), "owner", SCIM_CELL_TEXT, FALSE);
}

void
scim_leads_page_set_store (ScimLeadsPage *self,
                                ScimStore   *store)
{
  g_return_if_fail (SCIM_IS_LEADS_PAGE (self));
  scim_record_table_set_store (self->table, store);
}

/**
 * scim_leads_page_get_model:
 * @self: a #ScimLeadsPage
 *
 * Returns: (transfer none) (nullable): the rows shown
 */
GListModel *
scim_leads_page_get_model (ScimLeadsPage *self)
{
  g_return_val_if_fail (SCIM_IS_LEADS_PAGE (self), NULL);
  return scim_record_table_get_model (self->table);
}
