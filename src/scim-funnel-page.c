/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-funnel-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-funnel-page.h"
#include "scim-record-table.h"
#include "scim-sale-window.h"

/* The Funnel module: sales in work at each stage of a product's funnel.
 * The counts come from the covering index on sales (product, stage, amount). */

struct _ScimFunnelPage
{
  GtkWidget           parent_instance;

  GtkDropDown     *product_dropdown;
  GtkLabel        *summary_label;
  ScimRecordTable *table;
  ScimRecordTable *sales_table;

  ScimStore       *store;
  gint64           stage_id;
  GCancellable    *cancellable;
  gulong           loaded_id;
};

G_DEFINE_FINAL_TYPE (ScimFunnelPage, scim_funnel_page, GTK_TYPE_WIDGET)

static gint64
selected_product (ScimFunnelPage *self)
{
  ScimRecord *product = gtk_drop_down_get_selected_item (self->product_dropdown);

  return product != NULL ? scim_record_get_id (product) : 0;
}

static char *
count_stages (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u stage", "%u stages", n), n);
}

static void
adjust_query (ScimQuery *query,
              gpointer   user_data)
{
  ScimFunnelPage *self = user_data;

  /* No product chosen yet: show nothing rather than every funnel mixed. */
  query->product_id = selected_product (self);
  if (query->product_id == 0)
    query->product_id = -1;
}

static void
update_summary (ScimFunnelPage *self)
{
  GListModel *stages = scim_record_table_get_model (self->table);
  gint64 open = 0, amount = 0, won = 0;
  g_autofree char *money = NULL;
  g_autofree char *text = NULL;
  guint n = stages != NULL ? g_list_model_get_n_items (stages) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (stages, i);
      const char *kind = scim_record_get_string (stage, "kind");

      if (!scim_record_get_loaded (stage))
        continue;
      if (g_strcmp0 (kind, "open") == 0)
        {
          open += scim_record_get_int (stage, "sale-count");
          amount += scim_record_get_int (stage, "amount");
        }
      else if (g_strcmp0 (kind, "won") == 0)
        won += scim_record_get_int (stage, "sale-count");
    }

  money = scim_format_money (amount);
  text = g_strdup_printf (_("In work: %'" G_GINT64_FORMAT " sales, %s · won: %'" G_GINT64_FORMAT),
                          open, money, won);
  gtk_label_set_label (self->summary_label, n > 0 ? text : "");
}

static void
on_stages_changed_cb (GListModel     *model,
                      guint           position,
                      guint           removed,
                      guint           added,
                      ScimFunnelPage *self)
{
  /* Touch every stage so its row loads; a funnel has a dozen stages. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (model, i);
      g_signal_connect_object (stage, "notify::loaded", G_CALLBACK (update_summary), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (stage, "notify::sale-count", G_CALLBACK (update_summary), self, G_CONNECT_SWAPPED);
    }
  update_summary (self);
}

static char *
count_sales (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u sale", "%'u sales", n), n);
}

static void
adjust_sales (ScimQuery *query,
              gpointer   user_data)
{
  ScimFunnelPage *self = user_data;

  /* The sales of the stage clicked; none before a click. */
  query->product_id = selected_product (self);
  query->stage_id = self->stage_id != 0 ? self->stage_id : -1;
}

static void
on_stage_activated_cb (ScimRecordTable *table,
                       ScimRecord      *stage,
                       ScimFunnelPage  *self)
{
  self->stage_id = scim_record_get_id (stage);
  scim_record_table_refilter (self->sales_table);
}

static void
on_sale_activated_cb (ScimRecordTable *table,
                      ScimRecord      *sale,
                      ScimFunnelPage  *self)
{
  scim_sale_window_open (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, scim_record_get_id (sale));
}

static void
on_product_selected_cb (GtkDropDown    *dropdown,
                        GParamSpec     *pspec,
                        ScimFunnelPage *self)
{
  self->stage_id = 0;
  scim_record_table_refilter (self->table);
  scim_record_table_refilter (self->sales_table);
}

static gpointer
load_products_thread (ScimStore     *store,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_PRODUCTS);

  return scim_store_list (store, query, error);
}

static void
on_products_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ScimFunnelPage *self = user_data;
  g_autoptr(GListModel) products = NULL;
  g_autoptr(GError) error = NULL;
  gint64 previous;

  products = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (products == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", error->message);
      return;
    }

  previous = selected_product (self);
  gtk_drop_down_set_model (self->product_dropdown, products);
  for (guint i = 0; i < g_list_model_get_n_items (products); i++)
    {
      g_autoptr(ScimRecord) product = g_list_model_get_item (products, i);
      if (scim_record_get_id (product) == previous)
        gtk_drop_down_set_selected (self->product_dropdown, i);
    }
  scim_record_table_refilter (self->table);
}

static void
reload_products (ScimFunnelPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  scim_store_run_async (self->store, load_products_thread, NULL, NULL, self->cancellable,
                        on_products_loaded_cb, self);
}

static void
on_store_changed_cb (ScimStore      *store,
                     GPtrArray      *changes,
                     ScimFunnelPage *self)
{
  for (guint i = 0; i < changes->len; i++)
    {
      ScimChange *change = g_ptr_array_index (changes, i);
      if (g_str_equal (change->entity, "products"))
        {
          reload_products (self);
          return;
        }
    }
}

static void
scim_funnel_page_dispose (GObject *object)
{
  GtkWidget *child;
  ScimFunnelPage *self = (ScimFunnelPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCIM_TYPE_FUNNEL_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (scim_funnel_page_parent_class)->dispose (object);
}

static void
scim_funnel_page_class_init (ScimFunnelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_funnel_page_dispose;

  g_type_ensure (SCIM_TYPE_RECORD_TABLE);
  g_type_ensure (SCIM_TYPE_PRODUCT);
  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-funnel-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimFunnelPage, product_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ScimFunnelPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ScimFunnelPage, sales_table);
  gtk_widget_class_bind_template_child (widget_class, ScimFunnelPage, table);
  gtk_widget_class_bind_template_callback (widget_class, on_product_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sale_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stage_activated_cb);
}

static void
scim_funnel_page_init (ScimFunnelPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  scim_record_table_set_kind (self->table, SCIM_LIST_STAGES);
  scim_record_table_set_texts (self->table, NULL, _("No funnel"),
                               _("Add a product with its funnel in Settings."));
  scim_record_table_set_count_func (self->table, count_stages);
  scim_record_table_set_adjust_func (self->table, adjust_query, self);
  scim_record_table_add_column (self->table, _("Stage"), "name", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Kind"), "kind", SCIM_CELL_STAGE_KIND, FALSE);
  scim_record_table_add_column (self->table, _("Sales"), "sale-count", SCIM_CELL_NUMBER, FALSE);
  scim_record_table_add_column (self->table, _("Amount"), "amount", SCIM_CELL_MONEY, FALSE);
  scim_record_table_add_column (self->table, _("Probability, %"), "probability", SCIM_CELL_NUMBER, FALSE);
  scim_record_table_set_kind (self->sales_table, SCIM_LIST_SALES);
  scim_record_table_set_texts (self->sales_table, _("Search clients"), _("Open a stage"),
                               _("Double-click a stage above to list its sales; a sale opens its plan."));
  scim_record_table_set_count_func (self->sales_table, count_sales);
  scim_record_table_set_adjust_func (self->sales_table, adjust_sales, self);
  scim_record_table_add_column (self->sales_table, _("Client"), "client", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->sales_table, _("Stage"), "stage", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->sales_table, _("Since"), "stage-entered-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->sales_table, _("Salesperson"), "owner", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->sales_table, _("Amount"), "amount", SCIM_CELL_MONEY, FALSE);
  scim_record_table_add_column (self->sales_table, _("Open tasks"), "open-tasks", SCIM_CELL_NUMBER, FALSE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->product_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Product"), -1);
}

void
scim_funnel_page_set_store (ScimFunnelPage *self,
                            ScimStore      *store)
{
  GListModel *stages;

  g_return_if_fail (SCIM_IS_FUNNEL_PAGE (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (!g_set_object (&self->store, store))
    return;

  gtk_drop_down_set_model (self->product_dropdown, NULL);
  self->stage_id = 0;
  scim_record_table_set_store (self->table, store);
  scim_record_table_set_store (self->sales_table, store);
  stages = scim_record_table_get_model (self->table);
  if (stages != NULL)
    g_signal_connect_object (stages, "items-changed", G_CALLBACK (on_stages_changed_cb), self, G_CONNECT_DEFAULT);
  if (store != NULL)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, G_CONNECT_DEFAULT);
  reload_products (self);
  update_summary (self);
}

/**
 * scim_funnel_page_get_model:
 * @self: a #ScimFunnelPage
 *
 * Returns: (transfer none) (nullable): the stages of the chosen product
 */
GListModel *
scim_funnel_page_get_model (ScimFunnelPage *self)
{
  g_return_val_if_fail (SCIM_IS_FUNNEL_PAGE (self), NULL);
  return scim_record_table_get_model (self->table);
}
