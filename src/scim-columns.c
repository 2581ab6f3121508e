/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-columns"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-core.h"
#include "scim-columns.h"

/* Cells of the big tables: one label per visible cell, recycled by the
 * view, bound to a record property and formatted at the UI edge. */

typedef struct
{
  char          *property;
  ScimCellFormat format;
} CellSpec;

static void
cell_spec_free (gpointer data)
{
  CellSpec *spec = data;

  g_free (spec->property);
  g_free (spec);
}

/**
 * scim_cell_format_value:
 * @item: a record
 * @property: one of its properties
 * @format: how to show it
 *
 * Returns: (transfer full): the text of the cell
 */
char *
scim_cell_format_value (GObject        *item,
                        const char     *property,
                        ScimCellFormat  format)
{
  g_auto(GValue) value = G_VALUE_INIT;
  GParamSpec *pspec;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), property);
  g_return_val_if_fail (pspec != NULL, g_strdup (""));
  g_value_init (&value, pspec->value_type);
  g_object_get_property (item, property, &value);

  switch (format)
    {
    case SCIM_CELL_TEXT:
      return g_strdup (g_value_get_string (&value) != NULL ? g_value_get_string (&value) : "");
    case SCIM_CELL_DATE:
      return scim_format_date (g_value_get_int64 (&value));
    case SCIM_CELL_DATE_TIME:
      return scim_format_date_time (g_value_get_int64 (&value));
    case SCIM_CELL_MONEY:
      return scim_format_money (g_value_get_int64 (&value));
    case SCIM_CELL_NUMBER:
      return g_strdup_printf ("%'" G_GINT64_FORMAT, g_value_get_int64 (&value));
    case SCIM_CELL_STATE:
      return g_strdup (scim_format_state (g_value_get_string (&value)));
    case SCIM_CELL_STAGE_KIND:
      return g_strdup (scim_format_kind (g_value_get_string (&value)));
    case SCIM_CELL_EVENT_KIND:
      return g_strdup (scim_format_event_kind (g_value_get_string (&value)));
    case SCIM_CELL_ROLE:
      {
        ScimRole role;
        if (scim_role_from_string (g_value_get_string (&value), &role))
          return g_strdup (scim_role_get_label (role));
        return g_strdup ("");
      }
    case SCIM_CELL_YES_NO:
      return g_strdup (g_value_get_boolean (&value) ? _("Yes") : _("No"));
    case SCIM_CELL_DUPLICATES:
      {
        gint64 n = g_value_get_int64 (&value);

        if (n <= 0)
          return g_strdup ("");
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u likely duplicate", "%u likely duplicates",
                                             (gulong) n),
                                (guint) n);
      }
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

static void
update_label (GtkLabel *label)
{
  GObject *item = g_object_get_data (G_OBJECT (label), "scim-item");
  CellSpec *spec = g_object_get_data (G_OBJECT (label), "scim-spec");
  g_autofree char *text = NULL;

  if (item == NULL)
    {
      gtk_label_set_label (label, "");
      return;
    }
  text = scim_cell_format_value (item, spec->property, spec->format);
  gtk_label_set_label (label, text);
}

static void
on_item_notify_cb (GObject    *item,
                   GParamSpec *pspec,
                   GtkLabel   *label)
{
  update_label (label);
}

static void
on_setup_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CellSpec                 *spec)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), spec->format == SCIM_CELL_MONEY ||
                                           spec->format == SCIM_CELL_NUMBER ? 1.0f : 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (spec->format == SCIM_CELL_MONEY || spec->format == SCIM_CELL_NUMBER)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "scim-spec", spec);
  gtk_list_item_set_child (list_item, label);
}

static void
on_bind_cb (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CellSpec                 *spec)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *signal = g_strdup_printf ("notify::%s", spec->property);
  gulong handler;

  g_object_set_data (G_OBJECT (label), "scim-item", item);
  handler = g_signal_connect_object (item, signal, G_CALLBACK (on_item_notify_cb), label, G_CONNECT_DEFAULT);
  g_object_set_data (G_OBJECT (label), "scim-handler", GSIZE_TO_POINTER (handler));
  update_label (GTK_LABEL (label));
}

static void
on_unbind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              CellSpec                 *spec)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  GObject *item = g_object_get_data (G_OBJECT (label), "scim-item");
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (label), "scim-handler"));

  if (item != NULL && handler != 0)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (label), "scim-item", NULL);
  g_object_set_data (G_OBJECT (label), "scim-handler", NULL);
}

/**
 * scim_cell_factory_new:
 * @property: the record property the cell shows
 * @format: how to show it
 *
 * Returns: (transfer full): a factory of labels bound to @property
 */
GtkListItemFactory *
scim_cell_factory_new (const char     *property,
                       ScimCellFormat  format)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  CellSpec *spec = g_new0 (CellSpec, 1);

  spec->property = g_strdup (property);
  spec->format = format;
  g_object_set_data_full (G_OBJECT (factory), "scim-spec", spec, cell_spec_free);
  g_signal_connect (factory, "setup", G_CALLBACK (on_setup_cb), spec);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind_cb), spec);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind_cb), spec);
  return factory;
}

/**
 * scim_column_view_add:
 * @view: a column view over records
 * @title: the translated column title
 * @property: the record property
 * @format: how to show it
 * @expand: whether the column takes spare width
 *
 * Returns: (transfer none): the new column
 */
GtkColumnViewColumn *
scim_column_view_add (GtkColumnView  *view,
                      const char     *title,
                      const char     *property,
                      ScimCellFormat  format,
                      gboolean        expand)
{
  g_autoptr(GtkColumnViewColumn) column = NULL;

  column = gtk_column_view_column_new (title, scim_cell_factory_new (property, format));
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  return column;
}

/* Rows of a hidden view
 *
 * GtkListView, and the GtkColumnView built on it, keep up to 200 rows of
 * widgets around what is shown, however few fit (GTK 4.8): with a table on
 * every page, the rows of the pages nobody looks at held most of the
 * window's memory on a big file.  A view that follows its mapping gives
 * its rows back when it is unmapped (its page hidden, the window closed to
 * the background) and builds the visible ones again when it is mapped: the
 * model is set aside meanwhile, with its selection, and the scroll position
 * is put back once the rows are there. */

typedef struct
{
  GtkSelectionModel *model;      /* the view's model, shown or set aside */
  double             scroll;     /* where it was scrolled to when hidden */
  guint              tick_id;
  int                ticks;
} ViewRows;

static void
view_rows_free (gpointer data)
{
  ViewRows *rows = data;

  g_clear_object (&rows->model);
  g_free (rows);
}

static ViewRows *
view_rows (GtkWidget *view)
{
  return g_object_get_data (G_OBJECT (view), "scim-view-rows");
}

static gboolean
restore_scroll_cb (GtkWidget     *view,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  ViewRows *rows = view_rows (view);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  /* The rows' heights come over a few frames; give up after a second. */
  if (adjustment != NULL &&
      gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) >= rows->scroll)
    {
      gtk_adjustment_set_value (adjustment, rows->scroll);
      rows->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (++rows->ticks > 60)
    {
      rows->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_view_map_cb (GtkWidget *view)
{
  ViewRows *rows = view_rows (view);

  g_object_set (view, "model", rows->model, NULL);
  if (rows->scroll > 0 && rows->tick_id == 0)
    {
      rows->ticks = 0;
      rows->tick_id = gtk_widget_add_tick_callback (view, restore_scroll_cb, NULL, NULL);
    }
}

static void
on_view_unmap_cb (GtkWidget *view)
{
  ViewRows *rows = view_rows (view);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  if (rows->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (view, rows->tick_id);
      rows->tick_id = 0;
    }
  else
    rows->scroll = adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
  g_object_set (view, "model", NULL, NULL);
}

/**
 * scim_view_rows_follow_map:
 * @view: a #GtkListView or #GtkColumnView, before its model is set
 *
 * Makes @view drop its rows while unmapped; set its model with
 * scim_view_set_model() from then on.
 */
void
scim_view_rows_follow_map (GtkWidget *view)
{
  g_return_if_fail (GTK_IS_LIST_VIEW (view) || GTK_IS_COLUMN_VIEW (view));

  g_object_set_data_full (G_OBJECT (view), "scim-view-rows", g_new0 (ViewRows, 1), view_rows_free);
  g_signal_connect (view, "map", G_CALLBACK (on_view_map_cb), NULL);
  g_signal_connect (view, "unmap", G_CALLBACK (on_view_unmap_cb), NULL);
}

/**
 * scim_view_set_model:
 * @view: a view given to scim_view_rows_follow_map()
 * @model: (nullable): its model
 *
 * Shows @model in @view now, or when @view is next mapped.
 */
void
scim_view_set_model (GtkWidget         *view,
                     GtkSelectionModel *model)
{
  ViewRows *rows = view_rows (view);

  g_return_if_fail (rows != NULL);

  g_set_object (&rows->model, model);
  rows->scroll = 0;
  if (gtk_widget_get_mapped (view))
    g_object_set (view, "model", model, NULL);
}

/**
 * scim_view_get_model:
 * @view: a view given to scim_view_rows_follow_map()
 *
 * Returns: (transfer none) (nullable): its model, shown or set aside
 */
GtkSelectionModel *
scim_view_get_model (GtkWidget *view)
{
  ViewRows *rows = view_rows (view);

  g_return_val_if_fail (rows != NULL, NULL);
  return rows->model;
}
