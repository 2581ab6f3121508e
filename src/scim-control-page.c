/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-control-page"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-choices.h"
#include "scim-control-page.h"
#include "scim-record-table.h"
#include "scim-sale-window.h"
#include "scim-sales.h"

/* The Plan & control module: the tasks of every plan the user may see, as
 * the head of sales checks them every day — filtered by salesperson, due
 * date and state in SQL; the discipline of each salesperson at the top
 * (open, overdue, due today, sales without a plan, idle sales), each
 * number a filter one click away; and the signals of broken discipline as
 * lists of sales.  Every row opens its sale.  A salesperson starts with
 * their own tasks of today. */

struct _ScimControlPage
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  ScimRecordTable *table;
  ScimRecordTable *sales_table;
  GtkFlowBox      *discipline_box;
  GtkWidget       *discipline_scroller;
  GtkDropDown     *due_dropdown;
  GtkDropDown     *owner_dropdown;
  GtkDropDown     *product_dropdown;
  GtkDropDown     *stage_dropdown;
  GtkToggleButton *mine_button;
  GtkToggleButton *no_plan_button;
  GtkToggleButton *idle_button;
  GtkSpinButton   *idle_days_spin;
  GSettings       *settings;

  ScimStore       *store;
  GListModel      *users;
  GCancellable    *cancellable;
  guint            refresh_source;
};

G_DEFINE_FINAL_TYPE (ScimControlPage, scim_control_page, GTK_TYPE_WIDGET)

static void refresh_discipline (ScimControlPage *self);
static void on_product_changed_cb (GObject         *object,
                                   GParamSpec      *pspec,
                                   ScimControlPage *self);

static char *
count_tasks (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u task", "%'u tasks", n), n);
}

static char *
count_sales (guint n)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u sale", "%'u sales", n), n);
}

static gint64
chosen_owner (ScimControlPage *self)
{
  ScimRecord *user;

  if (self->store != NULL && gtk_toggle_button_get_active (self->mine_button))
    return scim_store_get_user_id (self->store);
  user = gtk_drop_down_get_selected_item (self->owner_dropdown);
  return user != NULL ? scim_record_get_id (user) : 0;
}

static void
adjust_tasks (ScimQuery *query,
              gpointer   user_data)
{
  ScimControlPage *self = user_data;

  query->owner_id = chosen_owner (self);
  query->product_id = scim_choices_get_id (self->product_dropdown);
  query->stage_id = scim_choices_get_id (self->stage_dropdown);
  query->due = (ScimDueFilter) gtk_drop_down_get_selected (self->due_dropdown);
}

static void
adjust_sales (ScimQuery *query,
              gpointer   user_data)
{
  ScimControlPage *self = user_data;

  query->owner_id = chosen_owner (self);
  query->product_id = scim_choices_get_id (self->product_dropdown);
  query->stage_id = scim_choices_get_id (self->stage_dropdown);
  query->signal = gtk_toggle_button_get_active (self->no_plan_button) ? SCIM_SALE_SIGNAL_NO_PLAN
                                                                     : SCIM_SALE_SIGNAL_IDLE;
  query->idle_days = (guint) gtk_spin_button_get_value_as_int (self->idle_days_spin);
}

static void
refilter (ScimControlPage *self)
{
  gboolean signals = gtk_toggle_button_get_active (self->no_plan_button) ||
                     gtk_toggle_button_get_active (self->idle_button);

  gtk_stack_set_visible_child_name (self->stack, signals ? "sales" : "tasks");
  if (signals)
    scim_record_table_refilter (self->sales_table);
  else
    scim_record_table_refilter (self->table);
}

static void
on_filter_changed_cb (GObject         *object,
                      GParamSpec      *pspec,
                      ScimControlPage *self)
{
  refilter (self);
}

static void
on_mine_toggled_cb (GtkToggleButton *button,
                    ScimControlPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->owner_dropdown), !gtk_toggle_button_get_active (button));
  refilter (self);
}

static void
on_signal_toggled_cb (GtkToggleButton *button,
                      ScimControlPage *self)
{
  /* One signal at a time: they are lists of different sales. */
  if (gtk_toggle_button_get_active (button))
    {
      GtkToggleButton *other = button == self->no_plan_button ? self->idle_button : self->no_plan_button;

      g_signal_handlers_block_by_func (other, on_signal_toggled_cb, self);
      gtk_toggle_button_set_active (other, FALSE);
      g_signal_handlers_unblock_by_func (other, on_signal_toggled_cb, self);
    }
  refilter (self);
}

static void
open_sale (ScimControlPage *self,
           gint64           sale_id)
{
  scim_sale_window_open (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store, sale_id);
}

static void
on_task_activated_cb (ScimRecordTable *table,
                      ScimRecord      *task,
                      ScimControlPage *self)
{
  if (scim_record_get_loaded (task))
    open_sale (self, scim_record_get_int (task, "sale-id"));
}

static void
on_sale_activated_cb (ScimRecordTable *table,
                      ScimRecord      *sale,
                      ScimControlPage *self)
{
  open_sale (self, scim_record_get_id (sale));
}

/* Discipline: one card per salesperson */

static void
select_owner (ScimControlPage *self,
              gint64           user_id)
{
  guint n = self->users != NULL ? g_list_model_get_n_items (self->users) : 0;

  gtk_toggle_button_set_active (self->mine_button, FALSE);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimRecord) user = g_list_model_get_item (self->users, i);
      if (scim_record_get_id (user) == user_id)
        gtk_drop_down_set_selected (self->owner_dropdown, i);
    }
}

static void
on_overdue_clicked_cb (GtkButton       *button,
                       ScimControlPage *self)
{
  select_owner (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scim-user")));
  gtk_toggle_button_set_active (self->no_plan_button, FALSE);
  gtk_toggle_button_set_active (self->idle_button, FALSE);
  gtk_drop_down_set_selected (self->due_dropdown, SCIM_DUE_OVERDUE);
}

static void
on_no_plan_clicked_cb (GtkButton       *button,
                       ScimControlPage *self)
{
  select_owner (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scim-user")));
  gtk_toggle_button_set_active (self->no_plan_button, TRUE);
}

static void
on_idle_clicked_cb (GtkButton       *button,
                    ScimControlPage *self)
{
  select_owner (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scim-user")));
  gtk_toggle_button_set_active (self->idle_button, TRUE);
}

static GtkWidget *
number_button (const char      *label,
               guint            value,
               gint64           user_id,
               GCallback        callback,
               ScimControlPage *self,
               gboolean         alarm)
{
  g_autofree char *text = g_strdup_printf ("%s %u", label, value);
  GtkWidget *button = gtk_button_new_with_label (text);

  gtk_widget_add_css_class (button, "flat");
  if (alarm && value > 0)
    gtk_widget_add_css_class (button, "error");
  g_object_set_data (G_OBJECT (button), "scim-user", GSIZE_TO_POINTER (user_id));
  g_signal_connect_object (button, "clicked", callback, self, G_CONNECT_DEFAULT);
  return button;
}

static gpointer
discipline_thread (ScimStore     *store,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  return scim_store_discipline (store, GPOINTER_TO_UINT (data), error);
}

static void
on_discipline_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ScimControlPage) self = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  rows = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (rows == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", error->message);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->discipline_box))) != NULL)
    gtk_flow_box_remove (self->discipline_box, child);
  for (guint i = 0; i < rows->len; i++)
    {
      ScimDiscipline *d = g_ptr_array_index (rows, i);
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *name = gtk_label_new (d->name);
      g_autofree char *summary = g_strdup_printf (_("%u open · %u due today"), d->open_tasks, d->due_today);
      GtkWidget *line = gtk_label_new (summary);
      GtkWidget *numbers = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "discipline-card");
      gtk_widget_add_css_class (name, "heading");
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (line), 0);
      gtk_widget_add_css_class (line, "dim-label");
      gtk_box_append (GTK_BOX (numbers), number_button (_("Overdue"), d->overdue, d->user_id,
                                                        G_CALLBACK (on_overdue_clicked_cb), self, TRUE));
      gtk_box_append (GTK_BOX (numbers), number_button (_("No plan"), d->sales_without_plan, d->user_id,
                                                        G_CALLBACK (on_no_plan_clicked_cb), self, TRUE));
      gtk_box_append (GTK_BOX (numbers), number_button (_("Idle"), d->sales_idle, d->user_id,
                                                        G_CALLBACK (on_idle_clicked_cb), self, FALSE));
      gtk_box_append (GTK_BOX (card), name);
      gtk_box_append (GTK_BOX (card), line);
      gtk_box_append (GTK_BOX (card), numbers);
      gtk_flow_box_append (self->discipline_box, card);
    }
  gtk_widget_set_visible (self->discipline_scroller, rows->len > 0);
}

static void
refresh_discipline (ScimControlPage *self)
{
  if (self->store == NULL)
    return;
  scim_store_run_async_full (self->store, discipline_thread,
                             GUINT_TO_POINTER ((guint) gtk_spin_button_get_value_as_int (self->idle_days_spin)), NULL,
                             (GDestroyNotify) g_ptr_array_unref, self->cancellable, on_discipline_cb,
                             g_object_ref (self));
}

static gboolean
refresh_timeout_cb (gpointer data)
{
  ScimControlPage *self = data;

  self->refresh_source = 0;
  refresh_discipline (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (ScimStore       *store,
                     GPtrArray       *changes,
                     ScimControlPage *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (500, refresh_timeout_cb, self);
}

static gpointer
users_thread (ScimStore     *store,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_USERS);

  return scim_store_list (store, query, error);
}

static void
on_users_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ScimControlPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) users = scim_store_run_finish (SCIM_STORE (source), result, &error);
  g_autoptr(GListStore) choices = NULL;
  g_autoptr(ScimRecord) everyone = NULL;

  if (users == NULL)
    return;
  /* "Everyone" first, then each person. */
  choices = g_list_store_new (SCIM_TYPE_USER);
  everyone = scim_record_new (SCIM_TYPE_USER, 0);
  g_object_set (everyone, "display-name", _("Everyone"), NULL);
  g_list_store_append (choices, everyone);
  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(ScimRecord) user = g_list_model_get_item (users, i);
      if (scim_record_get_bool (user, "active"))
        g_list_store_append (choices, user);
    }
  g_set_object (&self->users, G_LIST_MODEL (choices));
  g_signal_handlers_block_by_func (self->owner_dropdown, on_filter_changed_cb, self);
  gtk_drop_down_set_model (self->owner_dropdown, self->users);
  g_signal_handlers_unblock_by_func (self->owner_dropdown, on_filter_changed_cb, self);
}

static gpointer
products_thread (ScimStore     *store,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_PRODUCTS);

  return scim_store_list (store, query, error);
}

static void
on_products_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ScimControlPage) self = user_data;
  g_autoptr(GListModel) products = scim_store_run_finish (SCIM_STORE (source), result, NULL);

  if (products == NULL)
    return;
  g_signal_handlers_block_by_func (self->product_dropdown, on_product_changed_cb, self);
  scim_choices_fill (self->product_dropdown, products, _("All products"), TRUE);
  g_signal_handlers_unblock_by_func (self->product_dropdown, on_product_changed_cb, self);
}

static void
update_idle_tooltip (ScimControlPage *self)
{
  guint days = (guint) gtk_spin_button_get_value_as_int (self->idle_days_spin);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Sales with no stage move, closed task or event for %u day",
                                                        "Sales with no stage move, closed task or event for %u days",
                                                        days),
                                           days);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->idle_button), text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->idle_days_spin), text);
}

static void
on_idle_days_changed_cb (GtkSpinButton   *spin,
                         ScimControlPage *self)
{
  update_idle_tooltip (self);
  refresh_discipline (self);
  if (gtk_toggle_button_get_active (self->idle_button))
    refilter (self);
}

/* Stages belong to a product: the stage filter offers the chosen product's
 * stages and is off while all products are shown. */
static gpointer
stages_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);

  query->product_id = *(gint64 *) data;
  return scim_store_list (store, query, error);
}

static void
fill_stages (ScimControlPage *self,
             GListModel      *stages)
{
  g_signal_handlers_block_by_func (self->stage_dropdown, on_filter_changed_cb, self);
  scim_choices_fill (self->stage_dropdown, stages, _("All stages"), FALSE);
  g_signal_handlers_unblock_by_func (self->stage_dropdown, on_filter_changed_cb, self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stage_dropdown), g_list_model_get_n_items (stages) > 0);
}

static void
on_stages_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScimControlPage) self = user_data;
  g_autoptr(GListModel) stages = scim_store_run_finish (SCIM_STORE (source), result, NULL);

  if (stages == NULL)
    return;
  /* The product may have changed again while these stages loaded. */
  if (g_list_model_get_n_items (stages) > 0)
    {
      g_autoptr(ScimRecord) first = g_list_model_get_item (stages, 0);

      if (scim_record_get_int (first, "product-id") != scim_choices_get_id (self->product_dropdown))
        return;
    }
  fill_stages (self, stages);
  refilter (self);
}

static void
on_product_changed_cb (GObject         *object,
                       GParamSpec      *pspec,
                       ScimControlPage *self)
{
  g_autoptr(GListStore) none = g_list_store_new (SCIM_TYPE_STAGE);
  gint64 product_id = scim_choices_get_id (self->product_dropdown);

  /* A stage of the old product would hide everything: start from all. */
  fill_stages (self, G_LIST_MODEL (none));
  refilter (self);
  if (product_id != 0 && self->store != NULL)
    scim_store_run_async_full (self->store, stages_thread, g_memdup2 (&product_id, sizeof product_id), g_free,
                               g_object_unref, self->cancellable, on_stages_cb, g_object_ref (self));
}

static GtkDropDown *
dropdown (const char * const *labels,
          const char         *accessible)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);
  GtkWidget *widget = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&model)), NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (widget, accessible);
  return GTK_DROP_DOWN (widget);
}

static void
scim_control_page_dispose (GObject *object)
{
  ScimControlPage *self = (ScimControlPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (object), SCIM_TYPE_CONTROL_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->users);

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
  gtk_widget_class_bind_template_child (widget_class, ScimControlPage, discipline_box);
  gtk_widget_class_bind_template_child (widget_class, ScimControlPage, discipline_scroller);
  gtk_widget_class_bind_template_child (widget_class, ScimControlPage, sales_table);
  gtk_widget_class_bind_template_child (widget_class, ScimControlPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ScimControlPage, table);
  gtk_widget_class_bind_template_callback (widget_class, on_sale_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_task_activated_cb);
}

static void
scim_control_page_init (ScimControlPage *self)
{
  static const char * const state_labels[] = { N_("Open tasks"), N_("Done"), N_("Failed"), N_("Cancelled"),
                                                N_("All tasks"), NULL };
  static const char * const states[] = { "planned", "done", "failed", "cancelled", "", NULL };
  static const char * const due_labels[] = { N_("Any due date"), N_("Overdue"), N_("Due today"),
                                              N_("Due this week"), N_("No due date"), NULL };
  const char *translated[G_N_ELEMENTS (state_labels)];
  const char *due_translated[G_N_ELEMENTS (due_labels)];
  GtkWidget *signals;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (state_labels); i++)
    translated[i] = state_labels[i] != NULL ? _(state_labels[i]) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (due_labels); i++)
    due_translated[i] = due_labels[i] != NULL ? _(due_labels[i]) : NULL;

  scim_record_table_set_kind (self->table, SCIM_LIST_TASKS);
  scim_record_table_set_texts (self->table, _("Search tasks, results and clients"),
                               _("No tasks"), _("No task matches the filters."));
  scim_record_table_set_count_func (self->table, count_tasks);
  scim_record_table_set_states (self->table, translated, states, 0);
  scim_record_table_set_adjust_func (self->table, adjust_tasks, self);

  self->due_dropdown = dropdown (due_translated, _("Due"));
  g_signal_connect_object (self->due_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                           G_CONNECT_DEFAULT);
  self->owner_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (NULL, gtk_property_expression_new (SCIM_TYPE_USER, NULL,
                                                                                              "display-name")));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->owner_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Salesperson"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->owner_dropdown), _("Salesperson"));
  g_signal_connect_object (self->owner_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                           G_CONNECT_DEFAULT);
  self->mine_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("Only _mine")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mine_button), _("Show only my tasks"));
  g_signal_connect_object (self->mine_button, "toggled", G_CALLBACK (on_mine_toggled_cb), self, G_CONNECT_DEFAULT);

  signals = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (signals, "linked");
  self->no_plan_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_No Plan")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->no_plan_button), _("Sales in work with no open task"));
  self->idle_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("I_dle")));
  /* How many days make a sale idle: the head's own measure, remembered. */
  self->idle_days_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 365, 1));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->idle_days_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Days without activity"), -1);
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "idle-days", self->idle_days_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->idle_days_spin, "value-changed", G_CALLBACK (on_idle_days_changed_cb), self,
                           G_CONNECT_DEFAULT);
  update_idle_tooltip (self);
  g_signal_connect_object (self->no_plan_button, "toggled", G_CALLBACK (on_signal_toggled_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->idle_button, "toggled", G_CALLBACK (on_signal_toggled_cb), self, G_CONNECT_DEFAULT);
  gtk_box_append (GTK_BOX (signals), GTK_WIDGET (self->no_plan_button));
  gtk_box_append (GTK_BOX (signals), GTK_WIDGET (self->idle_button));
  gtk_box_append (GTK_BOX (signals), GTK_WIDGET (self->idle_days_spin));

  /* The tools go in reverse: each is inserted after the state filter. */
  scim_record_table_add_tool (self->table, signals);
  scim_record_table_add_tool (self->table, GTK_WIDGET (self->mine_button));
  scim_record_table_add_tool (self->table, GTK_WIDGET (self->owner_dropdown));
  scim_record_table_add_tool (self->table, GTK_WIDGET (self->due_dropdown));
  self->stage_dropdown = scim_choices_new (SCIM_TYPE_STAGE, "name", _("Stage"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->stage_dropdown), FALSE);
  g_signal_connect_object (self->stage_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self,
                           G_CONNECT_DEFAULT);
  scim_record_table_add_tool (self->table, GTK_WIDGET (self->stage_dropdown));
  self->product_dropdown = scim_choices_new (SCIM_TYPE_PRODUCT, "name", _("Product"));
  g_signal_connect_object (self->product_dropdown, "notify::selected", G_CALLBACK (on_product_changed_cb), self,
                           G_CONNECT_DEFAULT);
  scim_record_table_add_tool (self->table, GTK_WIDGET (self->product_dropdown));

  scim_record_table_add_column (self->table, _("Due"), "due-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->table, _("Task"), "title", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Client"), "client", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->table, _("Product"), "product", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Stage"), "sale-stage", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("Owner"), "owner", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->table, _("State"), "state", SCIM_CELL_STATE, FALSE);
  scim_record_table_add_column (self->table, _("Result"), "result", SCIM_CELL_TEXT, TRUE);

  scim_record_table_set_kind (self->sales_table, SCIM_LIST_SALES);
  scim_record_table_set_texts (self->sales_table, NULL, _("No such sales"), _("Every sale has its plan moving."));
  scim_record_table_set_count_func (self->sales_table, count_sales);
  scim_record_table_set_adjust_func (self->sales_table, adjust_sales, self);
  scim_record_table_add_column (self->sales_table, _("Client"), "client", SCIM_CELL_TEXT, TRUE);
  scim_record_table_add_column (self->sales_table, _("Product"), "product", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->sales_table, _("Stage"), "stage", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->sales_table, _("At this stage since"), "stage-entered-at", SCIM_CELL_DATE, FALSE);
  scim_record_table_add_column (self->sales_table, _("Salesperson"), "owner", SCIM_CELL_TEXT, FALSE);
  scim_record_table_add_column (self->sales_table, _("Amount"), "amount", SCIM_CELL_MONEY, FALSE);
  scim_record_table_add_column (self->sales_table, _("Open tasks"), "open-tasks", SCIM_CELL_NUMBER, FALSE);
}

void
scim_control_page_set_store (ScimControlPage *self,
                             ScimStore       *store)
{
  g_return_if_fail (SCIM_IS_CONTROL_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);

  /* A salesperson starts with their own tasks of today; the head with
   * everyone's overdue ones. */
  if (store != NULL)
    {
      gboolean salesperson = scim_store_get_user_role (store) == SCIM_ROLE_SALES;

      g_signal_handlers_block_by_func (self->mine_button, on_mine_toggled_cb, self);
      g_signal_handlers_block_by_func (self->due_dropdown, on_filter_changed_cb, self);
      gtk_toggle_button_set_active (self->mine_button, salesperson);
      gtk_widget_set_sensitive (GTK_WIDGET (self->owner_dropdown), !salesperson);
      gtk_drop_down_set_selected (self->due_dropdown, salesperson ? SCIM_DUE_TODAY : SCIM_DUE_OVERDUE);
      g_signal_handlers_unblock_by_func (self->due_dropdown, on_filter_changed_cb, self);
      g_signal_handlers_unblock_by_func (self->mine_button, on_mine_toggled_cb, self);
      self->cancellable = g_cancellable_new ();
      g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, G_CONNECT_DEFAULT);
      scim_store_run_async_full (store, users_thread, NULL, NULL, g_object_unref, self->cancellable, on_users_cb,
                                 g_object_ref (self));
      scim_store_run_async_full (store, products_thread, NULL, NULL, g_object_unref, self->cancellable,
                                 on_products_cb, g_object_ref (self));
      refresh_discipline (self);
    }
  scim_record_table_set_store (self->table, store);
  scim_record_table_set_store (self->sales_table, store);
}

/**
 * scim_control_page_get_model:
 * @self: a #ScimControlPage
 *
 * Returns: (transfer none) (nullable): the tasks shown
 */
GListModel *
scim_control_page_get_model (ScimControlPage *self)
{
  g_return_val_if_fail (SCIM_IS_CONTROL_PAGE (self), NULL);
  return scim_record_table_get_model (self->table);
}

/* Chooses the due filter, as a person would; for tests. */
void
scim_control_page_set_due (ScimControlPage *self,
                           guint            due)
{
  g_return_if_fail (SCIM_IS_CONTROL_PAGE (self));
  gtk_drop_down_set_selected (self->due_dropdown, due);
}

/* Shows everyone's tasks (not only mine); for tests. */
void
scim_control_page_show_everyone (ScimControlPage *self)
{
  g_return_if_fail (SCIM_IS_CONTROL_PAGE (self));
  gtk_toggle_button_set_active (self->mine_button, FALSE);
  gtk_drop_down_set_selected (self->owner_dropdown, 0);
}

/**
 * scim_control_page_get_table:
 * @self: a #ScimControlPage
 *
 * Returns: (transfer none): the tasks table
 */
GtkWidget *
scim_control_page_get_table (ScimControlPage *self)
{
  g_return_val_if_fail (SCIM_IS_CONTROL_PAGE (self), NULL);
  return GTK_WIDGET (self->table);
}

/**
 * scim_control_page_get_filter:
 * @self: a #ScimControlPage
 * @name: "product" or "stage"
 *
 * Returns: (transfer none): that filter's drop-down; for tests
 */
GtkDropDown *
scim_control_page_get_filter (ScimControlPage *self,
                              const char      *name)
{
  g_return_val_if_fail (SCIM_IS_CONTROL_PAGE (self), NULL);
  if (g_str_equal (name, "product"))
    return self->product_dropdown;
  if (g_str_equal (name, "stage"))
    return self->stage_dropdown;
  g_return_val_if_reached (NULL);
}

/* Shows the idle sales for @days (0: back to the tasks), as a person
 * would; for tests. */
void
scim_control_page_show_idle (ScimControlPage *self,
                             guint            days)
{
  g_return_if_fail (SCIM_IS_CONTROL_PAGE (self));
  gtk_toggle_button_set_active (self->idle_button, days > 0);
  if (days > 0)
    gtk_spin_button_set_value (self->idle_days_spin, days);
}

/**
 * scim_control_page_get_sales_model:
 * @self: a #ScimControlPage
 *
 * Returns: (transfer none) (nullable): the sales a signal lists
 */
GListModel *
scim_control_page_get_sales_model (ScimControlPage *self)
{
  g_return_val_if_fail (SCIM_IS_CONTROL_PAGE (self), NULL);
  return scim_record_table_get_model (self->sales_table);
}
