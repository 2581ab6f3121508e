/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-choices"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-choices.h"

/* The filter drop-downs the pages share: records with an "all" entry
 * first (id 0), and fixed lists of translated labels. */

/**
 * scim_choices_new:
 * @type: the record type
 * @property: the string property to show
 * @accessible: the translated label for screen readers and the tooltip
 *
 * Returns: (transfer floating): an empty drop-down; fill it with
 *   scim_choices_fill()
 */
GtkDropDown *
scim_choices_new (GType       type,
                  const char *property,
                  const char *accessible)
{
  GtkWidget *widget = gtk_drop_down_new (NULL, gtk_property_expression_new (type, NULL, property));

  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (widget), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (widget, accessible);
  return GTK_DROP_DOWN (widget);
}

/**
 * scim_choices_fill:
 * @dropdown: a drop-down from scim_choices_new()
 * @records: (element-type ScimRecord): the choices
 * @all_label: the translated "all" entry that comes first
 * @active_only: skip records whose "active" property is false
 *
 * Keeps the chosen record when it is still there.
 */
void
scim_choices_fill (GtkDropDown *dropdown,
                   GListModel  *records,
                   const char  *all_label,
                   gboolean     active_only)
{
  GtkExpression *expression = gtk_drop_down_get_expression (dropdown);
  const char *property = gtk_property_expression_get_pspec (expression)->name;
  GType type = g_list_model_get_item_type (records);
  g_autoptr(GListStore) choices = g_list_store_new (type);
  g_autoptr(ScimRecord) all = scim_record_new (type, 0);
  gint64 previous = scim_choices_get_id (dropdown);
  guint selected = 0;

  g_object_set (all, property, all_label, NULL);
  g_list_store_append (choices, all);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (records, i);

      if (active_only && !scim_record_get_bool (record, "active"))
        continue;
      if (scim_record_get_id (record) == previous)
        selected = g_list_model_get_n_items (G_LIST_MODEL (choices));
      g_list_store_append (choices, record);
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (choices));
  gtk_drop_down_set_selected (dropdown, selected);
}

/* Chooses the record @id if the drop-down offers it; whether it did. */
gboolean
scim_choices_select_id (GtkDropDown *dropdown,
                        gint64       id)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (SCIM_IS_RECORD (item) && scim_record_get_id (SCIM_RECORD (item)) == id)
        {
          gtk_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* The chosen record's id; 0 for "all". */
gint64
scim_choices_get_id (GtkDropDown *dropdown)
{
  ScimRecord *record = gtk_drop_down_get_selected_item (dropdown);

  return record != NULL && SCIM_IS_RECORD (record) ? scim_record_get_id (record) : 0;
}

/**
 * scim_choices_new_strings:
 * @labels: (array zero-terminated=1): untranslated labels
 * @accessible: the translated label
 *
 * Returns: (transfer floating): a drop-down of the translated labels
 */
GtkDropDown *
scim_choices_new_strings (const char * const *labels,
                          const char         *accessible)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *widget;

  for (guint i = 0; labels[i] != NULL; i++)
    gtk_string_list_append (model, _(labels[i]));
  widget = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&model)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (widget, accessible);
  return GTK_DROP_DOWN (widget);
}

/**
 * scim_choices_period_since:
 * @period: 0 any time, 1 today, 2 this week, 3 this month, 4 this quarter, 5 this year
 *
 * Returns: the UTC start of the period (local days), or 0 for any time
 */
gint64
scim_choices_period_since (guint period)
{
  static const int days[] = { 0, 0, 7, 31, 92, 366 };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) since = NULL;

  if (period == 0 || period >= G_N_ELEMENTS (days))
    return 0;
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  since = g_date_time_add_days (today, -days[period]);
  return g_date_time_to_unix (since);
}
