/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-book-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-book-page.h"
#include "scim-record-table.h"

/* The Sales book module: key events of all sales, newest first. */

struct _ScimBookPage
{
  GtkWidget           parent_instance;

  ScimRecordTable *table;
};

G_DEFINE_FINAL_TYPE (ScimBookPage, scim_book_page, GTK_TYPE_WIDGET)

static char *
count_events (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u event", "%'u events", n), n);
}

static void
on_record_activated_cb (ScimRecordTable *table,
                        ScimRecord      *record,
                        ScimBookPage   *self)
{
  /* The record windows (sale, lead card) come with their modules. */
  g_debug ("Activated record %" G_GINT64_FORMAT, scim_record_get_id (record));
}

static void
scim_book_page_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), SCIM_TYPE_BOOK_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (scim_book_page_parent_class)->dispose (object);
}

static void
scim_book_page_class_init (ScimBookPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_book_page_dispose;

  g_type_ensure (SCIM_TYPE_RECORD_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-book-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimBookPage, table);
  gtk_widget_class_bind_template_callback (widget_class, on_record_activated_cb);
}

static void
scim_book_page_init (ScimBookPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  scim_record_table_set_kind (self->table, SCIM_LIST_EVENTS);
  scim_record_table_set_texts (self->table, _("Search titles and texts"),
                               _("No events"), _("Key events of sales appear here as salespeople write them."));
  scim_record_table_set_count_func (self->table, count_events);
  scim_record_table_add_column (self->table, _("When"), "at", SCIM_CELL_DATE_TIME, FALSE);
  scim_record_table_add_column (self->table, _("Kind"), "kind", SCIM_CELL_EVENT_KIND, FALSE);
  scim_record_table_add_column (self->table, _("Event"), "title", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Client"), "client", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Product"), "product", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Author"), "author", SCIM_CELL_TEXT, FALSE);
}

void
scim_book_page_set_store (ScimBookPage *self,
                               ScimStore   *store)
{
  g_return_if_fail (SCIM_IS_BOOK_PAGE (self));
  scim_record_table_set_store (self->table, store);
}

/**
 * scim_book_page_get_model:
 * @self: a #ScimBookPage
 *
 * Returns: (transfer none) (nullable): the rows shown
 */
GListModel *
scim_book_page_get_model (ScimBookPage *self)
{
  g_return_val_if_fail (SCIM_IS_BOOK_PAGE (self), NULL);
  return scim_record_table_get_model (self->table);
}
