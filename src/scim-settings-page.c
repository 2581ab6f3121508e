/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-settings-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-audience-dialog.h"
#include "scim-client-dialog.h"
#include "scim-product-dialog.h"
#include "scim-record-table.h"
#include "scim-settings-page.h"
#include "scim-user-dialog.h"

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
  GtkLabel        *read_only_label;
  GtkWidget       *add_client_button;
  GtkWidget       *add_audience_button;
  GtkWidget       *add_product_button;
  GtkWidget       *add_user_button;

  ScimStore       *store;
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

static GtkWindow *
parent_window (ScimSettingsPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static ScimRole
role (ScimSettingsPage *self)
{
  return self->store != NULL ? scim_store_get_user_role (self->store) : SCIM_ROLE_SALES;
}

static GListModel *
model_of (ScimRecordTable *table)
{
  return scim_record_table_get_model (table);
}

static gboolean
may_edit_client (ScimSettingsPage *self,
                 ScimRecord       *client)
{
  ScimRole have = role (self);

  /* Heads and admins edit every client; a salesperson the clients they manage. */
  if (have >= SCIM_ROLE_HEAD || client == NULL)
    return TRUE;
  return scim_record_get_int (client, "manager-id") == scim_store_get_user_id (self->store);
}

static void
open_client (ScimSettingsPage *self,
             ScimRecord       *client)
{
  scim_client_dialog_new (parent_window (self), self->store, client, model_of (self->audiences_table),
                          model_of (self->users_table), may_edit_client (self, client));
}

static void
open_audience (ScimSettingsPage *self,
               ScimRecord       *audience)
{
  scim_audience_dialog_new (parent_window (self), self->store, audience, model_of (self->audiences_table),
                            role (self) == SCIM_ROLE_ADMIN);
}

/**
 * scim_settings_page_open_product:
 * @self: a #ScimSettingsPage
 * @product: (nullable): a product, or %NULL for a new one
 *
 * Returns: (transfer none): the product dialog
 */
GtkWidget *
scim_settings_page_open_product (ScimSettingsPage *self,
                                 ScimRecord       *product)
{
  return GTK_WIDGET (scim_product_dialog_new (parent_window (self), self->store, product,
                                              model_of (self->audiences_table), model_of (self->users_table),
                                              model_of (self->products_table), role (self) == SCIM_ROLE_ADMIN));
}

static void
open_user (ScimSettingsPage *self,
           ScimRecord       *user)
{
  scim_user_dialog_new (parent_window (self), self->store, user, role (self) == SCIM_ROLE_ADMIN);
}

static void
on_client_activated_cb (ScimRecordTable  *table,
                        ScimRecord       *record,
                        ScimSettingsPage *self)
{
  open_client (self, record);
}

static void
on_audience_activated_cb (ScimRecordTable  *table,
                          ScimRecord       *record,
                          ScimSettingsPage *self)
{
  open_audience (self, record);
}

static void
on_product_activated_cb (ScimRecordTable  *table,
                         ScimRecord       *record,
                         ScimSettingsPage *self)
{
  scim_settings_page_open_product (self, record);
}

static void
on_user_activated_cb (ScimRecordTable  *table,
                      ScimRecord       *record,
                      ScimSettingsPage *self)
{
  open_user (self, record);
}

static void
on_add_client_cb (GtkButton        *button,
                  ScimSettingsPage *self)
{
  open_client (self, NULL);
}

static void
on_add_audience_cb (GtkButton        *button,
                    ScimSettingsPage *self)
{
  open_audience (self, NULL);
}

static void
on_add_product_cb (GtkButton        *button,
                   ScimSettingsPage *self)
{
  scim_settings_page_open_product (self, NULL);
}

static void
on_add_user_cb (GtkButton        *button,
                ScimSettingsPage *self)
{
  open_user (self, NULL);
}

static GtkWidget *
add_button (ScimSettingsPage *self,
            ScimRecordTable  *table,
            const char       *label,
            GCallback         callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect_object (button, "clicked", callback, self, G_CONNECT_DEFAULT);
  scim_record_table_add_tool (table, button);
  return button;
}

static void
scim_settings_page_dispose (GObject *object)
{
  ScimSettingsPage *self = (ScimSettingsPage *) object;
  GtkWidget *child;

  g_clear_object (&self->store);
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
  gtk_widget_class_bind_template_child (widget_class, ScimSettingsPage, read_only_label);
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
  scim_record_table_add_column (self->clients_table, _("Tax ID"), "tax-id", SCIM_CELL_TEXT, FALSE);
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

  self->add_client_button = add_button (self, self->clients_table, _("_Add Client"), G_CALLBACK (on_add_client_cb));
  self->add_audience_button = add_button (self, self->audiences_table, _("_Add Target Audience"),
                                          G_CALLBACK (on_add_audience_cb));
  self->add_product_button = add_button (self, self->products_table, _("_Add Product"),
                                         G_CALLBACK (on_add_product_cb));
  self->add_user_button = add_button (self, self->users_table, _("_Add User"), G_CALLBACK (on_add_user_cb));
  g_signal_connect_object (self->clients_table, "activated", G_CALLBACK (on_client_activated_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->audiences_table, "activated", G_CALLBACK (on_audience_activated_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->products_table, "activated", G_CALLBACK (on_product_activated_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->users_table, "activated", G_CALLBACK (on_user_activated_cb), self, G_CONNECT_DEFAULT);
}

void
scim_settings_page_set_store (ScimSettingsPage *self,
                              ScimStore        *store)
{
  gboolean admin;

  g_return_if_fail (SCIM_IS_SETTINGS_PAGE (self));

  g_set_object (&self->store, store);
  admin = store != NULL && scim_store_get_user_role (store) == SCIM_ROLE_ADMIN;
  /* Only an administrator changes the settings; everyone else reads them. */
  gtk_widget_set_visible (self->add_audience_button, admin);
  gtk_widget_set_visible (self->add_product_button, admin);
  gtk_widget_set_visible (self->add_user_button, admin);
  gtk_widget_set_visible (GTK_WIDGET (self->read_only_label), store != NULL && !admin);
  if (store != NULL && scim_store_is_read_only (store))
    {
      gtk_widget_set_visible (self->add_client_button, FALSE);
      gtk_widget_set_visible (self->add_audience_button, FALSE);
      gtk_widget_set_visible (self->add_product_button, FALSE);
      gtk_widget_set_visible (self->add_user_button, FALSE);
    }

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

/**
 * scim_settings_page_get_add_button:
 * @self: a #ScimSettingsPage
 * @section: "clients", "audiences", "products" or "users"
 *
 * Returns: (transfer none): the section's Add button
 */
GtkWidget *
scim_settings_page_get_add_button (ScimSettingsPage *self,
                                   const char       *section)
{
  g_return_val_if_fail (SCIM_IS_SETTINGS_PAGE (self), NULL);

  if (g_str_equal (section, "clients"))
    return self->add_client_button;
  if (g_str_equal (section, "audiences"))
    return self->add_audience_button;
  if (g_str_equal (section, "products"))
    return self->add_product_button;
  return self->add_user_button;
}

/**
 * scim_settings_page_get_section_model:
 * @self: a #ScimSettingsPage
 * @section: "clients", "audiences", "products" or "users"
 *
 * Returns: (transfer none) (nullable): the rows of the section
 */
GListModel *
scim_settings_page_get_section_model (ScimSettingsPage *self,
                                      const char       *section)
{
  g_return_val_if_fail (SCIM_IS_SETTINGS_PAGE (self), NULL);

  if (g_str_equal (section, "clients"))
    return model_of (self->clients_table);
  if (g_str_equal (section, "audiences"))
    return model_of (self->audiences_table);
  if (g_str_equal (section, "products"))
    return model_of (self->products_table);
  return model_of (self->users_table);
}
