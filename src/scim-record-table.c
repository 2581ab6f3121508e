/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-record-table"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-choices.h"
#include "scim-columns.h"
#include "scim-record-table.h"
#include "scim-wrap-layout.h"

/* A searchable, filterable table over a lazy ScimRecordList: the building
 * block of the module pages.  Search and state filters go into the SQL of
 * the list, never into a filter over loaded rows. */

struct _ScimRecordTable
{
  GtkWidget            parent_instance;

  GtkBox              *toolbar;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *state_dropdown;
  GtkDropDown         *sort_dropdown;
  GtkLabel            *count_label;
  GtkStack            *stack;
  GtkColumnView       *column_view;
  AdwStatusPage       *empty_page;

  ScimListKind         kind;
  ScimStore           *store;
  ScimRecordList      *list;
  GStrv                states;
  ScimCountFunc        count_func;
  ScimQueryAdjustFunc  adjust_func;
  gpointer             adjust_data;
  gboolean             multiple;
  gboolean             select_all_pending;
};

enum {
  ACTIVATED,
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimRecordTable, scim_record_table, GTK_TYPE_WIDGET)

static void
update_count (ScimRecordTable *self)
{
  /* The list reads its rows a page at a time; the label counts them all. */
  guint n = scim_record_list_count (self->list);
  g_autofree char *text = NULL;

  if (self->count_func != NULL)
    text = self->count_func (n);
  else
    text = g_strdup_printf ("%'u", n);
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 || self->list == NULL ||
                                    scim_record_list_get_loading (self->list) ? "table" : "empty");
}

static void
on_list_complete_cb (ScimRecordTable *self)
{
  if (self->select_all_pending && self->list != NULL && scim_record_list_get_complete (self->list))
    scim_record_table_select_all (self);
}

static ScimQuery *
build_query (ScimRecordTable *self)
{
  ScimQuery *query = scim_query_new (self->kind);
  guint selected = gtk_drop_down_get_selected (self->state_dropdown);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (text != NULL && text[0] != '\0')
    query->search = g_strdup (text);
  if (self->states != NULL && selected < g_strv_length (self->states) && self->states[selected][0] != '\0')
    query->state = g_strdup (self->states[selected]);
  if (self->sort_dropdown != NULL)
    query->sort = gtk_drop_down_get_selected (self->sort_dropdown);
  if (self->adjust_func != NULL)
    self->adjust_func (query, self->adjust_data);
  return query;
}

static void
on_search_changed_cb (GtkSearchEntry  *entry,
                      ScimRecordTable *self)
{
  scim_record_table_refilter (self);
}

static void
on_state_selected_cb (GtkDropDown     *dropdown,
                      GParamSpec      *pspec,
                      ScimRecordTable *self)
{
  scim_record_table_refilter (self);
}

static void
on_row_activated_cb (GtkColumnView   *view,
                     guint            position,
                     ScimRecordTable *self)
{
  g_autoptr(ScimRecord) record = NULL;

  if (self->list == NULL)
    return;
  record = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (record != NULL)
    g_signal_emit (self, signals[ACTIVATED], 0, record);
}

static void
on_selection_changed_cb (ScimRecordTable *self)
{
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
on_list_loaded_cb (ScimRecordList  *list,
                   ScimRecordTable *self)
{
  update_count (self);
}

static void
on_list_error_cb (ScimRecordList  *list,
                  GError          *error,
                  ScimRecordTable *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-error", "s", error->message);
}

static void
scim_record_table_dispose (GObject *object)
{
  ScimRecordTable *self = (ScimRecordTable *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SCIM_TYPE_RECORD_TABLE);
  g_clear_object (&self->list);
  g_clear_object (&self->store);
  g_clear_pointer (&self->states, g_strfreev);

  G_OBJECT_CLASS (scim_record_table_parent_class)->dispose (object);
}

static void
scim_record_table_class_init (ScimRecordTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_record_table_dispose;

  /**
   * ScimRecordTable::activated:
   * @record: the row a person opened (double-click or Enter)
   */
  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCIM_TYPE_RECORD);
  /**
   * ScimRecordTable::selection-changed:
   *
   * Emitted when the rows chosen for a bulk action change.
   */
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-record-table.ui");
  gtk_widget_class_bind_template_child (widget_class, ScimRecordTable, column_view);
  gtk_widget_class_bind_template_child (widget_class, ScimRecordTable, count_label);
  gtk_widget_class_bind_template_child (widget_class, ScimRecordTable, empty_page);
  gtk_widget_class_bind_template_child (widget_class, ScimRecordTable, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ScimRecordTable, stack);
  gtk_widget_class_bind_template_child (widget_class, ScimRecordTable, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ScimRecordTable, toolbar);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_state_selected_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
scim_record_table_init (ScimRecordTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  scim_view_rows_follow_map (GTK_WIDGET (self->column_view));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  /* The search and the filters wrap to a second line in a narrow window. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self->toolbar), scim_wrap_layout_new (12, 6));
  update_count (self);
}

void
scim_record_table_set_kind (ScimRecordTable *self,
                            ScimListKind     kind)
{
  const char * const *sorts;

  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  g_return_if_fail (self->list == NULL);
  self->kind = kind;

  /* The orders the store offers for this list, and for tasks the groups. */
  sorts = scim_list_kind_get_sorts (kind);
  if (sorts != NULL && self->sort_dropdown == NULL)
    {
      self->sort_dropdown = scim_choices_new_strings (sorts, _("Order"));
      g_signal_connect_object (self->sort_dropdown, "notify::selected", G_CALLBACK (on_state_selected_cb), self,
                               G_CONNECT_DEFAULT);
      gtk_box_insert_child_after (self->toolbar, GTK_WIDGET (self->sort_dropdown), GTK_WIDGET (self->state_dropdown));
    }
}

/**
 * scim_record_table_set_texts:
 * @self: a #ScimRecordTable
 * @search_placeholder: (nullable): what the search looks in; %NULL hides the search
 * @empty_title: shown when nothing matches
 * @empty_description: (nullable): what to do about it
 */
void
scim_record_table_set_texts (ScimRecordTable *self,
                             const char      *search_placeholder,
                             const char      *empty_title,
                             const char      *empty_description)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), search_placeholder != NULL);
  if (search_placeholder != NULL)
    {
      g_object_set (self->search_entry, "placeholder-text", search_placeholder, NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, search_placeholder, -1);
    }
  adw_status_page_set_title (self->empty_page, empty_title);
  adw_status_page_set_description (self->empty_page, empty_description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, empty_title, -1);
}

void
scim_record_table_set_count_func (ScimRecordTable *self,
                                  ScimCountFunc    func)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  self->count_func = func;
  update_count (self);
}

void
scim_record_table_add_column (ScimRecordTable *self,
                              const char      *title,
                              const char      *property,
                              ScimCellFormat   format,
                              gboolean         expand)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  scim_column_view_add (self->column_view, title, property, format, expand);
}

/**
 * scim_record_table_set_states:
 * @self: a #ScimRecordTable
 * @labels: translated names for the state filter
 * @states: the stored states, "" for any
 * @selected: the one chosen at first
 */
void
scim_record_table_set_states (ScimRecordTable    *self,
                              const char * const *labels,
                              const char * const *states,
                              guint               selected)
{
  g_autoptr(GtkStringList) model = NULL;

  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));

  g_strfreev (self->states);
  self->states = g_strdupv ((char **) states);
  model = gtk_string_list_new (labels);
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->state_dropdown, selected);
  gtk_widget_set_visible (GTK_WIDGET (self->state_dropdown), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show only this state"), -1);
}

void
scim_record_table_add_tool (ScimRecordTable *self,
                            GtkWidget       *widget)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  gtk_box_insert_child_after (self->toolbar, widget, GTK_WIDGET (self->state_dropdown));
}

void
scim_record_table_set_adjust_func (ScimRecordTable     *self,
                                   ScimQueryAdjustFunc  func,
                                   gpointer             user_data)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  self->adjust_func = func;
  self->adjust_data = user_data;
}

/**
 * scim_record_table_set_store:
 * @self: a #ScimRecordTable
 * @store: (nullable): the store, or %NULL to empty the table
 */
void
scim_record_table_set_store (ScimRecordTable *self,
                             ScimStore       *store)
{
  g_autoptr(ScimQuery) query = NULL;
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));

  if (!g_set_object (&self->store, store))
    return;

  scim_view_set_model (GTK_WIDGET (self->column_view), NULL);
  g_clear_object (&self->list);
  if (store != NULL)
    {
      query = build_query (self);
      self->list = scim_record_list_new (store, query);
      g_signal_connect_object (self->list, "loaded", G_CALLBACK (on_list_loaded_cb), self, G_CONNECT_DEFAULT);
      g_signal_connect_object (self->list, "error", G_CALLBACK (on_list_error_cb), self, G_CONNECT_DEFAULT);
      g_signal_connect_object (self->list, "notify::total", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->list, "notify::complete", G_CALLBACK (on_list_complete_cb), self,
                               G_CONNECT_SWAPPED);
      if (self->multiple)
        selection = GTK_SELECTION_MODEL (gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->list))));
      else
        {
          selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list))));
          gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
        }
      g_signal_connect_object (selection, "selection-changed", G_CALLBACK (on_selection_changed_cb), self,
                               G_CONNECT_SWAPPED);
      scim_view_set_model (GTK_WIDGET (self->column_view), selection);
    }
  update_count (self);
}

/**
 * scim_record_table_refilter:
 * @self: a #ScimRecordTable
 *
 * Runs the query again with the current search, state and page filters.
 */
void
scim_record_table_refilter (ScimRecordTable *self)
{
  g_autoptr(ScimQuery) query = NULL;

  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));

  if (self->list == NULL)
    return;
  query = build_query (self);
  scim_record_list_set_query (self->list, query);
}

/**
 * scim_record_table_set_multiple:
 * @self: a #ScimRecordTable
 * @multiple: whether several rows may be chosen for bulk actions
 *
 * Call before scim_record_table_set_store().
 */
void
scim_record_table_set_multiple (ScimRecordTable *self,
                                gboolean         multiple)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  self->multiple = multiple;
  gtk_column_view_set_enable_rubberband (self->column_view, multiple);
}

/**
 * scim_record_table_get_selected_ids:
 * @self: a #ScimRecordTable
 *
 * Returns: (transfer full) (element-type gint64): the chosen rows' ids
 */
GArray *
scim_record_table_get_selected_ids (ScimRecordTable *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkSelectionModel *selection;
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (SCIM_IS_RECORD_TABLE (self), ids);

  selection = scim_view_get_model (GTK_WIDGET (self->column_view));
  if (selection == NULL || self->list == NULL)
    return ids;
  /* The ids are known without loading the rows: a selection of 100,000
   * leads costs 800 KB, not 100,000 objects. */
  set = gtk_selection_model_get_selection (selection);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, set, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      gint64 id = scim_record_list_get_id (self->list, position);
      g_array_append_val (ids, id);
    }
  return ids;
}

void
scim_record_table_select_all (ScimRecordTable *self)
{
  GtkSelectionModel *selection;

  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  /* All means all the query has: the ids not read yet come first (ids
   * only, no rows), then the selection. */
  if (self->list != NULL && !scim_record_list_get_complete (self->list))
    {
      self->select_all_pending = TRUE;
      scim_record_list_load_all (self->list);
      return;
    }
  self->select_all_pending = FALSE;
  selection = scim_view_get_model (GTK_WIDGET (self->column_view));
  if (selection != NULL)
    gtk_selection_model_select_all (selection);
}

/**
 * scim_record_table_get_model:
 * @self: a #ScimRecordTable
 *
 * Returns: (transfer none) (nullable): the rows
 */
GListModel *
scim_record_table_get_model (ScimRecordTable *self)
{
  g_return_val_if_fail (SCIM_IS_RECORD_TABLE (self), NULL);
  return self->list != NULL ? G_LIST_MODEL (self->list) : NULL;
}

/**
 * scim_record_table_focus_list:
 * @self: a #ScimRecordTable
 *
 * Moves the keyboard into the rows, to work in the list.
 */
void
scim_record_table_focus_list (ScimRecordTable *self)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/**
 * scim_record_table_get_search_entry:
 * @self: a #ScimRecordTable
 *
 * Returns: (transfer none): the search entry, for Ctrl+F
 */
GtkWidget *
scim_record_table_get_search_entry (ScimRecordTable *self)
{
  g_return_val_if_fail (SCIM_IS_RECORD_TABLE (self), NULL);
  return GTK_WIDGET (self->search_entry);
}

/* Opens a row as a double-click or Enter does. */
void
scim_record_table_activate (ScimRecordTable *self,
                            guint            position)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  g_signal_emit_by_name (self->column_view, "activate", position);
}

/* Chooses an entry of the state filter, as a person would. */
void
scim_record_table_set_state (ScimRecordTable *self,
                             guint            index)
{
  g_return_if_fail (SCIM_IS_RECORD_TABLE (self));
  gtk_drop_down_set_selected (self->state_dropdown, index);
}
