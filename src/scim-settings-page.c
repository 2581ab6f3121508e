/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-settings-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-record-table.h"
#include "scim-settings-page.h"

/* The Settings module: clients, target audiences, products with their
 * funnels, and users. */

struct _ScimSettingsPage
{
  GtkWidget           parent_instance;

  GtkStack        *stack;
  ScimRecordTable *audiences_table;
  ScimRecordTable *clients_table;
  ScimRecordTable *products_table;
  ScimRecordTable *users_table;
};

G_DEFINE_FINAL_TYPE (ScimSettingsPage, scim_settings_page, GTK_TYPE_WIDGET)

static char *
count_clients (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u client", "%'u clients", n), n);
}

static char *
count_audiences (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u audience", "%'u audiences", n), n);
}

static char *
count_products (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u product", "%'u products", n), n);
}

static char *
count_users (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u user", "%'u users", n), n);
}

static void
scim_settings_page_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), SCIM_TYPE_SETTINGS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (scim_settings_page_parent_class)->dispose (object);
}

static void
scim_settings_page_class_init (ScimSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_settings_page_dispose;

  g_type_ensure (SCIM_TYPE_RECORD_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-settings-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimSettingsPage, audiences_table);
  gtk_widget_class_bind_template_child (widget_class, ScimSettingsPage, clients_table);
  gtk_widget_class_bind_template_child (widget_class, ScimSettingsPage, products_table);
  gtk_widget_class_bind_template_child (widget_class, ScimSettingsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ScimSettingsPage, users_table);
}

static void
scim_settings_page_init (ScimSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  scim_record_table_set_kind (self->clients_table, SCIM_LIST_CLIENTS);
  scim_record_table_set_texts (self->clients_table, _("Search name, tax id, phone, e-mail"),
                               _("No clients"), _("No client matches the search."));
  scim_record_table_set_count_func (self->clients_table, count_clients);
  scim_record_table_add_column (self->clients_table, _("Client"), "name", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->clients_table, _("Tax id"), "tax-id", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->clients_table, _("Phones"), "phones", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->clients_table, _("E-mails"), "emails", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->clients_table, _("Target audience"), "audience", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->clients_table, _("Client manager"), "manager", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->clients_table, _("Sales"), "sale-count", SCIM_CELL_NUMBER, FALSE);

  scim_record_table_set_kind (self->audiences_table, SCIM_LIST_AUDIENCES);
  scim_record_table_set_texts (self->audiences_table, _("Search target audiences"),
                               _("No target audiences"), NULL);
  scim_record_table_set_count_func (self->audiences_table, count_audiences);
  scim_record_table_add_column (self->audiences_table, _("Target audience"), "name", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->audiences_table, _("Description"), "description", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->audiences_table, _("Clients"), "client-count", SCIM_CELL_NUMBER, FALSE);

  scim_record_table_set_kind (self->products_table, SCIM_LIST_PRODUCTS);
  scim_record_table_set_texts (self->products_table, _("Search products"), _("No products"), NULL);
  scim_record_table_set_count_func (self->products_table, count_products);
  scim_record_table_add_column (self->products_table, _("Product"), "name", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->products_table, _("Target audience"), "audience", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->products_table, _("Product manager"), "manager", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->products_table, _("Stages"), "stage-count", SCIM_CELL_NUMBER, FALSE);
  scim_record_table_add_column (self->products_table, _("Sales"), "sale-count", SCIM_CELL_NUMBER, FALSE);
  scim_record_table_add_column (self->products_table, _("Active"), "active", SCIM_CELL_YES_NO, FALSE);

  scim_record_table_set_kind (self->users_table, SCIM_LIST_USERS);
  scim_record_table_set_texts (self->users_table, _("Search login, name, e-mail"), _("No users"), NULL);
  scim_record_table_set_count_func (self->users_table, count_users);
  scim_record_table_add_column (self->users_table, _("Login"), "login", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->users_table, _("Full name"), "full-name", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->users_table, _("Role"), "role", SCIM_CELL_ROLE, FALSE);
  scim_record_table_add_column (self->users_table, _("E-mail"), "email", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->users_table, _("Accepts leads"), "may-accept", SCIM_CELL_YES_NO, FALSE);
  scim_record_table_add_column (self->users_table, _("Active"), "active", SCIM_CELL_YES_NO, FALSE);
}

void
scim_settings_page_set_store (ScimSettingsPage *self,
                              ScimStore        *store)
{
  g_return_if_fail (SCIM_IS_SETTINGS_PAGE (self));

  scim_record_table_set_store (self->clients_table, store);
  scim_record_table_set_store (self->audiences_table, store);
  scim_record_table_set_store (self->products_table, store);
  scim_record_table_set_store (self->users_table, store);
}

/**
 * scim_settings_page_get_model:
 * @self: a #ScimSettingsPage
 *
 * Returns: (transfer none) (nullable): the users
 */
GListModel *
scim_settings_page_get_model (ScimSettingsPage *self)
{
  g_return_val_if_fail (SCIM_IS_SETTINGS_PAGE (self), NULL);
  return scim_record_table_get_model (self->users_table);
}
